"""Campaign pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.access import can, require

from . import selectors
from .context import CampaignRequest, campaign_view
from .targets import campaign_target_progress


@login_required
def campaign_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "campaign.view")
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "campaigns": selectors.campaigns_for_list(),
            "can_manage": can(request.user, "campaign.manage"),
        },
    )


@login_required
@campaign_view
def campaign_detail_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "campaign.view")
    campaign = request.campaign
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "targets": campaign.targets.all(),
            "progress": campaign_target_progress(campaign),
            "can_completeness": can(request.user, "completeness.view"),
            "milestones": campaign.milestones.all(),
            "can_manage": can(request.user, "campaign.manage"),
        },
    )
