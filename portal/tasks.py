"""Celery tasks of the portal app (the worker's default queue)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="portal.tasks.run_import_job")
def run_import_job(token: str) -> None:
    """Check or apply a large browser import (portal/importjobs.py)."""
    from .importjobs import run

    run(token)


@shared_task(name="portal.tasks.renew_figures", ignore_result=True)
def renew_figures() -> int:
    """After a write: compute again the figures readers will ask for (portal.figures_cache)."""
    from .figures_cache import renew

    return renew()
