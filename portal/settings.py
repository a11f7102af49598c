"""Settings for the Thi đua portal, read top to bottom; every value comes from the environment.

Unset variables give the embedded demo defaults: SQLite under var/, Celery tasks run in-process,
console e-mail. See README.md for the table of variables.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import sys
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured

# Django's generic classes take type parameters at run time too (ModelForm[User]), as the type
# checker reads them (docs/architecture.md, "Types").
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

env = environ.Env()
env.smart_cast = False
TESTING = "pytest" in sys.modules
# A `.env` file beside manage.py is read when present (the demo writes one with its SECRET_KEY).
# Tests ignore it, so they run the same on a developer's machine and on a fresh CI clone.
if not TESTING:
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _secret(name: str, default: str = "") -> str:
    """Read NAME, or the file named by NAME_FILE (Docker secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    value: str = env.str(name, default=default)
    return value


# --- Core -----------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = _secret("SECRET_KEY", default="") or ""
#: manage.py commands that sign nothing lasting run without SECRET_KEY (on a throwaway key), so
#: building an image or checking migrations needs no secret; serving, workers and every other
#: command refuse to start without one when DEBUG=0.
KEYLESS_COMMANDS = {"makemigrations", "migrate", "showmigrations", "sqlmigrate", "collectstatic"}
if not SECRET_KEY:
    command = sys.argv[1] if Path(sys.argv[0]).name == "manage.py" and len(sys.argv) > 1 else ""
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-key-for-development-and-tests-only-" + "x" * 20
    elif command in KEYLESS_COMMANDS:
        SECRET_KEY = secrets.token_urlsafe(50)  # this process only; nothing signed outlives it
    else:
        raise ImproperlyConfigured("SECRET_KEY (hoặc SECRET_KEY_FILE) phải được đặt khi DEBUG=0.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = env.str("SITE_NAME", default="Cổng thi đua – khen thưởng")
# The portal's public address: printed under every signed document (verification line and QR)
# and in e-mails. Set it to the address readers can reach; the demo's default is localhost.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "simple_history",
    "axes",
    "portal",
    "units",
    "campaigns",
    "awards",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses last, after every middleware below has written the page (docs/performance.md).
    "portal.middleware.CompressPagesMiddleware",
    "portal.middleware.RequestIdMiddleware",
    # SQLite only: a GET's transaction does not take the write lock (docs/deployment.md).
    "portal.sqlite_locking.SQLiteWriteLockMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A body larger than allowed is refused (413) from its length, before anything reads it.
    "portal.body_limit.RequestBodyLimitMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads a parameter: GET and POST values in NFC (docs/input.md).
    "portal.middleware.UnicodeNfcMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A NUL in the path, query or form fields is answered 400 before a view reads it.
    "portal.nul_guard.RefuseNulMiddleware",
    "portal.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portal.middleware.NoStoreForSignedInMiddleware",
    "axes.middleware.AxesMiddleware",
    # DEBUG=1 (the demo): the portal's own 404/400/500 pages, never Django's technical ones.
    "portal.errors.OwnErrorPagesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

# --- Database: SQLite file under var/ unless DATABASE_URL is set ------------------------------
#: Run on every new SQLite connection (tests/settings.py keeps WAL and drops fsync).
SQLITE_INIT_COMMAND = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if env.str("TEST_DATABASE_NAME", default=""):  # the test runner's database (default test_<NAME>)
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The demo serves a training room from one file (docs/deployment.md, "SQLite"):
    # - WAL: readers never wait for the writer, and the writer never waits for readers;
    # - IMMEDIATE: a transaction takes the write lock when it begins. A deferred one reads
    #   first and asks for the lock at its first write; when another connection wrote in
    #   between, SQLite refuses it at once ("database is locked"), without waiting, since
    #   waiting cannot help a transaction that has read an outdated snapshot. Every request is
    #   a transaction (ATOMIC_REQUESTS), so requests now queue for the lock instead of failing;
    # - timeout: how long (seconds) a connection waits in that queue before giving up.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": SQLITE_INIT_COMMAND,
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction mode (docs/deployment.md): no persistent connections and
    # no server-side cursors (a cursor cannot outlive the transaction's server connection).
    if env.bool("PGBOUNCER_TRANSACTION_MODE", default=False):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when configured, else local memory -------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
            # Parallel test workers (pytest-xdist) share one Redis: keep their keys apart.
            "KEY_PREFIX": f"test-{os.environ.get('PYTEST_XDIST_WORKER', '')}" if TESTING else "",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The public pages' counters per client address (portal/throttle.py): the same Redis as the
# cache, so every web host counts together; local memory in the demo.
CACHES["throttle"] = {
    **CACHES["default"],
    "KEY_PREFIX": f"{CACHES['default'].get('KEY_PREFIX', '')}throttle",
    "LOCATION": CACHES["default"].get("LOCATION", "throttle"),
}

# --- Auth, sessions, login throttling ----------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Idle timeout (seconds) enforced by SessionLifetimeMiddleware; absolute lifetime via the cookie.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# One attacker behind an office's shared address must not lock the whole office out:
# lock the (username, address) pair, not the address alone.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# The load balancer or reverse proxy in front (addresses or CIDR ranges, comma separated). Only a
# request from one of them has its client taken from X-Forwarded-For (portal/net.py); without
# this, behind a balancer every client has the balancer's address and one person's wrong
# passwords would lock a user out for everyone. Empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: “{_proxy}” không phải địa chỉ IP hoặc dải địa chỉ (CIDR) hợp lệ."
        ) from _exc
AXES_CLIENT_IP_CALLABLE = "portal.net.client_ip"
# How often one client address may use the public pages ("count/seconds", portal/throttle.py):
# document look-ups on /verify/, and comments during a public consultation.
THROTTLE_VERIFY = env.str("THROTTLE_VERIFY", default="20/60")
THROTTLE_COMMENT = env.str("THROTTLE_COMMENT", default="10/600")
for _name in ("THROTTLE_VERIFY", "THROTTLE_COMMENT"):
    if not re.fullmatch(r"[1-9][0-9]*/[1-9][0-9]*", vars()[_name]):
        raise ImproperlyConfigured(f"{_name}: ghi dạng số_lần/số_giây, ví dụ 20/60.")

# --- Security when DEBUG is off ---------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Tests (test client, live server for the browser) speak plain HTTP; everything else holds.
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not TESTING)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Only a plain-HTTP loopback run (the load bench, scripts/bench_load.py) turns these off.
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not TESTING)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not TESTING)
# Content Security Policy: everything from this host, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Language, time, formats: Vietnamese by default -------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]
# Grouping is explicit (|num, |vnd: portal/numbers.py) so that years and codes never print as
# "2.024".
USE_THOUSAND_SEPARATOR = False
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
# Media on object storage (S3 API: MinIO, a provincial cloud, AWS) when MEDIA_BUCKET is set, so
# web hosts and workers keep no files of their own. The bucket stays private: files are served by
# the portal's views after the access check, never by the bucket's URL.
MEDIA_BUCKET = env.str("MEDIA_BUCKET", default="")
if MEDIA_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": env.str("MEDIA_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_REGION", default="") or None,
            "access_key": _secret("MEDIA_ACCESS_KEY", default="") or None,
            "secret_key": _secret("MEDIA_SECRET_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "object_parameters": {"ContentDisposition": "attachment"},
        },
    }
# Uploads: evidence and dossier files.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# What an imported .xlsx may unpack to (openpyxl holds its shared strings in memory).
# A browser import of more rows than this is checked and applied in the background, with a
# progress page (portal/importjobs.py); smaller files are checked inside the request.
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=2_000)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Whole request bodies, refused from their length before they are read (portal/body_limit.py);
# the reverse proxy sets the same limits (docs/deployment.md). 64 KB leaves room for the form's
# other fields around a file.
FORM_OVERHEAD_BYTES = 64 * 1024
#: A PDF sent anonymously to /verify/ to be checked.
PUBLIC_UPLOAD_MAX_BYTES = env.int("PUBLIC_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
#: A signed-in user's form: up to DATA_UPLOAD_MAX_NUMBER_FILES files of UPLOAD_MAX_BYTES.
REQUEST_MAX_BYTES = env.int(
    "REQUEST_MAX_BYTES",
    default=UPLOAD_MAX_BYTES * DATA_UPLOAD_MAX_NUMBER_FILES + DATA_UPLOAD_MAX_MEMORY_SIZE,
)
#: Anyone not signed in elsewhere (sign-in, public comments): text only.
ANONYMOUS_REQUEST_MAX_BYTES = env.int("ANONYMOUS_REQUEST_MAX_BYTES", default=256 * 1024)
#: Paths with a limit of their own (prefix → bytes of the file; the form's other fields get
#: FORM_OVERHEAD_BYTES on top), whoever sends.
REQUEST_BODY_LIMITS = {"/verify/": PUBLIC_UPLOAD_MAX_BYTES}

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="thidua@localhost")

# --- Celery: Redis broker when REDIS_URL is set, else tasks run in-process -----------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not bool(REDIS_URL) and not env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_EAGER_PROPAGATES = False
# Without a broker, a report asked for on a page renders in a background thread of the web
# process (reports/background.py) and the request returns at once; off, it renders inside the
# request. Tests turn it off (tests/settings.py) and render inline.
REPORTS_RENDER_IN_THREAD = env.bool("REPORTS_RENDER_IN_THREAD", default=CELERY_TASK_ALWAYS_EAGER)
# The same for other long work (a large browser import: portal/importjobs.py, portal/background.py).
BACKGROUND_IN_THREAD = env.bool("BACKGROUND_IN_THREAD", default=CELERY_TASK_ALWAYS_EAGER)
# After a write of business data the worker computes again the figures read lately
# (portal.figures_cache.renew, docs/caching.md), so the next reader finds them ready. Off without a
# broker (the demo's figures are small enough to compute on the page).
FIGURES_RENEW = env.bool("FIGURES_RENEW", default=not CELERY_TASK_ALWAYS_EAGER)
# A background job (a large import, signing a report) beats every BACKGROUND_HEARTBEAT_SECONDS
# while it runs (portal/background.py, "Heartbeat"); its page calls it stopped ("đã dừng giữa
# chừng") after BACKGROUND_STALE_SECONDS without a beat, or, never started,
# BACKGROUND_QUEUED_SECONDS after it was recorded (it may wait behind other work: a render may
# run for CELERY_TIME_LIMIT).
BACKGROUND_HEARTBEAT_SECONDS = env.int("BACKGROUND_HEARTBEAT_SECONDS", default=10)
BACKGROUND_STALE_SECONDS = env.int("BACKGROUND_STALE_SECONDS", default=120)
BACKGROUND_QUEUED_SECONDS = env.int("BACKGROUND_QUEUED_SECONDS", default=30 * 60)
# A campaign report over more communes than this presents them by cluster, with the top and
# bottom communes and those that need mention, and puts every commune's row in an Excel annex
# stored with the PDF (docs/reports.md, "Large reviews"); at or below it, the tables list every
# commune as before. In summary mode a table longer than REPORTS_PDF_MAX_ROWS goes to the annex.
REPORTS_SUMMARY_THRESHOLD = env.int("REPORTS_SUMMARY_THRESHOLD", default=60)
REPORTS_PDF_MAX_ROWS = env.int("REPORTS_PDF_MAX_ROWS", default=400)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TIME_LIMIT", default=360)
# Redis hands an unacknowledged message (a worker died holding it) to another worker only after
# this many seconds. Keep it longer than the longest render (CELERY_TIME_LIMIT), so Redis does not
# redeliver a job that is still running; a render whose whole worker died is picked up sooner by
# beat's `requeue_reports` (docs/reports.md). The reliability drills shorten it to watch it work.
BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ROUTES = {"reports.tasks.*": {"queue": "reports"}}
CELERY_TIMEZONE = TIME_ZONE
# Deadline reminders (campaigns/results): daily, stages in days before the deadline.
REMINDER_DAYS_BEFORE = env.list("REMINDER_DAYS_BEFORE", cast=int, default=[14, 7, 1])
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # Reports left queued while the broker was down (or stuck after a worker died) run once.
    "reports-requeue": {"task": "reports.tasks.requeue_reports", "schedule": 300.0},
    "deadline-reminders": {
        "task": "campaigns.results.tasks.send_deadline_reminders",
        "schedule": 24 * 60 * 60,
    },
}

# --- Crispy forms ----------------------------------------------------------------------------
#: Django's form renderer with a `<select>` written in Python (portal/forms_renderer.py).
FORM_RENDERER = "portal.forms_renderer.PortalFormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- History ----------------------------------------------------------------------------------
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- PDF signing (pyHanko): two signatures, the person's and the agency's (docs/signing.md) ---
# The agency's signature (its seal): the organisation certificate, a PKCS#12 file.
SIGNING_P12_PATH = env.str("SIGNING_P12_PATH", default=str(VAR_DIR / "signing" / "demo.p12"))
SIGNING_P12_PASSPHRASE = _secret("SIGNING_P12_PASSPHRASE", default="demo-passphrase")
# The person's signature: their own certificate on a PKCS#11 token where one is configured for
# their user name, e.g. SIGNING_PKCS11_TOKENS={"chutich": {"token": "CHU TICH", "key": "ky-so",
# "pin_env": "PIN_CHU_TICH"}} (token label, key/certificate label, the variable holding the PIN).
SIGNING_PKCS11_MODULE = env.str("SIGNING_PKCS11_MODULE", default="")
SIGNING_PKCS11_TOKENS = env.json("SIGNING_PKCS11_TOKENS", default={})
# Without a token: "server" signs with the server-held personal certificate below; "none"
# refuses to sign (the deployment requires tokens).
SIGNING_PERSON_FALLBACK = env.str("SIGNING_PERSON_FALLBACK", default="server")
# Empty: "<SIGNING_P12_PATH without .p12>-person.p12" beside the agency's file (the demo's).
SIGNING_PERSON_P12_PATH = env.str("SIGNING_PERSON_P12_PATH", default="")
SIGNING_PERSON_P12_PASSPHRASE = _secret("SIGNING_PERSON_P12_PASSPHRASE", default="")
# More certificates a signature may chain to (PEM or DER files, e.g. the CA of the tokens).
SIGNING_TRUSTED_CERTS = env.list("SIGNING_TRUSTED_CERTS", default=[])
# The visible signatures: the signer's handwritten signature and the agency's seal (PNG with a
# transparent background; the demo draws sample ones) and the seal's actual diameter.
SIGNING_SIGNATURE_IMAGE = env.str(
    "SIGNING_SIGNATURE_IMAGE", default=str(VAR_DIR / "signing" / "demo-signature.png")
)
SIGNING_SEAL_IMAGE = env.str(
    "SIGNING_SEAL_IMAGE", default=str(VAR_DIR / "signing" / "demo-seal.png")
)
SIGNING_SEAL_DIAMETER_MM = env.float("SIGNING_SEAL_DIAMETER_MM", default=35.0)

# --- Audit chain key (docs/security.md, "An insider with database access") --------------------
# The key of the audit log's HMAC chain: kept out of the database (environment or a secret file),
# so an insider who can write the tables cannot re-compute the chain after an edit. Required in
# production (`check --deploy`); without it events are chained with plain SHA-256. Retired keys
# stay here, comma-separated, so events they made still verify after a rotation.
AUDIT_CHAIN_KEY = _secret("AUDIT_CHAIN_KEY", default="") or ""
AUDIT_CHAIN_OLD_KEYS = env.list("AUDIT_CHAIN_OLD_KEYS", default=[])
# A deployment that had events before it set its key: the last event id written without a key
# (set together with the key; `verify_audit` prints it). With a key, any later unkeyed event is
# a break. 0 (default): every event must be keyed.
AUDIT_CHAIN_UNKEYED_UNTIL = env.int("AUDIT_CHAIN_UNKEYED_UNTIL", default=0)

# --- Logging: one line per event, with the request id -----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "portal.views.csrf_failure_view"
