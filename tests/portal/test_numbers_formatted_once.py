"""Vietnamese numbers are written in one place: `portal.numbers.format_vn_number` and its template
filters (`num`, `vnd` in portal_tags). The project's source is read for the hand-written ways
that drift apart: a grouping format (`f"{n:,}"`, `"{:,.0f}".format`, `format(n, ",")`), a swap
of the point and the comma (`.replace(",", ".")`, `.replace(".", ",")`), and Django's
`intcomma`/`floatformat` in templates."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

from tests.introspection import PROJECT_PACKAGES

BASE = Path(settings.BASE_DIR)
#: The one place that may write digits by hand.
NUMBERS = BASE / "portal" / "numbers.py"
SWAPS = {(",", "."), (".", ",")}
GROUPING_SPEC = re.compile(r"^[^{}]*[,_](\.\d+)?[dfFgGeEn%]?$")
FORMAT_STRING = re.compile(r"\{[^{}]*:[^{}]*[,_](\.\d+)?[dfFgGeEn%]?\}")
TEMPLATE_FILTERS = re.compile(r"\|\s*(intcomma|floatformat)\b")


def _spec_text(spec: ast.JoinedStr) -> str:
    return "".join(v.value for v in spec.values if isinstance(v, ast.Constant))


def _call_finding(node: ast.Call) -> str | None:
    """What a call writes by hand, if anything: a swap of point and comma, or a grouping format."""
    func = node.func
    literals = tuple(a.value for a in node.args if isinstance(a, ast.Constant))
    if isinstance(func, ast.Attribute) and func.attr == "replace" and len(node.args) == 2:
        return f"replace{literals!r}" if literals in SWAPS else None
    if isinstance(func, ast.Attribute) and func.attr == "format":
        text = func.value.value if isinstance(func.value, ast.Constant) else None
        if isinstance(text, str) and FORMAT_STRING.search(text):
            return f"grouping format {text!r}"
        return None
    if isinstance(func, ast.Name) and func.id == "format" and len(literals) == 1:
        spec = literals[0]
        if isinstance(spec, str) and GROUPING_SPEC.match(spec):
            return f"format(…, {spec!r})"
    return None


def hand_written(source: str) -> list[tuple[int, str]]:
    """(line, what) for each hand-written number format in a Python source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = _spec_text(node.format_spec)
            if GROUPING_SPEC.match(spec):
                found.append((node.lineno, f"grouping format “:{spec}”"))
        elif isinstance(node, ast.Call) and (what := _call_finding(node)):
            found.append((node.lineno, what))
    return sorted(found)


def _project_sources() -> list[Path]:
    return sorted(
        path
        for package in PROJECT_PACKAGES
        for path in (BASE / package).rglob("*.py")
        if "migrations" not in path.parts and path != NUMBERS
    )


def test_no_number_is_formatted_by_hand_outside_portal_numbers():
    offenders = [
        f"{path.relative_to(BASE)}:{line}: {what} — use portal.numbers.format_vn_number"
        for path in _project_sources()
        for line, what in hand_written(path.read_text())
    ]
    assert not offenders, "\n".join(offenders)


def test_templates_show_numbers_with_the_portal_filters():
    offenders = [
        f"{path.relative_to(BASE)}:{text[: m.start()].count(chr(10)) + 1}: |{m[1]} — use |num"
        for path in sorted((BASE / "templates").rglob("*.html"))
        for text in [path.read_text()]
        for m in TEMPLATE_FILTERS.finditer(text)
    ]
    assert not offenders, "\n".join(offenders)


def test_the_check_finds_each_hand_written_format():
    """The reader itself: each pattern is found, a plain `.1f` or `:02d` is not."""
    source = "\n".join(
        [
            'a = f"{n:,}".replace(",", ".")',
            'b = f"{x:.1f}".replace(".", ",")',
            'c = "{:,.0f}".format(n)',
            'd = format(n, ",")',
            'e = f"{x:.1f} s {n:02d} {d:%d/%m/%Y}"',
            'f = f"{n:_}"',
        ]
    )
    assert hand_written(source) == [
        (1, "grouping format “:,”"),
        (1, "replace(',', '.')"),
        (2, "replace('.', ',')"),
        (3, "grouping format '{:,.0f}'"),
        (4, "format(…, ',')"),
        (6, "grouping format “:_”"),
    ]
