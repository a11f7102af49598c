"""Celery tasks: a few lines that call the rendering service (STYLE.md §3.6).

Routing is `CELERY_TASK_ROUTES` (every `reports.tasks.*` → queue "reports"); the time limits are
`CELERY_TASK_SOFT_TIME_LIMIT` / `CELERY_TASK_TIME_LIMIT` (env `CELERY_SOFT_TIME_LIMIT` /
`CELERY_TIME_LIMIT`), which the lease (`services.lease_seconds`) is derived from, so neither is
repeated here.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError


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


@shared_task(name="reports.tasks.requeue_reports")
def requeue_reports_task() -> int:
    from .services import requeue_stale

    return requeue_stale()
