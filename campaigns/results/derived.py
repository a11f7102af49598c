"""Facts derived from NTM statuses, stored on each row so the pages read one row per commune.

`NtmStatus.unit_kind` is the unit's kind (units.Unit.kind) copied onto the row, so a year's
communes are read by a partial index instead of joining all the villages' rows to units.
`NtmStatus.criteria_lost` lists, for a unit's year, every criterion (by number) met in an earlier
year of the same unit and not met this year, with the earlier years in which it was met;
`criteria_lost_latest` is the latest of those years (null when none); `criteria_met_bits` has
bit n set when criterion number n is met this year. "Criteria kept" (campaigns.targets) counts
and names the communes that lost criteria from the first two, and the dashboard's per-criterion
counts (campaigns.rankings.summary.criteria_counts) add up the bits — one row per commune
instead of every criterion of every year.

A year's facts depend on that year's criteria and on every earlier year's, so any writer of a
unit's criteria calls `refresh_ntm_derived(unit_ids)` afterwards, in the same transaction: the
save service (campaigns.results.services.ntm_status_save), the demo loaders, generate_dataset,
the imports. It recomputes every year of those units in a fixed number of queries per 500 units
(the statuses, their criteria numbers, one bulk update of the rows that changed).

A unit's kind can change (the unit form, the units import): every audited change of a unit's
kind renews its statuses' copy in the same transaction (`_unit_kind_changed`, a receiver of
`portal.audit.appended`: the units app does not know the campaigns app).

The columns are not business data: they are recomputed from audited rows, and kept out of the
history and the audit trail (`HistoricalRecords(excluded_fields=…)`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import OuterRef, Subquery
from django.dispatch import receiver

from portal.audit import appended, bulk_set

FIELDS = ["criteria_lost", "criteria_lost_latest", "criteria_met_bits", "unit_kind"]
#: Criterion numbers a bit can stand for (a signed 64-bit integer).
MAX_BIT = 62

#: Units recomputed per round of queries (keeps IN lists short on every database).
CHUNK = 500


def met_bits(numbers: Iterable[int]) -> int:
    """The criteria numbers met as bits (bit n for number n; numbers above MAX_BIT left out:
    `campaigns.rankings.summary.criteria_counts` then counts from the links)."""
    return sum(1 << n for n in set(numbers) if 0 <= n <= MAX_BIT)


def lost_facts(years: dict[int, set[int]]) -> dict[int, tuple[list[list[Any]], int | None]]:
    """Per year of one unit (year → criteria numbers met): ([[number, [earlier years]], …],
    latest earlier year or None)."""
    out: dict[int, tuple[list[list[Any]], int | None]] = {}
    met_in: dict[int, list[int]] = defaultdict(list)  # number → earlier years it was met
    for year in sorted(years):
        now = years[year]
        lost: list[list[Any]] = [[n, list(ys)] for n, ys in sorted(met_in.items()) if n not in now]
        latest = max((ys[-1] for _, ys in lost), default=None)
        out[year] = (lost, latest)
        for n in now:
            met_in[n].append(year)
    return out


def refresh_ntm_derived(
    unit_ids: Iterable[int] | None = None, *, model: type[models.Model] | None = None
) -> int:
    """Recompute the derived columns of every NTM status of `unit_ids` (every unit when None);
    returns how many rows changed. `model` is NtmStatus, or its historical model in a
    migration."""
    if model is None:
        from ..models import NtmStatus

        model = NtmStatus
    manager = model._default_manager  # type: ignore[attr-defined]
    if unit_ids is None:
        ids = sorted(set(manager.order_by().values_list("unit_id", flat=True).distinct()))
    else:
        ids = sorted(set(unit_ids))
    changed = 0
    for start in range(0, len(ids), CHUNK):
        changed += _refresh_chunk(model, ids[start : start + CHUNK])
    return changed


def _refresh_chunk(model: type[models.Model], unit_ids: list[int]) -> int:
    manager = model._default_manager  # type: ignore[attr-defined]
    through = model.criteria_met.through  # type: ignore[attr-defined]
    rows = list(
        manager.filter(unit_id__in=unit_ids)
        .order_by()
        .values_list(
            "pk",
            "unit_id",
            "year",
            "unit__kind",
            "criteria_lost",
            "criteria_lost_latest",
            "criteria_met_bits",
            "unit_kind",
        )
    )
    numbers: dict[int, set[int]] = defaultdict(set)  # status → numbers met
    for status_id, number in (
        through.objects.filter(ntmstatus__unit_id__in=unit_ids)
        .order_by()
        .values_list("ntmstatus_id", "ntmcriterion__number")
    ):
        numbers[status_id].add(number)
    by_unit: dict[int, dict[int, set[int]]] = defaultdict(dict)
    for pk, unit_id, year, *_old in rows:
        by_unit[unit_id][year] = numbers.get(pk, set())
    facts = {unit_id: lost_facts(years) for unit_id, years in by_unit.items()}
    stale = []
    for pk, unit_id, year, kind, *old in rows:
        new = [*facts[unit_id][year], met_bits(numbers.get(pk, ())), kind]
        if old != new:
            stale.append(model(pk=pk, **dict(zip(FIELDS, new, strict=True))))
    if stale:
        bulk_set(model, stale, [model._meta.get_field(name) for name in FIELDS])
    return len(stale)


def refresh_unit_kind(unit_ids: Iterable[int]) -> int:
    """Copy the units' kind onto their statuses (one UPDATE); returns the rows changed."""
    from units.models import Unit

    from ..models import NtmStatus

    ids = sorted(set(unit_ids))
    if not ids:
        return 0
    kind = Unit.objects.filter(pk=OuterRef("unit_id")).values("kind")[:1]
    return NtmStatus.objects.filter(unit_id__in=ids).update(unit_kind=Subquery(kind))


@receiver(appended, dispatch_uid="ntm-status-unit-kind")
def _unit_kind_changed(sender: Any, events: Any, **kwargs: Any) -> None:
    """A unit's kind changed (the unit form, the units import: both audited): its statuses
    follow, in the same transaction."""
    ids = [
        int(e.object_id)
        for e in events
        if e.model == "units.unit" and e.action not in ("+", "-") and "kind" in (e.changes or {})
    ]
    if ids:
        refresh_unit_kind(ids)
