"""The audit trail reads as Vietnamese (issue 17, item 4).

Every audited model is found by introspection (every model with simple_history's `history`), and
an event that changes every one of its columns is written the way `portal.audit` writes it (the
attribute name as the key, JSON-safe values: ids, ISO dates, lists). The trail page must show the
model's name, the columns' labels and the values in words: no internal field name, no `_id`, no
Python list or dict, no ISO date, no login name.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.models import registered_models

from portal.audit import append, audited_update
from portal.audit_display import NAME_LABELS, field_label, model_label, summarise_json
from portal.models import AuditEvent

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ROW = re.compile(r'<tr data-testid="audit-row"[^>]*>(.*?)</tr>', re.S)


def audited_models() -> list[type[models.Model]]:
    """Every model simple_history tracks (so every model portal.audit writes events for)."""
    found = {m for m in registered_models.values() if not m._meta.auto_created}
    return sorted(found, key=lambda m: m._meta.label_lower)


AUDITED = audited_models()


def _columns(model) -> list[models.Field]:
    """The columns an event may change (the row's own id is not one: it names the row)."""
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and not f.is_relation)]
    return [*fields, *model._meta.many_to_many]


def _samples(model, f: models.Field, users) -> tuple:
    """An old and a new value of this column, in the form portal.audit stores it."""
    person = users["secretariat"]
    if f.many_to_many:
        target = f.m2m_reverse_field_name()
        source = f.m2m_field_name()
        related = f.related_model._default_manager.first()
        return [], [{source: 1, target: related.pk if related else 424242}]
    if f.is_relation:
        related = f.related_model._default_manager.order_by("pk").first()
        if f.related_model is type(person):
            related = person
        return None, related.pk if related else 424242
    if f.choices:
        values = [str(k) for k, _ in f.flatchoices]
        return values[0], values[-1]
    if isinstance(f, models.BooleanField):
        return False, True
    if isinstance(f, models.DateTimeField):
        moment = dt.datetime(2025, 7, 1, 1, 30, tzinfo=dt.UTC)
        return None, moment.isoformat()
    if isinstance(f, models.DateField):
        return "2025-06-30", "2025-07-01"
    if isinstance(f, models.TimeField):
        return None, "08:30:00"
    if isinstance(f, models.JSONField):
        default = f.get_default()
        if isinstance(default, dict):
            return {}, {"muc_mot": 1, "muc_hai": [1, 2]}
        return [], [
            {"rule_id": 20, "kind": "rating_count", "status": "met", "text": "Đủ"},
            {"rule_id": 21, "kind": "years", "status": "not_met", "text": "Thiếu"},
        ]
    if isinstance(f, models.IntegerField):
        return 3, 120000000
    if isinstance(f, models.DecimalField | models.FloatField):
        return "3.00", "120000000.00"
    if isinstance(f, models.FileField):
        return "", "minh-chung/2025/bien_ban_hop.pdf"
    if isinstance(f, models.UUIDField):
        return None, str(uuid.UUID(int=7))
    return "Nội dung cũ", "Nội dung mới"


def _event_changing_everything(model, users, **kwargs) -> AuditEvent:
    changes = {}
    for f in _columns(model):
        old, new = _samples(model, f, users)
        changes[f.name if f.many_to_many else f.attname] = [old, new]
    existing = model._default_manager.order_by("pk").first()
    actor = users["secretariat"]
    return AuditEvent(
        at=timezone.now(),
        actor_id=actor.pk,
        actor_name=actor.username,
        model=model._meta.label_lower,
        object_id=str(existing.pk if existing else 31337),
        object_repr=str(existing) if existing else "",
        action=AuditEvent.Action.UPDATE,
        changes=changes,
        **kwargs,
    )


def _visible_rows(response) -> list[str]:
    page = response.content.decode()
    rows = []
    for raw in ROW.findall(page):
        text = html.unescape(re.sub(r"<[^>]+>", " ", raw))
        rows.append(re.sub(r"\s+", " ", text).replace(" :", ":"))
    return rows


def _internal_words(model) -> set[str]:
    words = {model._meta.label_lower, model._meta.model_name}
    for f in _columns(model):
        words |= {f.name, f.attname}
    return words


def test_every_audited_model_was_found():
    labels = {m._meta.label_lower for m in AUDITED}
    assert {"awards.nomination", "units.unit", "campaigns.assessment", "reports.report"} <= labels
    assert len(AUDITED) >= 30


@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m._meta.label_lower)
def test_every_column_of_every_audited_model_has_a_vietnamese_label(model):
    assert model_label(model._meta.label_lower) != model._meta.label_lower
    for f in _columns(model):
        label = field_label(f)
        assert label != f.name.replace("_", " "), f"{model.__name__}.{f.name}"
        assert label != "Thông tin khác", f"{model.__name__}.{f.name}: no label"


def test_the_trail_shows_every_change_of_every_audited_model_in_words(world, users, client_as):
    written = append(_event_changing_everything(model, users) for model in AUDITED)
    mine = {e.pk for e in written}
    response = client_as("secretariat").get(reverse("audit-list"))
    assert response.status_code == 200
    rows = _visible_rows(response)
    assert len(rows) >= len(AUDITED)
    by_model = {
        e.model: text
        for e, text in zip(response.context["page"], rows, strict=True)
        if e.pk in mine
    }
    for model in AUDITED:
        text = by_model[model._meta.label_lower]
        where = f"{model._meta.label_lower}: {text[:300]}"
        assert model_label(model._meta.label_lower) in text, where
        for f in _columns(model):
            assert field_label(f) in text, f"{f.name} unlabelled in {where}"
        for word in _internal_words(model):
            assert not re.search(rf"(?<![\w.]){re.escape(word)}(?![\w])", text), f"{word}: {where}"
        assert "_id" not in text, where
        assert "[" not in text, where
        assert "{" not in text, where
        assert not ISO_DATE.search(text), where
        assert "secretariat" not in text, where  # the actor's login name
        assert users["secretariat"].display_name in text, where


def test_values_are_written_the_vietnamese_way(world, users, client_as):
    unit = world.commune_a
    moment = dt.datetime(2025, 7, 1, 1, 30, tzinfo=dt.UTC)
    append(
        [
            AuditEvent(
                at=moment,
                actor_id=users["officer_a"].pk,
                actor_name="officer_a",
                model="units.unit",
                object_id=str(unit.pk),
                object_repr=str(unit),
                action=AuditEvent.Action.UPDATE,
                changes={
                    "name": ["Xã cũ", "Xã Phổ Thử A"],
                    "cluster_id": [None, unit.cluster_id],
                    "is_sample": [False, True],
                },
                unit_id=unit.pk,
            )
        ]
    )
    rows = _visible_rows(client_as("secretariat").get(reverse("audit-list")))
    (text,) = [row for row in rows if "Xã cũ" in row]
    assert "01/07/2025 08:30" in text
    assert users["officer_a"].display_name in text
    assert "officer_a" not in text
    assert "Tên đơn vị: Xã cũ → Xã Phổ Thử A" in text
    assert f"(trống) → {unit.cluster}" in text
    assert "Không → Có" in text


def test_a_nomination_moved_on_shows_status_labels_the_eligibility_in_words_and_a_link(
    world, users, client_as
):
    from tests.awards.access_rows_awards import nomination as make_nomination

    nomination = make_nomination(world, users)
    audited_update(
        type(nomination).objects.filter(pk=nomination.pk),
        actor=users["secretariat"],
        status="in_council",
        eligibility=[
            {"rule_id": 20, "kind": "rating_count", "status": "met", "text": "Đủ"},
            {"rule_id": 21, "kind": "years", "status": "met", "text": "Đủ"},
            {"rule_id": 22, "kind": "award", "status": "not_met", "text": "Thiếu"},
            {"rule_id": 23, "kind": "facts", "status": "met", "text": "Đủ"},
        ],
    )
    response = client_as("secretariat").get(reverse("audit-list"), {"model": "awards.nomination"})
    text = _visible_rows(response)[0]
    assert "Trạng thái:" in text
    assert "→ Đang trình Hội đồng" in text
    assert "Đạt 3/4 tiêu chuẩn" in text
    assert "in_council" not in text
    assert "rule_id" not in text
    assert nomination.get_absolute_url() in response.content.decode()
    assert "Đề nghị khen thưởng" in text
    assert "awards.nomination" not in text


def test_a_campaign_event_links_to_the_campaign_page_named_by_its_code(world, users, client_as):
    campaign = world.campaign
    append(
        [
            AuditEvent(
                at=timezone.now(),
                actor_id=users["secretariat"].pk,
                actor_name="secretariat",
                model="campaigns.campaign",
                object_id=str(campaign.pk),
                object_repr=str(campaign),
                action=AuditEvent.Action.UPDATE,
                changes={"status": ["active", "closed"]},
            )
        ]
    )
    page = client_as("secretariat").get(reverse("audit-list"), {"model": "campaigns.campaign"})
    assert f'href="{campaign.get_absolute_url()}"' in page.content.decode()


def test_summaries_of_json_values():
    assert summarise_json([]) == "(trống)"
    assert summarise_json([{"status": "met"}, {"status": "not_met"}]) == "Đạt 1/2 tiêu chuẩn"
    assert summarise_json(["individual", "collective"]) == "2 mục"
    assert summarise_json({"a": 1}) == "1 mục thông tin"


def test_the_page_reads_a_constant_number_of_queries(world, users, client_as):
    """Every audited model on one page, each event changing every column: the queries do not
    grow with the events (one for the actors, one for the newest event of every row named, one
    per related model whose rows have no events)."""
    client = client_as("secretariat")
    append(_event_changing_everything(model, users) for model in AUDITED)
    client.get(reverse("audit-list"))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("audit-list"))
    append(_event_changing_everything(model, users) for model in AUDITED[:20])
    client.get(reverse("audit-list"))  # writes renewed the desk (portal.desk)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("audit-list"))
    assert len(more) == len(few)
    # At worst one query per related model (here every foreign key points at a row without
    # audit events, so every name is read from its table), plus the page's own ten.
    related = {f.related_model for m in AUDITED for f in _columns(m) if f.is_relation}
    assert len(few) <= 10 + len(related)


def test_an_officer_sees_names_and_links_for_their_own_units_only(world, users, client_as):
    client_as("secretariat").post(
        reverse("units:unit-edit", args=[world.commune_a.pk]),
        {"code": "XA-A", "name": "Xã Phổ Thử A mới", "kind": "commune", "seen": _seen(world)},
    )
    response = client_as("officer_a").get(reverse("audit-list"))
    text = " ".join(_visible_rows(response))
    assert "Xã Phổ Thử A mới" in text
    assert users["secretariat"].display_name in text
    assert reverse("units:unit-detail", args=[world.commune_a.pk]) in response.content.decode()


def _seen(world):
    from portal.concurrency import seen_token

    return seen_token(world.commune_a)


def test_the_filter_names_models_and_finds_people_by_name(world, users, client_as):
    append([_event_changing_everything(AUDITED[0], users)])
    client = client_as("secretariat")
    response = client.get(reverse("audit-list"))
    choices = dict(response.context["filter"].form.fields["model"].choices)
    assert all("." not in label for key, label in choices.items() if key)
    found = client.get(reverse("audit-list"), {"actor": users["secretariat"].full_name[:8]})
    assert found.context["page"].paginator.count >= 1


def test_name_labels_cover_only_real_columns():
    names = {f.name for m in AUDITED for f in _columns(m)}
    assert set(NAME_LABELS) <= names
