"""Two people acting on one nomination: an action taken from a page opened before someone
else's is refused with who acted and when, the first action stays, and what the second person
typed (a reason, an answer) is still on the page."""

from __future__ import annotations

import datetime
from functools import partial

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import ForwardingLetter, Nomination, NominationStatus
from portal.roles import Role
from tests.factories import UserFactory
from tests.pageforms import assert_refused as refused_with
from tests.pageforms import form_data

pytestmark = pytest.mark.django_db
S = NominationStatus
#: The nomination page answers a refused action with 409 and the page.
assert_refused = partial(refused_with, statuses=(409,))

FIRST = "Nguyễn Thị Thường Trực"


def _signed_in(client_as, user):
    client = client_as("anonymous")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def two_secretaries(users, client_as):
    users["secretariat"].full_name = FIRST
    users["secretariat"].save()
    colleague = UserFactory(username="secretariat_2", roles=[Role.SECRETARIAT])
    return client_as("secretariat"), _signed_in(client_as, colleague)


def test_a_check_from_a_page_opened_before_the_file_was_sent_back_is_refused(
    make_nomination, two_secretaries
):
    a, b = two_secretaries
    n = make_nomination(S.SUBMITTED)
    page = n.get_absolute_url()
    check = reverse("awards:nomination-check", args=[n.pk])
    give_back = reverse("awards:nomination-return", args=[n.pk])
    page_a = form_data(a.get(page), action=give_back)
    page_b = form_data(b.get(page), action=check)

    a.post(give_back, {**page_a, "note": "Thiếu biên bản họp xét"})
    response = b.post(check, {**page_b, "override_reason": "Đơn vị đã giải trình"})

    assert_refused(response, who=FIRST, typed="Đơn vị đã giải trình", endorsing=True)
    assert Nomination.objects.get().status == S.DRAFT


def test_sending_back_from_a_page_opened_before_the_check_is_refused_and_keeps_the_reason(
    make_nomination, two_secretaries
):
    a, b = two_secretaries
    n = make_nomination(S.SUBMITTED)
    page = n.get_absolute_url()
    check = reverse("awards:nomination-check", args=[n.pk])
    give_back = reverse("awards:nomination-return", args=[n.pk])
    page_a = form_data(a.get(page), action=check)
    page_b = form_data(b.get(page), action=give_back)

    a.post(check, {**page_a, "override_reason": "Trình Hội đồng xem xét"})
    response = b.post(give_back, {**page_b, "note": "Bổ sung bản tóm tắt thành tích"})

    assert_refused(response, who=FIRST, typed="Bổ sung bản tóm tắt thành tích", endorsing=True)
    assert Nomination.objects.get().status == S.CHECKED


def test_declining_from_an_older_page_is_refused_and_keeps_the_reason(
    make_nomination, users, client_as
):
    users["chairman"].full_name = "Võ Văn Chủ Tịch"
    users["chairman"].save()
    deputy = UserFactory(username="chairman_2", roles=[Role.CHAIRMAN, Role.COUNCIL_MEMBER])
    a, b = client_as("chairman"), _signed_in(client_as, deputy)
    n = make_nomination(S.CHECKED)
    Nomination.objects.filter(pk=n.pk).update(status=S.PASSED)
    page = n.get_absolute_url()
    reject = reverse("awards:nomination-reject", args=[n.pk])
    page_a, page_b = form_data(a.get(page), action=reject), form_data(b.get(page), action=reject)

    a.post(reject, {**page_a, "note": "Chưa đủ thời gian công tác"})
    response = b.post(reject, {**page_b, "note": "Đã khen cùng hình thức năm trước"})

    assert_refused(
        response, who="Võ Văn Chủ Tịch", typed="Đã khen cùng hình thức năm trước", endorsing=True
    )
    n.refresh_from_db()
    assert n.status == S.REJECTED
    assert n.events.latest("at").note == "Chưa đủ thời gian công tác"


def test_an_upper_level_answer_recorded_from_an_older_letter_page_is_refused(
    make_nomination, users, world, two_secretaries
):
    a, b = two_secretaries
    n = make_nomination(S.CHECKED, tier_code="bang-khen-chu-tich-tinh")
    letter = ForwardingLetter.objects.create(
        campaign=world.campaign,
        number="45/TTr-UBND",
        sent_date=datetime.date(2025, 12, 22),
        recipient="UBND tỉnh",
        created_by=users["secretariat"],
    )
    Nomination.objects.filter(pk=n.pk).update(status=S.FORWARDED, forwarding=letter)
    page = reverse("awards:letter-detail", args=[letter.pk])
    answer = reverse("awards:letter-answer", args=[letter.pk, n.pk])
    page_a, page_b = form_data(a.get(page), action=answer), form_data(b.get(page), action=answer)

    a.post(answer, {**page_a, "accepted": "0", "note": "Không đủ tiêu chuẩn"})
    response = b.post(answer, {**page_b, "accepted": "0", "note": "Chuyển xét năm sau"})

    assert_refused(response, who=FIRST, typed="Chuyển xét năm sau", endorsing=True)
    n.refresh_from_db()
    assert n.upper_answer == "Không đủ tiêu chuẩn"


def test_meeting_times_typed_on_an_older_session_page_are_refused_and_kept(
    council, two_secretaries
):
    a, b = two_secretaries
    page = reverse("awards:session-detail", args=[council.pk])
    times = reverse("awards:session-times", args=[council.pk])
    page_a = form_data(a.get(page), action=times)
    page_b = form_data(b.get(page), action=times)

    a.post(times, {**page_a, "start_time": "14:00", "end_time": "16:30"})
    response = b.post(times, {**page_b, "start_time": "08:15", "end_time": "10:45"})

    assert_refused(response, who=FIRST, typed="08:15", endorsing=True)
    council.refresh_from_db()
    assert timezone.localtime(council.started_at).strftime("%H:%M") == "14:00"
    assert timezone.localtime(council.ended_at).strftime("%H:%M") == "16:30"
