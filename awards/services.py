"""Writes and state transitions of the awards app. Every function is keyword-only, atomic, and
refuses bad input with a Vietnamese ValidationError, changing nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from portal.audit import audited_update
from portal.notify import notify
from portal.uploads import check_upload
from units.models import Person, Unit

from . import council, integrity
from . import selectors as sel
from .eligibility import verdict
from .models import (
    AgendaItem,
    Attendance,
    Award,
    AwardCategory,
    AwardDecision,
    AwardSource,
    AwardTier,
    Ballot,
    BallotReceipt,
    ConsultationComment,
    CouncilSession,
    DecisionStatus,
    DocumentKind,
    Exemplar,
    ExemplarKind,
    ForwardingLetter,
    ItemOutcome,
    LetterStatus,
    MemberRole,
    Nomination,
    NominationDocument,
    NominationEvent,
    NominationStatus,
    NomineeKind,
    PeriodKind,
    SecretTally,
    SessionMember,
    SessionStatus,
    TierKind,
    VoteChoice,
)
from .tiers import authority_may_decide, campaign_authority

if TYPE_CHECKING:
    from campaigns.models import Campaign
    from portal.models import User

S = NominationStatus
DOSSIER_EXTENSIONS = ("pdf", "docx", "doc", "odt", "jpg", "jpeg", "png")


def _move(
    nomination: Nomination, *, old: Iterable[str], new: str, by, note: str = "", **fields
) -> None:
    """Compare-and-swap on status: a second caller (or a stale page) loses cleanly."""
    old = list(old)
    updated = audited_update(
        Nomination.objects.filter(pk=nomination.pk, status__in=old),
        actor=by,
        reason=note[:300],
        status=new,
        **fields,
    )
    if not updated:
        current = (
            Nomination.objects.filter(pk=nomination.pk).values_list("status", flat=True).first()
        )
        label = S(current).label if current else "không còn tồn tại"
        raise ValidationError(
            f"Không thể chuyển đề nghị sang “{S(new).label}” khi đang ở trạng thái “{label}”."
        )
    NominationEvent.objects.create(
        nomination=nomination, from_status=nomination.status, to_status=new, by=by, note=note
    )
    nomination.status = new
    for key, value in fields.items():
        setattr(nomination, key, value)


def default_reference_date(period_year: int) -> datetime.date:
    """The rules in force at the end of the reviewed year, or today if that is still ahead."""
    return min(datetime.date(period_year, 12, 31), sel.today())


# --- nominations ----------------------------------------------------------------------------


@transaction.atomic
def nomination_create(
    *,
    by,
    campaign,
    tier: AwardTier,
    proposer_unit: Unit,
    period_kind: str,
    period_year: int,
    achievements: str,
    unit: Unit | None = None,
    person: Person | None = None,
    exemplars: Iterable[Exemplar] = (),
    assessments: Iterable = (),
    facts: dict | None = None,
    is_sample: bool = False,
) -> Nomination:
    if (unit is None) == (person is None):
        raise ValidationError("Chọn một tập thể, hộ gia đình hoặc một cá nhân được đề nghị.")
    if not tier.is_active:
        raise ValidationError(f"“{tier.name}” không còn được sử dụng.")
    kind = sel.nominee_kind_of(unit=unit, person=person)
    if not tier.accepts(kind):
        raise ValidationError(
            f"“{tier.name}” không xét cho đối tượng {NomineeKind(kind).label.lower()}; "
            "chỉ xét cho: "
            f"{', '.join(tier.nominee_kind_labels()).lower()}."
        )
    if not (campaign.start_year <= period_year <= campaign.end_year + 1):
        raise ValidationError(
            f"Năm {period_year} nằm ngoài thời gian phong trào "
            f"({campaign.start_year}–{campaign.end_year})."
        )
    if period_kind == PeriodKind.PRELIMINARY and campaign.preliminary_review_year:
        period_year = campaign.preliminary_review_year
    if period_kind == PeriodKind.FINAL and campaign.final_review_year:
        period_year = campaign.final_review_year
    duplicate = Nomination.objects.filter(
        campaign=campaign,
        tier=tier,
        unit=unit,
        person=person,
        period_kind=period_kind,
        period_year=period_year,
    ).exclude(status__in=[S.FAILED, S.REJECTED])
    if duplicate.exists():
        raise ValidationError("Đối tượng này đã có đề nghị cùng hình thức trong cùng đợt xét.")
    nomination = Nomination.objects.create(
        campaign=campaign,
        tier=tier,
        unit=unit,
        person=person,
        proposer_unit=proposer_unit,
        period_kind=period_kind,
        period_year=period_year,
        reference_date=default_reference_date(period_year),
        achievements=achievements,
        facts={k: int(v) for k, v in (facts or {}).items() if v is not None},
        created_by=by,
        is_sample=is_sample,
    )
    nomination.exemplars.set(exemplars)
    nomination.assessments.set(assessments)
    NominationEvent.objects.create(
        nomination=nomination, to_status=S.DRAFT, by=by, note="Tạo đề nghị"
    )
    return nomination


@transaction.atomic
def nomination_document_add(*, nomination: Nomination, kind: str, upload, by) -> NominationDocument:
    if nomination.status != S.DRAFT:
        raise ValidationError("Chỉ bổ sung hồ sơ khi đề nghị còn ở trạng thái dự thảo.")
    if kind not in DocumentKind.values:
        raise ValidationError("Loại tài liệu không hợp lệ.")
    checked = check_upload(upload, allowed=DOSSIER_EXTENSIONS)
    doc = NominationDocument(
        nomination=nomination,
        kind=kind,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    doc.file.save(f"dossier.{checked.extension}", upload, save=False)
    doc.save()
    return doc


def missing_documents(nomination: Nomination) -> list[str]:
    have = set(nomination.documents.values_list("kind", flat=True))
    return [
        DocumentKind(k).label for k in nomination.tier.required_documents or [] if k not in have
    ]


def _store_eligibility(nomination: Nomination, *, by) -> bool | None:
    results = sel.eligibility_for(nomination)
    nomination.eligibility = [r.as_dict() for r in results]
    nomination.eligible = verdict(results)
    audited_update(
        Nomination.objects.filter(pk=nomination.pk),
        actor=by,
        reason="Xét điều kiện",
        eligibility=nomination.eligibility,
        eligible=nomination.eligible,
    )
    return nomination.eligible


@transaction.atomic
def nomination_submit(*, nomination: Nomination, by) -> Nomination:
    missing = missing_documents(nomination)
    if missing:
        raise ValidationError("Hồ sơ còn thiếu: " + "; ".join(missing) + ".")
    _move(nomination, old=[S.DRAFT], new=S.SUBMITTED, by=by)
    _store_eligibility(nomination, by=by)
    return nomination


@transaction.atomic
def nomination_return(*, nomination: Nomination, by, note: str) -> Nomination:
    if not note.strip():
        raise ValidationError("Ghi rõ lý do trả lại hồ sơ để đơn vị bổ sung.")
    _move(nomination, old=[S.SUBMITTED], new=S.DRAFT, by=by, note=note.strip())
    return nomination


@transaction.atomic
def nomination_check(*, nomination: Nomination, by, override_reason: str = "") -> Nomination:
    """The secretariat's check: eligible → checked; otherwise only with a recorded reason."""
    if nomination.status != S.SUBMITTED:
        raise ValidationError(
            f"Chỉ thẩm định đề nghị đã gửi (hiện: “{nomination.get_status_display()}”)."
        )
    ok = _store_eligibility(nomination, by=by)
    override_reason = (override_reason or "").strip()
    if ok is not True and not override_reason:
        what = "chưa đủ điều kiện" if ok is False else "chưa đủ dữ liệu để kết luận đủ điều kiện"
        raise ValidationError(
            f"Đối tượng {what}. Chỉ trình Hội đồng khi Cơ quan thường trực ghi rõ lý do."
        )
    extra = {}
    if ok is not True:
        extra = {"override_reason": override_reason, "override_by": by}
    _move(
        nomination,
        old=[S.SUBMITTED],
        new=S.CHECKED,
        by=by,
        note=("Trình dù chưa đủ điều kiện: " + override_reason) if extra else "Đủ điều kiện",
        **extra,
    )
    return nomination


@transaction.atomic
def consultation_open(*, nomination: Nomination, by) -> Nomination:
    if nomination.status != S.CHECKED:
        raise ValidationError("Chỉ lấy ý kiến công khai với đề nghị đã thẩm định.")
    rule = sel.vote_rule_for(nomination.tier, nomination.reference_date)
    if rule is None or not rule.consultation_days:
        raise ValidationError(
            f"Quy định hiện hành không yêu cầu lấy ý kiến công khai với “{nomination.tier}”."
        )
    if nomination.consultation_until:
        raise ValidationError("Đề nghị này đã được đưa ra lấy ý kiến.")
    until = sel.today() + datetime.timedelta(days=rule.consultation_days)
    audited_update(
        Nomination.objects.filter(pk=nomination.pk),
        actor=by,
        reason="Công khai lấy ý kiến",
        consultation_until=until,
    )
    nomination.consultation_until = until
    NominationEvent.objects.create(
        nomination=nomination,
        from_status=nomination.status,
        to_status=nomination.status,
        by=by,
        note=f"Công khai lấy ý kiến đến ngày {until:%d/%m/%Y}",
    )
    return nomination


def consultation_comment_add(
    *, nomination: Nomination, author_name: str, content: str, contact: str = ""
) -> ConsultationComment:
    if not nomination.consultation_open:
        raise ValidationError("Thời gian lấy ý kiến đối với trường hợp này đã kết thúc.")
    if not author_name.strip() or not content.strip():
        raise ValidationError("Vui lòng ghi họ tên và nội dung góp ý.")
    with transaction.atomic():
        comment = ConsultationComment.objects.create(
            nomination=nomination,
            author_name=author_name.strip()[:150],
            contact=contact.strip()[:200],
            content=content.strip()[:5000],
        )
        integrity.record_comment(comment)
    return comment


# --- council --------------------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    by,
    campaign,
    title: str,
    meeting_date: datetime.date,
    location: str,
    members: Iterable[tuple],
    is_sample: bool = False,
    started_at: datetime.datetime | None = None,
) -> CouncilSession:
    members = list(members)
    if not members:
        raise ValidationError("Phiên họp cần có thành viên Hội đồng.")
    _check_meeting_times(meeting_date, started_at, None)
    session = CouncilSession.objects.create(
        campaign=campaign,
        title=title,
        meeting_date=meeting_date,
        location=location,
        created_by=by,
        is_sample=is_sample,
        started_at=started_at,
    )
    for user, role in members:
        SessionMember.objects.create(session=session, user=user, role=role)
    return session


def _check_meeting_times(
    meeting_date: datetime.date,
    started_at: datetime.datetime | None,
    ended_at: datetime.datetime | None,
) -> None:
    if started_at and timezone.localtime(started_at).date() != meeting_date:
        raise ValidationError(f"Thời gian bắt đầu phải trong ngày họp {meeting_date:%d/%m/%Y}.")
    if started_at and ended_at and ended_at <= started_at:
        raise ValidationError("Thời gian kết thúc cuộc họp phải sau thời gian bắt đầu.")


@transaction.atomic
def session_set_times(
    *,
    session: CouncilSession,
    started_at: datetime.datetime | None,
    ended_at: datetime.datetime | None,
    by,
) -> CouncilSession:
    """The secretariat records when the meeting began and ended, as the minutes state them."""
    session = CouncilSession.objects.select_for_update().get(pk=session.pk)
    if ended_at and not started_at:
        raise ValidationError("Ghi thời gian bắt đầu cuộc họp trước thời gian kết thúc.")
    _check_meeting_times(session.meeting_date, started_at, ended_at)
    audited_update(
        CouncilSession.objects.filter(pk=session.pk),
        actor=by,
        reason="Ghi thời gian cuộc họp",
        started_at=started_at,
        ended_at=ended_at,
    )
    session.started_at, session.ended_at = started_at, ended_at
    return session


@transaction.atomic
def session_set_secretary(*, session: CouncilSession, member: User, by: User) -> SessionMember:
    """Name the secretary (Ủy viên thư ký) who keeps the minutes: a member's seat takes the role,
    or the person gets a seat; the previous secretary stays on as a member. Only before voting
    opens, so the council that votes is the one the minutes list."""
    session = CouncilSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.DRAFT:
        raise ValidationError("Chỉ thay đổi thư ký khi phiên họp chưa bắt đầu biểu quyết.")
    seat = session.seats.filter(user=member).first()
    if seat and seat.role == MemberRole.CHAIR:
        raise ValidationError("Chủ tọa phiên họp không đồng thời làm thư ký.")
    audited_update(
        session.seats.filter(role=MemberRole.SECRETARY).exclude(user=member),
        actor=by,
        reason="Thay thư ký phiên họp",
        role=MemberRole.MEMBER,
    )
    if seat is None:
        return SessionMember.objects.create(session=session, user=member, role=MemberRole.SECRETARY)
    audited_update(
        session.seats.filter(pk=seat.pk),
        actor=by,
        reason="Chỉ định thư ký phiên họp",
        role=MemberRole.SECRETARY,
    )
    seat.role = MemberRole.SECRETARY
    return seat


def _missing_seats(session: CouncilSession) -> list[str]:
    roles = set(session.seats.values_list("role", flat=True))
    return [
        label
        for role, label in (
            (MemberRole.CHAIR, "chủ tọa (Chủ tịch Hội đồng)"),
            (MemberRole.SECRETARY, "thư ký (Ủy viên thư ký) ghi biên bản"),
        )
        if role not in roles
    ]


def _needs_consultation(nomination: Nomination) -> bool:
    rule = sel.vote_rule_for(nomination.tier, nomination.reference_date)
    return bool(rule and rule.consultation_days)


@transaction.atomic
def session_add_item(*, session: CouncilSession, nomination: Nomination, by) -> AgendaItem:
    session = CouncilSession.objects.select_for_update().get(pk=session.pk)
    if session.status == SessionStatus.CLOSED:
        raise ValidationError("Phiên họp đã kết thúc, không thể bổ sung nội dung.")
    if nomination.campaign_id != session.campaign_id:
        raise ValidationError("Đề nghị thuộc phong trào khác với phiên họp.")
    if _needs_consultation(nomination):
        if not nomination.consultation_until:
            raise ValidationError(
                "Trường hợp này phải lấy ý kiến công khai trước khi trình Hội đồng."
            )
        if nomination.consultation_until >= sel.today():
            raise ValidationError(
                f"Đang lấy ý kiến công khai đến ngày {nomination.consultation_until:%d/%m/%Y}; "
                "chỉ trình Hội đồng sau khi hết thời hạn."
            )
    rule = sel.vote_rule_for(nomination.tier, nomination.reference_date)
    if rule is None:
        raise ValidationError(f"Chưa cấu hình quy tắc biểu quyết cho “{nomination.tier}”.")
    _move(nomination, old=[S.CHECKED], new=S.IN_COUNCIL, by=by, note=f"Đưa vào {session.title}")
    order = session.items.count() + 1
    return AgendaItem.objects.create(
        session=session, nomination=nomination, order=order, secret_ballot=rule.secret_ballot
    )


def session_add_items(
    *, session: CouncilSession, nominations: Iterable[Nomination], by: User
) -> tuple[int, list[str]]:
    """Put several nominations on the agenda, each through `session_add_item` (its own
    transaction). Returns how many were added and, for each refused, "name: reason"."""
    added, refused = 0, []
    for nomination in nominations:
        try:
            session_add_item(session=session, nomination=nomination, by=by)
        except ValidationError as exc:
            refused.append(f"{nomination.recipient_name}: {' '.join(exc.messages)}")
        else:
            added += 1
    return added, refused


@transaction.atomic
def session_remove_item(*, item: AgendaItem, by) -> None:
    if item.session.status != SessionStatus.DRAFT:
        raise ValidationError("Chỉ rút nội dung khỏi phiên họp khi chưa bắt đầu biểu quyết.")
    _move(item.nomination, old=[S.IN_COUNCIL], new=S.CHECKED, by=by, note="Rút khỏi phiên họp")
    item.delete()


@transaction.atomic
def session_set_attendance(
    *, session: CouncilSession, member: User, attendance: str, by: User
) -> None:
    if session.status == SessionStatus.CLOSED:
        raise ValidationError("Phiên họp đã kết thúc.")
    if attendance not in Attendance.values:
        raise ValidationError("Giá trị điểm danh không hợp lệ.")
    # A member who has voted is present (voted in the session) or absent (voted in writing):
    # the quorum and the ballots' "written" flag must keep telling the same story.
    flags = set(
        BallotReceipt.objects.filter(item__session=session, member=member).values_list(
            "written", flat=True
        )
    )
    if flags:
        fixed = Attendance.ABSENT if flags == {True} else Attendance.PRESENT
        if attendance != fixed:
            raise ValidationError(
                f"{member.display_name} đã biểu quyết "
                + ("bằng văn bản" if fixed == Attendance.ABSENT else "tại phiên họp")
                + f" nên được ghi là “{Attendance(fixed).label}”."
            )
    if not audited_update(
        session.seats.filter(user=member), actor=by, reason="Điểm danh", attendance=attendance
    ):
        raise ValidationError("Người này không phải thành viên phiên họp.")


@transaction.atomic
def session_open(*, session: CouncilSession, by) -> CouncilSession:
    if not session.items.exists():
        raise ValidationError("Phiên họp chưa có đề nghị nào để biểu quyết.")
    missing = _missing_seats(session)
    if missing:
        raise ValidationError(
            "Chưa thể bắt đầu phiên họp: chưa có " + " và ".join(missing) + ". "
            "Chỉ định thành viên giữ chức danh này trong danh sách thành viên phiên họp."
        )
    now = timezone.now()
    recorded = CouncilSession.objects.filter(pk=session.pk).values_list("started_at", flat=True)
    # The meeting starts when voting opens, unless the secretariat recorded its time (a meeting
    # held before the votes were entered, or opened on another day than the meeting day).
    started_at = recorded.first() or (
        now if timezone.localdate(now) == session.meeting_date else None
    )
    if not audited_update(
        CouncilSession.objects.filter(pk=session.pk, status=SessionStatus.DRAFT),
        actor=by,
        reason="Mở biểu quyết",
        status=SessionStatus.OPEN,
        opened_at=now,
        started_at=started_at,
    ):
        raise ValidationError("Phiên họp không ở trạng thái chuẩn bị.")
    session.status, session.opened_at, session.started_at = SessionStatus.OPEN, now, started_at
    items = session.items.count()
    notify(
        "vote_opened",
        users=[seat.user for seat in session.seats.select_related("user")],
        event=f"session:{session.pk}:open",
        subject=f"Mở biểu quyết: {session.title}",
        body=(
            f"{session.title} (ngày {session.meeting_date:%d/%m/%Y}) đã mở biểu quyết với "
            f"{items} trường hợp. Đề nghị ông/bà biểu quyết trên cổng thông tin."
        ),
        path=session.get_absolute_url(),
    )
    return session


def vote_cast(*, item: AgendaItem, member, choice: str) -> None:
    """One vote per member per item; a second (or concurrent) vote is refused. The session row
    is locked while the ballot is written, as closing locks it: a vote either commits before
    the tally (and is counted) or finds the session closed (and is refused)."""
    if choice not in VoteChoice.values:
        raise ValidationError("Chọn Đồng ý, Không đồng ý hoặc Không biểu quyết.")
    with transaction.atomic():
        session = CouncilSession.objects.select_for_update().get(pk=item.session_id)
        seat = session.seats.filter(user=member).first()
        if seat is None:
            raise ValidationError(
                "Ông/bà không phải thành viên của phiên họp này nên không thể biểu quyết."
            )
        if session.status != SessionStatus.OPEN:
            if session.status == SessionStatus.CLOSED:
                raise ValidationError("Phiên họp đã kết thúc, kết quả biểu quyết là cuối cùng.")
            raise ValidationError("Phiên họp chưa bắt đầu biểu quyết.")
        nomination = item.nomination
        why = sel.recusal_reasons([member], [nomination], session=session)[nomination.pk]
        if member.pk in why:
            raise ValidationError(
                f"Ông/bà {why[member.pk]} nên không tham gia biểu quyết trường hợp "
                f"{nomination.recipient_name}."
            )
        written = seat.attendance == Attendance.ABSENT
        if seat.attendance == Attendance.UNKNOWN:
            # A member who votes in the session is present (nobody needs to tick it first).
            audited_update(
                SessionMember.objects.filter(pk=seat.pk),
                actor=member,
                reason="Có mặt (đã biểu quyết)",
                attendance=Attendance.PRESENT,
            )
        try:
            with transaction.atomic():
                receipt = BallotReceipt.objects.create(item=item, member=member, written=written)
                ballot = _store_choice(item, member, choice, written)
        except IntegrityError as exc:
            raise ValidationError(
                "Ông/bà đã biểu quyết trường hợp này; mỗi thành viên chỉ có một phiếu."
            ) from exc
        integrity.record_vote(receipt, ballot, actor=member)


def _store_choice(item: AgendaItem, member, choice: str, written: bool) -> Ballot | None:
    """An open vote is a Ballot row with its member. A secret vote is only +1 on the item's
    count row, in the voter's transaction under the session lock: no row holds the choice next
    to anything that names the voter (docs/security.md, “Secret ballot”)."""
    if not item.secret_ballot:
        return Ballot.objects.create(item=item, choice=choice, written=written, member=member)
    if not SecretTally.objects.filter(item=item).update(**{choice: F(choice) + 1}):
        SecretTally.objects.create(item=item, **{choice: 1})
    return None


def _counts_at_close(item: AgendaItem) -> tuple[dict[str, int], int]:
    """(choice → votes, written votes). A secret item's count row is rewritten by the closing
    transaction, so its transaction id no longer points at the last voter's."""
    counts = dict.fromkeys(VoteChoice.values, 0)
    if item.secret_ballot:
        SecretTally.objects.filter(item=item).update(agree=F("agree"))
        tally = SecretTally.objects.filter(item=item).first()
        if tally is not None:
            counts.update(tally.counts())
        return counts, item.receipts.filter(written=True).count()
    written = 0
    for choice, is_written in item.ballots.values_list("choice", "written"):
        counts[choice] += 1
        written += is_written
    return counts, written


def session_remind(*, session: CouncilSession, by) -> list[str]:
    """E-mail members who have not voted on every item yet; returns their names."""
    if session.status != SessionStatus.OPEN:
        raise ValidationError("Chỉ nhắc biểu quyết khi phiên họp đang mở.")
    agenda = sel.session_agenda(session, by)
    missing = {}
    for row in agenda["rows"]:
        for seat in row["missing"]:
            missing[seat.user_id] = seat.user
    for user in missing.values():
        if user.email:
            send_mail(
                f"Nhắc biểu quyết: {session.title}",
                f"Kính gửi {user.display_name},\nÔng/bà còn trường hợp chưa biểu quyết tại "
                f"“{session.title}”. Đề nghị truy cập cổng thông tin để biểu quyết.",
                None,
                [user.email],
                fail_silently=True,
            )
    return sorted(u.display_name for u in missing.values())


def _figures(rule) -> council.RuleFigures:
    return council.RuleFigures(
        rule.quorum_numerator,
        rule.quorum_denominator,
        rule.threshold_numerator,
        rule.threshold_denominator,
        rule.threshold_inclusive,
        rule.denominator,
    )


@transaction.atomic
def session_close(*, session: CouncilSession, by) -> CouncilSession:
    """Close voting: compute each item's outcome by its tier's rule; votes are final. Refused,
    changing nothing, while any item lacks its quorum: too few members present is not a vote
    (the secretariat takes attendance, or members vote and so are present, then closes)."""
    now = timezone.now()
    # Locked as a vote locks it: no ballot commits between this read and the tally.
    current = CouncilSession.objects.select_for_update().filter(pk=session.pk).first()
    if current is not None and current.status == SessionStatus.OPEN:
        refusal = sel.quorum_refusal(current)
        if refusal:
            raise ValidationError(refusal)
    # The meeting ends when voting closes, on the meeting day after it started, unless the
    # secretariat recorded the end.
    ended_at = current.ended_at if current else None
    if (
        ended_at is None
        and current is not None
        and current.started_at
        and current.started_at < now
        and timezone.localdate(now) == current.meeting_date
    ):
        ended_at = now
    if not audited_update(
        CouncilSession.objects.filter(pk=session.pk, status=SessionStatus.OPEN),
        actor=by,
        reason="Kết thúc biểu quyết",
        status=SessionStatus.CLOSED,
        closed_at=now,
        closed_by=by,
        ended_at=ended_at,
    ):
        raise ValidationError("Chỉ kết thúc phiên họp đang biểu quyết.")
    session.status, session.closed_at, session.closed_by = SessionStatus.CLOSED, now, by
    session.ended_at = ended_at
    seats = list(session.seats.select_related("user"))
    items = list(
        session.items.select_related("nomination__tier", "nomination__unit", "nomination__person")
    )
    recused = sel.recusals([s.user for s in seats], [i.nomination for i in items], session=session)
    present_ids = {s.user_id for s in seats if s.attendance == Attendance.PRESENT}
    for item in items:
        nomination = item.nomination
        rule = sel.vote_rule_for(nomination.tier, nomination.reference_date)
        counts, written = _counts_at_close(item)
        rec = recused[nomination.pk]
        tally = council.Tally(
            members=len(seats),
            recused=len(rec),
            present=len(present_ids),
            recused_present=len(rec & present_ids),
            written=written,
            agree=counts["agree"],
            disagree=counts["disagree"],
            abstain=counts["abstain"],
        )
        result, text = council.outcome(_figures(rule), tally)
        item.outcome = result
        item.tally = {
            **counts,
            "written": written,
            "members": len(seats),
            "recused": len(rec),
            "present": len(present_ids),
            "explanation": text,
            "rule": rule.describe(),
        }
        item.recused.set(list(rec))  # before the outcome: a trigger freezes both with it
        # The outcome and the counts enter the audit trail here (a secret vote's counts only
        # here); on PostgreSQL a trigger freezes them once they leave “pending”.
        audited_update(
            AgendaItem.objects.filter(pk=item.pk, outcome=ItemOutcome.PENDING),
            actor=by,
            reason="Kết quả biểu quyết",
            outcome=item.outcome,
            tally=item.tally,
        )
        if result == ItemOutcome.PASSED:
            _move(nomination, old=[S.IN_COUNCIL], new=S.PASSED, by=by, note=text)
        elif result == ItemOutcome.FAILED:
            _move(nomination, old=[S.IN_COUNCIL], new=S.FAILED, by=by, note=text)
        else:
            _move(nomination, old=[S.IN_COUNCIL], new=S.CHECKED, by=by, note=text)
    return session


# --- decisions and forwarding ---------------------------------------------------------------


def decision_legal_bases(campaign, day: datetime.date) -> str:
    """The usual bases of an award decision dated `day`, one per line, for the secretariat to
    edit: the local-government law and the emulation law and decree in force on that day, and
    the plan (docs/authorities.md, docs/awards-law.md)."""
    from units.authorities import TWO_LEVEL_GOVERNMENT

    from .documents import LAW2022_IN_FORCE

    if day >= TWO_LEVEL_GOVERNMENT:
        government = "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16/6/2025;"
        decree = (
            "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14/6/2025 của Chính phủ quy định về phân "
            "cấp, phân quyền trong lĩnh vực thi đua, khen thưởng và quy định chi tiết một số "
            "điều của Luật Thi đua, khen thưởng;"
        )
    else:
        government = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;"
        decree = (
            "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31/12/2023 của Chính phủ quy định chi tiết "
            "thi hành một số điều của Luật Thi đua, khen thưởng;"
            if day >= LAW2022_IN_FORCE
            else "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31/7/2017 của Chính phủ quy định chi "
            "tiết thi hành một số điều của Luật Thi đua, khen thưởng;"
        )
    emulation = (
        "Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022;"
        if day >= LAW2022_IN_FORCE
        else "Căn cứ Luật Thi đua, khen thưởng ngày 26/11/2003; Luật sửa đổi, bổ sung một số "
        "điều của Luật Thi đua, khen thưởng ngày 16/11/2013;"
    )
    plan = (
        f"Căn cứ Kế hoạch số {campaign.plan_number}"
        + (f" {campaign.plan_issued}" if campaign.plan_issued else "")
        + f" của {campaign.issuing_body} về tổ chức {campaign.title};"
        if campaign.plan_number
        else ""
    )
    return "\n".join(line for line in (government, emulation, decree, plan) if line)


@transaction.atomic
def decision_create(
    *,
    by,
    campaign,
    title: str,
    legal_bases: str,
    nominations: Iterable[Nomination],
    authority=None,
    decision_date: datetime.date | None = None,
    session=None,
    is_sample: bool = False,
) -> AwardDecision:
    """A draft decision: no number (the register gives it when the chairman signs), the date it
    is expected to be signed (today by default), and the authority whose chairman decides —
    by default the campaign's in force that day; one not in force that day is refused with the
    name of the one that is."""
    from units.authorities import check_in_force, outside_area

    decision_date = decision_date or timezone.localdate()
    if authority is None:
        authority = campaign.authority_on(decision_date)
    else:
        check_in_force(authority, decision_date, start=campaign.authority)
    nominations = list(nominations)
    if not nominations:
        raise ValidationError("Chọn ít nhất một trường hợp đã được Hội đồng thông qua.")
    for nom in nominations:
        why = outside_area(authority, nom.unit)
        if why:
            raise ValidationError(
                f"{nom.recipient_name}: {why}; Chủ tịch UBND nơi đó quyết định khen thưởng."
            )
        if nom.status != S.PASSED:
            raise ValidationError(
                f"{nom.recipient_name}: chưa được Hội đồng biểu quyết thông qua, "
                "không thể đưa vào quyết định."
            )
        if not authority_may_decide(nom.tier, authority, decision_date):
            who = authority.body if authority is not None else "thị xã"
            raise ValidationError(
                f"{nom.recipient_name}: “{nom.tier}” không thuộc thẩm quyền quyết định của "
                f"{who} ngày {decision_date:%d/%m/%Y} (thuộc thẩm quyền cấp trên), cần lập "
                "tờ trình."
            )
    decision = AwardDecision.objects.create(
        campaign=campaign,
        authority=authority,
        decision_date=decision_date,
        title=title,
        legal_bases=legal_bases,
        session=session,
        created_by=by,
        is_sample=is_sample,
    )
    for nom in nominations:
        _move(
            nom,
            old=[S.PASSED],
            new=S.DECIDED,
            by=by,
            note=f"Đưa vào dự thảo quyết định: {title}",
            decision=decision,
        )
    return decision


def _award_from_nomination(
    nom: Nomination,
    *,
    number: str,
    day: datetime.date,
    source: str,
    by,
    decision: AwardDecision | None = None,
) -> Award:
    category = AwardCategory.MERIT if nom.tier.kind == TierKind.TITLE else AwardCategory.THEMATIC
    award, _ = Award.objects.get_or_create(
        nomination=nom,
        defaults={
            "unit": nom.unit,
            "person": nom.person,
            "tier": nom.tier,
            "category": category,
            "year": nom.period_year,
            "decision_number": number,
            "decision_date": day,
            "campaign": nom.campaign,
            "decision": decision,
            "source": source,
            "is_sample": nom.is_sample,
        },
    )
    # One initiative supports one award only.
    audited_update(
        Exemplar.objects.filter(
            nominations=nom, kind=ExemplarKind.INITIATIVE, used_by_award__isnull=True
        ),
        actor=by,
        reason="Sáng kiến dùng cho khen thưởng",
        used_by_award=award,
    )
    return award


@transaction.atomic
def decision_sign(
    *,
    decision: AwardDecision,
    by,
    number: str,
    day: datetime.date,
    authority_id: int | None = None,
) -> AwardDecision:
    """Part of the chairman's one act of signing the decision's PDF (reports.services
    .report_sign, same transaction): the decision takes the register's number, the signing date
    and the authority signed under, and its awards enter history. Idempotent on the awards."""
    decision = AwardDecision.objects.select_for_update().get(pk=decision.pk)
    nominations = list(decision.nominations.select_related("tier", "unit", "person", "campaign"))
    if decision.status == DecisionStatus.DRAFT:
        if not nominations:
            raise ValidationError("Quyết định chưa có trường hợp nào được khen thưởng.")
        bad = [n for n in nominations if n.status != S.DECIDED]
        if bad:
            raise ValidationError(
                f"{bad[0].recipient_name}: không ở trạng thái chờ quyết định, không thể ký."
            )
        # The decision is dated the signing day: the authority must hold the power that day.
        from units.models import Authority

        authority = Authority.objects.filter(pk=authority_id or decision.authority_id).first()
        for nom in nominations:
            if authority is not None and not authority_may_decide(nom.tier, authority, day):
                raise ValidationError(
                    f"{nom.recipient_name}: ngày {day:%d/%m/%Y} “{nom.tier}” không còn thuộc "
                    f"thẩm quyền quyết định của {authority.body}; đề nghị lập lại dự thảo theo "
                    "cơ quan có thẩm quyền hoặc lập tờ trình cấp trên."
                )
        decision.status, decision.signed_by, decision.signed_at = (
            DecisionStatus.SIGNED,
            by,
            timezone.now(),
        )
        decision.number, decision.decision_date = number, day
        if authority_id:
            decision.authority_id = authority_id
        decision.save(
            update_fields=[
                "status",
                "signed_by",
                "signed_at",
                "number",
                "decision_date",
                "authority",
            ]
        )
    for nom in nominations:
        _award_from_nomination(
            nom,
            number=decision.number,
            day=decision.decision_date,
            source=AwardSource.DECISION,
            by=by,
            decision=decision,
        )
        if nom.status == S.DECIDED:
            _move(
                nom,
                old=[S.DECIDED],
                new=S.AWARDED,
                by=by,
                note=f"Quyết định số {decision.number} ngày {decision.decision_date:%d/%m/%Y}",
            )
    return decision


@transaction.atomic
def decision_remove_nomination(*, decision: AwardDecision, nomination: Nomination, by) -> None:
    if decision.status != DecisionStatus.DRAFT:
        raise ValidationError("Quyết định đã ký, không thể sửa.")
    _move(
        nomination,
        old=[S.DECIDED],
        new=S.PASSED,
        by=by,
        note="Rút khỏi dự thảo quyết định",
        decision=None,
    )


@transaction.atomic
def nomination_reject(*, nomination: Nomination, by, note: str) -> Nomination:
    """The chairman declines a passed case (or one in a draft decision)."""
    if not note.strip():
        raise ValidationError("Ghi rõ lý do không khen thưởng.")
    _move(
        nomination,
        old=[S.PASSED, S.DECIDED],
        new=S.REJECTED,
        by=by,
        note=note.strip(),
        decision=None,
    )
    return nomination


@transaction.atomic
def letter_create(
    *,
    by,
    campaign,
    number: str,
    sent_date: datetime.date,
    recipient: str,
    nominations: Iterable[Nomination],
    is_sample: bool = False,
) -> ForwardingLetter:
    nominations = list(nominations)
    if not nominations:
        raise ValidationError("Chọn ít nhất một trường hợp đã được Hội đồng thông qua.")
    # The letter sends up what the campaign's authority in force that day may not decide.
    authority = campaign_authority(campaign, sent_date)
    for nom in nominations:
        if nom.status != S.PASSED:
            raise ValidationError(f"{nom.recipient_name}: chưa được Hội đồng biểu quyết thông qua.")
        if authority_may_decide(nom.tier, authority, sent_date):
            who = authority.body if authority is not None else "thị xã"
            raise ValidationError(
                f"{nom.recipient_name}: “{nom.tier}” do {who} quyết định "
                f"(ngày {sent_date:%d/%m/%Y}), không trình cấp trên."
            )
    if ForwardingLetter.objects.filter(number=number).exists():
        raise ValidationError(f"Số tờ trình {number} đã được dùng.")
    letter = ForwardingLetter.objects.create(
        campaign=campaign,
        number=number,
        sent_date=sent_date,
        recipient=recipient,
        created_by=by,
        is_sample=is_sample,
    )
    for nom in nominations:
        _move(
            nom,
            old=[S.PASSED],
            new=S.FORWARDED,
            by=by,
            note=f"Tờ trình số {number}",
            forwarding=letter,
        )
    return letter


@transaction.atomic
def letter_answer(
    *,
    letter: ForwardingLetter,
    nomination: Nomination,
    accepted: bool,
    by,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    note: str = "",
) -> None:
    """Record the upper level's answer for one forwarded case."""
    if nomination.forwarding_id != letter.pk:
        raise ValidationError("Trường hợp này không thuộc tờ trình.")
    if accepted:
        if not decision_number or not decision_date:
            raise ValidationError("Ghi số và ngày quyết định khen thưởng của cấp trên.")
        answer = f"Quyết định số {decision_number} ngày {decision_date:%d/%m/%Y}"
        _move(nomination, old=[S.FORWARDED], new=S.AWARDED, by=by, note=answer, upper_answer=answer)
        _award_from_nomination(
            nomination,
            number=decision_number,
            day=decision_date,
            source=AwardSource.UPPER,
            by=by,
        )
    else:
        if not note.strip():
            raise ValidationError("Ghi nội dung trả lời của cấp trên.")
        _move(
            nomination,
            old=[S.FORWARDED],
            new=S.REJECTED,
            by=by,
            note=note.strip(),
            upper_answer=note.strip()[:300],
        )
    if not letter.nominations.filter(status=S.FORWARDED).exists():
        audited_update(
            ForwardingLetter.objects.filter(pk=letter.pk),
            actor=by,
            reason="Cấp trên đã trả lời",
            status=LetterStatus.ANSWERED,
        )


# --- exemplars ------------------------------------------------------------------------------


@transaction.atomic
def exemplar_save(
    *,
    exemplar: Exemplar | None,
    by: User,
    campaign: Campaign | None,
    kind: str,
    title: str,
    year: int,
    unit: Unit | None,
    person: Person | None,
    summary: str,
    recognised_by: str,
    is_published: bool,
    is_sample: bool,
) -> Exemplar:
    """Create (`exemplar` None) or update an exemplar; published now when first published."""
    if (unit is None) == (person is None):
        raise ValidationError("Chọn một tập thể hoặc một cá nhân.")
    exemplar = exemplar or Exemplar()
    exemplar.campaign = campaign
    exemplar.kind = kind
    exemplar.title = title
    exemplar.year = year
    exemplar.unit = unit
    exemplar.person = person
    exemplar.summary = summary
    exemplar.recognised_by = recognised_by
    exemplar.is_published = is_published
    exemplar.is_sample = is_sample
    if exemplar.is_published and exemplar.published_at is None:
        exemplar.published_at = timezone.now()
    if not exemplar.is_published:
        exemplar.published_at = None
    exemplar.save()
    return exemplar


__all__ = ["MemberRole"]
