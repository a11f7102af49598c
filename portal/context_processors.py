"""Values every page template needs: site name and the user's menu."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .navigation import menu_for


def _campaign_code(request: HttpRequest) -> str | None:
    """The campaign of the page (set by campaigns.context.campaign_view), if it is about one."""
    campaign = getattr(request, "campaign", None)
    return getattr(campaign, "code", None)


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "menu": menu_for(request.user, _campaign_code(request)) if signed_in else [],
        "request_id": getattr(request, "request_id", ""),
    }
