"""The contributions import writes in bulk what saving each contribution would: the same rows, a
historical record and one audit event per row on an unbroken chain, in a number of queries that
does not grow with the file."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from campaigns.context import current_campaign
from campaigns.models import Contribution
from campaigns.results.services import contribution_save
from portal.audit import verify_chain
from portal.dataexchange import plan_import, run_import
from portal.models import AuditEvent
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

HEADER = "year,commune_code,contributor,contributor_kind,money_vnd,work_days,land_m2,note\n"
FIELDS = ("year", "contributor", "contributor_kind", "money_vnd", "work_days", "land_m2", "note")


def _file(rows: list[tuple[str, str, str]]) -> bytes:
    """(commune code, contributor, money) rows of 2023, 12,5 work days each."""
    lines = [f'2023,{code},{who},people,"{money}","12,5",0,Làm đường' for code, who, money in rows]
    return (HEADER + "\n".join(lines) + "\n").encode()


def _events(row: Contribution) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(model="campaigns.contribution", object_id=str(row.pk)).order_by(
            "pk"
        )
    )


def _values(events: list[AuditEvent]) -> dict:
    """What a contribution's events say it holds: each event's new values, in order."""
    values: dict = {}
    for event in events:
        for field, (_old, new) in event.changes.items():
            values[field] = new
    return {f: values.get(f) for f in FIELDS}


def test_the_bulk_import_records_what_saving_each_contribution_records(world, secretariat):
    by_form, by_file = UnitFactory(code="XA-MOT"), UnitFactory(code="XA-HAI")
    campaign = current_campaign()

    def save(row: Contribution | None, money: int) -> Contribution:
        return contribution_save(
            contribution=row,
            commune=by_form,
            campaign=campaign,
            year=2023,
            contributor="Hộ ông Nguyễn Văn An",
            contributor_kind="people",
            money_vnd=Decimal(money),
            work_days=Decimal("12.5"),
            land_m2=Decimal(0),
            in_kind="",
            note="Làm đường",
            by=secretariat,
        )

    saved = save(None, 150_000_000)
    plan = run_import(
        "contributions",
        _file([("XA-HAI", "Hộ ông Nguyễn Văn An", "150.000.000")]),
        "dg.csv",
        user=secretariat,
    )
    assert plan.ok, plan.errors
    imported = Contribution.objects.get(commune=by_file)
    assert (imported.money_vnd, imported.work_days, imported.campaign_id) == (
        Decimal(150_000_000),
        Decimal("12.5"),
        campaign.pk,
    )
    assert len(_events(imported)) == 1
    assert _values(_events(imported)) == _values(_events(saved))

    save(saved, 160_000_000)
    plan = run_import(
        "contributions",
        _file([("XA-HAI", "Hộ ông Nguyễn Văn An", "160.000.000")]),
        "dg.csv",
        user=secretariat,
    )
    assert (plan.created, plan.updated, plan.unchanged) == (0, 1, 0)
    by_form_update, by_file_update = _events(saved)[-1], _events(imported)[-1]
    assert (by_file_update.action, by_file_update.changes) == (
        by_form_update.action,
        by_form_update.changes,
    )
    assert by_file_update.actor_id == secretariat.pk
    assert Contribution.history.filter(commune=by_file).count() == 2
    checked, breaks = verify_chain()
    assert (checked, breaks) == (AuditEvent.objects.count(), [])


def _apply_queries(data: bytes) -> int:
    """Queries of one file's apply (on SQLite, whose bulk INSERTs are split every ~999
    parameters, the INSERTs are not counted)."""
    importer, plan = plan_import("contributions", data, "f.csv")
    assert plan.ok, plan.errors
    with CaptureQueriesContext(connection) as write, transaction.atomic():
        importer.apply(plan)
    return len(
        [
            q
            for q in write.captured_queries
            if connection.vendor == "postgresql" or not q["sql"].startswith("INSERT")
        ]
    )


def test_the_apply_costs_the_same_queries_for_10_and_100_rows(world):
    communes = [UnitFactory(code=f"XA-DG-{n}") for n in range(10)]

    def rows(n: int, who: str, money: str) -> list[tuple[str, str, str]]:
        return [(communes[i % 10].code, f"{who} số {i}", money) for i in range(n)]

    few = _apply_queries(_file(rows(10, "Hộ", "1.000")))
    many = _apply_queries(_file(rows(100, "Tổ", "1.000")))
    assert few == many  # new rows
    few = _apply_queries(_file(rows(10, "Hộ", "3.000")))
    many = _apply_queries(_file(rows(100, "Tổ", "3.000")))
    assert few == many  # changed rows
    assert Contribution.objects.filter(money_vnd=3000).count() == 110
