"""The rankings' pages' figures kept in the cache until a table they read is written, and
renewed by the worker after the write (portal.figures_cache.figure): each is a function of plain
values (ids, a year, a date), so the worker can compute it again before the next reader asks."""

from __future__ import annotations

import datetime
from typing import Any

from portal.figures_cache import figure
from units.models import Cluster

from ..context import campaign_by_id
from . import summary
from .charts import heatmap
from .ranking import Ranking, bloc_ranking, commune_ranking
from .selectors import NO_CLUSTER


@figure
def cluster_ranking(campaign_id: int, method: str, year: int, cluster_id: int) -> Ranking:
    """One cluster's ranking (a rank is within its cluster; NO_CLUSTER: the communes in none).
    The ranking method is part of the key: changing it renews the figure at once."""
    campaign = campaign_by_id(campaign_id)
    if cluster_id == NO_CLUSTER:
        return commune_ranking(year, campaign=campaign, unclustered=True)
    # Only the id is read: Cluster(pk=…) saves the query for the cluster row.
    return commune_ranking(year, campaign=campaign, cluster=Cluster(pk=cluster_id))


@figure
def blocs(campaign_id: int, year: int) -> Ranking:
    """Every bloc (departments, organisations) ranked within its khối."""
    return bloc_ranking(year, campaign=campaign_by_id(campaign_id))


@figure
def cluster_heatmap(campaign_id: int, year: int, cluster_id: int) -> dict[str, Any]:
    """One cluster's criteria table (campaign 0: none)."""
    campaign = campaign_by_id(campaign_id) if campaign_id else None
    return heatmap(year, campaign=campaign, cluster_id=cluster_id)


@figure
def attention(campaign_id: int, year: int, today: datetime.date) -> list[dict[str, Any]]:
    """Every unit that needs attention in the year (the dashboard names the first ten)."""
    done = summary.unit_completeness(campaign_by_id(campaign_id), year, today=today)
    return summary.attention(done, summary.fallen(year))[0]
