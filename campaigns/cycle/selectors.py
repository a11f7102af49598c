"""Reads of the yearly cycle: lists scoped to the user, the review queue ordered by risk, the
readable history of an assessment, the diff since a return."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    F,
    Model,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from portal.access import scope, scope_for
from portal.audit_display import describe_changes
from portal.figures_cache import query_rows
from portal.numbers import format_vn_number
from portal.web import PAGE_SIZE
from units.models import Unit

from ..models import (
    ASSESSMENT_RISK,
    Assessment,
    AssessmentItem,
    AssessmentStatus,
    Campaign,
    Evidence,
    ExtensionRequest,
    Registration,
    ValueType,
)
from .services import item_value_display

if TYPE_CHECKING:
    from portal.access import AnyUser


def assessments_visible_to(user: AnyUser) -> QuerySet[Assessment]:
    return scope(user, Assessment.objects.all(), "unit").select_related(
        "unit", "campaign", "criteria_set"
    )


def units_not_registered(user: AnyUser, *, campaign: Campaign, year: int) -> QuerySet[Unit]:
    """The units in the user's scope, existing in `year`, with no registration for it (households
    do not register)."""
    registered = Registration.objects.filter(campaign=campaign, year=year).values("unit")
    return (
        scope(user, Unit.objects.all(), "pk")
        .exclude(pk__in=registered)
        .exclude(kind__in=["household"])
        .filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1)),
            Q(valid_from__isnull=True) | Q(valid_from__lte=datetime.date(year, 12, 31)),
        )
        .order_by("kind", "name")
    )


def assessment_for_page(user: AnyUser, pk: int) -> Assessment:
    return assessments_visible_to(user).select_related("submitted_by", "approved_by").get(pk=pk)


def assessment_items(assessment: Assessment) -> list[AssessmentItem]:
    return list(
        assessment.items.select_related("criterion")
        .prefetch_related("evidence")
        .order_by("criterion__number")
    )


def registrations_visible_to(user: AnyUser) -> QuerySet[Registration]:
    return scope(user, Registration.objects.all(), "unit").select_related(
        "unit", "unit__cluster", "campaign", "submitted_by"
    )


def extensions_visible_to(user: AnyUser) -> QuerySet[ExtensionRequest]:
    return scope(user, ExtensionRequest.objects.all(), "unit").select_related(
        "unit", "campaign", "requested_by", "decided_by"
    )


# --- Review queue ----------------------------------------------------------------------------


@dataclass
class QueueRow:
    assessment: Assessment
    total: Decimal
    previous_total: Decimal | None
    unevidenced: int
    maxed: int
    item_count: int
    risk: int = 0
    reasons: list[str] = field(default_factory=list)


def _queue_row(assessment: Assessment) -> QueueRow:
    """The row of one assessment from its stored signals (campaigns/cycle/risk.py) and its own
    lateness."""
    row = QueueRow(
        assessment=assessment,
        total=assessment.risk_total,
        previous_total=assessment.risk_previous_total,
        unevidenced=assessment.risk_unevidenced,
        maxed=assessment.risk_maxed,
        item_count=assessment.risk_item_count,
    )
    late = 2 if assessment.is_late else 0
    row.risk = assessment.risk_points + late
    if assessment.risk_jump_points and row.previous_total:
        pct = (row.total - row.previous_total) / row.previous_total * 100
        row.reasons.append(f"Tổng điểm tăng {format_vn_number(pct, 0)}% so với năm trước")
    if assessment.risk_evidence_points:
        row.reasons.append(f"{row.unevidenced} tiêu chí có điểm nhưng không có minh chứng")
    if assessment.risk_maxed_points:
        row.reasons.append(f"{row.maxed}/{row.item_count} tiêu chí tự chấm điểm tối đa")
    if late:
        row.reasons.append("Nộp muộn")
    return row


#: Riskiest first (the index `assessment_queue_risk`); then the earliest submitted (files never
#: submitted last); then the unit.
RISK_ORDER = (
    ASSESSMENT_RISK.desc(),
    F("submitted_at").asc(nulls_last=True),
    "unit__name",
    "pk",
)


class RiskQueue:
    """The assessments a queryset picks, riskiest first, as a list the paginator pages: its
    count is one COUNT of the picked rows; a page is the ids of its rows, ordered by the stored
    signals (an index: the database reads the page's rows, not every picked one; cached until
    the next write), and one query for those assessments with unit, cluster and criteria set.
    Nothing per row."""

    def __init__(self, picked: QuerySet[Assessment], per_page: int = PAGE_SIZE) -> None:
        self.picked = picked
        self.per_page = per_page

    def count(self) -> int:
        return self.picked.order_by().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[QueueRow]:
        if not isinstance(index, slice) or index.step is not None or index.stop is None:
            raise TypeError("RiskQueue is read a page (a slice with an end) at a time")
        start = index.start or 0
        if index.stop <= start:
            return []
        # Always a whole page from the page's first row, also when the paginator wants fewer
        # (the last page): one cached answer per page.
        stop = start + max(index.stop - start, self.per_page)
        ordered = self.picked.order_by(*RISK_ORDER).values_list("pk")[start:stop]
        # The statement names everything the page depends on (the reader's scope included), so
        # it is the key: the page's order is read once until the next write.
        ids: list[int] = [pk for (pk,) in query_rows(ordered)]
        ids = ids[: index.stop - start]
        page = Assessment.objects.select_related("unit", "unit__cluster", "criteria_set").in_bulk(
            ids
        )
        return [_queue_row(page[pk]) for pk in ids if pk in page]


def risk_of(assessment: Assessment) -> QueueRow:
    """The queue's risk row for one assessment (the review page shows its reasons)."""
    return _queue_row(assessment)


def review_queue_picked(user: AnyUser, *, campaign: Campaign) -> QuerySet[Assessment]:
    """The assessments of `campaign` this user reviews (the queue's filters narrow them)."""
    return scope_for(user, "assessment.review", Assessment.objects.filter(campaign=campaign))


def review_queue(picked: QuerySet[Assessment]) -> RiskQueue:
    """`picked`, riskiest first, paged in the database (`RiskQueue`)."""
    return RiskQueue(picked)


def review_queue_summary(user: AnyUser, *, campaign: Campaign) -> tuple[int, int]:
    """(files waiting for review, of which with a risk signal) in one count of the stored
    signals."""
    picked = review_queue_picked(user, campaign=campaign).filter(status=AssessmentStatus.SUBMITTED)
    counts = picked.order_by().aggregate(
        waiting=Count("pk"),
        risky=Count("pk", filter=Q(risk_points__gt=0) | Q(is_late=True)),
    )
    return int(counts["waiting"]), int(counts["risky"])


# --- History and diff ------------------------------------------------------------------------

HIDDEN_FIELDS = {"revision", "return_snapshot", "updated_at", "file", "sha256"}


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def _fmt(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "Có"
    if value is False:
        return "Không"
    if isinstance(value, Decimal):
        return format_vn_number(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _who(record: Any) -> str:
    user = record.history_user
    if user is None:
        return "hệ thống"
    name: str = getattr(user, "display_name", None) or user.get_username()
    return name


def _diff_records(
    records: Iterable[Any],
    model: type[Model],
    title_for: Callable[[Any], str],
    skip_created: bool = False,
    earlier: Iterable[Any] = (),
) -> list[HistoryEntry]:
    """Walk each object's history in order and emit one entry per change. `earlier`: records
    older than all of `records`, only to diff the first of each object's against. The changes are
    labelled and written in words by portal.audit_display (a link shows the row's or person's
    name, one query per related model for all of them)."""
    entries = []
    pending: list[tuple[HistoryEntry, str, Any, Any]] = []
    last: dict[int, Any] = {r.id: r for r in earlier}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        prev = last.get(record.id)
        last[record.id] = record
        if record.history_type == "+" and skip_created:
            continue  # an item's creation is part of the assessment's; no separate line
        raw = []
        if record.history_type == "~" and prev is not None:
            delta = record.diff_against(prev)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                raw.append((change.field, change.old, change.new))
            if not raw and not record.history_change_reason:
                continue
        what = {"+": "tạo", "~": "sửa", "-": "xóa"}[record.history_type]
        entry = HistoryEntry(
            when=record.history_date,
            who=_who(record),
            what=f"{title_for(record)}: {what}",
            reason=record.history_change_reason or "",
        )
        entries.append(entry)
        pending += [(entry, name, old, new) for name, old, new in raw]
    words = describe_changes(model, [(name, old, new) for _, name, old, new in pending], empty="—")
    for (entry, *_), change in zip(pending, words, strict=True):
        entry.changes.append((change.label, change.old, change.new))
    return entries


def _newest(
    records: QuerySet[Any], limit: int, diffs: bool = True
) -> tuple[list[Any], list[Any], Any]:
    """The newest `limit` records of a history stream; when its entries show diffs, for each
    object among them the record just before the oldest one taken; and, when the stream is
    longer than `limit`, the time of the oldest one taken (older changes of this stream are not
    read). Two queries however long the stream has grown (autosave adds a record per save)."""
    order = ("-history_date", "-history_id")
    newest = list(records.select_related("history_user").order_by(*order)[:limit])
    if len(newest) < limit:
        return newest, [], None
    cut = newest[-1]
    if not diffs:
        return newest, [], cut.history_date
    earlier = (
        records.filter(id__in={r.id for r in newest})
        .filter(
            Q(history_date__lt=cut.history_date)
            | Q(history_date=cut.history_date, history_id__lt=cut.history_id)
        )
        .annotate(
            newest_first=Window(
                RowNumber(),
                partition_by=[F("id")],
                order_by=[F("history_date").desc(), F("history_id").desc()],
            )
        )
        .filter(newest_first=1)
    )
    return newest, list(earlier), cut.history_date


def assessment_history(
    assessment: Assessment, limit: int = 200, items: list[AssessmentItem] | None = None
) -> list[HistoryEntry]:
    """Who changed what and when, across the assessment, its items and their evidence: the
    newest `limit` changes (or all there are). Reads only the newest records of each stream;
    when some of them show no change (e.g. an item's creation), it reads further. `items`: the
    assessment's items with their criteria, when the caller has them already."""
    if items is not None:
        numbers = {item.pk: item.criterion.number for item in items}
    else:
        numbers = dict(assessment.items.values_list("pk", "criterion__number"))
    take = limit
    while True:
        entries, cut = _history_entries(assessment, numbers, take)
        if cut is None or len(entries) >= limit:
            return entries[:limit]
        take *= 4


def _history_entries(
    assessment: Assessment, numbers: dict[int, int], take: int
) -> tuple[list[HistoryEntry], Any]:
    """The entries of the newest `take` records of each stream, newest first, with no gap:
    when a stream had more, nothing older than the oldest record read of it (returned as the
    cut; None when every stream was read whole) is kept, from any stream."""
    a_records, a_earlier, a_cut = _newest(assessment.history.all(), take)
    i_records, i_earlier, i_cut = _newest(
        AssessmentItem.history.filter(assessment_id=assessment.pk), take
    )
    e_records, _, e_cut = _newest(
        Evidence.history.filter(item_id__in=list(numbers)), take, diffs=False
    )
    entries = _diff_records(a_records, Assessment, lambda r: "Bản tự đánh giá", earlier=a_earlier)
    entries += _diff_records(
        i_records,
        AssessmentItem,
        lambda r: f"Tiêu chí {numbers.get(r.id, '?')}",
        skip_created=True,
        earlier=i_earlier,
    )
    entries += [
        HistoryEntry(
            when=r.history_date,
            who=_who(r),
            what=f"Tiêu chí {numbers.get(r.item_id, '?')}: "
            f"{'thêm' if r.history_type == '+' else 'xóa' if r.history_type == '-' else 'sửa'}"
            f" minh chứng “{r.original_name}”",
            reason="",
            changes=[],
        )
        for r in e_records
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    cuts = [c for c in (a_cut, i_cut, e_cut) if c is not None]
    if not cuts:
        return entries, None
    horizon = max(cuts)
    return [e for e in entries if e.when >= horizon], horizon


def _number_words(text: str | None, kind: str) -> str | None:
    """A snapshot's plain number ("1500000000") as people read it ("1.500.000.000 đồng")."""
    if not text or kind in (ValueType.YES_NO, ValueType.TEXT):
        return text
    try:
        number = Decimal(text)
    except ArithmeticError:
        return text
    written = format_vn_number(number)
    if kind == ValueType.MONEY:
        return f"{written} đồng"
    if kind == ValueType.PERCENT:
        return f"{written}%"
    return written


@dataclass
class ItemDiff:
    item: AssessmentItem
    changes: list[tuple[str, str, str]]


def changes_since_return(items: list[AssessmentItem]) -> dict[int, list[tuple[str, str, str]]]:
    """item id → [(label, before return, now)] for items whose value, self-score, note or
    evidence changed since the last return."""
    result = {}
    for item in items:
        snap = item.return_snapshot
        if not snap:
            continue
        now: dict[str, Any] = {
            "value": item_value_display(item),
            "self_score": None if item.self_score is None else str(item.self_score),
            "note": item.note,
            "evidence": sorted(e.original_name for e in item.evidence.all()),
        }
        labels = {
            "value": "Giá trị",
            "self_score": "Điểm tự chấm",
            "note": "Ghi chú",
            "evidence": "Minh chứng",
        }
        changes = []
        for key, label in labels.items():
            before: Any = snap.get(key)
            after: Any = now[key]
            if key == "self_score":
                before = None if before is None else f"{Decimal(before).normalize():f}"
                after = None if after is None else f"{Decimal(after).normalize():f}"
            if before != after:
                if key == "evidence":
                    before, after = ", ".join(before or []) or "—", ", ".join(after) or "—"
                elif key in ("value", "self_score"):
                    kind = item.criterion.value_type if key == "value" else ValueType.SCORE
                    before, after = _number_words(before, kind), _number_words(after, kind)
                changes.append((label, _fmt(before), _fmt(after)))
        if changes:
            result[item.pk] = changes
    return result


def unit_assessment_summary(unit: Unit) -> list[Assessment]:
    """Years, status and totals for a unit's panel (one query)."""
    rows = (
        Assessment.objects.filter(unit=unit)
        .select_related("campaign")
        .annotate(
            self_total=Sum("items__self_score"),
            reviewed_total=Sum(Coalesce("items__reviewer_score", "items__self_score")),
        )
        .order_by("-year")
    )
    return list(rows)
