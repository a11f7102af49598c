"""Display helpers: Vietnamese number and money formats."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import template
from django.template import Context

from portal.numbers import format_vn_number

if TYPE_CHECKING:
    from portal.access import AnyUser

register = template.Library()


@register.filter
def num(value: Any, decimals: Any = None) -> str:
    """Numbers the Vietnamese way. Without an argument the value keeps its decimals (at most
    two, trailing zeros dropped): 12.5 → "12,5", 150000000 → "150.000.000", 17.50 → "17,5".
    With `decimals` the places are fixed: |num:2 → "12,50"."""
    if decimals in (None, ""):
        return format_vn_number(value, max_decimals=2)
    try:
        places = int(decimals)
    except (TypeError, ValueError):
        places = 0
    return format_vn_number(value, places)


@register.filter
def signed(value: Any, decimals: Any = None) -> str:
    """A change with its sign: +0,8 / −1 / 0 (a true minus sign); "—" when there is none."""
    if value is None:
        return "—"
    text = num(abs(value), decimals)
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"
    return text


@register.filter
def vnd(value: Any) -> str:
    """Money in đồng: 1234567 → "1.234.567 đ"."""
    text = num(value, 0)
    return f"{text} đ" if text else ""


@register.filter
def days_left(due: datetime.date | None, today: datetime.date | None) -> str:
    """How far a deadline is, in days, as an office writes it: "còn 24 ngày", "hạn cuối hôm
    nay", "đã quá hạn 3 ngày" (Django's `timeuntil` has no Vietnamese for weeks)."""
    if not due or not today:
        return ""
    days = (due - today).days
    if days > 0:
        return f"còn {num(days)} ngày"
    if days == 0:
        return "hạn cuối hôm nay"
    return f"đã quá hạn {num(-days)} ngày"


@register.filter
def change_word(record: Any) -> str:
    """What a history record (simple_history) did, as a sentence says it: "tạo mới",
    "cập nhật", "xóa"; its markers are the audit log's actions."""
    from portal.models import AuditEvent

    words = {AuditEvent.Action.CREATE: "tạo mới", AuditEvent.Action.UPDATE: "cập nhật"}
    return words.get(record.history_type, "xóa")


@register.filter
def in_scope(unit: Any, user: AnyUser) -> bool:
    """{% if unit|in_scope:user %}: may this user open the unit's page (else show plain text)?"""
    from portal.access import sees_all, unit_ids_in_scope

    if unit is None:
        return False
    unit_id = getattr(unit, "pk", unit)
    return sees_all(user) or unit_id in unit_ids_in_scope(user)


@register.inclusion_tag("_partials/unit_link.html", takes_context=True)
def unit_link(context: Context, unit: Any) -> dict[str, Any]:
    """The unit's name, linked to its page only when the user may open it."""
    user = context["request"].user
    return {"unit": unit, "linkable": in_scope(unit, user)}
