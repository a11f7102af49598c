"""Oversight pages, included into the `campaigns` namespace under /phong-trao/: a campaign's
lists at /phong-trao/<code>/giam-sat/… (`campaign_urls`; the bare /phong-trao/giam-sat/…
addresses redirect), a record's pages at /phong-trao/giam-sat/… by its key."""

from django.urls import path

from ..context import campaign_urls
from . import views

app_name = "oversight"

urlpatterns = [
    *campaign_urls(
        [
            path("kiem-tra/", views.inspection_list_view, name="inspection-list"),
            path("kiem-tra/them/", views.inspection_create_view, name="inspection-create"),
            path("giup-do/", views.sponsorship_list_view, name="sponsorship-list"),
            path("kho-khan/", views.feedback_list_view, name="feedback-list"),
            path("kho-khan/xuat/", views.feedback_export_view, name="feedback-export"),
            path("kho-khan/gui/", views.feedback_create_view, name="feedback-create"),
            path("kinh-phi/", views.budget_list_view, name="budget-list"),
            path("kinh-phi/xuat/", views.budget_export_view, name="budget-export"),
            path("kinh-phi/them/", views.budget_create_view, name="budget-create"),
            path("tin-tuc/", views.news_list_view, name="news-list"),
            path("tin-tuc/them/", views.news_create_view, name="news-create"),
            path("cong-bo-so-lieu/", views.release_list_view, name="release-list"),
        ],
        namespace="campaigns:oversight",
        section="giam-sat/",
    ),
    path("giam-sat/kiem-tra/<int:pk>/", views.inspection_detail_view, name="inspection-detail"),
    path("giam-sat/kiem-tra/<int:pk>/sua/", views.inspection_edit_view, name="inspection-edit"),
    path("giam-sat/kiem-tra/<int:pk>/ket-luan/", views.finding_create_view, name="finding-create"),
    path(
        "giam-sat/kien-nghi/<int:pk>/tra-loi/",
        views.recommendation_answer_view,
        name="recommendation-answer",
    ),
    path(
        "giam-sat/kien-nghi/<int:pk>/theo-doi/",
        views.recommendation_follow_up_view,
        name="recommendation-follow-up",
    ),
    path(
        "giam-sat/giup-do/<int:pk>/ket-qua/",
        views.sponsorship_result_edit_view,
        name="sponsorship-result-edit",
    ),
    path("giam-sat/kho-khan/<int:pk>/", views.feedback_detail_view, name="feedback-detail"),
    path("giam-sat/kho-khan/<int:pk>/giao/", views.feedback_assign_view, name="feedback-assign"),
    path("giam-sat/kho-khan/<int:pk>/tra-loi/", views.feedback_answer_view, name="feedback-answer"),
    path("giam-sat/kho-khan/<int:pk>/dong/", views.feedback_close_view, name="feedback-close"),
    path(
        "giam-sat/kho-khan/tep/<int:pk>/",
        views.feedback_attachment_view,
        name="feedback-attachment",
    ),
    path("giam-sat/kinh-phi/<int:pk>/sua/", views.budget_edit_view, name="budget-edit"),
    path("giam-sat/kinh-phi/<int:pk>/trinh/", views.budget_submit_view, name="budget-submit"),
    path("giam-sat/kinh-phi/<int:pk>/duyet/", views.budget_approve_view, name="budget-approve"),
    path("giam-sat/tin-tuc/<int:pk>/sua/", views.news_edit_view, name="news-edit"),
    path("giam-sat/tin-tuc/<int:pk>/dang/", views.news_publish_view, name="news-publish"),
    path(
        "giam-sat/don-vi/<int:pk>/giup-do/",
        views.unit_sponsorship_panel_view,
        name="unit-sponsorship-panel",
    ),
    path(
        "giam-sat/don-vi/<int:pk>/kho-khan-kien-nghi/",
        views.unit_oversight_panel_view,
        name="unit-oversight-panel",
    ),
]
