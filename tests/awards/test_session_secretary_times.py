"""A council session names its secretary before it opens, and records when the meeting began
and ended (the minutes print both; tests/reports/test_minutes_and_samples.py reads them)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from awards.council.services import (
    session_add_item,
    session_close,
    session_open,
    session_set_secretary,
)
from awards.models import CouncilSession, MemberRole, NominationStatus
from tests.factories import CAMPAIGN_CODE as CODE
from tests.pageforms import form_data

from .conftest import everyone_present

pytestmark = pytest.mark.django_db
S = NominationStatus


@pytest.fixture
def no_secretary(world, users, council, make_nomination):
    """The council fixture with its secretary's seat turned back into a plain member's, and one
    item on the agenda."""
    council.seats.filter(role=MemberRole.SECRETARY).update(role=MemberRole.MEMBER)
    session_add_item(
        session=council, nomination=make_nomination(S.CHECKED), by=users["secretariat"]
    )
    return council


def test_a_session_without_a_secretary_does_not_open(no_secretary, users):
    with pytest.raises(ValidationError) as refused:
        session_open(session=no_secretary, by=users["secretariat"])
    assert "chưa có thư ký (Ủy viên thư ký) ghi biên bản" in refused.value.messages[0]
    no_secretary.refresh_from_db()
    assert no_secretary.status == "draft"
    assert no_secretary.opened_at is None


def test_a_session_without_a_chair_names_both_missing_seats(no_secretary, users):
    no_secretary.seats.filter(role=MemberRole.CHAIR).update(role=MemberRole.MEMBER)
    with pytest.raises(ValidationError) as refused:
        session_open(session=no_secretary, by=users["secretariat"])
    message = refused.value.messages[0]
    assert "chủ tọa (Chủ tịch Hội đồng)" in message
    assert "thư ký" in message


def test_the_page_says_why_and_the_secretariat_names_the_secretary(no_secretary, users, client_as):
    client = client_as("secretariat")
    page = client.post(reverse("awards:session-open", args=[no_secretary.pk]), follow=True)
    assert "Chưa thể bắt đầu phiên họp: chưa có thư ký" in page.content.decode()
    secretary = no_secretary.extra_members[1]
    response = client.post(
        reverse("awards:session-secretary", args=[no_secretary.pk]),
        {"user": secretary.pk},
        follow=True,
    )
    assert f"Đã chỉ định {secretary.display_name} làm thư ký phiên họp." in (
        response.content.decode()
    )
    seat = no_secretary.seats.get(role=MemberRole.SECRETARY)
    assert seat.user == secretary
    assert no_secretary.seats.count() == 5  # a member's seat took the role; no extra seat
    client.post(reverse("awards:session-open", args=[no_secretary.pk]))
    no_secretary.refresh_from_db()
    assert no_secretary.status == "open"


def test_the_chair_is_not_the_secretary(no_secretary, users):
    with pytest.raises(ValidationError, match="Chủ tọa phiên họp không đồng thời làm thư ký"):
        session_set_secretary(
            session=no_secretary, member=users["chairman"], by=users["secretariat"]
        )


def test_the_create_form_asks_for_the_secretary(world, users, client_as):
    client = client_as("secretariat")
    page = client.get(reverse("awards:session-create", args=[CODE])).content.decode()
    assert "Thư ký (Ủy viên thư ký, ghi biên bản)" in page
    body = {
        "title": "Phiên họp có thư ký",
        "campaign": world.campaign.pk,
        "meeting_date": "15/12/2025",
        "start_time": "14:00",
        "location": "Hội trường",
        "chair": users["chairman"].pk,
        "secretary": users["chairman"].pk,
        "members": [users["council_member"].pk],
    }
    refused = client.post(reverse("awards:session-create", args=[CODE]), body).content.decode()
    assert "Chủ tọa không đồng thời làm thư ký" in refused
    assert not CouncilSession.objects.filter(title="Phiên họp có thư ký").exists()
    body["secretary"] = users["council_member"].pk
    client.post(reverse("awards:session-create", args=[CODE]), body)
    session = CouncilSession.objects.get(title="Phiên họp có thư ký")
    roles = dict(session.seats.values_list("user__username", "role"))
    assert roles == {"chairman": MemberRole.CHAIR, "council_member": MemberRole.SECRETARY}
    started = timezone.localtime(session.started_at)
    assert (started.date(), started.time()) == (datetime.date(2025, 12, 15), datetime.time(14))


def test_opening_and_closing_on_the_meeting_day_record_the_times(
    world, users, council, make_nomination
):
    council.meeting_date = timezone.localdate()
    council.save()
    session_add_item(
        session=council, nomination=make_nomination(S.CHECKED), by=users["secretariat"]
    )
    session_open(session=council, by=users["secretariat"])
    everyone_present(council)
    session_close(session=council, by=users["secretariat"])
    council.refresh_from_db()
    assert council.started_at == council.opened_at
    assert council.ended_at == council.closed_at


def test_voting_opened_on_another_day_does_not_invent_a_start(
    world, users, council, make_nomination
):
    session_add_item(
        session=council, nomination=make_nomination(S.CHECKED), by=users["secretariat"]
    )
    session_open(session=council, by=users["secretariat"])  # meeting was 01/12/2025
    council.refresh_from_db()
    assert council.opened_at is not None
    assert council.started_at is None


def test_the_secretariat_types_the_times_on_the_session_page(world, users, council, client_as):
    client = client_as("secretariat")
    url = reverse("awards:session-detail", args=[council.pk])
    page = client.get(url)
    assert "Thời gian cuộc họp (ghi vào biên bản)" in page.content.decode()
    times = reverse("awards:session-times", args=[council.pk])
    body = form_data(page, action=times)
    body.update(start_time="16:30", end_time="14:00")
    refused = client.post(times, body, follow=True).content.decode()
    assert "Thời gian kết thúc cuộc họp phải sau thời gian bắt đầu." in refused
    body = form_data(client.get(url), action=times)
    body.update(start_time="14:00", end_time="16:30")
    client.post(times, body)
    council.refresh_from_db()
    start, end = timezone.localtime(council.started_at), timezone.localtime(council.ended_at)
    assert (start.date(), start.time()) == (datetime.date(2025, 12, 1), datetime.time(14))
    assert end.time() == datetime.time(16, 30)
    page = client.get(url).content.decode()
    assert "bắt đầu 14:00" in page
    assert "kết thúc 16:30" in page
