"""Celery beat job: e-mail deadline reminders to officers of units that have not submitted."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="campaigns.results.tasks.send_deadline_reminders")
def send_deadline_reminders() -> int:
    """Runs daily; sending is idempotent (one reminder per unit, year and stage)."""
    from .reminders import reminders_send

    return reminders_send()
