"""What the audit trail records about the council's decisions, and the check that the stored
results still match it.

Recorded (one event each, chained with every other event by `portal.audit.append`):
- a receipt (“member M voted on item X at time T”), never the choice of a secret vote;
- an open ballot (member, item, choice);
- a public consultation comment (no actor: the public is anonymous);
- attendance, the session's opening and closing, and each item's outcome with its tally
  (the only place a secret item's counts enter the trail) through `audited_update`.

`check_against_audit()` replays those events and compares them with the rows as they are now.
Triggers (migration `council_append_only`) refuse to change these rows on PostgreSQL; someone who
switches the triggers off (`SET session_replication_role = replica`) can still change a row, and
this check is what finds it: `verify_audit` runs it after the hash chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone

from portal.audit import Break, CheckResult, append
from portal.middleware import current_request_id
from portal.models import AuditEvent

from .models import (
    AgendaItem,
    Ballot,
    BallotReceipt,
    ConsultationComment,
    CouncilSession,
    ItemOutcome,
    SecretTally,
    SessionMember,
    VoteChoice,
)

RECEIPT = "awards.ballotreceipt"
BALLOT = "awards.ballot"
COMMENT = "awards.consultationcomment"
ITEM = "awards.agendaitem"
SEAT = "awards.sessionmember"
SESSION = "awards.councilsession"


def contact_digest(contact: str) -> str:
    """The trail keeps a digest of a commenter's contact, not the address itself (the trail is
    read more widely than the comments): enough to tell that it was changed."""
    return hashlib.sha256(contact.encode()).hexdigest() if contact else ""


def _event(
    obj: models.Model | tuple[str, Any, str],
    fields: Mapping[str, Any],
    *,
    actor: Any,
    reason: str,
    at: dt.datetime | None = None,
) -> AuditEvent:
    label, pk, text = obj if isinstance(obj, tuple) else (obj._meta.label_lower, obj.pk, str(obj))
    rid = current_request_id()
    has_actor = actor is not None and getattr(actor, "pk", None)
    return AuditEvent(
        at=at or timezone.now(),
        actor_id=actor.pk if has_actor else None,
        actor_name=(getattr(actor, "username", "") or str(actor)) if has_actor else "",
        model=label,
        object_id=str(pk),
        object_repr=text[:200],
        action=AuditEvent.Action.CREATE,
        changes={name: [None, value] for name, value in fields.items()},
        # No unit: a council's votes and the public's comments are the secretariat's to read.
        unit_id=None,
        reason=reason[:300],
        request_id=rid if rid != "-" else "",
    )


# What each event holds, read from a row's values (so `record_existing` and the check can work
# from `.values()` and never load a whole model: it runs inside a migration).
RECEIPT_FIELDS = ("item_id", "member_id", "written")
BALLOT_FIELDS = ("item_id", "member_id", "choice", "written")
COMMENT_FIELDS = ("nomination_id", "author_name", "content", "contact")


def _receipt_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"item": row["item_id"], "member": row["member_id"], "written": row["written"]}


def _ballot_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "item": row["item_id"],
        "member": row["member_id"],
        "choice": row["choice"],
        "written": row["written"],
    }


def _comment_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "nomination": row["nomination_id"],
        "author_name": row["author_name"],
        "content": row["content"],
        "contact_sha256": contact_digest(row["contact"]),
    }


def _values(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def record_vote(receipt: BallotReceipt, ballot: Ballot | None, *, actor: Any) -> None:
    """The receipt always; the ballot only when the vote is open (a secret choice is nowhere)."""
    events = [
        _event(
            receipt,
            _receipt_fields(_values(receipt, RECEIPT_FIELDS)),
            actor=actor,
            at=receipt.cast_at,
            reason="Đã biểu quyết (bỏ phiếu kín, không ghi lựa chọn)"
            if ballot is None
            else "Đã biểu quyết",
        )
    ]
    if ballot is not None:
        events.append(
            _event(
                ballot,
                _ballot_fields(_values(ballot, BALLOT_FIELDS)),
                actor=actor,
                at=receipt.cast_at,
                reason="Phiếu biểu quyết công khai",
            )
        )
    append(events)


def record_comment(comment: ConsultationComment) -> None:
    append(
        [
            _event(
                comment,
                _comment_fields(_values(comment, COMMENT_FIELDS)),
                actor=None,
                at=comment.received_at,
                reason="Góp ý của nhân dân trong thời gian lấy ý kiến công khai",
            )
        ]
    )


def record_existing(*, reason: str = "Ghi nhận dữ liệu có sẵn khi bắt đầu đối chiếu nhật ký"):
    """One event per decisive row that has none yet (rows stored before these events were
    written, e.g. a database restored from a backup older than the council's events), so that
    `check_against_audit` starts from what the database holds; a row that already has an event
    is left alone."""
    events: list[AuditEvent] = []

    def missing(label: str, what: str, queryset: models.QuerySet, names, fields) -> None:
        seen = set(AuditEvent.objects.filter(model=label).values_list("object_id", flat=True))
        for row in queryset.order_by("pk").values("pk", *names):
            if str(row["pk"]) not in seen:
                obj = (label, row["pk"], f"{what} #{row['pk']}")
                events.append(_event(obj, fields(row), actor=None, reason=reason))

    missing(RECEIPT, "Đã biểu quyết", BallotReceipt.objects.all(), RECEIPT_FIELDS, _receipt_fields)
    missing(BALLOT, "Phiếu biểu quyết", Ballot.objects.all(), BALLOT_FIELDS, _ballot_fields)
    missing(COMMENT, "Góp ý", ConsultationComment.objects.all(), COMMENT_FIELDS, _comment_fields)
    missing(
        SEAT,
        "Thành viên phiên họp",
        SessionMember.objects.exclude(attendance="unknown"),
        ("attendance",),
        lambda row: {"attendance": row["attendance"]},
    )
    missing(
        ITEM,
        "Nội dung phiên họp",
        AgendaItem.objects.exclude(outcome=ItemOutcome.PENDING),
        ("outcome", "tally"),
        lambda row: {"outcome": row["outcome"], "tally": row["tally"]},
    )
    append(events)
    return len(events)


# --- the check ------------------------------------------------------------------------------


def _recorded(label: str) -> dict[str, dict[str, Any]]:
    """object id → each field's value as the newest event touching it left it ('-' events
    mark the object as deleted)."""
    state: dict[str, dict[str, Any]] = defaultdict(dict)
    events = (
        AuditEvent.objects.filter(model=label)
        .order_by("id")
        .values_list("object_id", "action", "changes")
    )
    for object_id, action, changes in events.iterator(chunk_size=2000):
        row = state[object_id]
        if action == AuditEvent.Action.DELETE:
            row["-"] = True
            continue
        row.pop("-", None)
        for name, change in (changes or {}).items():
            if isinstance(change, list | tuple) and len(change) == 2:
                row[name] = change[1]
    return state


def _compare_rows(
    label: str,
    what: str,
    rows: Mapping[str, Mapping[str, Any]],
    problems: list[str],
) -> None:
    recorded = _recorded(label)
    for pk, values in rows.items():
        rec = recorded.get(pk)
        if rec is None or rec.get("-"):
            problems.append(f"{what} #{pk} không có trong nhật ký (được thêm ngoài ứng dụng?).")
            continue
        for name, value in values.items():
            if rec.get(name) != value:
                problems.append(
                    f"{what} #{pk}: “{name}” hiện là {value!r}, nhật ký ghi {rec.get(name)!r}."
                )
    for pk, rec in recorded.items():
        if pk not in rows and not rec.get("-"):
            problems.append(f"{what} #{pk} có trong nhật ký nhưng đã bị xóa khỏi cơ sở dữ liệu.")


def _as_instant(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def check_against_audit() -> list[str]:
    """Compare the council's stored results and the public comments with what the audit events
    recorded; one Vietnamese line per difference (an empty list: they match)."""
    problems: list[str] = []
    _compare_rows(
        RECEIPT,
        "Xác nhận đã biểu quyết",
        {
            str(r["pk"]): _receipt_fields(r)
            for r in BallotReceipt.objects.values("pk", *RECEIPT_FIELDS)
        },
        problems,
    )
    _compare_rows(
        BALLOT,
        "Phiếu biểu quyết",
        {str(b["pk"]): _ballot_fields(b) for b in Ballot.objects.values("pk", *BALLOT_FIELDS)},
        problems,
    )
    _compare_rows(
        COMMENT,
        "Góp ý công khai",
        {
            str(c["pk"]): _comment_fields(c)
            for c in ConsultationComment.objects.values("pk", *COMMENT_FIELDS)
        },
        problems,
    )

    seats = _recorded(SEAT)
    for seat in SessionMember.objects.select_related("session"):
        expected = seats.get(str(seat.pk), {}).get("attendance", "unknown")
        if seat.attendance != expected:
            problems.append(
                f"Điểm danh thành viên #{seat.pk} ({seat.session.title}): hiện là "
                f"“{seat.attendance}”, nhật ký ghi “{expected}”."
            )

    sessions = _recorded(SESSION)
    for session in CouncilSession.objects.all():
        rec = sessions.get(str(session.pk), {})
        if rec.get("status", session.status) != session.status:
            problems.append(
                f"Phiên họp #{session.pk} ({session.title}): trạng thái hiện là "
                f"“{session.status}”, nhật ký ghi “{rec.get('status')}”."
            )
        if "closed_at" in rec and _as_instant(rec["closed_at"]) != session.closed_at:
            problems.append(
                f"Phiên họp #{session.pk} ({session.title}): thời điểm kết thúc biểu quyết "
                "khác với nhật ký."
            )

    items = _recorded(ITEM)
    receipts = Counter(BallotReceipt.objects.values_list("item_id", flat=True))
    open_counts: dict[int, Counter] = defaultdict(Counter)
    for item_id, choice in Ballot.objects.values_list("item_id", "choice"):
        open_counts[item_id][choice] += 1
    secret = {t.item_id: t.counts() for t in SecretTally.objects.all()}
    for item in AgendaItem.objects.select_related("session"):
        where = f"Nội dung #{item.pk} của “{item.session.title}”"
        rec = items.get(str(item.pk), {})
        recorded_outcome = rec.get("outcome", ItemOutcome.PENDING)
        if item.outcome != recorded_outcome:
            problems.append(
                f"{where}: kết quả hiện là “{item.outcome}”, nhật ký ghi “{recorded_outcome}”."
            )
        if (item.tally or {}) != (rec.get("tally") or {}):
            problems.append(f"{where}: bảng kiểm phiếu khác với nhật ký.")
        counts = (
            secret.get(item.pk, dict.fromkeys(VoteChoice.values, 0))
            if item.secret_ballot
            else {c: open_counts[item.pk][c] for c in VoteChoice.values}
        )
        if sum(counts.values()) != receipts[item.pk]:
            problems.append(
                f"{where}: {sum(counts.values())} lá phiếu được đếm nhưng có "
                f"{receipts[item.pk]} thành viên đã biểu quyết."
            )
        if item.outcome != ItemOutcome.PENDING:
            tallied = {c: (rec.get("tally") or {}).get(c) for c in VoteChoice.values}
            if counts != tallied:
                problems.append(
                    f"{where}: số phiếu hiện có ({_describe(counts)}) khác kết quả đã công bố "
                    f"trong nhật ký ({_describe(tallied)})."
                )
    return problems


def _describe(counts: Mapping[str, Any]) -> str:
    return ", ".join(f"{label}: {counts.get(value)}" for value, label in VoteChoice.choices)


def check_council(options: Mapping[str, Any]) -> CheckResult:
    """`verify_audit`'s check of the council's results and the public comments against the
    trail (`check_against_audit`)."""
    problems = check_against_audit()
    return CheckResult(
        breaks=[Break(None, line, where="Dữ liệu KHÔNG khớp nhật ký") for line in problems],
        covered="kết quả Hội đồng và ý kiến góp ý",
        summary="kết quả Hội đồng và ý kiến góp ý khớp nhật ký",
    )
