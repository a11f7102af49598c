"""The demo is alive on the day it is loaded (issue 17, item 3): every demo user finds work on
their desk at first sign-in, the 2021–2025 campaign is closed with its final review signed by the
authority in force, and the 2026–2030 campaign of phường Đức Phổ is in its current year, with
its targets, its NTM figures and its people's titles of today.

`load_demo` renders and signs real PDFs (about 30 s), so it runs once for the module and every
check shares it, the browser walk included: the demo is committed (the live server's threads
read through their own connections) and the database is flushed when the module ends, as after
any transactional test. The module's fixture opens the database for all its tests, which carry
no `django_db` mark: pytest-django runs marked tests before unmarked ones, and a marked check
would be moved away from the unmarked browser walk, loading the demo twice (and the browser
walk cannot be marked: the test's transaction would hold SQLite's write lock against the live
server). A check's own writes (a sign-in) stay until the flush; none changes what another reads.
"""

from __future__ import annotations

import io
import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from awards.documents import minutes_document
from awards.models import (
    AwardDecision,
    CouncilSession,
    DecisionStatus,
    Nomination,
    NominationStatus,
    SessionStatus,
)
from campaigns.demo_successor import CAMPAIGN_CODE, current_year
from campaigns.models import Assessment, AssessmentStatus, Campaign, CampaignStatus
from campaigns.results.selectors import completeness
from portal import desk
from portal.demo import DEMO_PASSWORD, DEMO_USERS
from portal.models import User
from portal.roles import Role
from reports.models import Report, ReportStatus
from units.models import Unit

#: Roles with no source on the desk (the observer only reads).
NO_DESK = {Role.OBSERVER}


@contextmanager
def _test_database():
    """pytest-django creates the test database only when a selected test is marked for it; this
    module's are not (see above), so when they run on their own this creates it itself."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    if connection.settings_dict["NAME"] == connection.creation._get_test_db_name():
        yield
        return
    config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        yield
    finally:
        teardown_databases(config, verbosity=0)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once and committed; flushed when the module ends. Yields each demo
    user's desk as loaded (username → [(label, detail)]) for the browser walk, which reads no
    database itself."""
    base = tmp_path_factory.mktemp("demo")
    signing = {
        "MEDIA_ROOT": str(base / "media"),
        "SIGNING_P12_PATH": str(base / "demo.p12"),
        "SIGNING_P12_PASSPHRASE": "demo-pass",
        "SIGNING_PERSON_P12_PATH": "",
        "SIGNING_PERSON_P12_PASSPHRASE": "",
        "SIGNING_PKCS11_MODULE": "",
        "SIGNING_PKCS11_TOKENS": {},
        "SIGNING_PERSON_FALLBACK": "server",
        "SIGNING_TRUSTED_CERTS": [],
        "CELERY_TASK_ALWAYS_EAGER": True,
        # The tests' hasher (tests/conftest.py), so the browser walk signs in with DEMO_PASSWORD.
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    }
    with django_db_blocker.unblock(), override_settings(**signing), _test_database():
        try:
            call_command("load_demo", quiet_users=True, stdout=io.StringIO())
            yield {
                username: [
                    (item.label, item.detail)
                    for item in desk.collect(User.objects.get(username=username))
                ]
                for username, *_ in DEMO_USERS
            }
        finally:
            call_command("flush", interactive=False, verbosity=0)


def test_every_demo_user_finds_work_on_the_desk(demo):
    empty = []
    for username, _name, _position, roles, _units in DEMO_USERS:
        user = User.objects.get(username=username)
        items = desk.collect(user)
        if set(roles) <= NO_DESK:
            assert items == [], username
        elif not items:
            empty.append(username)
    assert empty == []

    labels = {
        username: [item.label for item in desk.collect(User.objects.get(username=username))]
        for username in ("canbo.phoan", "chutich", "thuongtruc", "hoidong", "kinhte")
    }
    year = current_year()
    officer = " | ".join(labels["canbo.phoan"])
    assert f"Báo cáo tự đánh giá năm {year}" in officer  # a draft due
    assert "Bị trả lại để bổ sung" in officer  # with its reason
    assert "Văn bản chờ ông/bà ký duyệt" in labels["chutich"]
    assert any(label.startswith("Chờ ông/bà biểu quyết") for label in labels["hoidong"])
    secretariat = labels["thuongtruc"]
    assert "Hồ sơ tự đánh giá chờ thẩm định" in secretariat
    assert "Yêu cầu gia hạn chờ xem xét" in secretariat
    assert "Hồ sơ đề nghị khen thưởng chờ thẩm định" in secretariat
    assert "Số liệu nông thôn mới chờ xác nhận" in labels["kinhte"]


def test_the_closed_campaign_has_its_final_review_signed_by_the_successor(demo):
    closed = Campaign.objects.get(code="ducpho-ntm-2021-2025")
    assert closed.status == CampaignStatus.CLOSED
    final = Report.objects.get(campaign=closed, kind="final_review", status=ReportStatus.SIGNED)
    assert final.issuer["body"] == "Ủy ban nhân dân phường Đức Phổ"
    assert final.issue_date == timezone.localdate()
    assert final.number.endswith("/BC-UBND")
    # Its last year is complete: a handful of units late, not most of them.
    report = completeness(closed, closed.end_year)
    late = sum(1 for row in report.rows if row.late)
    assert 0 < late <= len(report.rows) // 5


def test_the_running_campaign_is_in_its_current_year(demo):
    campaign = Campaign.objects.get(code=CAMPAIGN_CODE)
    year = current_year()
    assert campaign.status == CampaignStatus.ACTIVE
    assert campaign.authority.code == "UBND-P-DUC-PHO"
    report = completeness(campaign, year)
    assert report.deadline > timezone.localdate()  # drafts are due, not late
    assert not any(row.late for row in report.rows)
    stages = set(
        Assessment.objects.filter(campaign=campaign, year=year).values_list("status", flat=True)
    )
    assert stages >= {
        AssessmentStatus.DRAFT,
        AssessmentStatus.RETURNED,
        AssessmentStatus.SUBMITTED,
        AssessmentStatus.APPROVED,
    }
    nominations = set(Nomination.objects.filter(campaign=campaign).values_list("status", flat=True))
    assert nominations >= {NominationStatus.SUBMITTED, NominationStatus.CHECKED}
    # A signed decision, a report waiting for the chairman, a session voting today.
    decision = AwardDecision.objects.get(campaign=campaign, status=DecisionStatus.SIGNED)
    assert decision.number
    assert decision.awards.exists()
    assert Report.objects.filter(campaign=campaign, status=ReportStatus.READY).exists()
    session = CouncilSession.objects.get(campaign=campaign, status=SessionStatus.OPEN)
    assert session.meeting_date == timezone.localdate()
    voters = set(
        session.items.values_list("receipts__member", flat=True).exclude(receipts__member=None)
    )
    members = set(session.seats.values_list("user", flat=True))
    assert voters
    assert voters < members


def test_loading_again_changes_nothing(demo):
    from awards import demo_successor as awards_successor
    from campaigns import demo_successor

    def counts():
        return (
            Assessment.objects.count(),
            CouncilSession.objects.count(),
            AwardDecision.objects.count(),
            Report.objects.count(),
        )

    before = counts()
    demo_successor.load()
    awards_successor.load()
    assert counts() == before


def test_the_ward_campaigns_people_bear_the_titles_of_today(demo, client):
    """Thị xã Đức Phổ ended on 01/07/2025: the titles printed for the 2026–2030 campaign name
    phường Đức Phổ's offices, on the minutes of its council and on its units' pages."""
    campaign = Campaign.objects.get(code=CAMPAIGN_CODE)
    session = CouncilSession.objects.get(campaign=campaign, status=SessionStatus.OPEN)
    members = minutes_document(session.pk)["members"]
    assert members
    assert [m["position"] for m in members if "thị xã" in m["position"].lower()] == []
    assert any("phường Đức Phổ" in m["position"] for m in members)
    client.force_login(User.objects.get(username="thuongtruc"))
    for unit in Unit.objects.filter(registrations__campaign=campaign).distinct():
        page = client.get(unit.get_absolute_url())
        assert page.status_code == 200
        officers = " ".join(o.position for o in page.context["officers"])
        assert "thị xã" not in officers.lower()
    assert [p for _u, _n, p, _r, _units in DEMO_USERS if "thị xã" in p.lower()] == []


def test_the_chairmans_dashboard_reads_the_ward_campaigns_targets_and_ntm_figures(demo, client):
    client.force_login(User.objects.get(username="chutich"))
    page = client.get("/", {"campaign": CAMPAIGN_CODE})
    html = page.content.decode()
    assert page.context["campaign"].code == CAMPAIGN_CODE
    assert page.context["year"] == current_year()
    assert "Phong trào chưa có chỉ tiêu" not in html
    progress = page.context["progress"]
    assert len(progress) == 3
    for row in progress:
        assert row.target.title in html
    assert any(row.value > 0 for row in progress)
    leading = page.context["extremes"]["top"]
    assert {row["name"] for row in leading} == {"Xã Nguyễn Nghiêm", "Xã Khánh Cường"}
    assert all(row["met"] > 0 for row in leading)
    assert sum(c.communes for c in page.context["clusters"]) == 2
    assert sum(c["met"] for c in page.context["criteria"]) > 0


# --- In the browser: each demo user signs in and finds their work -------------------------------

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
#: Set DEMO_SHOTS=/some/dir to keep a screenshot of each user's home at both widths.
SHOTS = os.environ.get("DEMO_SHOTS", "")

#: What the demo creates for each role, read on the home page ("Việc cần làm").
EXPECTED = {
    "canbo.phoan": [
        # A draft due, with the deadline in force and the days left; a report returned.
        re.compile(r"Báo cáo tự đánh giá năm \d{4} – .*hạn nộp \d\d/\d\d/\d{4}, còn \d+ ngày"),
        re.compile(r"Bị trả lại để bổ sung"),
    ],
    "chutich": [re.compile(r"Văn bản chờ ông/bà ký duyệt"), re.compile(r"Phiên họp đang")],
    "hoidong": [re.compile(r"Chờ ông/bà biểu quyết: Phiên họp")],
    "thuongtruc": [
        re.compile(r"Hồ sơ tự đánh giá chờ thẩm định"),
        re.compile(r"Yêu cầu gia hạn chờ xem xét"),
        re.compile(r"Hồ sơ đề nghị khen thưởng chờ thẩm định"),
    ],
    "kinhte": [re.compile(r"Số liệu nông thôn mới chờ xác nhận")],
    "theodoi": [re.compile(r"Hiện không có việc nào chờ ông/bà xử lý")],
}

#: After a resize the charts follow the window on their next frames (Chart.js watches its box),
#: so the width is read once the page has settled, or after a few seconds as it then is.
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _wider_than_window(tab) -> int:
    try:
        tab.wait_for_function(FITS, timeout=5000)
    except PlaywrightTimeout:
        return tab.evaluate("document.documentElement.scrollWidth")
    return 0


@pytest.fixture(scope="module")
def demo_server(demo):
    """A live server on the loaded demo for the module (pytest-django's `live_server` would make
    the test transactional, and the flush after it would empty the demo for the other tests)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    yield server
    server._live_server_modified_settings.disable()
    server.stop()


@pytest.mark.browser
def test_each_demo_user_signs_in_and_finds_their_work_at_home(
    demo, demo_server, playwright, browser_type_launch_args
):
    """Chromium is launched here rather than through pytest-playwright's `browser`: that fixture
    is parametrized by browser name, and pytest would move the test away from this module's
    others to group it with the other browser tests, loading the demo a second time."""
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.conftest import serious_violations

    axe = Axe().axe_script
    browser = playwright.chromium.launch(**browser_type_launch_args)
    try:
        problems = _walk(demo, demo_server, browser, axe, serious_violations)
    finally:
        browser.close()
    assert not problems, "\n".join(problems)


def _walk(demo, demo_server, browser, axe, serious_violations) -> list[str]:
    problems: list[str] = []
    for username, *_ in DEMO_USERS:
        context = browser.new_context(locale="vi-VN", viewport=DESKTOP)
        context.add_init_script(axe)
        tab = context.new_page()
        tab.goto(f"{demo_server.url}/dang-nhap/")
        tab.fill("input[name=username]", username)
        tab.fill("input[name=password]", DEMO_PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_url(f"{demo_server.url}/")
        box = tab.locator("[data-testid=desk]")
        text = " ".join(box.inner_text().split())
        # Every line the desk held when the demo was loaded, and what the demo made for the role.
        for label, detail in demo[username]:
            assert label in text, (username, label)
            if detail:
                assert " ".join(detail.split()) in text, (username, detail)
        for expected in EXPECTED.get(username, []):
            assert expected.search(text), (username, expected.pattern, text)
        if username.startswith("hoidong") and username != "hoidong":
            assert demo[username], username  # every council member has something on the desk
        for width, viewport in (("1366", DESKTOP), ("390", PHONE)):
            tab.set_viewport_size(viewport)
            wide = _wider_than_window(tab)
            if wide:
                problems.append(f"{username} [{width}]: trang rộng {wide}px")
            options: dict = {"resultTypes": ["violations"]}
            if viewport is PHONE:
                # What changes with the width (as in tests/browser/test_screens.py): tables
                # become scroll regions; every other rule ran on the same page at 1366 px.
                options["runOnly"] = ["scrollable-region-focusable"]
            found = tab.evaluate("(o) => axe.run(document, o).then((r) => r.violations)", options)
            problems += [f"{username} [{width}]: {line}" for line in serious_violations(found)]
            if SHOTS:
                Path(SHOTS).mkdir(parents=True, exist_ok=True)
                tab.screenshot(path=f"{SHOTS}/{username}-{width}.png", full_page=True)
        context.close()
    return problems
