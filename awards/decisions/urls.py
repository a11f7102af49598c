"""Decisions and forwarding letters, included into the `awards` namespace."""

from django.urls import path

from campaigns.context import campaign_urls

from . import views

urlpatterns = [
    *campaign_urls(
        [
            path("quyet-dinh/", views.decision_list_view, name="decision-list"),
            path("quyet-dinh/them/", views.decision_create_view, name="decision-create"),
            path("to-trinh/them/", views.letter_create_view, name="letter-create"),
        ],
        namespace="awards",
        prefix="phong-trao/",
        section="khen-thuong/",
    ),
    path("khen-thuong/quyet-dinh/<int:pk>/", views.decision_detail_view, name="decision-detail"),
    path("khen-thuong/to-trinh/<int:pk>/", views.letter_detail_view, name="letter-detail"),
    path(
        "khen-thuong/to-trinh/<int:pk>/tra-loi/<int:nomination_pk>/",
        views.letter_answer_view,
        name="letter-answer",
    ),
]
