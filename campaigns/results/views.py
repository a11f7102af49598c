"""Pages for campaign setup, criteria sets, NTM status, contributions and completeness."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal.access import can, require
from portal.concurrency import RowActionForm
from portal.dataexchange import (
    IMPORTERS,
    Column,
    write_xlsx,
    xlsx_response,
)
from portal.filters import YearForm
from portal.web import AuthedRequest, attach, model_values, paginate, xlsx_download
from units.models import UnitKind

from .. import deadlines
from ..context import CampaignRequest, campaign_url, campaign_view, current_campaign
from ..models import (
    ContributorKind,
    CriteriaSet,
    NtmLevel,
)
from . import selectors
from .filters import CompletenessFilter, ContributionFilter
from .forms import (
    CampaignForm,
    ContributionForm,
    CriteriaFormSet,
    CriteriaSetForm,
    MilestoneFormSet,
    NtmStatusForm,
    TargetFormSet,
    contribution_fields,
)
from .importers import ContributionImporter
from .services import (
    campaign_plan_save,
    campaign_save,
    contribution_save,
    criteria_set_create,
    criteria_set_new_version,
    criteria_set_save,
    ntm_criterion_set_for,
    ntm_status_confirm,
    ntm_status_key,
    ntm_status_save,
)

# --- Campaign ---------------------------------------------------------------------------------


@login_required
def campaign_create_view(request: AuthedRequest) -> HttpResponse:
    require(request.user, "campaign.manage")
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        campaign = campaign_save(
            campaign=None,
            values=model_values(form),
            by=request.user,
            copy_criteria_from=form.cleaned_data.get("copy_criteria_from"),
        )
        messages.success(
            request, f"Đã tạo phong trào {campaign.code}. Hãy khai báo chỉ tiêu và mốc thời gian."
        )
        return redirect("campaigns:campaign-plan", code=campaign.code)
    return render(
        request, "campaigns/results/campaign_form.html", {"form": form, "title": "Tạo phong trào"}
    )


@login_required
@campaign_view
def campaign_edit_view(request: CampaignRequest) -> HttpResponse:
    campaign = request.campaign
    require(request.user, "campaign.manage", campaign)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        campaign_save(campaign=campaign, values=model_values(form), by=request.user)
        messages.success(request, "Đã lưu thông tin phong trào.")
        return redirect(campaign)
    return render(
        request,
        "campaigns/results/campaign_form.html",
        {"form": form, "title": f"Sửa phong trào: {campaign.code}", "campaign": campaign},
    )


@login_required
@campaign_view
def campaign_plan_view(request: CampaignRequest) -> HttpResponse:
    """Targets and milestones of a campaign, edited together."""
    campaign = request.campaign
    require(request.user, "campaign.manage", campaign)
    data = request.POST if request.method == "POST" else None
    targets = TargetFormSet(data, instance=campaign, prefix="targets")
    milestones = MilestoneFormSet(data, instance=campaign, prefix="milestones")
    if request.method == "POST" and targets.is_valid() and milestones.is_valid():
        try:
            campaign_plan_save(
                campaign=campaign, targets_formset=targets, milestones_formset=milestones
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Đã lưu chỉ tiêu và mốc thời gian.")
            return redirect(campaign)
    return render(
        request,
        "campaigns/results/campaign_plan.html",
        {"campaign": campaign, "targets": targets, "milestones": milestones},
    )


# --- Criteria sets ----------------------------------------------------------------------------


@login_required
@campaign_view
def criteriaset_list_view(request: CampaignRequest) -> HttpResponse:
    campaign = request.campaign
    require(request.user, "campaign.view")
    sets = selectors.criteria_sets_of(campaign)
    return render(
        request,
        "campaigns/results/criteriaset_list.html",
        {
            "campaign": campaign,
            "sets": sets,
            "can_manage": can(request.user, "criteria.manage"),
        },
    )


@login_required
def criteriaset_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_object_or_404(
        CriteriaSet.objects.select_related("campaign", "previous"), pk=pk
    )
    require(request.user, "campaign.view")
    return render(
        request,
        "campaigns/results/criteriaset_detail.html",
        {
            "set": criteria_set,
            "campaign": criteria_set.campaign,
            "criteria": criteria_set.criteria.all(),
            "next_versions": criteria_set.next_versions.order_by("version"),
            "history": criteria_set.history.select_related("history_user")[:20],
            "can_manage": can(request.user, "criteria.manage"),
        },
    )


@login_required
@campaign_view
def criteriaset_create_view(request: CampaignRequest) -> HttpResponse:
    campaign = request.campaign
    require(request.user, "criteria.manage")
    form = CriteriaSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            criteria_set = criteria_set_create(
                campaign=campaign, values=model_values(form), by=request.user
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Đã tạo bộ tiêu chí; hãy thêm các tiêu chí.")
            return redirect("campaigns:criteriaset-edit", pk=criteria_set.pk)
    return render(
        request,
        "campaigns/results/criteriaset_form.html",
        {"form": form, "formset": None, "campaign": campaign, "title": "Thêm bộ tiêu chí"},
    )


@login_required
def criteriaset_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    criteria_set = get_object_or_404(CriteriaSet.objects.select_related("campaign"), pk=pk)
    require(request.user, "criteria.manage", criteria_set)
    if criteria_set.is_locked:
        messages.warning(
            request,
            "Bộ tiêu chí này đã được dùng để chấm điểm nên không sửa được. Hãy tạo phiên bản mới.",
        )
        return redirect("campaigns:criteriaset-detail", pk=criteria_set.pk)
    data = request.POST if request.method == "POST" else None
    form = CriteriaSetForm(data, instance=criteria_set)
    formset = CriteriaFormSet(data, instance=criteria_set, prefix="criteria")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            criteria_set_save(
                criteria_set=criteria_set,
                values=model_values(form),
                criteria_formset=formset,
                by=request.user,
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Đã lưu bộ tiêu chí.")
            return redirect("campaigns:criteriaset-detail", pk=criteria_set.pk)
    return render(
        request,
        "campaigns/results/criteriaset_form.html",
        {
            "form": form,
            "formset": formset,
            "campaign": criteria_set.campaign,
            "set": criteria_set,
            "title": f"Sửa bộ tiêu chí: {criteria_set}",
        },
    )


@require_POST
@login_required
def criteriaset_new_version_view(request: AuthedRequest, pk: int) -> HttpResponse:
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    require(request.user, "criteria.manage", criteria_set)
    try:
        copy = criteria_set_new_version(criteria_set=criteria_set, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("campaigns:criteriaset-detail", pk=criteria_set.pk)
    messages.success(request, f"Đã tạo phiên bản {copy.version}; hãy sửa rồi lưu.")
    return redirect("campaigns:criteriaset-edit", pk=copy.pk)


# --- NTM status -------------------------------------------------------------------------------


@login_required
@campaign_view
def ntm_list_view(request: CampaignRequest) -> HttpResponse:
    """Communes in the user's scope with their NTM status for a year."""
    require(request.user, "ntm.view")
    campaign = request.campaign
    year = request.year
    q = request.GET.get("q", "").strip()
    listing = paginate(request, selectors.ntm_communes(request.user, q=q))
    page = listing["page"]
    statuses = selectors.ntm_statuses_for_year([u.pk for u in page], year)
    rows = [(unit, statuses.get(unit.pk)) for unit in page]
    years = list(campaign.years)
    return render(
        request,
        "campaigns/results/ntm_list.html",
        {
            "campaign": campaign,
            "year": year,
            "years": years,
            "q": q,
            **listing,
            "rows": rows,
            "can_import": can(request.user, "ntm.import"),
        },
    )


@login_required
def ntm_edit_view(request: AuthedRequest, unit_pk: int, year: int) -> HttpResponse:
    unit = get_object_or_404(selectors.ntm_units_visible_to(request.user), pk=unit_pk)
    if not 2000 <= year <= 2100:
        raise Http404
    require(request.user, "ntm.view", unit)
    can_edit = can(request.user, "ntm.edit", unit)
    if request.method == "POST":
        require(request.user, "ntm.edit", unit)
    campaign = current_campaign()
    status = selectors.ntm_status_of(unit, year)
    criterion_set = ntm_criterion_set_for(year, campaign)
    criteria = list(criterion_set.criteria.order_by("number")) if criterion_set else []
    initial = {}
    if status is not None:
        initial = {
            "level": status.level,
            "criteria_met": [str(c.number) for c in status.criteria_met.all()],
            "recognition_decision": status.recognition_decision,
            "recognition_date": status.recognition_date,
            "note": status.note,
        }
    form = NtmStatusForm(
        request.POST or None,
        initial=initial,
        unit=unit,
        criteria=criteria,
        guard=status,
        guard_absent=[] if status else [ntm_status_key(unit, year)],
    )
    if request.method == "POST" and form.is_valid():
        try:
            ntm_status_save(
                unit=unit,
                year=year,
                level=form.cleaned_data["level"],
                numbers=form.numbers(),
                recognition_decision=form.cleaned_data["recognition_decision"],
                recognition_date=form.cleaned_data["recognition_date"],
                note=form.cleaned_data["note"],
                campaign=campaign,
                by=request.user,
                seen=form.seen or "",
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, f"Đã lưu kết quả tiêu chí NTM năm {year} của {unit.name}.")
            commune = unit.parent if unit.kind == UnitKind.VILLAGE else unit
            return redirect(
                commune.get_absolute_url()
                if commune
                else campaign_url("campaigns:ntm-list", campaign or current_campaign())
            )
    history = status.history.select_related("history_user", "confirmed_by")[:20] if status else []
    return render(
        request,
        "campaigns/results/ntm_form.html",
        {
            "unit": unit,
            "year": year,
            "form": form,
            "status": status,
            "criterion_set": criterion_set,
            "campaign": campaign,
            "history": history,
            "can_confirm": status is not None and can(request.user, "ntm.confirm", status),
            "confirm_form": RowActionForm(guard=status) if status is not None else None,
            "can_edit": can_edit,
            "met_numbers": sorted(c.number for c in status.criteria_met.all()) if status else [],
        },
    )


@require_POST
@login_required
def ntm_confirm_view(request: AuthedRequest, pk: int) -> HttpResponse:
    status = get_object_or_404(
        selectors.ntm_statuses_visible_to(request.user).select_related("unit"), pk=pk
    )
    require(request.user, "ntm.confirm", status)
    try:
        ntm_status_confirm(
            status=status, by=request.user, seen=RowActionForm(request.POST).seen or ""
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Đã xác nhận kết quả năm {status.year} của {status.unit.name}.")
    return redirect("campaigns:ntm-edit", unit_pk=status.unit_id, year=status.year)


@login_required
def ntm_panel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Fragment for the commune page: the criteria grid over the years and the villages."""
    unit = get_object_or_404(selectors.ntm_units_visible_to(request.user), pk=pk)
    require(request.user, "ntm.view", unit)
    campaign = current_campaign()
    grid = selectors.ntm_grid(unit, campaign)
    return render(
        request,
        "campaigns/results/ntm_panel.html",
        {
            "unit": unit,
            "grid": grid,
            "year_status": grid.year_cells,
            "village_totals": list(zip(grid.years, grid.village_totals, strict=True)),
            "can_edit": can(request.user, "ntm.edit", unit),
            "levels": NtmLevel,
        },
    )


# --- Contributions ----------------------------------------------------------------------------


def _contribution_rows(request: HttpRequest):
    contribution_filter = ContributionFilter(
        request.GET, queryset=selectors.contributions_visible_to(request.user)
    )
    qs = contribution_filter.qs.order_by("-year", "commune__name", "contributor", "pk")
    return qs, contribution_filter.values(), contribution_filter.form


@login_required
@campaign_view
def contribution_list_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "contribution.view")
    qs, filters, filter_form = _contribution_rows(request)
    campaign = request.campaign
    return render(
        request,
        "campaigns/results/contribution_list.html",
        {
            **paginate(request, qs),
            "campaign": campaign,
            "totals": selectors.contribution_totals(qs),
            "filters": filters,
            "filter_form": filter_form,
            "years": list(campaign.years),
            "communes": selectors.communes_for_contributions(request.user),
            "kinds": ContributorKind.choices,
            "can_edit": can(request.user, "contribution.edit"),
            "can_import": can(request.user, "contribution.import"),
        },
    )


@login_required
@campaign_view
def contribution_export_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "contribution.view")
    qs = _contribution_rows(request)[0]
    rows = [
        (
            c.year,
            c.commune.code,
            c.commune.name,
            c.contributor,
            c.get_contributor_kind_display(),
            int(c.money_vnd),
            float(c.work_days),
            float(c.land_m2),
            c.in_kind,
            c.note,
        )
        for c in qs.iterator(chunk_size=2000)
    ]
    return xlsx_download(
        "dong-gop-xay-dung-ntm.xlsx",
        ContributionImporter.sheet_columns,
        rows,
        sheet_title="Đóng góp",
        title="Đóng góp xây dựng NTM",
    )


@login_required
@campaign_view
def contribution_create_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "contribution.edit")
    campaign = request.campaign
    communes = selectors.communes_for_contributions(request.user)
    initial = {"year": request.year}
    form = ContributionForm(request.POST or None, communes=communes, initial=initial)
    if request.method == "POST" and form.is_valid():
        commune = form.cleaned_data["commune"]
        require(request.user, "contribution.edit", commune)
        try:
            contribution_save(
                contribution=None,
                commune=commune,
                campaign=campaign,
                by=request.user,
                **contribution_fields(form),
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Đã ghi nhận đóng góp.")
            return redirect(campaign_url("campaigns:contribution-list", campaign))
    return render(
        request,
        "campaigns/results/contribution_form.html",
        {"form": form, "title": "Ghi nhận đóng góp", "campaign": campaign},
    )


@login_required
def contribution_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    contribution = get_object_or_404(selectors.contributions_visible_to(request.user), pk=pk)
    require(request.user, "contribution.edit", contribution)
    campaign = contribution.campaign or current_campaign()
    communes = selectors.communes_for_contributions(request.user)
    form = ContributionForm(request.POST or None, instance=contribution, communes=communes)
    if request.method == "POST" and form.is_valid():
        commune = form.cleaned_data["commune"]
        require(request.user, "contribution.edit", commune)
        try:
            contribution_save(
                contribution=contribution,
                commune=commune,
                campaign=campaign,
                by=request.user,
                **contribution_fields(form),
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Đã lưu thay đổi.")
            return redirect(campaign_url("campaigns:contribution-list", campaign))
    return render(
        request,
        "campaigns/results/contribution_form.html",
        {
            "form": form,
            "title": f"Sửa đóng góp: {contribution.contributor}",
            "contribution": contribution,
            "campaign": campaign,
            "history": contribution.history.select_related("history_user")[:20],
        },
    )


# --- Completeness -----------------------------------------------------------------------------


@login_required
@campaign_view
def completeness_view(request: CampaignRequest) -> HttpResponse:
    """The counts (cached until the next write) and one page of units, filtered and paged in
    the database; only the page's rows are built."""
    campaign = request.campaign
    require(request.user, "completeness.view")
    year = request.year
    today = deadlines.today()
    found = selectors.progress(campaign, year, today=today)
    data = selectors.completeness(campaign, year, today=today, found=found)
    filterset = CompletenessFilter(request.GET, queryset=found.units)
    units = filterset.qs  # validates the form: its cleaned values are the filters applied
    applied = getattr(filterset.form, "cleaned_data", {})
    listing = paginate(request, selectors.ProgressPages(units, data, applied))
    page = listing["page"]
    page.object_list = selectors.progress_rows(found, page.object_list)
    return render(
        request,
        "campaigns/results/completeness.html",
        {
            "campaign": campaign,
            "year": year,
            "data": data,
            "clusters": selectors.clusters_to_watch(data.by_cluster),
            "filter": filterset,
            **listing,
        },
    )


@login_required
@campaign_view
def completeness_export_view(request: CampaignRequest) -> HttpResponse:
    campaign = request.campaign
    require(request.user, "completeness.view")
    year = request.year
    data = selectors.completeness(campaign, year)
    columns = [
        Column("Mã đơn vị", None, 16),
        Column("Tên đơn vị", None, 32),
        Column("Đối tượng", None, 30),
        Column("Khối, cụm", None, 26),
        Column("Đã đăng ký", None, 12),
        Column("Tình trạng báo cáo", None, 22),
        Column("Thời hạn", "dd/mm/yyyy", 12),
        Column("Trễ hạn", None, 10),
    ]
    rows = [
        (
            r.unit.code,
            r.unit.name,
            r.target_group_label,
            r.unit.cluster.name if r.unit.cluster else "",
            "Có" if r.registered else "Chưa",
            r.stage_label,
            r.deadline,
            "Trễ hạn" if r.late else "",
        )
        for r in data.rows
    ]
    content = write_xlsx(
        columns,
        rows,
        sheet_title=f"Tiến độ {year}",
        title=f"Tiến độ báo cáo năm {year} – {campaign.title}",
    )
    return xlsx_response(f"tien-do-bao-cao-{campaign.code}-{year}.xlsx", content)


# --- Exports of the data-exchange contract (imports: portal/importing.py) -------------------

EXPORT_KINDS = ("ntm_status", "contributions")


@login_required
def data_export_view(request: HttpRequest, kind: str) -> HttpResponse:
    """The contract's columns, for the rows the user may see (re-importable as is)."""
    if kind not in EXPORT_KINDS:
        raise Http404
    require(request.user, "ntm.view" if kind == "ntm_status" else "contribution.view")
    exporter = IMPORTERS[kind]()
    year = YearForm(request.GET).year_or(0)
    options: dict = {"year": year} if year else {}
    if kind == "ntm_status":
        options["unit_ids"] = list(
            selectors.ntm_units_visible_to(request.user).values_list("pk", flat=True)
        )
    else:
        options["queryset"] = selectors.contributions_visible_to(request.user).filter(
            **({"year": options["year"]} if "year" in options else {})
        )
    rows = list(exporter.export_rows(**options))
    return xlsx_response(f"{kind}.xlsx", write_xlsx(exporter.columns, rows, sheet_title=kind))
