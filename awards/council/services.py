"""Writes of council sessions: seats, times, agenda, attendance, opening, votes, reminders and
closing. Every function is keyword-only, atomic, and refuses bad input with a Vietnamese
ValidationError, changing nothing; the person acting is `by`."""

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

from .. import integrity
from ..models import (
    AgendaItem,
    Attendance,
    Ballot,
    BallotReceipt,
    CouncilSession,
    ItemOutcome,
    MemberRole,
    Nomination,
    NominationStatus,
    SecretTally,
    SessionMember,
    SessionStatus,
    VoteChoice,
)
from ..nominations.services import nomination_move
from ..selectors import today, vote_rule_for
from . import arithmetic
from . import selectors as sel

if TYPE_CHECKING:
    from campaigns.models import Campaign
    from portal.models import User

S = NominationStatus


@transaction.atomic
def session_create(
    *,
    by: User,
    campaign: Campaign,
    title: str,
    meeting_date: datetime.date,
    location: str,
    members: Iterable[tuple[User, str]],
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
    by: User,
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
    rule = vote_rule_for(nomination.tier, nomination.reference_date)
    return bool(rule and rule.consultation_days)


@transaction.atomic
def session_add_item(*, session: CouncilSession, nomination: Nomination, by: User) -> AgendaItem:
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
        if nomination.consultation_until >= today():
            raise ValidationError(
                f"Đang lấy ý kiến công khai đến ngày {nomination.consultation_until:%d/%m/%Y}; "
                "chỉ trình Hội đồng sau khi hết thời hạn."
            )
    rule = vote_rule_for(nomination.tier, nomination.reference_date)
    if rule is None:
        raise ValidationError(f"Chưa cấu hình quy tắc biểu quyết cho “{nomination.tier}”.")
    nomination_move(
        nomination=nomination,
        old=[S.CHECKED],
        new=S.IN_COUNCIL,
        by=by,
        note=f"Đưa vào {session.title}",
    )
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
def session_remove_item(*, item: AgendaItem, by: User) -> None:
    if item.session.status != SessionStatus.DRAFT:
        raise ValidationError("Chỉ rút nội dung khỏi phiên họp khi chưa bắt đầu biểu quyết.")
    nomination_move(
        nomination=item.nomination,
        old=[S.IN_COUNCIL],
        new=S.CHECKED,
        by=by,
        note="Rút khỏi phiên họp",
    )
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
def session_open(*, session: CouncilSession, by: User) -> CouncilSession:
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


def vote_cast(*, item: AgendaItem, choice: str, by: User) -> None:
    """`by` (a member of the session) votes `choice` on the item: one vote per member per item;
    a second (or concurrent) vote is refused. The session row
    is locked while the ballot is written, as closing locks it: a vote either commits before
    the tally (and is counted) or finds the session closed (and is refused)."""
    if choice not in VoteChoice.values:
        raise ValidationError("Chọn Đồng ý, Không đồng ý hoặc Không biểu quyết.")
    with transaction.atomic():
        session = CouncilSession.objects.select_for_update().get(pk=item.session_id)
        seat = session.seats.filter(user=by).first()
        if seat is None:
            raise ValidationError(
                "Ông/bà không phải thành viên của phiên họp này nên không thể biểu quyết."
            )
        if session.status != SessionStatus.OPEN:
            if session.status == SessionStatus.CLOSED:
                raise ValidationError("Phiên họp đã kết thúc, kết quả biểu quyết là cuối cùng.")
            raise ValidationError("Phiên họp chưa bắt đầu biểu quyết.")
        nomination = item.nomination
        why = sel.recusal_reasons([by], [nomination], session=session)[nomination.pk]
        if by.pk in why:
            raise ValidationError(
                f"Ông/bà {why[by.pk]} nên không tham gia biểu quyết trường hợp "
                f"{nomination.recipient_name}."
            )
        written = seat.attendance == Attendance.ABSENT
        if seat.attendance == Attendance.UNKNOWN:
            # A member who votes in the session is present (nobody needs to tick it first).
            audited_update(
                SessionMember.objects.filter(pk=seat.pk),
                actor=by,
                reason="Có mặt (đã biểu quyết)",
                attendance=Attendance.PRESENT,
            )
        try:
            with transaction.atomic():
                receipt = BallotReceipt.objects.create(item=item, member=by, written=written)
                ballot = _store_choice(item, by, choice, written)
        except IntegrityError as exc:
            raise ValidationError(
                "Ông/bà đã biểu quyết trường hợp này; mỗi thành viên chỉ có một phiếu."
            ) from exc
        integrity.record_vote(receipt, ballot, actor=by)


def _store_choice(item: AgendaItem, member: User, choice: str, written: bool) -> Ballot | None:
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


def session_remind(*, session: CouncilSession, by: User) -> list[str]:
    """E-mail members who have not voted on every item yet; returns their names."""
    if session.status != SessionStatus.OPEN:
        raise ValidationError("Chỉ nhắc biểu quyết khi phiên họp đang mở.")
    agenda = sel.session_agenda(session, by)
    missing: dict[int, User] = {}
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


@transaction.atomic
def session_close(*, session: CouncilSession, by: User) -> CouncilSession:
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
        rule = vote_rule_for(nomination.tier, nomination.reference_date)
        if rule is None:
            raise ValidationError(f"Chưa cấu hình quy tắc biểu quyết cho “{nomination.tier}”.")
        counts, written = _counts_at_close(item)
        rec = recused[nomination.pk]
        tally = arithmetic.Tally(
            members=len(seats),
            recused=len(rec),
            present=len(present_ids),
            recused_present=len(rec & present_ids),
            written=written,
            agree=counts["agree"],
            disagree=counts["disagree"],
            abstain=counts["abstain"],
        )
        result, text = arithmetic.outcome(sel.rule_figures(rule), tally)
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
            nomination_move(
                nomination=nomination, old=[S.IN_COUNCIL], new=S.PASSED, by=by, note=text
            )
        elif result == ItemOutcome.FAILED:
            nomination_move(
                nomination=nomination, old=[S.IN_COUNCIL], new=S.FAILED, by=by, note=text
            )
        else:
            nomination_move(
                nomination=nomination, old=[S.IN_COUNCIL], new=S.CHECKED, by=by, note=text
            )
    return session
