"""Target figures the chairman releases to the public page, from `campaigns.targets`."""

from __future__ import annotations

from campaigns.models import Campaign
from campaigns.targets import targets_progress


def target_figures(campaign: Campaign, year: int) -> list[dict]:
    """[{"title", "value", "min", "max", "by_year"}] for every target of the campaign: plain
    numbers, frozen into the release record (no names of units beyond the counts)."""
    return [
        {
            "title": p.target.title,
            "value": p.value,
            "min": p.target.min_value,
            "max": p.target.max_value,
            "by_year": p.target.by_year,
        }
        for p in targets_progress(campaign, year)
    ]
