"""Work in the background without a broker (the demo, a single-machine install).

With Celery (REDIS_URL set) long work goes to the worker as a task. With no broker
(`CELERY_TASK_ALWAYS_EAGER`) and `BACKGROUND_IN_THREAD` (on by default then), `submit` hands the
work to one worker thread of this web process and the request returns at once; the page that
follows polls the work's state, as it does with Celery. Tests run the work inline
(tests/settings.py turns the thread off); a test that turns it on waits with `wait()`.

One thread serves every kind of work (a large import, a report's render and its signing:
reports/background.py hands them here). What a worker does when it starts — send again the work
a stopped process left behind — an app registers with `on_start`: it runs once per process,
right after the first job handed over, so the person waiting sees theirs first.

Whatever runs it (this thread, a Celery worker), a long job says it is alive with `heartbeat`,
and its page calls it stopped after BACKGROUND_STALE_SECONDS without a beat (below).
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

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


# --- Heartbeat: is a job still running? -----------------------------------------------------------
#
# A job that runs long (a large import, signing a report) says it is alive every
# BACKGROUND_HEARTBEAT_SECONDS from a thread of its own (`heartbeat`), whatever its work is doing
# (a render or a bulk write reports no progress for a minute). The beat is a small file in the
# default storage (`<name>.beat`: the time and the step), not a database row: the job's own
# transaction may hold the row (PostgreSQL) or the whole database (SQLite) locked for its whole
# run, and every web process and worker reads the same storage. A page that finds the last beat
# older than BACKGROUND_STALE_SECONDS says the job has stopped (`stopped`); a job recorded but not
# started yet (no beat) is given BACKGROUND_QUEUED_SECONDS, since it may wait behind others.


def heartbeat_seconds() -> float:
    return float(getattr(settings, "BACKGROUND_HEARTBEAT_SECONDS", 10))


def stale_seconds() -> float:
    return float(getattr(settings, "BACKGROUND_STALE_SECONDS", 120))


def queued_seconds() -> float:
    return float(getattr(settings, "BACKGROUND_QUEUED_SECONDS", 1800))


def write_small(name: str, content: bytes) -> None:
    """Replace a small file of the default storage so that a reader never finds it missing
    (local disk: written beside, renamed over; object storage: delete, then save)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    try:
        path = Path(default_storage.path(name))
    except NotImplementedError:  # object storage: a storage's save() never overwrites
        default_storage.delete(name)
        default_storage.save(name, ContentFile(content))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{threading.get_ident()}.part")
    partial.write_bytes(content)
    os.replace(partial, path)


@dataclass(frozen=True)
class Beat:
    """A job's last sign of life: when, and the step it was at."""

    at: datetime.datetime
    step: str = ""


def beat_name(key: str) -> str:
    return f"{key}.beat"


def last_beat(key: str) -> Beat | None:
    """The last beat of the job `key`, or None when it has not beaten (not started yet)."""
    from django.core.files.storage import default_storage

    try:
        with default_storage.open(beat_name(key), "rb") as handle:
            data = json.loads(handle.read().decode())
        at = datetime.datetime.fromisoformat(data["at"])
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None
    return Beat(at=at, step=str(data.get("step", "")))


def forget(key: str) -> None:
    from django.core.files.storage import default_storage

    try:
        default_storage.delete(beat_name(key))
    except OSError:
        log.warning("heartbeat %s: could not delete its file", key)


def stopped(
    last_sign_of_life: datetime.datetime, *, running: bool, now: datetime.datetime | None = None
) -> bool:
    """Has a job whose last sign of life was then stopped? Running (it has beaten):
    BACKGROUND_STALE_SECONDS without a beat; recorded and not started: BACKGROUND_QUEUED_SECONDS
    since it was recorded."""
    from django.utils import timezone

    limit = stale_seconds() if running else queued_seconds()
    return ((now or timezone.now()) - last_sign_of_life).total_seconds() > limit


class Heartbeat:
    """The beats of one running job (see `heartbeat`)."""

    def __init__(self, key: str, step: str = "") -> None:
        self.key = key
        self._step = step
        self._stop = threading.Event()
        self._write_lock = threading.Lock()

    def step(self, step: str) -> None:
        """The job moved on to `step` (the progress page names it): beat now."""
        self._step = step
        self.beat()

    def beat(self) -> None:
        from django.utils import timezone

        content = json.dumps({"at": timezone.now().isoformat(), "step": self._step}).encode()
        try:
            with self._write_lock:
                write_small(beat_name(self.key), content)
        except Exception:  # a missed beat is not the job's failure; many missed ones are "stopped"
            log.warning("heartbeat %s: could not write", self.key, exc_info=True)

    def _loop(self) -> None:
        while not self._stop.wait(heartbeat_seconds()):
            self.beat()


@contextmanager
def heartbeat(key: str, step: str = "") -> Iterator[Heartbeat]:
    """Beat for the job `key` at once and then every BACKGROUND_HEARTBEAT_SECONDS, from a thread
    of its own, until the block ends (the beat file stays: the caller forgets it when the job's
    result is recorded). A process that dies stops beating, which is how a page knows."""
    beats = Heartbeat(key, step)
    beats.beat()
    thread = threading.Thread(target=beats._loop, name=f"heartbeat-{key}", daemon=True)
    thread.start()
    try:
        yield beats
    finally:
        beats._stop.set()
        thread.join()


@contextmanager
def job_id(value: str) -> Iterator[None]:
    """Inside the block, the audit events written and the log lines carry `value` as their
    request id (a job runs outside any request): a job's writes can be found by it."""
    from .middleware import _request_id

    token = _request_id.set(value)
    try:
        yield
    finally:
        _request_id.reset(token)
