"""Two people on one oversight record: a save made from a page opened before someone else's
save never writes over what they saved. A change to the same field is refused with who changed
it, the first value stays, and the second person's input is still on the page; a change to
another field is merged."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import (
    BudgetLine,
    Feedback,
    Inspection,
    NewsItem,
    Recommendation,
    RecommendationStatus,
    SponsorshipResult,
)
from portal.roles import Role
from tests.factories import CAMPAIGN_CODE as CODE
from tests.factories import UserFactory
from tests.pageforms import assert_refused, form_data

from .oversight_helpers import (
    make_budget_line,
    make_feedback,
    make_inspection,
    make_news,
    make_recommendation,
    make_sponsorship,
)

pytestmark = pytest.mark.django_db
NS = "campaigns:oversight:"
FIRST = "Nguyễn Thị Thường Trực"


@pytest.fixture
def two_secretaries(client_as, users):
    """The secretariat's officer (A, named FIRST) and a colleague (B) with the same role."""
    users["secretariat"].full_name = FIRST
    users["secretariat"].save()
    colleague = UserFactory(
        username="secretariat_2", full_name="Trần Văn Đồng Nghiệp", roles=[Role.SECRETARIAT]
    )
    b = client_as("anonymous")
    b.force_login(colleague, backend="django.contrib.auth.backends.ModelBackend")
    return client_as("secretariat"), b


def opened(client, url: str, action: str | None = None) -> dict:
    """What the page's form would post, as the browser holds it."""
    return form_data(client.get(url), action=action)


# --- Inspection -------------------------------------------------------------------------------


def test_an_inspection_saved_from_an_older_page_is_refused_on_the_same_field(
    world, two_secretaries
):
    a, b = two_secretaries
    inspection = make_inspection(world)
    url = reverse(NS + "inspection-edit", args=[inspection.pk])
    page_a, page_b = opened(a, url), opened(b, url)

    assert a.post(url, {**page_a, "title": "Kiểm tra tiến độ NTM đợt 1"}).status_code == 302
    response = b.post(url, {**page_b, "title": "Giám sát việc khắc phục"})

    assert_refused(response, who=FIRST, typed="Giám sát việc khắc phục")
    assert Inspection.objects.get().title == "Kiểm tra tiến độ NTM đợt 1"


def test_an_inspection_keeps_both_changes_when_they_touch_different_fields(world, two_secretaries):
    a, b = two_secretaries
    inspection = make_inspection(world)
    url = reverse(NS + "inspection-edit", args=[inspection.pk])
    page_a, page_b = opened(a, url), opened(b, url)

    assert a.post(url, {**page_a, "title": "Kiểm tra tiến độ NTM đợt 1"}).status_code == 302
    assert b.post(url, {**page_b, "leader": "Phó Chủ tịch UBND"}).status_code == 302

    inspection.refresh_from_db()
    assert inspection.title == "Kiểm tra tiến độ NTM đợt 1"
    assert inspection.leader == "Phó Chủ tịch UBND"


# --- Recommendations --------------------------------------------------------------------------


def test_a_second_officer_answering_from_an_older_page_does_not_replace_the_first_answer(
    world, users, client_as
):
    users["officer_a"].full_name = "Lê Thị Cán Bộ"
    users["officer_a"].save()
    colleague = UserFactory(
        username="officer_a2", roles=[Role.UNIT_OFFICER], units=[world.commune_a]
    )
    a = client_as("officer_a")
    b = client_as("anonymous")
    b.force_login(colleague, backend="django.contrib.auth.backends.ModelBackend")
    rec = make_recommendation(world)
    page = reverse(NS + "inspection-detail", args=[rec.finding.inspection_id])
    action = reverse(NS + "recommendation-answer", args=[rec.pk])
    page_a, page_b = opened(a, page, action), opened(b, page, action)

    a.post(action, {**page_a, "response": "Đã bổ sung hồ sơ ngày 15/10."})
    response = b.post(action, {**page_b, "response": "Sẽ bổ sung trong quý IV."})

    assert_refused(response, who="Lê Thị Cán Bộ", typed="Sẽ bổ sung trong quý IV.")
    assert Recommendation.objects.get().response == "Đã bổ sung hồ sơ ngày 15/10."


def test_a_follow_up_from_a_page_opened_before_the_unit_answered_is_refused(
    world, users, client_as
):
    users["officer_a"].full_name = "Lê Thị Cán Bộ"
    users["officer_a"].save()
    rec = make_recommendation(world)
    page = reverse(NS + "inspection-detail", args=[rec.finding.inspection_id])
    follow_up = reverse(NS + "recommendation-follow-up", args=[rec.pk])
    answer = reverse(NS + "recommendation-answer", args=[rec.pk])
    secretariat = client_as("secretariat")
    seen_by_secretariat = opened(secretariat, page, follow_up)

    officer = client_as("officer_a")
    officer.post(answer, {**opened(officer, page, answer), "response": "Đã khắc phục xong."})
    response = secretariat.post(
        follow_up, {**seen_by_secretariat, "status": "not_done", "note": "Chưa thấy trả lời"}
    )

    assert_refused(response, who="Lê Thị Cán Bộ", typed="Chưa thấy trả lời")
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.ANSWERED
    assert rec.follow_up_note == ""


# --- Sponsorship results ----------------------------------------------------------------------


@pytest.fixture
def two_department_officers(world, client_as):
    first = UserFactory(
        username="dept_1",
        full_name="Phạm Văn Phòng",
        roles=[Role.UNIT_OFFICER],
        units=[world.department],
    )
    second = UserFactory(username="dept_2", roles=[Role.UNIT_OFFICER], units=[world.department])
    clients = []
    for user in (first, second):
        c = client_as("anonymous")
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        clients.append(c)
    return clients


def test_a_years_result_entered_by_someone_else_meanwhile_is_not_overwritten(
    world, two_department_officers
):
    a, b = two_department_officers
    pair = make_sponsorship(world)
    url = reverse(NS + "sponsorship-result-edit", args=[pair.pk])
    page_a, page_b = opened(a, url), opened(b, url)
    typed = {"year": "2024", "support": "Tặng 50 bộ bàn ghế", "amount_vnd": "25000000"}

    assert a.post(url, {**page_a, **typed}).status_code == 302
    response = b.post(url, {**page_b, **typed, "amount_vnd": "30000000"})

    assert_refused(response, who="Phạm Văn Phòng", typed="30000000")
    assert SponsorshipResult.objects.get().amount_vnd == Decimal(25_000_000)


def test_a_sponsorship_result_merges_changes_to_different_fields(world, two_department_officers):
    a, b = two_department_officers
    pair = make_sponsorship(world)
    SponsorshipResult.objects.create(
        sponsorship=pair, year=2024, support="Tặng bàn ghế", amount_vnd=Decimal(25_000_000)
    )
    url = reverse(NS + "sponsorship-result-edit", args=[pair.pk]) + "?year=2024"
    page_a, page_b = opened(a, url), opened(b, url)

    assert a.post(url, {**page_a, "amount_vnd": "27000000"}).status_code == 302
    assert b.post(url, {**page_b, "commitment": "Hỗ trợ nhà văn hóa thôn"}).status_code == 302

    result = SponsorshipResult.objects.get()
    assert result.amount_vnd == Decimal(27_000_000)
    assert result.commitment == "Hỗ trợ nhà văn hóa thôn"


# --- Difficulties -----------------------------------------------------------------------------


def test_assigning_a_difficulty_from_an_older_page_is_refused(world, users, two_secretaries):
    a, b = two_secretaries
    feedback = make_feedback(world)
    page = feedback.get_absolute_url()
    action = reverse(NS + "feedback-assign", args=[feedback.pk])
    page_a, page_b = opened(a, page, action), opened(b, page, action)
    other = UserFactory(username="sec_3", full_name="Đỗ Thị Ba", roles=[Role.SECRETARIAT])

    a.post(action, {**page_a, "assignee": users["secretariat"].pk})
    response = b.post(action, {**page_b, "assignee": other.pk})

    assert_refused(response, who=FIRST, typed=f'value="{other.pk}" selected')
    assert Feedback.objects.get().assignee == users["secretariat"]


def test_an_answer_to_a_difficulty_from_an_older_page_is_refused_and_kept_on_the_page(
    world, two_secretaries
):
    a, b = two_secretaries
    feedback = make_feedback(world)
    page = feedback.get_absolute_url()
    action = reverse(NS + "feedback-answer", args=[feedback.pk])
    page_a, page_b = opened(a, page, action), opened(b, page, action)

    assert a.post(action, {**page_a, "answer": "Thống nhất lùi hạn."}).status_code == 302
    response = b.post(action, {**page_b, "answer": "Đề nghị xã tự cân đối."})

    assert_refused(response, who=FIRST, typed="Đề nghị xã tự cân đối.")
    assert Feedback.objects.get().answer == "Thống nhất lùi hạn."


def test_an_answer_and_an_adjustment_note_from_two_pages_are_both_kept(world, two_secretaries):
    a, b = two_secretaries
    feedback = make_feedback(world, answer="Đang xem xét.", status="answered")
    page = feedback.get_absolute_url()
    action = reverse(NS + "feedback-answer", args=[feedback.pk])
    page_a, page_b = opened(a, page, action), opened(b, page, action)

    assert a.post(action, {**page_a, "answer": "Thống nhất lùi hạn."}).status_code == 302
    response = b.post(
        action,
        {**page_b, "led_to_adjustment": "on", "adjustment_note": "Lùi hạn sang quý II/2025."},
    )

    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.answer == "Thống nhất lùi hạn."
    assert feedback.led_to_adjustment
    assert feedback.adjustment_note == "Lùi hạn sang quý II/2025."


# --- Budget -----------------------------------------------------------------------------------


def test_a_budget_line_edited_from_an_older_page_is_refused_on_the_same_field(
    world, two_secretaries
):
    a, b = two_secretaries
    line = make_budget_line(world)
    url = reverse(NS + "budget-edit", args=[line.pk])
    page_a, page_b = opened(a, url), opened(b, url)

    assert a.post(url, {**page_a, "amount_vnd": "50000000"}).status_code == 302
    response = b.post(url, {**page_b, "amount_vnd": "38000000"})

    assert_refused(response, who=FIRST, typed="38000000")
    assert BudgetLine.objects.get().amount_vnd == Decimal(50_000_000)


def test_a_budget_line_keeps_both_changes_to_different_fields(world, two_secretaries):
    a, b = two_secretaries
    line = make_budget_line(world)
    url = reverse(NS + "budget-edit", args=[line.pk])
    page_a, page_b = opened(a, url), opened(b, url)

    assert a.post(url, {**page_a, "amount_vnd": "50000000"}).status_code == 302
    assert b.post(url, {**page_b, "description": "Kiểm tra 12 xã"}).status_code == 302

    line.refresh_from_db()
    assert line.amount_vnd == Decimal(50_000_000)
    assert line.description == "Kiểm tra 12 xã"


def test_a_second_approval_from_an_older_list_is_refused_with_the_amount_kept(
    world, two_secretaries
):
    a, b = two_secretaries
    line = make_budget_line(world, status="submitted")
    page = reverse(NS + "budget-list", args=[CODE])
    action = reverse(NS + "budget-approve", args=[line.pk])
    page_a, page_b = opened(a, page, action), opened(b, page, action)

    a.post(action, {**page_a, "approved_amount_vnd": "40000000"})
    response = b.post(action, {**page_b, "approved_amount_vnd": "42000000"})

    assert_refused(response, who=FIRST, typed='value="42000000"', endorsing=True)
    assert BudgetLine.objects.get().approved_amount_vnd == Decimal(40_000_000)


# --- News -------------------------------------------------------------------------------------


def test_news_edited_from_an_older_page_is_refused_and_merged_by_field(world, two_secretaries):
    a, b = two_secretaries
    item = make_news(world)
    url = reverse(NS + "news-edit", args=[item.pk])
    page_a, page_b, page_c = opened(a, url), opened(b, url), opened(b, url)

    assert a.post(url, {**page_a, "title": "Ra quân làm đường giao thông"}).status_code == 302
    response = b.post(url, {**page_b, "title": "Ra quân xây nhà văn hóa"})
    assert_refused(response, who=FIRST, typed="Ra quân xây nhà văn hóa")
    assert NewsItem.objects.get().title == "Ra quân làm đường giao thông"

    assert b.post(url, {**page_c, "body": "Nội dung đã sửa."}).status_code == 302
    item.refresh_from_db()
    assert item.title == "Ra quân làm đường giao thông"
    assert item.body == "Nội dung đã sửa."


def test_submitting_a_budget_line_changed_since_the_list_was_opened_is_refused(
    world, two_secretaries
):
    a, b = two_secretaries
    line = make_budget_line(world)
    page = reverse(NS + "budget-list", args=[CODE])
    submit = reverse(NS + "budget-submit", args=[line.pk])
    seen_by_b = opened(b, page, submit)

    edit = reverse(NS + "budget-edit", args=[line.pk])
    a.post(edit, {**opened(a, edit), "amount_vnd": "90000000"})
    response = b.post(submit, seen_by_b, follow=True)

    text = html.unescape(response.content.decode())
    assert "Không thực hiện được:" in text
    assert FIRST in text
    line.refresh_from_db()
    assert line.status == "proposed"  # not sent on with an amount B never saw


def test_publishing_news_changed_since_the_list_was_opened_is_refused(world, two_secretaries):
    a, b = two_secretaries
    item = make_news(world)
    page = reverse(NS + "news-list", args=[CODE])
    publish = reverse(NS + "news-publish", args=[item.pk])
    seen_by_b = opened(b, page, publish)

    edit = reverse(NS + "news-edit", args=[item.pk])
    a.post(edit, {**opened(a, edit), "body": "Nội dung chưa duyệt"})
    response = b.post(publish, seen_by_b, follow=True)

    text = html.unescape(response.content.decode())
    assert "Không thực hiện được:" in text
    assert FIRST in text
    item.refresh_from_db()
    assert not item.is_published
