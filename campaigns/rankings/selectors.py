"""Reads shared by the ranking views and the dashboard: which campaign and year a page shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max

from units.models import UnitKind

from ..context import default_year
from ..models import Campaign, NtmStatus, RankingPublication


def latest_data_year(campaign: Campaign | None) -> int | None:
    qs = NtmStatus.objects.filter(unit__kind=UnitKind.COMMUNE)
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
    if campaign is None:
        return None
    return (
        RankingPublication.objects.filter(campaign=campaign, kind=kind, year=year)
        .select_related("published_by")
        .order_by("-version")
        .first()
    )


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


def unconfirmed_communes(unit_ids: Iterable[int], year: int) -> list[Unconfirmed]:
    """The communes among `unit_ids` whose NTM data of `year` (their own row or a village's) is
    unconfirmed, by name. Two queries whatever the number of communes."""
    unit_ids = set(unit_ids)
    if not unit_ids:
        return []
    own = dict(
        NtmStatus.objects.filter(year=year, unit_id__in=unit_ids, confirmed_at__isnull=True)
        .order_by()
        .values_list("unit_id", "unit__name")
    )
    villages = {
        row["unit__parent_id"]: row
        for row in NtmStatus.objects.filter(
            year=year,
            unit__kind=UnitKind.VILLAGE,
            unit__parent_id__in=unit_ids,
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
