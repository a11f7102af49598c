"""The awards app's own page (the catalogue of tiers); the pages of nominations, the council,
decisions and the award history live in their sub-packages (`awards/urls.py`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from portal.access import require
from portal.web import AuthedRequest

from .models import (
    AwardTier,
)


@login_required
def tier_list_view(request: AuthedRequest) -> HttpResponse:
    require(request.user, "tier.view")
    tiers = sorted(
        AwardTier.objects.prefetch_related("vote_rules", "rules", "powers", "bonus_rates"),
        key=lambda t: (t.kind != "title", t.order),
    )
    return render(request, "awards/tier_list.html", {"tiers": tiers})
