"""Pages of the yearly cycle: registration, self-assessment, review, extensions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.access import can, has_capability, require, scope
from portal.dataexchange import Column
from portal.web import AuthedRequest, attach, error_text, paginate, xlsx_download
from units.models import Cluster, Unit

from ..context import CampaignRequest, campaign_url, campaign_view, default_year
from ..models import (
    Assessment,
    AssessmentStatus,
    Evidence,
    ExtensionStatus,
    Registration,
    TargetGroup,
)
from . import selectors, services
from .filters import (
    AssessmentFilter,
    ExtensionFilter,
    QueueFilter,
    RegistrationFilter,
    queue_data,
)
from .forms import (
    AssessmentForm,
    DecideForm,
    ExtensionForm,
    ReasonForm,
    RegistrationForm,
    ReviewForm,
    StartForm,
)

# --- Registration ----------------------------------------------------------------------------


def _registration_filter(request, user, campaign):
    registrations = selectors.registrations_visible_to(user).filter(campaign=campaign)
    filterset = RegistrationFilter(request.GET, queryset=registrations)
    return filterset.qs.order_by("-year", "unit__name"), filterset.form


@login_required
@campaign_view
def registration_list_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "campaign.view")
    campaign = request.campaign
    qs, filter_form = _registration_filter(request, request.user, campaign)
    listing = paginate(request, qs)
    year = filter_form.cleaned_data.get("year")
    not_registered = []
    if year and has_capability(request.user, "completeness.view"):
        not_registered = list(
            selectors.units_not_registered(request.user, campaign=campaign, year=year)
        )
    return render(
        request,
        "campaigns/cycle/registration_list.html",
        {
            "campaign": campaign,
            **listing,
            "years": list(campaign.years),
            "clusters": Cluster.objects.order_by("name"),
            "kinds": Unit._meta.get_field("kind").choices,
            "not_registered": not_registered,
            "filter_form": filter_form,
            "can_register": has_capability(request.user, "registration.submit"),
            "can_export": has_capability(request.user, "completeness.view"),
        },
    )


@login_required
@campaign_view
def registration_export_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "completeness.view")
    campaign = request.campaign
    qs, _ = _registration_filter(request, request.user, campaign)
    columns = [
        Column("Năm", width=8),
        Column("Mã đơn vị", width=16),
        Column("Tên đơn vị", width=40),
        Column("Loại", width=20),
        Column("Khối, cụm", width=24),
        Column("Nội dung đăng ký", width=60),
        Column("Mức phấn đấu", width=24),
        Column("Số thôn phấn đấu đạt chuẩn", "#,##0", 12),
        Column("Ngày đăng ký", "dd/mm/yyyy", 14),
    ]
    rows = (
        (
            r.year,
            r.unit.code,
            r.unit.name,
            r.unit.get_kind_display(),
            r.unit.cluster.name if r.unit.cluster else "",
            r.commitments,
            r.get_target_level_display() if r.target_level else "",
            r.villages_to_standard,
            timezone.localtime(r.submitted_at).date() if r.submitted_at else None,
        )
        for r in qs
    )
    return xlsx_download(
        f"dang-ky-thi-dua-{campaign.code}.xlsx",
        columns,
        rows,
        sheet_title="Đăng ký thi đua",
        title=f"Danh sách đơn vị đăng ký thi đua – {campaign.title}",
    )


def _registration_form_view(request, registration: Registration | None):
    campaign = registration.campaign if registration else request.campaign
    initial = {}
    if registration:
        initial = {
            "unit": registration.unit_id,
            "year": registration.year,
            "commitments": registration.commitments,
            "target_level": registration.target_level,
            "villages_to_standard": registration.villages_to_standard,
        }
    else:
        initial = {"year": default_year(campaign)}
    form = RegistrationForm(
        request.POST or None,
        initial=initial,
        user=request.user,
        campaign=campaign,
        guard=registration,
    )
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        require(request.user, "registration.submit", unit)
        try:
            saved = services.registration_save(
                campaign=campaign,
                unit=unit,
                year=form.cleaned_data["year"],
                commitments=form.cleaned_data["commitments"],
                target_level=form.cleaned_data["target_level"],
                villages_to_standard=form.cleaned_data["villages_to_standard"],
                by=request.user,
                # "Đăng ký mới" never replaces silently; editing a registration is no surprise.
                replace=None if registration else form.cleaned_data["replace"],
            )
        except ValidationError as exc:
            if exc.code == "registration_exists":
                form.ask_replace(exc.message)
            else:
                form.add_error(None, exc)
        else:
            messages.success(
                request, f"Đã lưu đăng ký thi đua năm {saved.year} của {saved.unit.name}."
            )
            url = campaign_url("campaigns:registration-list", campaign)
            return redirect(f"{url}?year={saved.year}")
    history = (
        registration.history.select_related("history_user").order_by("-history_date")[:20]
        if registration
        else []
    )
    return render(
        request,
        "campaigns/cycle/registration_form.html",
        {"form": form, "campaign": campaign, "registration": registration, "history": history},
    )


@login_required
@campaign_view
def registration_create_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "registration.submit")
    return _registration_form_view(request, None)


@login_required
def registration_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(selectors.registrations_visible_to(request.user), pk=pk)
    require(request.user, "registration.submit", registration)
    return _registration_form_view(request, registration)


# --- Self-assessment -------------------------------------------------------------------------


@login_required
@campaign_view
def assessment_list_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "assessment.view")
    campaign = request.campaign
    qs = selectors.assessments_visible_to(request.user).filter(campaign=campaign)
    filterset = AssessmentFilter(request.GET, queryset=qs)
    filter_form = filterset.form
    qs = filterset.qs
    listing = paginate(request, qs.order_by("-year", "unit__name"))
    start_form = None
    if has_capability(request.user, "assessment.edit"):
        start_form = StartForm(
            user=request.user,
            campaign=campaign,
            initial={"year": default_year(campaign)},
        )
    return render(
        request,
        "campaigns/cycle/assessment_list.html",
        {
            "campaign": campaign,
            **listing,
            "years": list(campaign.years),
            "statuses": AssessmentStatus.choices,
            "start_form": start_form,
            "filter_form": filter_form,
        },
    )


@require_POST
@login_required
@campaign_view
def assessment_start_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "assessment.edit")
    campaign = request.campaign
    form = StartForm(request.POST, user=request.user, campaign=campaign)
    if not form.is_valid():
        # The unit select only offers units in scope: anything else is outside the user's scope.
        if "unit" in form.errors:
            raise Http404
        messages.error(request, "Năm không hợp lệ.")
        return redirect(campaign_url("campaigns:assessment-list", campaign))
    unit = form.cleaned_data["unit"]
    require(request.user, "assessment.edit", unit)
    try:
        assessment = services.assessment_start(
            campaign=campaign, unit=unit, year=form.cleaned_data["year"], by=request.user
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect(campaign_url("campaigns:assessment-list", campaign))
    return redirect(assessment)


def _assessment_or_404(request, pk) -> Assessment:
    try:
        return selectors.assessment_for_page(request.user, pk)
    except Assessment.DoesNotExist as exc:
        raise Http404 from exc


HISTORY_ON_PAGE = 15
HISTORY_PER_PAGE = 50
HISTORY_MAX_PAGES = 100


def _detail_context(request, assessment: Assessment, form=None, review_form=None) -> dict:
    user = request.user
    items = selectors.assessment_items(assessment)
    history = selectors.assessment_history(assessment, limit=HISTORY_ON_PAGE + 1, items=items)
    can_edit = assessment.is_editable and can(user, "assessment.edit", assessment)
    open_ids = services.editable_item_ids(assessment)
    if can_edit and form is None:
        form = AssessmentForm(
            initial={"revision": assessment.revision, "summary": assessment.summary},
            items=items,
            open_ids=open_ids,
        )
    can_review = assessment.status == AssessmentStatus.SUBMITTED and can(
        user, "assessment.review", assessment
    )
    if can_review and review_form is None:
        review_form = ReviewForm(items=items, guard=items)
    deadline = services.deadline_for(
        campaign=assessment.campaign, unit_id=assessment.unit_id, year=assessment.year
    )
    diffs = selectors.changes_since_return(items) if assessment.status != "draft" else {}
    rows = [
        (
            item,
            review_form.item_fields(item.pk) if can_review else None,
            diffs.get(item.pk) if assessment.status == AssessmentStatus.SUBMITTED else None,
        )
        for item in items
    ]
    return {
        "rows": rows,
        # The queue's risk reasons, where the reviewer reads the file (submitted files only).
        "risk": selectors.risk_of(assessment) if can_review else None,
        "assessment": assessment,
        "items": items,
        "form": form if can_edit else None,
        "review_form": review_form if can_review else None,
        "can_submit": can_edit and can(user, "assessment.submit", assessment),
        "can_reopen": assessment.is_locked and can(user, "assessment.reopen", assessment),
        "reopen_form": ReasonForm(),
        "open_ids": open_ids,
        # The newest few changes; the history page has the rest (the page is reloaded after
        # every save, often over a slow line).
        "history": history[:HISTORY_ON_PAGE],
        "more_history": len(history) > HISTORY_ON_PAGE,
        "deadline": deadline,
        "period_closed": assessment.status == AssessmentStatus.DRAFT
        and deadline.is_closed(timezone.localdate()),
        "total_self": services.score_total(items),
        "total_reviewed": sum((i.reviewer_score for i in items if i.reviewer_score is not None), 0),
        "problems": services.submission_problems(assessment, items) if can_edit else [],
    }


@login_required
def assessment_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change of one self-assessment, newest first, 50 a page."""
    assessment = _assessment_or_404(request, pk)
    require(request.user, "assessment.view", assessment)
    try:
        page = min(max(int(request.GET.get("page", 1)), 1), HISTORY_MAX_PAGES)
    except ValueError:
        page = 1
    end = page * HISTORY_PER_PAGE
    history = selectors.assessment_history(assessment, limit=end + 1)
    shown = history[end - HISTORY_PER_PAGE : end]
    return render(
        request,
        "campaigns/cycle/assessment_history.html",
        {
            "assessment": assessment,
            "history": shown,
            "first_number": end - HISTORY_PER_PAGE + 1,
            "last_number": end - HISTORY_PER_PAGE + len(shown),
            "older": page + 1 if len(history) > end and page < HISTORY_MAX_PAGES else None,
            "newer": page - 1 if page > 1 else None,
        },
    )


@login_required
def assessment_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request, pk)
    require(request.user, "assessment.view", assessment)
    return render(
        request, "campaigns/cycle/assessment_detail.html", _detail_context(request, assessment)
    )


def _bound_form(request, assessment):
    items = selectors.assessment_items(assessment)
    return AssessmentForm(
        request.POST, items=items, open_ids=services.editable_item_ids(assessment)
    )


@require_POST
@login_required
def assessment_save_view(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request, pk)
    require(request.user, "assessment.edit", assessment)
    form = _bound_form(request, assessment)
    if form.is_valid():
        try:
            services.assessment_save(
                assessment=assessment,
                revision=form.cleaned_data["revision"],
                items=form.item_values(),
                summary=form.cleaned_data["summary"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if request.POST.get("then") == "submit":
                return _submit(request, assessment)
            messages.success(request, "Đã lưu bản tự đánh giá.")
            return redirect(assessment)
    messages.error(request, "Chưa lưu được: xem các ô báo lỗi bên dưới.")
    return render(
        request,
        "campaigns/cycle/assessment_detail.html",
        _detail_context(request, assessment, form=form),
        status=400,
    )


@require_POST
@login_required
def assessment_autosave_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """htmx: save the draft as the officer types. Every field that passes validation is saved;
    refused fields are named with their messages (assessment.js marks them in place). Answers a
    status line carrying `data-autosave-result` (saved / partial / stale / refused) and the new
    revision, swapped out-of-band into the hidden input."""
    assessment = _assessment_or_404(request, pk)
    require(request.user, "assessment.edit", assessment)
    form = _bound_form(request, assessment)
    form.is_valid()
    context = {"assessment": assessment, "result": "refused", "errors": [], "field_errors": []}
    if "revision" in form.errors:  # only a crafted POST lacks it: nothing to compare against
        context["errors"] = ["Biểu mẫu thiếu số phiên bản; tải lại trang rồi nhập tiếp."]
        return render(request, "campaigns/cycle/_autosave_status.html", context)
    try:
        saved = services.assessment_save(
            assessment=assessment,
            revision=form.cleaned_data["revision"],
            items=form.valid_item_values(),
            summary=form.cleaned_data.get("summary"),
            by=request.user,
        )
    except ValidationError as exc:
        context.update(errors=exc.messages, result="stale")
    else:
        context.update(
            result="partial" if form.errors else "saved",
            field_errors=form.error_fields(),
            revision=saved.revision,
            saved_at=timezone.localtime(),
        )
    return render(request, "campaigns/cycle/_autosave_status.html", context)


def _submit(request, assessment: Assessment) -> HttpResponse:
    require(request.user, "assessment.submit", assessment)
    try:
        services.assessment_submit(assessment=assessment, by=request.user)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, "Đã nộp bản tự đánh giá. Cơ quan thường trực sẽ thẩm định.")
    return redirect(assessment)


@require_POST
@login_required
def assessment_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request, pk)
    return _submit(request, assessment)


@require_POST
@login_required
def evidence_add_view(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request, pk)
    require(request.user, "assessment.edit", assessment)
    item = get_object_or_404(assessment.items, pk=item_pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Chọn tệp minh chứng trước khi tải lên.")
    else:
        try:
            services.evidence_add(item=item, upload=upload, by=request.user)
        except ValidationError as exc:
            messages.error(request, f"Tiêu chí {item.criterion.number}: {error_text(exc)}")
        else:
            messages.success(request, f"Đã thêm minh chứng cho tiêu chí {item.criterion.number}.")
    return redirect(f"{assessment.get_absolute_url()}#tieu-chi-{item.criterion.number}")


def _evidence_or_404(request, pk) -> Evidence:
    qs = scope(
        request.user,
        Evidence.objects.select_related("item__assessment", "item__criterion"),
        "item__assessment__unit",
    )
    return get_object_or_404(qs, pk=pk)


@login_required
def evidence_download_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    from portal.uploads import attachment_response

    evidence = _evidence_or_404(request, pk)
    require(request.user, "assessment.view", evidence)
    return attachment_response(evidence.file, evidence.original_name, evidence.content_type)


@require_POST
@login_required
def evidence_delete_view(request: AuthedRequest, pk: int) -> HttpResponse:
    evidence = _evidence_or_404(request, pk)
    require(request.user, "assessment.edit", evidence)
    assessment = evidence.item.assessment
    try:
        services.evidence_delete(evidence=evidence, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"Đã xóa minh chứng “{evidence.original_name}”.")
    return redirect(f"{assessment.get_absolute_url()}#tieu-chi-{evidence.item.criterion.number}")


# --- Review ----------------------------------------------------------------------------------


@login_required
@campaign_view
def review_queue_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "assessment.review")
    campaign = request.campaign
    filterset = QueueFilter(
        queue_data(request.GET, year=request.year),
        queryset=selectors.review_queue_picked(request.user, campaign=campaign),
        campaign=campaign,
        user=request.user,
    )
    listing = paginate(request, selectors.review_queue(filterset.qs))
    return render(
        request,
        "campaigns/cycle/review_queue.html",
        {
            "campaign": campaign,
            "filter_form": filterset.form,
            **listing,
            "groups": dict(TargetGroup.choices),
        },
    )


@require_POST
@login_required
@campaign_view
def review_bulk_approve_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "assessment.review")
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdecimal()]
    chosen = list(
        selectors.assessments_visible_to(request.user).filter(
            pk__in=ids, status=AssessmentStatus.SUBMITTED
        )
    )
    if not chosen:
        messages.warning(request, "Chưa chọn bản nào đang chờ thẩm định.")
        return redirect(campaign_url("campaigns:review-queue", request.campaign))
    done, refused = services.assessments_bulk_approve(assessments=chosen, by=request.user)
    if done:
        messages.success(request, f"Đã duyệt {done} bản tự đánh giá.")
    for text in refused:
        messages.error(request, f"Không duyệt được {text}")
    return redirect(campaign_url("campaigns:review-queue", request.campaign))


@require_POST
@login_required
def assessment_review_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """One form: the reviewer's scores and comments, then save, return or approve."""
    assessment = _assessment_or_404(request, pk)
    services.require_reviewer(request.user, assessment)
    items = selectors.assessment_items(assessment)
    form = ReviewForm(request.POST, items=items, guard=items)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            services.review_decide(
                assessment=assessment,
                scores=form.scores(),
                action=action,
                reason=form.cleaned_data["reason"],
                seen=form.seen or "",
                by=request.user,
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            text = {
                "return": "Đã trả lại bản tự đánh giá để đơn vị bổ sung.",
                "approve": "Đã duyệt bản tự đánh giá.",
            }.get(action, "Đã lưu kết quả thẩm định.")
            messages.success(request, text)
            if action in ("return", "approve"):
                return redirect(campaign_url("campaigns:review-queue", assessment.campaign))
            return redirect(assessment)
    messages.error(request, "Chưa lưu được kết quả thẩm định: xem các lỗi bên dưới.")
    return render(
        request,
        "campaigns/cycle/assessment_detail.html",
        _detail_context(request, assessment, review_form=form),
        status=400,
    )


@require_POST
@login_required
def assessment_reopen_view(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request, pk)
    require(request.user, "assessment.reopen", assessment)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_reopen(
                assessment=assessment, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, "Đã mở lại bản tự đánh giá để thẩm định lại.")
    else:
        messages.error(request, "Mở lại bản đã duyệt phải ghi rõ lý do.")
    return redirect(assessment)


# --- Extensions ------------------------------------------------------------------------------


@login_required
@campaign_view
def extension_list_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "assessment.view")
    return _extension_list(request, request.campaign)


def _extension_list(
    request: HttpRequest, campaign, *, bound=None, status: int = 200
) -> HttpResponse:
    """The extension requests; each pending one carries its decision form (guarded by the
    request's row). `bound` = (request pk, form) puts a refused decision back as typed."""
    qs = selectors.extensions_visible_to(request.user).filter(campaign=campaign)
    qs = ExtensionFilter(request.GET, queryset=qs).qs
    listing = paginate(request, qs.order_by("status", "-requested_at"))
    page = listing["page"]
    can_decide = can(request.user, "extension.grant")
    for x in page if can_decide else ():
        if bound is not None and bound[0] == x.pk:
            x.decide_form = bound[1]
        elif x.status == ExtensionStatus.PENDING:
            x.decide_form = DecideForm(guard=x, auto_id=False)
    form = None
    if has_capability(request.user, "extension.request"):
        form = ExtensionForm(
            user=request.user,
            campaign=campaign,
            initial={"year": default_year(campaign)},
        )
    return render(
        request,
        "campaigns/cycle/extension_list.html",
        {
            "campaign": campaign,
            **listing,
            "form": form,
            "statuses": ExtensionStatus.choices,
        },
        status=status,
    )


@require_POST
@login_required
@campaign_view
def extension_request_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "extension.request")
    campaign = request.campaign
    form = ExtensionForm(request.POST, user=request.user, campaign=campaign)
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        require(request.user, "extension.request", unit)
        try:
            services.extension_request(
                campaign=campaign,
                unit=unit,
                year=form.cleaned_data["year"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, "Đã gửi đề nghị gia hạn tới Cơ quan thường trực.")
    else:
        if "unit" in form.errors:
            raise Http404
        messages.error(request, "Đề nghị chưa hợp lệ: nêu lý do và chọn năm.")
    return redirect(campaign_url("campaigns:extension-list", campaign))


@require_POST
@login_required
def extension_decide_view(request: AuthedRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(selectors.extensions_visible_to(request.user), pk=pk)
    require(request.user, "extension.grant", extension)
    form = DecideForm(request.POST, guard=extension, auto_id=False)
    if not form.is_valid() and form.non_field_errors():
        # Changed since the list was built: the list again, with the decision as typed.
        return _extension_list(request, extension.campaign, bound=(extension.pk, form), status=409)
    if form.is_valid():
        try:
            services.extension_decide(
                extension=extension,
                grant=form.cleaned_data["decision"] == "grant",
                until=form.cleaned_data["until"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, f"Đã xử lý đề nghị gia hạn của {extension.unit.name}.")
    else:
        messages.error(request, "Chọn quyết định và ngày gia hạn hợp lệ.")
    return redirect(campaign_url("campaigns:extension-list", extension.campaign))


# --- Unit page panel -------------------------------------------------------------------------


@login_required
def unit_assessments_panel_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(scope(request.user, Unit.objects.all(), "pk"), pk=pk)
    require(request.user, "assessment.view", unit)
    return render(
        request,
        "campaigns/cycle/_unit_assessments_panel.html",
        {"unit": unit, "rows": selectors.unit_assessment_summary(unit)},
    )
