"""Awards in the demo's running campaign (phường Đức Phổ 2026–2030, labelled sample), dated from
the day `load_demo` runs, all written through the awards services.

A session held two weeks ago passed one case, and a draft decision for it waits for the
chairman's signature (reports/demo.py signs it through the real sign-off, so the demo ships one
signed decision). A session meets today: voting is open on two cases and some members have
voted, not all. A session is coming in ten days with one case on its agenda; another case is
checked and on no agenda yet. One nomination waits to be checked, and one was returned to its
proposer with a reason. Idempotent: the sessions are matched by title, the nominations by
recipient and tier.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from campaigns.demo_successor import AUTHORITY, CAMPAIGN_CODE, results_year
from campaigns.models import Campaign
from portal.models import User
from portal.uploads import bytes_upload
from units.models import Authority, Person, Unit

from .council.selectors import recusals
from .council.services import (
    session_add_item,
    session_close,
    session_create,
    session_open,
    vote_cast,
)
from .decisions.selectors import decision_legal_bases
from .decisions.services import decision_create
from .models import (
    AwardDecision,
    AwardTier,
    CouncilSession,
    MemberRole,
    Nomination,
    NominationStatus,
    PeriodKind,
    SessionStatus,
    VoteChoice,
)
from .nominations.services import (
    nomination_check,
    nomination_create,
    nomination_document_add,
    nomination_return,
    nomination_submit,
)

TIER = "giay-khen-chu-tich-xa"
HELD = "Phiên họp xét khen thưởng đợt 1"
TODAY = "Phiên họp xét khen thưởng đợt 2"
COMING = "Phiên họp xét khen thưởng đợt 3"
LOCATION = "Phòng họp UBND phường Đức Phổ"
#: (recipient kind, code, proposer unit, achievements, where it ends)
CASES = [
    (
        "unit",
        "PDP-MTTQ",
        "PDP-MTTQ",
        "Vận động nhân dân hiến đất, góp ngày công chỉnh trang 3 tuyến đường tổ dân phố.",
        "decided",
    ),
    (
        "person",
        "CN-MAU-101",
        "PDP-PVHXH",
        "Tham mưu xây dựng mô hình “Khu dân cư văn minh, sạch đẹp” tại 4 tổ dân phố.",
        "voting",
    ),
    (
        "unit",
        "PDP-PVHXH",
        "PDP-PVHXH",
        "Hoàn thành xuất sắc nhiệm vụ văn hóa – xã hội; 100% tổ dân phố đạt danh hiệu văn hóa.",
        "voting",
    ),
    (
        "person",
        "CN-MAU-103",
        "PDP-DTN",
        "Tổ chức 12 đợt ra quân “Ngày Chủ nhật xanh” với hơn 1.500 lượt đoàn viên tham gia.",
        "coming",
    ),
    (
        "unit",
        "PDP-VP",
        "PDP-VP",
        "Tham mưu kịp thời, bảo đảm hoạt động của chính quyền phường sau sắp xếp; 100% hồ sơ "
        "hành chính giải quyết đúng hạn.",
        "checked",
    ),
    (
        "person",
        "CN-MAU-102",
        "PDP-PKT",
        "Chỉ đạo hoàn thành chỉnh trang vỉa hè, điện chiếu sáng các tuyến phố chính.",
        "to_check",
    ),
    (
        "unit",
        "PDP-PKT",
        "PDP-PKT",
        "Hoàn thành các công trình hạ tầng đô thị đúng tiến độ.",
        "returned",
    ),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RETURN_NOTE = (
    "Đề nghị bổ sung số liệu cụ thể về các công trình đã hoàn thành và kinh phí thực hiện (mẫu)."
)


def _members() -> list[tuple[User, str]]:
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["chutich", "hoidong", "hoidong2", "hoidong3", "hoidong4"]
        )
    }
    return [
        (users["chutich"], MemberRole.CHAIR),
        (users["hoidong2"], MemberRole.VICE),
        (users["hoidong"], MemberRole.SECRETARY),
        (users["hoidong3"], MemberRole.MEMBER),
        (users["hoidong4"], MemberRole.MEMBER),
    ]


def _nomination(campaign, secretariat, year, kind, code, proposer, achievements) -> Nomination:
    tier = AwardTier.objects.get(code=TIER)
    person = Person.objects.get(code=code) if kind == "person" else None
    unit = None if kind == "person" else Unit.objects.get(code=code)
    existing = Nomination.objects.filter(
        campaign=campaign, tier=tier, person=person, unit=unit
    ).first()
    if existing:
        return existing
    nomination = nomination_create(
        by=secretariat,
        campaign=campaign,
        tier=tier,
        proposer_unit=Unit.objects.get(code=proposer),
        period_kind=PeriodKind.YEAR,
        period_year=year,
        achievements=achievements,
        is_sample=True,
        unit=unit,
        person=person,
    )
    for doc_kind in tier.required_documents:
        nomination_document_add(
            nomination=nomination,
            kind=doc_kind,
            upload=bytes_upload("ho-so-mau.pdf", PDF),
            by=secretariat,
        )
    return nomination


def _checked(nomination: Nomination, secretariat) -> Nomination:
    if nomination.status == NominationStatus.DRAFT:
        nomination_submit(nomination=nomination, by=secretariat)
    nomination.refresh_from_db()
    if nomination.status == NominationStatus.SUBMITTED:
        reason = "" if nomination.eligible else "Mẫu: thành tích nổi bật trong phong trào."
        nomination_check(nomination=nomination, by=secretariat, override_reason=reason)
        nomination.refresh_from_db()
    return nomination


def _session(campaign, secretariat, title, day, nominations) -> CouncilSession:
    session = CouncilSession.objects.filter(campaign=campaign, title=title).first()
    if session is not None:
        return session
    session = session_create(
        by=secretariat,
        campaign=campaign,
        title=title,
        meeting_date=day,
        location=LOCATION,
        is_sample=True,
        members=_members(),
    )
    # The council of the authority that issued the campaign (as awards/demo.py records it).
    session.authority = Authority.objects.filter(code=AUTHORITY).first()
    session.save(update_fields=["authority"])
    for nomination in nominations:
        if nomination.status == NominationStatus.CHECKED:
            session_add_item(session=session, nomination=nomination, by=secretariat)
    return session


def _vote(session, voters: dict[str, int]) -> None:
    """`voters`: username → how many of the agenda's items (in order) that member has voted."""
    items = list(session.items.select_related("nomination").order_by("order"))
    members = {s.user.username: s.user for s in session.seats.select_related("user")}
    recused = recusals(list(members.values()), [i.nomination for i in items], session=session)
    for username, count in voters.items():
        member = members[username]
        for item in items[:count]:
            if member.pk in recused[item.nomination_id]:
                continue
            if item.receipts.filter(member=member).exists():
                continue
            vote_cast(item=item, by=member, choice=VoteChoice.AGREE)


@transaction.atomic
def load() -> dict[str, int]:
    campaign = Campaign.objects.filter(code=CAMPAIGN_CODE).first()
    if campaign is None:
        return {}
    secretariat = User.objects.get(username="thuongtruc")
    today = timezone.localdate()
    year = results_year(today)
    cases = {
        end: _nomination(campaign, secretariat, year, kind, code, proposer, text)
        for kind, code, proposer, text, end in CASES
        if end not in ("voting",)
    }
    voting = [
        _nomination(campaign, secretariat, year, kind, code, proposer, text)
        for kind, code, proposer, text, end in CASES
        if end == "voting"
    ]
    # Held two weeks ago: every member voted, the case passed, a draft decision was made.
    decided = _checked(cases["decided"], secretariat)
    held = _session(campaign, secretariat, HELD, today - datetime.timedelta(days=14), [decided])
    if held.status == SessionStatus.DRAFT:
        session_open(session=held, by=secretariat)
        _vote(held, {u.username: len(CASES) for u, _ in _members()})
        session_close(session=held, by=secretariat)
    decided.refresh_from_db()
    if decided.status == NominationStatus.PASSED:
        decision_create(
            by=secretariat,
            campaign=campaign,
            title=f"Về việc tặng Giấy khen cho tập thể có thành tích xuất sắc trong Phong trào "
            f"thi đua năm {year}",
            legal_bases=decision_legal_bases(campaign, today),
            nominations=[decided],
            session=held,
            is_sample=True,
        )
    # Meets today: voting open, the vice-chair and one member have voted on the first case.
    voting = [_checked(n, secretariat) for n in voting]
    session = _session(campaign, secretariat, TODAY, today, voting)
    if session.status == SessionStatus.DRAFT:
        session_open(session=session, by=secretariat)
        _vote(session, {"hoidong2": 1, "hoidong3": 1})
    # Coming in ten days, one case on its agenda.
    coming = _checked(cases["coming"], secretariat)
    _session(campaign, secretariat, COMING, today + datetime.timedelta(days=10), [coming])
    # Checked, not yet on an agenda (the secretariat may add it to the coming session).
    _checked(cases["checked"], secretariat)
    # Waiting to be checked; returned to its proposer with the reason.
    to_check = cases["to_check"]
    if to_check.status == NominationStatus.DRAFT:
        nomination_submit(nomination=to_check, by=secretariat)
    returned = cases["returned"]
    if (
        returned.status == NominationStatus.DRAFT
        and not returned.events.filter(from_status=NominationStatus.SUBMITTED).exists()
    ):
        nomination_submit(nomination=returned, by=secretariat)
        nomination_return(nomination=returned, by=secretariat, note=RETURN_NOTE)
    return {
        "nominations": Nomination.objects.filter(campaign=campaign).count(),
        "sessions": CouncilSession.objects.filter(campaign=campaign).count(),
        "decisions": AwardDecision.objects.filter(campaign=campaign).count(),
    }
