"""Award pages, one namespace (`awards`) for the whole app; each sub-package lists its own
patterns (`nominations/urls.py`, `council/urls.py`, `decisions/urls.py`, `history/urls.py`). A
campaign's nominations, council sessions, decisions and forwarding letters live at
/phong-trao/<code>/khen-thuong/… (`campaign_urls`; the bare /khen-thuong/… addresses
redirect); a record's pages and the pages of no one campaign (tiers, award history, statistics,
exemplars, panels) at /khen-thuong/…. The public pages are `public_urls.py`."""

from django.urls import include, path

from . import views

app_name = "awards"

urlpatterns = [
    path("", include("awards.decisions.urls")),
    path("", include("awards.nominations.urls")),
    path("", include("awards.council.urls")),
    path("khen-thuong/hinh-thuc/", views.tier_list_view, name="tier-list"),
    path("", include("awards.history.urls")),
]
