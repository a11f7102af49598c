"""Display helpers: Vietnamese number and money formats."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def num(value, decimals: int = 0) -> str:
    """1234567.5 → "1.234.568" (or with `decimals` places: "1.234.567,5")."""
    if value is None or value == "":
        return ""
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return number_format(value, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)


@register.filter
def vnd(value) -> str:
    """Money in đồng: 1234567 → "1.234.567 đ"."""
    text = num(value, 0)
    return f"{text} đ" if text else ""
