"""Reads shared by the ranking views and the dashboard: which campaign and year a page shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Case, Count, F, Max, Q, When

from portal.access import bound_to_units
from portal.figures_cache import TTL_SECONDS, cached_figure
from portal.models import User
from portal.search import matcher
from units.models import UnitKind

from ..context import default_year
from ..models import Campaign, NtmStatus, RankingPublication
from .ranking import rows_hash

if TYPE_CHECKING:
    from portal.access import AnyUser


def latest_data_year(campaign: Campaign | None) -> int | None:
    qs = NtmStatus.objects.filter(unit_kind=UnitKind.COMMUNE)
    if campaign is not None:
        qs = qs.filter(year__lte=campaign.end_year)
    year: int | None = qs.aggregate(y=Max("year"))["y"]
    return year


def shown_year(asked: int | None, campaign: Campaign | None) -> int:
    """The year a ranking page shows: the one asked for (already checked against the campaign's
    years by campaigns.context), else the latest year with data, else `default_year`."""
    if asked is not None:
        return asked
    latest = latest_data_year(campaign)
    if latest is not None and (campaign is None or campaign.start_year <= latest):
        return latest
    return default_year(campaign)


def year_choices(campaign: Campaign | None, year: int) -> list[int]:
    if campaign is None:
        return [year]
    return list(campaign.years)


def latest_publication(
    campaign: Campaign | None, kind: str, year: int
) -> RankingPublication | None:
    """The latest publication, without its frozen rows (a row per commune: read them through
    `published_cluster_hashes`, or the publication page)."""
    if campaign is None:
        return None
    return (
        RankingPublication.objects.filter(campaign=campaign, kind=kind, year=year)
        .select_related("published_by")
        .defer("rows")
        .order_by("-version")
        .first()
    )


def published_cluster_hashes(publication: RankingPublication) -> dict[str, str]:
    """The SHA-256 of each cluster's published rows (by the cluster's name as frozen), so a page
    showing one cluster compares it with the live rows of that cluster alone. A publication
    never changes, so this is computed once per publication (not per data version)."""
    key = f"ranking-publication:{publication.pk}:{publication.sha256}"
    hashes = cache.get(key)
    if hashes is None:
        rows = RankingPublication.objects.values_list("rows", flat=True).get(pk=publication.pk)
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(row.get("cluster") or "", []).append(row)
        hashes = {name: rows_hash(group) for name, group in groups.items()}
        cache.set(key, hashes, TTL_SECONDS)
    return dict(hashes)


@dataclass
class Unconfirmed:
    """A ranked commune whose NTM data for the year is not yet confirmed by the economic office:
    its own status and/or some of its villages' statuses (the village share is a ranking key)."""

    unit_id: int
    name: str
    commune: bool  # the commune's own status is unconfirmed
    villages: int  # how many of its villages' statuses are unconfirmed

    @property
    def text(self) -> str:
        parts = []
        if self.commune:
            parts.append("số liệu của xã")
        if self.villages:
            parts.append(f"{self.villages} thôn")
        return f"{self.name} ({', '.join(parts)})"


def unconfirmed_count(year: int) -> int:
    """How many ranked communes of `year` `unconfirmed_communes(None, year)` would list, counted
    in the database (one query; what the publish form asks to acknowledge)."""
    ranked = NtmStatus.objects.filter(year=year, unit_kind=UnitKind.COMMUNE).values("unit_id")
    commune = Q(unit_kind=UnitKind.COMMUNE)
    found = NtmStatus.objects.filter(
        commune | Q(unit_kind=UnitKind.VILLAGE, unit__parent_id__in=ranked),
        year=year,
        confirmed_at__isnull=True,
    ).aggregate(
        n=Count(Case(When(commune, then=F("unit_id")), default=F("unit__parent_id")), distinct=True)
    )
    return int(found["n"])


def unconfirmed_communes(unit_ids: Iterable[int] | None, year: int) -> list[Unconfirmed]:
    """The communes among `unit_ids` whose NTM data of `year` (their own row or a village's) is
    unconfirmed, by name; `unit_ids=None` means every commune ranked that year (one with an NTM
    row). Two queries whatever the number of communes."""
    if unit_ids is None:
        ranked = NtmStatus.objects.filter(year=year, unit_kind=UnitKind.COMMUNE).values("unit_id")
        own_rows = NtmStatus.objects.filter(year=year, unit_kind=UnitKind.COMMUNE)
    else:
        unit_ids = set(unit_ids)
        if not unit_ids:
            return []
        ranked = unit_ids  # type: ignore[assignment]  # a set of ids where the query is a subquery
        own_rows = NtmStatus.objects.filter(year=year, unit_id__in=unit_ids)
    own = dict(
        own_rows.filter(confirmed_at__isnull=True).order_by().values_list("unit_id", "unit__name")
    )
    villages = {
        row["unit__parent_id"]: row
        for row in NtmStatus.objects.filter(
            year=year,
            unit_kind=UnitKind.VILLAGE,
            unit__parent_id__in=ranked,
            confirmed_at__isnull=True,
        )
        .order_by()
        .values("unit__parent_id", "unit__parent__name")
        .annotate(n=Count("pk"))
    }
    out = [
        Unconfirmed(
            unit_id=pk,
            name=own.get(pk) or villages[pk]["unit__parent__name"],
            commune=pk in own,
            villages=villages[pk]["n"] if pk in villages else 0,
        )
        for pk in set(own) | set(villages)
    ]
    return sorted(out, key=lambda u: u.name)


# --- One cluster at a time: the picker, the search by name, the default cluster -------------------

#: The picker's value for the communes not (yet) in any cluster.
NO_CLUSTER = 0
NO_CLUSTER_NAME = "Chưa xếp khối, cụm"


@dataclass(frozen=True)
class ClusterChoice:
    """A cluster with communes ranked in a year, as the picker lists it."""

    id: int  # NO_CLUSTER for the communes without one
    name: str
    communes: int

    @property
    def label(self) -> str:
        return f"{self.name} ({self.communes} xã)"


@dataclass(frozen=True)
class CommuneName:
    """A commune ranked in a year, as the search by name finds it."""

    unit_id: int
    name: str
    cluster_id: int  # NO_CLUSTER when it has none
    cluster_name: str


def _commune_clusters(year: int) -> list[ClusterChoice]:
    rows = (
        # The units' kind too (the same value): the join reads the communes by its index.
        NtmStatus.objects.filter(year=year, unit_kind=UnitKind.COMMUNE, unit__kind=UnitKind.COMMUNE)
        .order_by()
        .values("unit__cluster_id", "unit__cluster__name", "unit__cluster__kind")
        .annotate(n=Count("pk"))
    )
    # The ranking's own order (figures.py): clustered first, by kind and name.
    ordered = sorted(
        rows,
        key=lambda r: (
            r["unit__cluster_id"] is None,
            r["unit__cluster__kind"] or "",
            r["unit__cluster__name"] or "",
            r["unit__cluster_id"] or 0,
        ),
    )
    return [
        ClusterChoice(
            id=r["unit__cluster_id"] or NO_CLUSTER,
            name=r["unit__cluster__name"] or NO_CLUSTER_NAME,
            communes=r["n"],
        )
        for r in ordered
    ]


def commune_clusters(year: int) -> list[ClusterChoice]:
    """The clusters that have communes ranked in `year` (an NTM row that year), in the ranking's
    order, each with its number of communes. One query, once per data version."""
    return cached_figure("ranking-clusters", year, compute=lambda: _commune_clusters(year))


def _commune_names(year: int) -> list[CommuneName]:
    rows = (
        # The units' kind too (the same value): the join reads the communes by its index.
        NtmStatus.objects.filter(year=year, unit_kind=UnitKind.COMMUNE, unit__kind=UnitKind.COMMUNE)
        .order_by("unit__name", "unit_id")
        .values_list("unit_id", "unit__name", "unit__cluster_id", "unit__cluster__name")
    )
    return [
        CommuneName(uid, name, cid or NO_CLUSTER, cname or NO_CLUSTER_NAME)
        for uid, name, cid, cname in rows
    ]


def find_communes(query: str, year: int) -> list[CommuneName]:
    """The communes ranked in `year` whose name contains `query`, typed with or without its
    marks (portal.search), by name. The names are read once per data version."""
    names = cached_figure("ranking-names", year, compute=lambda: _commune_names(year))
    matches = matcher(query)
    return [c for c in names if matches(c.name)]


def own_cluster_ids(user: AnyUser) -> list[int]:
    """The clusters of the communes an officer is bound to (none for town-wide roles)."""
    if not bound_to_units(user) or not isinstance(user, User):
        return []
    return [
        cid or NO_CLUSTER
        for cid in user.units.filter(kind=UnitKind.COMMUNE)
        .order_by("name")
        .values_list("cluster_id", flat=True)
    ]
