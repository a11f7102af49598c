"""Two people on one registration or extension request: a save from a page opened before
someone else's save is refused on a field both changed (who, the first value kept, the input
still on the page) and merged when they changed different fields."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from campaigns.models import ExtensionRequest, Registration
from portal.roles import Role
from tests.campaigns import cycle_world as cw
from tests.factories import CAMPAIGN_CODE as CODE
from tests.factories import UserFactory
from tests.pageforms import assert_refused, form_data

pytestmark = pytest.mark.django_db


def _signed_in(client_as, user):
    client = client_as("anonymous")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def two_officers(world, users, client_as):
    users["officer_a"].full_name = "Lê Thị Cán Bộ"
    users["officer_a"].save()
    colleague = UserFactory(
        username="officer_a2", roles=[Role.UNIT_OFFICER], units=[world.commune_a]
    )
    return client_as("officer_a"), _signed_in(client_as, colleague)


def test_a_registration_saved_from_an_older_page_is_refused_on_the_same_field(world, two_officers):
    a, b = two_officers
    registration = cw.registration(world.commune_a, world.campaign)
    url = reverse("campaigns:registration-edit", args=[registration.pk])
    page_a, page_b = form_data(a.get(url)), form_data(b.get(url))

    assert a.post(url, {**page_a, "commitments": "Đạt 19/19 tiêu chí"}).status_code == 302
    response = b.post(url, {**page_b, "commitments": "Giữ vững 17 tiêu chí"})

    assert_refused(response, who="Lê Thị Cán Bộ", typed="Giữ vững 17 tiêu chí")
    assert Registration.objects.get().commitments == "Đạt 19/19 tiêu chí"


def test_a_registration_keeps_both_changes_to_different_fields(world, two_officers):
    a, b = two_officers
    registration = cw.registration(world.commune_a, world.campaign)
    url = reverse("campaigns:registration-edit", args=[registration.pk])
    page_a, page_b = form_data(a.get(url)), form_data(b.get(url))

    assert a.post(url, {**page_a, "commitments": "Đạt 19/19 tiêu chí"}).status_code == 302
    assert b.post(url, {**page_b, "villages_to_standard": "3"}).status_code == 302

    registration.refresh_from_db()
    assert registration.commitments == "Đạt 19/19 tiêu chí"
    assert registration.villages_to_standard == 3


def test_an_extension_decided_from_an_older_list_is_refused_and_the_first_decision_stays(
    world, users, client_as
):
    users["secretariat"].full_name = "Nguyễn Thị Thường Trực"
    users["secretariat"].save()
    a = client_as("secretariat")
    b = _signed_in(client_as, UserFactory(username="secretariat_2", roles=[Role.SECRETARIAT]))
    ext = cw.extension(world.commune_a, world.campaign)
    page = reverse("campaigns:extension-list", args=[CODE])
    action = reverse("campaigns:extension-decide", args=[ext.pk])
    page_a, page_b = form_data(a.get(page), action=action), form_data(b.get(page), action=action)

    a.post(action, {**page_a, "decision": "grant", "until": "2027-01-15"})
    response = b.post(action, {**page_b, "decision": "refuse", "note": "Không đủ căn cứ"})

    assert_refused(response, who="Nguyễn Thị Thường Trực", typed="Không đủ căn cứ", endorsing=True)
    ext = ExtensionRequest.objects.get()
    assert ext.status == "granted"
    assert ext.until == datetime.date(2027, 1, 15)
