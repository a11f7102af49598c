"""SQLite (the demo): only a request that may write queues for the write lock.

Every request runs in a transaction (ATOMIC_REQUESTS). With `transaction_mode="IMMEDIATE"`
(portal/settings.py) that transaction takes SQLite's single write lock when it begins, so two
writers queue (busy timeout) instead of one being refused "database is locked" at its first
write. A GET or HEAD does not write; holding the lock while it renders a page would make every
reader queue behind every other request. This middleware gives those requests a plain deferred
transaction (in WAL they read beside the writer and never wait) and keeps IMMEDIATE for the
others. It does nothing on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse

READING = frozenset({"GET", "HEAD", "OPTIONS"})


class SQLiteWriteLockMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.sqlite = connection.vendor == "sqlite"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.sqlite:
            # Connect first: connecting sets transaction_mode from OPTIONS again.
            connection.ensure_connection()
            configured = connection.settings_dict["OPTIONS"].get("transaction_mode")
            mode = None if request.method in READING else configured
            connection.transaction_mode = mode  # type: ignore[attr-defined]  # SQLite backend's own
        return self.get_response(request)
