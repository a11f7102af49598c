from django.urls import include, path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list_view, name="campaign-list"),
    path("", include("campaigns.oversight.urls")),
    path("", include("campaigns.cycle.urls")),  # yearly cycle (before the <code>/ catch-all)
    path("", include("campaigns.results.urls")),
    path("<slug:code>/", views.campaign_detail_view, name="campaign-detail"),
]
