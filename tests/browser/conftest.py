"""Browser tests in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Skipped when Chromium is not installed. Never run `playwright install`. Chromium's launch
arguments and the skip are in tests/conftest.py, so a browser test may also live beside the
tests whose expensive fixture it shares (tests/portal/test_demo_desk.py, on the loaded demo).
"""

from __future__ import annotations

import pytest

from portal.roles import Role
from tests.factories import UserFactory

BROWSER_PASSWORD = "MatKhau@12345"

pytestmark = pytest.mark.browser


@pytest.fixture
def sign_in(live_server, page):
    """sign_in(user) opens the sign-in page and signs in with BROWSER_PASSWORD."""

    def do(user) -> None:
        page.goto(f"{live_server.url}/dang-nhap/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", BROWSER_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/**")

    return do


def signed_in_tab(browser, live_server, user, **context_args):
    """A tab of its own browser context (a second person at another computer), signed in as
    `user`; `context_args` go to `browser.new_context` (viewport, …)."""
    tab = browser.new_context(locale="vi-VN", **context_args).new_page()
    tab.goto(f"{live_server.url}/dang-nhap/")
    tab.fill("input[name=username]", user.username)
    tab.fill("input[name=password]", BROWSER_PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(f"{live_server.url}/**")
    return tab


@pytest.fixture
def browser_user(db):
    """browser_user(username, roles, units=()) → a user with the browser password."""

    def make(username: str, roles: list[Role], units=()):
        return UserFactory(
            username=username, roles=roles, units=list(units), password=BROWSER_PASSWORD
        )

    return make


def click_menu(page, url_name: str) -> None:
    """Follow a menu entry the way a user does: open its dropdown group first when it is in one."""
    link = page.locator(f"[data-menu='{url_name}']").first
    if not link.is_visible():
        group = page.locator(
            f".nav-item.dropdown:has([data-menu='{url_name}']) > .dropdown-toggle"
        ).first
        group.click()
    link.click()


@pytest.fixture
def browser_signing_cert(settings, tmp_path):
    """Self-signed certificates for the signing pages (the demo's kind), per test."""
    from reports import signing

    settings.SIGNING_P12_PATH = str(tmp_path / "browser.p12")
    settings.SIGNING_P12_PASSPHRASE = "browser-pass"
    signing.ensure_demo_certificate()


def serious_violations(violations: list[dict]) -> list[str]:
    """axe-core's serious and critical violations, one line per element."""
    lines = []
    for v in violations:
        if v["impact"] in ("serious", "critical"):
            for node in v["nodes"]:
                summary = " ".join(node.get("failureSummary", "").split())
                lines.append(f"{v['id']} ({v['impact']}) {node['target']}: {summary}")
    return lines
