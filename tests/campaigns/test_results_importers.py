"""ntm_status and contributions importers: good files, bad rows, round trip."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from campaigns.models import Contribution, NtmStatus
from portal.dataexchange import EXPORTERS, read_table, run_import, write_csv, write_xlsx
from tests.factories import UnitFactory, VillageFactory

pytestmark = pytest.mark.django_db

NTM_HEADER = "unit_code,year,criteria_met,level\n"
CONTRIB_HEADER = "year,commune_code,contributor,contributor_kind,money_vnd,work_days,land_m2,note\n"


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


def test_ntm_import_creates_then_is_idempotent(world):
    data = _csv(
        NTM_HEADER + "XA-A,2023,1;2;3;17,none\n" + "XA-A-T1,2023,,model\n" + "XA-B,2024,,none\n"
    )
    plan = run_import("ntm_status", data, "ntm.csv")
    assert plan.ok, plan.errors
    assert plan.created == 3
    status = NtmStatus.objects.get(unit=world.commune_a, year=2023)
    assert status.criteria_met_count == 4
    assert NtmStatus.objects.get(unit=world.village_a).level == "model"
    again = run_import("ntm_status", data, "ntm.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert NtmStatus.objects.count() == 3


def test_ntm_import_lists_every_bad_row_and_saves_nothing(world):
    data = _csv(
        NTM_HEADER
        + "XA-A,2023,1;2;20,none\n"  # criterion 20
        + "KHONG-CO,2023,1,none\n"  # unknown unit
        + "XA-B,1999,1,none\n"  # year out of range
        + "XA-B,2019,1,none\n"  # outside the campaign
        + "XA-A-T1,2023,,advanced\n"  # village cannot be advanced
        + "XA-B,2023,1;x,none\n"  # not numbers
        + "XA-B,2022,1,none\n"
        + "XA-B,2022,1;2,none\n"  # duplicate in the file
        + "XA-B,2021,0,none\n"  # criterion 0
    )
    plan = run_import("ntm_status", data, "ntm.csv")
    assert not plan.ok
    lines = sorted({e.line for e in plan.errors})
    assert lines == [2, 3, 4, 5, 6, 7, 9, 10]
    messages = " ".join(str(e) for e in plan.errors)
    assert "từ 1 đến 19" in messages
    assert "Không có đơn vị mã “KHONG-CO”" in messages
    assert "ngoài giai đoạn" in messages
    assert "Trùng với dòng 8" in messages
    assert NtmStatus.objects.count() == 0


def test_ntm_export_then_import_of_another_district_round_trips(world, tmp_path):
    # Another district's communes and villages, with their NTM status entered by file.
    c1 = UnitFactory(code="BS-XA-1", name="Xã Bình Sơn Một")
    c2 = UnitFactory(code="BS-XA-2", name="Xã Bình Sơn Hai")
    v1 = VillageFactory(code="BS-XA-1-T1", parent=c1)
    rows = [
        ("BS-XA-1", 2021, "1;2;3", "none"),
        ("BS-XA-1", 2022, "1;2;3;4;5;17", "none"),
        ("BS-XA-1", 2023, ";".join(str(n) for n in range(1, 20)), "ntm"),
        ("BS-XA-2", 2023, "5", "none"),
        ("BS-XA-1-T1", 2023, "", "ntm"),
    ]
    original = write_xlsx(["unit_code", "year", "criteria_met", "level"], rows)
    plan = run_import("ntm_status", original, "binh-son.xlsx")
    assert plan.ok, plan.errors
    exporter = EXPORTERS["ntm_status"]()
    exported = list(exporter.export_rows(unit_ids=[c1.pk, c2.pk, v1.pk]))
    assert [tuple(r) for r in exported] == sorted(rows)
    # The exported file, re-read, is the same table, and importing it changes nothing.
    again = write_xlsx(exporter.columns, exported)
    t1 = read_table(original, "a.xlsx", exporter.columns)
    t2 = read_table(again, "b.xlsx", exporter.columns)
    assert sorted(r for _, r in ((n, tuple(d.values())) for n, d in t1.rows)) == sorted(
        r for _, r in ((n, tuple(d.values())) for n, d in t2.rows)
    )
    plan = run_import("ntm_status", again, "again.xlsx")
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 5)
    # The command line does the same.
    out = tmp_path / "ntm.csv"
    call_command("export_data", "ntm_status", str(out), "--year", "2023")
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "unit_code,year,criteria_met,level"
    assert "BS-XA-1,2023,1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19,ntm" in text


def test_contributions_import_good_file_and_reimport_updates(world):
    data = _csv(
        CONTRIB_HEADER
        + '2023,XA-A,Nhân dân thôn Hội An,people,150000000,320,"450,5",Làm đường\n'
        + '2023,XA-B,Công ty TNHH Đức Phổ Xanh,enterprise,"1.200.000.000",0,0,\n'
    )
    plan = run_import("contributions", data, "dg.csv")
    assert plan.ok, plan.errors
    assert Contribution.objects.count() == 2
    assert Contribution.objects.get(commune=world.commune_b).money_vnd == 1_200_000_000
    changed = data.replace(b"150000000", b"160000000")
    plan = run_import("contributions", changed, "dg.csv")
    assert (plan.created, plan.updated, plan.unchanged) == (0, 1, 1)
    assert Contribution.objects.count() == 2


def test_contributions_import_refuses_bad_rows(world):
    data = _csv(
        CONTRIB_HEADER
        + "2023,XA-A,Nhân dân,people,-5,0,0,\n"
        + "2023,XA-A,Nhân dân 2,aliens,5,0,0,\n"
        + "2023,XA-A-T1,Nhân dân 3,people,5,0,0,\n"  # a village, not a commune
        + "2019,XA-A,Nhân dân 4,people,5,0,0,\n"
        + "2023,XA-A,Nhân dân 5,people,99999999999999999,0,0,\n"
        + "2023,XA-A,Nhân dân 6,people,abc,0,0,\n"
        + "2023,XA-A,Nhân dân 7,people,5,0,0,\n"
        + "2023,XA-A,Nhân dân 7,people,6,0,0,\n"
    )
    plan = run_import("contributions", data, "dg.csv")
    assert sorted({e.line for e in plan.errors}) == [2, 3, 4, 5, 6, 7, 9]
    text = " ".join(str(e) for e in plan.errors)
    assert "không được âm" in text
    assert "quá lớn" in text
    assert "không phải là xã" in text
    assert Contribution.objects.count() == 0


def test_contributions_export_has_the_contract_columns(world, tmp_path):
    run_import(
        "contributions",
        _csv(CONTRIB_HEADER + '2023,XA-A,Nhân dân,people,1000,"2,5",3,ghi chú\n'),
        "dg.csv",
    )
    exporter = EXPORTERS["contributions"]()
    rows = list(exporter.export_rows())
    assert rows == [(2023, "XA-A", "Nhân dân", "people", 1000, 2.5, 3, "ghi chú")]
    assert write_csv(exporter.columns, rows).decode("utf-8-sig").splitlines()[0] == (
        CONTRIB_HEADER.strip()
    )
    plan = run_import("contributions", write_xlsx(exporter.columns, rows), "dg.xlsx")
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 1)
