"""Oversight pages: inspections, sponsorship results, difficulties, budget needs, news and the
chairman's figure releases. Thin views: scope (404) → capability (403) → form → service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal.access import can, require, scope
from portal.concurrency import SEEN_FIELD, RowActionForm
from portal.web import AuthedRequest, attach, paginate
from units.models import Unit

from ..context import CampaignRequest, campaign_url, campaign_view, year_in
from . import exports, selectors, services
from .filters import BudgetFilter, FeedbackFilter, InspectionFilter, chosen
from .forms import (
    BudgetApproveForm,
    BudgetLineForm,
    FeedbackAnswerForm,
    FeedbackAssignForm,
    FeedbackForm,
    FindingForm,
    InspectionForm,
    NewsForm,
    RecommendationAnswerForm,
    RecommendationFollowUpForm,
    ReleaseForm,
    SponsorshipResultForm,
)
from .models import (
    BudgetLine,
    BudgetStatus,
    FeedbackAttachment,
    FigureRelease,
    NewsItem,
    SponsorshipResult,
)


def _data(form) -> dict:
    """The form's values for a service, without the edit guard's token."""
    return {k: v for k, v in form.cleaned_data.items() if k != SEEN_FIELD}


def _year_param(request: CampaignRequest) -> int | None:
    """The year a campaign's list is filtered by: `?year=` when it names one of the campaign's
    years (checked once, by campaign_view), else none (every year)."""
    return request.year if request.year_asked else None


# --- Inspections ------------------------------------------------------------------------------


@login_required
@campaign_view
def inspection_list_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "inspection.view")
    qs = selectors.inspections_for_list(request.user).filter(campaign=request.campaign)
    year = _year_param(request)
    if year:
        qs = qs.filter(year=year)
    inspection_filter = InspectionFilter(request.GET, queryset=qs)
    qs, kind = inspection_filter.qs, chosen(inspection_filter, "kind")
    return render(
        request,
        "campaigns/oversight/inspection_list.html",
        {
            **paginate(request, qs),
            "campaign": request.campaign,
            "year": year,
            "kind": kind,
            "filter_form": inspection_filter.form,
            "can_manage": can(request.user, "inspection.manage"),
            "open_recommendations": selectors.recommendations_visible_to(request.user)
            .filter(status="open")
            .order_by("finding__inspection__year", "pk")[:50]
            if not can(request.user, "inspection.manage")
            else None,
        },
    )


def _inspection_form_kwargs(form) -> dict:
    d = form.cleaned_data
    return {
        "year": d["year"],
        "kind": d["kind"],
        "title": d["title"],
        "start_date": d["start_date"],
        "end_date": d["end_date"],
        "leader": d["leader"],
        "members": d["members"],
        "other_members": d["other_members"],
        "units": d["units"],
        "with_ntm_appraisal": d["with_ntm_appraisal"],
        "appraisal_reference": d["appraisal_reference"],
        "is_done": d["is_done"],
    }


@login_required
@campaign_view
def inspection_create_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "inspection.manage")
    campaign = request.campaign
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_save(
                inspection=None, campaign=campaign, **_inspection_form_kwargs(form)
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, f"Đã thêm đợt “{inspection.title}” vào kế hoạch.")
            return redirect(inspection)
    return render(
        request,
        "campaigns/oversight/inspection_form.html",
        {"form": form, "title": "Thêm đợt kiểm tra, giám sát", "campaign": campaign},
    )


@login_required
def inspection_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(selectors.inspections_visible_to(request.user), pk=pk)
    require(request.user, "inspection.manage")
    initial = {
        "year": inspection.year,
        "kind": inspection.kind,
        "title": inspection.title,
        "start_date": inspection.start_date,
        "end_date": inspection.end_date,
        "leader": inspection.leader,
        "members": list(inspection.members.all()),
        "other_members": inspection.other_members,
        "units": list(inspection.units.all()),
        "with_ntm_appraisal": inspection.with_ntm_appraisal,
        "appraisal_reference": inspection.appraisal_reference,
        "is_done": inspection.is_done,
    }
    form = InspectionForm(request.POST or None, initial=initial, guard=inspection)
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_save(
                inspection=inspection,
                campaign=inspection.campaign,
                is_sample=inspection.is_sample,
                **_inspection_form_kwargs(form),
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Đã lưu thay đổi của đợt kiểm tra, giám sát.")
            return redirect(inspection)
    return render(
        request,
        "campaigns/oversight/inspection_form.html",
        {
            "form": form,
            "title": f"Sửa: {inspection.title}",
            "inspection": inspection,
            "campaign": inspection.campaign,
        },
    )


def _inspection_detail(
    request: HttpRequest, inspection, *, bound=None, finding_form=None, status: int = 200
):
    """The inspection page. Each recommendation carries its own answer and follow-up forms
    (guarded by the recommendation's row); `bound` = (recommendation pk, form) puts a refused
    form back in its place with what the person typed."""
    findings = selectors.inspection_findings(request.user, inspection)
    can_manage = can(request.user, "inspection.manage")
    for finding in findings:
        finding.can_answer = can(request.user, "inspection.answer", finding)  # type: ignore[attr-defined]
        for rec in finding.recommendations.all():
            rec.answer_form = RecommendationAnswerForm(  # type: ignore[attr-defined]
                initial={"response": rec.response}, guard=rec, auto_id=False
            )
            rec.followup_form = RecommendationFollowUpForm(  # type: ignore[attr-defined]
                initial={"status": rec.status, "note": rec.follow_up_note},
                guard=rec,
                auto_id=False,
            )
            if bound is not None and bound[0] == rec.pk:
                form = bound[1]
                if isinstance(form, RecommendationAnswerForm):
                    rec.answer_form = form  # type: ignore[attr-defined]
                else:
                    rec.followup_form = form  # type: ignore[attr-defined]
    return render(
        request,
        "campaigns/oversight/inspection_detail.html",
        {
            "inspection": inspection,
            "findings": findings,
            "can_manage": can_manage,
            "finding_form": finding_form
            or (FindingForm(inspection=inspection) if can_manage else None),
            "history": inspection.history.select_related("history_user")[:10] if can_manage else [],
        },
        status=status,
    )


def _inspection_for_page(request: HttpRequest, pk: int):
    return get_object_or_404(
        selectors.inspections_visible_to(request.user).prefetch_related("members", "units"),
        pk=pk,
    )


@login_required
def inspection_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection_for_page(request, pk)
    require(request.user, "inspection.view")
    return _inspection_detail(request, inspection)


@require_POST
@login_required
def finding_create_view(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(selectors.inspections_visible_to(request.user), pk=pk)
    require(request.user, "inspection.manage")
    form = FindingForm(request.POST, inspection=inspection)
    if form.is_valid():
        try:
            services.finding_create(
                inspection=inspection,
                unit=form.cleaned_data["unit"],
                content=form.cleaned_data["content"],
                recommendations=form.recommendation_lines(),
                due_date=form.cleaned_data["due_date"],
                by=request.user,
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Đã thêm kết luận và kiến nghị.")
            return redirect(inspection)
    return _inspection_detail(request, inspection, finding_form=form, status=400)


@require_POST
@login_required
def recommendation_answer_view(request: AuthedRequest, pk: int) -> HttpResponse:
    rec = get_object_or_404(selectors.recommendations_visible_to(request.user), pk=pk)
    require(request.user, "inspection.answer", rec)
    form = RecommendationAnswerForm(request.POST, guard=rec, auto_id=False)
    if form.is_valid():
        try:
            services.recommendation_answer(
                recommendation=rec, response=form.cleaned_data["response"], by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Đã gửi trả lời kiến nghị.")
            return redirect(rec.finding.inspection)
    elif form.non_field_errors():
        # Refused (changed since the page was built): the page again, with the typed answer.
        inspection = _inspection_for_page(request, rec.finding.inspection_id)
        return _inspection_detail(request, inspection, bound=(rec.pk, form), status=409)
    else:
        messages.error(request, "Nhập nội dung trả lời trước khi gửi.")
    return redirect(rec.finding.inspection)


@require_POST
@login_required
def recommendation_follow_up_view(request: HttpRequest, pk: int) -> HttpResponse:
    rec = get_object_or_404(selectors.recommendations_visible_to(request.user), pk=pk)
    require(request.user, "inspection.manage")
    form = RecommendationFollowUpForm(request.POST, guard=rec, auto_id=False)
    if form.is_valid():
        services.recommendation_follow_up(
            recommendation=rec, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
        )
        messages.success(request, "Đã cập nhật tình trạng khắc phục.")
    elif form.non_field_errors():
        inspection = _inspection_for_page(request, rec.finding.inspection_id)
        return _inspection_detail(request, inspection, bound=(rec.pk, form), status=409)
    else:
        messages.error(request, "Chọn kết quả theo dõi.")
    return redirect(rec.finding.inspection)


# --- Sponsorship results ----------------------------------------------------------------------


@login_required
@campaign_view
def sponsorship_list_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "sponsorship.view")
    qs = (
        selectors.sponsorships_visible_to(request.user)
        .filter(campaign=request.campaign)
        .prefetch_related("yearly_results")
        .order_by("-campaign__start_year", "sponsor__name")
    )
    listing = paginate(request, qs)
    page = listing["page"]
    for pair in page:
        pair.can_report = can(request.user, "sponsorship.report", pair.sponsor)  # type: ignore[attr-defined]
    return render(
        request,
        "campaigns/oversight/sponsorship_list.html",
        {**listing, "campaign": request.campaign},
    )


@login_required
def sponsorship_result_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(selectors.sponsorships_visible_to(request.user), pk=pk)
    require(request.user, "sponsorship.report", pair.sponsor)
    year = year_in(pair.campaign, request.GET.get("year"))
    existing = (
        SponsorshipResult.objects.filter(sponsorship=pair, year=year).first() if year else None
    )
    initial = (
        {
            "year": existing.year,
            "commitment": existing.commitment,
            "support": existing.support,
            "amount_vnd": existing.amount_vnd,
        }
        if existing
        else {"year": year}
    )
    form = SponsorshipResultForm(
        request.POST or None, initial=initial, **services.sponsorship_result_guard(pair)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.sponsorship_result_save(sponsorship=pair, seen=form.seen or "", **_data(form))
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, f"Đã lưu kết quả giúp đỡ năm {form.cleaned_data['year']}.")
            return redirect(campaign_url("campaigns:oversight:sponsorship-list", pair.campaign))
    return render(
        request,
        "campaigns/oversight/sponsorship_result_form.html",
        {"form": form, "pair": pair},
    )


# --- Difficulties -----------------------------------------------------------------------------


def _feedback_filtered(request: CampaignRequest):
    units = selectors.sender_units(request.user)
    qs = selectors.feedback_visible_to(request.user).filter(campaign=request.campaign)
    feedback_filter = FeedbackFilter(request.GET or None, queryset=qs, units=units)
    return feedback_filter, feedback_filter.qs


@login_required
@campaign_view
def feedback_list_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "feedback.view")
    form, qs = _feedback_filtered(request)
    return render(
        request,
        "campaigns/oversight/feedback_list.html",
        {
            "filter": form,
            "campaign": request.campaign,
            **paginate(request, qs),
            "can_send": can(request.user, "feedback.send"),
            "can_export": can(request.user, "feedback.export"),
        },
    )


@login_required
@campaign_view
def feedback_export_view(request: CampaignRequest) -> HttpResponseBase:
    require(request.user, "feedback.export")
    _form, qs = _feedback_filtered(request)
    return exports.feedback_xlsx_response(qs)


@login_required
@campaign_view
def feedback_create_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "feedback.send")
    campaign = request.campaign
    form = FeedbackForm(
        request.POST or None,
        request.FILES or None,
        units=selectors.sender_units(request.user),
        initial={"year": request.year},
    )
    own = request.user.units.order_by("name").first()
    if own is not None:
        form.fields["unit"].initial = own.pk
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        require(request.user, "feedback.send", unit)
        try:
            feedback = services.feedback_send(
                campaign=campaign,
                unit=unit,
                year=form.cleaned_data["year"],
                kind=form.cleaned_data["kind"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
                by=request.user,
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(
                request, "Đã gửi đến Cơ quan thường trực. Trả lời sẽ hiện ở trang này."
            )
            return redirect(feedback)
    return render(
        request, "campaigns/oversight/feedback_form.html", {"form": form, "campaign": campaign}
    )


def _feedback_detail(
    request: HttpRequest, feedback, *, answer_form=None, assign_form=None, status=200
):
    can_answer = can(request.user, "feedback.answer", feedback)
    return render(
        request,
        "campaigns/oversight/feedback_detail.html",
        {
            "feedback": feedback,
            "attachments": feedback.attachments.all(),
            "can_answer": can_answer,
            "assign_form": assign_form
            or (
                FeedbackAssignForm(initial={"assignee": feedback.assignee_id}, guard=feedback)
                if can_answer
                else None
            ),
            "answer_form": answer_form
            or (
                FeedbackAnswerForm(
                    initial={
                        "answer": feedback.answer,
                        "led_to_adjustment": feedback.led_to_adjustment,
                        "adjustment_note": feedback.adjustment_note,
                    },
                    guard=feedback,
                )
                if can_answer
                else None
            ),
            "history": feedback.history.select_related("history_user")[:10] if can_answer else [],
        },
        status=status,
    )


@login_required
def feedback_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = get_object_or_404(selectors.feedback_visible_to(request.user), pk=pk)
    require(request.user, "feedback.view", feedback)
    return _feedback_detail(request, feedback)


@require_POST
@login_required
def feedback_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = get_object_or_404(selectors.feedback_visible_to(request.user), pk=pk)
    require(request.user, "feedback.answer", feedback)
    form = FeedbackAssignForm(request.POST, guard=feedback)
    if not form.is_valid():
        if form.non_field_errors():  # changed since the page was built: show it, keep the choice
            return _feedback_detail(request, feedback, assign_form=form, status=409)
        messages.error(request, "Chọn người xử lý trong cơ quan thường trực.")
        return redirect(feedback)
    try:
        services.feedback_assign(feedback=feedback, assignee=form.cleaned_data["assignee"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Đã giao cho {form.cleaned_data['assignee'].display_name}.")
    return redirect(feedback)


@require_POST
@login_required
def feedback_answer_view(request: AuthedRequest, pk: int) -> HttpResponse:
    feedback = get_object_or_404(selectors.feedback_visible_to(request.user), pk=pk)
    require(request.user, "feedback.answer", feedback)
    form = FeedbackAnswerForm(request.POST, guard=feedback)
    if form.is_valid():
        try:
            services.feedback_answer(feedback=feedback, by=request.user, **_data(form))
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # a state conflict, not a field mistake
                messages.error(request, " ".join(exc.messages))
                return redirect(feedback)
            attach(form, exc)
        else:
            messages.success(request, "Đã trả lời và báo cho đơn vị gửi.")
            return redirect(feedback)
    return _feedback_detail(request, feedback, answer_form=form, status=400)


@require_POST
@login_required
def feedback_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = get_object_or_404(selectors.feedback_visible_to(request.user), pk=pk)
    require(request.user, "feedback.answer", feedback)
    try:
        services.feedback_close(feedback=feedback)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Đã đóng.")
    return redirect(feedback)


@login_required
def feedback_attachment_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    from portal.uploads import attachment_response

    attachment = get_object_or_404(
        scope(
            request.user, FeedbackAttachment.objects.select_related("feedback"), "feedback__unit"
        ),
        pk=pk,
    )
    require(request.user, "feedback.view", attachment)
    return attachment_response(attachment.file, attachment.original_name, attachment.content_type)


# --- Budget -----------------------------------------------------------------------------------


@login_required
@campaign_view
def budget_list_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "budget.view")
    return _budget_list(request, request.campaign, _year_param(request))


def _budget_list(
    request: HttpRequest, campaign, year: int | None, *, bound=None, status: int = 200
) -> HttpResponse:
    """The budget list; each submitted line carries its approval form (guarded by the line's
    row). `bound` = (line pk, form) puts a refused approval back with what was typed."""
    qs = selectors.budget_lines().filter(campaign=campaign)
    totals = selectors.budget_totals(qs)
    if year:
        qs = qs.filter(year=year)
    budget_filter = BudgetFilter(request.GET, queryset=qs)
    qs, status_filter = budget_filter.qs, chosen(budget_filter, "status")
    listing = paginate(request, qs)
    page = listing["page"]
    can_manage = can(request.user, "budget.manage")
    for line in page if can_manage else ():
        if line.status == BudgetStatus.PROPOSED:
            line.submit_form = RowActionForm(guard=line, auto_id=False)
        if bound is not None and bound[0] == line.pk:
            line.approve_form = bound[1]
        elif line.status == BudgetStatus.SUBMITTED:
            line.approve_form = BudgetApproveForm(
                initial={"approved_amount_vnd": line.amount_vnd}, guard=line, auto_id=False
            )
    return render(
        request,
        "campaigns/oversight/budget_list.html",
        {
            **listing,
            "campaign": campaign,
            "totals": totals,
            "year": year,
            "status": status_filter,
            "filter_form": budget_filter.form,
            "can_manage": can_manage,
        },
        status=status,
    )


@login_required
@campaign_view
def budget_export_view(request: CampaignRequest) -> HttpResponseBase:
    require(request.user, "budget.view")
    qs = selectors.budget_lines().filter(campaign=request.campaign)
    year = _year_param(request)
    if year:
        qs = qs.filter(year=year)
    return exports.budget_xlsx_response(qs, year=year)


@login_required
@campaign_view
def budget_create_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "budget.manage")
    campaign = request.campaign
    form = BudgetLineForm(request.POST or None, initial={"year": _year_param(request)})
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_save(line=None, campaign=campaign, by=request.user, **_data(form))
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Đã thêm dòng kinh phí.")
            return redirect(campaign_url("campaigns:oversight:budget-list", campaign))
    return render(
        request,
        "campaigns/oversight/budget_form.html",
        {"form": form, "title": "Thêm nhu cầu kinh phí", "campaign": campaign},
    )


@login_required
def budget_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(BudgetLine, pk=pk)
    require(request.user, "budget.manage")
    form = BudgetLineForm(
        request.POST or None,
        initial={
            "year": line.year,
            "kind": line.kind,
            "description": line.description,
            "amount_vnd": line.amount_vnd,
            "proposing_unit": line.proposing_unit,
        },
        guard=line,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_save(
                line=line,
                campaign=line.campaign,
                by=request.user,
                is_sample=line.is_sample,
                **_data(form),
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Đã lưu dòng kinh phí.")
            return redirect(campaign_url("campaigns:oversight:budget-list", line.campaign))
    return render(
        request,
        "campaigns/oversight/budget_form.html",
        {
            "form": form,
            "title": f"Sửa dòng kinh phí: {line.description}",
            "line": line,
            "campaign": line.campaign,
        },
    )


@require_POST
@login_required
def budget_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(BudgetLine, pk=pk)
    require(request.user, "budget.manage")
    form = RowActionForm(request.POST, guard=line, auto_id=False)
    if not form.is_valid():  # changed since the list was built: submit only what was seen
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
        return redirect(campaign_url("campaigns:oversight:budget-list", line.campaign))
    try:
        services.budget_line_submit(line=line)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Đã trình cơ quan tổng hợp.")
    return redirect(campaign_url("campaigns:oversight:budget-list", line.campaign))


@require_POST
@login_required
def budget_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(BudgetLine, pk=pk)
    require(request.user, "budget.manage")
    form = BudgetApproveForm(request.POST, guard=line, auto_id=False)
    if not form.is_valid():
        if form.non_field_errors():  # changed since the list was built: show it, keep the input
            return _budget_list(request, line.campaign, None, bound=(line.pk, form), status=409)
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, "Không ghi nhận được phê duyệt: " + " ".join(errors))
        return redirect(campaign_url("campaigns:oversight:budget-list", line.campaign))
    try:
        services.budget_line_approve(line=line, **_data(form))
    except ValidationError as exc:
        messages.error(request, "Không ghi nhận được phê duyệt: " + " ".join(exc.messages))
    else:
        messages.success(request, "Đã ghi nhận số tiền được duyệt.")
    return redirect(campaign_url("campaigns:oversight:budget-list", line.campaign))


# --- News -------------------------------------------------------------------------------------


@login_required
@campaign_view
def news_list_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "news.publish")
    qs = NewsItem.objects.filter(campaign=request.campaign).select_related("campaign", "created_by")
    listing = paginate(request, qs)
    page = listing["page"]
    for item in page:
        item.publish_form = RowActionForm(guard=item, auto_id=False)
    return render(
        request,
        "campaigns/oversight/news_list.html",
        {
            **listing,
            "campaign": request.campaign,
        },
    )


@login_required
@campaign_view
def news_create_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "news.publish")
    campaign = request.campaign
    form = NewsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.news_save(item=None, campaign=campaign, by=request.user, **_data(form))
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Đã lưu bản nháp. Tin chỉ hiện công khai sau khi đăng.")
            return redirect(campaign_url("campaigns:oversight:news-list", campaign))
    return render(
        request,
        "campaigns/oversight/news_form.html",
        {"form": form, "title": "Viết tin", "campaign": campaign},
    )


@login_required
def news_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(NewsItem, pk=pk)
    require(request.user, "news.publish")
    form = NewsForm(
        request.POST or None, initial={"title": item.title, "body": item.body}, guard=item
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.news_save(
                item=item,
                campaign=item.campaign,
                by=request.user,
                is_sample=item.is_sample,
                **_data(form),
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Đã lưu tin.")
            return redirect(campaign_url("campaigns:oversight:news-list", item.campaign))
    return render(
        request,
        "campaigns/oversight/news_form.html",
        {"form": form, "title": f"Sửa tin: {item.title}", "item": item, "campaign": item.campaign},
    )


@require_POST
@login_required
def news_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(NewsItem, pk=pk)
    require(request.user, "news.publish")
    publish = request.POST.get("action") != "unpublish"
    form = RowActionForm(request.POST, guard=item, auto_id=False)
    if publish and not form.is_valid():  # publish only the text the list showed
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
        return redirect(campaign_url("campaigns:oversight:news-list", item.campaign))
    try:
        services.news_publish(item=item, publish=publish)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Đã đăng tin." if publish else "Đã gỡ tin khỏi trang công khai.")
    return redirect(campaign_url("campaigns:oversight:news-list", item.campaign))


# --- Released figures -------------------------------------------------------------------------


@login_required
@campaign_view
def release_list_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "figures.release")
    campaign = request.campaign
    from .figures import target_figures

    year = request.year
    form = ReleaseForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        try:
            release = services.figures_release(
                campaign=campaign, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, f"Đã công bố số liệu năm {release.year} lên trang công khai.")
            return redirect(campaign_url("campaigns:oversight:release-list", campaign))
    return render(
        request,
        "campaigns/oversight/release_list.html",
        {
            "campaign": campaign,
            "form": form,
            "preview_year": year,
            "preview": target_figures(campaign, year),
            "releases": FigureRelease.objects.filter(campaign=campaign).select_related(
                "released_by"
            ),
        },
    )


# --- Panels on the unit page ------------------------------------------------------------------


def _unit_in_scope(request: HttpRequest, pk: int) -> Unit:
    unit = get_object_or_404(scope(request.user, Unit.objects.all(), "pk"), pk=pk)
    require(request.user, "unit.view", unit)
    return unit


@login_required
def unit_sponsorship_panel_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_in_scope(request, pk)
    require(request.user, "sponsorship.view")
    pairs = selectors.unit_sponsorships_with_results(unit)
    for pair in pairs:
        pair.can_report = can(request.user, "sponsorship.report", pair.sponsor)  # type: ignore[attr-defined]
    return render(
        request,
        "campaigns/oversight/_unit_sponsorship_panel.html",
        {"unit": unit, "pairs": pairs},
    )


@login_required
def unit_oversight_panel_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit_in_scope(request, pk)
    require(request.user, "feedback.view", unit)
    return render(
        request,
        "campaigns/oversight/_unit_oversight_panel.html",
        {
            "unit": unit,
            "feedback": selectors.feedback_visible_to(request.user).filter(unit=unit)[:20],
            "recommendations": selectors.recommendations_visible_to(request.user)
            .filter(finding__unit=unit)
            .order_by("-finding__inspection__year", "pk")[:20],
        },
    )
