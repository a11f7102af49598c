"""Peak memory of one import, as a web worker runs it (part of `make bench`; docs/performance.md).

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


def _env(db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": f"sqlite:///{db}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-import-" + "x" * 40,
        # The 100,000-row file is larger than the default 5 MB upload limit; the bench measures
        # what the reader and the plan cost, so the byte limit is raised for it.
        "IMPORT_MAX_BYTES": str(64 * 1024 * 1024),
        # Confirm (apply, rolled back) is measured up to this many rows: writing 100,000 rows
        # one by one with their history takes many minutes and adds little per row.
        "APPLY_MAX": os.environ.get("APPLY_MAX", "20000"),
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
from django.db import transaction
from portal.dataexchange import FileRejected, plan_import

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

path = sys.argv[1]
data = open(path, "rb").read()
base = rss_mb()
start = time.perf_counter()
result = {"base_mb": base}
try:
    importer, plan = plan_import("contributions", data, path)
    result["plan_mb"] = rss_mb()
    result["plan_s"] = time.perf_counter() - start
    result["outcome"] = f"{plan.created} dòng mới, {plan.error_count} lỗi"
    if plan.ok and len(plan.changes) <= int(os.environ["APPLY_MAX"]):
        with transaction.atomic():
            importer.apply(plan)
            transaction.set_rollback(True)
        result["apply_mb"] = rss_mb()
        result["apply_s"] = time.perf_counter() - start - result["plan_s"]
except FileRejected as exc:
    result["outcome"] = "từ chối: " + str(exc)[:70] + "…"
    result["plan_mb"] = rss_mb()
    result["plan_s"] = time.perf_counter() - start
print(json.dumps(result))
"""


def main() -> None:
    sizes = [int(s) for s in os.environ.get("ROWS", "20000,100000").split(",") if s]
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        tmpdir = Path(tmp)
        db = tmpdir / "bench.sqlite3"
        env = _env(db)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
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
        print(
            "| tệp | .xlsx (giải nén) | kết quả | bộ nhớ thêm khi xem trước "
            "| bộ nhớ thêm khi xác nhận | thời gian xem trước / ghi |"
        )
        print("|---|---:|---|---:|---:|---:|")
        for label, rows, long_cells, wide in cases:
            path = tmpdir / f"contributions-{rows}-{long_cells}-{wide}.xlsx"
            _write_xlsx(path, rows, long_cells=long_cells, wide=wide)
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(i.file_size for i in archive.infolist())
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(path)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            confirm = f"{r['apply_mb'] - r['base_mb']:.0f} MB" if "apply_mb" in r else "(không đo)"
            seconds = f"{r['plan_s']:.0f} s" + (
                f" / {r['apply_s']:.0f} s" if "apply_s" in r else ""
            )
            print(
                f"| {label} | {path.stat().st_size / 1048576:.1f} MB "
                f"({unpacked / 1048576:.0f} MB) | {r['outcome']} | "
                f"{r['plan_mb'] - r['base_mb']:.0f} MB | {confirm} | {seconds} |",
                flush=True,
            )
        print(f"\nNền (Django đã khởi động, tệp đã đọc vào bộ nhớ): {r['base_mb']:.0f} MB.")


if __name__ == "__main__":
    main()
