"""The Excel annex of a large review: every commune's row, one sheet per table.

A review over more communes than `REPORTS_SUMMARY_THRESHOLD` prints aggregates by cluster and the
communes that need mention; the per-commune tables it no longer prints go here, as they were
(`Table.detail`). The annex is made with the PDF, stored with the report, downloadable from its
page, and named in the PDF with its SHA-256, so the signed PDF binds it (docs/signing.md).

- **Memory stays flat**: a write-only workbook (openpyxl streams each sheet's rows to a
  temporary file), whatever the number of communes.
- **Same data, same bytes**: the zip entries carry a fixed date and the document properties the
  period's last day, so the annex made again when the chairman signs has the SHA-256 printed in
  the draft he read (report_sign checks it).
- **Text stays text**: text that looks like a formula is written as a string with Excel's
  quote prefix, the rule of `portal.dataexchange.xlsx_cell` (a write-only sheet has no
  `cell()` to give it).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from portal.dataexchange import FORMULA_STARTS

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The zip entries' date: the earliest a zip can hold, so it never depends on the clock.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class Annex:
    filename: str
    content: bytes
    sha256: str
    sheets: list[dict[str, Any]]  # name, title, rows: what the PDF lists

    def describe(self) -> dict[str, Any]:
        return {"filename": self.filename, "sha256": self.sha256, "sheets": self.sheets}


def _sheet_names(tables: Sequence[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for index, table in enumerate(tables, start=1):
        base = re.sub(r"[\[\]\*\?/\\:]", " ", table.get("sheet") or table["title"]).strip()
        name = base[:31]
        while name.lower() in {n.lower() for n in names}:
            suffix = f" ({index})"
            name = base[: 31 - len(suffix)] + suffix
        names.append(name)
    return names


def _cell(sheet, value: Any, *, font=None, fill=None, alignment=None, number_format=None):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _plain(sheet, value: Any) -> Any:
    """A data cell: the value itself when it needs no style (openpyxl then writes it without a
    cell object: the bulk of the rows), a cell for formula-like text and for numbers that read
    better grouped (thousands, decimals)."""
    if isinstance(value, str):
        return _cell(sheet, value) if value.startswith(FORMULA_STARTS) else value
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and ((isinstance(value, float) and not value.is_integer()) or abs(value) >= 1000):
        return _cell(sheet, value, number_format=_number_format(value))
    return value


def _number_format(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "#,##0" if float(value).is_integer() else "#,##0.0"
    return None


def _widths(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[int]:
    widths = [max(8, min(40, len(str(c)) + 2)) for c in columns]
    for row in rows:
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], min(50, len(str(value)) + 2))
    return widths


def write_workbook(
    tables: Sequence[dict[str, Any]], *, heading: str, day: datetime.date
) -> tuple[bytes, list[dict[str, Any]]]:
    """The tables as a workbook (title, `heading`, header, rows, total on each sheet) → its bytes
    and, per sheet, its name, title and number of rows. The same tables give the same bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    stamp = datetime.datetime.combine(day, datetime.time())
    workbook.properties.creator = "Cổng thông tin thi đua"
    workbook.properties.created = stamp
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    header_align = Alignment(wrap_text=True, vertical="center", horizontal="center")
    sheets = []
    for name, table in zip(_sheet_names(tables), tables, strict=True):
        sheet = workbook.create_sheet(name)
        columns = list(table["columns"])
        rows = list(table["rows"])
        total = table.get("total")
        # A write-only sheet fixes its widths and panes before its first row.
        for i, width in enumerate(_widths(columns, rows[:500]), start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = "A5"
        lines = [
            [_cell(sheet, table["title"], font=Font(bold=True, size=13))],
            [_cell(sheet, heading, font=Font(italic=True))],
            [],
            [
                _cell(sheet, title, font=bold, fill=header_fill, alignment=header_align)
                for title in columns
            ],
        ]
        for line in lines:
            sheet.append(line)
        for row in rows:
            sheet.append([_plain(sheet, v) for v in row])
        if total:
            sheet.append(
                [_cell(sheet, v, font=bold, number_format=_number_format(v)) for v in total]
            )
        if table.get("note"):
            sheet.append([])
            sheet.append([_cell(sheet, table["note"], font=Font(italic=True))])
        sheets.append({"name": name, "title": table["title"], "rows": len(rows)})
    if not sheets:
        workbook.create_sheet("Không có bảng")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_dates(buffer.getvalue(), stamp), sheets


def _fixed_dates(content: bytes, stamp: datetime.datetime) -> bytes:
    """The same workbook with every zip entry dated ZIP_DATE and the saved-at time (openpyxl
    writes the clock into docProps/core.xml) replaced by `stamp`."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + iso.encode() + rb"\g<2>",
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, data)
    return out.getvalue()


def build_annex(context: dict[str, Any]) -> Annex | None:
    """The annex of a report's gathered context (rendering.build_context), or None when the
    report prints every row itself."""
    tables = context.get("detail_tables") or []
    if not tables:
        return None
    report = context["report"]
    _, last = context.get("period") or (report.year, report.year)
    # Nothing that signing changes (number, date, the authority then in force): the annex made
    # again at signing must be the one the chairman read.
    summary = context["summary"]
    heading = (
        f"Kèm theo báo cáo {summary[:1].lower()}{summary[1:]} "
        f"(mã tra cứu {report.verification_code})"
    )
    content, sheets = write_workbook(
        [t.as_dict() if hasattr(t, "as_dict") else t for t in tables],
        heading=heading,
        day=datetime.date(last, 12, 31),
    )
    return Annex(
        filename=f"phu-luc-{report.kind}-{report.campaign.code}-{report.year}-v{report.version}.xlsx",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        sheets=sheets,
    )
