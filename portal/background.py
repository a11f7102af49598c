"""Work in the background without a broker (the demo, a single-machine install).

With Celery (REDIS_URL set) long work goes to the worker as a task. With no broker
(`CELERY_TASK_ALWAYS_EAGER`) and `BACKGROUND_IN_THREAD` (on by default then), `submit` hands the
work to one worker thread of this web process and the request returns at once; the page that
follows polls the work's state, as it does with Celery. Tests run the work inline
(tests/settings.py turns the thread off); a test that turns it on waits with `wait()`.

One thread serves every kind of work (a large import, a report's render: reports/background.py
hands its renders here). What a worker does when it starts — send again the work a stopped
process left behind — an app registers with `on_start`: it runs once per process, right after
the first job handed over, so the person waiting sees theirs first.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Any

log = logging.getLogger(__name__)

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_pending: set[Future[None]] = set()
_on_start: list[Callable[[], Any]] = []


def on_start(job: Callable[[], Any]) -> None:
    """Run `job()` once in this process, when the background thread first starts."""
    if job not in _on_start:
        _on_start.append(job)


def _track(future: Future[None]) -> Future[None]:
    _pending.add(future)
    future.add_done_callback(_pending.discard)
    return future


def _run(job: Callable[..., Any], *args: Any) -> None:
    from django.db import connections

    try:
        job(*args)
    except Exception:  # the job records its own failure; anything else is logged
        log.exception("background job %s%s failed", getattr(job, "__name__", job), args)
    finally:
        connections.close_all()  # this thread's connections; the next job opens its own


def submit(job: Callable[..., Any], *args: Any) -> Future[None]:
    """Run `job(*args)` in the background thread; returns at once."""
    global _executor
    with _lock:
        first = _executor is None
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="portal-background")
        future = _track(_executor.submit(_run, job, *args))
        if first:
            for start_job in _on_start:
                _track(_executor.submit(_run, start_job))
    return future


def wait(timeout: float | None = None) -> bool:
    """Wait until every job handed over so far is done; True when none is left."""
    while True:
        with _lock:
            pending = set(_pending)
        if not pending:
            return True
        _done, not_done = wait_futures(pending, timeout=timeout)
        if not_done:
            return False
