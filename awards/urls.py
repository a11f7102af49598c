"""Award pages. A campaign's nominations, council sessions, decisions and forwarding letters
live at /phong-trao/<code>/khen-thuong/… (`campaign_urls`; the bare /khen-thuong/… addresses
redirect); a record's pages and the pages of no one campaign (tiers, award history, statistics,
exemplars, panels) at /khen-thuong/…."""

from django.urls import path

from campaigns.context import campaign_urls

from . import views

app_name = "awards"

urlpatterns = [
    *campaign_urls(
        [
            path("quyet-dinh/", views.decision_list_view, name="decision-list"),
            path("quyet-dinh/them/", views.decision_create_view, name="decision-create"),
            path("to-trinh/them/", views.letter_create_view, name="letter-create"),
            path("de-nghi/", views.nomination_list_view, name="nomination-list"),
            path("de-nghi/xuat-excel/", views.nomination_export_view, name="nomination-export"),
            path("de-nghi/them/", views.nomination_create_view, name="nomination-create"),
            path("hoi-dong/", views.session_list_view, name="session-list"),
            path("hoi-dong/them/", views.session_create_view, name="session-create"),
        ],
        namespace=app_name,
        prefix="phong-trao/",
        section="khen-thuong/",
    ),
    path("khen-thuong/hinh-thuc/", views.tier_list_view, name="tier-list"),
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
    path("khen-thuong/hoi-dong/<int:pk>/", views.session_detail_view, name="session-detail"),
    path(
        "khen-thuong/hoi-dong/<int:pk>/dua-vao/",
        views.session_add_item_view,
        name="session-add-item",
    ),
    path(
        "khen-thuong/hoi-dong/<int:pk>/diem-danh/",
        views.session_attendance_view,
        name="session-attendance",
    ),
    path(
        "khen-thuong/hoi-dong/<int:pk>/thu-ky/",
        views.session_secretary_view,
        name="session-secretary",
    ),
    path(
        "khen-thuong/hoi-dong/<int:pk>/thoi-gian/", views.session_times_view, name="session-times"
    ),
    path("khen-thuong/hoi-dong/<int:pk>/bat-dau/", views.session_open_view, name="session-open"),
    path("khen-thuong/hoi-dong/<int:pk>/ket-thuc/", views.session_close_view, name="session-close"),
    path("khen-thuong/hoi-dong/<int:pk>/nhac/", views.session_remind_view, name="session-remind"),
    path("khen-thuong/bieu-quyet/<int:pk>/", views.vote_cast_view, name="vote-cast"),
    path("khen-thuong/quyet-dinh/<int:pk>/", views.decision_detail_view, name="decision-detail"),
    path("khen-thuong/to-trinh/<int:pk>/", views.letter_detail_view, name="letter-detail"),
    path(
        "khen-thuong/to-trinh/<int:pk>/tra-loi/<int:nomination_pk>/",
        views.letter_answer_view,
        name="letter-answer",
    ),
    path("khen-thuong/lich-su/", views.award_list_view, name="award-list"),
    path("khen-thuong/lich-su/xuat-excel/", views.award_export_view, name="award-export"),
    path("khen-thuong/thong-ke/", views.statistics_view, name="statistics"),
    path(
        "khen-thuong/thong-ke/xuat-excel/", views.statistics_export_view, name="statistics-export"
    ),
    path(
        "khen-thuong/don-vi/<int:pk>/khen-thuong/",
        views.unit_awards_panel_view,
        name="unit-awards-panel",
    ),
    path(
        "khen-thuong/ca-nhan/<int:pk>/khen-thuong/",
        views.person_awards_panel_view,
        name="person-awards-panel",
    ),
    path("khen-thuong/dien-hinh/", views.exemplar_list_view, name="exemplar-list"),
    path("khen-thuong/dien-hinh/them/", views.exemplar_edit_view, name="exemplar-create"),
    path("khen-thuong/dien-hinh/<int:pk>/sua/", views.exemplar_edit_view, name="exemplar-edit"),
]
