"""Report pages. A campaign's reports archive and the request form live at
/phong-trao/<code>/bao-cao/ (`campaign_urls`; the bare /bao-cao/ and /bao-cao/yeu-cau/ redirect);
a report's pages, the outgoing register and the sign-off queue at /bao-cao/…."""

from django.urls import path

from campaigns.context import campaign_urls

from . import views

app_name = "reports"

urlpatterns = [
    *campaign_urls(
        [
            path("", views.report_list_view, name="report-list"),
            path("yeu-cau/", views.report_request_view, name="report-request"),
        ],
        namespace=app_name,
        prefix="phong-trao/",
        section="bao-cao/",
    ),
    path(
        "bao-cao/van-ban-khen-thuong/<str:kind>/<int:object_id>/",
        views.award_document_request_view,
        name="award-document-request",
    ),
    path("bao-cao/so-van-ban-di/", views.register_view, name="register"),
    path("bao-cao/cho-ky/", views.signoff_queue_view, name="signoff-queue"),
    path("bao-cao/<int:pk>/", views.report_detail_view, name="report-detail"),
    path("bao-cao/<int:pk>/trang-thai/", views.report_row_view, name="report-row"),
    path("bao-cao/<int:pk>/xem.pdf", views.report_pdf_view, name="report-pdf"),
    path("bao-cao/<int:pk>/tai-ve/", views.report_download_view, name="report-download"),
    path("bao-cao/<int:pk>/bang-so-lieu.xlsx", views.report_xlsx_view, name="report-xlsx"),
    path("bao-cao/<int:pk>/phu-luc.xlsx", views.report_annex_view, name="report-annex"),
    path("bao-cao/<int:pk>/tao-lai/", views.report_regenerate_view, name="report-regenerate"),
    path("bao-cao/<int:pk>/tao-lai-tep/", views.report_retry_view, name="report-retry"),
    path("bao-cao/<int:pk>/ky/", views.report_sign_view, name="report-sign"),
    path("bao-cao/<int:pk>/ky/tien-do/", views.report_signing_view, name="report-signing"),
    path("bao-cao/<int:pk>/tra-lai/", views.report_return_view, name="report-return"),
]
