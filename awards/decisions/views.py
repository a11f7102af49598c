"""Decision and forwarding letter pages: thin views — capability (403), form, one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from campaigns.context import CampaignRequest, campaign_view
from portal.access import can, require
from portal.navigation import documents_for
from portal.web import AuthedRequest, attach, error_text, paginate

from ..models import (
    AwardDecision,
    ForwardingLetter,
    Nomination,
    NominationStatus,
)
from . import selectors as sel
from . import services
from .forms import AnswerForm, DecisionForm, LetterForm


@login_required
@campaign_view
def decision_list_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "decision.view")
    campaign = request.campaign
    return render(
        request,
        "awards/decisions/decision_list.html",
        {
            "campaign": campaign,
            **paginate(request, sel.decisions_list().filter(campaign=campaign)),
            "letters": sel.letters_list().filter(campaign=campaign)[:50],
            "can_prepare": can(request.user, "decision.prepare"),
        },
    )


@login_required
@campaign_view
def decision_create_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "decision.prepare")
    campaign = request.campaign
    # Offered: what the issuing authority in force today (the decision's date) may confer.
    passed, _sent_up, _authority = sel.passed_by_power(campaign, timezone.localdate())
    form = DecisionForm(
        request.POST or None,
        campaign=campaign,
        offered=passed,
        initial={
            "title": "Về việc khen thưởng trong Phong trào thi đua",
            "legal_bases": sel.decision_legal_bases(campaign, timezone.localdate()),
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            decision = services.decision_create(
                by=request.user,
                campaign=campaign,
                authority=d["authority"],
                title=d["title"],
                legal_bases=d["legal_bases"],
                nominations=d["nominations"],
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Đã lập dự thảo quyết định, chờ Chủ tịch ký.")
            return redirect(decision)
    return render(
        request, "awards/decisions/decision_form.html", {"form": form, "campaign": campaign}
    )


@login_required
def decision_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request.user, "decision.view")
    decision = get_object_or_404(
        AwardDecision.objects.select_related("campaign", "signed_by"), pk=pk
    )
    return render(
        request,
        "awards/decisions/decision_detail.html",
        {
            "d": decision,
            "nominations": decision.nominations.select_related(
                "tier", "unit", "person__affiliation"
            ),
            "awards": decision.awards.select_related("tier", "unit", "person"),
            "can_sign": not decision.is_signed and can(request.user, "decision.sign"),
            # The decision and its certificates as PDF (the reports app prints them).
            "documents": documents_for(
                request.user, ("award_decision", "certificate"), decision.pk
            ),
        },
    )


@login_required
@campaign_view
def letter_create_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "forwarding.manage")
    campaign = request.campaign
    # Offered: the rest, which the authority in force today may not confer ("sends up").
    _local, sent_up, _authority = sel.passed_by_power(campaign, timezone.localdate())
    form = LetterForm(request.POST or None, campaign=campaign, offered=sent_up)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            letter = services.letter_create(
                by=request.user,
                campaign=campaign,
                number=d["number"],
                sent_date=d["sent_date"],
                recipient=d["recipient"],
                nominations=d["nominations"],
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            messages.success(request, "Đã ghi nhận tờ trình cấp trên.")
            return redirect(letter)
    return render(
        request, "awards/decisions/letter_form.html", {"form": form, "campaign": campaign}
    )


@login_required
def letter_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request.user, "decision.view")
    letter = get_object_or_404(ForwardingLetter, pk=pk)
    return _letter_page(request, letter)


def _letter_page(request: AuthedRequest, letter, *, bound=None, status: int = 200) -> HttpResponse:
    """The letter page; each forwarded nomination carries its answer form (guarded by the
    nomination's row). `bound` = (nomination pk, form) puts a refused answer back as typed."""
    can_answer = can(request.user, "forwarding.manage")
    nominations = list(letter.nominations.select_related("tier", "unit", "person"))
    for n in nominations if can_answer else ():
        if bound is not None and bound[0] == n.pk:
            n.answer_form = bound[1]
        elif n.status == NominationStatus.FORWARDED:
            n.answer_form = AnswerForm(guard=n, auto_id=False)
    return render(
        request,
        "awards/decisions/letter_detail.html",
        {"letter": letter, "nominations": nominations, "can_answer": can_answer},
        status=status,
    )


@require_POST
@login_required
def letter_answer_view(request: AuthedRequest, pk: int, nomination_pk: int) -> HttpResponse:
    require(request.user, "forwarding.manage")
    letter = get_object_or_404(ForwardingLetter, pk=pk)
    nomination = get_object_or_404(Nomination, pk=nomination_pk, forwarding=letter)
    form = AnswerForm(request.POST, guard=nomination, auto_id=False)
    if not form.is_valid() and form.non_field_errors():
        return _letter_page(request, letter, bound=(nomination.pk, form), status=409)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.letter_answer(
                letter=letter,
                nomination=nomination,
                accepted=d["accepted"],
                by=request.user,
                decision_number=d["decision_number"],
                decision_date=d["decision_date"],
                note=d["note"],
            )
            messages.success(request, "Đã ghi nhận trả lời của cấp trên.")
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    else:
        messages.error(request, "Thông tin trả lời chưa hợp lệ (ngày ghi theo dạng dd/mm/yyyy).")
    return redirect(letter)
