"""The review queue's risk signals, stored in each assessment's `risk_*` columns so the queue
orders by an index and the desk counts risky files without reading any item.

They are derived from the assessment's items (self-scores against their criteria's maximum),
their evidence and the unit's approved assessment of the year before (its reviewed total), and
refreshed, in the same transaction, by every write to those:

- an item saved with a self-score or reviewer's score (`assessment_save`, `review_save`,
  `assessment_approve`, or any `AssessmentItem.save()`): the `post_save` receiver below;
- evidence added (`evidence_add`, any `Evidence.save()`): the receiver below; evidence removed
  (`evidence_delete`): the service touches the assessment;
- an assessment started with its items (`assessment_start`: the items are bulk-created);
- the assessment of the year before approved or reopened (`assessment_approve`,
  `assessment_reopen`): every refresh also refreshes the same unit's assessment of the next
  year, whose jump signal compares with it;
- a criterion's maximum changed (`Criterion.save()`, only possible while its set is not in use);
- bulk loads (sample data, `generate_dataset`): `refresh_all`.

Lateness is the assessment's own column (`is_late`), read by the queue directly. Assessments are
never deleted by the portal (their items only go with them).

A service that writes several items wraps its writes in `deferred()` so the assessment is scored
once, at the end of the block; outside such a block each write refreshes at once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.signals import post_save
from django.dispatch import receiver

from ..models import Assessment, AssessmentItem, AssessmentStatus, Criterion, Evidence

#: A jump of more than this share over last year's approved total is a risk signal.
JUMP_SHARE = Decimal("0.20")

#: The risk of each assessment the inner query (`{picked}`: a queryset's SQL) picks, written to its
#: `risk_*` columns in one statement that SQLite and PostgreSQL both run. Each signal's
#: points are their own column, so the reasons the page prints are the signals that scored:
#: - the self-scored total is more than JUMP_SHARE above last year's approved (reviewed) total: 3;
#: - criteria scored above zero with no evidence: 2 each, at most 6;
#: - at least two criteria, and at least half of them, self-scored at their maximum: 2;
#: - (read by the queue from the assessment) submitted after the unit's deadline: 2.
#: The items are read once, grouped by assessment; evidence by its item's index.
RISK_SQL = """
WITH picked (id, campaign_id, unit_id, year) AS ({picked}),
figures AS (
    SELECT i.assessment_id AS id,
        SUM(i.self_score) AS total,
        COUNT(*) AS item_count,
        SUM(CASE WHEN i.self_score > 0 AND NOT EXISTS (
            SELECT 1 FROM campaigns_evidence e WHERE e.item_id = i.id
        ) THEN 1 ELSE 0 END) AS unevidenced,
        SUM(CASE WHEN c.max_points > 0 AND i.self_score >= c.max_points THEN 1 ELSE 0 END)
            AS maxed
    FROM campaigns_assessmentitem i
    JOIN picked p ON p.id = i.assessment_id
    JOIN campaigns_criterion c ON c.id = i.criterion_id
    GROUP BY i.assessment_id
),
previous AS (
    SELECT p.id, SUM(COALESCE(i.reviewer_score, i.self_score)) AS total
    FROM picked p
    JOIN campaigns_assessment b ON b.campaign_id = p.campaign_id AND b.unit_id = p.unit_id
        AND b.year = p.year - 1 AND b.status = %s
    JOIN campaigns_assessmentitem i ON i.assessment_id = b.id
    GROUP BY p.id
),
scored AS (
    SELECT p.id,
        COALESCE(f.total, 0) AS total, v.total AS previous_total,
        COALESCE(f.unevidenced, 0) AS unevidenced, COALESCE(f.maxed, 0) AS maxed,
        COALESCE(f.item_count, 0) AS item_count,
        CASE WHEN v.total > 0 AND COALESCE(f.total, 0) > v.total * {jump} THEN 3 ELSE 0 END
            AS jump_points,
        2 * CASE WHEN f.unevidenced > 3 THEN 3 ELSE COALESCE(f.unevidenced, 0) END
            AS evidence_points,
        CASE WHEN f.maxed >= 2 AND f.maxed * 2 >= f.item_count THEN 2 ELSE 0 END
            AS maxed_points
    FROM picked p
    LEFT JOIN figures f ON f.id = p.id
    LEFT JOIN previous v ON v.id = p.id
)
UPDATE campaigns_assessment SET risk_total = s.total,
    risk_previous_total = s.previous_total, risk_unevidenced = s.unevidenced,
    risk_maxed = s.maxed, risk_item_count = s.item_count, risk_jump_points = s.jump_points,
    risk_evidence_points = s.evidence_points, risk_maxed_points = s.maxed_points,
    risk_points = s.jump_points + s.evidence_points + s.maxed_points
FROM scored s WHERE campaigns_assessment.id = s.id
"""


def _write(picked: str, params: Iterable[Any]) -> None:
    """Score the assessments the SQL `picked` selects (id, campaign_id, unit_id, year)."""
    with connection.cursor() as cursor:
        cursor.execute(
            RISK_SQL.format(picked=picked, jump=1 + JUMP_SHARE),
            [*params, AssessmentStatus.APPROVED],
        )


#: These assessments (`{ids}`) and the same units' assessments of the year after: two index
#: lookups, not a scan of every assessment.
WITH_NEXT_YEAR = """
SELECT id, campaign_id, unit_id, year FROM campaigns_assessment WHERE id IN ({ids})
UNION
SELECT n.id, n.campaign_id, n.unit_id, n.year FROM campaigns_assessment p
JOIN campaigns_assessment n ON n.campaign_id = p.campaign_id AND n.unit_id = p.unit_id
    AND n.year = p.year + 1
WHERE p.id IN ({ids})
"""


def refresh(assessment_ids: Iterable[int]) -> None:
    """Score these assessments again, and the same units' assessments of the year after (one
    statement per 500 assessments)."""
    ids = sorted({pk for pk in assessment_ids if pk is not None})
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join(["%s"] * len(chunk))
        _write(WITH_NEXT_YEAR.format(ids=marks), [*chunk, *chunk])


def refresh_all(assessments: QuerySet[Assessment]) -> None:
    """Score every assessment of `assessments` (bulk loads: sample data, generated data sets)."""
    picked = assessments.order_by().values("pk", "campaign_id", "unit_id", "year")
    sql, params = picked.query.sql_with_params()
    _write(sql, params)


_pending: ContextVar[set[int] | None] = ContextVar("risk_pending", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """Collect the assessments touched inside the block and score them once at its end (inside
    the caller's transaction). Nested blocks flush with the outermost."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(set())
    try:
        yield
        ids = _pending.get() or set()
    finally:
        _pending.reset(token)
    refresh(ids)


def touch(*assessment_ids: int) -> None:
    """These assessments' figures changed: score them now, or at the end of `deferred()`."""
    pending = _pending.get()
    if pending is None:
        refresh(assessment_ids)
    else:
        pending.update(assessment_ids)


#: The item fields the signals read; a save that writes none of them changes no risk.
ITEM_RISK_FIELDS = frozenset({"self_score", "reviewer_score", "criterion", "assessment"})


@receiver(post_save, sender=AssessmentItem, dispatch_uid="risk-item")
def _item_saved(sender: Any, instance: AssessmentItem, update_fields: Any = None, **_: Any) -> None:
    if update_fields is None or ITEM_RISK_FIELDS & set(update_fields):
        touch(instance.assessment_id)


@receiver(post_save, sender=Evidence, dispatch_uid="risk-evidence")
def _evidence_saved(sender: Any, instance: Evidence, created: bool = False, **_: Any) -> None:
    if created:
        touch(
            AssessmentItem.objects.values_list("assessment_id", flat=True).get(pk=instance.item_id)
        )


@receiver(post_save, sender=Criterion, dispatch_uid="risk-criterion")
def _criterion_saved(sender: Any, instance: Criterion, **_: Any) -> None:
    touch(*Assessment.objects.filter(items__criterion=instance).values_list("pk", flat=True))
