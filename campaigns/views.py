"""Campaign pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from portal.access import can, require

from . import selectors
from .models import Campaign
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
def campaign_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, "campaign.view")
    try:
        campaign = selectors.campaign_by_code(code)
    except Campaign.DoesNotExist as exc:
        raise Http404 from exc
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
