"""Pages of campaign setup, criteria sets, NTM status, contributions and imports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import (
    Campaign,
    Contribution,
    CriteriaSet,
    CriteriaSetStatus,
    NtmLevel,
    NtmStatus,
    Target,
    TargetMetric,
)
from tests.factories import CAMPAIGN_CODE as CODE
from tests.pageforms import form_data

from .results_helpers import ntm, with_criteria_sets

pytestmark = pytest.mark.django_db


def test_secretariat_creates_the_next_campaign_in_the_browser(world, client_as):
    with_criteria_sets(world.campaign)
    client = client_as("secretariat")
    response = client.post(
        reverse("campaigns:campaign-create"),
        {
            "code": "ducpho-ntm-2026-2030",
            "title": "Phong trào thi đua “Đức Phổ chung sức xây dựng nông thôn mới” 2026-2030",
            "issuing_body": "Ủy ban nhân dân thị xã Đức Phổ",
            "authority": world.campaign.authority_id,
            "start_year": "2026",
            "end_year": "2030",
            "status": "draft",
            "ranking_method": "lexicographic",
            "copy_criteria_from": world.campaign.pk,
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(code="ducpho-ntm-2026-2030")
    assert response["Location"] == reverse("campaigns:campaign-plan", args=[campaign.code])
    assert campaign.criteria_sets.count() == 2
    plan_url = reverse("campaigns:campaign-plan", args=[campaign.code])
    base = {
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "targets-0-order": "1",
        "targets-0-title": "Có 03 xã đạt chuẩn NTM kiểu mẫu",
        "targets-0-metric": TargetMetric.COMMUNES_MODEL,
        "targets-0-min_value": "3",
        "targets-0-max_value": "2",
        "targets-0-by_year": "2031",
        "milestones-0-kind": "yearly_report",
        "milestones-0-title": "Hạn báo cáo năm 2026",
        "milestones-0-year": "2026",
        "milestones-0-due_date": "30/11/2026",
    }
    response = client.post(plan_url, base)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Năm 2031 nằm ngoài giai đoạn 2026–2030" in page
    assert "Giá trị tối đa phải lớn hơn hoặc bằng tối thiểu" in page
    assert not Target.objects.filter(campaign=campaign).exists()
    response = client.post(
        plan_url, {**base, "targets-0-by_year": "2030", "targets-0-max_value": "4"}
    )
    assert response.status_code == 302
    assert campaign.targets.get().min_value == 3
    assert campaign.milestones.get().due_date.isoformat() == "2026-11-30"


def test_campaign_page_shows_target_progress_from_data(world, client_as):
    Target.objects.create(
        campaign=world.campaign,
        title="Có từ 02 - 04 xã đạt chuẩn nông thôn mới nâng cao",
        metric=TargetMetric.COMMUNES_ADVANCED_OR_BETTER,
        min_value=2,
        max_value=4,
        by_year=2025,
    )
    Target.objects.create(
        campaign=world.campaign,
        title="Giữ vững các tiêu chí đã đạt",
        metric=TargetMetric.CRITERIA_KEPT,
        by_year=2025,
    )
    s = world.campaign.ntm_criterion_set
    ntm(world.commune_a, 2022, NtmLevel.NTM, [1, 2, 3], s)
    ntm(world.commune_a, 2023, NtmLevel.ADVANCED, [1, 2], s)
    response = client_as("observer").get(world.campaign.get_absolute_url())
    page = response.content.decode()
    assert "Chưa đạt" in page
    assert "Xã Phổ Thử A không còn đạt tiêu chí số 3 (đã đạt từ năm 2022)" in page


def test_locked_set_is_not_editable_and_offers_a_new_version(world, client_as):
    s = with_criteria_sets(world.campaign)["b"]
    CriteriaSet.objects.filter(pk=s.pk).update(status=CriteriaSetStatus.IN_USE)
    client = client_as("secretariat")
    response = client.get(reverse("campaigns:criteriaset-edit", args=[s.pk]))
    assert response.status_code == 302
    detail = client.get(reverse("campaigns:criteriaset-detail", args=[s.pk])).content.decode()
    assert "Tạo phiên bản mới" in detail
    response = client.post(reverse("campaigns:criteriaset-new-version", args=[s.pk]))
    v2 = CriteriaSet.objects.get(version=2, target_group="b")
    assert response["Location"] == reverse("campaigns:criteriaset-edit", args=[v2.pk])
    detail = client.get(reverse("campaigns:criteriaset-detail", args=[v2.pk])).content.decode()
    assert "Phiên bản 1" in detail


def _ntm_post(client, url, **values):
    """Open the NTM page and save it with `values` changed, as the person's browser would."""
    data = form_data(client.get(url), action=url)
    data.update(values)
    return client.post(url, data)


def test_officer_enters_ntm_status_and_the_economic_office_confirms(world, client_as):
    officer = client_as("officer_a")
    url = reverse("campaigns:ntm-edit", args=[world.commune_a.pk, 2023])
    response = _ntm_post(
        officer,
        url,
        level="ntm",
        criteria_met=[str(n) for n in range(1, 20)],
        recognition_decision="QĐ 12/QĐ-UBND",
        recognition_date="15/12/2023",
    )
    assert response.status_code == 302
    status = NtmStatus.objects.get(unit=world.commune_a, year=2023)
    assert status.criteria_met_count == 19
    panel = officer.get(reverse("campaigns:ntm-panel", args=[world.commune_a.pk])).content.decode()
    assert panel.count(">✓<") == 19
    assert "Đạt chuẩn NTM" in panel
    assert "Thôn Hội An Thử" in panel
    office = client_as("economic_office")
    confirm_url = reverse("campaigns:ntm-confirm", args=[status.pk])
    response = office.post(confirm_url, form_data(office.get(url), action=confirm_url))
    assert response.status_code == 302
    status.refresh_from_db()
    assert status.is_confirmed
    page = office.get(url).content.decode()
    assert "Đã xác nhận" in page
    _ntm_post(officer, url, level="none", criteria_met=["1", "2"])
    status.refresh_from_db()
    assert not status.is_confirmed
    assert "chưa xác nhận" in officer.get(url).content.decode()


def test_a_confirmation_of_figures_changed_since_the_page_was_opened_is_refused(
    world, users, client_as
):
    officer, office = client_as("officer_a"), client_as("economic_office")
    url = reverse("campaigns:ntm-edit", args=[world.commune_a.pk, 2023])
    _ntm_post(officer, url, level="none", criteria_met=["1", "2", "3"])
    status = NtmStatus.objects.get(unit=world.commune_a, year=2023)
    confirm_url = reverse("campaigns:ntm-confirm", args=[status.pk])
    seen_by_office = form_data(office.get(url), action=confirm_url)  # 3 criteria on screen
    _ntm_post(officer, url, criteria_met=["1", "2"], note="Tiêu chí 3 chưa đạt")
    response = office.post(confirm_url, seen_by_office, follow=True)
    status.refresh_from_db()
    assert not status.is_confirmed
    page = response.content.decode()
    who = users["officer_a"].display_name
    assert f"Không thực hiện được: {who} đã sửa kết quả NTM năm 2023 của Xã Phổ Thử A" in page
    assert "Tiêu chí đạt: bỏ 3." in page
    assert "Ghi chú: (trống) → “Tiêu chí 3 chưa đạt”" in page
    # Confirming from the page as it is now goes through.
    office.post(confirm_url, form_data(office.get(url), action=confirm_url))
    status.refresh_from_db()
    assert status.is_confirmed
    assert status.criteria_met_count == 2


def test_two_editors_of_one_ntm_record_keep_each_others_fields(world, client_as):
    officer, office = client_as("officer_a"), client_as("economic_office")
    url = reverse("campaigns:ntm-edit", args=[world.commune_a.pk, 2023])
    _ntm_post(officer, url, level="none", criteria_met=["1", "2"])
    opened_by_office = form_data(office.get(url), action=url)
    _ntm_post(officer, url, note="Đã họp dân thôn 2")
    opened_by_office["recognition_decision"] = "QĐ 45/QĐ-UBND"
    assert office.post(url, opened_by_office).status_code == 302
    status = NtmStatus.objects.get(unit=world.commune_a, year=2023)
    assert status.note == "Đã họp dân thôn 2"
    assert status.recognition_decision == "QĐ 45/QĐ-UBND"


def test_the_same_ntm_field_changed_by_two_editors_refuses_the_later_and_keeps_its_input(
    world, users, client_as
):
    officer, office = client_as("officer_a"), client_as("economic_office")
    url = reverse("campaigns:ntm-edit", args=[world.commune_a.pk, 2023])
    _ntm_post(officer, url, level="none", criteria_met=["1", "2"])
    opened_by_office = form_data(office.get(url), action=url)
    _ntm_post(officer, url, note="Ghi chú của xã")
    opened_by_office["note"] = "Ghi chú của Phòng Kinh tế"
    response = office.post(url, opened_by_office)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Không lưu được: {users['officer_a'].display_name} đã sửa" in page
    assert "Ghi chú của Phòng Kinh tế" in page  # the office's text is still in the form
    assert NtmStatus.objects.get(unit=world.commune_a, year=2023).note == "Ghi chú của xã"
    # Saving again from the refused page (now carrying what it showed) overwrites knowingly.
    assert office.post(url, form_data(response, action=url)).status_code == 302
    assert (
        NtmStatus.objects.get(unit=world.commune_a, year=2023).note == "Ghi chú của Phòng Kinh tế"
    )


def test_two_first_entries_of_one_year_do_not_overwrite_each_other(world, client_as):
    officer, office = client_as("officer_a"), client_as("economic_office")
    url = reverse("campaigns:ntm-edit", args=[world.commune_a.pk, 2023])
    opened_by_office = form_data(office.get(url), action=url)  # no record yet
    _ntm_post(officer, url, level="none", criteria_met=["1", "2"], note="Xã nhập trước")
    opened_by_office.update(level="none", criteria_met=["1"], note="Phòng nhập sau")
    response = office.post(url, opened_by_office)
    assert "Không lưu được" in response.content.decode()
    assert NtmStatus.objects.get(unit=world.commune_a, year=2023).note == "Xã nhập trước"


def test_ntm_form_refuses_a_year_outside_the_campaign(world, client_as):
    url = reverse("campaigns:ntm-edit", args=[world.commune_a.pk, 2030])
    response = _ntm_post(client_as("officer_a"), url, level="none", criteria_met=["1"])
    assert response.status_code == 200
    assert "nằm ngoài giai đoạn của phong trào" in response.content.decode()
    assert not NtmStatus.objects.exists()


def test_village_form_offers_only_village_levels(world, client_as):
    url = reverse("campaigns:ntm-edit", args=[world.village_a.pk, 2023])
    response = client_as("officer_a").post(url, {"level": "advanced"})
    assert response.status_code == 200
    assert not NtmStatus.objects.exists()


def test_negative_money_is_refused_next_to_the_field(world, client_as):
    response = client_as("officer_a").post(
        reverse("campaigns:contribution-create", args=[CODE]),
        {
            "commune": world.commune_a.pk,
            "year": 2023,
            "contributor": "Nhân dân",
            "contributor_kind": "people",
            "money_vnd": "-100",
            "work_days": "0",
            "land_m2": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["money_vnd"] == ["Số tiền không được âm."]
    assert not Contribution.objects.exists()


def test_officer_cannot_record_a_contribution_for_another_commune(world, client_as):
    response = client_as("officer_b").post(
        reverse("campaigns:contribution-create", args=[CODE]),
        {
            "commune": world.commune_a.pk,
            "year": 2023,
            "contributor": "Nhân dân",
            "contributor_kind": "people",
            "money_vnd": "100",
            "work_days": "0",
            "land_m2": "0",
        },
    )
    assert response.status_code == 200
    assert "commune" in response.context["form"].errors
    assert not Contribution.objects.exists()


def test_contribution_list_totals_and_filters(world, client_as):
    for commune, money in ((world.commune_a, 1_000_000), (world.commune_b, 2_500_000)):
        Contribution.objects.create(
            commune=commune,
            year=2023,
            contributor="Nhân dân",
            contributor_kind="people",
            money_vnd=money,
            work_days=10,
        )
    response = client_as("secretariat").get(reverse("campaigns:contribution-list", args=[CODE]))
    assert response.context["totals"]["money_vnd"] == 3_500_000
    response = client_as("officer_a").get(reverse("campaigns:contribution-list", args=[CODE]))
    assert response.context["totals"]["money_vnd"] == 1_000_000  # only the officer's commune
    response = client_as("secretariat").get(
        reverse("campaigns:contribution-list", args=[CODE]), {"commune": world.commune_b.pk}
    )
    assert [c.commune for c in response.context["page"]] == [world.commune_b]


def test_secretariat_reads_ntm_status_but_cannot_change_it(world, client_as, users):
    from campaigns.results.services import ntm_status_save

    ntm_status_save(unit=world.commune_a, year=2023, level="ntm", numbers=range(1, 20))
    client = client_as("secretariat")
    url = reverse("campaigns:ntm-edit", args=[world.commune_a.pk, 2023])
    page = client.get(url).content.decode()
    assert "19 tiêu chí: số 1, 2, 3" in page
    assert 'name="level"' not in page
    assert client.post(url, {"level": "none"}).status_code == 403
    assert NtmStatus.objects.get(unit=world.commune_a).level == "ntm"


def test_campaign_page_lists_targets_without_data_yet(world, client_as):
    Target.objects.create(
        campaign=world.campaign,
        title="Có 01 thôn đạt chuẩn kiểu mẫu",
        metric=TargetMetric.VILLAGES_MODEL,
        min_value=1,
        by_year=2025,
    )
    page = client_as("observer").get(world.campaign.get_absolute_url()).content.decode()
    assert "Có 01 thôn đạt chuẩn kiểu mẫu" in page
    assert "Chưa có số liệu tiêu chí nông thôn mới để tính." in page
