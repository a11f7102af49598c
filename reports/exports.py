"""The .xlsx export of a report's tables: one sheet per table, as printed in that version.

Every cell is written by portal.dataexchange.xlsx_cell (text that looks like a formula stays
text)."""

from __future__ import annotations

import io
import re

from portal.dataexchange import xlsx_cell

from .models import Report


def tables_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    if workbook.active is not None:  # a new workbook's default sheet
        workbook.remove(workbook.active)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    used: set[str] = set()
    for index, table in enumerate(report.tables or [], start=1):
        name = re.sub(r"[\[\]\*\?/\\:]", " ", f"{index}. {table['title']}")[:31]
        while name in used:
            name = name[:28] + f"~{index}"
        used.add(name)
        sheet = workbook.create_sheet(name)
        xlsx_cell(sheet, 1, 1, table["title"]).font = Font(bold=True, size=13)
        xlsx_cell(sheet, 2, 1, str(report)).font = Font(italic=True)
        header = 4
        widths = []
        for col, title in enumerate(table["columns"], start=1):
            cell = xlsx_cell(sheet, header, col, title)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE6F0")
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            cell.border = border
            widths.append(max(8, min(40, len(title) + 2)))
        rows = list(table["rows"]) + ([table["total"]] if table.get("total") else [])
        for r, row in enumerate(rows, start=header + 1):
            for c, value in enumerate(row, start=1):
                cell = xlsx_cell(sheet, r, c, value)
                cell.border = border
                if isinstance(value, int | float) and not isinstance(value, bool):
                    cell.number_format = "#,##0" if float(value).is_integer() else "#,##0.0"
                if c <= len(widths):
                    widths[c - 1] = max(widths[c - 1], min(50, len(str(value)) + 2))
            if table.get("total") and r == header + len(rows):
                for c in range(1, len(row) + 1):
                    sheet.cell(row=r, column=c).font = Font(bold=True)
        for c, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = width
        sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    if not workbook.sheetnames:
        workbook.create_sheet("Không có bảng")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def register() -> None:
    """Nothing to register with portal.dataexchange: report tables are per report version."""
