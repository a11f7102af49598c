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
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from .dataexchange import FileRejected, Plan, plan_import
from .numbers import format_vn_number

log = logging.getLogger(__name__)

STORAGE_DIR = "imports"
#: Errors and changes a job keeps for its page and its error file (the plan keeps 1,000).
KEEP = 1_000
#: A job's phases; the page shows the first words, then "n/N dòng".
CHECK, APPLY = "check", "apply"
OPEN_STATES = ("queued", "checking", "applying")
#: Every state a job passes through (the progress page shows each its own way).
STATES = (*OPEN_STATES, "checked", "changed", "failed", "invalid", "rejected", "done")

#: A job's progress callbacks: rows checked of all, and rows read so far.
Progress = Callable[[int, int], None]
Reading = Callable[[int], None]


def job_name(token: str) -> str:
    return f"{STORAGE_DIR}/{token}.json"


def file_name(token: str) -> str:
    return f"{STORAGE_DIR}/{token}.bin"


def load(token: str) -> dict[str, Any] | None:
    """The job's state, or None when there is none. On a storage without an atomic replace
    (object storage) a poll may fall between the delete and the save of an update: it waits a
    little for the new state rather than answering 404."""
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
    name = job_name(token)
    content = json.dumps(job, ensure_ascii=False).encode()
    try:
        path = Path(default_storage.path(name))
    except NotImplementedError:  # object storage: a storage's save() never overwrites
        default_storage.delete(name)
        default_storage.save(name, ContentFile(content))
        return
    # A local disk: write beside and rename over, so a poll never finds the file missing.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.part")
    partial.write_bytes(content)
    os.replace(partial, path)


def discard(token: str) -> None:
    default_storage.delete(job_name(token))


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
    """The job: check the pending file (phase "check") or check and apply it ("apply")."""
    job = load(token)
    if job is None or job.get("state") not in ("queued",):
        return
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
    save(token, job)

    def progress(done: int, total: int) -> None:
        job.update(done=done, total=total, reading=False)
        save(token, job)

    def reading(done: int) -> None:
        job.update(done=done, reading=True)
        save(token, job)

    try:
        if applying:
            _apply(token, job, data, progress, reading)
        else:
            _check(job, data, progress, reading)
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
    job.update(
        state="done",
        writing=False,
        message=f"{format_vn_number(plan.created)} dòng mới, "
        f"{format_vn_number(plan.updated)} dòng cập nhật, "
        f"{format_vn_number(plan.unchanged)} dòng không đổi",
    )
