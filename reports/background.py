"""Rendering and signing in the background without a broker (the demo, a single-machine install).

With no Celery broker (`CELERY_TASK_ALWAYS_EAGER`, no REDIS_URL) a report would render inside the
request that asked for it (a large one takes 15–20 s). With `REPORTS_RENDER_IN_THREAD` (on by
default when there is no broker) `services.enqueue` hands the report to this module instead,
after the request's transaction has committed: the web process's background thread
(`portal.background`, shared with large imports) runs the same Celery task
(`render_report_task.apply`, retries included), one job at a time, and the request returns at
once. The report's page polls its status as it does with Celery. The chairman's signing request
goes the same way (`submit_sign`, the `sign_report` task).

What Celery's worker does at start (`requeue_at_start`) the thread does when it first starts in
a process (`portal.background.on_start`, registered by the app's `ready`): renders left queued
or abandoned by a process that stopped are sent again. The claim
in `services.report_render` makes a duplicate harmless.

Tests render inline (tests/settings.py turns the thread off); a test that turns it on waits for
the work with `portal.background.wait()`.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future

from portal import background

log = logging.getLogger(__name__)


def _render(report_id: int) -> None:
    from .tasks import render_report_task

    result = render_report_task.apply(args=(report_id,))
    if result.failed():
        log.error("report %s: background render failed: %s", report_id, result.result)


def requeue() -> None:
    from .services import requeue_at_start

    log.info("reports: background renderer started, sent %s report(s)", requeue_at_start())


def submit(report_id: int) -> Future[None]:
    """Render `report_id` in the background thread; returns at once."""
    return background.submit(_render, report_id)


def _sign(report_id: int, attempt: int) -> None:
    from .tasks import sign_report_task

    sign_report_task.apply(args=(report_id, attempt))


def submit_sign(report_id: int, attempt: int) -> Future[None]:
    """Sign `report_id` (the chairman's request `attempt`) in the background thread."""
    return background.submit(_sign, report_id, attempt)
