"""`make bench`'s page table (scripts/bench.py) on a small generated data set: every page it
times is found and answers its account, and a page whose address is gone is reported, not a
crash. No timing is asserted here: timing goals live in `make bench` (docs/performance.md)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"


@pytest.fixture
def bench(monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_pages_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look themselves up
    spec.loader.exec_module(module)
    call_command(
        "generate_dataset",
        communes=12,
        villages_per_commune=1,
        organisations=2,
        people=3,
        years="2024-2025",
        seed=1,
        stdout=None,
    )
    for name, value in {"REQUESTS": "1", "COLD": "1", "PAGE_SECONDS": "0"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BENCH_PAGES", raising=False)
    monkeypatch.delenv("BENCH_CACHE_URL", raising=False)
    return module


def table_rows(output: str) -> dict[str, str]:
    return {
        line.split(" | ")[0].removeprefix("| "): line
        for line in output.splitlines()
        if line.startswith("| ") and not line.startswith("| Page ")
    }


def test_every_page_the_bench_times_is_found_and_answers_its_account(bench, capsys):
    bench.main()
    rows = table_rows(capsys.readouterr().out)
    assert set(rows) == {page.label for page in bench.PAGES}
    files = {page.label for page in bench.PAGES if not page.html}
    for label, line in rows.items():
        assert "—" not in line, line  # measured: found and answered 200
        # Goal 1 judges pages; a file download is reported, not judged.
        verdict = line.rsplit(" | ", 1)[1]
        if label in files:
            assert verdict == "file |", label
        else:
            assert re.fullmatch(r"(pass|\*\*fail\*\*)( \(ahead of the worker: fail\))? \|", verdict)


def test_a_page_whose_address_is_gone_is_reported_and_the_others_still_measured(bench, capsys):
    gone = bench.Page(
        "gone", "A page renamed meanwhile", "chairman", bench._campaign_url("rankings:nowhere")
    )
    bench.main([gone, *bench.PAGES[:1]])
    out = capsys.readouterr().out
    rows = table_rows(out)
    assert "— no such address here" in rows["A page renamed meanwhile"]
    assert "—" not in rows[bench.PAGES[0].label]
    assert "1 of 1 pages pass" in out or "0 of 1 pages pass" in out
    assert "1 not measured" in out
