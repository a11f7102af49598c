"""Celery task: a few lines that call the rendering service (STYLE.md §3.6)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    name="reports.tasks.render_report",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError, TimeoutError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=300,
    time_limit=360,
    queue="reports",
)
def render_report_task(report_id: int) -> None:
    from .services import report_render

    report_render(report_id=report_id)


@shared_task(name="reports.tasks.requeue_reports", queue="reports")
def requeue_reports_task() -> int:
    from .services import requeue_stale

    return requeue_stale()
