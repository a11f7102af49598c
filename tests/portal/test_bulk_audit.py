"""Rows written in bulk (the award catalogue, imports) are recorded exactly as rows saved one by
one: a historical record and an audit event each, on an unbroken chain; a loader run again
writes and logs nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from awards.models import AwardTier, BonusRate, EligibilityRule, TierPower, VoteRule
from awards.tiers import load_tiers
from portal import figures_cache
from portal.audit import create_audited, verify_chain
from portal.bulk import upsert_audited
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db


def _tier(code: str) -> AwardTier:
    return AwardTier(
        code=code,
        name=f"Giấy khen {code}",
        kind="form",
        level="commune",
        authority="Chủ tịch UBND phường",
        decided_locally=True,
        nominee_kinds=["individual"],
    )


def _event_body(event: AuditEvent) -> dict:
    changes = {k: v for k, v in event.changes.items() if k != "id"}
    return {"model": event.model, "action": event.action, "changes": changes}


def test_a_bulk_insert_records_the_same_history_and_events_as_saving_one_by_one():
    one = _tier("mot-mot")
    one.save()
    saved = AuditEvent.objects.get(model="awards.awardtier", object_id=str(one.pk))

    rows = create_audited(AwardTier, [_tier("mot-hai"), _tier("mot-ba")])

    events = list(AuditEvent.objects.filter(model="awards.awardtier").order_by("pk"))
    assert [e.object_id for e in events] == [str(one.pk), *(str(r.pk) for r in rows)]
    body = _event_body(saved)
    body["changes"] = {
        **body["changes"],
        "code": [None, "mot-hai"],
        "name": [None, "Giấy khen mot-hai"],
    }
    assert _event_body(events[1]) == body
    assert AwardTier.history.filter(code__in=["mot-hai", "mot-ba"], history_type="+").count() == 2
    checked, breaks = verify_chain()
    assert (checked, breaks) == (AuditEvent.objects.count(), [])


def test_a_bulk_insert_renews_every_desk():
    before = figures_cache.data_version()
    create_audited(AwardTier, [_tier("bon")])
    assert figures_cache.data_version() != before


def test_a_transaction_of_many_audited_writes_renews_the_desks_once_more_when_it_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        seen = set()
        for code in ("nam", "sau", "bay"):  # one audit event each, as per-row saves write
            create_audited(AwardTier, [_tier(code)])
            seen.add(figures_cache.data_version())
    assert len(seen) == 3  # each write renews the desks at once…
    assert callbacks == [figures_cache.bump]  # …and the commit once more, not once per row
    assert figures_cache.data_version() not in seen


def test_the_award_catalogue_loaded_twice_writes_and_logs_nothing_the_second_time():
    load_tiers()
    counts = {
        model: model.objects.count()
        for model in (AwardTier, VoteRule, EligibilityRule, TierPower, BonusRate)
    }
    assert all(counts.values()), counts
    events, history = AuditEvent.objects.count(), AwardTier.history.count()
    tracked = (AwardTier, VoteRule, EligibilityRule, TierPower)  # bonus rates keep no history
    assert events == sum(counts[m] for m in tracked)  # one event per row

    load_tiers()

    assert {m: m.objects.count() for m in counts} == counts
    assert (AuditEvent.objects.count(), AwardTier.history.count()) == (events, history)
    assert verify_chain()[1] == []


def test_a_changed_default_is_saved_with_its_own_history_and_the_rest_left_alone():
    load_tiers()
    power = TierPower.objects.order_by("pk").first()
    power.legal_basis = "Sửa tay"
    power.save()
    events = AuditEvent.objects.count()

    created, updated = upsert_audited(
        TierPower,
        [
            {
                "tier_id": power.tier_id,
                "level": power.level,
                "valid_from": power.valid_from,
                "valid_to": power.valid_to,
                "legal_basis": "Căn cứ mới",
            },
            {
                "tier_id": power.tier_id,
                "level": power.level,
                "valid_from": datetime.date(2030, 1, 1),
                "valid_to": None,
                "legal_basis": "Từ năm 2030",
            },
        ],
        key=("tier_id", "level", "valid_from"),
    )

    assert (created, updated) == (1, 1)
    power.refresh_from_db()
    assert power.legal_basis == "Căn cứ mới"
    assert AuditEvent.objects.count() == events + 2
    newest = AuditEvent.objects.order_by("-pk").values_list("action", flat=True)
    assert list(newest[:2]) == ["+", "~"]
