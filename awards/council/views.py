"""Council session pages and voting: thin views — scope (404), capability (403), form, one
service."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from campaigns.context import CampaignRequest, campaign_view
from portal.access import can, require
from portal.navigation import documents_for
from portal.web import AuthedRequest, error_text, paginate

from ..models import (
    AgendaItem,
    CouncilSession,
    SessionStatus,
    VoteChoice,
)
from . import selectors as sel
from . import services
from .forms import (
    AddItemForm,
    AttendanceForm,
    SecretaryForm,
    SessionForm,
    SessionTimesForm,
    VoteForm,
    council_users,
    meeting_moment,
)


@login_required
@campaign_view
def session_list_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "council.view")
    sessions = sel.sessions_for(request.user).filter(campaign=request.campaign)
    return render(
        request,
        "awards/council/session_list.html",
        {
            "campaign": request.campaign,
            **paginate(request, sessions),
            "can_manage": can(request.user, "council.manage"),
        },
    )


@login_required
@campaign_view
def session_create_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "council.manage")
    form = SessionForm(request.POST or None, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        session = services.session_create(
            by=request.user,
            campaign=d["campaign"],
            title=d["title"],
            meeting_date=d["meeting_date"],
            location=d["location"],
            members=form.member_roles(),
            started_at=form.started_at(),
        )
        messages.success(request, "Đã tạo phiên họp. Hãy đưa các đề nghị vào chương trình.")
        return redirect(session)
    return render(
        request, "awards/council/session_form.html", {"form": form, "campaign": request.campaign}
    )


def _session(request: AuthedRequest, pk: int) -> CouncilSession:
    return get_object_or_404(sel.sessions_for(request.user).select_related("campaign"), pk=pk)


@login_required
def session_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    require(request.user, "council.view", session)
    return _session_page(request, session)


def _session_page(
    request: AuthedRequest,
    session: CouncilSession,
    *,
    times_form: SessionTimesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    agenda = sel.session_agenda(session, request.user)
    manage = can(request.user, "council.manage")
    may_close = session.status == SessionStatus.OPEN and sel.may_close(
        request.user, session, agenda["seats"]
    )
    return render(
        request,
        "awards/council/session_detail.html",
        {
            "session": session,
            **agenda,
            "can_manage": manage,
            "may_close": may_close,
            "add_form": AddItemForm(session=session)
            if manage and session.status != SessionStatus.CLOSED
            else None,
            "choices": list(VoteChoice),
            "times_form": times_form
            or SessionTimesForm(
                guard=session,
                initial={
                    "start_time": _local_time(session.started_at),
                    "end_time": _local_time(session.ended_at),
                },
            )
            if manage
            else None,
            "secretary_candidates": council_users() if manage else (),
            "closed": session.status == SessionStatus.CLOSED,
            "is_open": session.status == SessionStatus.OPEN,
            # Its minutes, once it is closed (the reports app prints them).
            "documents": documents_for(request.user, ("council_minutes",), session.pk)
            if session.status == SessionStatus.CLOSED
            else (),
        },
        status=status,
    )


@require_POST
@login_required
def session_add_item_view(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    require(request.user, "council.manage", session)
    form = AddItemForm(request.POST, session=session)
    if not form.is_valid():
        messages.error(request, "Chọn đề nghị đã thẩm định để đưa vào phiên họp.")
        return redirect(session)
    added, refused = services.session_add_items(
        session=session, nominations=form.cleaned_data["nominations"], by=request.user
    )
    for text in refused:
        messages.error(request, text)
    if added:
        messages.success(request, f"Đã đưa {added} đề nghị vào chương trình phiên họp.")
    return redirect(session)


@require_POST
@login_required
def session_attendance_view(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    require(request.user, "council.manage", session)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        raise Http404("Không có người dùng này.")
    try:
        services.session_set_attendance(
            session=session,
            member=form.cleaned_data["user"],
            attendance=form.cleaned_data["attendance"],
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(session)


def _local_time(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M") if moment else ""


@require_POST
@login_required
def session_secretary_view(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    require(request.user, "council.manage", session)
    form = SecretaryForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(list(form.errors["user"]))))
        return redirect(session)
    user = form.cleaned_data["user"]
    try:
        services.session_set_secretary(session=session, member=user, by=request.user)
        messages.success(request, f"Đã chỉ định {user.display_name} làm thư ký phiên họp.")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(session)


@require_POST
@login_required
def session_times_view(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    require(request.user, "council.manage", session)
    form = SessionTimesForm(request.POST, guard=session)
    if not form.is_valid():
        if form.non_field_errors():
            # Refused: the session changed since the page was opened. The page again, with the
            # message and the times as typed.
            session.refresh_from_db()
            return _session_page(request, session, times_form=form, status=409)
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(session)
    try:
        services.session_set_times(
            session=session,
            started_at=meeting_moment(session.meeting_date, form.cleaned_data["start_time"]),
            ended_at=meeting_moment(session.meeting_date, form.cleaned_data["end_time"]),
            by=request.user,
        )
        messages.success(request, "Đã ghi thời gian cuộc họp.")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(session)


@require_POST
@login_required
def session_open_view(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    require(request.user, "council.manage", session)
    try:
        services.session_open(session=session, by=request.user)
        messages.success(request, "Đã bắt đầu biểu quyết.")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(session)


@login_required
def session_close_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: before closing, who has not voted, what each item's threshold means and what closing
    now would give. POST with `confirm`: close (final)."""
    session = _session(request, pk)
    if not sel.may_close(request.user, session):
        raise PermissionDenied("Bạn không có quyền kết thúc phiên họp này.")
    if request.method == "POST":
        if request.POST.get("confirm") != "1":
            messages.warning(request, "Xem tình hình biểu quyết và xác nhận trước khi kết thúc.")
            return redirect("awards:session-close", pk=session.pk)
        try:
            services.session_close(session=session, by=request.user)
            messages.success(request, "Đã kết thúc phiên họp; kết quả biểu quyết là cuối cùng.")
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            session.refresh_from_db()
            if session.status == SessionStatus.OPEN:
                return redirect("awards:session-close", pk=session.pk)
        return redirect(session)
    if session.status != SessionStatus.OPEN:
        messages.info(request, "Chỉ kết thúc phiên họp đang biểu quyết.")
        return redirect(session)
    agenda = sel.session_agenda(session, request.user, preview=True)
    return render(
        request,
        "awards/council/session_close.html",
        {"session": session, **agenda},
    )


@require_POST
@login_required
def session_remind_view(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    require(request.user, "council.manage", session)
    try:
        names = services.session_remind(session=session, by=request.user)
        messages.success(
            request,
            ("Đã nhắc: " + ", ".join(names) + ".") if names else "Mọi thành viên đã biểu quyết.",
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(session)


@require_POST
@login_required
def vote_cast_view(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        AgendaItem.objects.select_related(
            "session", "nomination__tier", "nomination__unit", "nomination__person"
        ),
        pk=pk,
        session__in=sel.sessions_for(request.user),
    )
    require(request.user, "council.vote", item.session)
    try:
        form = VoteForm(request.POST)
        form.is_valid()
        services.vote_cast(item=item, choice=form.cleaned_data["choice"], by=request.user)
        messages.success(request, f"Đã ghi nhận biểu quyết về {item.nomination.recipient_name}.")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(item.session)
