"""The layout rules of docs/ui.md, checked over every screen template and every form button (the
browser walk in tests/browser/test_screens.py checks the rendered pages of each role's menu)."""

from __future__ import annotations

import ast
import itertools
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from crispy_forms import layout
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.test import RequestFactory

from reports.forms import ReturnForm
from tests.introspection import PROJECT_PACKAGES
from units.filters import UnitFilter
from units.models import Unit

TEMPLATES = Path(settings.BASE_DIR) / "templates"
#: Printed documents (WeasyPrint): no screen, no scrolling.
PRINT_ONLY = ("reports/pdf/",)
VARIANT = re.compile(
    r"(?<![\w-])btn-(?:outline-)?(?:primary|secondary|success|danger|warning|info|light|dark|link)"
    r"(?![\w-])"
)
TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)


def screen_templates() -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES.rglob("*.html")
        if not str(path.relative_to(TEMPLATES)).startswith(PRINT_ONLY)
    )


# --- One colour per button -------------------------------------------------------------------


def _class_alternatives(value: str) -> list[str]:
    """The class strings a class attribute can render to: each branch of its `{% if %}` tags
    taken in turn (nested ifs included); `{{ … }}` counts as no class."""
    tokens = re.split(r"(\{%.*?%\})", value)
    position = 0

    def tag_of(token: str) -> str:
        words = token[2:-2].split() if token.startswith("{%") else []
        return words[0] if words else ""

    def sequence(stop: tuple[str, ...]) -> list[str]:
        nonlocal position
        out = [""]
        while position < len(tokens) and tag_of(tokens[position]) not in stop:
            token = tokens[position]
            position += 1
            if tag_of(token) == "if":
                branches, has_else = [], False
                while True:
                    branches += sequence(("elif", "else", "endif"))
                    if position == len(tokens):  # the if closes after the attribute
                        break
                    closing = tag_of(tokens[position])
                    position += 1
                    has_else = has_else or closing == "else"
                    if closing == "endif":
                        break
                if not has_else:
                    branches.append("")
                out = [a + " " + b for a, b in itertools.product(out, branches)]
            elif not tag_of(token):
                out = [a + " " + re.sub(r"\{\{.*?\}\}", " ", token) for a in out]
        return out

    return sequence(())


def test_class_alternatives_reads_if_branches():
    alternatives = _class_alternatives(
        "btn {% if a %}btn-success{% elif b %}btn-outline-danger{% else %}btn-link{% endif %}"
    )
    assert [VARIANT.findall(a) for a in alternatives] == [
        ["btn-success"],
        ["btn-outline-danger"],
        ["btn-link"],
    ]
    assert VARIANT.findall(_class_alternatives("btn btn-primary btn-outline-danger")[0]) == [
        "btn-primary",
        "btn-outline-danger",
    ]


def _class_attributes(source: str) -> list[tuple[int, str]]:
    """(line, value) of every class="…" attribute of a template. Tags may hold quotes
    ({% if x == "a" %}): they are numbered away while the attributes are found."""
    tags = re.findall(r"\{%.*?%\}", source, re.S)
    counter = itertools.count()
    masked = re.sub(r"\{%.*?%\}", lambda _m: f"\x00{next(counter)}\x01", source, flags=re.S)
    return [
        (
            masked.count("\n", 0, match.start()) + 1,
            re.sub(r"\x00(\d+)\x01", lambda m: tags[int(m.group(1))], match.group(1)),
        )
        for match in re.finditer(r'class="([^"]*)"', masked)
    ]


def test_no_template_gives_an_element_two_button_colours():
    """`btn btn-primary btn-outline-danger` drew the chairman's "Trả lại báo cáo" as red text on
    blue (1:1): an element has at most one `btn-<variant>` in every way its template renders."""
    found = []
    for path in screen_templates():
        for line, value in _class_attributes(path.read_text()):
            for alternative in _class_alternatives(value):
                colours = VARIANT.findall(alternative)
                if len(colours) > 1:
                    found.append(f"{path.relative_to(TEMPLATES)}:{line}: {colours}")
    assert found == []


def _project_python_files() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return sorted(
        path
        for package in PROJECT_PACKAGES
        for path in (base / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_no_form_button_adds_a_second_colour():
    """crispy-forms' Submit (and Reset) already carry a colour; a `css_class` with another one
    gives the button two. Use `portal.buttons.Submit(..., variant=…)` instead."""
    coloured = {
        name
        for name in ("Submit", "Reset", "Button")
        if VARIANT.search(getattr(layout, name).field_classes)
    }
    found = []
    for path in _project_python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in coloured:
                continue
            for keyword in node.keywords:
                value = keyword.value
                if (
                    keyword.arg == "css_class"
                    and isinstance(value, ast.Constant)
                    and VARIANT.search(str(value.value))
                ):
                    found.append(
                        f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}: {value.value}"
                    )
    assert "Submit" in coloured
    assert found == []


def test_the_chairmans_return_button_is_red_only():
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(
        Context({"form": ReturnForm()})
    )
    button = re.search(r'<input type="submit"[^>]*value="Trả lại báo cáo"[^>]*>', html).group(0)
    assert VARIANT.findall(button) == ["btn-outline-danger"]


# --- Every table scrolls inside its own container ---------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _TableFinder(HTMLParser):
    """Tables whose ancestors (in the same template) include no `.table-responsive`."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.loose: list[int] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if tag == "table" and not any("table-responsive" in c for _t, c in self.stack):
            self.loose.append(self.getpos()[0])
        self.stack.append((tag, dict(attrs).get("class") or ""))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


def test_every_table_sits_in_a_scroll_container():
    """At 390 px a table wider than the phone scrolls inside its `.table-responsive` box instead
    of widening the page (the dashboard's target table made the page 612 px wide)."""
    found = []
    for path in screen_templates():
        finder = _TableFinder()
        # Template tags removed, line breaks kept (so the line numbers stay true).
        finder.feed(TEMPLATE_TAG.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text()))
        found += [f"{path.relative_to(TEMPLATES)}:{line}" for line in finder.loose]
    assert found == []


def test_the_table_finder_finds_a_loose_table():
    finder = _TableFinder()
    finder.feed('<div class="card"><table></table></div><div class="table-responsive"><table>')
    assert finder.loose == [1]


# --- A filter shows its fields ------------------------------------------------------------------


class _Form(forms.Form):
    q = forms.CharField(label="Tên đơn vị", required=False)
    year = forms.IntegerField(label="Năm", required=False)


def _render_filter(value) -> str:
    request = RequestFactory().get("/phong-trao/giam-sat/kho-khan/")
    return Template('{% include "_partials/filter_form.html" %}').render(
        Context({"filter": value, "request": request})
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "labels"),
    [
        (lambda: _Form(), ["Tên đơn vị", "Năm"]),
        (lambda: UnitFilter(queryset=Unit.objects.all()), ["Tìm theo tên hoặc mã", "Khối, cụm"]),
    ],
    ids=["form", "filterset"],
)
def test_the_filter_partial_draws_the_fields_of_a_form_or_a_filterset(make, labels):
    """The feedback list handed the partial a plain Form, which drew the buttons and no field."""
    html = _render_filter(make())
    for label in labels:
        assert label in html
    assert 'name="q"' in html


def test_the_filter_partial_refuses_what_is_not_a_filter():
    with pytest.raises(TypeError, match="form lọc"):
        _render_filter("")
