"""The campaign's public page (no sign-in): published news, the figures the chairman has
released, and links to the published exemplary models and the public consultation.

Only published or released rows are read here; nothing else about the campaign (drafts, live
figures, difficulties, inspections, budget) is ever put into the context.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns.models import Campaign
from campaigns.oversight import selectors as oversight


def campaign_public_view(request: HttpRequest, campaign_code: str) -> HttpResponse:
    campaign = (
        Campaign.objects.filter(code=campaign_code)
        .only(
            "code",
            "title",
            "issuing_body",
            "plan_number",
            "plan_date",
            "plan_date_text",
            "start_year",
            "end_year",
        )
        .first()
    )
    if campaign is None:
        raise Http404("Không tìm thấy phong trào.")
    release = oversight.latest_release(campaign)
    return render(
        request,
        "portal/public_campaign.html",
        {
            "campaign": campaign,
            "news": list(oversight.published_news(campaign)[:20]),
            "release": release,
        },
    )
