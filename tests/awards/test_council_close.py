"""Issue 16 items 1–2: closing needs the quorum (refused, not a failed vote), and goes through a
page that shows who has not voted, what each item's threshold means and what closing now would
give; the chairman who chairs may close."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from awards.council.services import (
    session_add_item,
    session_close,
    session_open,
    session_set_attendance,
    vote_cast,
)
from awards.models import (
    Attendance,
    CouncilSession,
    MemberRole,
    Nomination,
    NominationStatus,
    SessionStatus,
    VoteRule,
)
from portal.models import AuditEvent
from portal.roles import Role
from tests.factories import UnitFactory, UserFactory

from .conftest import everyone_present

pytestmark = pytest.mark.django_db
S = NominationStatus


@pytest.fixture
def open_item(make_nomination, users, council):
    n = make_nomination(S.CHECKED)
    item = session_add_item(session=council, nomination=n, by=users["secretariat"])
    session_open(session=council, by=users["secretariat"])
    return item


def _close_page(client, session) -> str:
    response = client.get(reverse("awards:session-close", args=[session.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_closing_without_quorum_is_refused_and_changes_nothing(open_item, users, council):
    vote_cast(item=open_item, by=users["chairman"], choice="agree")
    vote_cast(item=open_item, by=users["council_member"], choice="agree")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        session_close(session=council, by=users["secretariat"])
    assert refused.value.messages == [
        "Chưa đủ số thành viên dự họp: 2/5 thành viên có mặt, cần ít nhất 4/5 (hai phần ba "
        "tổng số thành viên). Điểm danh hoặc chờ các thành viên biểu quyết rồi kết thúc phiên "
        "họp."
    ]
    council.refresh_from_db()
    open_item.refresh_from_db()
    assert council.status == SessionStatus.OPEN
    assert open_item.outcome == "pending"
    assert Nomination.objects.get(pk=open_item.nomination_id).status == S.IN_COUNCIL
    assert AuditEvent.objects.count() == events
    # The vote goes on: two more members vote, the quorum is there, closing passes the item.
    for member in council.extra_members[:2]:
        vote_cast(item=open_item, by=member, choice="agree")
    session_close(session=council, by=users["secretariat"])
    open_item.refresh_from_db()
    assert open_item.outcome == "passed"


def test_the_refusal_names_the_items_whose_rule_lacks_quorum(
    make_nomination, users, council, world, tiers
):
    collective = make_nomination(S.CHECKED)
    other = UnitFactory(code="XA-C", name="Xã Phổ Thử C")
    lenient = make_nomination(S.CHECKED, unit=other)
    # The second item's tier meets with half the members (a rule of another date range).
    VoteRule.objects.filter(tier=tiers["giay-khen-chu-tich-thi-xa"]).update(
        quorum_numerator=2, quorum_denominator=3
    )
    strict_tier = tiers["giay-khen-chu-tich-thi-xa"]
    Nomination.objects.filter(pk=lenient.pk).update(tier=tiers["lao-dong-tien-tien"])
    VoteRule.objects.filter(tier=tiers["lao-dong-tien-tien"]).update(
        quorum_numerator=1, quorum_denominator=2
    )
    for n in (collective, lenient):
        session_add_item(
            session=council, nomination=Nomination.objects.get(pk=n.pk), by=users["secretariat"]
        )
    everyone_present(council)
    council.seats.filter(user__in=council.extra_members[1:]).update(attendance=Attendance.ABSENT)
    session_open(session=council, by=users["secretariat"])
    with pytest.raises(ValidationError) as refused:
        session_close(session=council, by=users["secretariat"])
    message = refused.value.messages[0]
    assert "3/5 thành viên có mặt, cần ít nhất 4/5 (hai phần ba tổng số thành viên)" in message
    assert f"để xét {world.commune_a.name} ({strict_tier.name})" in message
    assert other.name not in message  # 3 of 5 is at least half: that item has its quorum


def test_the_session_page_shows_the_quorum_as_it_stands(open_item, users, council, client_as):
    page = client_as("secretariat").get(reverse("awards:session-detail", args=[council.pk]))
    text = page.content.decode()
    assert "Chưa đủ số thành viên dự họp: 0/5 thành viên có mặt, cần ít nhất 4/5" in text
    for member in [users["chairman"], users["council_member"], *council.extra_members[:2]]:
        vote_cast(item=open_item, by=member, choice="agree")
    page = client_as("secretariat").get(reverse("awards:session-detail", args=[council.pk]))
    assert "Đủ số thành viên dự họp: 4/5 thành viên có mặt" in page.content.decode()


def test_close_page_lists_who_has_not_voted_and_what_each_item_needs(
    open_item, users, council, client_as, world
):
    recused = council.extra_members[0]
    recused.units.add(world.commune_a)
    everyone_present(council)
    vote_cast(item=open_item, by=users["council_member"], choice="agree")
    page = _close_page(client_as("chairman"), council)
    # One of four eligible members voted; the recused member is not counted or listed.
    assert "<strong>1/4</strong> thành viên" in page
    for name in ("Ủy viên số 2", "Ủy viên số 3", users["chairman"].display_name):
        assert name in page.split('data-testid="missing"')[1].split("</td>")[0]
    assert recused.display_name not in page.split('data-testid="missing"')[1].split("</td>")[0]
    assert (
        "Số phiếu đồng ý phải trên 50% tổng số thành viên Hội đồng: cần ít nhất 3 phiếu đồng ý "
        "trên 4 thành viên (không kể 1 thành viên không tham gia biểu quyết)."
    ) in page
    # The chairman has not voted on the item: what closing would give is held back from him.
    assert "kết quả dự kiến hiện sau khi ông/bà biểu quyết" in page
    secretariat_page = _close_page(client_as("secretariat"), council)
    assert "Nếu kết thúc bây giờ: không thông qua — còn thiếu 2 phiếu đồng ý." in secretariat_page
    assert 'name="confirm"' in secretariat_page


def test_close_page_without_quorum_offers_no_confirmation(open_item, client_as, council):
    page = _close_page(client_as("secretariat"), council)
    assert "0/5 thành viên có mặt, cần ít nhất 4/5 (hai phần ba tổng số thành viên)" in page
    assert 'name="confirm"' not in page


def test_the_chairman_closes_only_after_confirming(open_item, users, council, client_as):
    everyone_present(council)
    for member in [users["chairman"], users["council_member"], *council.extra_members[:2]]:
        vote_cast(item=open_item, by=member, choice="agree")
    client = client_as("chairman")
    page = _close_page(client, council)
    assert "Ủy viên số 3" in page  # the member who forgot
    assert "Nếu kết thúc bây giờ: thông qua (4 phiếu đồng ý)." in page
    url = reverse("awards:session-close", args=[council.pk])
    # A POST without the confirmation closes nothing and leads back to the page.
    response = client.post(url, {})
    assert response.status_code == 302
    assert response["Location"] == url
    assert CouncilSession.objects.get(pk=council.pk).status == SessionStatus.OPEN
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert "Đã kết thúc phiên họp" in response.content.decode()
    council.refresh_from_db()
    open_item.refresh_from_db()
    assert (council.status, council.closed_by) == (SessionStatus.CLOSED, users["chairman"])
    assert open_item.outcome == "passed"


def test_a_member_seated_as_chair_may_close_an_ordinary_member_may_not(
    open_item, council, client_as, users
):
    chair = UserFactory(username="pho_chu_tich", roles=[Role.COUNCIL_MEMBER])
    council.seats.filter(role=MemberRole.CHAIR).update(role=MemberRole.VICE)
    council.seats.create(user=chair, role=MemberRole.CHAIR)

    client = Client()
    client.force_login(chair, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("awards:session-close", args=[council.pk])
    assert client.get(url).status_code == 200
    detail = client.get(reverse("awards:session-detail", args=[council.pk])).content.decode()
    assert 'data-testid="close-link"' in detail
    member = client_as("council_member")
    assert member.get(url).status_code == 403
    assert member.post(url, {"confirm": "1"}).status_code == 403
    assert CouncilSession.objects.get(pk=council.pk).status == SessionStatus.OPEN


def test_a_member_who_voted_stays_present(open_item, users, council):
    vote_cast(item=open_item, by=users["council_member"], choice="agree")
    with pytest.raises(ValidationError, match="đã biểu quyết tại phiên họp"):
        session_set_attendance(
            session=council,
            member=users["council_member"],
            attendance=Attendance.ABSENT,
            by=users["secretariat"],
        )
    assert council.seats.get(user=users["council_member"]).attendance == Attendance.PRESENT
