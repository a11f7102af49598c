"""Each NTM status carries its unit's kind (`NtmStatus.unit_kind`, what the dashboard, the
targets and the rankings pick a year's communes by). Every writer keeps it right: the save
service, the import, a row created by hand, and a change of the unit's kind through the unit
form or the units import renews the unit's statuses."""

from __future__ import annotations

import pytest

from campaigns.context import current_campaign
from campaigns.models import NtmLevel, NtmStatus
from campaigns.rankings import summary
from campaigns.results.derived import refresh_ntm_derived
from campaigns.results.services import ntm_status_save
from portal.dataexchange import run_import
from tests.factories import UnitFactory, VillageFactory
from tests.units.importfiles import csv_bytes
from units.models import UnitKind
from units.services import unit_save

pytestmark = pytest.mark.django_db


def _kinds(unit) -> list[str]:
    return list(
        NtmStatus.objects.filter(unit=unit).order_by("year").values_list("unit_kind", flat=True)
    )


def test_a_status_saved_through_the_service_carries_the_communes_kind(world, secretariat):
    unit = UnitFactory(code="XA-DICH-VU")
    for year in (2023, 2024):
        ntm_status_save(
            unit=unit,
            year=year,
            level=NtmLevel.NONE,
            numbers=[1, 2],
            campaign=current_campaign(),
            by=secretariat,
        )
    assert _kinds(unit) == [UnitKind.COMMUNE, UnitKind.COMMUNE]


def test_statuses_imported_from_a_file_carry_their_units_kind(world, secretariat):
    unit = UnitFactory(code="XA-TEP")
    data = b"unit_code,year,criteria_met,level\nXA-TEP,2023,1;2,none\nXA-TEP,2024,1;2;3,none\n"
    assert run_import("ntm_status", data, "ntm.csv", user=secretariat).ok
    assert _kinds(unit) == [UnitKind.COMMUNE, UnitKind.COMMUNE]


def test_a_row_created_by_hand_or_in_bulk_carries_its_units_kind(world):
    commune = UnitFactory(code="XA-TAY")
    village = VillageFactory(parent=commune)
    NtmStatus.objects.create(unit=village, year=2024, level=NtmLevel.NTM)
    NtmStatus.objects.create(unit_id=commune.pk, year=2024)  # the unit not loaded: read
    NtmStatus.objects.bulk_create([NtmStatus(unit=village, year=2023)])
    assert _kinds(village) == [UnitKind.VILLAGE, UnitKind.VILLAGE]
    assert _kinds(commune) == [UnitKind.COMMUNE]


def test_a_commune_made_a_ward_through_the_unit_form_leaves_the_communes_figures(
    world, secretariat
):
    unit = UnitFactory(code="XA-LEN-PHUONG", name="Xã Lên Phường")
    for year in (2023, 2024):
        ntm_status_save(
            unit=unit,
            year=year,
            level=NtmLevel.NTM,
            numbers=range(1, 20),
            campaign=current_campaign(),
            by=secretariat,
        )
    names = [r["name"] for r in summary.extremes(2024, limit=1000)["top"]]
    assert "Xã Lên Phường" in names

    unit_save(unit=unit, values={"kind": UnitKind.WARD}, by=secretariat)

    assert _kinds(unit) == [UnitKind.WARD, UnitKind.WARD]
    names = [r["name"] for r in summary.extremes(2024, limit=1000)["top"]]
    assert "Xã Lên Phường" not in names
    unit_save(unit=unit, values={"kind": UnitKind.COMMUNE}, by=secretariat)
    assert _kinds(unit) == [UnitKind.COMMUNE, UnitKind.COMMUNE]
    assert refresh_ntm_derived([unit.pk]) == 0  # nothing left to correct


def test_a_change_of_kind_through_the_units_import_renews_the_units_statuses(world, secretariat):
    unit = UnitFactory(code="XA-NHAP", name="Xã Nhập")
    ntm_status_save(
        unit=unit,
        year=2024,
        level=NtmLevel.NONE,
        numbers=[],
        campaign=current_campaign(),
        by=secretariat,
    )
    rows = [("XA-NHAP", "Phường Nhập", "ward", "", "")]
    plan = run_import("units", csv_bytes(rows), "don-vi.csv", user=secretariat)
    assert plan.ok, plan.errors
    assert _kinds(unit) == [UnitKind.WARD]


def test_the_refresh_corrects_a_kind_written_around_the_services(world):
    unit = UnitFactory(code="XA-SUA")
    NtmStatus.objects.create(unit=unit, year=2024)
    NtmStatus.objects.filter(unit=unit).update(unit_kind="")
    assert refresh_ntm_derived([unit.pk]) == 1
    assert _kinds(unit) == [UnitKind.COMMUNE]
