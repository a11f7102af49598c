"""The audit trail pages: the secretariat browses every event; an officer sees the events of
rows that belong to their units."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import has_capability, scope_for
from .audit_display import describe_events, model_label
from .filters import AuditFilter
from .models import AuditEvent
from .web import page_of, query_without_page

if TYPE_CHECKING:
    from .access import AnyUser


def events_visible_to(user: AnyUser) -> QuerySet[AuditEvent]:
    """The events the user's audit capability reaches: every event ("audit.view"), the events of
    the officer's own units ("audit.view_own"); otherwise 403."""
    for capability in ("audit.view", "audit.view_own"):
        if has_capability(user, capability):
            return scope_for(user, capability, AuditEvent.objects.all(), "unit_id")
    raise PermissionDenied("Bạn không có quyền xem nhật ký thay đổi.")


@require_GET
@login_required
def audit_list_view(request: HttpRequest) -> HttpResponse:
    audit_filter = AuditFilter(request.GET or None, queryset=events_visible_to(request.user))
    page = page_of(request, audit_filter.qs.order_by("-id"))
    return render(
        request,
        "portal/audit_list.html",
        {
            "page": page,
            "rows": describe_events(page, request.user),
            "filter": audit_filter,
            "title": "Nhật ký thay đổi",
            "query": query_without_page(request),
        },
    )


@require_GET
@login_required
def audit_object_view(request: HttpRequest, model: str, object_id: str) -> HttpResponse:
    visible = events_visible_to(request.user).filter(model=model, object_id=object_id)
    first = visible.order_by("-id").first()
    if first is None:
        raise Http404("Không có nhật ký cho bản ghi này trong phạm vi của bạn.")
    page = page_of(request, visible.order_by("-id"))
    return render(
        request,
        "portal/audit_list.html",
        {
            "page": page,
            "rows": describe_events(page, request.user),
            "object_view": True,
            "title": f"Nhật ký thay đổi – {first.object_repr or model_label(model)}",
        },
    )
