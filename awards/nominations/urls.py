"""Nominations and exemplars, included into the `awards` namespace (the public pages are
`awards/public_urls.py`)."""

from django.urls import path

from campaigns.context import campaign_urls

from . import views

urlpatterns = [
    *campaign_urls(
        [
            path("de-nghi/", views.nomination_list_view, name="nomination-list"),
            path("de-nghi/xuat-excel/", views.nomination_export_view, name="nomination-export"),
            path("de-nghi/them/", views.nomination_create_view, name="nomination-create"),
        ],
        namespace="awards",
        prefix="phong-trao/",
        section="khen-thuong/",
    ),
    path("khen-thuong/de-nghi/<int:pk>/", views.nomination_detail_view, name="nomination-detail"),
    path(
        "khen-thuong/de-nghi/<int:pk>/ho-so/",
        views.nomination_document_add_view,
        name="nomination-document-add",
    ),
    path(
        "khen-thuong/de-nghi/<int:pk>/ho-so/<int:doc_pk>/",
        views.nomination_document_download_view,
        name="nomination-document-download",
    ),
    path(
        "khen-thuong/de-nghi/<int:pk>/gui/", views.nomination_submit_view, name="nomination-submit"
    ),
    path(
        "khen-thuong/de-nghi/<int:pk>/tra-lai/",
        views.nomination_return_view,
        name="nomination-return",
    ),
    path(
        "khen-thuong/de-nghi/<int:pk>/tham-dinh/",
        views.nomination_check_view,
        name="nomination-check",
    ),
    path(
        "khen-thuong/de-nghi/<int:pk>/lay-y-kien/",
        views.nomination_consultation_view,
        name="nomination-consultation",
    ),
    path(
        "khen-thuong/de-nghi/<int:pk>/khong-khen-thuong/",
        views.nomination_reject_view,
        name="nomination-reject",
    ),
    path("khen-thuong/dien-hinh/", views.exemplar_list_view, name="exemplar-list"),
    path("khen-thuong/dien-hinh/them/", views.exemplar_edit_view, name="exemplar-create"),
    path("khen-thuong/dien-hinh/<int:pk>/sua/", views.exemplar_edit_view, name="exemplar-edit"),
]
