"""Reads shared by the ranking views and the dashboard: which campaign and year a page shows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max

from units.models import UnitKind

from ..models import Campaign, NtmStatus, RankingPublication


def pick_campaign(code: str | None) -> Campaign | None:
    """The campaign named by `code`, else the latest one (active first)."""
    qs = Campaign.objects.select_related("ntm_criterion_set")
    if code:
        found = qs.filter(code=code).first()
        if found:
            return found
    return qs.order_by("status", "-start_year", "code").first()


def latest_data_year(campaign: Campaign | None) -> int | None:
    qs = NtmStatus.objects.filter(unit__kind=UnitKind.COMMUNE)
    if campaign is not None:
        qs = qs.filter(year__lte=campaign.end_year)
    return qs.aggregate(y=Max("year"))["y"]


def pick_year(raw: str | None, campaign: Campaign | None) -> int:
    """The year asked for (inside the campaign's years), else the latest year with data."""
    import datetime

    lo, hi = (campaign.start_year, campaign.end_year) if campaign else (2000, 2100)
    try:
        year = int(raw or "")
        if lo <= year <= hi:
            return year
    except ValueError:
        pass
    latest = latest_data_year(campaign)
    if latest is not None and lo <= latest <= hi:
        return latest
    return min(max(datetime.date.today().year, lo), hi)  # noqa: DTZ011


def year_choices(campaign: Campaign | None, year: int) -> list[int]:
    if campaign is None:
        return [year]
    return list(campaign.years)


def latest_publication(campaign: Campaign | None, kind: str, year: int):
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


def unconfirmed_communes(unit_ids, year: int) -> list[Unconfirmed]:
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
