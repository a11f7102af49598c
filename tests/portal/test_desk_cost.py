"""What the desk, the menu and the officer's home page cost on the first page after a write, and
that what they keep (portal.figures_cache, the request's current campaign) never hides a write.
Query budgets, not timings: they hold whatever the number of communes."""

from __future__ import annotations

import datetime

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import deadlines
from campaigns.context import current_campaign
from campaigns.cycle import services as cycle_services
from campaigns.models import AssessmentStatus
from campaigns.results import services as results_services
from portal import desk
from portal.figures_cache import bump
from portal.models import User
from portal.navigation import menu_for
from tests.campaigns import cycle_world as cw
from units.models import Unit, UnitKind

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 12, 7)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(deadlines, "today", lambda: TODAY)


class _Request:
    """What a request does around the code it runs: the request's memory starts and ends."""

    def __enter__(self):
        request_started.disconnect(close_old_connections)
        request_started.send(sender=None)
        request_started.connect(close_old_connections)

    def __exit__(self, *exc):
        request_finished.disconnect(close_old_connections)
        request_finished.send(sender=None)
        request_finished.connect(close_old_connections)


def test_counting_many_lists_takes_one_query():
    lists = {
        "all": Unit.objects.all(),
        "villages": Unit.objects.filter(kind=UnitKind.VILLAGE),
        "nothing": Unit.objects.none(),
    }
    with CaptureQueriesContext(connection) as ctx:
        counts = desk.count_all(lists)
    assert len(ctx.captured_queries) == 1
    assert counts == {name: qs.count() for name, qs in lists.items()}


@pytest.mark.parametrize(
    "persona",
    ["chairman", "secretariat", "officer_a", "council_member", "observer", "economic_office"],
)
def test_the_menu_and_desk_after_a_write_read_every_count_in_one_query(world, users, persona):
    cw.criteria_set(world.campaign)
    cw.deadline(world.campaign, 2025, datetime.date(2025, 12, 31))
    cw.assessment(world.commune_a, world.campaign, status=AssessmentStatus.SUBMITTED)
    user = User.objects.get(pk=users[persona].pk)
    bump()
    with _Request(), CaptureQueriesContext(connection) as ctx:
        menu_for(user)
    sql = [q["sql"] for q in ctx.captured_queries]
    counting = [s for s in sql if s.startswith("SELECT (SELECT COUNT(*)")]
    assert len(counting) <= 1, sql
    assert sum('FROM "campaigns_campaign"' in s.split(" WHERE ")[0] for s in sql) <= 1, sql
    # The user's roles, the current campaign, the counts; an officer's units (three levels,
    # kept for the request); the review queue's own summary; the items that wait.
    assert len(sql) <= 9, sql


def test_a_campaign_changed_during_a_request_is_read_afresh(world, users):
    with _Request():
        before = current_campaign()
        results_services.campaign_save(
            campaign=before, values={"title": "Phong trào đổi tên"}, by=users["secretariat"]
        )
        assert current_campaign().title == "Phong trào đổi tên"
        # Each caller has its own copy: changing one changes nothing for the next.
        mine = current_campaign()
        mine.code = "khac"
        assert current_campaign().code == world.campaign.code


def test_the_current_campaign_is_read_once_per_page(world, client_as):
    client = client_as("secretariat")
    bump()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("home")).status_code == 200
    reads = [
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "campaigns_campaign"')
    ]
    assert len(reads) <= 1, reads


def test_the_officers_home_page_after_no_write_reads_little(
    world, client_as, django_assert_max_num_queries
):
    cw.deadline(world.campaign, 2025, datetime.date(2025, 12, 31))
    cw.assessment(world.commune_a, world.campaign)
    client = client_as("officer_a")
    bump()
    client.get(reverse("home"))
    # Session, user, roles, the units the officer sees (three levels) and their kinds, the
    # current campaign; plus the request's savepoint and its release.
    with django_assert_max_num_queries(10):
        page = client.get(reverse("home")).content.decode()
    assert "Xã Phổ Thử A" in page


def test_the_officers_home_page_follows_a_write_on_the_next_page(world, users, client_as):
    cw.deadline(world.campaign, 2025, datetime.date(2025, 12, 31))
    a = cw.assessment(world.commune_a, world.campaign, status=AssessmentStatus.SUBMITTED)
    client = client_as("officer_a")
    page = client.get(reverse("home")).content.decode()
    assert 'id="dash-returned"' not in page
    cycle_services.assessment_return(
        assessment=a, reason="Thiếu biên bản họp dân", by=users["secretariat"]
    )
    page = client.get(reverse("home")).content.decode()
    assert 'id="dash-returned"' in page
    assert "Thiếu biên bản họp dân" in page


def test_an_officer_given_another_unit_sees_it_on_the_next_page(world, users, client_as):
    client = client_as("officer_a")
    assert 'aria-label="Xã Phổ Thử B"' not in client.get(reverse("home")).content.decode()
    users["officer_a"].units.add(world.commune_b)
    assert 'aria-label="Xã Phổ Thử B"' in client.get(reverse("home")).content.decode()
