"""Autosave of the self-assessment keeps every valid field: one out-of-range value is refused at
its place while the text typed beside it is saved; a refused full save keeps the input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import Assessment
from tests.campaigns import cycle_world as cw

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return cw.assessment(world.commune_a, world.campaign)


def _autosave(client, a, data):
    return client.post(reverse("campaigns:assessment-autosave", args=[a.pk]), data)


def test_autosave_with_one_invalid_field_saves_the_others_and_names_the_refused_field(
    client_as, draft
):
    percent = cw.item_no(draft, 2)
    data = cw.filled_post(
        draft,
        summary="Tóm tắt vừa gõ",
        **{f"i{percent.pk}_value": "150", f"i{percent.pk}_note": "Số liệu của 12 thôn"},
    )
    page = _autosave(client_as("officer_a"), draft, data).content.decode()

    # The valid fields are saved, including the note beside the refused percentage.
    assert Assessment.objects.get(pk=draft.pk).summary == "Tóm tắt vừa gõ"
    assert cw.item_no(draft, 5).value_text == "Mô hình tổ dân vận khéo"
    assert cw.item_no(draft, 3).value_number == Decimal(1_500_000_000)
    percent.refresh_from_db()
    assert percent.note == "Số liệu của 12 thôn"
    assert percent.self_score == Decimal(18)
    # The out-of-range value is not stored…
    assert percent.value_number is None
    # …and the answer names the field and says why, so the page can mark it in place.
    assert 'data-autosave-result="partial"' in page
    assert f'data-field="id_i{percent.pk}_value"' in page
    assert "Tỷ lệ không được vượt quá 100%." in page
    # The page gets the new revision, so the next autosave is not refused as stale.
    assert f'name="revision" value="{draft.revision + 1}"' in page


def test_autosave_with_every_field_valid_says_saved(client_as, draft):
    page = _autosave(client_as("officer_a"), draft, cw.filled_post(draft)).content.decode()
    assert 'data-autosave-result="saved"' in page
    assert "data-field=" not in page


def test_a_stale_autosave_with_an_invalid_field_writes_nothing(client_as, draft):
    client = client_as("officer_a")
    stale = cw.filled_post(draft)
    _autosave(client, draft, cw.filled_post(draft, summary="Bản đầu"))
    percent = cw.item_no(draft, 2)
    page = _autosave(
        client, draft, {**stale, "summary": "Bản sau", f"i{percent.pk}_value": "150"}
    ).content.decode()
    assert 'data-autosave-result="stale"' in page
    assert "vừa được" in page
    assert Assessment.objects.get(pk=draft.pk).summary == "Bản đầu"


def test_a_refused_full_save_keeps_the_input_and_says_it_is_unsaved(client_as, draft):
    percent = cw.item_no(draft, 2)
    data = cw.filled_post(draft, summary="Tóm tắt chưa lưu", **{f"i{percent.pk}_value": "150"})
    response = client_as("officer_a").post(
        reverse("campaigns:assessment-save", args=[draft.pk]), data
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tóm tắt chưa lưu" in page
    assert 'value="150"' in page
    # The page knows its fields hold unsaved input (the browser warns before leaving).
    assert "data-unsaved" in page
    assert Assessment.objects.get(pk=draft.pk).summary == ""
