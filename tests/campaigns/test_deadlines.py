"""One deadline for a unit and a year (campaigns/deadlines.py): the milestone moved by the
unit's granted extension. Every page and job that says "late" or "due" agrees (issue #14,
item 13): a unit inside its granted extension is not late anywhere, and is late once the
extension has passed."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns import deadlines
from campaigns.cycle import services
from campaigns.models import Assessment, AssessmentStatus, ExtensionStatus, ReminderSent
from campaigns.results.reminders import reminders_send
from campaigns.results.selectors import completeness
from tests.campaigns import cycle_world as cw
from tests.factories import CAMPAIGN_CODE as CODE

pytestmark = pytest.mark.django_db

MILESTONE = datetime.date(2025, 11, 30)
EXTENDED = datetime.date(2025, 12, 20)
INSIDE = datetime.date(2025, 12, 10)
AFTER = datetime.date(2025, 12, 21)


@pytest.fixture
def day(monkeypatch):
    """Set the calendar date every deadline is compared with."""

    def set_day(value: datetime.date) -> None:
        monkeypatch.setattr(deadlines, "today", lambda: value)

    return set_day


def _fill(a, user):
    items = {
        item.pk: {"self_score": item.criterion.max_points - 2, "note": ""}
        for item in a.items.select_related("criterion")
    }
    services.assessment_save(assessment=a, revision=a.revision, items=items, by=user)
    cw.evidence(cw.item_no(a, 1))
    a.refresh_from_db()
    return a


def _grant(world, unit, officer, secretariat):
    request = services.extension_request(
        campaign=world.campaign, unit=unit, year=2025, reason="Chờ số liệu thu nhập", by=officer
    )
    services.extension_decide(extension=request, grant=True, until=EXTENDED, by=secretariat)
    assert request.status == ExtensionStatus.GRANTED


def _late_units(world):
    return {r.unit.code for r in completeness(world.campaign, 2025).rows if r.late}


def test_a_unit_inside_its_extension_is_late_nowhere_and_late_everywhere_after_it(
    world, users, client_as, day
):
    campaign = world.campaign
    cw.criteria_set(campaign)  # communes report (A and B)
    cw.deadline(campaign, 2025, MILESTONE)
    officer_a, officer_b = users["officer_a"], users["officer_b"]
    officer_a.email, officer_b.email = "canbo.a@example.vn", "canbo.b@example.vn"
    officer_a.save(update_fields=["email"])
    officer_b.save(update_fields=["email"])
    secretariat = users["secretariat"]
    day(datetime.date(2025, 12, 1))
    _grant(world, world.commune_a, officer_a, secretariat)
    _grant(world, world.commune_b, officer_b, secretariat)
    query = f"?campaign={campaign.code}&year=2025"

    # --- Inside the extension: past the milestone, before 20/12. -----------------------------
    day(INSIDE)
    a = _fill(cw.assessment(world.commune_a, campaign), officer_a)
    assert _late_units(world) == set()  # completeness: neither A (draft) nor B (not started)
    home = client_as("chairman").get(reverse("home") + query).content.decode()
    assert "2 đơn vị phải báo cáo</h2>" in home  # the dashboard's late count: none
    officer_home = client_as("officer_a").get(reverse("home") + query).content.decode()
    assert "20/12/2025" in officer_home  # "Thời hạn sắp tới": the unit's own deadline
    days = (EXTENDED - INSIDE).days
    assert f"(còn {days} ngày)" in officer_home  # in Vietnamese, not Django's "1 week, 3 days"
    assert reminders_send(today=INSIDE) == 2  # reminded against 20/12 (10 days left)
    assert set(ReminderSent.objects.values_list("due_date", flat=True)) == {EXTENDED}
    assert "20/12/2025" in mail.outbox[0].body

    services.assessment_submit(assessment=a, by=officer_a)
    a.refresh_from_db()
    assert not a.is_late  # the form's "Nộp muộn" flag
    page = client_as("officer_a").get(a.get_absolute_url()).content.decode()
    assert "Nộp muộn" not in page
    queue = client_as("secretariat").get(reverse("campaigns:review-queue", args=[CODE]) + query)
    assert "Xã Phổ Thử A" in queue.content.decode()
    assert "Nộp muộn" not in queue.content.decode()  # the review queue's risk
    assert _late_units(world) == set()

    # --- After the extension: 21/12. ---------------------------------------------------------
    day(AFTER)
    assert _late_units(world) == {"XA-B"}
    home = client_as("chairman").get(reverse("home") + query).content.decode()
    assert "1 đơn vị trễ hạn" in home
    officer_home = client_as("officer_b").get(reverse("home") + query).content.decode()
    coming = officer_home[officer_home.index('id="h-deadlines"') :]
    assert "20/12/2025" not in coming[: coming.index("</section>")]  # no longer "sắp tới"
    # … but the desk tells the officer the report is overdue, against the extended date.
    assert "đã quá hạn 1 ngày (hạn 20/12/2025)" in officer_home
    assert reminders_send(today=AFTER) == 0
    with pytest.raises(ValidationError, match="quá hạn"):
        cw.assessment(world.commune_b, campaign)
    # A returned report sent back after the extended deadline is late, on the form and queue.
    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.RETURNED)
    a.refresh_from_db()
    services.assessment_submit(assessment=a, by=officer_a)
    a.refresh_from_db()
    assert a.is_late
    assert "Nộp muộn" in client_as("officer_a").get(a.get_absolute_url()).content.decode()
    queue = client_as("secretariat").get(reverse("campaigns:review-queue", args=[CODE]) + query)
    assert "Nộp muộn" in queue.content.decode()
    assert _late_units(world) == {"XA-A", "XA-B"}


def test_a_body_that_ended_before_the_year_did_is_given_no_deadline_for_it(
    world, users, client_as, day
):
    campaign = world.campaign
    cw.criteria_set(campaign)
    cw.deadline(campaign, 2025, MILESTONE)
    day(datetime.date(2025, 11, 1))
    home = reverse("home") + f"?campaign={campaign.code}&year=2025"
    coming = client_as("officer_a").get(home).content.decode()
    assert "30/11/2025" in coming[coming.index('id="h-deadlines"') :]

    world.commune_a.valid_to = datetime.date(2025, 6, 30)  # merged into a new commune
    world.commune_a.save()

    coming = client_as("officer_a").get(home).content.decode()
    assert "30/11/2025" not in coming[coming.index('id="h-deadlines"') :]


def test_an_extension_to_a_day_already_past_is_refused(world, users, day):
    cw.deadline(world.campaign, 2025, MILESTONE)
    day(datetime.date(2025, 12, 15))
    request = services.extension_request(
        campaign=world.campaign, unit=world.commune_a, year=2025, reason="x", by=users["officer_a"]
    )
    with pytest.raises(ValidationError, match="đã qua"):
        services.extension_decide(
            extension=request,
            grant=True,
            until=datetime.date(2025, 12, 10),
            by=users["secretariat"],
        )
    request.refresh_from_db()
    assert request.status == ExtensionStatus.PENDING
    services.extension_decide(
        extension=request, grant=True, until=datetime.date(2025, 12, 15), by=users["secretariat"]
    )
    assert request.status == ExtensionStatus.GRANTED


def test_many_units_deadlines_take_a_fixed_number_of_queries(
    world, users, day, django_assert_num_queries
):
    cw.deadline(world.campaign, 2025, MILESTONE)
    day(datetime.date(2025, 12, 1))
    _grant(world, world.commune_a, users["officer_a"], users["secretariat"])
    with django_assert_num_queries(3):
        table = deadlines.deadlines_for(
            world.campaign, [world.commune_a.pk, world.commune_b.pk], 2025
        )
    assert table.get(world.commune_a.pk, 2025).effective == EXTENDED
    assert table.get(world.commune_b.pk, 2025).effective == MILESTONE
