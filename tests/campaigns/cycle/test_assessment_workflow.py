"""The self-assessment lifecycle through the services: draft → submitted → returned → submitted →
approved (→ reopened), the illegal moves, locking, concurrent edits, history, deadlines."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.cycle import rules, services
from campaigns.models import (
    Assessment,
    AssessmentStatus,
    CriteriaSetStatus,
    ExtensionStatus,
    TargetGroup,
)
from tests.campaigns import cycle_world as cw
from tests.factories import UnitFactory
from units.models import UnitKind

pytestmark = pytest.mark.django_db


def _fill(a, user, **item_overrides):
    """Save every item with points claimed, and evidence on the required one."""
    items = {}
    for item in a.items.select_related("criterion"):
        items[item.pk] = {
            "self_score": item.criterion.max_points - 2,
            "note": "",
            **item_overrides.get(item.criterion.number, {}),
        }
    services.assessment_save(assessment=a, revision=a.revision, items=items, by=user)
    cw.evidence(cw.item_no(a, 1))
    a.refresh_from_db()
    return a


@pytest.fixture
def draft(world):
    return cw.assessment(world.commune_a, world.campaign)


def test_unit_kinds_map_to_the_plans_target_groups():
    assert rules.target_group_for(UnitKind.DEPARTMENT) == TargetGroup.ORGANISATIONS
    assert rules.target_group_for(UnitKind.MASS_ORGANISATION) == TargetGroup.ORGANISATIONS
    assert rules.target_group_for(UnitKind.COMMUNE) == TargetGroup.COMMUNES
    assert rules.target_group_for(UnitKind.VILLAGE) == TargetGroup.VILLAGES
    assert rules.target_group_for(UnitKind.COOPERATIVE) == TargetGroup.ENTERPRISES
    assert rules.target_group_for(UnitKind.OTHER_ORGANISATION) == TargetGroup.OTHERS


def test_the_latest_version_valid_in_the_year_applies(world):
    v1 = cw.criteria_set(world.campaign, valid_from=datetime.date(2022, 7, 1))
    v2 = cw.criteria_set(world.campaign, version=2, valid_from=datetime.date(2024, 1, 1))
    pick = rules.criteria_set_for
    assert pick(campaign=world.campaign, kind=UnitKind.COMMUNE, year=2023) == v1
    assert pick(campaign=world.campaign, kind=UnitKind.COMMUNE, year=2025) == v2
    # Before any version was issued, the first one covers the campaign's early years.
    assert pick(campaign=world.campaign, kind=UnitKind.COMMUNE, year=2021) == v1


def test_starting_an_assessment_locks_its_criteria_set_and_ties_the_version(world):
    cs = cw.criteria_set(world.campaign)
    assert cs.status == CriteriaSetStatus.EDITABLE
    a = services.assessment_start(campaign=world.campaign, unit=world.commune_a, year=2024, by=None)
    cs.refresh_from_db()
    assert cs.status == CriteriaSetStatus.IN_USE
    assert a.criteria_set == cs
    assert a.items.count() == 5
    # Starting again opens the same assessment.
    again = services.assessment_start(
        campaign=world.campaign, unit=world.commune_a, year=2024, by=None
    )
    assert again.pk == a.pk


def test_a_year_outside_the_campaign_is_refused(world):
    cw.criteria_set(world.campaign)
    with pytest.raises(ValidationError, match="ngoài thời gian"):
        services.assessment_start(campaign=world.campaign, unit=world.commune_a, year=2030, by=None)


def test_full_cycle_submit_return_resubmit_approve(draft, officer_a, secretariat):
    a = _fill(draft, officer_a)
    services.assessment_submit(assessment=a, by=officer_a)
    assert a.status == AssessmentStatus.SUBMITTED
    assert not a.is_late
    item5 = cw.item_no(a, 5)
    services.review_save(
        assessment=a,
        scores={item5.pk: {"reviewer_comment": "Bổ sung minh chứng", "returned": True}},
        by=secretariat,
    )
    services.assessment_return(assessment=a, reason="Thiếu minh chứng", by=secretariat)
    assert a.status == AssessmentStatus.RETURNED
    # Only the returned criterion is open now.
    assert services.editable_item_ids(a) == {item5.pk}
    services.assessment_save(
        assessment=a,
        revision=a.revision,
        items={
            item5.pk: {"value_text": "Đã bổ sung", "self_score": Decimal(3), "note": "x"},
            cw.item_no(a, 1).pk: {"self_score": Decimal(0)},  # closed item: ignored
        },
        by=officer_a,
    )
    assert cw.item_no(a, 1).self_score == Decimal(18)
    services.assessment_submit(assessment=a, by=officer_a)
    services.assessment_approve(assessment=a, by=secretariat)
    a.refresh_from_db()
    assert a.status == AssessmentStatus.APPROVED
    assert a.is_locked
    # Unscored items keep the self-score as the reviewer's score.
    assert cw.item_no(a, 2).reviewer_score == Decimal(18)
    reasons = list(a.history.values_list("history_change_reason", flat=True))
    assert "Duyệt" in reasons
    assert "Trả lại: Thiếu minh chứng" in reasons
    assert "Nộp lại sau khi bổ sung" in reasons
    # The history names who submitted and who approved, in Vietnamese, not by user id.
    from campaigns.cycle.selectors import assessment_history

    approval = next(e for e in assessment_history(a) if e.reason == "Duyệt")
    assert ("Người duyệt", "—", secretariat.display_name) in approval.changes
    submissions = [c for e in assessment_history(a) for c in e.changes if c[0] == "Người nộp"]
    assert submissions
    assert submissions[-1][2] == officer_a.display_name


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (AssessmentStatus.DRAFT, "approve"),
        (AssessmentStatus.DRAFT, "return"),
        (AssessmentStatus.RETURNED, "approve"),
        (AssessmentStatus.APPROVED, "return"),
        (AssessmentStatus.APPROVED, "approve"),
        (AssessmentStatus.SUBMITTED, "reopen"),
        (AssessmentStatus.DRAFT, "reopen"),
        (AssessmentStatus.SUBMITTED, "submit"),
        (AssessmentStatus.APPROVED, "submit"),
    ],
)
def test_illegal_transitions_are_refused(world, officer_a, secretariat, status, action):
    a = cw.assessment(world.commune_a, world.campaign)
    a = _fill(a, officer_a)
    Assessment.objects.filter(pk=a.pk).update(status=status)
    a.refresh_from_db()
    calls = {
        "approve": lambda: services.assessment_approve(assessment=a, by=secretariat),
        "return": lambda: services.assessment_return(assessment=a, reason="x", by=secretariat),
        "reopen": lambda: services.assessment_reopen(assessment=a, reason="x", by=secretariat),
        "submit": lambda: services.assessment_submit(assessment=a, by=officer_a),
    }
    with pytest.raises(ValidationError):
        calls[action]()
    assert Assessment.objects.get(pk=a.pk).status == status


def test_return_and_reopen_need_a_reason(draft, officer_a, secretariat):
    a = _fill(draft, officer_a)
    services.assessment_submit(assessment=a, by=officer_a)
    with pytest.raises(ValidationError, match="lý do"):
        services.assessment_return(assessment=a, reason="  ", by=secretariat)
    services.assessment_approve(assessment=a, by=secretariat)
    with pytest.raises(ValidationError, match="lý do"):
        services.assessment_reopen(assessment=a, reason="", by=secretariat)
    services.assessment_reopen(assessment=a, reason="Phát hiện sai số liệu", by=secretariat)
    assert a.status == AssessmentStatus.SUBMITTED
    assert a.history.filter(history_change_reason__contains="Phát hiện sai số liệu").exists()


def test_only_the_secretariat_reopens(draft, officer_a, secretariat, users):
    a = _fill(draft, officer_a)
    services.assessment_submit(assessment=a, by=officer_a)
    services.assessment_approve(assessment=a, by=users["economic_office"])
    with pytest.raises(PermissionDenied):
        services.assessment_reopen(assessment=a, reason="x", by=users["economic_office"])


def test_a_reduction_needs_a_reason(draft, officer_a, secretariat):
    a = _fill(draft, officer_a)
    services.assessment_submit(assessment=a, by=officer_a)
    item = cw.item_no(a, 2)  # self-score 18
    with pytest.raises(ValidationError, match="lý do"):
        services.review_save(
            assessment=a, scores={item.pk: {"reviewer_score": Decimal(10)}}, by=secretariat
        )
    services.review_save(
        assessment=a,
        scores={item.pk: {"reviewer_score": Decimal(10), "reviewer_comment": "Chỉ đạt 60%"}},
        by=secretariat,
    )
    assert cw.item_no(a, 2).reviewer_score == Decimal(10)


def test_economic_office_reviews_only_communes_and_villages(world, users):
    dept = world.department
    cw.criteria_set(world.campaign, TargetGroup.ORGANISATIONS)
    a = services.assessment_start(campaign=world.campaign, unit=dept, year=2025, by=None)
    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.SUBMITTED)
    a.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.assessment_approve(assessment=a, by=users["economic_office"])
    services.assessment_approve(assessment=a, by=users["secretariat"])


def test_an_approved_assessment_is_locked(draft, officer_a, secretariat):
    a = _fill(draft, officer_a)
    services.assessment_submit(assessment=a, by=officer_a)
    services.assessment_approve(assessment=a, by=secretariat)
    item = cw.item_no(a, 2)
    with pytest.raises(ValidationError, match="Đã duyệt"):
        services.assessment_save(
            assessment=a, revision=a.revision, items={item.pk: {"note": "sửa"}}, by=officer_a
        )
    with pytest.raises(ValidationError):
        services.evidence_add(item=item, upload=SimpleUploadedFile("a.pdf", cw.PDF), by=officer_a)
    assert cw.item_no(a, 2).note == ""


def test_a_stale_save_is_refused_and_overwrites_nothing(draft, officer_a, users):
    colleague = users["officer_a"]
    item = cw.item_no(draft, 2)
    loaded_revision = draft.revision
    services.assessment_save(
        assessment=draft,
        revision=loaded_revision,
        items={item.pk: {"note": "Bản của người thứ nhất"}},
        by=colleague,
    )
    stale = Assessment.objects.get(pk=draft.pk)
    with pytest.raises(ValidationError) as exc:
        services.assessment_save(
            assessment=stale,
            revision=loaded_revision,
            items={item.pk: {"note": "Bản của người thứ hai"}},
            by=officer_a,
        )
    assert "vừa được" in exc.value.messages[0]
    assert "tải lại" in exc.value.messages[0]
    assert cw.item_no(draft, 2).note == "Bản của người thứ nhất"


def test_every_save_leaves_history_with_who(draft, officer_a):
    item = cw.item_no(draft, 2)
    before = item.history.count()
    services.assessment_save(
        assessment=draft,
        revision=draft.revision,
        items={item.pk: {"value_number": Decimal(75), "self_score": Decimal(15)}},
        by=officer_a,
    )
    from campaigns.cycle.selectors import assessment_history

    assert item.history.count() == before + 1
    entries = assessment_history(draft)
    changed = [e for e in entries if e.what.startswith("Tiêu chí 2")]
    assert changed
    assert ("Điểm tự chấm", "—", "15") in changed[0].changes


def test_submission_needs_scores_and_required_evidence(draft, officer_a):
    with pytest.raises(ValidationError) as exc:
        services.assessment_submit(assessment=draft, by=officer_a)
    assert any("chưa tự chấm" in m for m in exc.value.messages)
    items = {i.pk: {"self_score": Decimal(1)} for i in draft.items.all()}
    services.assessment_save(assessment=draft, revision=draft.revision, items=items, by=officer_a)
    with pytest.raises(ValidationError) as exc:
        services.assessment_submit(assessment=draft, by=officer_a)
    assert exc.value.messages == ["Tiêu chí 1: bắt buộc có minh chứng khi tự chấm điểm."]
    cw.evidence(cw.item_no(draft, 1))
    services.assessment_submit(assessment=draft, by=officer_a)


def test_out_of_range_values_are_refused_by_the_service(draft, officer_a):
    for number, values in [
        (2, {"value_number": Decimal(101)}),
        (3, {"value_number": Decimal(-1)}),
        (4, {"self_score": Decimal(16)}),
    ]:
        with pytest.raises(ValidationError):
            services.assessment_save(
                assessment=draft,
                revision=Assessment.objects.get(pk=draft.pk).revision,
                items={cw.item_no(draft, number).pk: values},
                by=officer_a,
            )


# --- Deadlines and extensions ----------------------------------------------------------------


def test_after_the_deadline_a_unit_cannot_start_or_submit(world, officer_a, monkeypatch):
    cw.criteria_set(world.campaign)
    cw.deadline(world.campaign, 2025, datetime.date(2025, 11, 30))
    monkeypatch.setattr(services, "_today", lambda: datetime.date(2025, 12, 5))
    with pytest.raises(ValidationError, match="quá hạn"):
        services.assessment_start(
            campaign=world.campaign, unit=world.commune_a, year=2025, by=officer_a
        )


def test_an_extension_opens_the_period_for_that_unit_only(
    world, officer_a, secretariat, monkeypatch
):
    cw.criteria_set(world.campaign)
    cw.deadline(world.campaign, 2025, datetime.date(2025, 11, 30))
    monkeypatch.setattr(services, "_today", lambda: datetime.date(2025, 12, 5))
    request = services.extension_request(
        campaign=world.campaign,
        unit=world.commune_a,
        year=2025,
        reason="Chờ số liệu tỉnh",
        by=officer_a,
    )
    with pytest.raises(ValidationError, match="sau hạn"):
        services.extension_decide(
            extension=request, grant=True, until=datetime.date(2025, 11, 1), by=secretariat
        )
    services.extension_decide(
        extension=request, grant=True, until=datetime.date(2025, 12, 20), by=secretariat
    )
    assert request.status == ExtensionStatus.GRANTED
    a = services.assessment_start(
        campaign=world.campaign, unit=world.commune_a, year=2025, by=officer_a
    )
    a = _fill(a, officer_a)
    services.assessment_submit(assessment=a, by=officer_a)
    assert not a.is_late  # inside its granted extension
    assert a.extension_until == datetime.date(2025, 12, 20)
    # Commune B has no extension: still locked.
    with pytest.raises(ValidationError, match="quá hạn"):
        services.assessment_start(campaign=world.campaign, unit=world.commune_b, year=2025, by=None)


def test_a_refusal_needs_a_reason_and_decides_once(world, officer_a, secretariat):
    request = services.extension_request(
        campaign=world.campaign, unit=world.commune_a, year=2025, reason="x", by=officer_a
    )
    with pytest.raises(ValidationError):
        services.extension_decide(extension=request, grant=False, note="", by=secretariat)
    services.extension_decide(
        extension=request, grant=False, note="Không có lý do chính đáng", by=secretariat
    )
    with pytest.raises(ValidationError, match="đã được xem xét"):
        services.extension_decide(
            extension=request, grant=True, until=datetime.date(2026, 1, 1), by=secretariat
        )


def test_on_time_submission_is_not_late(world, officer_a, monkeypatch):
    cw.deadline(world.campaign, 2025, datetime.date(2025, 11, 30))
    monkeypatch.setattr(services, "_today", lambda: datetime.date(2025, 11, 30))
    a = _fill(cw.assessment(world.commune_a, world.campaign), officer_a)
    services.assessment_submit(assessment=a, by=officer_a)
    assert not a.is_late


def test_registration_is_one_per_unit_and_year(world, officer_a):
    r1 = services.registration_save(
        campaign=world.campaign,
        unit=world.commune_a,
        year=2024,
        commitments="Đạt chuẩn NTM nâng cao",
        target_level="advanced",
        villages_to_standard=2,
        by=officer_a,
    )
    r2 = services.registration_save(
        campaign=world.campaign,
        unit=world.commune_a,
        year=2024,
        commitments="Đạt chuẩn NTM kiểu mẫu",
        target_level="model",
        by=officer_a,
    )
    assert r1.pk == r2.pk
    assert r2.target_level == "model"
    with pytest.raises(ValidationError):
        services.registration_save(
            campaign=world.campaign, unit=world.commune_a, year=2019, commitments="x", by=None
        )
    # Only communes register a target level.
    dept = services.registration_save(
        campaign=world.campaign,
        unit=UnitFactory(kind=UnitKind.DEPARTMENT),
        year=2024,
        commitments="Hoàn thành nhiệm vụ",
        target_level="model",
        by=None,
    )
    assert dept.target_level == ""


def test_each_transition_leaves_one_audit_event_on_the_assessment(draft, officer_a, secretariat):
    """Issue 8 item 4: a save/submit/return/approve/reopen is one write of the assessment, so
    one history row and one audit event naming who did it, the old and new status and why."""
    from portal.models import AuditEvent

    a = _fill(draft, officer_a)

    def step(do, by, reason, status):
        events = AuditEvent.objects.filter(model="campaigns.assessment", object_id=str(a.pk))
        before, history_before = events.count(), a.history.count()
        do()
        assert events.count() == before + 1
        assert a.history.count() == history_before + 1
        event = events.latest("id")
        assert (event.actor_id, event.reason) == (by.pk, reason)
        assert event.changes["revision"][1] == event.changes["revision"][0] + 1
        if status:
            assert event.changes["status"][1] == status
        latest = a.history.first()
        assert (latest.history_user_id, latest.history_change_reason) == (by.pk, reason)

    step(
        lambda: services.assessment_save(
            assessment=a, revision=a.revision, items={}, summary="Tóm tắt", by=officer_a
        ),
        officer_a,
        "Lưu nháp",
        None,
    )
    step(
        lambda: services.assessment_submit(assessment=a, by=officer_a),
        officer_a,
        "Nộp",
        AssessmentStatus.SUBMITTED,
    )
    step(
        lambda: services.assessment_return(assessment=a, reason="Thiếu số liệu", by=secretariat),
        secretariat,
        "Trả lại: Thiếu số liệu",
        AssessmentStatus.RETURNED,
    )
    step(
        lambda: services.assessment_submit(assessment=a, by=officer_a),
        officer_a,
        "Nộp lại sau khi bổ sung",
        AssessmentStatus.SUBMITTED,
    )
    step(
        lambda: services.assessment_approve(assessment=a, by=secretariat),
        secretariat,
        "Duyệt",
        AssessmentStatus.APPROVED,
    )
    step(
        lambda: services.assessment_reopen(assessment=a, reason="Sai số liệu", by=secretariat),
        secretariat,
        "Mở lại bản đã duyệt: Sai số liệu",
        AssessmentStatus.SUBMITTED,
    )
    # A stale save loses and writes nothing.
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.assessment_save(
            assessment=a, revision=a.revision - 1, items={}, summary="Cũ", by=officer_a
        )
    assert AuditEvent.objects.count() == before


def test_a_long_history_shows_its_newest_changes_with_their_diffs_and_no_gap(draft, officer_a):
    """Autosave adds records all season; the page reads only the newest ones, yet shows the
    same newest entries, with each one's before → after, as reading everything would."""
    from campaigns.cycle.selectors import assessment_history

    items = {n: cw.item_no(draft, n) for n in (2, 3, 4, 5)}

    def save(values: dict[int, int]) -> None:
        draft.refresh_from_db()
        services.assessment_save(
            assessment=draft,
            revision=draft.revision,
            items={items[n].pk: {"value_number": Decimal(v)} for n, v in values.items()},
            by=officer_a,
        )

    save({3: 1})  # criterion 3 once, early on
    for step in range(2, 7):  # then three other criteria at a time
        save({2: step, 4: step, 5: step})
    save({3: 7, 2: 7})  # criterion 3 again, long after
    everything = assessment_history(draft, limit=10_000)
    newest = assessment_history(draft, limit=5)
    assert 0 < len(newest) <= 5
    assert newest == everything[: len(newest)]  # the same entries, newest first, no gap
    # Criterion 3's change is diffed against its record from the first save, which the
    # newest five records of the stream do not hold.
    (third,) = [e for e in newest if e.what.startswith("Tiêu chí 3")]
    assert third.changes == [("Giá trị", "1", "7")]
    # Saves that change nothing shown (here: only the time stamp) leave records without an
    # entry; the newest records are then all such, and the older changes are still shown.
    for _ in range(6):
        draft.save(update_fields=["updated_at"])
    assert assessment_history(draft, limit=10_000) == everything
    assert assessment_history(draft, limit=5) == everything[:5]
    # Once every stream is read whole, nothing is cut.
    assert assessment_history(draft, limit=len(everything) * 3 + 10) == everything
