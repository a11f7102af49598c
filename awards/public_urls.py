"""Public pages (no sign-in), included under /public/<campaign_code>/."""

from django.urls import path

from .nominations import views

app_name = "awards_public"

urlpatterns = [
    path("lay-y-kien/", views.public_consultation_view, name="consultation"),
    path("lay-y-kien/<int:pk>/gop-y/", views.public_comment_view, name="comment"),
    path("dien-hinh/", views.public_exemplars_view, name="exemplars"),
]
