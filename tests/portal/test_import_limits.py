"""Imports read a file row by row and stop at the first limit they meet: rows, cell length,
columns, unpacked size. What a worker holds is bounded by the limits, not by the file."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from openpyxl.worksheet import _reader

from portal import dataexchange
from portal.dataexchange import FileRejected, Plan, read_table, write_csv

COLUMNS = ("code", "name", "kind", "parent_code", "cluster")


def _xlsx(rows, *, stray_cell: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(list(row))
    if stray_cell:
        sheet[stray_cell] = "x"  # the sheet's dimension now reaches this far
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows(count: int):
    return [(f"TH-{n}", f"Thôn {n}", "village", "XA-A", "") for n in range(count)]


@pytest.fixture
def rows_parsed(monkeypatch):
    """How many rows openpyxl parsed from the sheet's XML."""
    counter = {"rows": 0}
    original = _reader.WorkSheetParser.parse

    def counting(self):
        for item in original(self):
            counter["rows"] += 1
            yield item

    monkeypatch.setattr(_reader.WorkSheetParser, "parse", counting)
    return counter


def test_a_workbook_over_the_row_limit_is_refused_at_the_first_row_past_it(
    monkeypatch, settings, rows_parsed
):
    monkeypatch.setattr(dataexchange, "MAX_ROWS", 50)
    data = _xlsx(_rows(400))
    with pytest.raises(FileRejected) as refused:
        read_table(data, "thon.xlsx", COLUMNS)
    assert "tối đa 50 dòng" in str(refused.value)
    assert rows_parsed["rows"] == 1 + 51  # the header and the limit + 1 data rows, no more


def test_a_csv_over_the_row_limit_is_refused_naming_the_limit(monkeypatch):
    monkeypatch.setattr(dataexchange, "MAX_ROWS", 1_000)
    data = write_csv(COLUMNS, _rows(1_001))
    with pytest.raises(FileRejected) as refused:
        read_table(data, "thon.csv", COLUMNS)
    assert str(refused.value).startswith("Tệp có hơn 1.000 dòng dữ liệu; mỗi lần nhập tối đa 1.000")
    assert read_table(write_csv(COLUMNS, _rows(1_000)), "thon.csv", COLUMNS).rows[-1][0] == 1_001


def test_a_cell_longer_than_the_limit_is_refused_with_its_line_and_column(rows_parsed):
    rows = _rows(100)
    rows[3] = ("TH-X", "Thôn " + "dài " * 600, "village", "XA-A", "")
    with pytest.raises(FileRejected) as refused:
        read_table(_xlsx(rows), "thon.xlsx", COLUMNS)
    assert "Dòng 5, cột “name” dài 2.404 ký tự, vượt giới hạn 2.000 ký tự" in str(refused.value)
    assert rows_parsed["rows"] == 5  # reading stopped at that row


def test_a_sheet_claiming_thousands_of_columns_is_read_only_as_wide_as_the_contract(
    monkeypatch,
):
    widths = []
    original = dataexchange._xlsx_rows

    def recording(data, width):
        for row in original(data, width):
            widths.append(len(row))
            yield row

    monkeypatch.setattr(dataexchange, "_xlsx_rows", recording)
    table = read_table(_xlsx(_rows(20), stray_cell="XFD30"), "thon.xlsx", COLUMNS)
    assert len(table.rows) == 20
    assert max(widths) <= len(COLUMNS) + dataexchange.EXTRA_COLUMNS_READ


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_reading(settings, rows_parsed):
    settings.IMPORT_MAX_UNPACKED_BYTES = 64 * 1024
    with pytest.raises(FileRejected) as refused:
        read_table(_xlsx(_rows(3_000)), "thon.xlsx", COLUMNS)
    assert "khi giải nén" in str(refused.value)
    assert rows_parsed["rows"] == 0


def test_a_plan_keeps_a_bounded_number_of_error_messages_and_counts_them_all():
    plan = Plan()
    for line in range(2, 5_002):
        plan.error(line, "name", "Thiếu tên đơn vị. " + "x" * 5_000)
    assert plan.error_count == 5_000
    assert len(plan.errors) == dataexchange.ERRORS_KEPT
    assert max(len(e.message) for e in plan.errors) <= 400
    assert not plan.ok
