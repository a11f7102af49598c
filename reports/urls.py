from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list_view, name="report-list"),
    path("yeu-cau/", views.report_request_view, name="report-request"),
    path(
        "van-ban-khen-thuong/<str:kind>/<int:object_id>/",
        views.award_document_request_view,
        name="award-document-request",
    ),
    path("so-van-ban-di/", views.register_view, name="register"),
    path("cho-ky/", views.signoff_queue_view, name="signoff-queue"),
    path("<int:pk>/", views.report_detail_view, name="report-detail"),
    path("<int:pk>/trang-thai/", views.report_row_view, name="report-row"),
    path("<int:pk>/xem.pdf", views.report_pdf_view, name="report-pdf"),
    path("<int:pk>/tai-ve/", views.report_download_view, name="report-download"),
    path("<int:pk>/bang-so-lieu.xlsx", views.report_xlsx_view, name="report-xlsx"),
    path("<int:pk>/tao-lai/", views.report_regenerate_view, name="report-regenerate"),
    path("<int:pk>/tao-lai-tep/", views.report_retry_view, name="report-retry"),
    path("<int:pk>/ky/", views.report_sign_view, name="report-sign"),
    path("<int:pk>/tra-lai/", views.report_return_view, name="report-return"),
]
