"""The national criteria (QĐ 318/QĐ-TTg, amended by QĐ 211/QĐ-TTg) are reference data: they come
with `migrate`, so a district that starts with its own data (no campaign, no demo) can import NTM
results; a row whose criteria cannot be stored is an error with its line, never a silent drop."""

from __future__ import annotations

import importlib
import io

import pytest
from django.core.management import call_command

from campaigns import demo
from campaigns.models import Campaign, NtmCriterion, NtmCriterionSet, NtmStatus
from campaigns.reference import QD318_211_CODE, QD318_CODE, ensure_ntm_criteria
from portal.dataexchange import run_import, write_csv
from tests.factories import UnitFactory
from units.models import UnitKind

COLUMNS = ("unit_code", "year", "criteria_met", "level")


@pytest.mark.django_db
def test_migrate_installs_the_national_criteria_sets_before_any_campaign():
    """The migration's own step, run on a database with no campaign and no criteria (as a
    fresh install has before it; the test database is shared, so the step is run again here
    rather than relying on what earlier tests left)."""
    from django.apps import apps

    migration = importlib.import_module("campaigns.migrations.0002_ntm_criteria_reference_data")
    NtmCriterionSet.objects.all().delete()
    assert not Campaign.objects.exists()
    migration.forwards(apps, None)
    sets = {s.code: s for s in NtmCriterionSet.objects.all()}
    assert set(sets) == {QD318_CODE, QD318_211_CODE}
    original, amended = sets[QD318_CODE], sets[QD318_211_CODE]
    assert "318/QĐ-TTg" in original.legal_basis
    assert "211/QĐ-TTg ngày 01/3/2024" in amended.legal_basis
    assert (original.valid_from.year, original.valid_to.isoformat()) == (2021, "2024-02-29")
    assert (amended.valid_from.isoformat(), amended.valid_to.year) == ("2024-03-01", 2025)
    for criterion_set in sets.values():
        names = list(criterion_set.criteria.order_by("number").values_list("number", "name"))
        assert [n for n, _ in names] == list(range(1, 20))
        assert names[0] == (1, "Quy hoạch")
        assert names[-1] == (19, "Quốc phòng và An ninh")


@pytest.fixture
def fresh_install(db):
    """No campaign; the reference data as `migrate` leaves it (a transactional test elsewhere
    may have flushed it, so it is put back the way the migration does)."""
    ensure_ntm_criteria()
    return [UnitFactory(code=f"XA-MOI-{n}", kind=UnitKind.COMMUNE) for n in (1, 2)]


def _csv(tmp_path, rows) -> str:
    path = tmp_path / "ntm.csv"
    path.write_bytes(write_csv(COLUMNS, rows))
    return str(path)


def test_import_data_on_a_fresh_install_stores_every_criteria_number(fresh_install, tmp_path):
    rows = [
        ("XA-MOI-1", 2023, "1;2;3;17", "none"),
        ("XA-MOI-1", 2024, "1;2;3;4;17", "none"),
        ("XA-MOI-2", 2024, ";".join(str(n) for n in range(1, 20)), "ntm"),
    ]
    out = io.StringIO()
    call_command("import_data", "ntm_status", _csv(tmp_path, rows), stdout=out)
    assert "3 dòng mới" in out.getvalue()
    stored = {
        (s.unit.code, s.year): (
            s.criteria_met_count,
            sorted(c.number for c in s.criteria_met.all()),
            {c.criterion_set.code for c in s.criteria_met.all()},
        )
        for s in NtmStatus.objects.all()
    }
    assert stored == {
        ("XA-MOI-1", 2023): (4, [1, 2, 3, 17], {QD318_CODE}),
        ("XA-MOI-1", 2024): (5, [1, 2, 3, 4, 17], {QD318_211_CODE}),  # amended from 01/3/2024
        ("XA-MOI-2", 2024): (19, list(range(1, 20)), {QD318_211_CODE}),
    }


def test_a_row_whose_criteria_cannot_be_stored_is_an_error_naming_its_line(fresh_install):
    rows = [
        ("XA-MOI-1", 2023, "1;2", "none"),
        ("XA-MOI-1", 2019, "1;2;3", "none"),  # no national set in force in 2019
        ("XA-MOI-2", 2023, "1;20", "none"),  # there is no criterion 20
        ("XA-MOI-2", 2019, "", "none"),  # nothing to store: fine
    ]
    plan = run_import("ntm_status", write_csv(COLUMNS, rows), "ntm.csv")
    errors = {(e.line, e.column): e.message for e in plan.errors}
    assert set(errors) == {(3, "criteria_met"), (4, "criteria_met")}
    assert (
        "Chưa có bộ tiêu chí quốc gia về nông thôn mới áp dụng cho năm 2019"
        in errors[(3, "criteria_met")]
    )
    assert "không có tiêu chí số 20" in errors[(4, "criteria_met")]
    assert not NtmStatus.objects.exists()  # one bad row: nothing is saved


def test_the_demo_reuses_the_migrated_criteria_without_duplicates(fresh_install):
    before = (NtmCriterionSet.objects.count(), NtmCriterion.objects.count())
    first = demo._ntm_criteria()
    again = demo._ntm_criteria()
    assert first.pk == again.pk == NtmCriterionSet.objects.get(code=QD318_CODE).pk
    assert (NtmCriterionSet.objects.count(), NtmCriterion.objects.count()) == before == (2, 38)
