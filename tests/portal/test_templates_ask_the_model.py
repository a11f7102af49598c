"""Templates ask the model what a status means (`{% if assessment.is_submitted %}`), never compare
a field with one of its choice values (`{% if assessment.status == "submitted" %}`): the values
live once, in the models' TextChoices, and the property next to them says what the page needs.

Every template under templates/ is read; a comparison (`==`, `!=`, `in`, `not in`) between an
object's attribute and a string literal that is the value of some model field's choices fails.
A bare context variable (`kind == "bloc"` from the query string) is the view's word, not a
field, and is left alone."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.utils.text import smart_split

from tests.introspection import PROJECT_PACKAGES

TEMPLATES = Path(settings.BASE_DIR) / "templates"
OPERATORS = {"==", "!=", "in"}
LITERAL = re.compile(r"""^(?P<q>['"])(?P<value>.*)(?P=q)$""", re.S)


def choice_values() -> dict[str, set[str]]:
    """Each string value of a choices field of the project's models → the fields it belongs to."""
    values: dict[str, set[str]] = {}
    for model in apps.get_models():
        if model._meta.app_config.name.split(".")[0] not in PROJECT_PACKAGES:
            continue
        for field in model._meta.get_fields():
            if not getattr(field, "choices", None):
                continue
            for value, _label in field.flatchoices:
                if isinstance(value, str) and value:
                    values.setdefault(value, set()).add(f"{model.__name__}.{field.name}")
    return values


def _is_field(operand: str) -> bool:
    """`assessment.status`, `row.item.outcome|lower`: an object's attribute, filters aside."""
    lookup = operand.split("|", 1)[0]
    return not LITERAL.match(lookup) and "." in lookup and not lookup[0].isdigit()


def literal_comparisons(source: str, values: dict[str, set[str]]) -> list[tuple[int, str, str]]:
    """(line, condition, value) for each field compared with a choice value in `source`."""
    found = []
    for token in Lexer(source).tokenize():
        if token.token_type != TokenType.BLOCK:
            continue
        bits = list(smart_split(token.contents))
        if not bits or bits[0] not in ("if", "elif"):
            continue
        for i, bit in enumerate(bits):
            if bit not in OPERATORS or i == 0 or i + 1 >= len(bits):
                continue
            left = bits[i - 1] if bits[i - 1] != "not" else bits[i - 2]
            for literal, other in ((bits[i + 1], left), (left, bits[i + 1])):
                match = LITERAL.match(literal)
                if match and match["value"] in values and _is_field(other):
                    found.append((token.lineno, token.contents, match["value"]))
    return found


def test_no_template_compares_a_field_with_a_choice_value():
    values = choice_values()
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for line, condition, value in literal_comparisons(path.read_text(), values):
            fields = ", ".join(sorted(values[value]))
            offenders.append(
                f"{path.relative_to(TEMPLATES)}:{line}: {{% {condition} %}} — “{value}” is a "
                f"value of {fields}: ask the model (a property next to its choices)"
            )
    assert not offenders, "\n".join(offenders)


def test_the_check_finds_a_status_compared_with_a_string():
    """The reader itself: a field against a choice value is found, in either order and with
    `!=`, `in` and `not in`; a bare variable, a filter's argument and a property are not."""
    values = choice_values()
    assert "submitted" in values
    source = (
        '{% if a.status == "submitted" %}x{% elif "approved" == a.status %}y{% endif %}\n'
        "{% if a.status != 'returned' and a.status not in 'draft' %}z{% endif %}\n"
        '{% if kind == "submitted" %}{% endif %}{% if a.year == y|stringformat:"d" %}{% endif %}'
        "{% if a.is_submitted %}{% endif %}{{ a.status }}"
    )
    assert [(line, value) for line, _c, value in literal_comparisons(source, values)] == [
        (1, "submitted"),
        (1, "approved"),
        (2, "returned"),
        (2, "draft"),
    ]
