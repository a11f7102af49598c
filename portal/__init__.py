"""Site shell: settings, roles and access, sign-in, dashboard, health."""

from .celery import app as celery_app

__all__ = ["celery_app"]
