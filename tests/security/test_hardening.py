"""Hardening: deploy check, security headers and cookies on every page for every role, no inline
script or style in templates, sessions (idle, absolute, rotation, deactivation), login
throttling per (user, address), password rules, production error pages."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tests.access_matrix import STATS, Row, each_persona
from tests.conftest import PERSONAS
from tests.portal.test_access_matrix import ROWS

# One world and its users per module, each test in a savepoint (tests/conftest.py).
SHARED_WORLD = True

BASE = Path(django_settings.BASE_DIR)
pytestmark = pytest.mark.django_db


# --- check --deploy ---------------------------------------------------------------------------
def _python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """The project's Python (manage.py …, or -c …) in a fresh process with `env`."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _deploy_env(**values: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_", "PYTEST", "AUDIT_CHAIN_"))
    }
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="thidua.example.vn")
    env.update(values)
    return env


def test_deploy_check_passes_with_only_four_variables():
    env = _deploy_env(AUDIT_CHAIN_KEY=secrets.token_urlsafe(48))
    result = _python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_fails_without_the_audit_chain_key():
    """Without a key out of the database, an insider can re-compute the audit chain."""
    result = _python(["manage.py", "check", "--deploy"], _deploy_env())
    assert result.returncode != 0
    assert "portal.E001" in result.stderr
    assert "AUDIT_CHAIN_KEY chưa được đặt" in result.stderr
    short = _python(["manage.py", "check", "--deploy"], _deploy_env(AUDIT_CHAIN_KEY="ngan"))
    assert short.returncode != 0
    assert "AUDIT_CHAIN_KEY quá ngắn" in short.stderr


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DEBUG="0", SECRET_KEY="", ALLOWED_HOSTS="thidua.example.vn")
    result = _python(
        [
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
            "'portal.settings'); django.setup()",
        ],
        env,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("command", "refused"),
    [
        (["makemigrations", "--check", "--dry-run"], False),
        (["migrate", "--plan"], False),
        (["check"], True),
        (["createsuperuser", "--noinput", "--username", "x"], True),
    ],
)
def test_only_commands_that_sign_nothing_run_without_secret_key(command, refused, tmp_path):
    """Building an image (collectstatic) and checking migrations need no secret; anything that
    checks, serves or touches users does."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env.update(DEBUG="0", SECRET_KEY="", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = _python(["manage.py", *command], env)
    if refused:
        assert result.returncode != 0
        assert "SECRET_KEY (hoặc SECRET_KEY_FILE) phải được đặt" in result.stderr
    else:
        assert result.returncode == 0, result.stdout + result.stderr


# --- Headers on every page --------------------------------------------------------------------
# Executable inline script; JSON data islands (json_script, type="application/json") are data,
# never run, and allowed by the CSP.
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE
)
STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
EVENT_ATTR = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


def _csp(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def _page_rows() -> list[Row]:
    return [r for r in ROWS if r.method == "get" and any(r.expected(p) == 200 for p in PERSONAS)]


@pytest.mark.parametrize("row", _page_rows(), ids=lambda r: r.name)
def test_every_page_sends_the_security_headers(row, production, world, users):
    def check(persona: str) -> None:
        client = Client()
        if persona != "anonymous":
            client.force_login(users[persona], backend="django.contrib.auth.backends.ModelBackend")
        url = row.url(world, users)
        response = client.get(url, secure=True)
        assert response.status_code == 200, f"{persona} {url}"
        csp = _csp(response["Content-Security-Policy"])
        for directive in ("script-src", "style-src", "default-src"):
            sources = csp.get(directive) or csp["default-src"]
            assert "'unsafe-inline'" not in sources, f"{directive} allows inline on {url}"
            assert "'unsafe-eval'" not in sources
        is_html = "text/html" in response.get("Content-Type", "")
        if is_html:
            assert csp["object-src"] == ["'none'"]
            assert response["X-Frame-Options"] == "DENY"
        else:
            # Files (evidence, dossiers, PDFs): nothing in them may run or load anything, and
            # only the portal's own PDF viewer may frame a PDF.
            assert response["X-Frame-Options"] in ("DENY", "SAMEORIGIN")
            disposition = response.get("Content-Disposition", "")
            content_type = response.get("Content-Type", "")
            if disposition.startswith("inline"):
                # The in-page PDF viewer: a PDF, never HTML, framed by the portal only.
                assert content_type.startswith("application/pdf"), url
            elif not content_type.startswith("application/json"):
                # Files (exports, evidence, dossiers, PDFs) are downloads, never rendered.
                # (Uploaded files also carry a sandbox CSP: tests/security/test_uploads.py.)
                assert disposition.startswith("attachment"), f"{url}: {disposition}"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "max-age=31536000" in response["Strict-Transport-Security"]
        assert response["X-Request-ID"]
        if persona != "anonymous":
            assert "no-store" in response.get("Cache-Control", ""), f"{url} may be cached"
        if is_html:
            body = response.content.decode()
            assert not INLINE_SCRIPT.search(body), f"inline <script> on {url}"
            assert not STYLE_ATTR.search(body), f"style= attribute on {url}"
            assert not EVENT_ATTR.search(body), f"on…= handler on {url}"

    allowed = [p for p in PERSONAS if row.expected(p) == 200]
    STATS["headers"] += len(allowed)
    each_persona(allowed, check)


def test_plain_http_is_redirected_to_https(production, world, users):
    response = Client().get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert Client().get(reverse("healthz")).status_code == 200  # the load balancer's probe


def _template_files() -> list[Path]:
    dirs = [BASE / "templates"] + [
        BASE / app / "templates" for app in ("portal", "units", "campaigns", "awards", "reports")
    ]
    return sorted(p for d in dirs if d.is_dir() for p in d.rglob("*.html"))


def test_templates_have_no_inline_script_or_style():
    """The static half of the CSP check: also covers templates no test renders."""
    offenders = []
    for path in _template_files():
        text = path.read_text(encoding="utf-8")
        for pattern, what in (
            (INLINE_SCRIPT, "inline <script>"),
            (STYLE_ATTR, 'style="…"'),
            (EVENT_ATTR, "on…= handler"),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(BASE)}:{line}: {what}")
    assert _template_files()
    assert offenders == []


# --- Cookies ------------------------------------------------------------------------------------
def test_cookies_are_secure_httponly_samesite(production, users):
    client = Client()
    page = client.get(reverse("login"), secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"]
    assert csrf["samesite"] == "Lax"
    response = client.post(
        reverse("login"),
        {"username": "officer_a", "password": "MatKhau@12345"},
        secure=True,
        REMOTE_ADDR="10.1.1.1",
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


# --- Sessions -----------------------------------------------------------------------------------
def test_login_rotates_the_session_key(users):
    client = Client()
    client.get(reverse("login"))
    session = client.session
    session["before_login"] = True
    session.save()
    old_key = session.session_key
    client.post(reverse("login"), {"username": "officer_a", "password": "MatKhau@12345"})
    assert client.session.session_key != old_key
    assert client.get(reverse("home")).status_code == 200


def _signed_in(users, persona="officer_a") -> Client:
    client = Client()
    client.post(reverse("login"), {"username": persona, "password": "MatKhau@12345"})
    assert client.get(reverse("home")).status_code == 200
    return client


def test_session_ends_after_30_minutes_idle(users, monkeypatch):
    client = _signed_in(users)
    now = time.time()
    monkeypatch.setattr("portal.middleware.time.time", lambda: now + 29 * 60)
    assert client.get(reverse("home")).status_code == 200
    monkeypatch.setattr("portal.middleware.time.time", lambda: now + 29 * 60 + 31 * 60)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_session_ends_after_12_hours_even_when_active(users, monkeypatch):
    """A user clicking every 20 minutes is still signed out 12 hours after signing in."""
    client = _signed_in(users)
    start = time.time()
    clock = {"t": start}
    monkeypatch.setattr("portal.middleware.time.time", lambda: clock["t"])
    while clock["t"] < start + 12 * 3600 - 20 * 60:
        clock["t"] += 20 * 60
        assert client.get(reverse("home")).status_code == 200, (clock["t"] - start) / 3600
    clock["t"] = start + 12 * 3600 + 60
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_absolute_limit_is_twelve_hours_and_idle_thirty_minutes():
    assert django_settings.SESSION_COOKIE_AGE == 12 * 3600
    assert django_settings.SESSION_IDLE_SECONDS == 30 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is False


def test_deactivating_a_user_ends_their_sessions(users, client_as):
    victim = _signed_in(users, "officer_b")
    client_as("secretariat").post(reverse("user-toggle-active", args=[users["officer_b"].pk]))
    response = victim.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


# --- Login throttling -------------------------------------------------------------------------
OFFICE_IP = "203.113.10.20"


def _attempt(username: str, password: str) -> object:
    return Client().post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=OFFICE_IP
    )


def test_attacker_locks_one_user_not_the_office(users, settings):
    assert settings.AXES_ENABLED
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    statuses = [_attempt("officer_a", f"sai-{i}").status_code for i in range(5)]
    assert statuses[:4] == [200, 200, 200, 200]  # the form again, with its error message
    locked = _attempt("officer_a", "MatKhau@12345")  # even the right password, now
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    # A colleague behind the same office address signs in normally.
    colleague = _attempt("officer_b", "MatKhau@12345")
    assert colleague.status_code == 302
    # The same user from another address is not locked either (the pair is locked).
    other = Client().post(
        reverse("login"),
        {"username": "officer_a", "password": "MatKhau@12345"},
        REMOTE_ADDR="14.160.1.1",
    )
    assert other.status_code == 302


# --- Passwords ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("password", "why"),
    [("Ab1@xyz", "too short"), ("1234567890123", "numeric"), ("password123", "common")],
)
def test_weak_passwords_are_refused(password, why, client_as, world):
    response = client_as("secretariat").post(
        reverse("user-create"),
        {
            "username": "moi",
            "full_name": "Người mới",
            "roles": ["observer"],
            "password": password,
        },
    )
    assert response.status_code == 200, why
    assert "password" in response.context["form"].errors


# --- Errors in production ---------------------------------------------------------------------
def test_server_error_shows_request_id_never_a_traceback(settings, client_as, world):
    settings.ROOT_URLCONF = "tests.security.urls_boom"
    settings.DEBUG = False
    client = client_as("officer_a")
    client.raise_request_exception = False
    response = client.get("/__loi-thu__/")
    assert response.status_code == 500
    body = response.content.decode()
    assert response["X-Request-ID"] in body
    assert "Hệ thống gặp lỗi" in body
    for leak in ("Traceback", "RuntimeError", "matkhau", "postgres://"):
        assert leak not in body


def test_not_found_is_vietnamese(settings, client_as, world):
    settings.DEBUG = False
    response = client_as("officer_a").get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
