"""How pages name a person who did something: `{{ report.requested_by|person }}`.

Links to a user account are set to null when the account is deleted (`on_delete=SET_NULL`), so
any page that names who requested, confirmed or decided something may find nobody there. Every
template names people through this filter, never through `.username` / `.display_name` /
`get_full_name` of a relation that can be null (`tests/portal/test_people_gone.py` checks both
the templates and the pages)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

#: Shown in place of a person whose account was deleted.
GONE = "(tài khoản đã xóa)"


@register.filter
def person(user: Any) -> str:
    """The person's name as the portal shows it, or GONE when there is nobody."""
    if not user:
        return GONE
    return getattr(user, "display_name", None) or str(user)
