"""Browser imports for every registered importer: upload → preview → confirm.

The uploaded bytes wait between preview and confirm in the media storage under a random name
(`imports/<uuid>.bin`); the uploader's session holds the token with the file's SHA-256, kind and
the summary they saw. Only that session's user can confirm (anyone else gets 404). At confirm the
file is checked again inside the transaction, and applied only when the result is still what the
officer previewed. The file is deleted after use; abandoned ones are swept after a day.

A file of more than IMPORT_BACKGROUND_ROWS rows is checked and applied in the background
instead (portal/importjobs.py): the upload stores it and starts the check, and the person
follows a progress page, confirms there, and follows the apply the same way.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from . import importjobs
from .access import has_capability, require
from .dataexchange import (
    IMPORTERS,
    Column,
    FileRejected,
    Importer,
    Plan,
    RowError,
    plan_import,
    write_xlsx,
    xlsx_response,
)
from .forms import ImportUploadForm
from .navigation import entry_url
from .numbers import format_vn_number
from .uploads import check_upload, safe_display_name
from .web import AuthedRequest

if TYPE_CHECKING:
    from .access import AnyUser
    from .desk import DeskItem

SESSION_KEY = "pending_imports"
STORAGE_DIR = "imports"
STALE_AFTER = datetime.timedelta(days=1)
#: Rows of errors / changes shown on a page; the rest are counted (keeps the page light).
SHOW_MAX = 500


# --- pending files ----------------------------------------------------------------------------


def _storage_name(token: str) -> str:
    return f"{STORAGE_DIR}/{token}.bin"


def _sweep_stale() -> None:
    """Delete pending files nobody confirmed within a day."""
    try:
        _dirs, files = default_storage.listdir(STORAGE_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    limit = timezone.now() - STALE_AFTER
    for name in files:
        path = f"{STORAGE_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


def pending_store(
    request: HttpRequest, *, kind: str, name: str, data: bytes, plan: Plan | None
) -> str:
    """Keep an uploaded file for the confirm step; returns its token. A large file is stored
    before it is checked (`plan` None): its job records the counts."""
    _sweep_stale()
    token = str(uuid.uuid4())
    default_storage.save(_storage_name(token), ContentFile(data))
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {
        "kind": kind,
        "name": name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "user": request.user.pk,
        "summary": [plan.created, plan.updated, plan.unchanged] if plan else None,
    }
    request.session[SESSION_KEY] = pending
    return token


def pending_desk_items(request: HttpRequest) -> list[DeskItem]:
    """The files this person uploaded and has not confirmed yet, as desk items (the pending
    files live in the uploader's session, so the home page adds them, not portal.desk)."""
    from .desk import DeskItem

    items = []
    for token, entry in request.session.get(SESSION_KEY, {}).items():
        if entry.get("summary") is None:  # a large file, checked in the background
            items.append(
                DeskItem(
                    f"Tệp nhập dữ liệu đang kiểm tra: {entry['name']}",
                    1,
                    reverse("import-progress", args=[entry["kind"], token]),
                    "Danh mục",
                    "Xem tiến độ và xác nhận khi kiểm tra xong",
                    urgent=True,
                )
            )
            continue
        created, updated, _unchanged = entry["summary"]
        items.append(
            DeskItem(
                f"Tệp nhập dữ liệu chờ xác nhận: {entry['name']}",
                1,
                reverse("import-preview", args=[entry["kind"], token]),
                "Danh mục",
                f"Thêm mới {created}, cập nhật {updated} dòng khi xác nhận",
                urgent=True,
            )
        )
    return items


def pending_load(request: HttpRequest, kind: str, token: str) -> tuple[dict[str, Any], bytes]:
    """The uploader's pending file, or 404 (another user's token, used, expired, altered)."""
    entry = request.session.get(SESSION_KEY, {}).get(str(token))
    if not entry or entry["kind"] != kind or entry["user"] != request.user.pk:
        raise Http404("Không tìm thấy tệp đang chờ nhập.")
    try:
        with default_storage.open(_storage_name(str(token)), "rb") as handle:
            data = handle.read()
    except FileNotFoundError as exc:
        pending_discard(request, str(token))
        raise Http404("Tệp đang chờ nhập đã hết hạn; hãy tải lên lại.") from exc
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        pending_discard(request, str(token))
        raise Http404("Tệp đang chờ nhập không còn nguyên vẹn; hãy tải lên lại.")
    return entry, data


def pending_discard(request: HttpRequest, token: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    if pending.pop(str(token), None) is not None:
        request.session[SESSION_KEY] = pending
    default_storage.delete(_storage_name(str(token)))
    importjobs.discard(str(token))


# --- helpers ----------------------------------------------------------------------------------


def importers_for(user: AnyUser) -> list[type[Importer]]:
    """The importers this user may run, in a stable order."""
    return [cls for _kind, cls in sorted(IMPORTERS.items()) if has_capability(user, cls.capability)]


def _importer(request: HttpRequest, kind: str) -> type[Importer]:
    cls = IMPORTERS.get(kind)
    if cls is None:
        raise Http404("Không có loại dữ liệu này.")
    require(request.user, cls.capability)
    return cls


def _read_upload(upload: UploadedFile) -> tuple[str, bytes]:
    """The upload's safe name and bytes; FileRejected (Vietnamese) before reading a bad file."""
    name = safe_display_name(upload.name or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ("xlsx", "csv"):
        raise FileRejected(
            f"Tệp “{name}” không đúng loại. Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv, mã hóa "
            "UTF-8)."
        )
    limit = settings.IMPORT_MAX_BYTES
    if upload.size and upload.size > limit:
        raise FileRejected(
            f"Tệp dung lượng {format_vn_number(upload.size / 1048576, 1)} MB, vượt giới hạn "
            f"{format_vn_number(limit / 1048576, 0)} MB cho một lần nhập. Hãy chia nhỏ tệp."
        )
    if ext == "xlsx" and upload.size:
        try:
            check_upload(upload, allowed=("xlsx",), max_bytes=limit)
        except ValidationError as exc:
            raise FileRejected(" ".join(exc.messages)) from exc
    upload.seek(0)
    return name, upload.read()


def _plan_context(plan: Plan) -> dict[str, Any]:
    changes = [c for c in plan.changes if getattr(c, "action", None) in ("create", "update")]
    errors = sorted(plan.errors, key=lambda e: e.line)
    return {
        "plan": plan,
        "errors": errors[:SHOW_MAX],
        "errors_hidden": max(0, plan.error_count - min(len(errors), SHOW_MAX)),
        "changes": changes[:SHOW_MAX],
        "changes_hidden": max(0, len(changes) - SHOW_MAX),
    }


# --- views ------------------------------------------------------------------------------------


@login_required
def import_index_view(request: HttpRequest) -> HttpResponse:
    importers = importers_for(request.user)
    if not importers:
        raise PermissionDenied("Bạn không có quyền nhập dữ liệu.")
    return render(
        request,
        "portal/import_index.html",
        {"importers": importers, "max_mb": settings.IMPORT_MAX_BYTES // 1048576},
    )


@login_required
def import_template_view(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty workbook with the exact header row of the contract."""
    cls = _importer(request, kind)
    return xlsx_response(f"mau-nhap-{kind}.xlsx", write_xlsx(cls.columns, [], sheet_title=kind))


@login_required
def import_upload_view(request: AuthedRequest, kind: str) -> HttpResponse:
    cls = _importer(request, kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "importer": cls,
        "form": form,
        "max_mb": settings.IMPORT_MAX_BYTES // 1048576,
    }
    if request.method == "POST" and form.is_valid():
        try:
            name, data = _read_upload(form.cleaned_data["file"])
            if importjobs.is_large(data, name):
                return _start_background(request, kind=kind, name=name, data=data)
            _importer_obj, plan = plan_import(kind, data, name)
        except FileRejected as exc:
            form.add_error("file", str(exc))
        else:
            if plan.ok:
                token = pending_store(request, kind=kind, name=name, data=data, plan=plan)
                url = reverse("import-preview", args=[kind, token])
                if request.htmx:
                    return HttpResponseClientRedirect(url)
                return redirect(url)
            context.update(_plan_context(plan), file_name=name)
    return render(request, "portal/import_upload.html", context)


@login_required
def import_preview_view(request: HttpRequest, kind: str, token: uuid.UUID) -> HttpResponse:
    cls = _importer(request, kind)
    if importjobs.load(str(token)) is not None:  # a large file: its page is the progress page
        return redirect("import-progress", kind=kind, token=token)
    entry, data = pending_load(request, kind, str(token))
    try:
        _importer_obj, plan = plan_import(kind, data, entry["name"])
    except FileRejected as exc:  # e.g. the importer's rules changed since the upload
        pending_discard(request, str(token))
        messages.error(request, str(exc))
        return redirect("import-upload", kind=kind)
    return render(
        request,
        "portal/import_preview.html",
        {"importer": cls, "token": token, "file_name": entry["name"], **_plan_context(plan)},
    )


@require_POST
@login_required
def import_confirm_view(request: AuthedRequest, kind: str, token: uuid.UUID) -> HttpResponse:
    cls = _importer(request, kind)
    job = importjobs.load(str(token))
    if job is not None:
        return _confirm_background(request, kind, str(token), job)
    entry, data = pending_load(request, kind, str(token))
    try:
        with transaction.atomic():
            importer, plan = plan_import(kind, data, entry["name"])
            if not plan.ok:
                pending_discard(request, str(token))
                return render(
                    request,
                    "portal/import_upload.html",
                    {
                        "importer": cls,
                        "form": ImportUploadForm(),
                        "file_name": entry["name"],
                        "max_mb": settings.IMPORT_MAX_BYTES // 1048576,
                        **_plan_context(plan),
                    },
                )
            if [plan.created, plan.updated, plan.unchanged] != entry["summary"]:
                # Someone changed the data since the preview: show the new preview first.
                entry["summary"] = [plan.created, plan.updated, plan.unchanged]
                request.session[SESSION_KEY] = {
                    **request.session.get(SESSION_KEY, {}),
                    str(token): entry,
                }
                messages.warning(
                    request,
                    "Dữ liệu trong hệ thống vừa thay đổi so với lúc xem trước. Hãy xem lại kết "
                    "quả dưới đây rồi xác nhận lần nữa.",
                )
                return redirect("import-preview", kind=kind, token=token)
            importer.apply(plan, user=request.user)
    except (IntegrityError, ValidationError):
        messages.error(
            request,
            "Không lưu được vì dữ liệu vừa bị người khác thay đổi cùng lúc. Không dòng nào được "
            "lưu; hãy xác nhận lại.",
        )
        return redirect("import-preview", kind=kind, token=token)
    pending_discard(request, str(token))
    messages.success(request, f"Đã nhập tệp “{entry['name']}”: {plan.summary()}.")
    # A campaign's list opens for the current campaign (portal.navigation.entry_url).
    return redirect(entry_url(cls.list_url) if cls.list_url else "import-index")


@require_POST
@login_required
def import_cancel_view(request: HttpRequest, kind: str, token: uuid.UUID) -> HttpResponse:
    _importer(request, kind)
    pending_load(request, kind, str(token))
    pending_discard(request, str(token))
    messages.info(request, "Đã hủy, không dòng nào được lưu.")
    return redirect("import-upload", kind=kind)


# --- large files: in the background (portal/importjobs.py) --------------------------------------


def _start_background(request: AuthedRequest, *, kind: str, name: str, data: bytes) -> HttpResponse:
    token = pending_store(request, kind=kind, name=name, data=data, plan=None)
    job = {
        "kind": kind,
        "name": name,
        "user": request.user.pk,
        "sha256": hashlib.sha256(data).hexdigest(),
        "total": importjobs.estimate_rows(data, name),
        "summary": None,
    }
    importjobs.start(token, job, importjobs.CHECK)
    url = reverse("import-progress", args=[kind, token])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _job(request: HttpRequest, kind: str, token: str) -> dict[str, Any]:
    """This person's job of this kind, or 404."""
    job = importjobs.load(token)
    if job is None or job.get("kind") != kind or job.get("user") != request.user.pk:
        raise Http404("Không tìm thấy tệp đang nhập.")
    return job


def _confirm_background(
    request: HttpRequest, kind: str, token: str, job: dict[str, Any]
) -> HttpResponse:
    if job["user"] != request.user.pk:
        raise Http404("Không tìm thấy tệp đang chờ nhập.")
    if job.get("state") in ("checked", "changed", "failed") and job.get("summary"):
        importjobs.start(token, job, importjobs.APPLY)
    return redirect("import-progress", kind=kind, token=token)


@login_required
def import_progress_view(request: AuthedRequest, kind: str, token: uuid.UUID) -> HttpResponse:
    """A large import's page: progress while it runs (htmx polls the panel), then the result:
    the counts and a confirm button, the errors of each row, or what was saved."""
    cls = _importer(request, kind)
    job = _job(request, kind, str(token))
    if job["state"] in importjobs.FINISHED_STATES:
        # Nothing is left to confirm: the desk stops listing it.
        pending = request.session.get(SESSION_KEY, {})
        if pending.pop(str(token), None) is not None:
            request.session[SESSION_KEY] = pending
        if job["state"] != "done":
            default_storage.delete(_storage_name(str(token)))
    errors = [RowError(line, column, message) for line, column, message in job.get("errors", [])]
    created, updated, unchanged = job.get("summary") or [0, 0, 0]
    changes = [
        {"line": line, "action": action, "text": text}
        for line, action, text in job.get("changes", [])[:SHOW_MAX]
    ]
    context = {
        "importer": cls,
        "token": token,
        "job": job,
        "file_name": job["name"],
        "running": job["state"] in importjobs.OPEN_STATES,
        # {% if state.checked %}: the template asks which state the job is in, never compares
        # strings (tests/portal/test_templates_ask_the_model.py).
        "state": {name: job["state"] == name for name in importjobs.STATES},
        "done_text": format_vn_number(job.get("done", 0)),
        "total_text": format_vn_number(max(job.get("total") or 0, job.get("done", 0))),
        "percent": _percent(job),
        "created": created,
        "updated": updated,
        "counts": [format_vn_number(n) for n in (created, updated, unchanged)],
        "error_count_text": format_vn_number(job.get("error_count", 0)),
        "errors": errors[:SHOW_MAX],
        "errors_hidden": max(0, job.get("error_count", 0) - min(len(errors), SHOW_MAX)),
        "changes": changes,
        "changes_hidden": max(0, created + updated - len(changes)) if changes else 0,
        "list_url": entry_url(cls.list_url) if cls.list_url else reverse("import-index"),
    }
    if request.htmx:
        return render(request, "portal/_partials/import_job.html", context)
    return render(request, "portal/import_progress.html", context)


def _percent(job: dict[str, Any]) -> int:
    """The bar: reading the file is its first half, checking the rows its second."""
    total = job.get("total") or 0
    if not total:
        return 0
    share = min(1.0, job.get("done", 0) / total)
    return int(50 * share) if job.get("reading") else 50 + int(50 * share)


@login_required
def import_errors_view(request: HttpRequest, kind: str, token: uuid.UUID) -> HttpResponse:
    """The errors of a large import's rows as an .xlsx (line, column, message)."""
    _importer(request, kind)
    job = _job(request, kind, str(token))
    rows = [(line, column, message) for line, column, message in job.get("errors", [])]
    content = write_xlsx(
        [Column("Dòng", "0", 8), Column("Cột", None, 18), Column("Lỗi", None, 90)],
        rows,
        sheet_title="Lỗi",
        title=f"Lỗi của tệp “{job['name']}”: {format_vn_number(job.get('error_count', 0))} lỗi",
    )
    return xlsx_response(f"loi-nhap-{kind}.xlsx", content)
