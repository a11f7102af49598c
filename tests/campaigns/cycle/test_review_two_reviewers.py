"""Two reviewers on one submitted self-assessment: each keeps the criteria they scored."""

from __future__ import annotations

from django.urls import reverse

from campaigns.models import AssessmentStatus
from tests.campaigns import cycle_world as cw
from tests.pageforms import form_data


def _open(client, a):
    return form_data(
        client.get(a.get_absolute_url()),
        action=reverse("campaigns:assessment-review", args=[a.pk]),
    )


def test_a_second_reviewer_saving_another_criterion_keeps_the_first_reviewers_score(
    world, client_as
):
    a = cw.assessment(world.commune_a, world.campaign, status=AssessmentStatus.SUBMITTED)
    one, two = cw.item_no(a, 1), cw.item_no(a, 2)
    url = reverse("campaigns:assessment-review", args=[a.pk])
    first, second = client_as("secretariat"), client_as("economic_office")
    page_first, page_second = _open(first, a), _open(second, a)

    page_first.update({f"r{one.pk}_score": "8,5", f"r{one.pk}_comment": "Đủ minh chứng"})
    assert first.post(url, page_first).status_code == 302
    page_second.update({f"r{two.pk}_score": "12", f"r{two.pk}_comment": "Thiếu biên bản"})
    assert second.post(url, page_second).status_code == 302

    one.refresh_from_db()
    two.refresh_from_db()
    assert (str(one.reviewer_score), one.reviewer_comment) == ("8.50", "Đủ minh chứng")
    assert (str(two.reviewer_score), two.reviewer_comment) == ("12.00", "Thiếu biên bản")


def test_two_reviewers_scoring_the_same_criterion_the_later_is_refused_and_keeps_its_input(
    world, users, client_as
):
    a = cw.assessment(world.commune_a, world.campaign, status=AssessmentStatus.SUBMITTED)
    one = cw.item_no(a, 1)
    url = reverse("campaigns:assessment-review", args=[a.pk])
    first, second = client_as("secretariat"), client_as("economic_office")
    page_first, page_second = _open(first, a), _open(second, a)
    page_first[f"r{one.pk}_comment"] = "Ý kiến thứ nhất"
    first.post(url, page_first)
    page_second[f"r{one.pk}_comment"] = "Ý kiến thứ hai"
    response = second.post(url, page_second)
    page = response.content.decode()
    assert response.status_code == 400
    who = users["secretariat"].display_name
    assert f"Không lưu được: {who} đã sửa thẩm định tiêu chí 1" in page
    assert "Ý kiến thứ hai" in page
    one.refresh_from_db()
    assert one.reviewer_comment == "Ý kiến thứ nhất"
