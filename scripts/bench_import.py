"""Time, queries and peak memory of one import, as a web worker runs it (part of `make bench`;
docs/performance.md).

Two parts. NTM results (`ntm_status`): 20,000 rows (4,000 communes × 2021–2025; ROWS_NTM
overrides), checked (the dry run: read + plan), applied and committed, then the same communes
with every row changed, checked and applied again (rolled back); time, queries and peak memory
of each step, on SQLite and, when BENCH_PG_URL names a database the script may create and drop
(e.g. postgres://postgres@127.0.0.1:5432/h_bench_import), on PostgreSQL too. Unit renames
(`units`): 30,000 communes imported, then every one renamed (ROWS_UNITS overrides).
KIND=ntm_status, KIND=units or KIND=contributions runs one part only.

Contributions (the memory cases below), on SQLite:

Builds a throwaway SQLite database (migrate + a few communes), writes .xlsx files of the
`contributions` contract, and runs each import in a fresh Python process: read the file and plan
it (what the upload and the preview do), then apply it in a transaction that is rolled back (what
confirm does; up to APPLY_MAX rows). Each process reports its peak resident memory (VmHWM from
/proc/self/status; getrusage's ru_maxrss elsewhere, which on Linux keeps the parent's peak across
exec) before and after, so the figure is the import's own cost above a started Django.

Cases (ROWS overrides the row counts, e.g. ROWS=20000,100000):
- 20,000 and 100,000 ordinary rows;
- 99,000 rows in a sheet whose last row has a blank cell in column XFD, so the sheet's dimension
  claims 16,384 columns (what made the old reader pad every row to 16,384 cells);
- the file of issue #14: 99,000 rows with two 900-character cells (refused, or read within the
  limits; its memory must stay bounded either way).
Prints a Markdown table.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMUNES = 20


def _env(db: Path | str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": db if isinstance(db, str) else f"sqlite:///{db}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-import-" + "x" * 40,
        # The 100,000-row file is larger than the default 5 MB upload limit; the bench measures
        # what the reader and the plan cost, so the byte limit is raised for it.
        "IMPORT_MAX_BYTES": str(64 * 1024 * 1024),
        # Confirm (apply, rolled back) is measured up to this many rows: writing 100,000 rows
        # one by one with their history takes many minutes and adds little per row.
        "APPLY_MAX": os.environ.get("APPLY_MAX", "30000"),
    }


def _write_xlsx(path: Path, rows: int, *, long_cells: int = 0, wide: bool = False) -> None:
    from openpyxl import Workbook

    # A write-only workbook records no dimension; the wide case needs one (A1:XFD…).
    book = Workbook(write_only=not wide)
    sheet = book.active if wide else book.create_sheet("contributions")
    sheet.append(
        [
            "year",
            "commune_code",
            "contributor",
            "contributor_kind",
            "money_vnd",
            "work_days",
            "land_m2",
            "note",
        ]
    )
    for n in range(rows):
        # Plain ASCII filler, so 99,000 rows of two 900-character cells unpack to ~195 MB, as
        # the file of issue #14 did.
        filler = f"{n:06d} " + "Dong gop xay dung duong giao thong nong thon " * 20
        contributor = filler[:long_cells] if long_cells else f"Hộ gia đình số {n}"
        note = filler[::-1][:long_cells] if long_cells else "Hiến đất làm đường"
        sheet.append(
            [2024, f"XA-BENCH-{n % COMMUNES}", contributor, "people", 1_500_000, 2.5, 0, note]
        )
    if wide:  # one blank cell in column XFD: the sheet's dimension claims 16,384 columns
        sheet.cell(row=rows + 2, column=16_384, value=" ")
    book.save(path)


CHILD = r"""
import json, os, resource, sys, time
import django
django.setup()
from django.db import connection, transaction
from portal.dataexchange import FileRejected, plan_import
from portal.models import AuditEvent

def rss_mb():
    # VmHWM is this process image's own peak; ru_maxrss would carry the parent's peak over exec.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

queries = [0]
def count(execute, sql, params, many, context):
    queries[0] += 1
    return execute(sql, params, many, context)

kind, path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(path, "rb").read()
base = rss_mb()
start = time.perf_counter()
cpu = time.process_time()
result = {"base_mb": base}
with connection.execute_wrapper(count):
    try:
        importer, plan = plan_import(kind, data, path)
        result["plan_mb"] = rss_mb()
        result["plan_s"] = time.perf_counter() - start
        result["plan_cpu"] = time.process_time() - cpu
        result["plan_q"] = queries[0]
        result["outcome"] = (
            f"{plan.created} dòng mới, {plan.updated} cập nhật, {plan.error_count} lỗi"
        )
        if plan.ok and len(plan.changes) <= int(os.environ["APPLY_MAX"]):
            queries[0] = 0
            events = AuditEvent.objects.count()
            with transaction.atomic():
                importer.apply(plan)
                result["events"] = AuditEvent.objects.count() - events
                transaction.set_rollback(mode != "commit")
            result["apply_q"] = queries[0] - 2
            result["apply_mb"] = rss_mb()
            result["apply_s"] = time.perf_counter() - start - result["plan_s"]
            result["apply_cpu"] = time.process_time() - cpu - result["plan_cpu"]
    except FileRejected as exc:
        result["outcome"] = "từ chối: " + str(exc)[:70] + "…"
        result["plan_mb"] = rss_mb()
        result["plan_s"] = time.perf_counter() - start
print(json.dumps(result))
"""


def _run(env: dict[str, str], kind: str, path: Path, mode: str = "rollback") -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path), mode],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


# --- NTM results ------------------------------------------------------------------------------

YEARS = (2021, 2022, 2023, 2024, 2025)


def _write_ntm(path: Path, rows: int, *, shift: int = 0) -> None:
    """`rows` NTM rows: communes XA-NTM-0… × 2021–2025, each with 1–18 criteria met (level
    none); `shift` adds one criterion and changes the level, so every row is an update."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("ntm_status")
    sheet.append(["unit_code", "year", "criteria_met", "level"])
    for n in range(rows):
        commune, year = divmod(n, len(YEARS))
        met = 1 + (n % 17) + shift
        sheet.append(
            [f"XA-NTM-{commune}", YEARS[year], ";".join(str(i) for i in range(1, met + 1)), "none"]
        )
    book.save(path)


NTM_SETUP = """
import sys
import django; django.setup()
from units.models import Unit, UnitKind
Unit.objects.bulk_create(
    [Unit(code=f"XA-NTM-{n}", name=f"Xã Đo Nhập NTM {n}", kind=UnitKind.COMMUNE)
     for n in range(int(sys.argv[1]))],
    batch_size=2000,
)
"""


def _pg_database(url: str, *, create: bool) -> None:
    """Create (or drop) the PostgreSQL database BENCH_PG_URL names."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')


def _print_run(label: str, check: str, step: str, r: dict) -> None:
    """Two table rows of one import: the check (dry run) and, when it ran, the write."""
    print(
        f"| {label} | {check} | {r['outcome']} "
        f"| {r['plan_s']:.1f} s ({r['plan_cpu']:.1f} s) | {r['plan_q']} | 0 "
        f"| {r['plan_mb'] - r['base_mb']:.0f} MB |",
        flush=True,
    )
    if "apply_s" in r:
        print(
            f"| {label} | {step}: ghi | | {r['apply_s']:.1f} s ({r['apply_cpu']:.1f} s) "
            f"| {r['apply_q']} | {r['events']:,} | {r['apply_mb'] - r['base_mb']:.0f} MB |".replace(
                ",", "."
            ),
            flush=True,
        )


def bench_ntm(tmpdir: Path) -> None:
    rows = int(os.environ.get("ROWS_NTM", "20000"))
    communes = -(-rows // len(YEARS))
    new = tmpdir / f"ntm-{rows}.xlsx"
    changed = tmpdir / f"ntm-{rows}-changed.xlsx"
    _write_ntm(new, rows)
    _write_ntm(changed, rows, shift=1)
    databases = [("SQLite", tmpdir / "bench-ntm.sqlite3")]
    if os.environ.get("BENCH_PG_URL"):
        databases.append(("PostgreSQL", os.environ["BENCH_PG_URL"]))
    print(f"### Nhập kết quả NTM: {rows:,} dòng ({communes:,} xã × 5 năm)\n".replace(",", "."))
    print(
        "| CSDL | bước | kết quả | thời gian (CPU của tiến trình) | truy vấn "
        "| sự kiện nhật ký | bộ nhớ thêm (đỉnh) |"
    )
    print("|---|---|---|---:|---:|---:|---:|")
    for label, db in databases:
        if isinstance(db, str):
            _pg_database(db, create=True)
        try:
            env = _env(db)
            _migrate(env)
            subprocess.run(
                [sys.executable, "-c", NTM_SETUP, str(communes)], cwd=ROOT, env=env, check=True
            )
            for step, path, mode in (
                ("tạo mới", new, "commit"),
                ("cập nhật mọi dòng", changed, "rollback"),
            ):
                r = _run(env, "ntm_status", path, mode)
                _print_run(label, f"{step}: kiểm tra (chạy thử)", step, r)
        finally:
            if isinstance(db, str):
                _pg_database(db, create=False)
    print()


# --- Units: renames ---------------------------------------------------------------------------


def _write_units(path: Path, rows: int, *, suffix: str) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("units")
    sheet.append(["code", "name", "kind", "parent_code", "cluster"])
    for n in range(rows):
        sheet.append([f"XA-TEN-{n}", f"Xã Đổi Tên {n}{suffix}", "commune", "", ""])
    book.save(path)


def bench_units(tmpdir: Path) -> None:
    """ROWS_UNITS (30,000) communes imported, then the same file with every name changed."""
    rows = int(os.environ.get("ROWS_UNITS", "30000"))
    first, renamed = tmpdir / "units.xlsx", tmpdir / "units-renamed.xlsx"
    _write_units(first, rows, suffix="")
    _write_units(renamed, rows, suffix=" (mới)")
    databases = [("SQLite", tmpdir / "bench-units.sqlite3")]
    if os.environ.get("BENCH_PG_URL"):
        databases.append(("PostgreSQL", os.environ["BENCH_PG_URL"]))
    print(f"### Nhập đơn vị: {rows:,} xã, rồi đổi tên cả {rows:,}\n".replace(",", "."))
    print(
        "| CSDL | bước | kết quả | thời gian (CPU của tiến trình) | truy vấn "
        "| sự kiện nhật ký | bộ nhớ thêm (đỉnh) |"
    )
    print("|---|---|---|---:|---:|---:|---:|")
    for label, db in databases:
        if isinstance(db, str):
            _pg_database(db, create=True)
        try:
            env = _env(db)
            _migrate(env)
            for step, path, mode in (("tạo mới", first, "commit"), ("đổi tên", renamed, "commit")):
                _print_run(label, f"{step}: kiểm tra", step, _run(env, "units", path, mode))
        finally:
            if isinstance(db, str):
                _pg_database(db, create=False)
    print()


# --- Contributions: memory --------------------------------------------------------------------


def bench_contributions(tmpdir: Path) -> None:
    sizes = [int(s) for s in os.environ.get("ROWS", "20000,100000").split(",") if s]
    db = tmpdir / "bench.sqlite3"
    env = _env(db)
    _migrate(env)
    setup = (
        "import django; django.setup()\n"
        "from units.models import Unit, UnitKind\n"
        f"for n in range({COMMUNES}):\n"
        "    Unit.objects.get_or_create(code=f'XA-BENCH-{n}',"
        " defaults={'name': f'Xã Đo Hiệu Năng {n}', 'kind': UnitKind.COMMUNE})\n"
    )
    subprocess.run([sys.executable, "-c", setup], cwd=ROOT, env=env, check=True)
    cases = [(f"{n:,} dòng".replace(",", "."), n, 0, False) for n in sizes]
    cases.append(("99.000 dòng, trang tính khai báo rộng đến cột XFD", 99_000, 0, True))
    cases.append(("99.000 dòng, hai ô 900 ký tự", 99_000, 900, False))
    print("### Nhập đóng góp (SQLite)\n")
    print(
        "| tệp | .xlsx (giải nén) | kết quả | bộ nhớ thêm khi xem trước "
        "| bộ nhớ thêm khi xác nhận | thời gian xem trước / ghi | truy vấn xem trước / ghi |"
    )
    print("|---|---:|---|---:|---:|---:|---:|")
    r: dict = {}
    for label, rows, long_cells, wide in cases:
        path = tmpdir / f"contributions-{rows}-{long_cells}-{wide}.xlsx"
        _write_xlsx(path, rows, long_cells=long_cells, wide=wide)
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
        r = _run(env, "contributions", path)
        confirm = f"{r['apply_mb'] - r['base_mb']:.0f} MB" if "apply_mb" in r else "(không đo)"
        seconds = f"{r['plan_s']:.0f} s" + (f" / {r['apply_s']:.0f} s" if "apply_s" in r else "")
        counted = f"{r.get('plan_q', '–')}" + (f" / {r['apply_q']}" if "apply_q" in r else "")
        print(
            f"| {label} | {path.stat().st_size / 1048576:.1f} MB "
            f"({unpacked / 1048576:.0f} MB) | {r['outcome']} | "
            f"{r['plan_mb'] - r['base_mb']:.0f} MB | {confirm} | {seconds} | {counted} |",
            flush=True,
        )
    print(f"\nNền (Django đã khởi động, tệp đã đọc vào bộ nhớ): {r['base_mb']:.0f} MB.")


def main() -> None:
    kind = os.environ.get("KIND", "all")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        if kind in ("all", "ntm_status"):
            bench_ntm(Path(tmp))
        if kind in ("all", "units"):
            bench_units(Path(tmp))
        if kind in ("all", "contributions"):
            bench_contributions(Path(tmp))


if __name__ == "__main__":
    main()
