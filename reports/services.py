"""Report writes and state transitions: request, render (the Celery task's work), sign, return.

Lifecycle: queued → rendering → ready → signing (the chairman's request, signed by a background
job) → signed, or failed (the error kept for the secretariat), or returned (the chairman sent it
back). Regenerating makes a new version; the previous version
stays the current one until the new one is ready, and a signed version never changes. Broker
down: the request is recorded and stays queued with a note; `requeue_reports` (beat, every few
minutes) sends queued reports again, and the idempotent claim makes sure each runs once. A render
whose worker died (a stale claim) is put back in the queue by a worker that starts
(`requeue_at_start`), by beat, by asking for the report again, or by "Tạo lại" on its page.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.db.models import F, Max, Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from portal import background
from portal.access import require
from portal.audit import audited_update, record_bulk
from portal.concurrency import (
    SeenTokenError,
    StaleEdit,
    field_label,
    read_token,
    seen_token,
    snapshot,
)
from portal.models import User
from portal.notify import holders_of, notify
from portal.uploads import StoredFileMissing, open_stored
from units.models import Authority

from . import rendering, signing
from .models import (
    NARRATIVE_FIELDS,
    OPEN_STATUSES,
    OutgoingNumber,
    Report,
    ReportStatus,
    SignOff,
)
from .registry import get_kind

if TYPE_CHECKING:
    from campaigns.models import Campaign

log = logging.getLogger(__name__)

QUEUE_DOWN_NOTE = (
    "Hàng đợi xử lý tạm thời không hoạt động. Yêu cầu đã được ghi nhận và sẽ được tạo tự động "
    "khi hàng đợi hoạt động trở lại."
)
MAX_ATTEMPTS = 5


def lease_seconds() -> int:
    return int(getattr(settings, "REPORT_LEASE_SECONDS", settings.CELERY_TASK_TIME_LIMIT + 60))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- Request ------------------------------------------------------------------------------------


def report_request(
    *,
    campaign: Campaign,
    kind: str,
    year: int | None,
    by: User,
    object_id: int = 0,
    narrative: dict[str, str] | None = None,
) -> Report:
    """Ask for a document. An identical open request (queued or rendering) is returned as is,
    unless its renderer is gone (a stale claim): then it is put back in the queue and returned.
    Otherwise a new version is made; the older unsigned versions stay as they are until it is
    ready (`report_render` supersedes them then)."""
    definition = get_kind(kind)
    if definition is None:
        raise ValidationError({"kind": "Loại báo cáo không hợp lệ."})
    if year is None:
        year = definition.default_year(campaign)
    if year is None:
        raise ValidationError({"year": "Vui lòng chọn năm báo cáo."})
    definition.validate(campaign, year, object_id)
    key = {"campaign": campaign, "kind": kind, "year": year, "object_id": object_id}
    try:
        with transaction.atomic():
            # No row lock here: a report being rendered is locked by its worker for the whole
            # render, and a second request must not wait for it. The partial unique constraint
            # `report_one_open_request` settles two requests racing to create the same one.
            _refuse_while_signing(key)
            existing = _open_report(key)
            if existing is not None:
                if _requeue_if_stale(existing.pk, by=by, reason=RETRY_ON_REQUEST):
                    existing.refresh_from_db()
                return existing
            versions = Report.objects.filter(**key)
            latest = versions.order_by("-version").first()
            if narrative is None:
                narrative = latest.narrative() if latest else {}
            version = (versions.aggregate(m=Max("version"))["m"] or 0) + 1
            report = Report.objects.create(
                **key,
                version=version,
                requested_by=by,
                issue_date=timezone.localdate(),
                **{f: (narrative.get(f) or "").strip() for f in NARRATIVE_FIELDS},
            )
            transaction.on_commit(lambda: enqueue(report.pk))
    except IntegrityError:
        # Someone made the same request at the same moment: theirs is the one.
        existing = _open_report(key)
        if existing is None:
            raise
        return existing
    return report


def _refuse_while_signing(key: dict[str, Any]) -> None:
    """A document being signed is not made again meanwhile (its narrative neither). A signing
    whose job has stopped is given up first (the report is ready again, then superseded by the
    new version as any ready one)."""
    signing_now = Report.objects.filter(**key, status=ReportStatus.SIGNING)
    for pk in signing_now.values_list("pk", flat=True):
        row = _lock_report(pk)
        if row is None or (row.is_signing and not signing_stopped(row)):
            raise ValidationError(
                "Văn bản đang được Chủ tịch ký số; chưa thể tạo lại hoặc sửa nội dung. Vui lòng "
                "chờ ký xong.",
                code="signing",
            )
        if row.is_signing:
            _sign_failed(row.pk, row.sign_attempts, SIGN_STOPPED)


def _open_report(key: dict[str, Any]) -> Report | None:
    """The queued or rendering report for this document, if any (the idempotency key is
    campaign × kind × year × object)."""
    return Report.objects.filter(**key, status__in=OPEN_STATUSES).first()


def enqueue(report_id: int) -> bool:
    """Send the rendering job; when the broker is down, leave the row queued with a note. With
    no broker at all the job runs inline (tests) or in a background thread of this process
    (`REPORTS_RENDER_IN_THREAD`, the demo)."""
    from .tasks import render_report_task

    try:
        if settings.CELERY_TASK_ALWAYS_EAGER and settings.REPORTS_RENDER_IN_THREAD:
            # No broker: a thread of this process renders it (reports/background.py).
            from . import background

            background.submit(report_id)
        elif settings.CELERY_TASK_ALWAYS_EAGER:
            render_report_task.apply_async(args=(report_id,))
        else:
            # A connection that fails at once when the broker is down (kombu would otherwise
            # retry for ~6 s while the officer waits); the row stays queued and beat's
            # `requeue_reports` sends it later. Routed to "reports" by CELERY_TASK_ROUTES.
            app = render_report_task.app
            with app.connection_for_write(transport_options={"max_retries": 0}) as connection:
                render_report_task.apply_async(  # type: ignore[call-arg]  # celery-types omits connection=
                    args=(report_id,), retry=False, connection=connection
                )
    except Exception as exc:  # kombu/redis connection errors: broker unavailable
        if settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_TASK_EAGER_PROPAGATES:
            raise
        log.warning("report %s: broker unavailable (%s); left queued", report_id, exc)
        Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
            error=QUEUE_DOWN_NOTE
        )
        return False
    return True


def requeue_stale(*, older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> int:
    """Send again the reports left queued (broker was down) and the renders whose worker died
    (put back in the queue first). The claim makes a duplicate delivery harmless. Beat runs it
    every few minutes (`reports-requeue`); a worker that starts runs `requeue_at_start`."""
    now = timezone.now()
    queued = Report.objects.filter(status=ReportStatus.QUEUED, requested_at__lt=now - older_than)
    pks = list(queued.values_list("pk", flat=True)) + requeue_dead_claims(reason=RETRY_BY_BEAT)
    sent = 0
    for pk in pks:
        sent += enqueue(pk)
    return sent


def requeue_at_start() -> int:
    """A worker that starts (Celery's `worker_ready`) puts back in the queue at once the renders
    of dead workers and sends them, and sends the queued reports again (a dead worker may have
    held their messages, which Redis gives back only after the visibility timeout, 2 h). A
    duplicate of a message still waiting in the queue is harmless: the claim runs each once."""
    pks = requeue_dead_claims(reason=RETRY_AT_START)
    queued = Report.objects.filter(status=ReportStatus.QUEUED).exclude(pk__in=pks)
    pks += list(queued.values_list("pk", flat=True))
    sent = 0
    for pk in pks:
        sent += enqueue(pk)
    return sent


# --- Render -------------------------------------------------------------------------------------
#
# Exactly once, with at-least-once delivery (acks late, redelivery when a worker is lost, the
# Redis visibility timeout, `requeue_stale`): the worker that renders a report holds its row
# locked (SELECT … FOR UPDATE) in the transaction that renders it and writes `ready`. A worker
# killed mid-render loses its database session, so PostgreSQL drops the lock at once: a row that
# is `rendering` but not locked has no live renderer and may be claimed again. Every claim adds
# one to `attempts`; the attempt number is the claimer's token, and only the token's holder may
# write the result. Without row locks (SQLite) the lease (`lease_until`) decides instead.


#: How long a claim waits for a report's row lock before deciding a live worker renders it.
#: Short holders (another claim, `requeue_stale`) finish well within it.
LOCK_WAIT_SECONDS = 5.0


def _row_locks() -> bool:
    return connection.features.has_select_for_update_nowait


@contextmanager
def _lock_wait(seconds: float) -> Iterator[None]:
    """Inside a transaction (PostgreSQL): lock requests in the block give up after `seconds`
    (lock_not_available); the session's own lock_timeout applies again after it. On an error
    the rollback (of the transaction or savepoint) undoes the setting itself."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        (before,) = cursor.fetchone()
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(seconds * 1000)}ms"])
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])


def _lock_busy(exc: BaseException) -> bool:
    """Is this PostgreSQL's lock_not_available (55P03): the row is held by another transaction
    for longer than we wait (a live renderer)?"""
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) == "55P03" or getattr(cause, "pgcode", None) == "55P03"


#: A claim commits `rendering` and then takes the row lock for the render: between the two a
#: live claimer holds no lock. A `rendering` row found unlocked is taken over only if it is
#: still unlocked, and nobody else has claimed it, this long after (a live claimer has taken
#: its lock by then).
CLAIM_GRACE_SECONDS = 1.0

RETRY_AT_START = (
    "Đưa lại vào hàng đợi khi tiến trình xử lý khởi động: tiến trình tạo tệp trước đã dừng"
)
RETRY_BY_BEAT = "Đưa lại vào hàng đợi (requeue_reports): tiến trình tạo tệp đã dừng"
RETRY_ON_REQUEST = "Yêu cầu lại: tiến trình tạo tệp đã dừng, đưa lại vào hàng đợi"
RETRY_BY_BUTTON = "Tạo lại: tiến trình tạo tệp đã dừng, đưa lại vào hàng đợi"


def _stale_claims(pks: list[int] | None = None) -> list[int]:
    """Inside a transaction: the `rendering` reports (of `pks`, or all) whose renderer is gone —
    a stale claim. On PostgreSQL a live renderer holds its row locked for the whole render, and
    PostgreSQL drops the lock the moment the worker's connection closes (kill -9, crash, time
    limit): so a row claimed more than CLAIM_GRACE_SECONDS ago that nobody holds is stale; the
    rows found are locked here (SKIP LOCKED: a live render is passed over, never waited for).
    Without row locks (SQLite) the lease decides: it ends a minute after the task's time limit,
    past which no live render can still run."""
    now = timezone.now()
    rendering = Report.objects.filter(status=ReportStatus.RENDERING)
    if pks is not None:
        rendering = rendering.filter(pk__in=pks)
    if not _row_locks():
        return list(rendering.filter(lease_until__lt=now).values_list("pk", flat=True))
    claimed_before = now - datetime.timedelta(seconds=CLAIM_GRACE_SECONDS)
    rendering = rendering.filter(Q(started_at__isnull=True) | Q(started_at__lt=claimed_before))
    return list(
        rendering.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)
    )


def _requeue(pks: list[int], *, by: User | None, reason: str) -> list[int]:
    """Put stale claims (locked by `_stale_claims` in this transaction) back in the queue, one
    audit event each; the next delivery claims them as any queued report."""
    if not pks:
        return []
    audited_update(
        Report.objects.filter(pk__in=pks, status=ReportStatus.RENDERING),
        actor=by,
        reason=reason,
        status=ReportStatus.QUEUED,
        lease_until=None,
    )
    return pks


def requeue_dead_claims(*, reason: str) -> list[int]:
    """Every stale claim back in the queue (not sent: the caller sends them)."""
    with transaction.atomic():
        return _requeue(_stale_claims(), by=None, reason=reason)


def _requeue_if_stale(report_id: int, *, by: User | None, reason: str) -> bool:
    """Inside a transaction: this report's claim is stale → back in the queue, sent after
    commit. False when it is not (queued, finished, or a live worker renders it)."""
    with transaction.atomic():
        if not _requeue(_stale_claims([report_id]), by=by, reason=reason):
            return False
    transaction.on_commit(lambda: enqueue(report_id))
    return True


def claim_is_stale(report: Report) -> bool:
    """For the report page: is it `rendering` with its renderer gone ("Tạo lại" is offered)?"""
    if report.status != ReportStatus.RENDERING:
        return False
    with transaction.atomic():
        return bool(_stale_claims([report.pk]))


def report_retry(*, report: Report, by: User) -> Report:
    """ "Tạo lại" on the page of a report whose renderer is gone: back in the queue, sent now.
    Refused while a live worker renders it (or once it is done): nothing is rendered twice."""
    require(by, "report.request")
    with transaction.atomic():
        if not _requeue_if_stale(report.pk, by=by, reason=RETRY_BY_BUTTON):
            raise ValidationError(
                "Báo cáo không cần tạo lại: tệp đang được tạo hoặc đã tạo xong. Vui lòng tải lại "
                "trang để xem trạng thái mới nhất."
            )
    report.refresh_from_db()
    return report


class _Rendering(Exception):
    """The row is `rendering` and unlocked: its claimer is between claim and lock, or dead."""

    def __init__(self, attempts: int) -> None:
        self.attempts = attempts


def _claim(report_id: int) -> int | None:
    """Take a queued report (or one whose renderer died) for rendering. Returns the attempt
    number, which is this claim's token, or None when there is nothing to do."""
    if not _row_locks():
        return _claim_once(report_id)
    try:
        return _claim_once(report_id, take_over=None)
    except _Rendering as seen:
        time.sleep(CLAIM_GRACE_SECONDS)
        try:
            return _claim_once(report_id, take_over=seen.attempts)
        except _Rendering:
            log.info("report %s: claimed by another worker meanwhile", report_id)
            return None


def _claim_once(report_id: int, *, take_over: int | None = 0) -> int | None:
    """One look under the row lock. A `rendering` row is taken over only when its attempt
    number is `take_over` (the one seen a grace period ago); 0: no check (SQLite: the lease
    already says the renderer is gone)."""
    now = timezone.now()
    claimable = Q(status=ReportStatus.QUEUED) | Q(status=ReportStatus.RENDERING)
    if not _row_locks():  # no locks to tell a live renderer: its lease does
        claimable = Q(status=ReportStatus.QUEUED) | Q(
            status=ReportStatus.RENDERING, lease_until__lt=now
        )
    waited = time.monotonic()
    try:
        with transaction.atomic():
            row = Report.objects.filter(claimable, pk=report_id)
            if _row_locks():
                with _lock_wait(LOCK_WAIT_SECONDS):
                    found = row.select_for_update().values_list("status", "attempts").first()
            else:
                found = row.values_list("status", "attempts").first()
            waited = time.monotonic() - waited
            if found is None:
                log.info(
                    "report %s: nothing to do (not queued; waited %.1fs for its row)",
                    report_id,
                    waited,
                )
                return None
            status, attempts = found
            if status == ReportStatus.RENDERING and take_over != 0:
                if take_over != attempts:
                    raise _Rendering(attempts)
                log.info("report %s: its renderer is gone; claiming it again", report_id)
            Report.objects.filter(pk=report_id).update(
                status=ReportStatus.RENDERING,
                started_at=now,
                lease_until=now + datetime.timedelta(seconds=lease_seconds()),
                attempts=F("attempts") + 1,
                error="",
            )
            return attempts + 1
    except OperationalError as exc:
        if _lock_busy(exc):
            log.info("report %s: another worker is rendering it", report_id)
            return None
        raise


def _hold(report_id: int, token: int) -> Report | None:
    """In the render transaction: lock the row for the whole render (only this report's row,
    not its campaign). None when another claim took over in between (the attempt number is no
    longer ours) or another worker holds the row."""
    row = Report.objects.select_related("campaign").filter(
        pk=report_id, status=ReportStatus.RENDERING, attempts=token
    )
    if not _row_locks():
        return row.first()
    try:
        with transaction.atomic(), _lock_wait(LOCK_WAIT_SECONDS):  # savepoint: survives a timeout
            return row.select_for_update(of=("self",)).first()
    except OperationalError as exc:
        if _lock_busy(exc):
            return None
        raise


def _fail(report_id: int, token: int, message: str) -> None:
    Report.objects.filter(pk=report_id, status=ReportStatus.RENDERING, attempts=token).update(
        status=ReportStatus.FAILED,
        error=message[:4000],
        lease_until=None,
        finished_at=timezone.now(),
    )


def _supersede_older(report: Report, token: int) -> None:
    """In the render transaction, with the new version's file stored: the older unsigned
    versions (ready, returned, failed) are superseded in the same commit that makes this one
    ready, so until then the previous ready version stays the current one (downloadable, signable)
    and a failed render leaves it so. A signed version is never touched."""
    older = Report.objects.filter(
        campaign_id=report.campaign_id,
        kind=report.kind,
        year=report.year,
        object_id=report.object_id,
        version__lt=report.version,
        status__in=[ReportStatus.READY, ReportStatus.RETURNED, ReportStatus.FAILED],
    )
    audited_update(
        older,
        actor=None,
        reason=f"Thay bằng phiên bản {report.version} (tạo xong, lần {token})",
        status=ReportStatus.SUPERSEDED,
    )


def report_render(*, report_id: int, worker: str = "") -> Report | None:
    """Claim the report, render it and store the file, once. Returns None when there is nothing
    to do (already ready or signed, or another worker is rendering it). Transient database
    errors propagate (the task retries them); anything else marks the report failed.
    `worker` (the Celery worker's name) goes into the audit event of the finished render."""
    token = _claim(report_id)
    if token is None:
        return None
    if token > MAX_ATTEMPTS:
        _fail(report_id, token, f"Đã thử tạo {MAX_ATTEMPTS} lần không thành công.")
        return None
    try:
        with transaction.atomic():
            report = _hold(report_id, token)
            if report is None:
                log.info("report %s: attempt %s taken over by another worker", report_id, token)
                return None
            rendered = rendering.render_report(report)
            name = f"reports/{report.campaign_id}/{report.pk}-v{report.version}.pdf"
            storage = report.file.storage
            if storage.exists(name):  # our own earlier, unfinished attempt
                storage.delete(name)
            saved = storage.save(name, ContentFile(rendered.content))
            digest = sha256(rendered.content)
            annex_saved, annex_digest = "", ""
            if rendered.annex is not None:  # a large review: every commune's row, beside it
                annex_name = f"reports/{report.campaign_id}/{report.pk}-v{report.version}.xlsx"
                if storage.exists(annex_name):
                    storage.delete(annex_name)
                annex_saved = storage.save(annex_name, ContentFile(rendered.annex.content))
                annex_digest = rendered.annex.sha256
            _supersede_older(report, token)
            Report.objects.filter(pk=report_id).update(
                status=ReportStatus.READY,
                file=saved,
                sha256=digest,
                annex=annex_saved,
                annex_sha256=annex_digest,
                size=len(rendered.content),
                page_count=rendered.pages,
                context_hash=rendered.context_hash,
                tables=rendered.tables,
                has_sample_data=rendered.has_sample,
                signature_box=rendered.signature_box,
                lease_until=None,
                finished_at=timezone.now(),
            )
            record_bulk(
                Report,
                {report_id: {"status": (ReportStatus.RENDERING, ReportStatus.READY)}},
                actor=None,
                reason=(
                    f"Tạo tệp PDF xong (lần {token}{', ' + worker if worker else ''}, "
                    f"sha256 {digest[:12]})"
                ),
            )
            notify(
                "to_sign",
                users=holders_of("report.sign"),
                event=f"report:{report_id}:ready",
                subject=f"Văn bản chờ ký duyệt: {report.title}",
                body=f"{report.title} đã được tạo xong ({rendered.pages} trang), chờ ông/bà ký số.",
                path=report.get_absolute_url(),
            )
    except (OperationalError, InterfaceError):
        # Transient: give the row back so the retry can claim it.
        try:
            Report.objects.filter(
                pk=report_id, status=ReportStatus.RENDERING, attempts=token
            ).update(status=ReportStatus.QUEUED, lease_until=None)
        except DatabaseError:
            log.warning("report %s: could not give the row back; the retry re-claims it", report_id)
        raise
    except Exception as exc:
        log.exception("report %s failed to render", report_id)
        _fail(report_id, token, str(exc) or exc.__class__.__name__)
        return None
    log.info("report %s rendered (attempt %s, %s)", report_id, token, worker or "in process")
    return Report.objects.get(pk=report_id)


# --- Sign-off -----------------------------------------------------------------------------------


def register_number(
    *,
    authority: Authority,
    day: datetime.date,
    symbol: str,
    summary: str,
    by: User,
    report: Report | None = None,
    series: str = "",
) -> OutgoingNumber:
    """The next number of `authority`'s register for `day`'s year: the authority row is locked
    so two signatures at once take 01 and 02, never the same; the unique constraint is the
    backstop. Inside the signing transaction: a failed signature gives its number back."""
    from units.models import Authority

    Authority.objects.select_for_update().filter(pk=authority.pk).first()
    last = OutgoingNumber.objects.filter(
        authority=authority, year=day.year, series=series
    ).aggregate(last=Max("seq"))["last"]
    return OutgoingNumber.objects.create(
        authority=authority,
        year=day.year,
        series=series,
        seq=(last or 0) + 1,
        symbol=symbol,
        issued_on=day,
        summary=summary[:300],
        report=report,
        recorded_by=by,
    )


@transaction.atomic
def register_record_outside(
    *, authority: Authority, seq: int, symbol: str, day: datetime.date, summary: str, by: User
) -> OutgoingNumber:
    """Record a number the office gave outside the portal, so the portal never gives it again
    (the register is one per authority and year, Decree 30/2020 Art. 15)."""
    require(by, "register.manage")
    from units.authorities import check_in_force

    check_in_force(authority, day)
    if OutgoingNumber.objects.filter(
        authority=authority, year=day.year, series="", seq=seq
    ).exists():
        raise ValidationError(
            {"seq": f"Số {seq:02d} năm {day.year} của {authority.body} đã có trong sổ."}
        )
    return OutgoingNumber.objects.create(
        authority=authority,
        year=day.year,
        seq=seq,
        symbol=symbol.strip(),
        issued_on=day,
        summary=summary.strip()[:300],
        recorded_by=by,
    )


def report_sign(*, report: Report, by: User, read_sha256: str) -> SignOff:
    """The chairman signs the document he read, in one act (Decree 30/2020; docs/authorities.md):
    the authority in force on the signing date is fixed, the register gives the number, the
    date line becomes the signing date, the PDF is made again with them (refused when the data
    changed since the version he read) and signed; a decision's awards enter history in the same
    transaction. Two PAdES signatures: the person's, then the agency's seal (reports/signing.py),
    with the authority's images. Any refusal leaves nothing behind: no number is used up.

    This signs at once, in the caller's process (the demo's loading, scripts, tests); the
    chairman's button goes through `report_sign_request`, which runs the same `_sign` as a
    background job."""
    require(by, "report.sign", report)
    _require_evaluation(report)
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))  # not the campaign row (audit.py)
            .select_related("campaign__authority")
            .get(pk=report.pk)
        )
        if report.status != ReportStatus.READY:
            raise ValidationError("Báo cáo không ở trạng thái chờ ký duyệt.")
        return _sign(report, by, read_sha256)


def _check_read(report: Report, read_sha256: str) -> bytes:
    """The stored file, when it is the one the chairman read (its SHA-256 is the form's)."""
    with open_stored(report.file) as handle:  # gone from storage: a 404 page that says so
        content: bytes = handle.read()
    if not read_sha256 or sha256(content) != read_sha256 or report.sha256 != read_sha256:
        raise ValidationError(
            "Tệp báo cáo đã thay đổi sau khi đồng chí mở đọc. Vui lòng đọc lại bản mới "
            "trước khi ký."
        )
    return content


#: The steps of signing, as the waiting page names them (`signing_progress`).
STEP_RENDER = "render"
STEP_SIGN = "sign"
STEP_STORE = "store"


def _sign(
    report: Report,
    by: User,
    read_sha256: str,
    *,
    step: Callable[[str], None] | None = None,
    reason: str = "",
) -> SignOff:
    """Inside the signing transaction, the report's row locked: number, date, render, sign,
    store. `step` is told where it is (the background job's heartbeat)."""
    tell = step or (lambda _name: None)
    _check_read(report, read_sha256)
    definition = report.definition
    today = timezone.localdate()
    day = definition.document_date(report) if definition.own_date else today
    if day is None:
        raise ValidationError("Văn bản chưa có ngày ban hành (quyết định chưa được ký).")
    authority = definition.authority(report, day)  # NoAuthority: says who is in force
    from units.authorities import issuer

    tell(STEP_RENDER)
    report.issuer = issuer(authority, collective=definition.collective)
    report.issue_date = day
    if definition.numbered:
        entry = register_number(
            authority=authority,
            day=day,
            symbol=definition.symbol_for(report.issuer),
            summary=_register_summary(report),
            by=by,
            report=report,
            series=definition.series,
        )
        report.number = entry.number
    rendered = rendering.render_report(report)
    annex_digest = rendered.annex.sha256 if rendered.annex else ""
    if rendered.context_hash != report.context_hash or annex_digest != report.annex_sha256:
        # The signed PDF prints the annex's SHA-256: it must be the annex stored and read.
        raise ValidationError(
            "Số liệu của văn bản đã thay đổi sau khi tạo bản đồng chí đã đọc. Đề nghị tạo "
            "lại văn bản và đọc bản mới trước khi ký."
        )
    tell(STEP_SIGN)
    box = rendered.signature_box or {"page": 0, "box": [330, 60, 560, 145]}
    signature_image, seal_image = _authority_images(authority)
    certificate, signer_certificate = _authority_certificates(authority)
    signed = signing.sign_document(
        rendered.content,
        person=signing.Person(
            name=report.issuer["signer_name"] or by.display_name,
            username=by.get_username(),
            place=report.issuer["place"],
            signature_image=signature_image,
            server_certificate=signer_certificate,
        ),
        body=signing.Body(
            name=report.issuer["body"], seal_image=seal_image, certificate=certificate
        ),
        page=box["page"],
        box=tuple(box["box"]),
    )
    tell(STEP_STORE)
    signoff = SignOff(
        report=report,
        signed_by=by,
        signed_at=timezone.now(),
        read_sha256=read_sha256,
        signed_sha256=sha256(signed.content),
        certificate_subject=signed.person_certificate[:300],
        person_key_store=signed.person_key_store,
        seal_certificate_subject=signed.seal_certificate[:300],
    )
    signoff._history_user = by  # type: ignore[attr-defined]  # read by simple_history
    signoff.signed_file.save("signed.pdf", ContentFile(signed.content), save=False)
    signoff.save()
    report.status = ReportStatus.SIGNED
    report.page_count = rendered.pages
    report._history_user = by  # type: ignore[attr-defined]  # a job has no request user
    report._change_reason = reason or "Ký số"  # type: ignore[attr-defined]
    report.save(update_fields=["status", "number", "issue_date", "issuer", "page_count"])
    if report.kind == "award_decision":
        _sign_award_decision(report, by, day=day)
    return signoff


# --- Signing as a background job --------------------------------------------------------------
#
# Signing a large review makes the PDF again (≈ 13 s of CPU at 3,300 communes, minutes on a
# loaded machine): past gunicorn's timeout inside a request. So the chairman's button records
# the request (`report_sign_request`: ready → signing, who and when, the hash of the file he
# read) and a job signs it (`report_sign_job`, on the "reports" queue; in the demo's background
# thread without a broker), for every report: one path, however small. The page polls the job's
# progress and shows the signed document, or why it failed (the report is ready again then, as
# it was: nothing is used up, no number is given).
#
# Exactly once: the request is numbered (`sign_attempts`), the job signs only while the report
# is `signing` under the request's number, with its row locked; a double click or a second tab
# finds it `signing` and adds nothing. A report being signed cannot be made again (a new
# version) or sent back. The job beats (`portal.background.heartbeat`); a job without a beat
# for longer than BACKGROUND_STALE_SECONDS (not started for BACKGROUND_QUEUED_SECONDS) has
# stopped: the page says so, and signing again takes it over under a new number, so the old
# job, should it wake up, finds nothing to do.

SIGN_QUEUE_DOWN = (
    "Hàng đợi xử lý tạm thời không hoạt động nên chưa ký được. Văn bản chưa được ký, chưa cấp "
    "số; đồng chí vui lòng ký lại sau ít phút."
)
SIGN_STOPPED = (
    "Quá trình ký số đã dừng giữa chừng (máy xử lý bị tắt hoặc khởi động lại). Văn bản chưa được "
    "ký, chưa cấp số; đồng chí có thể ký lại."
)
SIGN_ERROR = (
    "Có lỗi kỹ thuật khi ký số. Văn bản chưa được ký, chưa cấp số; đồng chí có thể ký lại, nếu "
    "vẫn lỗi xin báo quản trị hệ thống."
)
SIGN_BUSY = "Văn bản đang được ký số; vui lòng chờ trong giây lát."


def sign_beat_key(report_id: int, attempt: int) -> str:
    return f"reports/signing/{report_id}-{attempt}"


def signing_stopped(report: Report) -> bool:
    """Is this `signing` report's job gone (no heartbeat for longer than the limit)?"""
    if report.status != ReportStatus.SIGNING or report.sign_requested_at is None:
        return False
    beat = background.last_beat(sign_beat_key(report.pk, report.sign_attempts))
    if beat is None:
        return background.stopped(report.sign_requested_at, running=False)
    return background.stopped(beat.at, running=True)


#: The waiting page's steps: (the job's step, what it does in words).
SIGN_STEPS = (
    ("", "Chờ đến lượt xử lý"),
    (STEP_RENDER, "Cấp số theo sổ văn bản đi, dựng lại văn bản với số và ngày ký"),
    (STEP_SIGN, "Ký số: chữ ký của người có thẩm quyền, rồi chữ ký của cơ quan"),
    (STEP_STORE, "Lưu tệp đã ký"),
)


def signing_progress(report: Report) -> dict[str, Any]:
    """What the waiting page shows: each step (done, being done, to come), since when it was
    asked, and whether the job has stopped."""
    beat = background.last_beat(sign_beat_key(report.pk, report.sign_attempts))
    names = [name for name, _words in SIGN_STEPS]
    current = names.index(beat.step) if beat is not None and beat.step in names else 0
    requested = report.sign_requested_at or timezone.now()
    return {
        "steps": [
            {"words": words, "done": n < current, "active": n == current}
            for n, (_name, words) in enumerate(SIGN_STEPS)
        ],
        "step_number": current + 1,
        "step_count": len(SIGN_STEPS),
        "requested_at": requested,
        "seconds": max(0, int((timezone.now() - requested).total_seconds())),
        "stopped": signing_stopped(report),
    }


def _lock_report(report_id: int) -> Report | None:
    """Inside a transaction: the report's row, locked (PostgreSQL: waiting at most
    LOCK_WAIT_SECONDS; None when a signing job holds it, i.e. it is being signed now)."""
    rows = Report.objects.select_for_update(of=("self",)).select_related("campaign__authority")
    if not _row_locks():
        return rows.get(pk=report_id)
    try:
        with transaction.atomic(), _lock_wait(LOCK_WAIT_SECONDS):
            return rows.get(pk=report_id)
    except OperationalError as exc:
        if _lock_busy(exc):
            return None
        raise


def report_sign_request(*, report: Report, by: User, read_sha256: str) -> Report:
    """The chairman's "Ký duyệt": checked at once (his right, the report ready, the file the one
    he read, the evaluation complete, a signing key for him), recorded (ready → signing: who
    asked and when, in the audit trail) and handed to the signing job after commit. Returns the
    report: `signing`, or already `signed` (a second tab), or `signing` as it was (a double
    click: nothing is asked twice). A request whose job has stopped is taken over."""
    require(by, "report.sign", report)
    # A double click or a second tab, read without a lock: the running job holds the row
    # (PostgreSQL) or the whole database (SQLite) for the whole act, and the click must not wait.
    seen = Report.objects.filter(pk=report.pk).first()
    if seen is not None and (seen.is_signed or (seen.is_signing and not signing_stopped(seen))):
        return seen
    with transaction.atomic():
        row = _lock_report(report.pk)
        if row is None:  # a signing job holds it
            report.refresh_from_db()
            return report
        if row.status == ReportStatus.SIGNED:
            return row
        stopped = signing_stopped(row)
        if row.status == ReportStatus.SIGNING and not stopped:
            return row
        if row.status not in (ReportStatus.READY, ReportStatus.SIGNING):
            raise ValidationError("Báo cáo không ở trạng thái chờ ký duyệt.")
        _require_evaluation(row)
        _check_read(row, read_sha256)
        signing.check_signer(by.get_username())
        attempt = row.sign_attempts + 1
        reason = (
            "Yêu cầu ký số lại: lần ký trước đã dừng giữa chừng" if stopped else "Yêu cầu ký số"
        )
        audited_update(
            Report.objects.filter(pk=row.pk, status=row.status, sign_attempts=row.sign_attempts),
            actor=by,
            reason=reason,
            status=ReportStatus.SIGNING,
            sign_requested_by=by,
            sign_requested_at=timezone.now(),
            sign_read_sha256=read_sha256,
            sign_attempts=attempt,
            sign_error="",
        )
    transaction.on_commit(lambda: enqueue_sign(row.pk, attempt))
    row.refresh_from_db()
    return row


def enqueue_sign(report_id: int, attempt: int) -> bool:
    """Send the signing job (as `enqueue` sends a render). When the broker is down the request
    fails at once, with a message: the report is ready again, nothing was signed."""
    from .tasks import sign_report_task

    try:
        if settings.CELERY_TASK_ALWAYS_EAGER and settings.REPORTS_RENDER_IN_THREAD:
            from . import background as reports_background

            reports_background.submit_sign(report_id, attempt)
        elif settings.CELERY_TASK_ALWAYS_EAGER:
            sign_report_task.apply_async(args=(report_id, attempt))
        else:
            app = sign_report_task.app
            with app.connection_for_write(transport_options={"max_retries": 0}) as connection:
                sign_report_task.apply_async(  # type: ignore[call-arg]  # celery-types omits connection=
                    args=(report_id, attempt), retry=False, connection=connection
                )
    except Exception as exc:  # kombu/redis connection errors: broker unavailable
        if settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_TASK_EAGER_PROPAGATES:
            raise
        log.warning("report %s: broker unavailable for signing (%s)", report_id, exc)
        _sign_failed(report_id, attempt, SIGN_QUEUE_DOWN)
        return False
    return True


def report_sign_job(*, report_id: int, attempt: int) -> SignOff | None:
    """The signing job: signs the report as its request asked (`_sign`, the row locked for the
    whole act), beating while it runs. None when there is nothing to do (signed already, or a
    later request took over) or when it failed: then the report is ready again with the reason
    (`sign_error`), no number used up."""
    report = Report.objects.select_related("sign_requested_by").filter(pk=report_id).first()
    if report is None or report.status != ReportStatus.SIGNING or report.sign_attempts != attempt:
        log.info("report %s: signing request %s has nothing to do", report_id, attempt)
        return None
    if signing_stopped(report):  # e.g. a message redelivered long after: the page said stopped
        _sign_failed(report_id, attempt, SIGN_STOPPED)
        return None
    by = report.sign_requested_by
    key = sign_beat_key(report_id, attempt)
    asked = timezone.localtime(report.sign_requested_at) if report.sign_requested_at else None
    reason = "Ký số xong" + (f" (yêu cầu lúc {asked:%H:%M:%S %d/%m/%Y})" if asked else "")
    message = ""
    signoff = None
    try:
        with background.heartbeat(key) as beats, transaction.atomic():
            locked = _lock_report(report_id)
            if (
                locked is None
                or locked.status != ReportStatus.SIGNING
                or locked.sign_attempts != attempt
            ):
                log.info("report %s: signing request %s taken by another job", report_id, attempt)
                return None
            if by is None:
                raise PermissionDenied
            require(by, "report.sign", locked)
            _require_evaluation(locked)
            signoff = _sign(locked, by, locked.sign_read_sha256, step=beats.step, reason=reason)
    except PermissionDenied:
        message = "Người yêu cầu ký không còn quyền ký văn bản này. Văn bản chưa được ký."
    except StoredFileMissing:
        message = "Tệp báo cáo không còn trong kho lưu trữ. Văn bản chưa được ký."
    except ValidationError as exc:
        message = " ".join(exc.messages)
    except signing.SigningUnavailable as exc:
        message = str(exc)
    except Exception:
        log.exception("report %s: signing request %s failed", report_id, attempt)
        message = SIGN_ERROR
    if signoff is None:
        _sign_failed(report_id, attempt, message or SIGN_ERROR)
    background.forget(key)
    if signoff is not None:
        log.info("report %s signed (request %s)", report_id, attempt)
    return signoff


def _sign_failed(report_id: int, attempt: int, message: str) -> None:
    """The request failed: the report is ready again (as before the click), with the reason."""
    try:
        audited_update(
            Report.objects.filter(pk=report_id, status=ReportStatus.SIGNING, sign_attempts=attempt),
            actor=None,
            reason=f"Ký số không thành công: {message}"[:300],
            status=ReportStatus.READY,
            sign_error=message[:4000],
        )
    except DatabaseError:  # the report stays `signing`; its heartbeat says it stopped
        log.exception("report %s: could not record the failed signing", report_id)


def _register_summary(report: Report) -> str:
    """The register's "trích yếu": a decision's own title, else the document's title."""
    if report.kind == "award_decision":
        from awards.models import AwardDecision

        title = AwardDecision.objects.filter(pk=report.object_id).values_list("title", flat=True)
        text = (title.first() or "khen thưởng").strip()
        return f"Quyết định {text[:1].lower()}{text[1:]}"
    return report.title


def _read_stored(field: FieldFile | None) -> bytes | None:
    if not field:
        return None
    with open_stored(field) as handle:
        data: bytes = handle.read()
    return data


def _authority_images(authority: Authority) -> tuple[bytes | None, bytes | None]:
    """(signature image, seal image) of the authority record, else the configured files."""
    fallback_signature, fallback_seal = signing.configured_images()
    return (
        _read_stored(authority.signature_image) or fallback_signature,
        _read_stored(authority.seal_image) or fallback_seal,
    )


def _authority_certificates(authority: Authority) -> tuple[bytes | None, bytes | None]:
    """(organisation certificate, signer's server-held certificate) of the authority record;
    None where it has none (the deployment's configured ones are used)."""
    return _read_stored(authority.certificate), _read_stored(authority.signer_certificate)


def _require_evaluation(report: Report) -> None:
    """A campaign report is not signed while its evaluation is empty (reports.evaluation)."""
    from .evaluation import evaluation_gaps, gaps_message

    gaps = evaluation_gaps(report)
    if gaps:
        raise ValidationError(gaps_message(gaps), code="evaluation_missing")


def _sign_award_decision(report: Report, by: User, *, day: datetime.date) -> None:
    """Signing the decision's PDF is signing the decision (same transaction): it takes the
    register's number and the signing date, and its awards enter the recipients' history."""
    from awards.decisions.services import decision_sign
    from awards.models import AwardDecision, DecisionStatus

    decision = AwardDecision.objects.filter(pk=report.object_id).first()
    if decision is None:
        raise ValidationError("Không tìm thấy quyết định khen thưởng của văn bản này.")
    if decision.status == DecisionStatus.DRAFT:
        decision_sign(
            decision=decision,
            by=by,
            number=report.number,
            day=day,
            authority_id=report.issuer["authority_id"],
        )


def report_return(*, report: Report, by: User, comment: str) -> Report:
    """The chairman sends a report back with a comment (ready → returned)."""
    require(by, "report.sign", report)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "Vui lòng ghi ý kiến khi trả lại báo cáo."})
    updated = audited_update(
        Report.objects.filter(pk=report.pk, status=ReportStatus.READY),
        actor=by,
        reason=f"Trả lại: {comment}",
        status=ReportStatus.RETURNED,
        return_comment=comment,
    )
    if not updated:
        raise ValidationError("Báo cáo không ở trạng thái chờ ký duyệt.")
    report.refresh_from_db()
    return report


def report_regenerate(
    *, report: Report, by: User, narrative: dict[str, Any], seen: str | None = None
) -> Report:
    """Save the narrative and make a new version from the current data.

    `seen` is the report page's edit-guard token: the narrative as the page showed it. Each
    version is a new row, so the page's narrative is compared with the LATEST version's: parts
    someone else saved since are kept (only the parts this person changed are taken from the
    form), and a part both changed differently is refused (`StaleEdit`). None: no check."""
    require(by, "report.edit_narrative", report)
    with transaction.atomic():
        if seen is not None:
            narrative = _narrative_merged(report, seen, narrative)
        return report_request(
            campaign=report.campaign,
            kind=report.kind,
            year=report.year,
            object_id=report.object_id,
            by=by,
            narrative=narrative,
        )


def _narrative_merged(report: Report, seen: str, narrative: dict[str, Any]) -> dict[str, str]:
    versions = Report.objects.filter(
        campaign=report.campaign, kind=report.kind, year=report.year, object_id=report.object_id
    )
    latest = versions.select_for_update().order_by("-version").first() or report
    prefix = f"{Report._meta.label_lower}:"
    pks = {str(pk) for pk in versions.values_list("pk", flat=True)}
    shown = [
        values
        for key, values in read_token(seen).items()
        if key.startswith(prefix) and key[len(prefix) :] in pks and isinstance(values, dict)
    ]
    if len(shown) != 1:
        raise SeenTokenError(
            "Trang này không phải trang của báo cáo đang lưu; hãy tải lại trang.", code="stale"
        )
    was = {f: shown[0].get(f, "") for f in NARRATIVE_FIELDS}
    now = {f: snapshot(latest)[f] for f in NARRATIVE_FIELDS}
    mine = {f: (narrative.get(f) or "").strip() for f in NARRATIVE_FIELDS}
    changed = {f: v for f, v in mine.items() if v != was[f]}
    conflict = [f for f, v in changed.items() if now[f] != was[f] and now[f] != v]
    label = {f: field_label(Report, f) for f in NARRATIVE_FIELDS}
    who = latest.requested_by.display_name if latest.requested_by else "người khác"
    when = timezone.localtime(latest.requested_at).strftime("%H:%M ngày %d/%m/%Y")
    if conflict:
        raise StaleEdit(
            f"Không lưu được: {who} đã lưu nhận xét (phiên bản {latest.version}) lúc {when} "
            f"sau khi bạn mở trang. Đã thay đổi: {', '.join(label[f] for f in conflict)}. "
            "Những gì bạn nhập vẫn còn trên trang; hãy xem lại phiên bản mới rồi bấm lưu lần "
            "nữa nếu vẫn muốn ghi đè.",
            fresh_token=seen_token(latest),
        )
    merged = {**now, **changed}
    if latest.is_open and merged != now:
        # The version being made would be returned as is and these changes dropped.
        raise StaleEdit(
            f"Phiên bản {latest.version} ({who} yêu cầu lúc {when}) đang được tạo. Những gì bạn "
            "nhập vẫn còn trên trang; chờ tạo xong rồi bấm lưu lần nữa.",
            fresh_token=seen_token(latest),
        )
    return merged


def data_changed_since(report: Report) -> bool | None:
    """Has the data under a signed (or ready) report changed since it was rendered?"""
    if not report.context_hash:
        return None
    try:
        return rendering.current_data_hash(report) != report.context_hash
    except Exception:
        log.exception("could not recompute data hash for report %s", report.pk)
        return None
