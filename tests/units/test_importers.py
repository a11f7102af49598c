"""The `units` importer and exporter: all-or-nothing, idempotent by code, exact round trips."""

from __future__ import annotations

import datetime
import io
import unicodedata

import pytest
from django.core.management import CommandError, call_command

from portal.dataexchange import FileRejected, plan_import, read_table, run_import, write_csv
from tests.factories import ClusterFactory, UnitFactory, VillageFactory
from units.importers import COLUMNS, UnitImporter
from units.models import Cluster, ClusterKind, Unit, UnitKind

from .importfiles import MO_DUC, csv_bytes, snapshot, xlsx_bytes

pytestmark = pytest.mark.django_db

#: Most tests here start from an empty units table (what a file imports is all there is).
SHARED_WORLD = False


def _errors(plan) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, e.message) for e in plan.errors]


# --- good files -------------------------------------------------------------------------------


def test_a_file_of_another_district_imports_with_villages_defined_before_their_commune():
    plan = run_import("units", csv_bytes(MO_DUC), "mo-duc.csv")
    assert plan.ok, _errors(plan)
    assert (plan.created, plan.updated, plan.unchanged) == (len(MO_DUC), 0, 0)
    nhuan = Unit.objects.get(code="MD-DUC-NHUAN")
    assert nhuan.name == "Xã Đức Nhuận"
    assert nhuan.kind == UnitKind.COMMUNE
    assert sorted(nhuan.children.values_list("name", flat=True)) == [
        "HTX Nông nghiệp Đức Nhuận",
        "Thôn Phước Thịnh",
        "Thôn Vinh Phú",
    ]
    cum = Cluster.objects.get(name="Cụm thi đua các xã Mộ Đức")
    khoi = Cluster.objects.get(name="Khối Mặt trận Mộ Đức")
    assert cum.kind == ClusterKind.CLUSTER
    assert khoi.kind == ClusterKind.BLOC
    assert set(cum.units.values_list("code", flat=True)) == {
        "MD-DUC-NHUAN",
        "MD-DUC-LOI",
        "MD-DUC-THANG",
    }
    assert plan.notes == [
        f"Sẽ tạo khối/cụm mới: Cụm thi đua các xã Mộ Đức (mã {cum.code}, cụm thi đua); "
        f"Khối Mặt trận Mộ Đức (mã {khoi.code}, khối thi đua)."
    ]


def test_an_xlsx_file_imports():
    plan = run_import("units", xlsx_bytes(MO_DUC), "Danh sách đơn vị Mộ Đức.xlsx")
    assert plan.ok, _errors(plan)
    assert Unit.objects.count() == len(MO_DUC)
    assert Unit.objects.get(code="MD-DL-T2").parent.code == "MD-DUC-LOI"


@pytest.mark.parametrize(
    ("delimiter", "bom"), [(",", True), (";", False), (";", True), ("\t", False)]
)
def test_csv_with_bom_or_semicolons_imports(delimiter, bom):
    data = csv_bytes(MO_DUC, delimiter=delimiter, bom=bom)
    plan = run_import("units", data, "don-vi.csv")
    assert plan.ok, _errors(plan)
    assert Unit.objects.get(code="MD-MTTQ").name == "Ủy ban MTTQ Việt Nam huyện Mộ Đức"


def test_columns_may_come_in_any_order_and_kind_in_any_case():
    header = ("name", "cluster", "code", "parent_code", "kind")
    rows = [("Xã Đức Chánh", "", "MD-DUC-CHANH", "", "Commune")]
    plan = run_import("units", csv_bytes(rows, header=header), "x.csv")
    assert plan.ok, _errors(plan)
    assert Unit.objects.get(code="MD-DUC-CHANH").kind == UnitKind.COMMUNE


def test_a_parent_already_in_the_database_is_found():
    commune = UnitFactory(code="MD-DUC-PHONG", name="Xã Đức Phong")
    plan = run_import(
        "units", csv_bytes([("MD-DP-T1", "Thôn Văn Bân", "village", "MD-DUC-PHONG", "")]), "t.csv"
    )
    assert plan.ok, _errors(plan)
    assert Unit.objects.get(code="MD-DP-T1").parent == commune


def test_cluster_matches_an_existing_one_by_code_or_by_name():
    cum = ClusterFactory(code="CUM-MD", name="Cụm các xã đồng bằng")
    rows = [
        ("MD-A", "Xã A", "commune", "", "cum-md"),
        ("MD-B", "Xã B", "commune", "", "  cụm CÁC xã đồng bằng "),
    ]
    plan = run_import("units", csv_bytes(rows), "c.csv")
    assert plan.ok, _errors(plan)
    assert plan.notes == []
    assert set(cum.units.values_list("code", flat=True)) == {"MD-A", "MD-B"}
    assert Cluster.objects.count() == 1


def test_text_is_stored_in_nfc_even_when_the_file_is_decomposed():
    decomposed = unicodedata.normalize("NFD", "Thôn Đức Thạnh")
    rows = [
        ("MD-X", "Xã Đức Hiệp", "commune", "", ""),
        ("MD-X-T", decomposed, "village", "MD-X", ""),
    ]
    assert run_import("units", csv_bytes(rows), "n.csv").ok
    assert Unit.objects.get(code="MD-X-T").name == unicodedata.normalize("NFC", "Thôn Đức Thạnh")


# --- re-import --------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing_and_writes_no_history():
    data = xlsx_bytes(MO_DUC)
    run_import("units", data, "md.xlsx")
    before = snapshot()
    plan = run_import("units", data, "md.xlsx")
    assert plan.ok
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, len(MO_DUC))
    assert plan.notes == []
    assert snapshot() == before


def test_reimport_updates_by_code_and_never_duplicates():
    run_import("units", csv_bytes(MO_DUC), "md.csv")
    valid_from, valid_to = datetime.date(2020, 1, 1), datetime.date(2025, 6, 30)
    Unit.objects.filter(code="MD-DUC-LOI").update(valid_from=valid_from, valid_to=valid_to)
    changed = [list(r) for r in MO_DUC]
    changed[3][1] = "Xã Đức Lợi (đã đổi tên)"
    changed[4][3] = "MD-DUC-NHUAN"  # Thôn Kỳ Tân moves to Đức Nhuận
    plan = run_import("units", csv_bytes(changed), "md.csv")
    assert plan.ok, _errors(plan)
    assert (plan.created, plan.updated, plan.unchanged) == (0, 2, len(MO_DUC) - 2)
    assert Unit.objects.count() == len(MO_DUC)
    loi = Unit.objects.get(code="MD-DUC-LOI")
    assert loi.name == "Xã Đức Lợi (đã đổi tên)"
    # Not in the contract: left untouched.
    assert (loi.valid_from, loi.valid_to) == (valid_from, valid_to)
    assert Unit.objects.get(code="MD-DL-T1").parent.code == "MD-DUC-NHUAN"
    assert loi.history.count() == 2  # created, renamed


def test_emptying_the_cluster_cell_removes_the_unit_from_its_cluster():
    run_import("units", csv_bytes(MO_DUC), "md.csv")
    rows = [list(r) for r in MO_DUC]
    rows[2][4] = ""
    plan = run_import("units", csv_bytes(rows), "md.csv")
    assert plan.updated == 1
    assert Unit.objects.get(code="MD-DUC-NHUAN").cluster is None


def test_import_records_who_made_the_change(secretariat):
    run_import("units", csv_bytes(MO_DUC), "md.csv", user=secretariat)
    assert Unit.objects.get(code="MD-DUC-NHUAN").history.first().history_user == secretariat


# --- bad rows: every one reported, nothing saved ----------------------------------------------

GOOD = [("MD-DUC-NHUAN", "Xã Đức Nhuận", "commune", "", "")]
ALLOWED = ", ".join(UnitKind.values) + " (hoặc tên loại như khi xuất Excel: Xã, Phường, Thôn…)"
BAD_ROWS = {
    "unknown kind": (
        [*GOOD, ("MD-X", "Xã X", "huyen", "", "")],
        [(3, "kind", f"Loại đơn vị “huyen” không hợp lệ. Các giá trị cho phép: {ALLOWED}.")],
    ),
    "missing kind": (
        [*GOOD, ("MD-X", "Xã X", "", "", "")],
        [(3, "kind", f"Thiếu loại đơn vị. Các giá trị cho phép: {ALLOWED}.")],
    ),
    "unknown parent": (
        [*GOOD, ("MD-T", "Thôn Tân Phú", "village", "MD-KHONG-CO", "")],
        [
            (
                3,
                "parent_code",
                "Không tìm thấy đơn vị cấp trên có mã “MD-KHONG-CO” (trong tệp hoặc trong hệ "
                "thống).",
            )
        ],
    ),
    "duplicate code in the file (both lines)": (
        [
            *GOOD,
            ("MD-DUC-LOI", "Xã Đức Lợi", "commune", "", ""),
            ("MD-DUC-NHUAN", "Xã Khác", "commune", "", ""),
        ],
        [
            (2, "code", "Mã “MD-DUC-NHUAN” bị trùng trong tệp (các dòng 2, 4)."),
            (4, "code", "Mã “MD-DUC-NHUAN” bị trùng trong tệp (các dòng 2, 4)."),
        ],
    ),
    "empty code": (
        [*GOOD, ("", "Xã Không Mã", "commune", "", "")],
        [(3, "code", "Thiếu mã đơn vị.")],
    ),
    "empty name": (
        [*GOOD, ("MD-X", "", "commune", "", "")],
        [(3, "name", "Thiếu tên đơn vị.")],
    ),
    "invalid code characters": (
        [*GOOD, ("XÃ ĐỨC TÂN", "Xã Đức Tân", "commune", "", "")],
        [
            (
                3,
                "code",
                "Mã “XÃ ĐỨC TÂN” không hợp lệ: mã chỉ gồm chữ cái không dấu, chữ số, dấu chấm, "
                "gạch ngang hoặc gạch dưới, bắt đầu bằng chữ hoặc số, tối đa 64 ký tự.",
            )
        ],
    ),
    "village without a parent": (
        [*GOOD, ("MD-T", "Thôn Mồ Côi", "village", "", "")],
        [
            (
                3,
                "parent_code",
                "Thôn, tổ dân phố phải có mã xã hoặc phường cấp trên (cột parent_code).",
            )
        ],
    ),
    "village under a department": (
        [
            *GOOD,
            ("MD-PB", "Phòng Y tế", "department", "", ""),
            ("MD-T", "Thôn Lạc", "village", "MD-PB", ""),
        ],
        [
            (
                4,
                "parent_code",
                "Thôn, tổ dân phố phải thuộc một xã hoặc phường; “MD-PB” là phòng, ban, ngành.",
            )
        ],
    ),
    "commune with a parent": (
        [*GOOD, ("MD-X", "Xã X", "commune", "MD-DUC-NHUAN", "")],
        [
            (
                3,
                "parent_code",
                "Xã, phường không có đơn vị cấp trên trong danh sách này; để trống parent_code.",
            )
        ],
    ),
    "unit under a village": (
        [
            *GOOD,
            ("MD-T", "Thôn A", "village", "MD-DUC-NHUAN", ""),
            ("MD-H", "Hộ ông Ba", "household", "MD-T", ""),
        ],
        [(4, "parent_code", "“MD-T” là thôn, tổ dân phố, không thể có đơn vị trực thuộc.")],
    ),
    "own parent": (
        [*GOOD, ("MD-O", "Tổ chức O", "other_organisation", "MD-O", "")],
        [(3, "parent_code", "Đơn vị không thể là cấp trên của chính nó.")],
    ),
    "a parent cycle": (
        [
            *GOOD,
            ("MD-O1", "Tổ chức Một", "other_organisation", "MD-O2", ""),
            ("MD-O2", "Tổ chức Hai", "other_organisation", "MD-O1", ""),
        ],
        [
            (3, "parent_code", "Quan hệ cấp trên tạo thành vòng lặp: MD-O1 → MD-O2 → MD-O1."),
            (4, "parent_code", "Quan hệ cấp trên tạo thành vòng lặp: MD-O2 → MD-O1 → MD-O2."),
        ],
    ),
    "name too long": (
        [*GOOD, ("MD-X", "X" * 256, "commune", "", "")],
        [(3, "name", "Tên đơn vị dài quá 255 ký tự.")],
    ),
}


@pytest.mark.parametrize("case", list(BAD_ROWS), ids=list(BAD_ROWS))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_bad_row_is_reported_with_its_line_and_nothing_is_saved(case, fmt):
    UnitFactory(code="XA-CU", name="Xã Cũ Đã Có")
    rows, expected = BAD_ROWS[case]
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes(rows)
    before = snapshot()
    plan = run_import("units", data, f"loi.{fmt}")
    assert not plan.ok
    assert sorted(_errors(plan)) == sorted(expected)
    assert snapshot() == before


def test_every_bad_row_of_a_file_is_reported_at_once():
    rows = [
        ("MD-A", "Xã A", "commune", "", ""),
        ("", "Thôn không mã", "village", "MD-A", ""),
        ("MD-B", "", "commune", "", ""),
        ("MD-C", "Xã C", "tinh", "", ""),
        ("MD-D", "Thôn D", "village", "MD-ZZZ", ""),
    ]
    plan = run_import("units", csv_bytes(rows), "loi.csv")
    assert [(e.line, e.column) for e in plan.errors] == [
        (3, "code"),
        (4, "name"),
        (5, "kind"),
        (6, "parent_code"),
    ]
    assert Unit.objects.count() == 0
    assert Cluster.objects.count() == 0


def test_a_bad_row_in_a_big_file_saves_none_of_the_good_rows():
    rows = [(f"MD-X{i:04d}", f"Thôn Số {i}", "village", "MD-DUC-NHUAN", "") for i in range(800)]
    rows.insert(0, ("MD-DUC-NHUAN", "Xã Đức Nhuận", "commune", "", "Cụm mới"))
    rows.append(("MD-Y", "Thôn Y", "village", "MD-NOWHERE", ""))
    plan = run_import("units", csv_bytes(rows), "lon.csv")
    assert [e.line for e in plan.errors] == [803]
    assert Unit.objects.count() == 0
    assert Cluster.objects.count() == 0


def test_turning_a_commune_with_villages_into_a_village_is_refused():
    commune = UnitFactory(code="MD-Q", name="Xã Q")
    VillageFactory(code="MD-Q-T1", parent=commune)
    UnitFactory(code="MD-R", name="Xã R")
    plan = run_import("units", csv_bytes([("MD-Q", "Thôn Q", "village", "MD-R", "")]), "q.csv")
    assert _errors(plan) == [
        (
            2,
            "kind",
            "Đơn vị “MD-Q” đang có đơn vị trực thuộc nên không thể đổi thành thôn, tổ dân phố.",
        )
    ]


# --- whole-file problems ----------------------------------------------------------------------

WHOLE_FILE = {
    "wrong header": (
        lambda: csv_bytes(GOOD, header=("ma", "ten", "loai", "cap_tren", "cum")),
        "x.csv",
        "Dòng tiêu đề không đúng mẫu",
    ),
    "missing column": (
        lambda: csv_bytes([r[:4] for r in GOOD], header=COLUMNS[:4]),
        "x.csv",
        "thiếu cột “cluster”",
    ),
    "Windows-1258 csv": (
        lambda: csv_bytes([("MD-T", "Thôn Phước", "commune", "", "")], encoding="cp1258"),
        "x.csv",
        "không ở mã hóa UTF-8",
    ),
    "empty file": (lambda: b"", "x.csv", "Tệp rỗng"),
    "header only": (lambda: csv_bytes([]), "x.csv", "chỉ có dòng tiêu đề"),
    "header only xlsx": (lambda: xlsx_bytes([]), "x.xlsx", "chỉ có dòng tiêu đề"),
    "50 MB file": (
        lambda: csv_bytes(GOOD) + b"#" * (50 * 1024 * 1024),
        "x.csv",
        "vượt giới hạn",
    ),
    "not xlsx or csv": (lambda: b"<html></html>", "x.xls", "Chỉ nhận tệp Excel (.xlsx)"),
    "corrupt xlsx": (
        lambda: b"PK\x03\x04" + b"\x00hong" * 100,
        "x.xlsx",
        "Không đọc được tệp Excel",
    ),
    "csv renamed as xlsx": (lambda: csv_bytes(GOOD), "x.xlsx", "Không đọc được tệp Excel"),
}


@pytest.mark.parametrize("case", list(WHOLE_FILE), ids=list(WHOLE_FILE))
def test_an_unusable_file_is_rejected_whole_with_a_vietnamese_message(case):
    UnitFactory(code="XA-CU", name="Xã Cũ Đã Có")
    make, name, message = WHOLE_FILE[case]
    before = snapshot()
    with pytest.raises(FileRejected) as exc:
        run_import("units", make(), name)
    assert message in str(exc.value)
    assert snapshot() == before


# --- export -----------------------------------------------------------------------------------


def _vietnamese_world():
    cum = ClusterFactory(code="CUM-BAC", name="Cụm thi đua phía Bắc")
    khoi = ClusterFactory(code="KHOI-MT", name="Khối Mặt trận, đoàn thể", kind=ClusterKind.BLOC)
    a = UnitFactory(code="XA-PHO-AN", name="Xã Phổ An", cluster=cum)
    UnitFactory(code="PH-NGUYEN-NGHIEM", name="Phường Nguyễn Nghiêm", kind=UnitKind.WARD)
    VillageFactory(code="XA-PHO-AN-T1", name="Thôn Hội An 1 – “Ấp Đông”, ỹ ữ ặ", parent=a)
    VillageFactory(code="XA-PHO-AN-T0", name="Thôn Trung Hải", parent=a)
    UnitFactory(
        code="DP-HLHPN",
        name="Hội Liên hiệp Phụ nữ thị xã",
        kind=UnitKind.MASS_ORGANISATION,
        cluster=khoi,
    )
    UnitFactory(code="DP-PKT", name="Phòng Kinh tế", kind=UnitKind.DEPARTMENT)


def test_export_writes_the_contract_columns_ordered_by_kind_parent_code():
    _vietnamese_world()
    rows = list(UnitImporter().export_rows())
    assert rows == [
        ("DP-PKT", "Phòng Kinh tế", "department", "", ""),
        ("DP-HLHPN", "Hội Liên hiệp Phụ nữ thị xã", "mass_organisation", "", "KHOI-MT"),
        ("XA-PHO-AN", "Xã Phổ An", "commune", "", "CUM-BAC"),
        ("PH-NGUYEN-NGHIEM", "Phường Nguyễn Nghiêm", "ward", "", ""),
        ("XA-PHO-AN-T0", "Thôn Trung Hải", "village", "XA-PHO-AN", ""),
        ("XA-PHO-AN-T1", "Thôn Hội An 1 – “Ấp Đông”, ỹ ữ ặ", "village", "XA-PHO-AN", ""),
    ]


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_then_import_round_trips_vietnamese_text_exactly(suffix, tmp_path):
    _vietnamese_world()
    path = tmp_path / f"don-vi.{suffix}"
    call_command("export_data", "units", str(path), stdout=io.StringIO())
    exported = list(UnitImporter().export_rows())
    # Read back exactly what the file holds.
    table = read_table(path.read_bytes(), path.name, COLUMNS)
    assert [tuple(r[c] for c in COLUMNS) for _, r in table.rows] == exported
    # Same database: nothing to do.
    before = snapshot()
    _, plan = plan_import("units", path.read_bytes(), path.name)
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, len(exported))
    assert snapshot() == before
    # Empty database: the import rebuilds the same units, and exports the same file.
    Unit.objects.filter(parent__isnull=False).delete()
    Unit.objects.all().delete()
    Cluster.objects.all().delete()
    plan = run_import("units", path.read_bytes(), path.name)
    assert plan.ok, _errors(plan)
    assert list(UnitImporter().export_rows()) == exported


def test_csv_export_opens_in_excel_as_utf8():
    _vietnamese_world()
    data = write_csv(COLUMNS, UnitImporter().export_rows())
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Thôn Hội An 1 – “Ấp Đông”, ỹ ữ ặ".encode() in data


# --- commands ---------------------------------------------------------------------------------


def test_import_data_command_imports_a_good_file(tmp_path):
    path = tmp_path / "mo-duc.xlsx"
    path.write_bytes(xlsx_bytes(MO_DUC))
    out = io.StringIO()
    call_command("import_data", "units", str(path), stdout=out)
    assert f"Đã nhập: {len(MO_DUC)} dòng mới, 0 dòng cập nhật, 0 dòng không đổi." in out.getvalue()
    assert "Sẽ tạo khối/cụm mới" in out.getvalue()
    assert Unit.objects.count() == len(MO_DUC)


def test_import_data_command_dry_run_saves_nothing(tmp_path):
    path = tmp_path / "mo-duc.csv"
    path.write_bytes(csv_bytes(MO_DUC))
    out = io.StringIO()
    call_command("import_data", "units", str(path), "--dry-run", stdout=out)
    assert "Kiểm tra xong (chưa lưu)" in out.getvalue()
    assert Unit.objects.count() == 0


def test_import_data_command_fails_on_a_broken_file_and_saves_nothing(tmp_path):
    rows = [*MO_DUC, ("MD-LOI", "Thôn Lỗi", "village", "MD-KHONG-CO", "")]
    path = tmp_path / "hong.csv"
    path.write_bytes(csv_bytes(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Tệp có 1 lỗi; không dòng nào được lưu"):
        call_command("import_data", "units", str(path), stderr=err, stdout=io.StringIO())
    assert f"dòng {len(rows) + 1}, cột “parent_code”" in err.getvalue()
    assert Unit.objects.count() == 0


def test_import_data_command_fails_on_a_rejected_file(tmp_path):
    path = tmp_path / "cu.csv"
    path.write_bytes(csv_bytes(MO_DUC, encoding="cp1258"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import_data", "units", str(path))
    assert Unit.objects.count() == 0


def test_export_data_command_writes_an_xlsx_with_a_frozen_header(tmp_path):
    from openpyxl import load_workbook

    _vietnamese_world()
    path = tmp_path / "out.xlsx"
    call_command("export_data", "units", str(path), stdout=io.StringIO())
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 7
