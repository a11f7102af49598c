"""Importing and exporting tables (.xlsx and UTF-8 .csv): the shared machinery.

Each app registers an `Importer` per KIND of DESIGN.md's data-exchange table (units,
ntm_status, contributions, awards) and may register export-only tables (commune_results).
An import is all-or-nothing:

1. `read_table` parses the file: size, encoding, header row exactly as the contract says.
2. `Importer.plan(rows)` checks every row against the file and the database *without writing*
   and returns planned changes plus every bad row (line number + Vietnamese message).
3. Only when there is no error, `Importer.apply(plan)` writes everything in one transaction.

The same path serves the command line (`import_data KIND FILE`) and the browser (upload →
preview → confirm).
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction

#: Data rows in one import; the file is refused at the first row past it, while reading.
MAX_ROWS = 100_000
#: Characters in one cell (the longest field any importer stores is far shorter).
MAX_CELL_CHARS = 2_000
#: Columns read past the contract's own (enough to name extra columns in the header message).
EXTRA_COLUMNS_READ = 8
#: Row errors a plan keeps with their messages (the rest are counted).
ERRORS_KEPT = 1_000


class FileRejected(Exception):
    """The whole file is unusable (wrong type, encoding, header, size); message in Vietnamese."""


@dataclass(frozen=True)
class RowError:
    line: int  # line number in the file as the officer sees it (header = line 1)
    column: str
    message: str

    def __str__(self) -> str:
        where = f"dòng {self.line}" + (f", cột “{self.column}”" if self.column else "")
        return f"{where}: {self.message}"


class Row(tuple):
    """One data row: its stripped cells in header order, read by column name (`row["code"]`).

    A tuple with one name → index map per table costs about a third of a dict per row; it
    answers `[]`, `get`, `keys`, `values` and `items` as the dict it replaces did."""

    __slots__ = ()
    _index: ClassVar[dict[str, int]] = {}

    @classmethod
    def for_header(cls, header: Sequence[str]) -> type[Row]:
        index = {name: i for i, name in enumerate(header)}
        return type("Row", (cls,), {"__slots__": (), "_index": index})

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._index else default

    def keys(self) -> list[str]:
        return list(self._index)

    def values(self) -> tuple[str, ...]:
        return tuple(self)

    def items(self) -> list[tuple[str, str]]:
        return list(zip(self._index, self, strict=True))


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, Row]]  # (line number, the row's cells by column name)


@dataclass
class Plan:
    """What an import would do: the changes to apply and what is wrong."""

    changes: list[Any] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # the first ERRORS_KEPT of them
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)
    error_count: int = 0  # every error, also those past ERRORS_KEPT

    @property
    def ok(self) -> bool:
        return not self.error_count and not self.errors

    def error(self, line: int, column: str, message: str) -> None:
        """Record a bad cell; past ERRORS_KEPT errors only the count grows (a file of 100,000
        bad rows would otherwise keep 100,000 messages for a page that shows 500)."""
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(RowError(line, column, _clip(message, 400)))

    def summary(self) -> str:
        return (
            f"{self.created} dòng mới, {self.updated} dòng cập nhật, "
            f"{self.unchanged} dòng không đổi"
        )


class Importer:
    """Base class: subclasses set `kind`, `label`, `columns` and implement plan / apply / export."""

    kind: ClassVar[str]
    label: ClassVar[str]
    columns: ClassVar[Sequence[str]]
    capability: ClassVar[str] = "unit.import"
    #: URL name of the list the imported rows appear in (the browser returns there after import).
    list_url: ClassVar[str] = ""

    def plan(self, table: Table) -> Plan:
        raise NotImplementedError

    def apply(self, plan: Plan, *, user=None) -> None:
        raise NotImplementedError

    def export_rows(self, **options: Any) -> Iterable[Sequence[Any]]:
        raise NotImplementedError


class Exporter:
    """An export-only table (e.g. commune_results)."""

    kind: ClassVar[str]
    label: ClassVar[str]
    columns: ClassVar[Sequence[str]]

    def export_rows(self, **options: Any) -> Iterable[Sequence[Any]]:
        raise NotImplementedError


IMPORTERS: dict[str, type[Importer]] = {}
EXPORTERS: dict[str, type[Importer] | type[Exporter]] = {}


def register_importer(cls: type[Importer]) -> type[Importer]:
    IMPORTERS[cls.kind] = cls
    EXPORTERS[cls.kind] = cls
    return cls


def register_exporter(cls: type[Exporter]) -> type[Exporter]:
    EXPORTERS[cls.kind] = cls
    return cls


# --- Reading files ----------------------------------------------------------------------------


def read_table(data: bytes, filename: str, columns: Sequence[str]) -> Table:
    """Parse an .xlsx or UTF-8 .csv file whose first row is exactly `columns` (any order).

    Rows are read one at a time and the limits are checked while reading: the file is refused
    at the first data row past `MAX_ROWS` or the first cell longer than `MAX_CELL_CHARS`, so
    an oversized file costs no more than the rows up to the limit."""
    limit = settings.IMPORT_MAX_BYTES
    if len(data) == 0:
        raise FileRejected("Tệp rỗng, không có dữ liệu.")
    if len(data) > limit:
        raise FileRejected(
            f"Tệp dung lượng {len(data) / 1048576:.1f} MB, vượt giới hạn {limit / 1048576:.0f} MB "
            "cho một lần nhập. Hãy chia nhỏ tệp."
        )
    name = filename.lower()
    # Extra columns beyond these are never read (a sheet may claim 16,384 columns).
    width = len(columns) + EXTRA_COLUMNS_READ
    if name.endswith(".xlsx"):
        raw_rows = _xlsx_rows(data, width)
    elif name.endswith(".csv"):
        raw_rows = _csv_rows(data)
    else:
        raise FileRejected("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv, mã hóa UTF-8).")
    try:
        first = next(raw_rows, None)
        if first is None:
            raise FileRejected("Tệp rỗng, không có dữ liệu.")
        header = [_cell_text(c) for c in first[:width]]
        while header and header[-1] == "":
            header.pop()
        _check_header(header, columns)
        rows = _data_rows(raw_rows, header)
    finally:
        raw_rows.close()  # releases the workbook's open archive at once
    if not rows:
        raise FileRejected("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào.")
    return Table(header=header, rows=rows)


def _check_header(header: list[str], columns: Sequence[str]) -> None:
    expected = list(columns)
    if sorted(header) != sorted(expected):
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        parts = []
        if missing:
            parts.append("thiếu cột " + ", ".join(f"“{c}”" for c in missing))
        if extra:
            parts.append("cột không đúng mẫu " + ", ".join(f"“{_clip(c)}”" for c in extra))
        raise FileRejected(
            "Dòng tiêu đề không đúng mẫu ("
            + "; ".join(parts)
            + "). Dòng đầu tiên phải là: "
            + ", ".join(expected)
            + "."
        )


def _data_rows(raw_rows: Iterator[Sequence[Any]], header: list[str]) -> list[tuple[int, Row]]:
    """The non-blank rows after the header, refusing the file at the first row over a limit."""
    rows: list[tuple[int, Row]] = []
    width = len(header)
    row_type = Row.for_header(header)
    padding = ("",) * width
    max_rows = MAX_ROWS
    max_lines = 2 * max_rows + 1  # blank lines are skipped, but not without end
    for number, raw in enumerate(raw_rows, start=2):
        values = [_cell_text(c) for c in raw[:width]]
        if not any(values):
            if number > max_lines:
                raise FileRejected(_too_many_rows(max_rows))
            continue  # blank lines are not rows
        if len(rows) >= max_rows:
            raise FileRejected(_too_many_rows(max_rows))
        for column, value in zip(header, values, strict=False):
            if len(value) > MAX_CELL_CHARS:
                raise FileRejected(
                    f"Dòng {number}, cột “{column}” dài {_vn_int(len(value))} ký tự, vượt giới "
                    f"hạn {_vn_int(MAX_CELL_CHARS)} ký tự của một ô. Hãy rút gọn nội dung ô này."
                )
        if len(values) < width:
            values.extend(padding[len(values) :])
        rows.append((number, row_type(values)))
    return rows


def _vn_int(value: int) -> str:
    """12345 → "12.345" (Vietnamese grouping)."""
    return f"{value:,}".replace(",", ".")


def _too_many_rows(limit: int) -> str:
    return (
        f"Tệp có hơn {_vn_int(limit)} dòng dữ liệu; mỗi lần nhập tối đa {_vn_int(limit)} dòng. "
        "Hãy chia thành nhiều tệp nhỏ hơn rồi nhập lần lượt."
    )


def _clip(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return unicodedata.normalize("NFC", str(value)).strip()


def _csv_rows(data: bytes) -> Generator[list[str], None, None]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            "Tệp CSV không ở mã hóa UTF-8 (có thể là Windows-1258 hoặc TCVN3). "
            "Trong Excel, hãy lưu bằng “CSV UTF-8 (Comma delimited)”, hoặc nhập tệp .xlsx."
        ) from exc
    if "\x00" in text:
        raise FileRejected("Tệp CSV có ký tự không hợp lệ (NUL); có thể tệp không phải văn bản.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


def _xlsx_rows(data: bytes, width: int) -> Generator[tuple[Any, ...], None, None]:
    """The first sheet's rows as tuples of at most `width` values, one at a time.

    openpyxl's read-only mode parses the sheet's XML as it goes; the sheet's own dimension
    record is ignored (a file may claim A1:XFD1048576, and rows would be padded to it)."""
    from openpyxl import load_workbook

    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileRejected(
            "Không đọc được tệp Excel: tệp hỏng hoặc không phải định dạng .xlsx."
        ) from exc
    try:
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True, max_col=width)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a broken sheet part
                raise FileRejected(
                    "Không đọc được tệp Excel: nội dung trang tính bị hỏng."
                ) from exc
            yield row
    finally:
        workbook.close()


def _check_unpacked_size(data: bytes) -> None:
    """Refuse an .xlsx whose parts unpack beyond IMPORT_MAX_UNPACKED_BYTES (a zip bomb, or a
    file far bigger than any real list): openpyxl keeps the shared-strings part in memory."""
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(
            "Không đọc được tệp Excel: tệp hỏng hoặc không phải định dạng .xlsx."
        ) from exc
    if total > limit:
        raise FileRejected(
            f"Tệp Excel khi giải nén có dung lượng {total / 1048576:.0f} MB, vượt giới hạn "
            f"{limit / 1048576:.0f} MB cho một lần nhập. Hãy chia nhỏ tệp hoặc xóa các trang "
            "tính, hình ảnh không cần thiết."
        )


# --- Running ----------------------------------------------------------------------------------


def plan_import(kind: str, data: bytes, filename: str) -> tuple[Importer, Plan]:
    """Read and check a file; nothing is written. Raises FileRejected for unusable files."""
    importer = IMPORTERS[kind]()
    table = read_table(data, filename, importer.columns)
    return importer, importer.plan(table)


def run_import(kind: str, data: bytes, filename: str, *, user=None, dry_run: bool = False) -> Plan:
    """Check, then (only when every row is good and not a dry run) apply in one transaction."""
    importer, plan = plan_import(kind, data, filename)
    if plan.ok and not dry_run:
        with transaction.atomic():
            importer.apply(plan, user=user)
    return plan


# --- Writing .xlsx ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    number_format: str | None = None  # e.g. "#,##0" (Excel shows the reader's locale grouping)
    width: int | None = None


def write_xlsx(
    columns: Sequence[Column | str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "Dữ liệu",
    title: str | None = None,
) -> bytes:
    """An .xlsx with a bold, frozen header row, number formats and sensible widths.

    `title`, when given, is written above the header (the header then sits on row 3)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    cols = [c if isinstance(c, Column) else Column(c) for c in columns]
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    header_row = 1
    if title:
        sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=13)
        header_row = 3
    fill = PatternFill("solid", fgColor="DDE6F0")
    for i, col in enumerate(cols, start=1):
        cell = sheet.cell(row=header_row, column=i, value=col.header)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    widths = [max(10, min(60, len(c.header) + 2)) for c in cols]
    r = header_row
    for r, row in enumerate(rows, start=header_row + 1):
        for i, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=i, value=value)
            fmt = cols[i - 1].number_format if i <= len(cols) else None
            if fmt:
                cell.number_format = fmt
            if value is not None and i <= len(widths):
                widths[i - 1] = max(widths[i - 1], min(60, len(str(value)) + 2))
    for i, col in enumerate(cols, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = col.width or widths[i - 1]
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if r > header_row:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(cols))}{r}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_response(filename: str, content: bytes):
    from django.http import HttpResponse

    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
