"""Demo data for awards: tiers and rules (real structure, [U] figures as defaults), and a
labelled sample of award history, ratings, exemplars, a council and nominations in several
states. Idempotent: sample rows are matched by their natural keys."""

from __future__ import annotations

import datetime

from django.db import transaction

from campaigns.models import Campaign
from portal.demo import load_users
from portal.models import User
from units.models import Authority, Person, Unit

from . import demo_successor
from .council.selectors import recusals
from .council.services import (
    session_add_item,
    session_close,
    session_create,
    session_open,
    session_set_secretary,
    vote_cast,
)
from .models import (
    Award,
    AwardCategory,
    AwardSource,
    AwardTier,
    CouncilSession,
    Exemplar,
    MemberRole,
    Nomination,
    NominationDocument,
    NominationStatus,
    PeriodKind,
    SessionStatus,
    VoteChoice,
    YearlyRating,
)
from .nominations.services import (
    consultation_open,
    nomination_check,
    nomination_create,
    nomination_document_add,
    nomination_submit,
)
from .tiers import load_tiers

D = datetime.date
CAMPAIGN = "ducpho-ntm-2021-2025"

# (kind, code, tier, decision number, date, category)
HISTORY = [
    ("person", "CN-MAU-001", "chien-si-thi-dua-co-so", "12/QĐ-UBND", D(2021, 2, 1), "merit"),
    ("person", "CN-MAU-001", "chien-si-thi-dua-co-so", "15/QĐ-UBND", D(2022, 2, 3), "merit"),
    ("person", "CN-MAU-001", "chien-si-thi-dua-co-so", "20/QĐ-UBND", D(2023, 2, 6), "merit"),
    ("person", "CN-MAU-001", "bang-khen-chu-tich-tinh", "345/QĐ-UBND", D(2019, 4, 10), "merit"),
    ("person", "CN-MAU-002", "lao-dong-tien-tien", "21/QĐ-UBND", D(2023, 2, 6), "merit"),
    ("unit", "XA-PHO-AN", "giay-khen-chu-tich-thi-xa", "88/QĐ-UBND", D(2023, 12, 20), "thematic"),
    ("unit", "XA-PHO-AN", "tap-the-lao-dong-tien-tien", "22/QĐ-UBND", D(2023, 2, 6), "merit"),
    ("unit", "XA-PHO-CHAU", "giay-khen-chu-tich-thi-xa", "89/QĐ-UBND", D(2023, 12, 20), "thematic"),
]
RATINGS = {
    "CN-MAU-001": {
        2019: "htxsnv",
        2020: "htxsnv",
        2021: "htxsnv",
        2022: "httnv",
        2023: "htxsnv",
        2024: "htxsnv",
        2025: "htxsnv",
    },
    "CN-MAU-002": {2022: "httnv", 2023: "httnv", 2024: "htxsnv", 2025: "httnv"},
    "CN-MAU-003": {2023: "htnv", 2024: "httnv"},
}
UNIT_RATINGS = {
    "XA-PHO-AN": {2023: "htxsnv", 2024: "htxsnv", 2025: "htxsnv"},
    "XA-PHO-CHAU": {2024: "httnv", 2025: "httnv"},
}
EXEMPLARS = [
    (
        "initiative",
        "Sáng kiến số hóa hồ sơ hiến đất làm đường giao thông nông thôn",
        "person",
        "CN-MAU-001",
        2023,
        "Lập sổ theo dõi điện tử việc hiến đất, giúp xã rút ngắn thời gian giải phóng mặt bằng các tuyến đường thôn.",
        True,
    ),
    (
        "initiative",
        "Giải pháp tổ chức “Ngày Chủ nhật xanh” tại các thôn",
        "person",
        "CN-MAU-001",
        2024,
        "Mỗi tháng một ngày ra quân dọn vệ sinh, trồng cây; duy trì tiêu chí môi trường.",
        False,
    ),
    (
        "model",
        "Xã Phổ An — điển hình đạt chuẩn nông thôn mới nâng cao",
        "unit",
        "XA-PHO-AN",
        2023,
        "Huy động hơn 30 tỷ đồng giai đoạn 2021–2022; xã đầu tiên của thị xã đạt chuẩn NTM nâng cao.",
        True,
    ),
    (
        "practice",
        "Mô hình “Mỗi hội viên góp một ngày công” làm đường bê tông",
        "unit",
        "XA-PHO-CHAU",
        2022,
        "Hội viên các đoàn thể góp ngày công, vật liệu cùng Nhà nước làm đường thôn.",
        True,
    ),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _recipient(kind: str, code: str) -> dict:
    if kind == "person":
        return {"person": Person.objects.get(code=code), "unit": None}
    return {"unit": Unit.objects.get(code=code), "person": None}


def _nomination(
    campaign, by, tier_code, kind, code, proposer, achievements, period=PeriodKind.FINAL, year=2025
) -> Nomination:
    tier = AwardTier.objects.get(code=tier_code)
    who = _recipient(kind, code)
    existing = Nomination.objects.filter(campaign=campaign, tier=tier, **who).first()
    if existing:
        return existing
    nomination = nomination_create(
        by=by,
        campaign=campaign,
        tier=tier,
        proposer_unit=Unit.objects.get(code=proposer),
        period_kind=period,
        period_year=year,
        achievements=achievements,
        is_sample=True,
        **who,
    )
    from portal.uploads import bytes_upload

    for doc_kind in tier.required_documents:
        nomination_document_add(
            nomination=nomination, kind=doc_kind, upload=bytes_upload("ho-so-mau.pdf", PDF), by=by
        )
    return nomination


def _hold_final_review_session(secretariat) -> None:
    """The 2025 final review's session was held: every member present voted on each case (a
    member recused from a case of his own commune does not), and voting was closed. The cases
    it passed wait for what follows (a provincial form goes up with a submission)."""
    session = CouncilSession.objects.filter(
        title__startswith="Phiên họp xét khen thưởng tổng kết", is_sample=True
    ).first()
    if session is None or session.status == SessionStatus.CLOSED or not session.items.exists():
        return
    if session.status == SessionStatus.DRAFT:
        session_open(session=session, by=secretariat)
    items = list(session.items.select_related("nomination"))
    members = [seat.user for seat in session.seats.select_related("user")]
    recused = recusals(members, [i.nomination for i in items], session=session)
    for item in items:
        for member in members:
            if member.pk in recused[item.nomination_id]:
                continue
            if not item.receipts.filter(member=member).exists():
                vote_cast(item=item, by=member, choice=VoteChoice.AGREE)
    session_close(session=session, by=secretariat)


@transaction.atomic
def load() -> dict:
    load_tiers()
    campaign = Campaign.objects.filter(code=CAMPAIGN).first()
    if campaign is None:
        return {"tiers": AwardTier.objects.count()}
    load_users()
    secretariat = User.objects.get(username="thuongtruc")
    for kind, code, tier, number, day, category in HISTORY:
        who = _recipient(kind, code)
        Award.objects.get_or_create(
            tier=AwardTier.objects.get(code=tier),
            decision_number=number,
            **who,
            defaults={
                "category": category,
                "year": day.year - (1 if day.month <= 3 else 0),
                "decision_date": day,
                "source": AwardSource.IMPORT,
                "is_sample": True,
                "campaign": campaign if category == AwardCategory.THEMATIC else None,
            },
        )
    for code, years in RATINGS.items():
        for year, rating in years.items():
            YearlyRating.objects.update_or_create(
                person=Person.objects.get(code=code),
                year=year,
                defaults={"rating": rating, "is_sample": True},
            )
    for code, years in UNIT_RATINGS.items():
        for year, rating in years.items():
            YearlyRating.objects.update_or_create(
                unit=Unit.objects.get(code=code),
                year=year,
                defaults={"rating": rating, "is_sample": True},
            )
    for kind, title, rkind, code, year, summary, published in EXEMPLARS:
        Exemplar.objects.get_or_create(
            title=title,
            defaults={
                "kind": kind,
                "year": year,
                "summary": summary,
                "campaign": campaign,
                "is_published": published,
                "is_sample": True,
                **_recipient(rkind, code),
            },
        )
    # Nominations in several states for the 2025 final review.
    draft = _nomination(
        campaign,
        secretariat,
        "giay-khen-chu-tich-thi-xa",
        "unit",
        "XA-PHO-THUAN",
        "XA-PHO-THUAN",
        "Hoàn thành 19/19 tiêu chí, huy động nhân dân hiến đất mở rộng đường thôn.",
    )
    submitted = _nomination(
        campaign,
        secretariat,
        "giay-khen-chu-tich-thi-xa",
        "person",
        "CN-MAU-002",
        "XA-PHO-AN",
        "Tích cực vận động nhân dân hiến đất, tham gia xây dựng NTM nâng cao.",
    )
    if submitted.status == NominationStatus.DRAFT:
        nomination_submit(nomination=submitted, by=secretariat)
    checked = _nomination(
        campaign,
        secretariat,
        "giay-khen-chu-tich-thi-xa",
        "unit",
        "XA-PHO-CHAU",
        "XA-PHO-CHAU",
        "Về đích NTM đúng kế hoạch; mô hình góp ngày công làm đường.",
    )
    provincial = _nomination(
        campaign,
        secretariat,
        "bang-khen-chu-tich-tinh",
        "unit",
        "XA-PHO-AN",
        "XA-PHO-AN",
        "Xã đầu tiên của thị xã đạt chuẩn NTM nâng cao (năm 2022).",
    )
    initiative = Exemplar.objects.filter(title__startswith="Giải pháp tổ chức").first()
    pm = _nomination(
        campaign,
        secretariat,
        "bang-khen-thu-tuong",
        "person",
        "CN-MAU-001",
        "DP-PKT",
        "Tham mưu hiệu quả Chương trình MTQG xây dựng NTM giai đoạn 2021–2025.",
    )
    if initiative:
        pm.exemplars.add(initiative)
    for n in (checked, provincial, pm):
        if n.status == NominationStatus.DRAFT:
            nomination_submit(nomination=n, by=secretariat)
        if n.status == NominationStatus.SUBMITTED:
            n.refresh_from_db()
            reason = (
                ""
                if n.eligible
                else "Mẫu: đề nghị Hội đồng xem xét do thành tích nổi bật trong phong trào."
            )
            nomination_check(nomination=n, by=secretariat, override_reason=reason)
    if pm.status == NominationStatus.CHECKED and not pm.consultation_until:
        consultation_open(nomination=pm, by=secretariat)
    _ = draft
    # A council with five members with the checked cases on its agenda; it is held below.
    if not CouncilSession.objects.filter(
        title__startswith="Phiên họp xét khen thưởng tổng kết", is_sample=True
    ).exists():
        users = {
            u.username: u
            for u in User.objects.filter(
                username__in=["chutich", "hoidong", "hoidong2", "hoidong3", "hoidong4"]
            )
        }
        session = session_create(
            by=secretariat,
            campaign=campaign,
            title="Phiên họp xét khen thưởng tổng kết phong trào 2021–2025",
            meeting_date=D(2025, 12, 15),
            location="Hội trường UBND phường Đức Phổ",
            is_sample=True,
            members=[
                (users["chutich"], MemberRole.CHAIR),
                (users["hoidong2"], MemberRole.VICE),
                (users["hoidong"], MemberRole.SECRETARY),
                (users["hoidong3"], MemberRole.MEMBER),
                (users["hoidong4"], MemberRole.MEMBER),
            ],
        )
        # On 15/12/2025 the town's council no longer exists: the session is the council of
        # phường Đức Phổ, which took the plan over (docs/authorities.md).
        session.authority = Authority.objects.filter(code="UBND-P-DUC-PHO").first()
        session.save(update_fields=["authority"])
        for n in (checked, provincial):
            n.refresh_from_db()
            if n.status == NominationStatus.CHECKED:
                session_add_item(session=session, nomination=n, by=secretariat)
    # A demo loaded before the secretary was required: its session gets one.
    final_session = CouncilSession.objects.filter(
        title__startswith="Phiên họp xét khen thưởng tổng kết", is_sample=True, status="draft"
    ).first()
    secretary = User.objects.filter(username="hoidong").first()
    if (
        final_session
        and secretary
        and not final_session.seats.filter(role=MemberRole.SECRETARY).exists()
    ):
        session_set_secretary(session=final_session, member=secretary, by=secretariat)
    _hold_final_review_session(secretariat)
    successor = demo_successor.load()  # the 2026–2030 campaign's awards, dated from today
    return {
        **{f"2026–2030 {k}": v for k, v in successor.items()},
        "tiers": AwardTier.objects.count(),
        "awards": Award.objects.count(),
        "nominations": Nomination.objects.count(),
        "documents": NominationDocument.objects.count(),
        "sessions": CouncilSession.objects.count(),
    }
