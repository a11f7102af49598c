"""The public verification page at /verify/ (no sign-in)."""

from django.urls import path

from . import views

app_name = "verify"

urlpatterns = [path("", views.verify_view, name="verify")]
