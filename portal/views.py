"""Site shell views: home, health, user management."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from units.models import Unit, UnitKind
from units.selectors import units_visible_to

from .access import require
from .filters import UserFilter
from .forms import NotificationSettingsForm, UserForm
from .models import RoleGrant, User
from .services import user_save, user_set_active
from .web import AuthedRequest, paginate


@login_required
def home_view(request: AuthedRequest) -> HttpResponse:
    """The dashboard for the user's role (portal.dashboard), then the units they can see."""
    visible = units_visible_to(request.user)
    # Counted by kind (never empty) rather than by id: PostgreSQL reads the kind's index alone.
    by_kind = {row["kind"]: row["n"] for row in visible.values("kind").annotate(n=Count("kind"))}
    kinds = [(UnitKind(k).label, by_kind[k], k) for k in UnitKind.values if k in by_kind]
    own_units = request.user.units.select_related("cluster", "parent").order_by("name")
    from .dashboard import dashboard_context
    from .desk import desk_for
    from .importing import pending_desk_items

    return render(
        request,
        "portal/home.html",
        {
            "kinds": kinds,
            "own_units": own_units,
            "total_units": sum(by_kind.values()),
            "desk": [*pending_desk_items(request), *desk_for(request.user)],
            **dashboard_context(request),
        },
    )


@login_required
def notification_settings_view(request: AuthedRequest) -> HttpResponse:
    """Each person chooses which e-mails they receive (portal.notify)."""
    from .notify import KINDS, set_opt_outs

    off = set(request.user.notification_opt_outs.values_list("kind", flat=True))
    form = NotificationSettingsForm(
        request.POST or None, initial={"on": [k for k in KINDS if k not in off]}
    )
    if request.method == "POST" and form.is_valid():
        set_opt_outs(user=request.user, off=form.off(), by=request.user)
        messages.success(request, "Đã lưu lựa chọn nhận thông báo.")
        return redirect("notification-settings")
    return render(
        request,
        "portal/notification_settings.html",
        {"form": form, "email": request.user.email},
    )


@require_GET
@never_cache
def healthz_view(request: HttpRequest) -> JsonResponse:
    """Database and broker state for load balancers and monitoring; no sign-in needed."""
    result: dict[str, str] = {}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        result["database"] = "ok"
    except Exception:  # any failure to reach the database is a failed check
        result["database"] = "error"
        status = 503
    if settings.CELERY_TASK_ALWAYS_EAGER:
        result["broker"] = "eager"
    else:
        from .celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            result["broker"] = "ok"
        except Exception:  # the broker being down degrades the portal but does not stop it
            result["broker"] = "error"
    result["status"] = (
        "ok"
        if status == 200 and result["broker"] != "error"
        else ("error" if status != 200 else "degraded")
    )
    return JsonResponse(result, status=status)


# --- User management (secretariat) ------------------------------------------------------------


@login_required
def user_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "user.manage")
    users = User.objects.prefetch_related(
        Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role")),
        Prefetch("units", queryset=Unit.objects.only("pk", "name")),
    ).order_by("username")
    user_filter = UserFilter(request.GET or None, queryset=users)
    return render(
        request,
        "portal/user_list.html",
        {**paginate(request, user_filter.qs), "filter": user_filter},
    )


@login_required
def user_create_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "user.manage")
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user_save(
            user=user, roles=form.cleaned_data["roles"], password=form.cleaned_data["password"]
        )
        form.save_m2m()
        messages.success(request, f"Đã tạo tài khoản {user.username}.")
        return redirect("user-list")
    return render(request, "portal/user_form.html", {"form": form, "title": "Tạo tài khoản"})


@login_required
def user_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "user.manage")
    user = get_object_or_404(User, pk=pk)
    form = UserForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        user_save(
            user=user, roles=form.cleaned_data["roles"], password=form.cleaned_data["password"]
        )
        form.save_m2m()
        messages.success(request, f"Đã cập nhật tài khoản {user.username}.")
        return redirect("user-list")
    return render(
        request,
        "portal/user_form.html",
        {"form": form, "title": f"Sửa tài khoản {user.username}", "edited": user},
    )


@require_POST
@login_required
def user_toggle_active_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "user.manage")
    user = get_object_or_404(User, pk=pk)
    if user.pk == request.user.pk:
        messages.error(request, "Không thể tự khóa tài khoản của chính mình.")
        return redirect("user-list")
    user_set_active(user=user, active=not user.is_active)
    if user.is_active:
        messages.success(request, f"Đã mở khóa tài khoản {user.username}.")
    else:
        messages.success(
            request, f"Đã khóa tài khoản {user.username}; mọi phiên đăng nhập đã kết thúc."
        )
    return redirect("user-list")


def csrf_failure_view(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
