"""Browser tests in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Skipped when Chromium is not installed. Never run `playwright install`.
"""

from __future__ import annotations

import os
import shutil

import pytest

from portal.roles import Role
from tests.factories import UserFactory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BROWSER_PASSWORD = "MatKhau@12345"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(config, items):
    if not (shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)):
        skip = pytest.mark.skip(reason=f"Chromium not installed at {CHROMIUM}")
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(skip)
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


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
