"""Top-level URLs: site shell, sign-in, and each app under its own prefix."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.urls import include, path

from . import audit_views, importing, public, views
from .forms import SignInForm

urlpatterns = [
    path("", views.home_view, name="home"),
    path("healthz/", views.healthz_view, name="healthz"),
    path("public/<slug:campaign_code>/", public.campaign_public_view, name="public-campaign"),
    path(
        "dang-nhap/",
        # Not one transaction: checking the password (deliberately slow) must not hold SQLite's
        # write lock; the sign-in's few writes are each committed on their own.
        transaction.non_atomic_requests(
            auth_views.LoginView.as_view(
                authentication_form=SignInForm, redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        auth_views.PasswordChangeView.as_view(success_url="/doi-mat-khau/xong/"),
        name="password_change",
    ),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("thong-bao/", views.notification_settings_view, name="notification-settings"),
    path("nguoi-dung/", views.user_list_view, name="user-list"),
    path("nguoi-dung/them/", views.user_create_view, name="user-create"),
    path("nguoi-dung/<int:pk>/sua/", views.user_edit_view, name="user-edit"),
    path("nguoi-dung/<int:pk>/khoa/", views.user_toggle_active_view, name="user-toggle-active"),
    path("nhap-du-lieu/", importing.import_index_view, name="import-index"),
    path("nhap-du-lieu/<slug:kind>/", importing.import_upload_view, name="import-upload"),
    path(
        "nhap-du-lieu/<slug:kind>/mau.xlsx", importing.import_template_view, name="import-template"
    ),
    path(
        "nhap-du-lieu/<slug:kind>/<uuid:token>/",
        importing.import_preview_view,
        name="import-preview",
    ),
    path(
        "nhap-du-lieu/<slug:kind>/<uuid:token>/xac-nhan/",
        importing.import_confirm_view,
        name="import-confirm",
    ),
    path(
        "nhap-du-lieu/<slug:kind>/<uuid:token>/huy/",
        importing.import_cancel_view,
        name="import-cancel",
    ),
    path(
        "nhap-du-lieu/<slug:kind>/<uuid:token>/tien-do/",
        importing.import_progress_view,
        name="import-progress",
    ),
    path(
        "nhap-du-lieu/<slug:kind>/<uuid:token>/loi.xlsx",
        importing.import_errors_view,
        name="import-errors",
    ),
    path("nhat-ky/", audit_views.audit_list_view, name="audit-list"),
    path(
        "nhat-ky/<str:model>/<str:object_id>/",
        audit_views.audit_object_view,
        name="audit-object",
    ),
    path("don-vi/", include("units.urls")),
    path("", include("campaigns.rankings.urls")),  # /phong-trao/<code>/xep-hang/…, /xep-hang/…
    path("phong-trao/", include("campaigns.urls")),
    path("", include("reports.urls")),  # /phong-trao/<code>/bao-cao/…, /bao-cao/…
    path("verify/", include("reports.verify_urls")),
    path("", include("awards.urls")),  # /phong-trao/<code>/khen-thuong/…, /khen-thuong/…
    path("public/<slug:campaign_code>/", include("awards.public_urls")),
    path("quan-tri/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
