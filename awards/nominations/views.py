"""Nomination pages, exemplars and the public pages (consultation, exemplars): thin views —
scope (404), capability (403), form, one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from campaigns.context import CampaignRequest, campaign_view
from campaigns.models import Campaign
from portal import throttle
from portal.access import can, require
from portal.uploads import attachment_response
from portal.web import AuthedRequest, attach, error_text, filtered_export, paginate

from ..history.selectors import awards_of
from ..models import (
    Exemplar,
    Nomination,
    NominationDocument,
)
from ..selectors import vote_rule_for
from . import exports, services
from . import selectors as sel
from .filters import NominationFilter
from .forms import CheckForm, CommentForm, DocumentForm, ExemplarForm, NominationForm, NoteForm


def _filtered_nominations(request: CampaignRequest) -> NominationFilter:
    """The campaign's nominations (campaigns.context) the user may see, filtered by `?…`."""
    nominations = sel.nominations_for_list(request.user).filter(campaign=request.campaign)
    return NominationFilter(request.GET or None, queryset=nominations, request=request)


@login_required
@campaign_view
def nomination_list_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "nomination.view")
    nomination_filter = _filtered_nominations(request)
    return render(
        request,
        "awards/nominations/nomination_list.html",
        {
            "campaign": request.campaign,
            **paginate(request, nomination_filter.qs),
            "filter": nomination_filter,
            "can_propose": can(request.user, "nomination.propose"),
        },
    )


@login_required
@campaign_view
def nomination_export_view(request: CampaignRequest) -> HttpResponseBase:
    require(request.user, "nomination.view")
    return filtered_export(
        _filtered_nominations(request),
        columns=exports.NOMINATION_COLUMNS,
        row=exports.nomination_row,
        filename="de-nghi-khen-thuong.xlsx",
        sheet_title="Đề nghị khen thưởng",
        title="DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
    )


@login_required
@campaign_view
def nomination_create_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "nomination.propose")
    form = NominationForm(request.POST or None, user=request.user, campaign=request.campaign)
    if form.is_bound and form.names_rows_outside_scope():
        raise Http404
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        require(request.user, "nomination.propose", data["proposer_unit"])
        try:
            nomination = services.nomination_create(
                by=request.user,
                campaign=data["campaign"],
                tier=data["tier"],
                proposer_unit=data["proposer_unit"],
                period_kind=data["period_kind"],
                period_year=data["period_year"],
                achievements=data["achievements"],
                unit=data["unit"],
                person=data["person"],
                exemplars=data["exemplars"],
                facts=form.facts(),
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Đã lưu dự thảo đề nghị. Hãy tải lên hồ sơ rồi gửi.")
            return redirect(nomination)
    return render(
        request,
        "awards/nominations/nomination_form.html",
        {"form": form, "campaign": request.campaign},
    )


def _nomination(request: AuthedRequest, pk: int) -> Nomination:
    return get_object_or_404(
        sel.nominations_visible_to(request.user).select_related(
            "tier",
            "unit",
            "person__affiliation",
            "proposer_unit",
            "campaign",
            "override_by",
            "decision",
            "forwarding",
        ),
        pk=pk,
    )


@login_required
def nomination_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    require(request.user, "nomination.view", nomination)
    return _nomination_page(request, nomination)


def _nomination_page(
    request: AuthedRequest,
    nomination: Nomination,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The nomination page. Its action forms carry the edit guard of the nomination's row;
    `bound` (context name → form) puts a refused form back with what was typed."""
    may = sel.nomination_actions(request.user, nomination)
    return render(
        request,
        "awards/nominations/nomination_detail.html",
        {
            "n": nomination,
            "results": sel.eligibility_shown(nomination),
            "documents": nomination.documents.all(),
            "missing": sel.missing_documents(nomination),
            "events": nomination.events.select_related("by"),
            "comments": nomination.comments.all() if may.read_comments else None,
            "show_contact": may.see_contact,
            "exemplars": nomination.exemplars.all(),
            "history": awards_of(
                unit=nomination.unit if not nomination.person_id else None, person=nomination.person
            )[:20],
            "vote_rule": vote_rule_for(nomination.tier, nomination.reference_date),
            "doc_form": DocumentForm() if may.submit else None,
            "can_submit": may.submit,
            "can_check": may.check,
            "check_form": CheckForm(guard=nomination, auto_id="check_%s"),
            "return_form": _return_form(nomination),
            "reject_form": _reject_form(nomination),
            "can_consult": may.consult,
            "can_reject": may.reject,
            **(bound or {}),
            "refused": _refused(bound),
        },
        status=status,
    )


def _return_form(nomination: Nomination, data=None) -> NoteForm:
    return NoteForm(data, guard=nomination, auto_id="return-%s", label="Lý do trả lại")


def _reject_form(nomination: Nomination, data=None) -> NoteForm:
    return NoteForm(data, guard=nomination, auto_id="reject-%s", label="Lý do không khen thưởng")


def _refused(bound: dict[str, forms.Form] | None) -> dict[str, Any] | None:
    """The refused form and what was typed in it, shown above the actions (the action itself
    may no longer be offered: the nomination has moved on)."""
    if not bound:
        return None
    form = next(iter(bound.values()))
    typed = next((form.data.get(k) for k in ("note", "override_reason") if form.data.get(k)), "")
    return {"form": form, "typed": typed}


@require_POST
@login_required
def nomination_document_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    require(request.user, "nomination.propose", nomination)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.nomination_document_add(
                nomination=nomination,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                by=request.user,
            )
            messages.success(request, "Đã tải lên tài liệu.")
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    else:
        messages.error(request, "Chọn loại tài liệu và tệp cần tải lên.")
    return redirect(nomination)


@login_required
def nomination_document_download_view(
    request: AuthedRequest, pk: int, doc_pk: int
) -> HttpResponseBase:
    nomination = _nomination(request, pk)
    require(request.user, "nomination.view", nomination)
    doc = get_object_or_404(NominationDocument, pk=doc_pk, nomination=nomination)
    return attachment_response(doc.file, doc.original_name, doc.content_type)


def _post_service(
    request: AuthedRequest,
    nomination: Nomination,
    capability: str,
    call: Callable[[], object],
    success: str,
    *,
    form: forms.Form | None = None,
    name: str = "",
) -> HttpResponse:
    """Check the capability, then the page's form (`form`, shown again as `name` when the
    nomination changed since the page was built), then call the service."""
    require(request.user, capability, nomination)
    if form is not None and not form.is_valid():
        if form.non_field_errors():
            # Refused: the page again with the current nomination, the message and the input.
            nomination.refresh_from_db()
            return _nomination_page(request, nomination, bound={name: form}, status=409)
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(nomination)
    try:
        call()
        messages.success(request, success)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(nomination)


@require_POST
@login_required
def nomination_submit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    n = _nomination(request, pk)
    return _post_service(
        request,
        n,
        "nomination.propose",
        lambda: services.nomination_submit(nomination=n, by=request.user),
        "Đã gửi đề nghị đến Cơ quan thường trực.",
    )


@require_POST
@login_required
def nomination_return_view(request: AuthedRequest, pk: int) -> HttpResponse:
    n = _nomination(request, pk)
    form = _return_form(n, request.POST)
    return _post_service(
        request,
        n,
        "nomination.check",
        lambda: services.nomination_return(
            nomination=n, by=request.user, note=form.cleaned_data["note"]
        ),
        "Đã trả lại hồ sơ để đơn vị bổ sung.",
        form=form,
        name="return_form",
    )


@require_POST
@login_required
def nomination_check_view(request: AuthedRequest, pk: int) -> HttpResponse:
    n = _nomination(request, pk)
    form = CheckForm(request.POST, guard=n, auto_id="check_%s")
    if form.reason():
        require(request.user, "nomination.override", n)
    return _post_service(
        request,
        n,
        "nomination.check",
        lambda: services.nomination_check(
            nomination=n, by=request.user, override_reason=form.reason()
        ),
        "Đã thẩm định đề nghị.",
        form=form,
        name="check_form",
    )


@require_POST
@login_required
def nomination_consultation_view(request: AuthedRequest, pk: int) -> HttpResponse:
    n = _nomination(request, pk)
    return _post_service(
        request,
        n,
        "nomination.check",
        lambda: services.consultation_open(nomination=n, by=request.user),
        "Đã công khai danh sách để lấy ý kiến.",
    )


@require_POST
@login_required
def nomination_reject_view(request: AuthedRequest, pk: int) -> HttpResponse:
    n = _nomination(request, pk)
    form = _reject_form(n, request.POST)
    return _post_service(
        request,
        n,
        "decision.sign",
        lambda: services.nomination_reject(
            nomination=n, by=request.user, note=form.cleaned_data["note"]
        ),
        "Đã ghi nhận không khen thưởng trường hợp này.",
        form=form,
        name="reject_form",
    )


@login_required
def exemplar_list_view(request: AuthedRequest) -> HttpResponse:
    require(request.user, "award.view")
    qs = (
        sel.exemplars_visible_to(request.user)
        .select_related("unit", "person", "campaign")
        .order_by("-year", "title")
    )
    return render(
        request,
        "awards/nominations/exemplar_list.html",
        {
            **paginate(request, qs),
            "can_manage": can(request.user, "exemplar.manage"),
        },
    )


@login_required
def exemplar_edit_view(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "exemplar.manage")
    exemplar = get_object_or_404(Exemplar, pk=pk) if pk else None
    form = ExemplarForm(request.POST or None, instance=exemplar)
    if request.method == "POST" and form.is_valid():
        try:
            d = form.cleaned_data
            services.exemplar_save(
                exemplar=exemplar,
                by=request.user,
                campaign=d["campaign"],
                kind=d["kind"],
                title=d["title"],
                year=d["year"],
                unit=d["unit"],
                person=d["person"],
                summary=d["summary"],
                recognised_by=d["recognised_by"],
                is_published=d["is_published"],
                is_sample=d["is_sample"],
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Đã lưu điển hình, sáng kiến.")
            return redirect("awards:exemplar-list")
    return render(
        request, "awards/nominations/exemplar_form.html", {"form": form, "exemplar": exemplar}
    )


def _public_campaign(code: str) -> Campaign:
    return get_object_or_404(Campaign, code=code)


def public_consultation_view(request: HttpRequest, campaign_code: str) -> HttpResponse:
    campaign = _public_campaign(campaign_code)
    return render(
        request,
        "awards/nominations/public_consultation.html",
        {
            "campaign": campaign,
            "nominations": sel.consultation_open(campaign),
            "form": CommentForm(),
        },
    )


@require_POST
def public_comment_view(request: HttpRequest, campaign_code: str, pk: int) -> HttpResponse:
    campaign = _public_campaign(campaign_code)
    nomination = get_object_or_404(sel.consultation_open(campaign), pk=pk)
    # Counted before the form is read: a flood from one address stores nothing.
    wait = throttle.hit("comment", request, throttle.comment_rate())
    if wait is not None:
        return throttle.too_many(
            request,
            "Địa chỉ của quý vị đã gửi quá nhiều ý kiến trong thời gian ngắn; "
            "ý kiến vừa gửi chưa được ghi nhận.",
            wait,
        )
    form = CommentForm(request.POST)
    if form.is_valid() and not form.cleaned_data["website"]:
        try:
            services.consultation_comment_add(
                nomination=nomination,
                author_name=form.cleaned_data["author_name"],
                content=form.cleaned_data["content"],
                contact=form.cleaned_data["contact"],
            )
            messages.success(request, "Cảm ơn ông/bà đã góp ý. Ý kiến đã được chuyển đến Hội đồng.")
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    else:
        messages.error(request, "Vui lòng ghi họ tên và nội dung góp ý.")
    return redirect("awards_public:consultation", campaign_code=campaign.code)


def public_exemplars_view(request: HttpRequest, campaign_code: str) -> HttpResponse:
    campaign = _public_campaign(campaign_code)
    return render(
        request,
        "awards/nominations/public_exemplars.html",
        {
            "campaign": campaign,
            "exemplars": sel.exemplars_published(campaign),
        },
    )
