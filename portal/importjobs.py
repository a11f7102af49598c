"""A large browser import, checked and applied in the background with a progress page.

A file of more than IMPORT_BACKGROUND_ROWS rows is not checked inside the request (20,000 rows
would take the upload, the preview and the confirm each past gunicorn's timeout). The upload
stores the file as a small one waits for confirm (`imports/<token>.bin`, portal/importing.py)
and starts a job; the job's state is a small JSON file next to it (`imports/<token>.json`, in
the same storage, so it works with several web processes and with object storage):

    queued → checking → checked (good: the person confirms) | invalid (bad rows) | rejected
    confirm: queued → applying → done | changed (the data changed: check again) | failed

The job runs as a Celery task (`portal.tasks.run_import_job`) with a broker, or in a thread of
the web process without one (`portal.background`, the demo); tests run it inline. The progress
page polls the state every two seconds ("Đã kiểm tra 12.000/20.000 dòng"). The apply re-checks
the file inside its transaction and writes only when the counts are still those the person
confirmed, as the small flow does. Nothing is written when a row is bad, and the errors (each
with its line) are on the page and in a downloadable .xlsx.

A job that stops half way (its process killed, the machine restarted) would stay "đang kiểm
tra" for ever: while it runs it beats (`portal.background.heartbeat`, `imports/<token>.beat`),
and `load` turns a job whose last sign of life (its last beat or state change) is older than
BACKGROUND_STALE_SECONDS (BACKGROUND_QUEUED_SECONDS while queued) into "stopped": the page says
so and asks for the file again. Nothing was written then: the write is one transaction (the
check again, `importer.apply`, and their audit events), which a dead process never commits. The
one gap, a process that dies after the commit and before the job says "done", is closed by the
audit events: the job's writes carry its token as their request id, and a stopped apply whose
events exist is "done", not "stopped". A job found stopped that later comes back (a frozen
process) cannot write any more: the apply looks at its state before it commits.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
import time
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import background
from .dataexchange import FileRejected, Plan, plan_import
from .numbers import format_vn_number

log = logging.getLogger(__name__)

STORAGE_DIR = "imports"
#: Errors and changes a job keeps for its page and its error file (the plan keeps 1,000).
KEEP = 1_000
#: A job's phases; the page shows the first words, then "n/N dòng".
CHECK, APPLY = "check", "apply"
OPEN_STATES = ("queued", "checking", "applying")
#: Nothing is left to confirm in these: the file is no longer kept (but after "done").
FINISHED_STATES = ("done", "invalid", "rejected", "stopped")
#: Every state a job passes through (the progress page shows each its own way).
STATES = (*OPEN_STATES, "checked", "changed", "failed", *FINISHED_STATES)

STOPPED_CHECK = (
    "Quá trình kiểm tra đã dừng giữa chừng; chưa có dòng nào được ghi. Vui lòng tải tệp lên lại."
)
STOPPED_APPLY = (
    "Quá trình ghi dữ liệu đã dừng giữa chừng; chưa có dòng nào được ghi (việc ghi chỉ có hiệu "
    "lực khi toàn bộ tệp được ghi xong). Vui lòng tải tệp lên lại."
)

#: A job's progress callbacks: rows checked of all, and rows read so far.
Progress = Callable[[int, int], None]
Reading = Callable[[int], None]


def job_name(token: str) -> str:
    return f"{STORAGE_DIR}/{token}.json"


def file_name(token: str) -> str:
    return f"{STORAGE_DIR}/{token}.bin"


def beat_key(token: str) -> str:
    return f"{STORAGE_DIR}/{token}"


def load(token: str) -> dict[str, Any] | None:
    """The job's state, or None when there is none; a job that has stopped half way is
    "stopped" from then on (`_settle`)."""
    job = _read(token)
    return None if job is None else _settle(token, job)


def _read(token: str) -> dict[str, Any] | None:
    """The job's state as last saved. On a storage without an atomic replace (object storage) a
    poll may fall between the delete and the save of an update: it waits a little for the new
    state rather than answering 404."""
    for attempt in range(6):
        try:
            with default_storage.open(job_name(token), "rb") as handle:
                state: dict[str, Any] = json.loads(handle.read().decode())
                return state
        except (FileNotFoundError, ValueError):
            if attempt == 5 or not default_storage.exists(file_name(token)):
                return None
            time.sleep(0.05)
    return None


def save(token: str, job: dict[str, Any]) -> None:
    job["at"] = timezone.now().isoformat()
    background.write_small(job_name(token), json.dumps(job, ensure_ascii=False).encode())


def discard(token: str) -> None:
    default_storage.delete(job_name(token))
    background.forget(beat_key(token))


def _last_sign_of_life(token: str, job: dict[str, Any]) -> datetime.datetime:
    at = datetime.datetime.fromisoformat(job["at"]) if job.get("at") else timezone.now()
    beat = background.last_beat(beat_key(token))
    return max(at, beat.at) if beat is not None else at


def is_stopped(token: str, job: dict[str, Any]) -> bool:
    """Is this open job's process gone (no sign of life for longer than the limit)?"""
    if job.get("state") not in OPEN_STATES:
        return False
    running = job["state"] != "queued"
    return background.stopped(_last_sign_of_life(token, job), running=running)


def _written(token: str, job: dict[str, Any]) -> bool:
    """Did this job's write commit? Its audit events carry the job's id (`_job_id`)."""
    from .models import AuditEvent

    since = datetime.datetime.fromisoformat(job["applying_since"])
    return AuditEvent.objects.filter(at__gte=since, request_id=_job_id(token)).exists()


def _settle(token: str, job: dict[str, Any]) -> dict[str, Any]:
    """A job found stopped is recorded as such (or as done, when its write did commit), so the
    page says it once and for all and a late worker finds nothing to do."""
    if not is_stopped(token, job):
        return job
    if job.get("phase") == APPLY and job.get("applying_since") and _written(token, job):
        log.warning("import job %s: stopped after its write committed; recorded as done", token)
        job.update(state="done", writing=False, message=_done_message(job.get("summary")))
        save(token, job)
        default_storage.delete(file_name(token))
        return job
    log.warning("import job %s: no sign of life since %s; recorded as stopped", token, job["at"])
    job.update(
        state="stopped",
        writing=False,
        message=STOPPED_APPLY if job.get("phase") == APPLY else STOPPED_CHECK,
    )
    save(token, job)
    return job


def _job_id(token: str) -> str:
    """The request id the job's audit events carry (32 hex digits; a request's has 12)."""
    return uuid.UUID(token).hex


def _done_message(summary: list[int] | None) -> str:
    created, updated, unchanged = summary or [0, 0, 0]
    return (
        f"{format_vn_number(created)} dòng mới, "
        f"{format_vn_number(updated)} dòng cập nhật, "
        f"{format_vn_number(unchanged)} dòng không đổi"
    )


class _Stopped(Exception):
    """The job was found stopped (and told so) while this process still ran it."""


def _check_not_stopped(token: str) -> None:
    current = _read(token)
    if current is not None and current.get("state") == "stopped":
        raise _Stopped


def estimate_rows(data: bytes, filename: str) -> int:
    """How many rows the file has after its header, without parsing it: lines of a CSV; the
    `<row` elements of an .xlsx's first sheet, counted in its XML as it unpacks (20,000 rows:
    a few hundredths of a second). Blank rows count too: it is for the progress and the
    threshold, the reader decides what a row is."""
    if filename.lower().endswith(".csv"):
        return max(0, data.count(b"\n") - 1)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = sorted(
                (i for i in archive.infolist() if i.filename.startswith("xl/worksheets/sheet")),
                key=lambda i: i.filename,
            )
            if not sheets or sheets[0].file_size > settings.IMPORT_MAX_UNPACKED_BYTES:
                return 0
            count, tail = 0, b""
            with archive.open(sheets[0]) as sheet:
                while chunk := sheet.read(1 << 20):
                    block = tail + chunk
                    count += block.count(b"<row ") + block.count(b"<row>")
                    tail = block[-5:]
                    count -= tail.count(b"<row ") + tail.count(b"<row>")
                count += tail.count(b"<row ") + tail.count(b"<row>")
            return max(0, count - 1)
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0


def is_large(data: bytes, filename: str) -> bool:
    return estimate_rows(data, filename) > int(settings.IMPORT_BACKGROUND_ROWS)


def start(token: str, job: dict[str, Any], phase: str) -> None:
    """Record the job as queued and send it (Celery, the background thread, or inline)."""
    job.update(phase=phase, state="queued", done=0, message="")
    save(token, job)
    from .tasks import run_import_job

    if settings.CELERY_TASK_ALWAYS_EAGER and getattr(settings, "BACKGROUND_IN_THREAD", False):
        from . import background

        background.submit(run, token)
    elif settings.CELERY_TASK_ALWAYS_EAGER:
        run_import_job.apply(args=(token,))
    else:
        run_import_job.delay(token)


def _errors(plan: Plan) -> list[list[Any]]:
    return [[e.line, e.column, e.message] for e in sorted(plan.errors, key=lambda e: e.line)][:KEEP]


def _changes(plan: Plan) -> list[list[Any]]:
    kept = []
    for change in plan.changes:
        action = getattr(change, "action", None)
        if action in ("create", "update"):
            kept.append([change.line, action, str(change)])
            if len(kept) >= KEEP:
                break
    return kept


def run(token: str) -> None:
    """The job: check the pending file (phase "check") or check and apply it ("apply"), beating
    while it runs; its audit events and log lines carry its id."""
    job = load(token)
    if job is None or job.get("state") not in ("queued",):
        return
    with background.job_id(_job_id(token)), background.heartbeat(beat_key(token)):
        _run(token, job)
    background.forget(beat_key(token))


def _run(token: str, job: dict[str, Any]) -> None:
    try:
        with default_storage.open(file_name(token), "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        job.update(state="rejected", message="Tệp đang chờ nhập đã hết hạn; hãy tải lên lại.")
        save(token, job)
        return
    if hashlib.sha256(data).hexdigest() != job["sha256"]:
        job.update(state="rejected", message="Tệp không còn nguyên vẹn; hãy tải lên lại.")
        save(token, job)
        return
    applying = job["phase"] == APPLY
    job.update(state="applying" if applying else "checking", reading=True, done=0)
    if applying:
        job["applying_since"] = timezone.now().isoformat()
    save(token, job)

    def progress(done: int, total: int) -> None:
        _check_not_stopped(token)
        job.update(done=done, total=total, reading=False)
        save(token, job)

    def reading(done: int) -> None:
        _check_not_stopped(token)
        job.update(done=done, reading=True)
        save(token, job)

    try:
        if applying:
            _apply(token, job, data, progress, reading)
        else:
            _check(job, data, progress, reading)
    except _Stopped:
        log.warning("import job %s: found stopped while it ran; left as stopped", token)
        return
    except FileRejected as exc:
        job.update(state="rejected", message=str(exc))
    except (IntegrityError, ValidationError):
        job.update(
            state="failed",
            message="Không lưu được vì dữ liệu vừa bị người khác thay đổi cùng lúc. Không dòng "
            "nào được lưu; hãy xác nhận lại.",
        )
    except Exception:
        log.exception("import job %s failed", token)
        job.update(
            state="failed",
            message="Có lỗi khi xử lý tệp. Không dòng nào được lưu; hãy thử lại hoặc báo quản "
            "trị hệ thống.",
        )
    save(token, job)
    if job["state"] == "done":
        default_storage.delete(file_name(token))


def _summary(job: dict[str, Any], plan: Plan) -> None:
    job.update(
        summary=[plan.created, plan.updated, plan.unchanged],
        notes=list(plan.notes),
        error_count=plan.error_count,
        errors=_errors(plan),
        changes=_changes(plan),
        total=job.get("total") or plan.created + plan.updated + plan.unchanged,
    )


def _check(job: dict[str, Any], data: bytes, progress: Progress, reading: Reading) -> None:
    _importer, plan = plan_import(
        job["kind"], data, job["name"], progress=progress, reading=reading
    )
    _summary(job, plan)
    job["state"] = "checked" if plan.ok else "invalid"


def _apply(
    token: str, job: dict[str, Any], data: bytes, progress: Progress, reading: Reading
) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=job["user"]).first()
    confirmed = job.get("summary")
    with transaction.atomic():
        importer, plan = plan_import(
            job["kind"], data, job["name"], progress=progress, reading=reading
        )
        _summary(job, plan)
        if not plan.ok:
            job["state"] = "invalid"
            return
        if [plan.created, plan.updated, plan.unchanged] != confirmed:
            job.update(
                state="changed",
                message="Dữ liệu trong hệ thống vừa thay đổi so với lúc kiểm tra. Hãy xem lại "
                "kết quả dưới đây rồi xác nhận lần nữa.",
            )
            return
        job["writing"] = True
        save(token, job)
        importer.apply(plan, user=user)
        # Told "stopped, nothing written" meanwhile (this process was frozen past the limit):
        # keep it true, roll back.
        _check_not_stopped(token)
    job.update(state="done", writing=False, message=_done_message(confirmed))
