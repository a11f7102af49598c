""" "Đăng ký mới" for a year the unit has already registered never replaces the registration
silently (issue #14, item 14): the page says a registration exists and asks to confirm; once
confirmed, the earlier registration stays in the history shown on the registration page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.cycle import services
from campaigns.models import Registration
from portal.concurrency import seen_token
from tests.factories import CAMPAIGN_CODE as CODE

pytestmark = pytest.mark.django_db


def _new(client, world, commitments, **extra):
    return client.post(
        reverse("campaigns:registration-create", args=[CODE]),
        {
            "unit": world.commune_a.pk,
            "year": 2024,
            "commitments": commitments,
            "target_level": "ntm",
            **extra,
        },
    )


def test_a_new_registration_for_a_registered_year_asks_before_replacing(client_as, world):
    officer = client_as("officer_a")
    assert _new(officer, world, "Đạt chuẩn NTM năm 2024").status_code == 302

    response = _new(officer, world, "Giữ vững 19 tiêu chí, phấn đấu nâng cao")
    assert response.status_code == 200
    page = response.content.decode()
    assert "đã có đăng ký thi đua năm 2024" in page
    assert 'name="replace"' in page
    assert "Giữ vững 19 tiêu chí" in page  # what was typed stays on the page
    registration = Registration.objects.get()
    assert registration.commitments == "Đạt chuẩn NTM năm 2024"

    response = _new(officer, world, "Giữ vững 19 tiêu chí, phấn đấu nâng cao", replace="on")
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.commitments == "Giữ vững 19 tiêu chí, phấn đấu nâng cao"
    assert Registration.objects.count() == 1

    page = officer.get(reverse("campaigns:registration-edit", args=[registration.pk]))
    history = page.content.decode().split('data-testid="registration-history"')[1]
    assert "Đạt chuẩn NTM năm 2024" in history  # the earlier registration is kept
    assert "Thay thế đăng ký đã có" in history


def test_editing_a_registration_needs_no_confirmation(client_as, world):
    officer = client_as("officer_a")
    _new(officer, world, "Đạt chuẩn NTM năm 2024")
    registration = Registration.objects.get()
    response = officer.post(
        reverse("campaigns:registration-edit", args=[registration.pk]),
        {
            "unit": world.commune_a.pk,
            "year": 2024,
            "commitments": "Sửa lại nội dung",
            "seen": seen_token(registration),
        },
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.commitments == "Sửa lại nội dung"


def test_the_service_refuses_a_silent_replacement(world, officer_a):
    kwargs = {"campaign": world.campaign, "unit": world.commune_a, "year": 2024, "by": officer_a}
    services.registration_save(commitments="Lần đầu", replace=False, **kwargs)
    with pytest.raises(ValidationError, match="đã có đăng ký thi đua năm 2024"):
        services.registration_save(commitments="Lần hai", replace=False, **kwargs)
    assert Registration.objects.get().commitments == "Lần đầu"
    services.registration_save(commitments="Lần hai", replace=True, **kwargs)
    reg = Registration.objects.get()
    assert [h.commitments for h in reg.history.order_by("history_date")] == ["Lần đầu", "Lần hai"]
