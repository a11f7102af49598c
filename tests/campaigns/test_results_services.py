"""Services of campaigns/results: campaigns, criteria-set versions, NTM status, contributions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import (
    Campaign,
    Contribution,
    CriteriaSet,
    CriteriaSetStatus,
    Criterion,
    NtmLevel,
    NtmStatus,
)
from campaigns.results.forms import (
    CampaignForm,
    ContributionForm,
    CriteriaFormSet,
    CriteriaSetForm,
    contribution_fields,
)
from campaigns.results.services import (
    campaign_save,
    contribution_save,
    criteria_set_new_version,
    criteria_set_save,
    ntm_status_confirm,
    ntm_status_save,
)
from portal.concurrency import seen_token
from portal.web import model_values
from units.models import Unit

from .results_helpers import with_criteria_sets

pytestmark = pytest.mark.django_db


def world_authority() -> int:
    from tests.factories import AuthorityFactory

    return AuthorityFactory().pk


def _campaign_data(**over):
    data = {
        "code": "ducpho-ntm-2026-2030",
        "title": "Phong trào thi đua chung sức xây dựng nông thôn mới giai đoạn 2026-2030",
        "issuing_body": "Ủy ban nhân dân thị xã Đức Phổ",
        "legal_bases": "Luật Thi đua, khen thưởng số 06/2022/QH15\nNghị định 98/2023/NĐ-CP",
        "start_year": 2026,
        "end_year": 2030,
        "preliminary_review_year": 2028,
        "final_review_year": 2030,
        "status": "draft",
        "ranking_method": "lexicographic",
        "authority": world_authority(),
        "plan_date": "15/01/2026",
    }
    data.update(over)
    return data


def test_a_new_campaign_copies_the_latest_criteria_versions(world, secretariat):
    sets = with_criteria_sets(world.campaign)
    old = sets["b"]
    old.status = CriteriaSetStatus.IN_USE
    old.save()
    v2 = criteria_set_new_version(criteria_set=old, by=secretariat)
    v2.name = "Bộ tiêu chí xã, phiên bản 2"
    v2.save()
    form = CampaignForm(_campaign_data(copy_criteria_from=world.campaign.pk))
    assert form.is_valid(), form.errors
    campaign = campaign_save(
        campaign=None,
        values=model_values(form),
        by=secretariat,
        copy_criteria_from=form.cleaned_data["copy_criteria_from"],
    )
    copied = {s.target_group: s for s in campaign.criteria_sets.all()}
    assert set(copied) == {"b", "c"}
    assert copied["b"].name == "Bộ tiêu chí xã, phiên bản 2"
    assert copied["b"].version == 1
    assert copied["b"].status == CriteriaSetStatus.EDITABLE
    assert copied["b"].criteria.count() == 1
    # Who signs and receives its documents is the authority's, chosen on the form.
    assert campaign.authority.recipient_lines() == ["UBND tỉnh", "Sở Nội vụ", "Lưu: VT"]


def test_campaign_form_refuses_review_year_outside_the_period(world):
    form = CampaignForm(_campaign_data(final_review_year=2031, end_year=2025))
    assert not form.is_valid()
    assert "end_year" in form.errors
    form = CampaignForm(_campaign_data(final_review_year=2031))
    assert not form.is_valid()
    assert "2026–2030" in form.errors["final_review_year"][0]


def _set_forms(criteria_set, rows):
    data = {
        "target_group": criteria_set.target_group,
        "name": "Bộ đã sửa",
        "legal_basis": "Kế hoạch số 1",
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": str(criteria_set.criteria.count()),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    # What the edit page's forms carry: the edit guard's token of the set and of each row.
    data["seen"] = seen_token(criteria_set)
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"criteria-{i}-{key}"] = value
        if "id" in row:
            data[f"criteria-{i}-seen"] = seen_token(Criterion.objects.get(pk=row["id"]))
    return (
        CriteriaSetForm(data, instance=criteria_set),
        CriteriaFormSet(data, instance=criteria_set, prefix="criteria"),
    )


def test_an_editable_set_is_saved_with_its_criteria(world, secretariat):
    s = with_criteria_sets(world.campaign)["b"]
    first = s.criteria.get()
    form, formset = _set_forms(
        s,
        [
            {
                "id": first.pk,
                "number": 1,
                "text": "Sửa nội dung",
                "value_type": "score",
                "max_points": "15",
            },
            {
                "number": 2,
                "text": "Tiêu chí mới",
                "value_type": "percent",
                "max_points": "5",
                "evidence_required": "on",
            },
        ],
    )
    assert form.is_valid(), form.errors
    assert formset.is_valid(), formset.errors
    criteria_set_save(
        criteria_set=s, values=model_values(form), criteria_formset=formset, by=secretariat
    )
    assert list(s.criteria.values_list("number", "text", "evidence_required")) == [
        (1, "Sửa nội dung", False),
        (2, "Tiêu chí mới", True),
    ]


def test_a_set_in_use_refuses_edits_and_versions_instead(world, secretariat):
    s = with_criteria_sets(world.campaign)["b"]
    CriteriaSet.objects.filter(pk=s.pk).update(status=CriteriaSetStatus.IN_USE)
    s.refresh_from_db()
    first = s.criteria.get()
    form, formset = _set_forms(
        s, [{"id": first.pk, "number": 1, "text": "Đổi", "value_type": "score", "max_points": "1"}]
    )
    assert form.is_valid()
    assert formset.is_valid()
    with pytest.raises(ValidationError, match="tạo phiên bản mới"):
        criteria_set_save(
            criteria_set=s, values=model_values(form), criteria_formset=formset, by=secretariat
        )
    assert s.criteria.get().text == "Tiêu chí một"
    v2 = criteria_set_new_version(criteria_set=s, by=secretariat)
    assert (v2.version, v2.previous_id, v2.status) == (2, s.pk, CriteriaSetStatus.EDITABLE)
    assert v2.criteria.get().text == "Tiêu chí một"
    s.refresh_from_db()
    assert s.status == CriteriaSetStatus.RETIRED
    with pytest.raises(ValidationError):
        criteria_set_new_version(criteria_set=s, by=secretariat)  # a newer version exists already


def test_duplicate_criterion_numbers_are_refused_next_to_the_field(world):
    s = with_criteria_sets(world.campaign)["b"]
    first = s.criteria.get()
    _form, formset = _set_forms(
        s,
        [
            {"id": first.pk, "number": 1, "text": "A", "value_type": "score", "max_points": "1"},
            {"number": 1, "text": "B", "value_type": "score", "max_points": "1"},
        ],
    )
    assert not formset.is_valid()
    assert "trùng" in str(formset.forms[1].errors["number"])


def test_ntm_save_keeps_count_in_step_and_edit_resets_confirmation(world, users):
    status = ntm_status_save(
        unit=world.commune_a,
        year=2023,
        level=NtmLevel.NONE,
        numbers=[1, 2, 3, 17],
        campaign=world.campaign,
        by=users["officer_a"],
    )
    assert status.criteria_met_count == 4
    assert sorted(status.criteria_met.values_list("number", flat=True)) == [1, 2, 3, 17]
    ntm_status_confirm(status=status, by=users["economic_office"])
    status.refresh_from_db()
    assert status.is_confirmed
    with pytest.raises(ValidationError):
        ntm_status_confirm(status=status, by=users["economic_office"])
    status = ntm_status_save(
        unit=world.commune_a,
        year=2023,
        level=NtmLevel.NONE,
        numbers=[1, 2, 3],
        campaign=world.campaign,
        by=users["officer_a"],
    )
    assert status.criteria_met_count == 3
    assert not status.is_confirmed
    history = list(status.history.order_by("history_date"))
    assert [h.confirmed_at is not None for h in history][-2:] == [True, False]


@pytest.mark.parametrize(
    ("unit_attr", "year", "level", "numbers", "field"),
    [
        ("commune_a", 2023, "ntm", [0, 20], "criteria_met"),
        ("commune_a", 2019, "ntm", [1], "year"),
        ("commune_a", 2023, "famous", [1], "level"),
        ("village_a", 2023, "advanced", [], "level"),
        ("department", 2023, "ntm", [], "unit"),
    ],
)
def test_ntm_bad_input_is_refused_with_a_message(world, unit_attr, year, level, numbers, field):
    with pytest.raises(ValidationError) as exc:
        ntm_status_save(
            unit=getattr(world, unit_attr),
            year=year,
            level=level,
            numbers=numbers,
            campaign=world.campaign,
        )
    assert field in exc.value.error_dict
    assert not NtmStatus.objects.exists()


def test_criterion_number_outside_range_names_it(world):
    with pytest.raises(ValidationError, match=r"1 đến 19.*20"):
        ntm_status_save(
            unit=world.commune_a, year=2023, level="ntm", numbers=[20], campaign=world.campaign
        )


def _contribution_form(commune_qs, **over):
    data = {
        "commune": commune_qs.first().pk,
        "year": 2023,
        "contributor": "Nhân dân thôn An Thạch",
        "contributor_kind": "people",
        "money_vnd": "150000000",
        "work_days": "320",
        "land_m2": "450,5",
    }
    data.update(over)
    return ContributionForm(data, communes=commune_qs)


def test_contribution_saved_for_the_commune(world, users):
    qs = Unit.objects.filter(pk=world.commune_a.pk)
    form = _contribution_form(qs)
    assert form.is_valid(), form.errors
    c = contribution_save(
        contribution=None,
        commune=world.commune_a,
        campaign=world.campaign,
        by=users["officer_a"],
        **contribution_fields(form),
    )
    assert c.money_vnd == Decimal(150000000)
    assert c.campaign == world.campaign


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("money_vnd", "-5000", "không được âm"),
        ("work_days", "-1", "không được âm"),
        ("money_vnd", "5000000000000000", "quá lớn"),
    ],
)
def test_contribution_form_refuses_bad_amounts_next_to_the_field(world, field, value, message):
    form = _contribution_form(Unit.objects.filter(pk=world.commune_a.pk), **{field: value})
    assert not form.is_valid()
    assert message in str(form.errors[field])


def test_contribution_year_outside_campaign_is_refused(world):
    form = _contribution_form(Unit.objects.filter(pk=world.commune_a.pk), year=2019)
    assert form.is_valid()
    with pytest.raises(ValidationError) as exc:
        contribution_save(
            contribution=None,
            commune=world.commune_a,
            campaign=world.campaign,
            **contribution_fields(form),
        )
    assert "2021–2025" in str(exc.value.error_dict["year"])
    assert not Contribution.objects.exists()


def test_campaign_created_without_copy_has_no_sets(world, secretariat):
    form = CampaignForm(_campaign_data())
    assert form.is_valid(), form.errors
    campaign = campaign_save(campaign=None, values=model_values(form), by=secretariat)
    assert Campaign.objects.filter(code="ducpho-ntm-2026-2030").exists()
    assert campaign.criteria_sets.count() == 0
