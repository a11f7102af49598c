"""Nomination lifecycle: every step, and every illegal transition refused with nothing changed."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from awards.council.services import (
    session_add_item,
    session_close,
    session_open,
    session_set_attendance,
    vote_cast,
)
from awards.decisions.services import decision_create, decision_sign, letter_answer, letter_create
from awards.models import Award, AwardDecision, Exemplar, Nomination, NominationStatus, PendingCase
from awards.nominations.services import (
    consultation_open,
    nomination_check,
    nomination_create,
    nomination_document_add,
    nomination_reject,
    nomination_return,
    nomination_submit,
)
from portal.uploads import bytes_upload

from .conftest import PDF, add_documents, everyone_present

S = NominationStatus


def _status(n):
    return Nomination.objects.get(pk=n.pk).status


def test_a_tier_refuses_a_nominee_kind_it_does_not_accept(world, users, tiers):
    with pytest.raises(ValidationError, match="không xét cho đối tượng tập thể"):
        nomination_create(
            by=users["secretariat"],
            campaign=world.campaign,
            tier=tiers["chien-si-thi-dua-co-so"],
            proposer_unit=world.commune_a,
            period_kind="year",
            period_year=2024,
            achievements="x",
            unit=world.commune_a,
        )
    assert not Nomination.objects.exists()


def test_missing_required_document_refuses_submission(make_nomination, users):
    n = make_nomination(S.DRAFT)
    nomination_document_add(
        nomination=n,
        kind="submission_letter",
        upload=bytes_upload("to-trinh.pdf", PDF),
        by=users["secretariat"],
    )
    with pytest.raises(ValidationError, match="Báo cáo thành tích"):
        nomination_submit(nomination=n, by=users["secretariat"])
    assert _status(n) == S.DRAFT


def test_a_dossier_file_must_be_what_it_says(make_nomination, users):
    n = make_nomination(S.DRAFT)
    with pytest.raises(ValidationError, match="không phải là tệp PDF"):
        nomination_document_add(
            nomination=n,
            kind="submission_letter",
            upload=bytes_upload("to-trinh.pdf", b"MZ not a pdf"),
            by=users["secretariat"],
        )
    assert not n.documents.exists()


def test_ineligible_nominee_needs_an_override_reason(make_nomination, users, world):
    PendingCase.objects.create(
        unit=world.commune_a, kind="discipline", opened_on=datetime.date(2024, 3, 1)
    )
    n = make_nomination(S.SUBMITTED)
    with pytest.raises(ValidationError, match="ghi rõ lý do"):
        nomination_check(nomination=n, by=users["secretariat"])
    assert _status(n) == S.SUBMITTED
    nomination_check(nomination=n, by=users["secretariat"], override_reason="Vụ việc sắp kết thúc.")
    n.refresh_from_db()
    assert n.status == S.CHECKED
    assert n.override_reason == "Vụ việc sắp kết thúc."
    assert n.override_by == users["secretariat"]
    assert n.eligible is False


def test_each_step_is_recorded_with_who_and_when(make_nomination, users):
    n = make_nomination(S.CHECKED)
    steps = list(n.events.values_list("to_status", "by__username"))
    assert steps == [
        (S.DRAFT, "secretariat"),
        (S.SUBMITTED, "secretariat"),
        (S.CHECKED, "secretariat"),
    ]


ILLEGAL = [
    (S.DRAFT, lambda n, u: nomination_check(nomination=n, by=u, override_reason="x")),
    (S.CHECKED, lambda n, u: nomination_submit(nomination=n, by=u)),
    (S.SUBMITTED, lambda n, u: nomination_return(nomination=n, by=u, note="")),
    (S.CHECKED, lambda n, u: nomination_return(nomination=n, by=u, note="Thiếu")),
    (S.CHECKED, lambda n, u: nomination_reject(nomination=n, by=u, note="Không")),
    (S.SUBMITTED, lambda n, u: consultation_open(nomination=n, by=u)),
    (
        S.CHECKED,
        lambda n, u: decision_create(
            by=u,
            campaign=n.campaign,
            decision_date=datetime.date(2025, 1, 1),
            title="t",
            legal_bases="",
            nominations=[n],
        ),
    ),
    (
        S.CHECKED,
        lambda n, u: letter_create(
            by=u,
            campaign=n.campaign,
            number="1/TTr",
            sent_date=datetime.date(2025, 1, 1),
            recipient="UBND tỉnh",
            nominations=[n],
        ),
    ),
    (
        S.DRAFT,
        lambda n, u: nomination_document_add(
            nomination=Nomination.objects.get(pk=n.pk),
            kind="nonsense",
            upload=bytes_upload("a.pdf", PDF),
            by=u,
        ),
    ),
]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_illegal_transitions_are_refused_and_change_nothing(make_nomination, users, status, action):
    n = make_nomination(status)
    before = (_status(n), n.events.count())
    with pytest.raises(ValidationError):
        action(Nomination.objects.get(pk=n.pk), users["secretariat"])
    assert (_status(n), n.events.count()) == before
    assert not AwardDecision.objects.exists()


def test_a_stale_page_loses_cleanly(make_nomination, users):
    n = make_nomination(S.SUBMITTED)
    stale = Nomination.objects.get(pk=n.pk)
    nomination_return(nomination=n, by=users["secretariat"], note="Bổ sung biên bản.")
    stale.status = S.SUBMITTED
    with pytest.raises(ValidationError, match="Dự thảo"):
        nomination_check(nomination=stale, by=users["secretariat"], override_reason="x")


def test_local_award_end_to_end(make_nomination, users, council, world):
    n = make_nomination(S.CHECKED)
    item = session_add_item(session=council, nomination=n, by=users["secretariat"])
    everyone_present(council)
    session_open(session=council, by=users["secretariat"])
    for u in [users["chairman"], users["council_member"], *council.extra_members]:
        vote_cast(item=item, by=u, choice="agree")
    session_close(session=council, by=users["secretariat"])
    assert _status(n) == S.PASSED
    decision = decision_create(
        by=users["secretariat"],
        campaign=world.campaign,
        decision_date=datetime.date(2025, 6, 20),
        title="Về việc khen thưởng",
        legal_bases="Luật",
        nominations=[Nomination.objects.get(pk=n.pk)],
        session=council,
    )
    assert _status(n) == S.DECIDED
    decision_sign(
        decision=decision, by=users["chairman"], number="125/QĐ-UBND", day=decision.decision_date
    )
    decision_sign(
        decision=decision, by=users["chairman"], number="125/QĐ-UBND", day=decision.decision_date
    )  # idempotent
    assert _status(n) == S.AWARDED
    award = Award.objects.get()
    assert (award.unit, award.decision_number, award.category) == (
        world.commune_a,
        "125/QĐ-UBND",
        "thematic",
    )
    decision.refresh_from_db()
    assert decision.signed_by == users["chairman"]
    assert decision.signed_at is not None


def test_decision_refused_without_a_passed_vote(make_nomination, users, world):
    n = make_nomination(S.CHECKED)
    with pytest.raises(ValidationError, match="chưa được Hội đồng biểu quyết thông qua"):
        decision_create(
            by=users["secretariat"],
            campaign=world.campaign,
            decision_date=datetime.date(2025, 1, 1),
            title="t",
            legal_bases="",
            nominations=[n],
        )
    assert not AwardDecision.objects.exists()


def test_higher_tier_forwarded_then_answered(make_nomination, users, council, world, tiers):
    n = make_nomination(S.CHECKED, tier_code="bang-khen-chu-tich-tinh")
    initiative = Exemplar.objects.create(
        kind="initiative", title="SK", year=2024, summary="s", unit=world.commune_a
    )
    n.exemplars.add(initiative)
    item = session_add_item(session=council, nomination=n, by=users["secretariat"])
    everyone_present(council)
    session_open(session=council, by=users["secretariat"])
    for u in [users["chairman"], users["council_member"], *council.extra_members]:
        vote_cast(item=item, by=u, choice="agree")
    session_close(session=council, by=users["secretariat"])
    n.refresh_from_db()
    with pytest.raises(ValidationError, match="thẩm quyền cấp trên"):
        decision_create(
            by=users["secretariat"],
            campaign=world.campaign,
            decision_date=datetime.date(2025, 1, 1),
            title="t",
            legal_bases="",
            nominations=[n],
        )
    letter = letter_create(
        by=users["secretariat"],
        campaign=world.campaign,
        number="45/TTr-UBND",
        sent_date=datetime.date(2025, 12, 22),
        recipient="UBND tỉnh",
        nominations=[n],
    )
    assert _status(n) == S.FORWARDED
    n.refresh_from_db()
    letter_answer(
        letter=letter,
        nomination=n,
        accepted=True,
        by=users["secretariat"],
        decision_number="1234/QĐ-UBND",
        decision_date=datetime.date(2026, 1, 15),
    )
    letter.refresh_from_db()
    assert letter.status == "answered"
    assert _status(n) == S.AWARDED
    award = Award.objects.get(nomination=n)
    assert award.source == "upper"
    initiative.refresh_from_db()
    assert initiative.used_by_award == award  # one initiative supports one award only


def test_consultation_required_before_agenda(make_nomination, users, council):
    n = make_nomination(S.CHECKED, tier_code="bang-khen-thu-tuong", person=None)
    with pytest.raises(ValidationError, match="lấy ý kiến công khai"):
        session_add_item(session=council, nomination=n, by=users["secretariat"])
    consultation_open(nomination=n, by=users["secretariat"])
    with pytest.raises(ValidationError, match="Đang lấy ý kiến"):
        session_add_item(session=council, nomination=n, by=users["secretariat"])
    Nomination.objects.filter(pk=n.pk).update(consultation_until=datetime.date(2020, 1, 1))
    n.refresh_from_db()
    session_add_item(session=council, nomination=n, by=users["secretariat"])
    assert _status(n) == S.IN_COUNCIL


def test_documents_are_stored_under_generated_names(make_nomination, users):
    n = make_nomination(S.DRAFT)
    add_documents(n, users["secretariat"])
    doc = n.documents.first()
    assert doc.original_name == "ho-so.pdf"
    assert "ho-so" not in doc.file.name


def test_each_status_move_and_session_step_leaves_one_audit_event(make_nomination, users, council):
    """Issue 8 item 4: every nomination move, attendance mark, opening and closing of a session
    is one audit event naming who did it and the old → new values."""
    from portal.models import AuditEvent

    secretariat = users["secretariat"]
    n = make_nomination(S.CHECKED)
    moves = AuditEvent.objects.filter(model="awards.nomination", object_id=str(n.pk))
    statuses = [e.changes["status"] for e in moves.order_by("id") if "status" in e.changes]
    assert statuses == [[None, S.DRAFT], [S.DRAFT, S.SUBMITTED], [S.SUBMITTED, S.CHECKED]]
    assert {e.actor_id for e in moves.filter(action="bulk")} == {secretariat.pk}
    item = session_add_item(session=council, nomination=n, by=secretariat)
    seat = council.seats.get(user=users["chairman"])
    before = AuditEvent.objects.count()
    session_set_attendance(
        session=council, member=users["chairman"], attendance="present", by=secretariat
    )
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.object_id, event.actor_id) == (str(seat.pk), secretariat.pk)
    assert event.changes["attendance"][1] == "present"
    everyone_present(council)
    sessions = AuditEvent.objects.filter(model="awards.councilsession", object_id=str(council.pk))
    before = sessions.count()
    session_open(session=council, by=secretariat)
    for u in [users["chairman"], users["council_member"], *council.extra_members]:
        vote_cast(item=item, by=u, choice="agree")
    session_close(session=council, by=secretariat)
    opened, closed = sessions.order_by("id")[before:]
    assert opened.changes["status"][1] == "open"
    assert closed.changes["status"][1] == "closed"
    assert closed.changes["closed_by"] == [None, secretariat.pk]
    assert moves.latest("id").changes["status"] == [S.IN_COUNCIL, S.PASSED]
