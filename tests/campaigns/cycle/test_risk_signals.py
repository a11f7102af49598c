"""The review queue's risk signals are stored with each assessment (campaigns/cycle/risk.py):
every write that changes them — a self-score, evidence added or removed, last year's file
approved or reopened, a criterion's maximum — shows on the next queue, review page and desk
count, and the queue and the desk read them in a constant number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.cycle import risk, selectors, services
from campaigns.models import Assessment, AssessmentStatus, Evidence
from tests.campaigns import cycle_world as cw
from tests.factories import CAMPAIGN_CODE as CODE
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _scores(a, score):
    return {
        item.pk: {"self_score": min(Decimal(score), item.criterion.max_points), "note": ""}
        for item in a.items.select_related("criterion")
    }


def _saved(a, user, score):
    """The officer's form saved through the service with every criterion at `score`."""
    services.assessment_save(assessment=a, revision=a.revision, items=_scores(a, score), by=user)
    a.refresh_from_db()
    return a


def _waiting(a):
    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.SUBMITTED)
    a.refresh_from_db()
    return a


def _queue_rows(client, **params):
    response = client.get(reverse("campaigns:review-queue", args=[CODE]), params)
    assert response.status_code == 200
    return {row.assessment.pk: row for row in response.context["page"]}


def test_a_saved_self_score_shows_its_signals_on_the_next_queue(client_as, world, users):
    a = _waiting(cw.assessment(world.commune_a, world.campaign))
    client = client_as("secretariat")
    assert _queue_rows(client)[a.pk].risk == 0
    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.DRAFT)
    _waiting(_saved(a, users["officer_a"], 100))
    row = _queue_rows(client)[a.pk]
    # Five criteria scored, none with evidence (3 counted: 6 points), all at their maximum (2).
    assert row.risk == 8
    assert row.reasons == [
        "5 tiêu chí có điểm nhưng không có minh chứng",
        "5/5 tiêu chí tự chấm điểm tối đa",
    ]
    assert row.total == Decimal(70)


def test_evidence_added_and_removed_through_the_services_changes_the_signal(world, users):
    officer = users["officer_a"]
    a = _saved(cw.assessment(world.commune_a, world.campaign), officer, 1)
    assert selectors.risk_of(Assessment.objects.get(pk=a.pk)).unevidenced == 5
    item = cw.item_no(a, 2)
    services.evidence_add(item=item, upload=SimpleUploadedFile("a.pdf", cw.PDF), by=officer)
    assert selectors.risk_of(Assessment.objects.get(pk=a.pk)).unevidenced == 4
    services.evidence_delete(evidence=Evidence.objects.get(item=item), by=officer)
    assert selectors.risk_of(Assessment.objects.get(pk=a.pk)).unevidenced == 5


def test_approving_last_years_file_shows_the_jump_and_reopening_it_takes_it_away(world, users):
    secretariat = users["secretariat"]
    last = _waiting(_saved(cw.assessment(world.commune_a, world.campaign, year=2024), None, 1))
    now = _saved(cw.assessment(world.commune_a, world.campaign), None, 5)
    assert selectors.risk_of(Assessment.objects.get(pk=now.pk)).previous_total is None
    services.assessment_approve(assessment=last, by=secretariat)
    row = selectors.risk_of(Assessment.objects.get(pk=now.pk))
    assert (row.previous_total, row.total) == (Decimal(5), Decimal(25))
    assert "Tổng điểm tăng 400% so với năm trước" in row.reasons
    services.assessment_reopen(assessment=last, reason="Kiểm tra lại", by=secretariat)
    row = selectors.risk_of(Assessment.objects.get(pk=now.pk))
    assert row.previous_total is None
    assert not [r for r in row.reasons if "so với năm trước" in r]


def test_last_years_reviewed_scores_are_the_total_compared_with(world, users):
    secretariat = users["secretariat"]
    last = _waiting(_saved(cw.assessment(world.commune_a, world.campaign, year=2024), None, 4))
    services.review_save(
        assessment=last,
        scores={
            item.pk: {"reviewer_score": Decimal(2), "reviewer_comment": "Thiếu hồ sơ"}
            for item in last.items.all()
        },
        by=secretariat,
    )
    services.assessment_approve(assessment=last, by=secretariat)
    # Started after the approval: scored against the reviewed total (10), not the self (20).
    now = _saved(cw.assessment(world.commune_a, world.campaign), None, 3)
    row = selectors.risk_of(Assessment.objects.get(pk=now.pk))
    assert (row.previous_total, row.total) == (Decimal(10), Decimal(15))
    assert "Tổng điểm tăng 50% so với năm trước" in row.reasons


def test_a_full_save_of_an_instance_read_earlier_keeps_the_signals(world, users):
    a = cw.assessment(world.commune_a, world.campaign)
    stale = Assessment.objects.get(pk=a.pk)
    _saved(a, users["officer_a"], 100)
    stale.summary = "Tóm tắt"
    stale.save()
    fresh = Assessment.objects.get(pk=a.pk)
    assert (fresh.summary, fresh.risk_points) == ("Tóm tắt", 8)


def test_a_criterions_new_maximum_rescores_the_files_that_use_it(world, users):
    a = _saved(cw.assessment(world.commune_a, world.campaign), users["officer_a"], 5)
    assert Assessment.objects.get(pk=a.pk).risk_maxed == 1  # the 5-point criterion
    criterion = cw.item_no(a, 4).criterion
    criterion.max_points = Decimal(5)
    criterion.save()
    assert Assessment.objects.get(pk=a.pk).risk_maxed == 2


def test_a_bulk_rescore_finds_what_the_writes_stored(world, users):
    a = _saved(cw.assessment(world.commune_a, world.campaign), users["officer_a"], 100)
    cw.evidence(cw.item_no(a, 1))
    columns = ("risk_total", "risk_unevidenced", "risk_maxed", "risk_points")
    stored = Assessment.objects.values_list(*columns).get(pk=a.pk)
    Assessment.objects.filter(pk=a.pk).update(risk_points=0, risk_unevidenced=0)
    risk.refresh_all(Assessment.objects.all())
    assert Assessment.objects.values_list(*columns).get(pk=a.pk) == stored


def test_the_desk_count_is_one_query_and_follows_the_next_write(
    world, users, django_assert_num_queries
):
    secretariat = users["secretariat"]
    clean = _waiting(_saved(cw.assessment(world.commune_a, world.campaign), None, 1))
    for item in clean.items.all():
        cw.evidence(item)
    _waiting(cw.assessment(world.commune_b, world.campaign))
    selectors.review_queue_summary(secretariat, campaign=world.campaign)  # reads the roles once
    with django_assert_num_queries(1):
        assert selectors.review_queue_summary(secretariat, campaign=world.campaign) == (2, 0)
    Assessment.objects.filter(pk=clean.pk).update(is_late=True)
    assert selectors.review_queue_summary(secretariat, campaign=world.campaign) == (2, 1)


def test_the_queue_reads_a_page_in_the_same_number_of_queries_for_more_files(
    client_as, world, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("secretariat")
    url = reverse("campaigns:review-queue", args=[CODE])
    _waiting(cw.assessment(world.commune_a, world.campaign))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    queries = len(few.captured_queries)  # before the next request resets the log
    for i in range(60):
        _waiting(cw.assessment(UnitFactory(code=f"XA-R{i:02}"), world.campaign))
    client.get(url)  # the writes renewed the menu's desk counts
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert len(response.context["page"]) == 50
