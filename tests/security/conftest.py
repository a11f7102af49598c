"""Fixtures for the security tests, and the access matrix's end-of-run summary."""

from __future__ import annotations

import pytest

from tests.access_matrix import STATS


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if STATS["requests"]:
        terminalreporter.write_sep("-", "access matrix")
        terminalreporter.write_line(
            f"Access matrix: {STATS['requests']} requests, {STATS['mismatches']} mismatches"
            + "".join(
                f", {k}: {v}"
                for k, v in sorted(STATS.items())
                if k not in ("requests", "mismatches")
            )
        )


@pytest.fixture
def production(settings):
    """The settings a production host runs with (DEBUG=0 branch of portal/settings.py)."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings
