"""Who may see which rows, and who may do what to a row: the one place that answers both.

- `scope(user, queryset, unit_field)` narrows any queryset to the rows the user may see.
  Views fetch objects through it, so a row outside the user's scope is a 404.
- `can(user, capability, obj)` / `require(...)` answer "may they do X to this row";
  `require` raises PermissionDenied (403).

An object tells which unit it belongs to through an `access_unit_id` attribute (a Unit answers
its own id); the unit officer's capabilities apply only to rows of their units.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from .roles import SEE_ALL, UNIT_OFFICER, roles_with

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

M = TypeVar("M", bound=Model)


class UnitOwned(Protocol):
    access_unit_id: int | None


def _roles(user: User | AnonymousUser) -> frozenset:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return user.roles  # type: ignore[union-attr]


def sees_all(user: User | AnonymousUser) -> bool:
    """True when the user's roles let them read every unit's rows."""
    return bool(_roles(user) & SEE_ALL)


def unit_ids_in_scope(user: User | AnonymousUser) -> frozenset[int]:
    """Ids of the units an officer is bound to, plus the units under them (a commune's villages).

    Cached on the user object, which lives for one request.
    """
    if not getattr(user, "is_authenticated", False) or UNIT_OFFICER not in _roles(user):
        return frozenset()
    cached = getattr(user, "_unit_scope_cache", None)
    if cached is not None:
        return cached
    unit_model = apps.get_model("units", "Unit")
    own = set(user.units.values_list("pk", flat=True))  # type: ignore[union-attr]
    frontier = set(own)
    # Walk down the tree (commune → village); depth is small, one query per level.
    for _ in range(4):
        if not frontier:
            break
        children = set(
            unit_model.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        frontier = children - own
        own |= children
    result = frozenset(own)
    user._unit_scope_cache = result  # type: ignore[union-attr]
    return result


def scope(
    user: User | AnonymousUser, queryset: QuerySet[M], unit_field: str = "unit"
) -> QuerySet[M]:
    """Narrow `queryset` to the rows `user` may see. `unit_field` leads from the row to its Unit
    ("pk" for the Unit model itself; "" for rows that belong to no unit and are visible to every
    signed-in role)."""
    if sees_all(user):
        return queryset
    if UNIT_OFFICER in _roles(user):
        if unit_field == "":
            return queryset
        lookup = "pk__in" if unit_field == "pk" else f"{unit_field}__in"
        return queryset.filter(Q(**{lookup: unit_ids_in_scope(user)}))
    return queryset.none()


def has_capability(user: User | AnonymousUser, capability: str) -> bool:
    """May the user do this anywhere (ignoring which row)? Used for menus and list pages."""
    return bool(_roles(user) & roles_with(capability))


def can(user: User | AnonymousUser, capability: str, obj: Any = None) -> bool:
    """May `user` do `capability` to `obj` (or at all, when obj is None)?"""
    granted = _roles(user) & roles_with(capability)
    if not granted:
        return False
    if granted - {UNIT_OFFICER}:
        return True
    # Only the officer role grants it: the row must belong to one of their units.
    if obj is None:
        return True
    unit_id = getattr(obj, "access_unit_id", None)
    return unit_id is not None and unit_id in unit_ids_in_scope(user)


def require(user: User | AnonymousUser, capability: str, obj: Any = None) -> None:
    """Raise PermissionDenied (403) unless `can(user, capability, obj)`."""
    if not can(user, capability, obj):
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")
