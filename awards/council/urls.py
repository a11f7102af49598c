"""Council sessions and votes, included into the `awards` namespace."""

from django.urls import path

from campaigns.context import campaign_urls

from . import views

urlpatterns = [
    *campaign_urls(
        [
            path("hoi-dong/", views.session_list_view, name="session-list"),
            path("hoi-dong/them/", views.session_create_view, name="session-create"),
        ],
        namespace="awards",
        prefix="phong-trao/",
        section="khen-thuong/",
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
]
