"""Test settings: the portal's settings plus the N+1 detector (django-zeal).

`pyproject.toml` points pytest-django here; production, the demo, the bench and Celery keep using
`portal.settings`, which never loads zeal. `tests.nplusone.middleware` wraps every request the
tests make (test client and live server) in zeal's context, so a view that loads a relation once
per row raises `zeal.NPlusOneError` and its test fails. Only requests are watched: factories and
fixtures that build rows one by one outside a request are not N+1s of the portal.
`tests/perf/test_nplusone_detector.py` checks that this wiring is in place. See
docs/performance.md, "Query counts and N+1 detection".
"""

from portal.settings import *  # noqa: F403
from portal.settings import CACHES, DATABASES, INSTALLED_APPS, MIDDLEWARE, VAR_DIR

# SQLite: the test database is a file (var/test.sqlite3, one per xdist worker), not Django's
# in-memory default. The browser tests' live server shares an in-memory database's single
# connection among its threads, and a page that loads its panels in parallel (htmx) then
# interleaves savepoints on it ("no such savepoint", a 500, a flaky test). With a file each
# thread has its own connection and SQLite's lock orders the writers.
if DATABASES["default"]["ENGINE"].endswith("sqlite3") and "TEST" not in DATABASES["default"]:
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    # A throwaway database: no fsync; WAL, transaction_mode and timeout as in portal.settings.
    DATABASES["default"]["OPTIONS"]["init_command"] = (
        "PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL;"
    )

INSTALLED_APPS = [*INSTALLED_APPS, "zeal"]
# Outermost, so the other middleware's and the context processors' queries are watched too.
MIDDLEWARE = ["tests.nplusone.middleware", *MIDDLEWARE]

# Raise (zeal's default) rather than warn: an N+1 fails the test that triggered it.
ZEAL_RAISE = True
# Two identical lazy loads from one line are an N+1 (zeal's default).
ZEAL_NPLUSONE_THRESHOLD = 2
# True prints every call's stack in the error (slower; set it while hunting one N+1).
ZEAL_SHOW_ALL_CALLERS = False
# (model, field) pairs let through in every request; per-view ones are in tests/nplusone.py.
ZEAL_ALLOWLIST = [
    # portal.audit.append() locks the audit chain head (SELECT … FOR UPDATE) once per audited
    # write, by design: each event is hashed onto the one before under that lock. A request that
    # saves k rows takes it k times, for the rows it writes, never for rows it shows.
    {"model": "portal.AuditChainHead", "field": "get()"},
]

# Fast password hashing for the tests' users, also those built once per module (SHARED_WORLD).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A fixed key for the audit log's HMAC chain (production reads AUDIT_CHAIN_KEY from the
# environment; tests/security/test_audit_chain_insider.py rotates it).
AUDIT_CHAIN_KEY = "tests-audit-chain-key-not-secret"
AUDIT_CHAIN_OLD_KEYS: list[str] = []

# The public pages' counters (portal/throttle.py) start from zero in every test
# (tests/conftest.py clears them): local memory, whatever REDIS_URL says.
CACHES = {
    **CACHES,
    "throttle": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "throttle",
    },
}

# Reports render inline in the tests (deterministic); tests/reports/test_background_render.py
# turns the demo's background thread on and waits for it (reports/background.py).
REPORTS_RENDER_IN_THREAD = False
BACKGROUND_IN_THREAD = False
# The figures' renewal by the worker is tested on its own (tests/portal/test_figures_renew.py).
FIGURES_RENEW = False

# Static files are served from the app folders in tests (tests/conftest.py), never from a
# collected folder: WhiteNoise indexes STATIC_ROOT for every test client it starts, and a
# `var/staticfiles` left by `make bench` or a deployment rehearsal (1,200 files) made the suite
# two minutes slower.
STATIC_ROOT = VAR_DIR / "test-no-collected-static"
