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
import re
import unicodedata
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from django.conf import settings
from django.db import transaction

from .numbers import NumberText, format_vn_number

if TYPE_CHECKING:
    from django.http import HttpResponse
    from openpyxl.worksheet.worksheet import Worksheet

    from .models import User

#: Data rows in one import; the file is refused at the first row past it, while reading.
MAX_ROWS = 100_000
#: Characters in one cell (the longest field any importer stores is far shorter).
MAX_CELL_CHARS = 2_000
#: Columns read past the contract's own (enough to name extra columns in the header message).
EXTRA_COLUMNS_READ = 8
#: Row errors a plan keeps with their messages (the rest are counted).
ERRORS_KEPT = 1_000


@dataclass(frozen=True)
class Column:
    """One column of an .xlsx export; `field` is the import column it reads back into."""

    header: str
    number_format: str | None = None  # e.g. "#,##0" (Excel shows the reader's locale grouping)
    width: int | None = None
    field: str | None = None


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


class Row(tuple[Any, ...]):
    """One data row: its stripped cells in header order, read by column name (`row["code"]`).

    A tuple with one name → index map per table costs about a third of a dict per row; it
    answers `[]`, `get`, `keys`, `values` and `items` as the dict it replaces did."""

    __slots__ = ()
    _index: ClassVar[dict[str, int]] = {}

    @classmethod
    def for_header(cls, header: Sequence[str]) -> type[Row]:
        index = {name: i for i, name in enumerate(header)}
        return type("Row", (cls,), {"__slots__": (), "_index": index})

    def __getitem__(self, key: Any) -> Any:
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


#: Rows between two progress reports of a check (`Table.each`).
PROGRESS_EVERY = 1_000


@dataclass
class Table:
    header: list[str]  # the contract's (and optional) column names the file has
    rows: list[tuple[int, Row]]  # (line number, the row's cells by column name)
    ignored: list[str] = field(default_factory=list)  # headers read only (not imported)
    #: Told (rows checked, rows) every PROGRESS_EVERY rows of `each()`: a background import's
    #: progress page shows it ("Đã kiểm tra 12.000/20.000 dòng").
    progress: Callable[[int, int], None] | None = None

    def each(self) -> Iterator[tuple[int, Row]]:
        """The rows, for an importer's checking loop, reporting progress as it goes."""
        total = len(self.rows)
        report = self.progress
        for number, item in enumerate(self.rows):
            if report is not None and number and number % PROGRESS_EVERY == 0:
                report(number, total)
            yield item
        if report is not None:
            report(total, total)


def fold(text: str) -> str:
    """Case-, space- and Unicode-form-insensitive key for matching headers and labels."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def choice_value(
    text: str, choices: Iterable[tuple[str, str]], extra: dict[str, str] | None = None
) -> str | None:
    """The stored value of an enum cell written as the value ("village") or as the Vietnamese
    label an export writes ("Thôn"); `extra` adds other spellings (folded text → value)."""
    key = fold(text)
    for value, label in choices:
        if key in (fold(str(value)), fold(str(label))):
            return str(value)
    return (extra or {}).get(key)


@dataclass(frozen=True)
class HeaderMap:
    """Which header names a file may use and what each one imports into.

    `required`: the contract's columns (each must be present, under its own name or an
    alias); `optional`: columns taken when present; `aliases`: folded header → column;
    `ignored`: folded headers an export writes for reading only."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    ignored: frozenset[str] = frozenset()

    @classmethod
    def of(cls, columns: Sequence[str], sheet_columns: Sequence[Column] = ()) -> HeaderMap:
        required = tuple(columns)
        aliases = {fold(c): c for c in required}
        optional: list[str] = []
        ignored: set[str] = set()
        for col in sheet_columns:
            if col.field is None:
                ignored.add(fold(col.header))
                continue
            aliases[fold(col.header)] = col.field
            if col.field not in required and col.field not in optional:
                optional.append(col.field)
                aliases.setdefault(fold(col.field), col.field)
        return cls(required, tuple(optional), aliases, frozenset(ignored))

    def resolve(self, header: list[str]) -> list[str | None] | None:
        """Each header cell's column (None: ignored), or None when this row is not a header
        (an unknown name, a column twice, or a required column missing)."""
        resolved: list[str | None] = []
        for name in header:
            key = fold(name)
            if key in self.aliases:
                resolved.append(self.aliases[key])
            elif key in self.ignored or key == "":
                resolved.append(None)
            else:
                return None
        taken = [c for c in resolved if c]
        if len(taken) != len(set(taken)) or not set(self.required) <= set(taken):
            return None
        return resolved


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


#: What each contract column holds, in words: the import pages show these, with the column's
#: name as the file's header row must write it (the names are the contract, docs/data.md).
COLUMN_WORDS = {
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "kind": "Loại đơn vị",
    "parent_code": "Mã đơn vị cấp trên",
    "cluster": "Khối/cụm",
    "unit_code": "Mã xã, thôn",
    "year": "Năm",
    "criteria_met": "Các tiêu chí đạt (số thứ tự)",
    "level": "Mức đạt",
    "commune_code": "Mã xã",
    "contributor": "Người / đơn vị đóng góp",
    "contributor_kind": "Loại đối tượng",
    "money_vnd": "Tiền (đồng)",
    "work_days": "Ngày công",
    "land_m2": "Đất hiến (m²)",
    "in_kind": "Hiện vật",
    "note": "Ghi chú",
    "recipient_kind": "Loại đối tượng",
    "recipient_code_or_name": "Mã hoặc tên đối tượng",
    "tier_code": "Hình thức, danh hiệu (mã)",
    "decision_number": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "campaign_code": "Phong trào (mã)",
}


class Importer:
    """Base class: subclasses set `kind`, `label`, `columns` and implement plan / apply / export.

    `sheet_columns` is the layout of the browser's "Xuất Excel" of the same table (Vietnamese
    headers, labels for codes, extra columns to read). Each `Column` names the contract column
    it imports into (`field`), or none when it is only there to be read; `read_table` accepts
    that layout as well as the contract's, so what a user exports they can edit and import.
    A `field` outside `columns` is an optional column: taken when the file has it."""

    kind: ClassVar[str]
    label: ClassVar[str]
    columns: ClassVar[Sequence[str]]
    sheet_columns: ClassVar[Sequence[Column]] = ()
    capability: ClassVar[str] = "unit.import"
    #: URL name of the list the imported rows appear in (the browser returns there after import).
    list_url: ClassVar[str] = ""

    @classmethod
    def header_map(cls) -> HeaderMap:
        return HeaderMap.of(cls.columns, cls.sheet_columns)

    @classmethod
    def described_columns(cls) -> list[tuple[str, str]]:
        """(what the column holds, its header name) for each contract column, for the pages."""
        return [(column_words(cls, name), name) for name in cls.columns]

    def plan(self, table: Table) -> Plan:
        raise NotImplementedError

    def apply(self, plan: Plan, *, user: User | None = None) -> None:
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


def column_words(importer: type[Importer] | type[Exporter], name: str) -> str:
    """A contract column in words: the header of the matching "Xuất Excel" column, else
    COLUMN_WORDS, else the name itself."""
    for column in getattr(importer, "sheet_columns", ()):
        if column.field == name:
            return str(column.header)
    return COLUMN_WORDS.get(name, name)


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


#: How far down an export's title rows the header row may sit.
HEADER_SEARCH_ROWS = 10


def read_table(
    data: bytes,
    filename: str,
    columns: Sequence[str] | HeaderMap,
    *,
    reading: Callable[[int], None] | None = None,
) -> Table:
    """Parse an .xlsx or UTF-8 .csv file with a header row naming `columns` (any order).

    `columns` may be a `HeaderMap` (an importer's `header_map()`): the header row may then
    use the Vietnamese headers of the matching export and sit below its title rows.

    Rows are read one at a time and the limits are checked while reading: the file is refused
    at the first data row past `MAX_ROWS` or the first cell longer than `MAX_CELL_CHARS`, so
    an oversized file costs no more than the rows up to the limit. `reading(rows read)` is told
    every PROGRESS_EVERY rows (a background import's progress page)."""
    headers = columns if isinstance(columns, HeaderMap) else HeaderMap.of(columns)
    limit = settings.IMPORT_MAX_BYTES
    if len(data) == 0:
        raise FileRejected("Tệp rỗng, không có dữ liệu.")
    if len(data) > limit:
        raise FileRejected(
            f"Tệp dung lượng {format_vn_number(len(data) / 1048576, 1)} MB, vượt giới hạn "
            f"{format_vn_number(limit / 1048576, 0)} MB cho một lần nhập. Hãy chia nhỏ tệp."
        )
    name = filename.lower()
    # Extra columns beyond these are never read (a sheet may claim 16,384 columns).
    known = len(headers.required) + len(headers.optional) + len(headers.ignored)
    width = known + EXTRA_COLUMNS_READ
    if name.endswith(".xlsx"):
        raw_rows: Generator[Sequence[Any], None, None] = _xlsx_rows(data, width)
    elif name.endswith(".csv"):
        raw_rows = ([_csv_unguard(v) for v in row[:width]] for row in _csv_rows(data))
    else:
        raise FileRejected("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv, mã hóa UTF-8).")
    try:
        # The header is the first row whose cells are all known names (an export's title rows
        # above it are skipped, HEADER_SEARCH_ROWS at most); rows are read one at a time.
        top: list[Sequence[Any]] = []
        resolved = None
        for raw in raw_rows:
            top.append(raw)
            resolved = _header_of(raw, headers)
            if resolved is not None or len(top) >= HEADER_SEARCH_ROWS:
                break
        if not any(_cell_text(c) for row in top for c in row):
            raise FileRejected("Tệp rỗng, không có dữ liệu.")
        if resolved is None:
            _refuse_header(top, headers)
        header_index = len(top) - 1
        names = [*headers.required, *headers.optional]
        rows = _data_rows(raw_rows, resolved, names, first_line=header_index + 2, reading=reading)
    finally:
        raw_rows.close()  # releases the workbook's open archive at once
    if not rows:
        raise FileRejected("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào.")
    header_cells = [_cell_text(c) for c in top[header_index]]
    return Table(
        header=[c for c in resolved if c is not None],
        rows=rows,
        ignored=[h for h, c in zip(header_cells, resolved, strict=False) if c is None and h],
    )


def _header_of(raw: Sequence[Any], headers: HeaderMap) -> list[str | None] | None:
    """Each cell's column when `raw` is the header row, else None."""
    header = [_cell_text(c) for c in raw]
    while header and header[-1] == "":
        header.pop()
    return headers.resolve(header) if header else None


def _refuse_header(raw_rows: list[Sequence[Any]], headers: HeaderMap) -> NoReturn:
    """FileRejected naming what is wrong with the first non-empty row (the contract's header)."""
    first = next(
        ([_cell_text(c) for c in raw] for raw in raw_rows if any(_cell_text(c) for c in raw)),
        [],
    )
    while first and first[-1] == "":
        first.pop()
    header = first
    expected = list(headers.required)
    known = set(headers.aliases) | set(headers.ignored)
    mapped = {headers.aliases.get(fold(h)) for h in header}
    missing = [c for c in expected if c not in mapped]
    extra = [c for c in header if fold(c) not in known]
    parts = []
    if missing:
        parts.append("thiếu cột " + ", ".join(f"“{c}”" for c in missing))
    if extra:
        parts.append("cột không đúng mẫu " + ", ".join(f"“{_clip(c)}”" for c in extra))
    if not parts:
        parts.append("có cột bị lặp lại")
    raise FileRejected(
        "Dòng tiêu đề không đúng mẫu ("
        + "; ".join(parts)
        + "). Dòng đầu tiên phải là: "
        + ", ".join(expected)
        + "."
    )


def _data_rows(
    raw_rows: Iterator[Sequence[Any]],
    resolved: list[str | None],
    names: list[str],
    *,
    first_line: int,
    reading: Callable[[int], None] | None = None,
) -> list[tuple[int, Row]]:
    """The non-blank rows after the header, each as a `Row` over `names` (a column the file
    lacks reads ""); the file is refused at the first row over a limit."""
    rows: list[tuple[int, Row]] = []
    row_type = Row.for_header(names)
    source = {col: i for i, col in enumerate(resolved) if col is not None}
    picks = [source.get(name) for name in names]
    width = len(resolved)
    max_rows = MAX_ROWS
    max_lines = first_line + 2 * max_rows  # blank lines are skipped, but not without end
    for number, raw in enumerate(raw_rows, start=first_line):
        values = [_cell_text(c) for c in raw[:width]]
        if not any(values):
            if number > max_lines:
                raise FileRejected(_too_many_rows(max_rows))
            continue  # blank lines are not rows
        if len(rows) >= max_rows:
            raise FileRejected(_too_many_rows(max_rows))
        for i, value in enumerate(values):
            if len(value) > MAX_CELL_CHARS:
                column = resolved[i] or f"cột {i + 1}"
                raise FileRejected(
                    f"Dòng {number}, cột “{column}” dài {format_vn_number(len(value))} ký tự, "
                    f"vượt giới hạn {format_vn_number(MAX_CELL_CHARS)} ký tự của một ô. "
                    "Hãy rút gọn nội dung ô này."
                )
        cells = [values[i] if i is not None and i < len(values) else "" for i in picks]
        rows.append((number, row_type(cells)))
        if reading is not None and len(rows) % PROGRESS_EVERY == 0:
            reading(len(rows))
    return rows


def _too_many_rows(limit: int) -> str:
    return (
        f"Tệp có hơn {format_vn_number(limit)} dòng dữ liệu; "
        f"mỗi lần nhập tối đa {format_vn_number(limit)} dòng. "
        "Hãy chia thành nhiều tệp nhỏ hơn rồi nhập lần lượt."
    )


def _clip(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return NumberText(value)  # a number cell stays that number (portal/numbers.py)
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m-%d"))
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
            f"Tệp Excel khi giải nén có dung lượng {format_vn_number(total / 1048576, 0)} MB, "
            f"vượt giới hạn {format_vn_number(limit / 1048576, 0)} MB cho một lần nhập. "
            "Hãy chia nhỏ tệp hoặc xóa các trang tính, hình ảnh không cần thiết."
        )


# --- Running ----------------------------------------------------------------------------------


def plan_import(
    kind: str,
    data: bytes,
    filename: str,
    *,
    progress: Callable[[int, int], None] | None = None,
    reading: Callable[[int], None] | None = None,
) -> tuple[Importer, Plan]:
    """Read and check a file; nothing is written. Raises FileRejected for unusable files.
    `reading(rows read)` and `progress(rows checked, rows)` are told as the reading and the
    check go (a background import's progress page)."""
    importer = IMPORTERS[kind]()
    table = read_table(data, filename, importer.header_map(), reading=reading)
    table.progress = progress
    plan = importer.plan(table)
    if table.ignored:
        plan.notes.append(
            "Các cột chỉ để xem, không được nhập (sửa ở đó không thay đổi dữ liệu): "
            + ", ".join(f"“{h}”" for h in table.ignored)
            + "."
        )
    return importer, plan


def run_import(
    kind: str, data: bytes, filename: str, *, user: User | None = None, dry_run: bool = False
) -> Plan:
    """Check, then (only when every row is good and not a dry run) apply in one transaction."""
    importer, plan = plan_import(kind, data, filename)
    if plan.ok and not dry_run:
        with transaction.atomic():
            importer.apply(plan, user=user)
    return plan


# --- Writing .xlsx ----------------------------------------------------------------------------

#: A text starting with one of these is a formula (or DDE payload) to a spreadsheet program.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def xlsx_cell(sheet: Worksheet, row: int, column: int, value: Any) -> Any:
    """Write one cell of an export; every workbook the portal writes goes through here.

    Text is always text: a value like `=HYPERLINK(...)` is stored as a string cell with
    Excel's quotePrefix style (the cell shows `=HYPERLINK(...)`, and editing it keeps it text),
    never as a formula. The text itself is unchanged, so an import of the file reads back
    exactly what was exported. Numbers (also negative ones) and dates stay numbers and dates."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


#: Rows read ahead to size the columns: a write-only sheet fixes its widths before its first row.
WIDTH_SAMPLE_ROWS = 200


def _column_widths(cols: Sequence[Column], sample: Sequence[Sequence[Any]]) -> list[float]:
    widths = [max(10, min(60, len(c.header) + 2)) for c in cols]
    for row in sample:
        for i, value in enumerate(row[: len(widths)]):
            if value is not None:
                widths[i] = max(widths[i], min(60, len(str(value)) + 2))
    return [col.width or widths[i] for i, col in enumerate(cols)]


def write_xlsx_into(
    target: Any,
    columns: Sequence[Column | str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "Dữ liệu",
    title: str | None = None,
) -> None:
    """Write an .xlsx into `target` (a path or a binary file): a bold, frozen header row,
    number formats and sensible widths; `title`, when given, above the header (the header then
    sits on row 3).

    The workbook is write-only (openpyxl streams each row to a temporary file as it comes), so
    memory stays flat however many rows `rows` yields; the column widths are sized on the first
    WIDTH_SAMPLE_ROWS rows."""
    from itertools import chain, islice

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    cols = [c if isinstance(c, Column) else Column(c) for c in columns]
    rows = iter(rows)
    sample = [list(row) for row in islice(rows, WIDTH_SAMPLE_ROWS)]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    for i, width in enumerate(_column_widths(cols, sample), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    header_row = 3 if title else 1
    sheet.freeze_panes = f"A{header_row + 1}"
    if title:
        sheet.append(xlsx_row(sheet, [title], font=Font(bold=True, size=13)))
        sheet.append(xlsx_row(sheet, []))
    style: dict[str, Any] = {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="DDE6F0"),
        "alignment": Alignment(wrap_text=True, vertical="center"),
    }
    sheet.append(xlsx_row(sheet, [c.header for c in cols], **style))
    formats = [c.number_format for c in cols]
    last = header_row
    for row in chain(sample, rows):
        sheet.append(xlsx_row(sheet, row, formats))
        last += 1
    if last > header_row:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(cols))}{last}"
    sheet.close()
    _add_dimension(sheet, f"A1:{get_column_letter(max(1, len(cols)))}{last}")
    workbook.save(target)


def _add_dimension(sheet: Any, ref: str) -> None:
    """Write the sheet's size (`<dimension ref="A1:N123"/>`) as a workbook built in memory has
    it: a write-only sheet writes its top before its rows and so leaves it out, and readers in
    read-only mode (openpyxl's `max_row`, scripts that read the exports) rely on it. The closed
    sheet's XML waits in a temporary file (openpyxl's writer `out`) until the workbook is
    saved; it is copied once with the element inserted after `<sheetPr>`."""
    import os
    import shutil

    path = sheet._writer.out
    with open(path, "rb") as src, open(f"{path}.dim", "wb") as dst:
        head = src.read(64 * 1024)
        end = head.find(b"</sheetPr>")
        at = end + len(b"</sheetPr>") if end >= 0 else head.find(b">") + 1
        dst.write(head[:at] + f'<dimension ref="{ref}"/>'.encode() + head[at:])
        shutil.copyfileobj(src, dst)
    os.replace(f"{path}.dim", path)


def xlsx_row(
    sheet: Any, values: Iterable[Any], formats: Sequence[str | None] = (), **style: Any
) -> list[Any]:
    """One row for a write-only sheet's `append`, each value guarded as `xlsx_cell` guards it
    (text that looks like a formula stays text); `formats` are the columns' number formats,
    `style` (font, fill, alignment) applies to every cell of the row."""
    from openpyxl.cell import WriteOnlyCell

    out: list[Any] = []
    for i, value in enumerate(values):
        fmt = formats[i] if i < len(formats) else None
        guarded = isinstance(value, str) and value.startswith(FORMULA_STARTS)
        if not (style or guarded or (fmt and value is not None)):
            out.append(value)  # a plain number, date or text: no cell object needed
            continue
        cell = WriteOnlyCell(sheet, value=value)
        if guarded:
            cell.data_type = "s"
            cell.quotePrefix = True
        if fmt and value is not None:
            cell.number_format = fmt
        for name, attr in style.items():
            setattr(cell, name, attr)
        out.append(cell)
    return out


def write_xlsx(
    columns: Sequence[Column | str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "Dữ liệu",
    title: str | None = None,
) -> bytes:
    """The .xlsx of `write_xlsx_into` as bytes (a small list, a test, an import template)."""
    buffer = io.BytesIO()
    write_xlsx_into(buffer, columns, rows, sheet_title=sheet_title, title=title)
    return buffer.getvalue()


#: A CSV cell has no type: a text that a spreadsheet would run as a formula gets a leading
#: apostrophe (the usual "this is text" mark), and `read_table` takes one off again.
_CSV_GUARDED = re.compile(r"^'*[=+\-@\t\r]")


def _csv_guard(value: Any) -> Any:
    if isinstance(value, str) and _CSV_GUARDED.match(value):
        return "'" + value
    return value


def _csv_unguard(value: str) -> str:
    if value.startswith("'") and _CSV_GUARDED.match(value):
        return value[1:]
    return value


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                "" if v is None else _csv_guard(v) if isinstance(v, str) else _csv_value(v)
                for v in row
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value: Any) -> Any:
    """Decimals the Vietnamese way ("12,5"), as the importers read them back; no grouping."""
    if isinstance(value, float | Decimal):
        return format_vn_number(value, grouping=False)
    return value


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    from django.http import HttpResponse

    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
