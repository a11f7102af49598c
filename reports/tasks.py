"""Celery tasks: a few lines that call the rendering and signing services (docs/architecture.md:
tasks are thin).

Routing is `CELERY_TASK_ROUTES` (every `reports.tasks.*` → queue "reports"); the time limits are
`CELERY_TASK_SOFT_TIME_LIMIT` / `CELERY_TASK_TIME_LIMIT` (env `CELERY_SOFT_TIME_LIMIT` /
`CELERY_TIME_LIMIT`), which the lease (`services.lease_seconds`) is derived from, so neither is
repeated here. A worker that starts puts the renders of dead workers back in the queue at once
(`requeue_at_start`, on Celery's `worker_ready`); beat's `requeue_reports` does it every 5 minutes.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="reports.tasks.render_report",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError, TimeoutError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def render_report_task(self, report_id: int) -> None:
    from .services import report_render

    report_render(report_id=report_id, worker=self.request.hostname or "")


@shared_task(
    name="reports.tasks.sign_report",
    acks_late=True,
    reject_on_worker_lost=True,
)
def sign_report_task(report_id: int, attempt: int) -> None:
    """The chairman's signing request `attempt` of `report_id` (services.report_sign_job). No
    automatic retry: a failure is recorded with its reason and the chairman signs again; a worker
    lost mid-signing gives the message back and the next delivery signs, if it comes before the
    request counts as stopped (BACKGROUND_STALE_SECONDS without a heartbeat)."""
    from .services import report_sign_job

    report_sign_job(report_id=report_id, attempt=attempt)


@shared_task(name="reports.tasks.requeue_reports")
def requeue_reports_task() -> int:
    from .services import requeue_stale

    return requeue_stale()


@worker_ready.connect
def requeue_at_start(sender=None, **kwargs) -> None:
    """In the worker's main process, once it consumes: no waiting for beat or for Redis's
    visibility timeout (2 h) after a worker was killed. A database or broker that is down must
    not stop the worker from starting: beat's requeue tries again later."""
    from django.db import connections

    from .services import requeue_at_start as requeue

    try:
        sent = requeue()
    except Exception:
        log.exception("reports: requeue at worker start failed; beat's requeue_reports retries")
    else:
        log.info("reports: requeue at worker start sent %s report(s)", sent)
    finally:
        connections.close_all()  # the pool's children are forked from this process
