"""Report pages: archive, request, progress (htmx polling), preview, narrative, sign-off, and the
public /verify/ page. Views are thin: fetch through the selectors (404), require (403), call a
service."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from campaigns.context import CampaignRequest, campaign_url, campaign_view
from portal import throttle
from portal.access import can, require
from portal.uploads import attachment_response, check_upload, open_stored
from portal.web import AuthedRequest, attach, paginate

from . import exports, selectors, services, signing
from .filters import ReportFilter
from .forms import NarrativeForm, ReportRequestForm, ReturnForm, SignForm, VerifyForm
from .models import NARRATIVE_FIELDS, Report, ReportStatus, SignOff, normalize_code
from .registry import DocumentObjectMissing, award_document_target


def _report(request: HttpRequest, pk: int) -> Report:
    require(request.user, "report.view")
    try:
        report = selectors.report_for(request.user, pk)
    except Report.DoesNotExist as exc:
        raise Http404 from exc
    require(request.user, "report.view", report)
    return report


@login_required
@campaign_view
def report_list_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "report.view")
    reports = selectors.report_list_for(request.user).filter(campaign=request.campaign)
    report_filter = ReportFilter(request.GET or None, queryset=reports)
    return render(
        request,
        "reports/pages/report_list.html",
        {
            "campaign": request.campaign,
            "filter": report_filter,
            **paginate(request, report_filter.qs),
            "can_request": can(request.user, "report.request"),
        },
    )


def _say_requested(request: HttpRequest, report: Report, done: str) -> None:
    """Tell what happened to the request: being made, or recorded while the queue is down.
    The request views are not atomic (`non_atomic_requests`), so the send after commit has
    already run here and its note (broker down) is on the row."""
    report.refresh_from_db()
    if report.error and report.status == ReportStatus.QUEUED:
        messages.warning(request, report.error)
    elif report.status == ReportStatus.READY:  # rendered in-process (no broker) or very fast
        messages.success(request, "Đã tạo xong văn bản PDF; mời xem và trình ký.")
    else:
        messages.success(request, done)


@transaction.non_atomic_requests
@login_required
@campaign_view
def report_request_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "report.request")
    form = ReportRequestForm(request.POST or None, campaign=request.campaign)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_request(
                campaign=form.cleaned_data["campaign"],
                kind=form.cleaned_data["kind"],
                year=form.cleaned_data["year"],
                by=request.user,
                narrative=form.narrative(),
            )
        except ValidationError as exc:
            attach(form, exc)
        else:
            _say_requested(request, report, "Đã ghi nhận yêu cầu; báo cáo đang được tạo.")
            return redirect(report)
    return render(
        request, "reports/pages/report_request.html", {"form": form, "campaign": request.campaign}
    )


AWARD_KINDS = ("award_decision", "council_minutes", "certificate")


@transaction.non_atomic_requests
@require_POST
@login_required
def award_document_request_view(request: AuthedRequest, kind: str, object_id: int) -> HttpResponse:
    """From an awards page: make the decision / minutes / certificates PDF through the one
    pipeline, then go to the report page (progress, preview, sign-off)."""
    require(request.user, "report.request")
    if kind not in AWARD_KINDS:
        raise Http404
    try:
        campaign, year = award_document_target(kind, object_id)
    except DocumentObjectMissing as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        if kind == "council_minutes":
            return redirect("awards:session-detail", object_id)
        return redirect("awards:decision-detail", object_id)
    try:
        report = services.report_request(
            campaign=campaign, kind=kind, year=year, object_id=object_id, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(campaign_url("reports:report-list", campaign))
    _say_requested(request, report, "Đã ghi nhận yêu cầu; văn bản PDF đang được tạo.")
    return redirect(report)


@login_required
def report_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _report(request, pk))


def _detail(
    request: HttpRequest, report: Report, *, narrative_form=None, status: int = 200
) -> HttpResponse:
    """The report page; `narrative_form` puts a refused narrative back with what was typed."""
    from portal.figures_cache import cached_figure

    from .evaluation import evaluation_gaps, evaluation_prompts

    can_edit = can(request.user, "report.edit_narrative", report)
    # Both gather the report's data again (seconds at thousands of communes): once per data
    # version, not on every view of the page (portal.figures_cache).
    data_changed = (
        cached_figure(
            "report-data-changed",
            report.pk,
            compute=lambda: services.data_changed_since(report),
        )
        if report.is_signed
        else None
    )

    def prompts():
        return cached_figure(
            "report-prompts",
            report.campaign_id,
            report.kind,
            report.year,
            report.object_id,
            timezone.localdate(),
            compute=lambda: evaluation_prompts(report),
        )

    object_url = None
    if report.kind in AWARD_KINDS:
        name = (
            "awards:session-detail"
            if report.kind == "council_minutes"
            else "awards:decision-detail"
        )
        object_url = reverse(name, args=[report.object_id])
        can_edit = False  # award documents have no narrative: regenerate from their own page
    issuer, issuer_problem = report.issuer, ""
    if not issuer and report.definition:
        # Who would issue it if it were signed today (the signing date is the document's date).
        try:
            day = report.definition.document_date(report) or timezone.localdate()
            issuer = report.definition.issuer(report, day)
        except ValidationError as exc:
            issuer_problem = " ".join(exc.messages)
    if narrative_form is None and can_edit:
        narrative_form = NarrativeForm(initial=report.narrative(), guard=report, prompts=prompts())
    elif narrative_form is not None and can_edit:
        narrative_form.prompts = prompts()
    versions = list(selectors.versions_of(report))
    current = selectors.current_version(versions)
    return render(
        request,
        "reports/pages/report_detail.html",
        {
            "report": report,
            "object_url": object_url,
            "versions": versions,
            "current": current,
            "newer_open": next(
                (v for v in versions if v.is_open and v.version > report.version), None
            ),
            "can_retry": report.is_open and _can_retry(request, report),
            "narrative_form": narrative_form,
            "evaluation_gaps": [] if report.is_signed else evaluation_gaps(report),
            "can_edit": can_edit
            and report.status not in (ReportStatus.RENDERING, ReportStatus.SIGNING),
            "can_sign": can(request.user, "report.sign", report)
            and report.status == ReportStatus.READY,
            "return_form": ReturnForm(),
            "data_changed": data_changed,
            "issuer": issuer,
            "issuer_problem": issuer_problem,
            "history": report.history.select_related("history_user").order_by("-history_date")[:20],
            **_signing_context(request, report),
        },
        status=status,
    )


def _can_retry(request: HttpRequest, report: Report) -> bool:
    """ "Tạo lại" is offered to whoever may request reports, when the renderer is gone."""
    return can(request.user, "report.request") and services.claim_is_stale(report)


@login_required
def report_row_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The status fragment the detail and list pages poll while the report is being made."""
    report = _report(request, pk)
    response = render(
        request,
        "reports/pages/_report_status.html",
        {"report": report, "can_retry": _can_retry(request, report)},
    )
    if request.GET.get("refresh") and not report.is_open:
        response["HX-Refresh"] = "true"  # done: reload the page to show the PDF and actions
    return response


@login_required
@xframe_options_sameorigin
def report_pdf_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The PDF inline, for the <iframe> on the report page (same origin only)."""
    report = _report(request, pk)
    signed = request.GET.get("signed") == "1" and hasattr(report, "signoff")
    field = report.signoff.signed_file if signed else report.file
    if not field:
        raise Http404
    response = FileResponse(open_stored(field), content_type="application/pdf")
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_download_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    report = _report(request, pk)
    signed = hasattr(report, "signoff")
    field = report.signoff.signed_file if signed else report.file
    if not field:
        raise Http404
    suffix = "-da-ky" if signed else ""
    name = f"{report.kind}-{report.campaign.code}-{report.year}-v{report.version}{suffix}.pdf"
    return attachment_response(field, name, "application/pdf")


@login_required
def report_annex_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A large review's Excel annex (every commune's row), as stored with the PDF: the bytes
    whose SHA-256 the PDF prints."""
    from .annex import CONTENT_TYPE

    report = _report(request, pk)
    if not report.annex:
        raise Http404
    name = f"phu-luc-{report.kind}-{report.campaign.code}-{report.year}-v{report.version}.xlsx"
    return attachment_response(report.annex, name, CONTENT_TYPE)


@login_required
def report_xlsx_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if report.status not in (
        ReportStatus.READY,
        ReportStatus.SIGNING,
        ReportStatus.SIGNED,
        ReportStatus.RETURNED,
    ):
        raise Http404
    from portal.dataexchange import xlsx_response

    return xlsx_response(
        f"bang-so-lieu-{report.kind}-{report.year}-v{report.version}.xlsx",
        exports.tables_xlsx(report),
    )


@transaction.non_atomic_requests
@login_required
@require_POST
def report_regenerate_view(request: AuthedRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    require(request.user, "report.edit_narrative", report)
    form = NarrativeForm(request.POST, guard=report)
    if not form.is_valid():
        messages.error(request, "Nội dung nhận xét chưa hợp lệ.")
        return redirect(report)
    try:
        new = services.report_regenerate(
            report=report,
            by=request.user,
            narrative={f: form.cleaned_data[f] for f in NARRATIVE_FIELDS},
            seen=form.seen or "",
        )
    except ValidationError as exc:
        if getattr(exc, "code", None) == "stale":
            # Changed since the page was built: the page again, the message and the typed text.
            attach(form, exc)
            report.refresh_from_db()
            return _detail(request, report, narrative_form=form, status=409)
        messages.error(request, " ".join(exc.messages))
        return redirect(report)
    _say_requested(request, new, f"Đã lưu nhận xét; đang tạo phiên bản {new.version}.")
    return redirect(new)


@transaction.non_atomic_requests
@login_required
@require_POST
def report_retry_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """ "Tạo lại": the report's renderer is gone; put it back in the queue and send it now."""
    report = _report(request, pk)
    require(request.user, "report.request")
    try:
        report = services.report_retry(report=report, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(report)
    _say_requested(request, report, "Đã đưa báo cáo vào hàng đợi để tạo lại tệp.")
    return redirect(report)


@login_required
def signoff_queue_view(request: HttpRequest) -> HttpResponse:
    require(request.user, "report.sign")
    listing = paginate(request, selectors.awaiting_signoff())
    return render(request, "reports/pages/signoff_queue.html", listing)


@transaction.non_atomic_requests
@login_required
@require_POST
def report_sign_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """The chairman's "Ký duyệt": the request is recorded and signed by a background job; the
    report's page then shows "Đang ký số…" and its progress until the signed document (or the
    reason it could not be signed). Not atomic: the job is sent once the request is committed,
    and what it did already (inline, without a broker) is on the row here."""
    report = _report(request, pk)
    require(request.user, "report.sign", report)
    form = SignForm(request.POST)
    read = form.cleaned_data["sha256"] if form.is_valid() else ""
    try:
        report = services.report_sign_request(report=report, by=request.user, read_sha256=read)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except signing.SigningUnavailable as exc:
        messages.error(request, str(exc))
    else:
        report.refresh_from_db()
        if report.is_signed:
            messages.success(request, "Đã ký duyệt báo cáo. Tệp đã ký số được lưu trữ.")
        elif report.is_signing:
            messages.info(
                request, "Đã ghi nhận yêu cầu ký số. Văn bản đang được ký; trang tự cập nhật."
            )
        # Failed at once (the queue is down): the page shows why, with "Ký duyệt" again.
    return redirect(report)


@login_required
def report_signing_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The "Đang ký số…" panel the report's page polls while the report is being signed; when
    the job is done (signed, or failed: ready again) the page reloads to show the result."""
    report = _report(request, pk)
    response = render(request, "reports/pages/_signing.html", _signing_context(request, report))
    if not report.is_signing:
        response["HX-Refresh"] = "true"
    return response


def _signing_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    progress = services.signing_progress(report) if report.is_signing else None
    return {
        "report": report,
        "signing": progress,
        "can_sign_again": bool(progress and progress["stopped"])
        and can(request.user, "report.sign", report),
        "sign_form": SignForm(initial={"sha256": report.sha256}),
    }


@login_required
@require_POST
def report_return_view(request: AuthedRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    require(request.user, "report.sign", report)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Vui lòng ghi ý kiến khi trả lại báo cáo.")
        return redirect(report)
    try:
        services.report_return(report=report, by=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Đã trả lại báo cáo cho cơ quan thường trực.")
    return redirect(report)


def verify_view(request: HttpRequest) -> HttpResponse:
    """Public (no sign-in): is this the signed original, who signed it and when?

    Each look-up (a code in the link, or the form sent) counts against the client's address
    (`THROTTLE_VERIFY`); the body's size was checked before it was read (portal/body_limit.py)."""
    if request.method == "POST" or request.GET.get("ma"):
        wait = throttle.hit("verify", request, throttle.verify_rate())
        if wait is not None:
            return throttle.too_many(
                request,
                "Địa chỉ của quý vị đã tra cứu văn bản quá nhiều lần trong thời gian ngắn.",
                wait,
            )
    initial = {"code": request.GET.get("ma", "")}
    form = VerifyForm(request.POST or None, request.FILES or None, initial=initial)
    result = None
    if request.method == "POST" and form.is_valid():
        result = _verify(form)
    elif request.method == "GET" and initial["code"]:
        result = _lookup_code(initial["code"])
    return render(request, "reports/pages/verify.html", {"form": form, "result": result})


def _lookup_code(code: str) -> dict:
    code = normalize_code(code)
    signoff = (
        SignOff.objects.select_related("report__campaign", "signed_by")
        .filter(report__verification_code=code)
        .first()
    )
    if signoff is None:
        return {"found": False, "code": code}
    return {"found": True, "by_code": True, "signoff": signoff, "report": signoff.report}


def _verify(form: VerifyForm) -> dict[str, Any] | None:
    """A code is looked up; a file is matched by its SHA-256 against the signed originals and
    its signatures are checked themselves (intact, valid, covering the whole file, trusted)."""
    upload = form.cleaned_data.get("file")
    if not upload:
        return _lookup_code(form.cleaned_data["code"])
    try:
        check_upload(upload, allowed=("pdf",), max_bytes=settings.PUBLIC_UPLOAD_MAX_BYTES)
    except ValidationError as exc:
        form.add_error("file", exc)
        return None
    upload.seek(0)
    content = upload.read()
    sha = hashlib.sha256(content).hexdigest()
    validation = signing.validate_pdf(content)
    signoff = (
        SignOff.objects.select_related("report__campaign", "signed_by")
        .filter(signed_sha256=sha)
        .first()
    )
    if signoff is None:
        return {"found": False, "sha256": sha, "file": True, "validation": validation}
    return {
        "found": True,
        "by_file": True,
        "signoff": signoff,
        "report": signoff.report,
        "sha256": sha,
        "validation": validation,
    }


@login_required
def register_view(request: AuthedRequest) -> HttpResponse:
    """The register of outgoing documents per authority and year: numbers given at signing, and
    numbers the office gave outside the portal (recorded here by the secretariat)."""
    require(request.user, "register.view")
    from units.models import Authority

    from .forms import OutsideNumberForm
    from .models import OutgoingNumber

    form = None
    if can(request.user, "register.manage"):
        form = OutsideNumberForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                entry = services.register_record_outside(
                    authority=d["authority"],
                    seq=d["seq"],
                    symbol=d["symbol"],
                    day=d["day"],
                    summary=d["summary"],
                    by=request.user,
                )
            except ValidationError as exc:
                attach(form, exc)
            else:
                messages.success(request, f"Đã ghi số {entry.number} vào sổ văn bản đi.")
                return redirect(f"{request.path}?co_quan={entry.authority_id}&nam={entry.year}")
    elif request.method == "POST":
        require(request.user, "register.manage")
    authorities = list(Authority.objects.order_by("-valid_from", "body"))
    entries = OutgoingNumber.objects.select_related("authority", "report", "recorded_by")
    chosen = next((a for a in authorities if str(a.pk) == request.GET.get("co_quan")), None)
    if chosen:
        entries = entries.filter(authority=chosen)
    year = request.GET.get("nam", "")
    if re.fullmatch(r"[0-9]{4}", year):
        entries = entries.filter(year=int(year))
    return render(
        request,
        "reports/pages/register.html",
        {
            "authorities": authorities,
            "chosen": chosen,
            "year": year,
            **paginate(request, entries.order_by("authority__body", "-year", "-seq")),
            "form": form,
        },
    )
