"""Rendering in the background without a broker (the demo, a single-machine install).

With no Celery broker (`CELERY_TASK_ALWAYS_EAGER`, no REDIS_URL) a report would render inside the
request that asked for it (a large one takes 15–20 s). With `REPORTS_RENDER_IN_THREAD` (on by
default when there is no broker) `services.enqueue` hands the report to this module instead,
after the request's transaction has committed: one worker thread in the web process runs the
same Celery task (`render_report_task.apply`, retries included), one report at a time, and the
request returns at once. The report's page polls its status as it does with Celery.

What Celery's worker does at start (`requeue_at_start`) the thread does when it first starts in
a process: renders left queued or abandoned by a process that stopped are sent again. The claim
in `services.report_render` makes a duplicate harmless.

Tests render inline (tests/settings.py turns the thread off); a test that turns it on waits for
the work with `wait()`.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures

log = logging.getLogger(__name__)

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_pending: set[Future] = set()


def _run(job, *args) -> None:
    from django.db import connections

    try:
        job(*args)
    except Exception:  # the render records its own failure; anything else is logged
        log.exception("reports: background job %s%s failed", job.__name__, args)
    finally:
        connections.close_all()  # this thread's connections; the next job opens its own


def _render(report_id: int) -> None:
    from .tasks import render_report_task

    result = render_report_task.apply(args=(report_id,))
    if result.failed():
        log.error("report %s: background render failed: %s", report_id, result.result)


def _requeue() -> None:
    from .services import requeue_at_start

    log.info("reports: background renderer started, sent %s report(s)", requeue_at_start())


def _submit(job, *args) -> Future:
    global _executor
    with _lock:
        first = _executor is None
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-render")
        executor = _executor
        future = executor.submit(_run, job, *args)
        _pending.add(future)
        future.add_done_callback(_pending.discard)
        if first:
            # After the job just asked for: the person waiting sees theirs first.
            requeue = executor.submit(_run, _requeue)
            _pending.add(requeue)
            requeue.add_done_callback(_pending.discard)
    return future


def submit(report_id: int) -> Future:
    """Render `report_id` in the background thread; returns at once."""
    return _submit(_render, report_id)


def wait(timeout: float | None = None) -> bool:
    """Wait until every job handed over so far (and those they handed over) is done; True when
    none is left. For tests and for a clean stop."""
    while True:
        with _lock:
            pending = set(_pending)
        if not pending:
            return True
        _done, not_done = wait_futures(pending, timeout=timeout)
        if not_done:
            return False
