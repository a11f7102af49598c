"""Who may see which rows, and who may do what to a row: the one place that answers both.

- `scope(user, queryset, unit_field)` narrows any queryset to the rows the user may see.
  Views fetch objects through it, so a row outside the user's scope is a 404.
- `can(user, capability, obj)` / `require(...)` answer "may they do X to this row";
  `require` raises PermissionDenied (403).

- `scope_for(user, capability, queryset, unit_field)` narrows it to the rows the user may do
  that capability to (the review queue, the audit log); `unit_kinds_for` names the unit kinds.
- `users_holding(capability)`: the active users who hold it (council members, assignees).

An object tells which unit it belongs to through an `access_unit_id` attribute (a Unit answers
its own id); the unit officer's capabilities apply only to rows of their units. A capability
limited to some unit kinds (`portal.roles.UNIT_KINDS`) reads the kind from `access_unit_kind`.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from .roles import SEE_ALL, UNIT_KINDS, UNIT_OFFICER, Role, roles_with

if TYPE_CHECKING:
    from typing import TypeAlias

    from django.contrib.auth.models import AnonymousUser

    from .models import User

    #: Whoever asks: a signed-in user or the anonymous one (selectors take either).
    AnyUser: TypeAlias = User | AnonymousUser

M = TypeVar("M", bound=Model)


class UnitOwned(Protocol):
    access_unit_id: int | None


def _roles(user: User | AnonymousUser) -> frozenset[Role]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return user.roles  # type: ignore[union-attr]


def sees_all(user: User | AnonymousUser) -> bool:
    """True when the user's roles let them read every unit's rows."""
    return bool(_roles(user) & SEE_ALL)


def bound_to_units(user: User | AnonymousUser) -> bool:
    """True when the user answers for their own units (the unit officer's home page)."""
    return UNIT_OFFICER in _roles(user)


def unit_ids_in_scope(user: User | AnonymousUser) -> frozenset[int]:
    """Ids of the units an officer is bound to, plus the units under them (a commune's villages).

    Cached on the user object, which lives for one request.
    """
    if not getattr(user, "is_authenticated", False) or UNIT_OFFICER not in _roles(user):
        return frozenset()
    cached: frozenset[int] | None = getattr(user, "_unit_scope_cache", None)
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


def _kinds(capability: str, role: Role) -> frozenset[str] | None:
    """The unit kinds `role` may do `capability` to; None when every kind."""
    return UNIT_KINDS.get(capability, {}).get(role)


def _reaches(user: User | AnonymousUser, role: Role, capability: str, obj: Any) -> bool:
    """Does `role`'s grant of `capability` reach this row?"""
    if role == UNIT_OFFICER:
        unit_id = getattr(obj, "access_unit_id", None)
        return unit_id is not None and unit_id in unit_ids_in_scope(user)
    kinds = _kinds(capability, role)
    return kinds is None or getattr(obj, "access_unit_kind", None) in kinds


def can(user: User | AnonymousUser, capability: str, obj: Any = None) -> bool:
    """May `user` do `capability` to `obj` (or at all, when obj is None)?"""
    granted = _roles(user) & roles_with(capability)
    if not granted:
        return False
    if obj is None:
        return True
    # Town-wide roles first: the officer's unit scope costs a query.
    return any(_reaches(user, role, capability, obj) for role in sorted(granted, key=_officer_last))


def _officer_last(role: Role) -> tuple[bool, str]:
    return (role == UNIT_OFFICER, role.value)


def scope_for(
    user: User | AnonymousUser, capability: str, queryset: QuerySet[M], unit_field: str = "unit"
) -> QuerySet[M]:
    """The rows of `queryset` the user may do `capability` to: every row for a role that holds
    it everywhere, the rows of units of the listed kinds for a role limited by kind, the rows of
    their units for the officer, none without the capability. `unit_field` as for `scope`."""
    granted = _roles(user) & roles_with(capability)
    conditions = []
    for role in sorted(granted, key=_officer_last):
        if role == UNIT_OFFICER:
            lookup = "pk__in" if unit_field == "pk" else f"{unit_field}__in"
            conditions.append(Q(**{lookup: unit_ids_in_scope(user)}))
            continue
        kinds = _kinds(capability, role)
        if kinds is None:
            return queryset
        lookup = "kind__in" if unit_field == "pk" else f"{unit_field}__kind__in"
        conditions.append(Q(**{lookup: sorted(kinds)}))
    if not conditions:
        return queryset.none()
    return queryset.filter(reduce(or_, conditions))


def unit_kinds_for(user: User | AnonymousUser, capability: str) -> frozenset[str] | None:
    """The unit kinds whose rows the user may do `capability` to; None when every kind (an
    empty set without the capability)."""
    kinds: set[str] = set()
    for role in _roles(user) & roles_with(capability):
        limited = _kinds(capability, role)
        if limited is None:
            return None
        kinds |= limited
    return frozenset(kinds)


def users_holding(capability: str) -> QuerySet[User]:
    """The active users whose roles grant `capability` (anywhere)."""
    return (
        get_user_model()
        ._default_manager.filter(role_grants__role__in=roles_with(capability), is_active=True)
        .distinct()
    )


def require(user: User | AnonymousUser, capability: str, obj: Any = None) -> None:
    """Raise PermissionDenied (403) unless `can(user, capability, obj)`."""
    if not can(user, capability, obj):
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")
