"""Reads of units, people and clusters, always through the user's scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from portal.access import scope

if TYPE_CHECKING:
    from portal.access import AnyUser

from .models import KIND_ORDER, Cluster, Person, Sponsorship, Unit


def kind_order() -> Case:
    """An expression sorting units in KIND_ORDER (departments first, villages after communes)."""
    return Case(
        *[When(kind=kind, then=Value(i)) for i, kind in enumerate(KIND_ORDER)],
        output_field=IntegerField(),
    )


def units_visible_to(user: AnyUser) -> QuerySet[Unit]:
    """Units the user may see: all for the town-level roles, own units (and their villages)
    for an officer, none otherwise."""
    return scope(user, Unit.objects.all(), unit_field="pk")


def units_for_list(user: AnyUser) -> QuerySet[Unit]:
    """The unit list: one query for the page, whatever the number of units."""
    return (
        units_visible_to(user)
        .select_related("parent", "cluster")
        .order_by(kind_order(), "parent__name", "name")
    )


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
