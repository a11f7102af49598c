"""E-mail notifications (portal.notify): a person is told once per event, in Vietnamese, with
the link; a person can turn each kind off; an event that is rolled back sends nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from awards.council.services import session_add_item, session_create, session_open
from awards.models import AwardTier, MemberRole
from awards.nominations.services import nomination_check, nomination_create, nomination_submit
from awards.tiers import load_tiers
from campaigns import deadlines
from campaigns.cycle import services as cycle_services
from campaigns.models import AssessmentStatus
from portal.models import Notification, User
from portal.notify import notify
from portal.roles import Role
from reports import services as report_services
from reports.models import Report
from tests.awards.conftest import add_documents
from tests.campaigns import cycle_world as cw
from tests.factories import UserFactory
from tests.reports.test_services import fast_render as _fast_render  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(deadlines, "today", lambda: datetime.date(2025, 12, 7))


@pytest.fixture
def officer(users):
    user = users["officer_a"]
    User.objects.filter(pk=user.pk).update(email="canbo@phothu.gov.vn")
    return User.objects.get(pk=user.pk)


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_a_returned_assessment_is_mailed_once_with_the_reason_and_the_link(
    world, users, officer, django_capture_on_commit_callbacks
):
    cw.deadline(world.campaign, 2025, datetime.date(2025, 12, 31))
    a = cw.assessment(world.commune_a, world.campaign, status=AssessmentStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        cycle_services.assessment_return(
            assessment=a, reason="Bổ sung biên bản họp dân", by=users["secretariat"]
        )
    [message] = mails_to("canbo@phothu.gov.vn")
    assert message.subject == "[Thi đua] Bản tự đánh giá năm 2025 của Xã Phổ Thử A bị trả lại"
    assert "Kính gửi" in message.body
    assert "Lý do: Bổ sung biên bản họp dân" in message.body
    assert a.get_absolute_url() in message.body
    # The same event announced again (a retried request, a second worker): no second mail.
    a.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            "returned",
            users=[officer],
            event=f"assessment:{a.pk}:{a.revision}",
            subject="lần hai",
            body="x",
            path="/",
        )
    assert len(mails_to("canbo@phothu.gov.vn")) == 1
    assert Notification.objects.filter(user=officer, kind="returned").count() == 1


def test_a_person_turns_a_kind_off_and_keeps_the_others(
    world, users, officer, client_as, django_capture_on_commit_callbacks
):
    client = client_as("officer_a")
    page = client.get(reverse("notification-settings")).content.decode()
    assert "Hồ sơ của đơn vị bị trả lại" in page
    assert "canbo@phothu.gov.vn" in page
    response = client.post(
        reverse("notification-settings"), {"on": ["extension_answered", "vote_opened"]}
    )
    assert response.status_code == 302
    cw.criteria_set(world.campaign)
    cw.deadline(world.campaign, 2025, datetime.date(2025, 12, 10))
    a = cw.assessment(world.commune_a, world.campaign, status=AssessmentStatus.SUBMITTED)
    request = cw.extension(world.commune_a, world.campaign)
    with django_capture_on_commit_callbacks(execute=True):
        cycle_services.assessment_return(
            assessment=a, reason="Thiếu số liệu", by=users["secretariat"]
        )
        cycle_services.extension_decide(
            extension=request,
            grant=True,
            until=datetime.date(2026, 1, 15),
            by=users["secretariat"],
        )
    subjects = [m.subject for m in mails_to("canbo@phothu.gov.vn")]
    assert subjects == ["[Thi đua] Trả lời đề nghị gia hạn năm 2025 của Xã Phổ Thử A"]
    assert "đồng ý gia hạn đến ngày 15/01/2026" in mails_to("canbo@phothu.gov.vn")[0].body


def test_an_event_rolled_back_sends_nothing(
    world, users, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify("returned", users=[officer], event="e1", subject="s", body="b", path="/")
                raise RuntimeError("the event failed")
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_members_are_told_when_voting_opens(world, users, django_capture_on_commit_callbacks):
    load_tiers()
    tiers = {t.code: t for t in AwardTier.objects.all()}
    member = UserFactory(
        username="uv1",
        full_name="Ủy viên Một",
        email="uv1@phothu.gov.vn",
        roles=[Role.COUNCIL_MEMBER],
    )
    secretary = UserFactory(username="tk", full_name="Thư ký", roles=[Role.COUNCIL_MEMBER])
    session = session_create(
        by=users["secretariat"],
        campaign=world.campaign,
        title="Phiên họp thử",
        meeting_date=datetime.date(2025, 12, 7),
        location="Hội trường",
        members=[
            (users["chairman"], MemberRole.CHAIR),
            (member, MemberRole.MEMBER),
            (secretary, MemberRole.SECRETARY),
        ],
    )
    nomination = nomination_create(
        by=users["secretariat"],
        campaign=world.campaign,
        tier=tiers["giay-khen-chu-tich-thi-xa"],
        proposer_unit=world.commune_a,
        period_kind="year",
        period_year=2024,
        achievements="Thành tích xuất sắc.",
        unit=world.commune_a,
    )
    add_documents(nomination, users["secretariat"])
    nomination_submit(nomination=nomination, by=users["secretariat"])
    nomination.refresh_from_db()
    nomination_check(nomination=nomination, by=users["secretariat"], override_reason="Thử nghiệm.")
    session_add_item(session=session, nomination=nomination, by=users["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        session_open(session=session, by=users["secretariat"])
    [message] = mails_to("uv1@phothu.gov.vn")
    assert message.subject == "[Thi đua] Mở biểu quyết: Phiên họp thử"
    assert "1 trường hợp" in message.body
    assert session.get_absolute_url() in message.body


@pytest.mark.usefixtures("_fast_render")
def test_the_chairman_is_told_a_document_waits_for_signature(
    world, users, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=users["chairman"].pk).update(email="chutich@phothu.gov.vn")
    report = Report.objects.create(
        campaign=world.campaign, kind="annual", year=2024, requested_by=users["secretariat"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_render(report_id=report.pk)
    [message] = mails_to("chutich@phothu.gov.vn")
    assert message.subject.startswith("[Thi đua] Văn bản chờ ký duyệt:")
    assert report.get_absolute_url() in message.body
