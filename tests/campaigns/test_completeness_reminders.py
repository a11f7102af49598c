"""Completeness of the yearly cycle (selector, page, export) and deadline reminders."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.models import (
    Assessment,
    AssessmentStatus,
    Registration,
    ReminderSent,
    TargetGroup,
)
from campaigns.results.reminders import reminders_send
from campaigns.results.selectors import completeness
from tests.factories import UnitFactory, UserFactory, VillageFactory

from .results_helpers import deadline, with_criteria_sets

pytestmark = pytest.mark.django_db


def _assess(campaign, unit, status, criteria_set, **extra):
    return Assessment.objects.create(
        campaign=campaign, unit=unit, year=2024, criteria_set=criteria_set, status=status, **extra
    )


@pytest.fixture
def cycle(world):
    sets = with_criteria_sets(world.campaign)
    deadline(world.campaign, 2024, datetime.date(2024, 11, 30))
    c = world.campaign
    Registration.objects.create(campaign=c, unit=world.commune_a, year=2024, commitments="NTM")
    Registration.objects.create(campaign=c, unit=world.village_a, year=2024, commitments="NTM")
    _assess(c, world.commune_a, AssessmentStatus.SUBMITTED, sets["b"])
    _assess(c, world.commune_b, AssessmentStatus.RETURNED, sets["b"])
    _assess(c, world.village_a, AssessmentStatus.APPROVED, sets["c"], is_late=True)
    return sets


def test_completeness_counts_units_by_stage_and_marks_the_late(world, cycle):
    data = completeness(world.campaign, 2024, today=datetime.date(2024, 12, 5))
    # Communes and villages have sets; the department does not take part.
    assert {r.unit.code for r in data.rows} == {"XA-A", "XA-B", "XA-A-T1", "XA-B-T1"}
    t = data.totals
    assert (t.total, t.registered, t.submitted, t.returned, t.approved) == (4, 2, 1, 1, 1)
    assert t.not_started == 1
    late = {r.unit.code for r in data.rows if r.late}
    # Returned and not-started after the deadline are late; the approved one was submitted late.
    assert late == {"XA-B", "XA-B-T1", "XA-A-T1"}
    groups = dict(data.by_group)
    assert groups["b) Các xã"].total == 2
    assert dict(data.by_cluster)["Cụm thi đua thử nghiệm"].total == 2


def test_before_the_deadline_nobody_is_late(world, cycle):
    data = completeness(world.campaign, 2024, today=datetime.date(2024, 11, 1))
    assert [r.unit.code for r in data.rows if r.late] == ["XA-A-T1"]


def test_an_extension_moves_the_unit_deadline(world, cycle):
    Assessment.objects.filter(unit=world.commune_b).update(
        extension_until=datetime.date(2024, 12, 15)
    )
    data = completeness(world.campaign, 2024, today=datetime.date(2024, 12, 5))
    row = next(r for r in data.rows if r.unit == world.commune_b)
    assert not row.late
    assert row.deadline == datetime.date(2024, 12, 15)


def _grow(world, cycle, n):
    """Add n units to the 4 of the world: communes (with registration and draft), then a
    village under each."""
    communes = []
    for i in range((n + 1) // 2):
        commune = UnitFactory(code=f"XA-N{i}", cluster=world.commune_a.cluster)
        Registration.objects.create(
            campaign=world.campaign, unit=commune, year=2024, commitments="x"
        )
        _assess(world.campaign, commune, AssessmentStatus.DRAFT, cycle["b"])
        communes.append(commune)
    for commune in communes[: n // 2]:
        VillageFactory(code=f"{commune.code}-T", parent=commune)


@pytest.mark.parametrize("extra", [1, 46])  # 5 and 50 units in all
def test_completeness_page_query_count_is_constant(
    world, cycle, client_as, django_assert_num_queries, extra
):
    _grow(world, cycle, extra)
    client = client_as("secretariat")
    url = reverse("campaigns:completeness", args=[world.campaign.code]) + "?year=2024"
    client.get(url)  # warm caches (session, content types)
    # session, user, roles, savepoint + release (ATOMIC_REQUESTS), campaign; then the selector:
    # criteria-set groups, the milestone, the granted extensions (campaigns/deadlines.py); one
    # page of the units, with their registration and assessment joined. The counts by group and
    # cluster (two queries) were cached by the first request; the pager counts from them.
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["data"].rows) == 4 + extra


def test_with_many_clusters_the_page_lists_those_with_the_most_units_late(
    world, cycle, client_as, monkeypatch
):
    """A country's 300 clusters are not listed on one screen: beyond CLUSTERS_SHOWN, the ones
    that most need a reminder, and how many there are."""
    from campaigns.results import selectors
    from tests.factories import ClusterFactory

    for i, status in enumerate([AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED]):
        commune = UnitFactory(code=f"XA-K{i}", cluster=ClusterFactory(name=f"Cụm số {i}"))
        _assess(world.campaign, commune, status, cycle["b"])
    url = reverse("campaigns:completeness", args=[world.campaign.code]) + "?year=2024"
    client = client_as("secretariat")
    everyone = client.get(url)
    assert [label for label, _c in everyone.context["clusters"][0]] == [
        "Chưa xếp khối, cụm",
        "Cụm số 0",
        "Cụm số 1",
        "Cụm thi đua thử nghiệm",
    ]
    assert 'data-testid="clusters-shown"' not in everyone.content.decode()

    monkeypatch.setattr(selectors, "CLUSTERS_SHOWN", 3)
    response = client.get(url)
    # After the deadline: the two villages (in no cluster) are late, one unit of the world's
    # cluster (returned) and the draft of "Cụm số 0"; "Cụm số 1" has submitted on time.
    shown = [label for label, _c in response.context["clusters"][0]]
    assert shown[0] == "Chưa xếp khối, cụm"
    assert set(shown) == {"Chưa xếp khối, cụm", "Cụm thi đua thử nghiệm", "Cụm số 0"}
    assert (
        "3 khối, cụm có nhiều đơn vị trễ hạn và chưa nộp nhất (trong tổng số 4)"
        in response.content.decode()
    )


def test_completeness_export_is_an_xlsx_with_vietnamese_headers(world, cycle, client_as):
    response = client_as("secretariat").get(
        reverse("campaigns:completeness-export", args=[world.campaign.code]) + "?year=2024"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=3, column=1).value == "Mã đơn vị"
    assert sheet.freeze_panes == "A4"
    codes = {sheet.cell(row=r, column=1).value for r in range(4, sheet.max_row + 1)}
    assert codes == {"XA-A", "XA-B", "XA-A-T1", "XA-B-T1"}


def test_completeness_page_filters_by_stage(world, cycle, client_as):
    url = reverse("campaigns:completeness", args=[world.campaign.code])
    response = client_as("secretariat").get(url, {"year": 2024, "stage": "returned"})
    assert [r.unit.code for r in response.context["page"]] == ["XA-B"]
    assert "Trả lại để bổ sung" in response.content.decode()


def test_reminders_are_sent_once_per_unit_and_stage(world, cycle):
    UserFactory(username="cb_b", email="canbo.b@ducpho.gov.vn", units=[world.commune_b])
    UserFactory(username="cb_a", email="canbo.a@ducpho.gov.vn", units=[world.commune_a])
    UserFactory(username="cb_bt", email="", units=[world.village_b])  # no address: recorded only
    seven_days = datetime.date(2024, 11, 23)
    sent = reminders_send(today=seven_days)
    # commune B (returned) gets one; commune A submitted; village A approved.
    assert sent == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["canbo.b@ducpho.gov.vn"]
    assert "Còn 7 ngày" in mail.outbox[0].subject
    assert "30/11/2024" in mail.outbox[0].body
    assert set(ReminderSent.objects.values_list("unit__code", "stage")) == {
        ("XA-B", 7),
        ("XA-B-T1", 7),
    }
    assert reminders_send(today=seven_days) == 0
    assert reminders_send(today=seven_days + datetime.timedelta(days=1)) == 0  # still stage 7
    assert len(mail.outbox) == 1
    assert reminders_send(today=datetime.date(2024, 11, 29)) == 1  # stage 1
    assert len(mail.outbox) == 2


def test_no_reminder_far_from_or_after_the_deadline(world, cycle):
    UserFactory(username="cb_b", email="canbo.b@ducpho.gov.vn", units=[world.commune_b])
    assert reminders_send(today=datetime.date(2024, 10, 1)) == 0
    assert reminders_send(today=datetime.date(2024, 12, 1)) == 0
    assert mail.outbox == []


def test_send_reminders_command_runs_the_job(world, cycle, capsys):
    UserFactory(username="cb_b", email="canbo.b@ducpho.gov.vn", units=[world.commune_b])
    call_command("send_reminders", "--today", "2024-11-16")
    assert "Đã gửi 1 thư" in capsys.readouterr().out
    call_command("send_reminders", "--today", "2024-11-16")
    assert len(mail.outbox) == 1


def test_the_beat_task_calls_the_service(world, cycle, settings):
    from campaigns.results.tasks import send_deadline_reminders

    assert "deadline-reminders" in settings.CELERY_BEAT_SCHEDULE
    assert send_deadline_reminders.delay().get() == 0


def _codes(response) -> list[str]:
    return [r.unit.code for r in response.context["page"]]


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"stage": "registered"}, ["XA-A", "XA-A-T1"]),
        ({"stage": "unregistered"}, ["XA-B", "XA-B-T1"]),
        ({"stage": "not_started"}, ["XA-B-T1"]),
        ({"stage": "approved"}, ["XA-A-T1"]),
        ({"group": TargetGroup.COMMUNES}, ["XA-A", "XA-B"]),
        ({"group": TargetGroup.VILLAGES, "stage": "registered"}, ["XA-A-T1"]),
        # Villages by name: Thôn An Thạch (B-T1) before Thôn Hội An (A-T1).
        ({"late": "1"}, ["XA-B", "XA-B-T1", "XA-A-T1"]),
        ({"late": "1", "group": TargetGroup.COMMUNES}, ["XA-B"]),
        ({"stage": "nonsense"}, ["XA-A", "XA-B", "XA-B-T1", "XA-A-T1"]),
    ],
)
def test_completeness_page_filters_by_each_parameter(world, cycle, client_as, params, codes):
    """Each filter narrows the list the database returns; a value that does not validate is
    ignored and named above the list. (The deadline, 30/11/2024, has passed.)"""
    url = reverse("campaigns:completeness", args=[world.campaign.code])
    response = client_as("secretariat").get(url, {"year": 2024, **params})
    assert _codes(response) == codes
    assert ('data-testid="filter-errors"' in response.content.decode()) == (
        params.get("stage") == "nonsense"
    )


def test_completeness_page_pages_in_the_database_in_group_cluster_and_name_order(
    world, cycle, client_as
):
    _grow(world, cycle, 56)  # 60 units: 32 communes, 28 villages
    url = reverse("campaigns:completeness", args=[world.campaign.code])
    client = client_as("secretariat")
    first = client.get(url, {"year": 2024})
    second = client.get(url, {"year": 2024, "page": 2})
    rows = [*first.context["page"], *second.context["page"]]
    assert (len(first.context["page"]), len(second.context["page"])) == (50, 10)
    assert len({r.unit.code for r in rows}) == 60
    order = {TargetGroup.COMMUNES: 0, TargetGroup.VILLAGES: 1}
    keys = [(order[r.target_group], r.unit.cluster.name if r.unit.cluster else "~") for r in rows]
    assert keys == sorted(keys)
    assert first.context["data"].totals.total == 60  # the tiles count every unit, not the page


def test_completeness_counts_are_cached_but_a_write_shows_on_the_next_page(world, cycle, client_as):
    url = reverse("campaigns:completeness", args=[world.campaign.code])
    client = client_as("secretariat")
    assert client.get(url, {"year": 2024}).context["data"].totals.registered == 2
    # A registration is an audited write (its history row): the counts are read afresh.
    Registration.objects.create(
        campaign=world.campaign, unit=world.commune_b, year=2024, commitments="NTM"
    )
    assert client.get(url, {"year": 2024}).context["data"].totals.registered == 3
