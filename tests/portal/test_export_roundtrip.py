"""What a user exports they can edit and import (issue #14, item 18).

Every export that has a matching import round-trips: the file imported back unchanged is "no
changes", and one edited cell is exactly one update. The pairs are the browser's "Xuất Excel"
files (Vietnamese headers and labels, a title above the header) and `export_data` (the
contract's columns, .xlsx and .csv) of every registered importer.
`test_every_export_url_is_a_round_trip_or_export_only` fails when an export URL is added
without deciding which of the two it is.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from awards.models import Award
from awards.tiers import load_tiers
from campaigns.models import Contribution, NtmStatus
from portal.dataexchange import IMPORTERS, run_import
from tests.factories import CAMPAIGN_CODE as CODE
from tests.introspection import url_names
from units.models import Unit

pytestmark = pytest.mark.django_db


def _csv(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def seed_units(world) -> None:
    """The `world` fixture's units (communes, villages, a department, a cluster)."""


def seed_contributions(world) -> None:
    plan = run_import(
        "contributions",
        _csv(
            "year,commune_code,contributor,contributor_kind,money_vnd,work_days,land_m2,note",
            '2024,XA-A,Hộ ông Trần Văn Lộc,household,150.000.000,"12,5","100,5",Làm đường',
            "2024,XA-B,Công ty TNHH Phổ Thạnh,enterprise,20000000,0,0,",
            "2023,XA-A,Nhân dân thôn Hội An,people,5000000,30,0,Góp ngày công",
        ),
        "dong-gop.csv",
    )
    assert plan.errors == []
    assert plan.created == 3


def seed_ntm_status(world) -> None:
    plan = run_import(
        "ntm_status",
        _csv(
            "unit_code,year,criteria_met,level",
            "XA-A,2024,1;2;3;17,none",
            "XA-B,2024,1;2,none",
            "XA-A-T1,2024,,none",
        ),
        "ntm.csv",
    )
    assert plan.errors == []
    assert plan.created == 3


def seed_awards(world) -> None:
    load_tiers()
    plan = run_import(
        "awards",
        _csv(
            "recipient_kind,recipient_code_or_name,tier_code,decision_number,decision_date,"
            "campaign_code",
            "unit,XA-A,giay-khen-chu-tich-thi-xa,88/QĐ-UBND,2023-12-20,test-ntm-2021-2025",
            "person,Trương Thị Ánh Nguyệt,chien-si-thi-dua-co-so,12/QĐ-UBND,2024-02-01,",
        ),
        "khen-thuong.csv",
    )
    assert plan.errors == []
    assert plan.created == 2


#: How each importer's data is made: every registered importer needs one.
SEEDS: dict[str, Callable] = {
    "units": seed_units,
    "contributions": seed_contributions,
    "ntm_status": seed_ntm_status,
    "awards": seed_awards,
}


@dataclass
class Edit:
    """Change the cell under `header` in the row whose `key_header` cell is `key`."""

    key_header: str
    key: str
    header: str
    value: object
    check: Callable[[], bool]


@dataclass
class Pair:
    id: str
    kind: str
    url_name: str
    args: tuple = ()
    edit: Edit | None = None


def _unit_renamed() -> bool:
    return Unit.objects.get(code="XA-B").name == "Xã Phổ Thử B (đổi tên)"


def _note_changed() -> bool:
    return Contribution.objects.get(contributor="Công ty TNHH Phổ Thạnh").note == "Đã bàn giao"


def _award_redated() -> bool:
    award = Award.objects.get(decision_number="88/QĐ-UBND")
    return award.decision_date == datetime.date(2023, 12, 22) and award.campaign is not None


def _criteria_changed() -> bool:
    status = NtmStatus.objects.get(unit__code="XA-B", year=2024)
    return sorted(c.number for c in status.criteria_met.all()) == [1, 2, 3]


ROUND_TRIPS = [
    Pair(
        "unit list",
        "units",
        "units:unit-export",
        edit=Edit("Mã", "XA-B", "Tên đơn vị", "Xã Phổ Thử B (đổi tên)", _unit_renamed),
    ),
    Pair(
        "contribution list",
        "contributions",
        "campaigns:contribution-export",
        (CODE,),
        edit=Edit(
            "Người / đơn vị đóng góp",
            "Công ty TNHH Phổ Thạnh",
            "Ghi chú",
            "Đã bàn giao",
            _note_changed,
        ),
    ),
    Pair(
        "contributions, contract columns",
        "contributions",
        "campaigns:data-export",
        ("contributions",),
        Edit("contributor", "Công ty TNHH Phổ Thạnh", "note", "Đã bàn giao", _note_changed),
    ),
    Pair(
        "NTM status, contract columns",
        "ntm_status",
        "campaigns:data-export",
        ("ntm_status",),
        Edit("unit_code", "XA-B", "criteria_met", "1;2;3", _criteria_changed),
    ),
    Pair(
        "award history",
        "awards",
        "awards:award-export",
        edit=Edit(
            "Số quyết định",
            "88/QĐ-UBND",
            "Ngày quyết định",
            datetime.datetime(2023, 12, 22),  # noqa: DTZ001 (a spreadsheet date)
            _award_redated,
        ),
    ),
]

#: Export URLs whose file has no import, with the reason.
EXPORT_ONLY = {
    "campaigns:registration-export": "registrations are made on the site, one by one",
    "campaigns:completeness-export": "computed: who reported what by when",
    "campaigns:oversight:feedback-export": "difficulties are sent and answered on the site",
    "campaigns:oversight:budget-export": "budget lines are entered on the site",
    "awards:nomination-export": "nominations go through their own workflow",
    "awards:statistics-export": "computed: counts per tier and year",
    "reports:report-xlsx": "the tables of one report version, as printed",
}
EXPORT_NAME = re.compile(r"(export|xlsx)")


def test_every_export_url_is_a_round_trip_or_export_only():
    exports = {
        n
        for n in url_names()
        if EXPORT_NAME.search(n.rsplit(":", 1)[-1]) and not n.startswith("admin:")
    }
    paired = {p.url_name for p in ROUND_TRIPS}
    assert sorted(exports - paired - set(EXPORT_ONLY)) == []
    assert sorted((paired | set(EXPORT_ONLY)) - exports) == []


def test_every_importer_has_seed_data_for_its_round_trip():
    assert set(SEEDS) == set(IMPORTERS)


def _edit_xlsx(data: bytes, edit: Edit) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    rows = list(sheet.iter_rows())
    header_row = next(r for r in rows if any(c.value == edit.key_header for c in r))
    headers = {c.value: c.column for c in header_row}
    row = next(
        r for r in rows if r[headers[edit.key_header] - 1].value == edit.key and r != header_row
    )
    row[headers[edit.header] - 1].value = edit.value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _data_rows(data: bytes) -> int:
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    rows = [r for r in sheet.iter_rows(values_only=True) if any(v not in (None, "") for v in r)]
    title_rows = 1 if len(rows[0]) and sum(v is not None for v in rows[0]) == 1 else 0
    return len(rows) - 1 - title_rows


@pytest.mark.parametrize("pair", ROUND_TRIPS, ids=lambda p: p.id)
def test_an_exported_file_imports_back_unchanged_and_one_edit_is_one_update(pair, world, client_as):
    SEEDS[pair.kind](world)
    response = client_as("secretariat").get(reverse(pair.url_name, args=pair.args))
    assert response.status_code == 200
    data = response.content
    rows = _data_rows(data)
    assert rows >= 2

    again = run_import(pair.kind, data, "xuat.xlsx", dry_run=True)
    assert again.errors == []
    assert (again.created, again.updated, again.unchanged) == (0, 0, rows)

    edit = pair.edit
    edited = run_import(pair.kind, _edit_xlsx(data, edit), "da-sua.xlsx")
    assert edited.errors == []
    assert (edited.created, edited.updated, edited.unchanged) == (0, 1, rows - 1)
    assert edit.check()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_export_data_of_every_importer_imports_back_unchanged(kind, suffix, world, tmp_path):
    SEEDS[kind](world)
    path = tmp_path / f"{kind}{suffix}"
    call_command("export_data", kind, str(path))
    plan = run_import(kind, path.read_bytes(), path.name, dry_run=True)
    assert plan.errors == []
    assert (plan.created, plan.updated) == (0, 0)
    assert plan.unchanged > 0


def test_a_contract_file_may_use_the_vietnamese_kind_labels(world):
    plan = run_import(
        "units",
        _csv(
            "code,name,kind,parent_code,cluster",
            "XA-C,Xã Phổ Thử C,Xã,,",
            "XA-C-T1,Thôn Tân Lập,Thôn,XA-C,",
            'XA-C-T2,Tổ dân phố 2,"Thôn, tổ dân phố",XA-C,',
            'PB-TC,Phòng Tài chính – Kế hoạch,"Phòng, ban, ngành",,',
        ),
        "don-vi.csv",
    )
    assert plan.errors == []
    kinds = dict(Unit.objects.filter(code__startswith="XA-C").values_list("code", "kind"))
    assert kinds == {"XA-C": "commune", "XA-C-T1": "village", "XA-C-T2": "village"}
    assert Unit.objects.get(code="PB-TC").kind == "department"


def test_the_preview_names_the_columns_an_import_does_not_take(world, client_as):
    client = client_as("secretariat")
    data = client.get(reverse("units:unit-export")).content
    plan = run_import("units", data, "xuat.xlsx", dry_run=True)
    assert plan.notes == [
        "Các cột chỉ để xem, không được nhập (sửa ở đó không thay đổi dữ liệu): "
        "“Đơn vị cấp trên”, “Hiệu lực từ”, “Hiệu lực đến”, “Dữ liệu mẫu”."
    ]


def test_in_kind_edited_in_the_contribution_export_is_imported_and_a_contract_file_keeps_it(
    world, client_as
):
    seed_contributions(world)
    data = (
        client_as("secretariat").get(reverse("campaigns:contribution-export", args=[CODE])).content
    )
    edit = Edit(
        "Người / đơn vị đóng góp", "Công ty TNHH Phổ Thạnh", "Hiện vật", "50 bao xi măng", bool
    )
    plan = run_import("contributions", _edit_xlsx(data, edit), "da-sua.xlsx")
    assert (plan.errors, plan.updated) == ([], 1)
    row = Contribution.objects.get(contributor="Công ty TNHH Phổ Thạnh")
    assert row.in_kind == "50 bao xi măng"

    contract = _csv(
        "year,commune_code,contributor,contributor_kind,money_vnd,work_days,land_m2,note",
        "2024,XA-B,Công ty TNHH Phổ Thạnh,enterprise,20000000,0,0,Đã bàn giao",
    )
    plan = run_import("contributions", contract, "hop-dong.csv")
    assert (plan.errors, plan.updated) == ([], 1)
    row.refresh_from_db()
    assert (row.note, row.in_kind) == ("Đã bàn giao", "50 bao xi măng")
