"""Filters for the PDF templates: Roman numerals, table cells, the Nơi nhận lines."""

from __future__ import annotations

from django import template

from portal.templatetags.portal_tags import num

register = template.Library()

ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


@register.filter
def roman(value: int) -> str:
    value, out = int(value), ""
    for number, letters in ROMAN:
        while value >= number:
            out += letters
            value -= number
    return out


@register.filter
def cell(value) -> str:
    """A table cell: numbers with Vietnamese separators (1.234.567; 12,5); text as is."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else ("x" if value else "")
    if isinstance(value, int):
        return num(value)
    if isinstance(value, float):
        return num(value, 1) if value != int(value) else num(int(value))
    return str(value)


@register.filter
def cell_class(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "n"
    if value in ("x", ""):
        return "c"
    return ""


@register.filter
def recipient_line(line: str, last: bool = False) -> str:
    """Each recipient ends with ";", the last ("Lưu: VT, …") with "."."""
    line = line.strip().lstrip("-").strip().rstrip(";.")
    return f"{line}." if last else f"{line};"


@register.filter
def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text
