"""A commune's level must follow from the national criteria it meets (issue #14, item 9):
NTM, advanced and model all need every criterion of the set in force (19 of QĐ 318/QĐ-TTg);
a village carries no national criteria. The form, the import and the service refuse the same
records, so an impossible "model commune with 12 criteria" can never be stored or rank first."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.models import NtmLevel, NtmStatus
from campaigns.rankings.ranking import commune_ranking
from campaigns.results.forms import NtmStatusForm
from campaigns.results.services import ntm_status_save
from portal.dataexchange import run_import

pytestmark = pytest.mark.django_db

ALL = list(range(1, 20))
TWELVE = list(range(1, 13))


@pytest.mark.parametrize("level", [NtmLevel.NTM, NtmLevel.ADVANCED, NtmLevel.MODEL])
def test_the_service_refuses_a_level_the_criteria_do_not_reach(world, level):
    with pytest.raises(ValidationError) as exc:
        ntm_status_save(
            unit=world.commune_a, year=2023, level=level, numbers=TWELVE, campaign=world.campaign
        )
    assert "19/19" in exc.value.message_dict["level"][0]
    assert "12/19" in exc.value.message_dict["level"][0]
    assert not NtmStatus.objects.exists()


@pytest.mark.parametrize("level", [NtmLevel.NTM, NtmLevel.ADVANCED, NtmLevel.MODEL])
def test_every_level_is_accepted_with_all_nineteen_criteria(world, level):
    status = ntm_status_save(
        unit=world.commune_a, year=2023, level=level, numbers=ALL, campaign=world.campaign
    )
    assert (status.level, status.criteria_met_count) == (level, 19)


def test_a_commune_short_of_the_criteria_is_recorded_as_not_yet_at_standard(world):
    status = ntm_status_save(
        unit=world.commune_a,
        year=2023,
        level=NtmLevel.NONE,
        numbers=TWELVE,
        campaign=world.campaign,
    )
    assert status.criteria_met_count == 12


def test_a_village_carries_no_national_criteria(world):
    with pytest.raises(ValidationError) as exc:
        ntm_status_save(
            unit=world.village_a, year=2023, level=NtmLevel.MODEL, numbers=[1, 2], campaign=None
        )
    assert "criteria_met" in exc.value.message_dict
    status = ntm_status_save(unit=world.village_a, year=2023, level=NtmLevel.MODEL, numbers=[])
    assert status.level == NtmLevel.MODEL


def test_the_form_marks_the_level_field_and_the_page_stores_nothing(world, client_as):
    criteria = list(world.campaign.ntm_criterion_set.criteria.order_by("number"))
    form = NtmStatusForm(
        {"level": "model", "criteria_met": [str(n) for n in TWELVE]},
        unit=world.commune_a,
        criteria=criteria,
    )
    assert not form.is_valid()
    assert "19/19" in form.errors["level"][0]

    url = reverse("campaigns:ntm-edit", args=[world.commune_a.pk, 2023])
    response = client_as("officer_a").post(
        url, {"level": "model", "criteria_met": [str(n) for n in TWELVE], "note": "Ghi chú"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "đòi hỏi xã đạt đủ 19/19 tiêu chí" in page
    assert "Ghi chú" in page  # what the officer typed stays on the page
    assert not NtmStatus.objects.exists()


def test_the_import_refuses_the_row_with_its_line(world):
    data = (
        "unit_code,year,criteria_met,level\n"
        f"XA-A,2023,{';'.join(map(str, ALL))},ntm\n"
        f"XA-B,2023,{';'.join(map(str, TWELVE))},model\n"
        "XA-A-T1,2023,1;2,ntm\n"
    ).encode()
    plan = run_import("ntm_status", data, "ntm.csv")
    assert not plan.ok
    by_line = {(e.line, e.column) for e in plan.errors}
    assert by_line == {(3, "level"), (4, "criteria_met")}
    assert NtmStatus.objects.count() == 0


def test_an_inconsistent_model_commune_cannot_rank_first(world):
    ntm_status_save(
        unit=world.commune_a, year=2023, level=NtmLevel.NTM, numbers=ALL, campaign=world.campaign
    )
    with pytest.raises(ValidationError):
        ntm_status_save(
            unit=world.commune_b,
            year=2023,
            level=NtmLevel.MODEL,
            numbers=TWELVE,
            campaign=world.campaign,
        )
    ntm_status_save(
        unit=world.commune_b,
        year=2023,
        level=NtmLevel.NONE,
        numbers=TWELVE,
        campaign=world.campaign,
    )
    rows = commune_ranking(2023, campaign=world.campaign).rows
    first = [r for r in rows if r.year == 2023 and r.rank == 1]
    assert [r.unit_id for r in first] == [world.commune_a.pk]
