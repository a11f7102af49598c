"""Compute once: figures that change only when data changes, kept until a write they read.

A figure (ranks, target progress, the criteria table, completeness, the dashboard's parts) is
computed once and kept in the cache (Redis in production, so every web host shares it; local
memory in the demo) with the tables it read and each table's version at that moment. Every
statement that writes a table bumps that table's version, so a figure is read afresh exactly
when one of the tables it read has changed since: an officer's self-assessment renews the
completeness and the khối ranking but not the NTM figures or the contributions.

- **What a figure read** is taken from the SQL its computation ran (every statement goes through
  `_watch`, a database execute wrapper): every table the statements name. A figure computed
  inside another records its tables in the outer one too, also when it is read from the cache.
- **What a write changed** is taken from the same wrapper (`INSERT INTO`, `UPDATE`, `DELETE FROM`,
  `TRUNCATE`), raw SQL and bulk writes included. Inside a transaction the tables are bumped when
  it commits (and again lazily once it is over, rolled back or not, which is how the test cases'
  outer transaction sees them); meanwhile that connection neither reads nor stores a figure that
  depends on them (another request would be given the rows it is about to change; its own
  uncommitted rows must never be kept). Outside a transaction a write bumps at once.
- **Reference data** — every table except the year's data entry (`CHURN`) and the bookkeeping
  written beside it (`NOISE`) — shares one version, `ref`, that every figure depends on: a
  computation may use a campaign, a unit or a criterion passed in as a Python object without
  reading it, and an edit of any of those renews every figure, as every write once did.

`data_version()` is the older, coarser number the desk and the current campaign key on: every
audited write bumps it at once, and its transaction bumps it again when it commits (a request
that read the old rows between the two cannot keep them under the new number).
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import import_string

from .audit import appended

VERSION_KEY = "desk:version"
#: How long a figure stays when nothing is written (a safety net, not the mechanism).
TTL_SECONDS = 60 * 60

#: Tables written all year by many people: each keeps a version of its own.
CHURN = frozenset(
    {
        "campaigns_assessment",
        "campaigns_assessmentitem",
        "campaigns_evidence",
        "campaigns_ntmstatus",
        "campaigns_ntmstatus_criteria_met",
        "campaigns_contribution",
        "campaigns_sponsorshipresult",
        "campaigns_extensionrequest",
        "awards_nomination",
        "awards_nominationevent",
        "awards_nominationdocument",
        "awards_ballot",
        "awards_ballotreceipt",
        "awards_secrettally",
    }
)
#: Written beside business data or on reading pages (sign-in, sessions, the audit log, history
#: rows, notifications): own versions, never `ref`. No computation takes their rows as Python
#: objects from outside.
NOISE_PREFIXES = ("django_session", "axes_", "portal_audit", "django_admin_log")
NOISE = frozenset({"portal_user", "portal_notification", "campaigns_remindersent"})

REF = "~ref"
EPOCH = "~epoch"
#: Bumped with every table: a computation during which it moved may have read rows newer than
#: the versions read after it.
ANY = "~any"

T = TypeVar("T")
log = logging.getLogger(__name__)

_WRITE = re.compile(
    # SQLite writes `INSERT OR IGNORE INTO` for a many-to-many add (`ignore_conflicts`).
    r"^\s*(?:WITH\b.*?\)\s*)?(?:INSERT\s+(?:OR\s+[A-Z]+\s+)?INTO|UPDATE|DELETE\s+FROM)"
    r'\s+"?([A-Za-z0-9_]+)"?',
    re.IGNORECASE | re.DOTALL,
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: The tables a computation is reading into (one set per figure being computed, innermost last).
_reading: contextvars.ContextVar[tuple[set[str], ...]] = contextvars.ContextVar(
    "figures_reading", default=()
)
_tables: frozenset[str] | None = None
#: How many figures this context has computed (what `renew` reports).
_computed: contextvars.ContextVar[int] = contextvars.ContextVar("figures_computed", default=0)


def known_tables() -> frozenset[str]:
    global _tables
    if _tables is None:
        _tables = frozenset(m._meta.db_table for m in apps.get_models(include_auto_created=True))
    return _tables


def _is_noise(table: str) -> bool:
    return table in NOISE or table.startswith(NOISE_PREFIXES) or "_historical" in table


def _is_ref(table: str) -> bool:
    return not (table in CHURN or _is_noise(table))


def tables_in(sql: str) -> set[str]:
    """The portal's tables a statement names (a column named like a table only adds one)."""
    known = known_tables()
    return {w for w in _WORD.findall(sql) if w in known}


def written_by(sql: str) -> set[str]:
    head = sql.lstrip()[:8].upper()
    if head.startswith("TRUNCATE"):
        return tables_in(sql)
    if not head.startswith(("INSERT", "UPDATE", "DELETE", "WITH")):
        return set()
    found = _WRITE.match(sql)
    if not found or found.group(1) not in known_tables():
        return set()
    return {found.group(1)}


# --- versions ------------------------------------------------------------------------------------


def bump_tables(tables: Iterable[str]) -> None:
    """These tables changed: every figure that read one of them is computed afresh."""
    tables = set(tables)
    if not tables:
        return
    keys = {f"tv:{t}" for t in tables} | {f"tv:{ANY}"}
    if any(_is_ref(t) for t in tables):
        keys.add(f"tv:{REF}")
    # A new random version (equality is all a figure compares) for every key in one round trip.
    token = secrets.randbits(62)
    cache.set_many(dict.fromkeys(keys, token), None)
    if not all(_is_noise(t) for t in tables):
        _renew_soon()


def _versions(deps: tuple[str, ...]) -> tuple[int, ...]:
    keys = [f"tv:{t}" for t in deps]
    found = cache.get_many(keys)
    return tuple(int(found.get(k, 0)) for k in keys)


# --- the watch on every statement ----------------------------------------------------------------


class _Pending:
    """Tables a connection's open transaction has written, bumped when it is over."""

    def __init__(self) -> None:
        self.tables: set[str] = set()
        self.block: Any = None  # the outermost transaction (not a test case's) that wrote
        self.savepoint: str | None = None
        #: Written inside a test case's own transaction only: no other connection can see these
        #: rows, so they are renewed before this connection's next figure, not one by one.
        self.unseen: set[str] = set()

    def open(self, conn: Any) -> bool:
        if self.block is None:
            return False
        if not any(b is self.block for b in conn.atomic_blocks):
            return False
        return self.savepoint is None or self.savepoint in conn.savepoint_ids

    def flush(self) -> None:
        tables, self.tables, self.block, self.savepoint = self.tables, set(), None, None
        bump_tables(tables)


def _pending(conn: Any) -> _Pending:
    state = getattr(conn, "_figures_pending", None)
    if state is None:
        state = conn._figures_pending = _Pending()
    return cast(_Pending, state)


def _writing_block(conn: Any) -> tuple[Any, str | None] | None:
    """The outermost open transaction of the connection that is not a test case's, with its
    savepoint (None for a real transaction), or None when the statement commits at once."""
    for depth, block in enumerate(conn.atomic_blocks):
        if not getattr(block, "_from_testcase", False):
            # savepoint_ids[i] belongs to atomic_blocks[i + 1] (the first block is the
            # transaction itself); a block without a savepoint (savepoint=False) has None.
            sid = (
                conn.savepoint_ids[depth - 1]
                if depth and len(conn.savepoint_ids) >= depth
                else None
            )
            return block, sid
    return None


def _watch(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    result = execute(sql, params, many, context)
    reading = _reading.get()
    if reading:
        named = tables_in(sql)
        for tables in reading:
            tables |= named
    written = written_by(sql)
    if written:
        conn = context["connection"]
        where = _writing_block(conn)
        if where is None and conn.in_atomic_block:  # a test case's transaction only
            _pending(conn).unseen |= written
        elif where is None:
            bump_tables(written)
        else:
            state = _pending(conn)
            if not state.open(conn):
                if state.tables:  # an earlier transaction's, over since: renew its tables now
                    state.flush()
                state.block, state.savepoint = where
            if where[1] is None and not written <= state.tables:
                # A real transaction: renew the tables when it commits (once per new table, so
                # a transaction that reuses a decorator's block is not missed either).
                transaction.on_commit(state.flush, using=conn.alias)
            state.tables |= written
    return result


@receiver(connection_created, dispatch_uid="figures-watch-statements")
def _install(sender: Any, connection: Any, **kwargs: Any) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def _uncommitted(alias: str = DEFAULT_DB_ALIAS) -> set[str]:
    """Tables this connection has written in a transaction still open (renewing the tables of
    one that is over)."""
    conn = connections[alias]
    state = _pending(conn)
    if state.unseen:
        unseen, state.unseen = state.unseen, set()
        bump_tables(unseen)
    if not state.tables:
        return set()
    if state.open(conn):
        return state.tables
    state.flush()
    return set()


# --- the coarse data version (desk, current campaign) ----------------------------------------


def data_version() -> int:
    """A number that changes with every write of business data (what a cached read keys on)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def bump() -> None:
    """Something changed: every desk is read afresh on its next page."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates the old keys
        cache.set(VERSION_KEY, int(timezone.now().timestamp() * 1000), None)


def reset() -> None:
    """Forget every figure and desk (tests: a rolled-back write does not roll back the cache)."""
    bump()
    bump_tables([EPOCH])


@receiver(appended, dispatch_uid="desk-bump-on-audit")
def _bump_on_audit(sender: Any, events: Any, **kwargs: Any) -> None:
    bump()
    conn = transaction.get_connection()
    # Again when the transaction commits — once per transaction, however many rows it audits
    # (a bulk import appends one event per row): a callback already waiting is enough.
    if conn.in_atomic_block and not any(entry[1] is bump for entry in conn.run_on_commit):
        transaction.on_commit(bump)


# --- figures -------------------------------------------------------------------------------------


def cached_figure(
    name: str,
    *parts: object,
    compute: Callable[[], T],
    ttl: int = TTL_SECONDS,
    recipe: tuple[str, tuple[Any, ...]] | None = None,
) -> T:
    """`compute()` once per key parts (campaign, year, cluster, scope…) until a table it read
    is written.

    The parts must name everything the result depends on besides the database — in particular
    the reader's scope when the figure is scoped — since the cache is shared by every user.
    `recipe` (given by `figure`): how the worker computes it again after a write (`renew`).
    """
    raw = ":".join(str(part) for part in parts)
    digest = hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()
    key = f"fig:{name}:{digest}"
    dirty = _uncommitted()
    dirty_ref = any(_is_ref(t) for t in dirty)
    entry = None if dirty_ref else cache.get(key)
    known: tuple[str, ...] = (ANY,)
    if entry is not None:
        deps, versions, value = entry
        if not (dirty & set(deps)) and _versions(deps) == versions:
            for tables in _reading.get():
                tables.update(deps)
            if recipe is not None:
                _mark_read(key)
            return cast(T, value)
        known = (ANY, *deps)
    # The versions before the rows: a write committed while computing leaves the figure older
    # than the versions it is stored with, never newer, so the next read computes it again.
    before_versions = dict(zip(known, _versions(known), strict=True))
    read: set[str] = set()
    before = _reading.get()
    token = _reading.set((*before, read))
    try:
        value = compute()
    finally:
        _reading.reset(token)
    _computed.set(_computed.get() + 1)
    for tables in before:
        tables |= read
    deps = tuple(sorted(read | {REF, EPOCH}))
    if dirty_ref or dirty & read:
        return value  # this connection's uncommitted rows: never kept
    now = dict(zip((ANY, *deps), _versions((ANY, *deps)), strict=True))
    if now[ANY] == before_versions[ANY]:
        versions = tuple(now[t] for t in deps)  # nothing written meanwhile
    elif set(deps) <= set(before_versions):
        versions = tuple(before_versions[t] for t in deps)
    else:
        return value  # written meanwhile, and the figure read a table not known before
    cache.set(key, (deps, versions, value), ttl)
    if recipe is not None:
        _index(key, recipe)
    return value


# --- renewal ahead of the readers ----------------------------------------------------------------
#
# A figure declared with `figure` is a module-level function and its arguments (ids, a year, a
# date: plain values), so a worker can compute it again. When it is computed, it is added to an
# index of recipes; when it is read, a marker says so (at most once a minute per process). After
# every write of business data the worker's `renew` task computes again each figure of the index
# that was read in the last RENEW_WINDOW seconds and is out of date: the next reader finds it
# ready. A reader who comes before the worker is done computes it as before (never stale: the
# versions decide), so renewal changes when the work is done, never what is shown.

#: A figure nobody has read for this long is no longer renewed (and leaves the index).
RENEW_WINDOW = 15 * 60
INDEX_KEY = "renew:index"
QUEUED_KEY = "renew:queued"
_marked: dict[str, float] = {}
_indexed: dict[str, float] = {}
_renewing: contextvars.ContextVar[bool] = contextvars.ContextVar("figures_renewing", default=False)


def figure(func: Callable[..., T]) -> Callable[..., T]:
    """`func(*args)` kept as a figure (`cached_figure`) and renewed by the worker after a write.

    `func` is a module-level function; its arguments are plain values (ids, years, dates,
    strings): they are the figure's key and the worker's recipe."""
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def read(*args: Any) -> T:
        return cached_figure(name, *args, compute=lambda: func(*args), recipe=(name, args))

    read.renewable = True  # type: ignore[attr-defined]
    return read


def query_rows(queryset: Any) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` queryset, kept with its statement as the key (everything it
    depends on, the reader's scope included, is in the statement) and renewed by the worker."""
    sql, params = queryset.query.sql_with_params()
    return _rows(sql, *params)


@figure
def _rows(sql: str, *params: Any) -> list[tuple[Any, ...]]:
    if sql.lstrip()[:6].upper() != "SELECT":
        raise ValueError("only a SELECT is kept as a figure")
    conn = connections[DEFAULT_DB_ALIAS]
    if not _renewing.get():
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()]
    # The worker runs a statement read from the cache: in a transaction that can only read.
    with transaction.atomic(), conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SET TRANSACTION READ ONLY")
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def _read_marker(key: str) -> str:
    return f"renew:read:{key}"


def _mark_read(key: str) -> None:
    if _renewing.get():
        return
    now = time.monotonic()
    if _marked.get(key, -RENEW_WINDOW) > now - 60:
        return
    _marked[key] = now
    cache.set(_read_marker(key), 1, RENEW_WINDOW)


def _index(key: str, recipe: tuple[str, tuple[Any, ...]]) -> None:
    _mark_read(key)
    now = time.monotonic()
    if _indexed.get(key, -RENEW_WINDOW) > now - RENEW_WINDOW / 3:
        # Added by this process lately: renew() prunes only figures unread for RENEW_WINDOW,
        # so it is still there (the index is read and written only when that is not known).
        return
    _indexed[key] = now
    index = cache.get(INDEX_KEY) or {}
    if index.get(key) != recipe:
        # Read-modify-write: two processes adding at once may lose one key, which is then only
        # computed by its next reader (as without renewal) and added again.
        index[key] = recipe
        cache.set(INDEX_KEY, index, None)


def _renew_soon() -> None:
    """Ask the worker to renew the figures (one task at a time: writes while one is waiting
    add nothing; the flag expires if the worker never takes it)."""
    if not getattr(settings, "FIGURES_RENEW", False) or not cache.add(QUEUED_KEY, 1, 60):
        return
    from .tasks import renew_figures

    try:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            renew_figures.apply()
        else:
            # As reports.services sends: fail at once when the broker is down, never make the
            # writer wait on it (the figures are then computed by their next reader).
            app = renew_figures.app
            with app.connection_for_write(transport_options={"max_retries": 0}) as connection:
                renew_figures.apply_async(  # type: ignore[call-arg]  # celery-types omits connection=
                    retry=False, connection=connection
                )
    except Exception as exc:  # kombu/redis connection errors
        cache.delete(QUEUED_KEY)
        log.warning("figures: renewal not sent (%s); the next readers compute them", exc)


def renew() -> int:
    """Compute again every figure of the index read lately and out of date (the worker's task).
    Returns how many were computed."""
    cache.delete(QUEUED_KEY)  # a write from now on asks again
    index: dict[str, tuple[str, tuple[Any, ...]]] = cache.get(INDEX_KEY) or {}
    if not index:
        return 0
    read = cache.get_many([_read_marker(k) for k in index])
    live = {k: r for k, r in index.items() if _read_marker(k) in read}
    if len(live) != len(index):
        cache.set(INDEX_KEY, live, None)
    computed = 0
    token = _renewing.set(True)
    try:
        for name, args in live.values():
            try:
                func = import_string(name)
            except ImportError:
                continue
            if not getattr(func, "renewable", False):
                continue  # only what `figure` declared is ever called from the index
            before = _computed.get()
            try:
                func(*args)
            except Exception:  # one broken recipe (a table gone since) must not stop the rest
                log.exception("figures: renewing %s failed", name)
                continue
            computed += _computed.get() - before
    finally:
        _renewing.reset(token)
    return computed
