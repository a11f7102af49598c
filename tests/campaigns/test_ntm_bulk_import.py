"""The NTM import writes in bulk what saving each row would: the same statuses and criteria,
a historical record and one audit event per row on an unbroken chain, in a number of queries
that does not grow with the file."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from campaigns.context import current_campaign
from campaigns.models import NtmStatus
from campaigns.results.services import ntm_status_save
from portal.audit import verify_chain
from portal.dataexchange import plan_import, run_import
from portal.models import AuditEvent
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

HEADER = "unit_code,year,criteria_met,level\n"
#: (year, criteria met, level) of each commune's rows.
FIRST = [(2021, [1, 2, 3], "none"), (2022, [], "none"), (2023, list(range(1, 20)), "ntm")]
SECOND = [(2021, [1, 2, 3, 4], "none"), (2022, [5], "none"), (2023, list(range(1, 20)), "ntm")]


def _csv(code: str, rows) -> bytes:
    lines = [f"{code},{year},{';'.join(map(str, met))},{level}" for year, met, level in rows]
    return (HEADER + "\n".join(lines) + "\n").encode()


def _state(unit) -> list[tuple]:
    return [
        (
            s.year,
            s.level,
            s.criteria_met_count,
            sorted(c.number for c in s.criteria_met.all()),
            s.is_sample,
            s.confirmed_at,
            # the facts derived from the criteria (lost since an earlier year), which the
            # dashboard and the targets read
            s.criteria_lost,
            s.criteria_lost_latest,
            s.criteria_met_bits,
        )
        for s in NtmStatus.objects.filter(unit=unit)
        .order_by("year")
        .prefetch_related("criteria_met")
    ]


FIELDS = ("year", "level", "criteria_met_count", "is_sample", "confirmed_at", "note")


def _events(unit) -> list[list[AuditEvent]]:
    """Each status's audit events, in order, by year."""
    statuses = NtmStatus.objects.filter(unit=unit).order_by("year")
    return [
        list(
            AuditEvent.objects.filter(model="campaigns.ntmstatus", object_id=str(s.pk)).order_by(
                "pk"
            )
        )
        for s in statuses
    ]


def _folded(events: list[AuditEvent]) -> dict:
    """What a status's events say it holds: each event's new values, in order."""
    values: dict = {}
    for event in events:
        for field, (_old, new) in event.changes.items():
            values[field] = new
    return {f: values.get(f) for f in FIELDS}


def test_the_bulk_import_records_what_saving_each_row_records(world, secretariat):
    by_row, by_file = UnitFactory(code="XA-MOT"), UnitFactory(code="XA-HAI")
    campaign = current_campaign()
    for year, met, level in FIRST:
        ntm_status_save(
            unit=by_row, year=year, level=level, numbers=met, campaign=campaign, by=secretariat
        )
    assert run_import("ntm_status", _csv("XA-HAI", FIRST), "a.csv", user=secretariat).ok
    assert _state(by_file) == _state(by_row)
    row_events, file_events = _events(by_row), _events(by_file)
    assert [len(e) for e in file_events] == [1, 1, 1]  # one event per row
    assert [_folded(e) for e in file_events] == [_folded(e) for e in row_events]
    assert {e.actor_id for events in file_events for e in events} == {secretariat.pk}

    for year, met, level in SECOND:
        ntm_status_save(
            unit=by_row, year=year, level=level, numbers=met, campaign=campaign, by=secretariat
        )
    plan = run_import("ntm_status", _csv("XA-HAI", SECOND), "b.csv", user=secretariat)
    assert (plan.created, plan.updated, plan.unchanged) == (0, 2, 1)
    assert _state(by_file) == _state(by_row)
    updates_by_row = [e[-1] for e in _events(by_row)[:2]]
    updates_by_file = [e[-1] for e in _events(by_file)[:2]]
    assert [(e.action, e.changes) for e in updates_by_file] == [
        (e.action, e.changes) for e in updates_by_row
    ]
    assert [e.object_repr for e in updates_by_file] == [
        e.object_repr.replace(by_row.name, by_file.name) for e in updates_by_row
    ]
    history = NtmStatus.history.filter(unit=by_file).order_by("year", "history_id")
    latest = {h.year: (h.level, h.criteria_met_count) for h in history}
    assert latest == {s[0]: (s[1], s[2]) for s in _state(by_row)}
    assert history.filter(history_type="~").count() == 2
    checked, breaks = verify_chain()
    assert breaks == []
    assert checked == AuditEvent.objects.count()


def _file(communes: list, years=(2021, 2022, 2023, 2024, 2025), met="1;2") -> bytes:
    lines = [f"{u.code},{year},{met},none" for u in communes for year in years]
    return (HEADER + "\n".join(lines) + "\n").encode()


def _queries(data: bytes) -> tuple[int, int]:
    """Queries of the dry run and of the apply of one file. SQLite takes at most 999
    parameters a statement, so Django splits a bulk INSERT there (one more per ~60 rows):
    on SQLite the INSERTs are not counted; on PostgreSQL every query is."""
    with CaptureQueriesContext(connection) as dry:
        importer, plan = plan_import("ntm_status", data, "f.csv")
    assert plan.ok, plan.errors
    with CaptureQueriesContext(connection) as write, transaction.atomic():
        importer.apply(plan)
    counted = [
        q
        for q in write.captured_queries
        if connection.vendor == "postgresql" or not q["sql"].startswith("INSERT")
    ]
    return len(dry), len(counted)


def test_the_dry_run_and_the_apply_cost_the_same_queries_for_10_and_100_rows(world):
    few = [UnitFactory(code=f"XA-IT-{n}") for n in range(2)]
    many = [UnitFactory(code=f"XA-NHIEU-{n}") for n in range(20)]
    created_few, created_many = _queries(_file(few)), _queries(_file(many))
    assert created_few == created_many
    updated_few = _queries(_file(few, met="1;2;3"))
    updated_many = _queries(_file(many, met="1;2;3"))
    assert updated_few == updated_many
    assert NtmStatus.objects.filter(criteria_met_count=3).count() == 110


def test_an_import_that_changes_nothing_writes_nothing(world):
    communes = [UnitFactory(code=f"XA-KHONG-{n}") for n in range(3)]
    assert run_import("ntm_status", _file(communes), "f.csv").created == 15
    events = AuditEvent.objects.count()
    again = run_import("ntm_status", _file(communes), "f.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 15)
    assert AuditEvent.objects.count() == events
