"""Each person's desk ("Việc cần làm", portal.desk): the home page lists what waits for the
signed-in person, with counts, the deadline in force and the reason, and the menu shows the same
counts; what is done leaves the desk on the next page."""

from __future__ import annotations

import dataclasses
import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from campaigns import deadlines
from campaigns.cycle import services as cycle_services
from campaigns.models import AssessmentStatus
from portal import desk
from portal.access import has_capability
from portal.models import User
from portal.roles import Role
from tests.campaigns import cycle_world as cw
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 12, 7)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(deadlines, "today", lambda: TODAY)


def desk_html(client) -> str:
    html = client.get(reverse("home")).content.decode()
    match = re.search(
        r'<section class="card mb-3" aria-labelledby="desk-title".*?</section>', html, re.S
    )
    assert match, "the home page has no “Việc cần làm” section"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def menu_count(client, group: str) -> int:
    html = client.get(reverse("home")).content.decode()
    for label, count in re.findall(
        r'>([^<>]+?)(?: <span class="badge rounded-pill text-bg-danger" data-desk-count="(\d+)")',
        html,
    ):
        if label.strip() == group:
            return int(count)
    return 0


def test_officer_sees_the_report_due_with_the_deadline_in_force(world, client_as):
    cw.criteria_set(world.campaign)
    cw.deadline(world.campaign, 2025, datetime.date(2025, 12, 31))
    text = desk_html(client_as("officer_a"))
    assert "Báo cáo tự đánh giá năm 2025 – Xã Phổ Thử A" in text
    assert "Chưa lập; hạn nộp 31/12/2025, còn 24 ngày" in text
    # Another officer's unit is not on this desk.
    assert "Xã Phổ Thử B" not in text


def test_an_extension_moves_the_officers_deadline(world, users, client_as):
    cw.criteria_set(world.campaign)
    cw.deadline(world.campaign, 2025, datetime.date(2025, 12, 10))
    request = cw.extension(world.commune_a, world.campaign)
    cycle_services.extension_decide(
        extension=request, grant=True, until=datetime.date(2026, 1, 15), by=users["secretariat"]
    )
    text = desk_html(client_as("officer_a"))
    assert "hạn nộp 15/01/2026, còn 39 ngày (được gia hạn, hạn chung 10/12/2025)" in text
    assert "Yêu cầu gia hạn năm 2025 của Xã Phổ Thử A đã được trả lời" in text
    assert "Được gia hạn đến 15/01/2026" in text


def test_a_returned_assessment_shows_the_reason_until_resubmitted(world, users, client_as):
    cw.deadline(world.campaign, 2025, datetime.date(2025, 12, 31))
    a = cw.assessment(world.commune_a, world.campaign, status=AssessmentStatus.SUBMITTED)
    cycle_services.assessment_return(
        assessment=a, reason="Bổ sung biên bản họp dân", by=users["secretariat"]
    )
    client = client_as("officer_a")
    text = desk_html(client)
    assert "Bị trả lại để bổ sung: Xã Phổ Thử A năm 2025" in text
    assert "Lý do: Bổ sung biên bản họp dân" in text
    assert menu_count(client, "Thi đua hằng năm") >= 1


def test_reviewer_sees_the_queue_and_the_risky_files(world, users, client_as):
    cw.deadline(world.campaign, 2025, datetime.date(2025, 12, 31))
    cw.assessment(world.commune_a, world.campaign, status=AssessmentStatus.SUBMITTED)
    cw.assessment(world.commune_b, world.campaign, status=AssessmentStatus.SUBMITTED)
    text = desk_html(client_as("secretariat"))
    assert re.search(r"2 hồ sơ Hồ sơ tự đánh giá chờ thẩm định", text), text


def test_secretariat_sees_late_units_broken_down(world, users, client_as, monkeypatch):
    cw.criteria_set(world.campaign)
    cw.assessment(world.commune_a, world.campaign)  # started, not submitted
    cw.deadline(world.campaign, 2025, datetime.date(2025, 12, 1))
    text = desk_html(client_as("secretariat"))
    assert "Đơn vị chưa nộp báo cáo năm 2025 (hạn 01/12/2025 đã qua)" in text
    assert "chưa lập: 1; đang soạn hoặc bị trả lại: 1; đang trong thời gian gia hạn: 0" in text


def test_the_desk_follows_a_write_on_the_next_page(world, users, client_as):
    """The desk is cached, but any audited write (here the secretariat's return) shows at once."""
    cw.deadline(world.campaign, 2025, datetime.date(2025, 12, 31))
    a = cw.assessment(world.commune_a, world.campaign, status=AssessmentStatus.SUBMITTED)
    client = client_as("officer_a")
    assert "Bị trả lại" not in desk_html(client)
    cycle_services.assessment_return(
        assessment=a, reason="Thiếu minh chứng", by=users["secretariat"]
    )
    assert "Bị trả lại để bổ sung" in desk_html(client)


def test_an_empty_desk_says_so(world, client_as):
    assert "Hiện không có việc nào chờ ông/bà xử lý." in desk_html(client_as("observer"))


def test_every_source_answers_for_every_role_and_links_to_a_page_it_may_open(
    world, users, monkeypatch
):
    """Introspection over every registered source: each runs for each role that holds its
    capability and for no other, and every item it returns links to a page that user may open."""
    cw.criteria_set(world.campaign)
    cw.assessment(world.commune_a, world.campaign, status=AssessmentStatus.SUBMITTED)
    cw.assessment(world.commune_b, world.campaign)
    cw.deadline(world.campaign, 2025, datetime.date(2025, 12, 1))
    assert desk.sources(), "no desk source is registered"
    ran: list[tuple[str, int]] = []

    def recording(source):
        def collect(user):
            ran.append((source.key, user.pk))
            return source.collect(user)

        return dataclasses.replace(source, collect=collect)

    monkeypatch.setattr(desk, "_SOURCES", {k: recording(s) for k, s in desk._SOURCES.items()})
    for role in Role:
        user = UserFactory(username=f"desk-{role.value}", roles=[role], units=[world.commune_b])
        user = User.objects.get(pk=user.pk)
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for item in desk.collect(user):
            assert item.count > 0
            assert item.label
            assert item.url
            assert client.get(item.url).status_code == 200, (role, item.label, item.url)
        for source in desk.sources():
            caps = (source.capability,) if isinstance(source.capability, str) else source.capability
            holds = any(has_capability(user, c) for c in caps)
            assert ((source.key, user.pk) in ran) == holds, (role, source.key)


def test_an_upload_not_yet_confirmed_waits_on_the_uploaders_desk(world, client_as):
    client = client_as("secretariat")
    session = client.session
    session["pending_imports"] = {
        "3f1c2a9e-0000-4000-8000-000000000001": {
            "kind": "units",
            "name": "don-vi-2026.xlsx",
            "sha256": "0" * 64,
            "user": 0,
            "summary": [3, 2, 40],
        }
    }
    session.save()
    text = desk_html(client)
    assert "Tệp nhập dữ liệu chờ xác nhận: don-vi-2026.xlsx" in text
    assert "Thêm mới 3, cập nhật 2 dòng khi xác nhận" in text
    # Nobody else sees another person's pending file.
    assert "don-vi-2026.xlsx" not in desk_html(client_as("economic_office"))
