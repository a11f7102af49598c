"""URLs of the yearly cycle, included into the `campaigns` namespace: a campaign's lists at
/phong-trao/<code>/… (`campaign_urls`, with their bare addresses redirecting), a record's pages
by its key."""

from django.urls import path

from ..context import campaign_urls
from . import views

campaign_urlpatterns = [
    path("dang-ky/", views.registration_list_view, name="registration-list"),
    path("dang-ky/xuat-excel/", views.registration_export_view, name="registration-export"),
    path("dang-ky/moi/", views.registration_create_view, name="registration-create"),
    path("tu-danh-gia/", views.assessment_list_view, name="assessment-list"),
    path("tu-danh-gia/bat-dau/", views.assessment_start_view, name="assessment-start"),
    path("tham-dinh/", views.review_queue_view, name="review-queue"),
    path("tham-dinh/duyet-nhieu/", views.review_bulk_approve_view, name="review-bulk-approve"),
    path("gia-han/", views.extension_list_view, name="extension-list"),
    path("gia-han/gui/", views.extension_request_view, name="extension-request"),
]

urlpatterns = [
    *campaign_urls(campaign_urlpatterns, namespace="campaigns"),
    path("dang-ky/<int:pk>/sua/", views.registration_edit_view, name="registration-edit"),
    path("tu-danh-gia/<int:pk>/", views.assessment_detail_view, name="assessment-detail"),
    path("tu-danh-gia/<int:pk>/lich-su/", views.assessment_history_view, name="assessment-history"),
    path("tu-danh-gia/<int:pk>/luu/", views.assessment_save_view, name="assessment-save"),
    path(
        "tu-danh-gia/<int:pk>/luu-nhap/",
        views.assessment_autosave_view,
        name="assessment-autosave",
    ),
    path("tu-danh-gia/<int:pk>/nop/", views.assessment_submit_view, name="assessment-submit"),
    path(
        "tu-danh-gia/<int:pk>/tieu-chi/<int:item_pk>/minh-chung/",
        views.evidence_add_view,
        name="evidence-add",
    ),
    path(
        "tu-danh-gia/<int:pk>/tham-dinh/",
        views.assessment_review_view,
        name="assessment-review",
    ),
    path("tu-danh-gia/<int:pk>/mo-lai/", views.assessment_reopen_view, name="assessment-reopen"),
    path("minh-chung/<int:pk>/", views.evidence_download_view, name="evidence-download"),
    path("minh-chung/<int:pk>/xoa/", views.evidence_delete_view, name="evidence-delete"),
    path("gia-han/<int:pk>/quyet-dinh/", views.extension_decide_view, name="extension-decide"),
    path(
        "don-vi/<int:pk>/tu-danh-gia/",
        views.unit_assessments_panel_view,
        name="unit-assessments-panel",
    ),
]
