"""Pages for units, people and clusters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from portal.access import can, require
from portal.dataexchange import write_xlsx, xlsx_response
from portal.navigation import panels_for
from portal.web import AuthedRequest, model_values, paginate

from . import selectors
from .filters import PersonFilter, UnitFilter
from .forms import AuthorityForm, ClusterForm, PersonForm, UnitForm
from .importers import UnitImporter
from .models import Authority, Cluster, Unit
from .services import authority_save, cluster_save, person_save, unit_save


@login_required
def unit_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "unit.view")
    unit_filter = UnitFilter(request.GET or None, queryset=selectors.units_for_list(request.user))
    units = selectors.unit_list(request.user, unit_filter.qs)
    # The paginator reads count() and one slice (UnitList is not a full Sequence).
    listing = paginate(request, cast("Sequence[Unit]", units))
    return render(
        request,
        "units/unit_list.html",
        {
            "filter": unit_filter,
            **listing,
            "can_manage": can(request.user, "unit.manage"),
            "can_import": can(request.user, "unit.import"),
            "can_export": can(request.user, "unit.export"),
        },
    )


@login_required
def unit_export_view(request: HttpRequest) -> HttpResponse:
    """The unit list as filtered on screen, as .xlsx with Vietnamese headers.

    The layout is UnitImporter.sheet_columns, so the file imports back as it is."""
    require(request.user, "unit.export")
    unit_filter = UnitFilter(request.GET or None, queryset=selectors.units_for_list(request.user))
    rows = (
        (
            unit.code,
            unit.name,
            unit.get_kind_display(),
            unit.parent.code if unit.parent_id else "",
            unit.parent.name if unit.parent_id else "",
            unit.cluster.name if unit.cluster_id else "",
            unit.valid_from,
            unit.valid_to,
            "Mẫu" if unit.is_sample else "",
        )
        for unit in unit_filter.qs
    )
    content = write_xlsx(
        UnitImporter.sheet_columns, rows, sheet_title="Đơn vị", title="Danh sách đơn vị"
    )
    return xlsx_response("danh-sach-don-vi.xlsx", content)


@login_required
def unit_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        unit = selectors.unit_detail(request.user, pk)
    except Unit.DoesNotExist as exc:
        raise Http404 from exc
    require(request.user, "unit.view", unit)
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "children": selectors.unit_children(unit),
            "sponsorships": selectors.unit_sponsorships(unit),
            "predecessors": unit.predecessors.order_by("name"),
            "successors": unit.successors.order_by("name"),
            "people": unit.people.order_by("full_name")[:50],
            "officers": unit.officers.filter(is_active=True).order_by("full_name"),
            "history": unit.history.select_related("history_user")[:20],
            "can_manage": can(request.user, "unit.manage", unit),
            "panels": panels_for("unit", request.user, unit, unit.kind),
        },
    )


@login_required
def unit_create_view(request: AuthedRequest) -> HttpResponse:
    require(request.user, "unit.manage")
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = unit_save(unit=None, values=model_values(form), by=request.user)
        messages.success(request, f"Đã thêm đơn vị {unit.name}.")
        return redirect(unit)
    return render(request, "units/unit_form.html", {"form": form, "title": "Thêm đơn vị"})


@login_required
def unit_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(selectors.units_visible_to(request.user), pk=pk)
    require(request.user, "unit.manage", unit)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        unit = unit_save(unit=unit, values=model_values(form), by=request.user)
        messages.success(request, f"Đã lưu thay đổi của {unit.name}.")
        return redirect(unit)
    return render(
        request,
        "units/unit_form.html",
        {"form": form, "title": f"Sửa đơn vị: {unit.name}", "unit": unit},
    )


@login_required
def person_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "person.view")
    qs = selectors.people_visible_to(request.user).select_related("affiliation")
    person_filter = PersonFilter(request.GET or None, queryset=qs)
    return render(
        request,
        "units/person_list.html",
        {
            "filter": person_filter,
            **paginate(request, person_filter.qs),
            "can_manage": can(request.user, "person.manage"),
        },
    )


@login_required
def person_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        selectors.people_visible_to(request.user).select_related("affiliation"), pk=pk
    )
    require(request.user, "person.view", person)
    return render(
        request,
        "units/person_detail.html",
        {
            "person": person,
            "can_manage": can(request.user, "person.manage", person),
            "panels": panels_for("person", request.user, person),
        },
    )


@login_required
def person_create_view(request: AuthedRequest) -> HttpResponse:
    require(request.user, "person.manage")
    form = PersonForm(request.POST or None, units=selectors.units_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        if not can(request.user, "person.manage", form.instance):
            form.add_error("affiliation", "Chọn một đơn vị thuộc phạm vi của bạn.")
        else:
            person = person_save(person=None, values=model_values(form), by=request.user)
            messages.success(request, f"Đã thêm {person.full_name}.")
            return redirect(person)
    return render(request, "units/person_form.html", {"form": form, "title": "Thêm cá nhân"})


@login_required
def person_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(selectors.people_visible_to(request.user), pk=pk)
    require(request.user, "person.manage", person)
    form = PersonForm(
        request.POST or None, instance=person, units=selectors.units_visible_to(request.user)
    )
    if request.method == "POST" and form.is_valid():
        person = person_save(person=person, values=model_values(form), by=request.user)
        messages.success(request, f"Đã lưu thông tin {person.full_name}.")
        return redirect(person)
    return render(
        request, "units/person_form.html", {"form": form, "title": f"Sửa: {person.full_name}"}
    )


@login_required
def cluster_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "unit.view")
    return render(
        request,
        "units/cluster_list.html",
        {
            "clusters": selectors.clusters_with_counts(),
            "can_manage": can(request.user, "cluster.manage"),
        },
    )


@login_required
def cluster_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "unit.view")
    cluster = get_object_or_404(Cluster, pk=pk)
    units = selectors.units_visible_to(request.user).filter(cluster=cluster).order_by("name")
    return render(
        request,
        "units/cluster_detail.html",
        {
            "cluster": cluster,
            "units": units,
            "can_manage": can(request.user, "cluster.manage"),
            "panels": panels_for("cluster", request.user, cluster),
        },
    )


@login_required
def cluster_create_view(request: AuthedRequest) -> HttpResponse:
    require(request.user, "cluster.manage")
    form = ClusterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cluster = cluster_save(cluster=None, values=model_values(form), by=request.user)
        messages.success(request, f"Đã thêm {cluster.name}.")
        return redirect(cluster)
    return render(
        request, "units/cluster_form.html", {"form": form, "title": "Thêm khối, cụm thi đua"}
    )


@login_required
def cluster_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request.user, "cluster.manage")
    cluster = get_object_or_404(Cluster, pk=pk)
    form = ClusterForm(request.POST or None, instance=cluster)
    if request.method == "POST" and form.is_valid():
        cluster = cluster_save(cluster=cluster, values=model_values(form), by=request.user)
        messages.success(request, f"Đã lưu {cluster.name}.")
        return redirect(cluster)
    return render(
        request, "units/cluster_form.html", {"form": form, "title": f"Sửa: {cluster.name}"}
    )


@login_required
def authority_list_view(request: HttpRequest) -> HttpResponse:
    """Issuing authorities by period: who issued, signed and received documents on each date."""
    require(request.user, "authority.view")
    # Oldest first: the town until 30/06/2025, then the bodies in force from 01/07/2025.
    authorities = Authority.objects.select_related("unit", "successor").order_by(
        "valid_from", "-level", "body"
    )
    return render(
        request,
        "units/authority_list.html",
        {"authorities": authorities, "can_manage": can(request.user, "authority.manage")},
    )


@login_required
def authority_create_view(request: AuthedRequest) -> HttpResponse:
    require(request.user, "authority.manage")
    form = AuthorityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        authority = authority_save(authority=None, values=model_values(form), by=request.user)
        messages.success(request, f"Đã thêm {authority}.")
        return redirect("units:authority-list")
    return render(
        request, "units/authority_form.html", {"form": form, "title": "Thêm cơ quan ban hành"}
    )


@login_required
def authority_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request.user, "authority.manage")
    authority = get_object_or_404(Authority, pk=pk)
    form = AuthorityForm(request.POST or None, request.FILES or None, instance=authority)
    if request.method == "POST" and form.is_valid():
        authority = authority_save(authority=authority, values=model_values(form), by=request.user)
        messages.success(request, f"Đã lưu {authority}.")
        return redirect("units:authority-list")
    return render(
        request, "units/authority_form.html", {"form": form, "title": f"Sửa: {authority.body}"}
    )
