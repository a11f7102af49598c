"""Pages of the awards app: thin views — scope (404), capability (403), form, one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from campaigns.context import campaign_view
from campaigns.models import Campaign
from portal import throttle
from portal.access import can, require, scope
from portal.dataexchange import Column
from portal.filters import YearForm
from portal.navigation import documents_for
from portal.uploads import attachment_response
from portal.web import attach, error_text, filtered_export, paginate, xlsx_download
from units.models import Person, Unit

from . import selectors as sel
from . import services
from .filters import AwardFilter, NominationFilter
from .forms import (
    AddItemForm,
    AnswerForm,
    AttendanceForm,
    CheckForm,
    CommentForm,
    DecisionForm,
    DocumentForm,
    ExemplarForm,
    LetterForm,
    NominationForm,
    NoteForm,
    SecretaryForm,
    SessionForm,
    SessionTimesForm,
    VoteForm,
    council_users,
    meeting_moment,
)
from .importers import AwardImporter, recipient_code
from .models import (
    AgendaItem,
    Award,
    AwardDecision,
    AwardTier,
    CouncilSession,
    Exemplar,
    ForwardingLetter,
    Nomination,
    NominationDocument,
    NominationStatus,
    NomineeKind,
    SessionStatus,
    VoteChoice,
)

# --- tiers ----------------------------------------------------------------------------------


@login_required
def tier_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "tier.view")
    tiers = sorted(
        AwardTier.objects.prefetch_related("vote_rules", "rules", "powers", "bonus_rates"),
        key=lambda t: (t.kind != "title", t.order),
    )
    return render(request, "awards/tier_list.html", {"tiers": tiers})


# --- nominations ----------------------------------------------------------------------------


def _filtered_nominations(request: HttpRequest) -> NominationFilter:
    """The campaign's nominations (campaigns.context) the user may see, filtered by `?…`."""
    nominations = sel.nominations_for_list(request.user).filter(campaign=request.campaign)
    return NominationFilter(request.GET or None, queryset=nominations, request=request)


@login_required
@campaign_view
def nomination_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "nomination.view")
    nomination_filter = _filtered_nominations(request)
    return render(
        request,
        "awards/nomination_list.html",
        {
            "campaign": request.campaign,
            **paginate(request, nomination_filter.qs),
            "filter": nomination_filter,
            "can_propose": can(request.user, "nomination.propose"),
        },
    )


@login_required
@campaign_view
def nomination_export_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "nomination.view")
    return filtered_export(
        _filtered_nominations(request),
        columns=NOMINATION_COLUMNS,
        row=_nomination_row,
        filename="de-nghi-khen-thuong.xlsx",
        sheet_title="Đề nghị khen thưởng",
        title="DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
    )


NOMINATION_COLUMNS = [
    Column("STT", width=6),
    Column("Đối tượng", width=40),
    Column("Loại"),
    Column("Hình thức, danh hiệu", width=40),
    Column("Đợt xét"),
    Column("Đơn vị đề nghị", width=30),
    Column("Khối, cụm", width=24),
    Column("Trạng thái", width=24),
    Column("Đủ điều kiện"),
]


def _nomination_row(i: int, n) -> list:
    cluster = (
        n.unit.cluster
        if n.unit_id
        else n.person.affiliation.cluster
        if n.person.affiliation_id
        else None
    )
    return [
        i,
        n.recipient_name,
        n.nominee_kind_label,
        n.tier.name,
        n.period_label,
        n.proposer_unit.name,
        cluster.name if cluster else "",
        n.get_status_display(),
        {True: "Có", False: "Không", None: "Chưa rõ"}[n.eligible],
    ]


@login_required
@campaign_view
def nomination_create_view(request: HttpRequest) -> HttpResponse:
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
        request, "awards/nomination_form.html", {"form": form, "campaign": request.campaign}
    )


def _nomination(request: HttpRequest, pk: int) -> Nomination:
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
def nomination_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    require(request.user, "nomination.view", nomination)
    return _nomination_page(request, nomination)


def _nomination_page(
    request: HttpRequest, nomination: Nomination, *, bound: dict | None = None, status: int = 200
) -> HttpResponse:
    """The nomination page. Its action forms carry the edit guard of the nomination's row;
    `bound` (context name → form) puts a refused form back with what was typed."""
    may = sel.nomination_actions(request.user, nomination)
    return render(
        request,
        "awards/nomination_detail.html",
        {
            "n": nomination,
            "results": sel.eligibility_shown(nomination),
            "documents": nomination.documents.all(),
            "missing": services.missing_documents(nomination),
            "events": nomination.events.select_related("by"),
            "comments": nomination.comments.all() if may.read_comments else None,
            "show_contact": may.see_contact,
            "exemplars": nomination.exemplars.all(),
            "history": sel.awards_of(
                unit=nomination.unit if not nomination.person_id else None, person=nomination.person
            )[:20],
            "vote_rule": sel.vote_rule_for(nomination.tier, nomination.reference_date),
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


def _refused(bound: dict | None) -> dict | None:
    """The refused form and what was typed in it, shown above the actions (the action itself
    may no longer be offered: the nomination has moved on)."""
    if not bound:
        return None
    form = next(iter(bound.values()))
    typed = next((form.data.get(k) for k in ("note", "override_reason") if form.data.get(k)), "")
    return {"form": form, "typed": typed}


@require_POST
@login_required
def nomination_document_add_view(request: HttpRequest, pk: int) -> HttpResponse:
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
def nomination_document_download_view(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    nomination = _nomination(request, pk)
    require(request.user, "nomination.view", nomination)
    doc = get_object_or_404(NominationDocument, pk=doc_pk, nomination=nomination)
    return attachment_response(doc.file, doc.original_name, doc.content_type)


def _post_service(request, nomination, capability, call, success, *, form=None, name=""):
    """Check the capability, then the page's form (`form`, shown again as `name` when the
    nomination changed since the page was built), then call the service."""
    require(request.user, capability, nomination)
    if form is not None and not form.is_valid():
        if form.non_field_errors():
            # Refused: the page again with the current nomination, the message and the input.
            nomination.refresh_from_db()
            return _nomination_page(request, nomination, bound={name: form}, status=409)
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(nomination)
    try:
        call()
        messages.success(request, success)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(nomination)


@require_POST
@login_required
def nomination_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
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
def nomination_return_view(request: HttpRequest, pk: int) -> HttpResponse:
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
def nomination_check_view(request: HttpRequest, pk: int) -> HttpResponse:
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
def nomination_consultation_view(request: HttpRequest, pk: int) -> HttpResponse:
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
def nomination_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
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


# --- council sessions -----------------------------------------------------------------------


@login_required
@campaign_view
def session_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "council.view")
    sessions = sel.sessions_for(request.user).filter(campaign=request.campaign)
    return render(
        request,
        "awards/session_list.html",
        {
            "campaign": request.campaign,
            **paginate(request, sessions),
            "can_manage": can(request.user, "council.manage"),
        },
    )


@login_required
@campaign_view
def session_create_view(request: HttpRequest) -> HttpResponse:
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
    return render(request, "awards/session_form.html", {"form": form, "campaign": request.campaign})


def _session(request: HttpRequest, pk: int) -> CouncilSession:
    return get_object_or_404(sel.sessions_for(request.user).select_related("campaign"), pk=pk)


@login_required
def session_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    require(request.user, "council.view", session)
    return _session_page(request, session)


def _session_page(
    request: HttpRequest, session: CouncilSession, *, times_form=None, status: int = 200
) -> HttpResponse:
    agenda = sel.session_agenda(session, request.user)
    manage = can(request.user, "council.manage")
    may_close = session.status == SessionStatus.OPEN and sel.may_close(
        request.user, session, agenda["seats"]
    )
    return render(
        request,
        "awards/session_detail.html",
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
def session_add_item_view(request: HttpRequest, pk: int) -> HttpResponse:
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
def session_attendance_view(request: HttpRequest, pk: int) -> HttpResponse:
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


def _local_time(moment):
    return timezone.localtime(moment).strftime("%H:%M") if moment else ""


@require_POST
@login_required
def session_secretary_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    require(request.user, "council.manage", session)
    form = SecretaryForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(form.errors["user"])))
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
def session_times_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    require(request.user, "council.manage", session)
    form = SessionTimesForm(request.POST, guard=session)
    if not form.is_valid():
        if form.non_field_errors():
            # Refused: the session changed since the page was opened. The page again, with the
            # message and the times as typed.
            session.refresh_from_db()
            return _session_page(request, session, times_form=form, status=409)
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
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
def session_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    require(request.user, "council.manage", session)
    try:
        services.session_open(session=session, by=request.user)
        messages.success(request, "Đã bắt đầu biểu quyết.")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(session)


@login_required
def session_close_view(request: HttpRequest, pk: int) -> HttpResponse:
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
        "awards/session_close.html",
        {"session": session, **agenda},
    )


@require_POST
@login_required
def session_remind_view(request: HttpRequest, pk: int) -> HttpResponse:
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
def vote_cast_view(request: HttpRequest, pk: int) -> HttpResponse:
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
        services.vote_cast(item=item, member=request.user, choice=form.cleaned_data["choice"])
        messages.success(request, f"Đã ghi nhận biểu quyết về {item.nomination.recipient_name}.")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(item.session)


# --- decisions and forwarding letters -------------------------------------------------------


@login_required
@campaign_view
def decision_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "decision.view")
    campaign = request.campaign
    return render(
        request,
        "awards/decision_list.html",
        {
            "campaign": campaign,
            **paginate(request, sel.decisions_list().filter(campaign=campaign)),
            "letters": sel.letters_list().filter(campaign=campaign)[:50],
            "can_prepare": can(request.user, "decision.prepare"),
        },
    )


@login_required
@campaign_view
def decision_create_view(request: HttpRequest) -> HttpResponse:
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
            "legal_bases": services.decision_legal_bases(campaign, timezone.localdate()),
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
    return render(request, "awards/decision_form.html", {"form": form, "campaign": campaign})


@login_required
def decision_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "decision.view")
    decision = get_object_or_404(
        AwardDecision.objects.select_related("campaign", "signed_by"), pk=pk
    )
    return render(
        request,
        "awards/decision_detail.html",
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
def letter_create_view(request: HttpRequest) -> HttpResponse:
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
    return render(request, "awards/letter_form.html", {"form": form, "campaign": campaign})


@login_required
def letter_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "decision.view")
    letter = get_object_or_404(ForwardingLetter, pk=pk)
    return _letter_page(request, letter)


def _letter_page(request: HttpRequest, letter, *, bound=None, status: int = 200) -> HttpResponse:
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
        "awards/letter_detail.html",
        {"letter": letter, "nominations": nominations, "can_answer": can_answer},
        status=status,
    )


@require_POST
@login_required
def letter_answer_view(request: HttpRequest, pk: int, nomination_pk: int) -> HttpResponse:
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


# --- award history, statistics --------------------------------------------------------------


def _filtered_awards(request: HttpRequest) -> AwardFilter:
    return AwardFilter(request.GET or None, queryset=sel.awards_visible_to(request.user))


@login_required
def award_list_view(request: HttpRequest) -> HttpResponse:
    """The award history: one row per recipient with their awards, each once; searchable by
    the name of a person, a collective or the unit (with or without diacritics)."""
    require(request.user, "award.view")
    award_filter = _filtered_awards(request)
    qs = award_filter.qs
    years, table = sel.awards_per_tier_year(qs)
    listing = paginate(request, sel.award_recipients(qs))
    page = listing["page"]
    page.object_list = sel.recipient_awards(qs, list(page.object_list))
    return render(
        request,
        "awards/award_list.html",
        {
            **listing,
            "filter": award_filter,
            "years": years,
            "table": table,
            "table_sections": sel.by_kind_sections(table, lambda r: r["kind"]),
            "can_export": can(request.user, "award.export"),
        },
    )


@login_required
def award_export_view(request: HttpRequest) -> HttpResponse:
    """What the list shows (same filter and search), one line per award in the list's order:
    the recipients newest first, each recipient's awards together, each award once."""
    require(request.user, "award.export")
    qs = _filtered_awards(request).qs
    awards = [
        a for group in sel.recipient_awards(qs, sel.award_recipients(qs)) for a in group.awards
    ]
    rows = [
        [
            i,
            a.recipient_name,
            recipient_code(a),
            NomineeKind(a.nominee_kind).label,
            a.tier.name,
            a.get_category_display(),
            a.year,
            a.decision_number,
            a.decision_date,
            a.campaign.code if a.campaign_id else "",
        ]
        for i, a in enumerate(awards, start=1)
    ]
    return xlsx_download(
        "lich-su-khen-thuong.xlsx",
        AwardImporter.sheet_columns,
        rows,
        sheet_title="Khen thưởng",
        title="DANH SÁCH KHEN THƯỞNG",
    )


def _stat_year(request: HttpRequest) -> tuple[int, YearForm]:
    form = YearForm(request.GET or None)
    return form.year_or(sel.today().year - 1), form


STAT_COLUMNS = [
    Column("STT", width=6),
    Column("Danh hiệu thi đua, hình thức khen thưởng", width=50),
    Column("Tổng số"),
    Column("Tập thể"),
    Column("Cá nhân"),
    Column("Hộ gia đình"),
    Column("Trong đó: nữ"),
    Column("Trong đó: người lao động trực tiếp"),
]


@login_required
def statistics_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "award.view")
    year, year_form = _stat_year(request)
    rows = sel.commendation_statistics(year)
    empty = not any(r["total"] for r in rows)
    return render(
        request,
        "awards/statistics.html",
        {
            "year": year,
            "year_form": year_form,
            "rows": rows,
            "sections": sel.by_kind_sections(rows, lambda r: r["tier"].kind),
            "can_export": can(request.user, "award.export"),
            # An all-zero table says why: no award of that year is recorded (yet).
            "empty": empty,
            "why_empty": sel.why_no_awards(year) if empty else None,
        },
    )


@login_required
def statistics_export_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "award.export")
    year, _ = _stat_year(request)
    rows = []
    for section in sel.by_kind_sections(
        sel.commendation_statistics(year), lambda r: r["tier"].kind
    ):
        rows.append([section["numeral"], section["label"].upper(), *[""] * 6])
        rows.extend(
            [
                i,
                r["tier"].name,
                r["total"],
                r["collective"],
                r["individual"],
                r["household"],
                r["female"],
                r["worker"],
            ]
            for i, r in enumerate(section["rows"], start=1)
        )
    return xlsx_download(
        f"thong-ke-khen-thuong-{year}.xlsx",
        STAT_COLUMNS,
        rows,
        sheet_title=f"Khen thưởng {year}",
        title=f"SỐ LƯỢNG KHEN THƯỞNG NĂM {year} (mẫu tham khảo, xem docs/awards.md)",
    )


# --- panels on unit and person pages --------------------------------------------------------


@login_required
def unit_awards_panel_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(scope(request.user, Unit.objects.all(), unit_field="pk"), pk=pk)
    require(request.user, "award.view", unit)
    return render(
        request,
        "awards/_award_history_panel.html",
        {
            "awards": sel.awards_of(unit=unit)[:100],
            "nominations": Nomination.objects.filter(unit=unit)
            .select_related("tier")
            .order_by("-created_at")[:20],
        },
    )


@login_required
def person_awards_panel_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        scope(request.user, Person.objects.all(), unit_field="affiliation"), pk=pk
    )
    require(request.user, "award.view", person)
    return render(
        request,
        "awards/_award_history_panel.html",
        {
            "awards": sel.awards_of(person=person)[:100],
            "nominations": Nomination.objects.filter(person=person)
            .select_related("tier")
            .order_by("-created_at")[:20],
        },
    )


# --- exemplars ------------------------------------------------------------------------------


@login_required
def exemplar_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "award.view")
    qs = (
        sel.exemplars_visible_to(request.user)
        .select_related("unit", "person", "campaign")
        .order_by("-year", "title")
    )
    return render(
        request,
        "awards/exemplar_list.html",
        {
            **paginate(request, qs),
            "can_manage": can(request.user, "exemplar.manage"),
        },
    )


@login_required
def exemplar_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
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
    return render(request, "awards/exemplar_form.html", {"form": form, "exemplar": exemplar})


# --- public pages (no sign-in) --------------------------------------------------------------


def _public_campaign(code: str) -> Campaign:
    return get_object_or_404(Campaign, code=code)


def public_consultation_view(request: HttpRequest, campaign_code: str) -> HttpResponse:
    campaign = _public_campaign(campaign_code)
    return render(
        request,
        "awards/public_consultation.html",
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
        "awards/public_exemplars.html",
        {
            "campaign": campaign,
            "exemplars": sel.exemplars_published(campaign),
        },
    )


__all__ = ["Award"]
