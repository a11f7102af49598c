"""Reads shared by the ranking views and the dashboard: which campaign and year a page shows."""

from __future__ import annotations

from django.db.models import Max

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
