"""Reads of units, people and clusters, always through the user's scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from portal.access import scope, sees_all
from portal.figures_cache import query_rows

if TYPE_CHECKING:
    from portal.access import AnyUser

from .models import KIND_ORDER, Cluster, Person, Sponsorship, Unit, UnitKind


def kind_order() -> Case:
    """An expression sorting units in KIND_ORDER (departments first, villages after communes),
    the other kinds last (on SQLite as on PostgreSQL)."""
    return Case(
        *[When(kind=kind, then=Value(i)) for i, kind in enumerate(KIND_ORDER)],
        default=Value(len(KIND_ORDER)),
        output_field=IntegerField(),
    )


def units_visible_to(user: AnyUser) -> QuerySet[Unit]:
    """Units the user may see: all for the town-level roles, own units (and their villages)
    for an officer, none otherwise."""
    return scope(user, Unit.objects.all(), unit_field="pk")


def units_for_list(user: AnyUser) -> QuerySet[Unit]:
    """The units of the list in the user's scope (UnitList pages and orders them; the export
    reads them all in that order)."""
    return (
        units_visible_to(user)
        .select_related("parent", "cluster")
        .order_by(kind_order(), "parent__name", "name", "pk")
    )


#: The list's groups in order: one per kind of KIND_ORDER, then every other kind together.
KIND_GROUPS: list[list[str]] = [[str(kind)] for kind in KIND_ORDER] + [
    [str(kind) for kind in UnitKind if kind not in KIND_ORDER]
]


class UnitList:
    """`units` (a filtered `units_for_list`) in the list's order — by kind (KIND_ORDER, the other
    kinds last), then the parent's name, then the name — as a sequence the paginator pages.

    The count is one count per kind, cached until the next write when `cached` (a reader who
    sees every unit; a unit's officer counts their few units afresh); a page is one query of only
    the kinds it spans (the first page sorts the departments, not every village)."""

    def __init__(self, units: QuerySet[Unit], *, cached: bool = True) -> None:
        self.units = units
        self.cached = cached
        self._groups: list[tuple[list[str], int]] | None = None

    def groups(self) -> list[tuple[list[str], int]]:
        if self._groups is None:
            per_kind = self.units.order_by().values_list("kind").annotate(n=Count("pk"))
            counts: dict[str, int] = dict(query_rows(per_kind) if self.cached else per_kind)
            self._groups = [(kinds, sum(counts.get(k, 0) for k in kinds)) for kinds in KIND_GROUPS]
        return self._groups

    def count(self) -> int:
        return sum(n for _, n in self.groups())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Unit]:
        if not isinstance(index, slice) or index.step is not None or index.stop is None:
            raise TypeError("UnitList is read a page (a slice with an end) at a time")
        start, stop = index.start or 0, index.stop
        kinds, skip = spanned(self.groups(), start, stop)
        if not kinds:
            return []
        return list(self.units.filter(kind__in=kinds)[skip : skip + stop - start])


def spanned(groups: list[tuple[list[str], int]], start: int, stop: int) -> tuple[list[str], int]:
    """The kinds of the groups (in order, with their counts) that rows [start, stop) fall in,
    and how many rows of those kinds come before `start`."""
    kinds: list[str] = []
    skip, offset = 0, 0
    for group, n in groups:
        if n and start < offset + n and offset < stop:
            if not kinds:
                skip = start - offset
            kinds += group
        offset += n
    return kinds, skip


def unit_list(user: AnyUser, units: QuerySet[Unit]) -> UnitList:
    """The list page's units (`units`: the filtered `units_for_list(user)`), paged by UnitList."""
    return UnitList(units, cached=sees_all(user))


def unit_detail(user: AnyUser, pk: int) -> Unit:
    """One unit through the user's scope; raises Unit.DoesNotExist outside it."""
    return units_visible_to(user).select_related("parent", "cluster").get(pk=pk)


def unit_children(unit: Unit) -> QuerySet[Unit]:
    return unit.children.order_by("name")


def unit_sponsorships(unit: Unit) -> QuerySet[Sponsorship]:
    return Sponsorship.objects.filter(Q(sponsor=unit) | Q(commune=unit)).select_related(
        "sponsor", "commune", "campaign"
    )


def people_visible_to(user: AnyUser) -> QuerySet[Person]:
    return scope(user, Person.objects.all(), unit_field="affiliation")


def clusters_with_counts() -> QuerySet[Cluster]:
    return Cluster.objects.annotate(unit_count=Count("units")).order_by("kind", "name")
