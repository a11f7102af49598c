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


@register.filter
def in_scope(unit, user) -> bool:
    """{% if unit|in_scope:user %}: may this user open the unit's page (else show plain text)?"""
    from portal.access import sees_all, unit_ids_in_scope

    if unit is None:
        return False
    unit_id = getattr(unit, "pk", unit)
    return sees_all(user) or unit_id in unit_ids_in_scope(user)


@register.inclusion_tag("_partials/unit_link.html", takes_context=True)
def unit_link(context, unit):
    """The unit's name, linked to its page only when the user may open it."""
    user = context["request"].user
    return {"unit": unit, "linkable": in_scope(unit, user)}
