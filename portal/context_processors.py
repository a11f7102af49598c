"""Values every page template needs: site name and the user's menu."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .navigation import menu_for


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "menu": menu_for(user) if signed_in else [],
        "request_id": getattr(request, "request_id", ""),
    }
