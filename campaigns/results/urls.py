"""URLs of campaign setup, criteria sets, NTM status, contributions and completeness (included
by campaigns/urls.py under the campaigns namespace, before the campaign-detail catch-all)."""

from django.urls import path

from ..context import CODE, campaign_urls
from . import views

#: A campaign's pages that never had an address without the code (no bare redirect).
CODED = f"<slug:{CODE}>/"

urlpatterns = [
    path("tao-moi/", views.campaign_create_view, name="campaign-create"),
    path(f"{CODED}sua/", views.campaign_edit_view, name="campaign-edit"),
    path(f"{CODED}chi-tieu-moc/", views.campaign_plan_view, name="campaign-plan"),
    path(f"{CODED}bo-tieu-chi/", views.criteriaset_list_view, name="criteriaset-list"),
    path(f"{CODED}bo-tieu-chi/them/", views.criteriaset_create_view, name="criteriaset-create"),
    path(f"{CODED}tien-do/", views.completeness_view, name="completeness"),
    path(f"{CODED}tien-do/xlsx/", views.completeness_export_view, name="completeness-export"),
    *campaign_urls(
        [
            path("ket-qua/ntm/", views.ntm_list_view, name="ntm-list"),
            path("ket-qua/dong-gop/", views.contribution_list_view, name="contribution-list"),
            path(
                "ket-qua/dong-gop/them/",
                views.contribution_create_view,
                name="contribution-create",
            ),
            path(
                "ket-qua/dong-gop/xlsx/",
                views.contribution_export_view,
                name="contribution-export",
            ),
        ],
        namespace="campaigns",
    ),
    path("bo-tieu-chi/<int:pk>/", views.criteriaset_detail_view, name="criteriaset-detail"),
    path("bo-tieu-chi/<int:pk>/sua/", views.criteriaset_edit_view, name="criteriaset-edit"),
    path(
        "bo-tieu-chi/<int:pk>/phien-ban-moi/",
        views.criteriaset_new_version_view,
        name="criteriaset-new-version",
    ),
    path("ket-qua/ntm/<int:unit_pk>/<int:year>/", views.ntm_edit_view, name="ntm-edit"),
    path("ket-qua/ntm/xac-nhan/<int:pk>/", views.ntm_confirm_view, name="ntm-confirm"),
    path("ket-qua/ntm/don-vi/<int:pk>/", views.ntm_panel_view, name="ntm-panel"),
    path("ket-qua/dong-gop/<int:pk>/sua/", views.contribution_edit_view, name="contribution-edit"),
    path("ket-qua/xuat/<slug:kind>/", views.data_export_view, name="data-export"),
]
