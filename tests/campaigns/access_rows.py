"""Access rows for campaign pages."""

from django.urls import reverse

from tests.access_matrix import Row, everyone

ROWS = [
    Row(
        "campaign list",
        lambda w, u: reverse("campaigns:campaign-list"),
        everyone(200),
        url_names=("campaigns:campaign-list",),
    ),
    Row(
        "campaign detail",
        lambda w, u: reverse("campaigns:campaign-detail", args=[w.campaign.code]),
        everyone(200),
        url_names=("campaigns:campaign-detail",),
    ),
]
