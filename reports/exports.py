"""The .xlsx export of a report's tables: one sheet per table, as printed in that version.

Written like the Excel annex of a large review (`reports.annex.write_workbook`): a write-only
workbook, so memory stays flat at thousands of communes (every commune's row is in a version's
tables), and text that looks like a formula stays text (xlsx_cell's rule)."""

from __future__ import annotations

import datetime

from .models import Report


def tables_xlsx(report: Report) -> bytes:
    from .annex import write_workbook

    tables = [
        {**table, "sheet": f"{index}. {table['title']}"}
        for index, table in enumerate(report.tables or [], start=1)
    ]
    content, _ = write_workbook(tables, heading=str(report), day=datetime.date(report.year, 12, 31))
    return content


def register() -> None:
    """Nothing to register with portal.dataexchange: report tables are per report version."""
