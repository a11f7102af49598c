"""Issue 16 items 5 and 7: the council's results against an insider with database access.

- A secret ballot is secret in the database too: no row, column or transaction id (`xmin`)
  links a choice to the member who made it.
- Everything that decides (ballots, receipts, secret counts, outcomes, attendance, the session's
  opening and closing, public comments) has an audit event and, on PostgreSQL, cannot be changed
  or deleted; a change made with the triggers switched off is found by `verify_audit`.
"""

from __future__ import annotations

import contextlib
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from awards.council.services import (
    session_add_item,
    session_close,
    session_open,
    session_set_attendance,
    session_set_times,
    vote_cast,
)
from awards.integrity import check_against_audit
from awards.models import (
    Ballot,
    BallotReceipt,
    ConsultationComment,
    NominationStatus,
    SecretTally,
    YearlyRating,
)
from awards.nominations.services import consultation_comment_add, consultation_open
from portal.models import AuditEvent
from tests.awards.conftest import council, make_nomination, tiers  # noqa: F401 (fixtures)
from tests.factories import PersonFactory

S = NominationStatus
pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="triggers and xmin need PostgreSQL"
)
CHOICES = ("agree", "disagree", "abstain")


def _members(users, council):  # noqa: F811
    return [users["chairman"], users["council_member"], *council.extra_members]


def _secret_item(make_nomination, users, council):  # noqa: F811
    person = PersonFactory(full_name="Đặng Thị Bích Ngọc", gender="female")
    YearlyRating.objects.create(person=person, year=2024, rating="htxsnv")
    n = make_nomination(S.CHECKED, tier_code="chien-si-thi-dua-co-so", person=person)
    item = session_add_item(session=council, nomination=n, by=users["secretariat"])
    assert item.secret_ballot
    return item


def _mark_present(council, users):  # noqa: F811
    for member in _members(users, council):
        session_set_attendance(
            session=council, member=member, attendance="present", by=users["secretariat"]
        )


@pytest.fixture
def voted(make_nomination, users, council):  # noqa: F811
    """A session with an open item and a secret item, everyone present (marked through the
    service, so attendance is in the trail), votes cast on both, then closed."""
    open_item = session_add_item(
        session=council, nomination=make_nomination(S.CHECKED), by=users["secretariat"]
    )
    secret_item = _secret_item(make_nomination, users, council)
    _mark_present(council, users)
    session_open(session=council, by=users["secretariat"])
    members = _members(users, council)
    for member, choice in zip(
        members, ["agree", "agree", "disagree", "abstain", "agree"], strict=True
    ):
        vote_cast(item=open_item, by=member, choice=choice)
        vote_cast(item=secret_item, by=member, choice=choice)
    session_close(session=council, by=users["secretariat"])
    open_item.refresh_from_db()
    secret_item.refresh_from_db()
    return open_item, secret_item


@contextlib.contextmanager
def _triggers_off():
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield
        if connection.vendor == "postgresql":  # SET LOCAL outlives a released savepoint
            cursor.execute("SET LOCAL session_replication_role = origin")


def _sql(sql: str, params: list | None = None, *, replica: bool = False) -> None:
    """An insider's SQL; `replica` switches the triggers off first (a superuser can)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if replica:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params or [])
        if replica:
            cursor.execute("SET LOCAL session_replication_role = origin")


# --- the secret ballot ----------------------------------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_no_row_or_transaction_id_links_a_secret_choice_to_its_voter(
    world,
    users,
    make_nomination,  # noqa: F811
    council,  # noqa: F811
):
    """Each vote commits in its own transaction, as on the site. Afterwards: no ballot row for
    the item, and no row of any table written in a voter's transaction holds a choice — not the
    count row, whose transaction id the close rewrote."""
    item = _secret_item(make_nomination, users, council)
    _mark_present(council, users)
    session_open(session=council, by=users["secretariat"])
    members = _members(users, council)
    for member, choice in zip(
        members, ["agree", "disagree", "agree", "abstain", "agree"], strict=True
    ):
        vote_cast(item=item, by=member, choice=choice)

    def xmins(table: str) -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT xmin::text FROM {table} WHERE item_id = %s", [item.pk])
            return {row[0] for row in cursor.fetchall()}

    receipt_xids = xmins("awards_ballotreceipt")
    assert len(receipt_xids) == 5  # one transaction per vote
    # While voting is open the count row carries the last voter's transaction id (the residual
    # docs/security.md names: a live watcher sees the totals move after each receipt)…
    assert xmins("awards_secrettally") <= receipt_xids
    session_close(session=council, by=users["secretariat"])
    # …and closing rewrites it, so afterwards it matches no voter's.
    assert not xmins("awards_secrettally") & receipt_xids
    assert not Ballot.objects.filter(item=item).exists()
    assert SecretTally.objects.get(item=item).counts() == {
        "agree": 3,
        "disagree": 1,
        "abstain": 1,
    }

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        leaks = []
        for table in tables:
            cursor.execute(
                f'SELECT row_to_json(t)::text FROM "{table}" t WHERE t.xmin::text = ANY(%s)',
                [sorted(receipt_xids)],
            )
            for (row,) in cursor.fetchall():
                if any(f'"{choice}"' in row for choice in CHOICES):
                    leaks.append((table, row))
    assert leaks == []
    # The trail says who voted, never how; the counts enter it once, with the outcome.
    receipt_events = AuditEvent.objects.filter(model="awards.ballotreceipt")
    assert receipt_events.count() == 5
    assert all("choice" not in e.changes for e in receipt_events)
    assert not AuditEvent.objects.filter(model="awards.ballot").exists()
    outcome = AuditEvent.objects.get(model="awards.agendaitem", object_id=str(item.pk))
    assert outcome.changes["tally"][1]["agree"] == 3


@on_postgresql
def test_a_secret_item_refuses_a_ballot_row_and_a_forged_count(
    make_nomination,  # noqa: F811
    users,
    council,  # noqa: F811
):
    item = _secret_item(make_nomination, users, council)
    _mark_present(council, users)
    session_open(session=council, by=users["secretariat"])
    vote_cast(item=item, by=users["chairman"], choice="agree")
    with pytest.raises(DatabaseError, match="secret item keeps no ballot"), transaction.atomic():
        Ballot.objects.create(item=item, member=users["council_member"], choice="agree")
    with pytest.raises(DatabaseError, match="votes counted for 1 receipts"):
        _sql("UPDATE awards_secrettally SET agree = agree + 1 WHERE item_id = %s", [item.pk])
    with pytest.raises(DatabaseError, match="only increase"):
        _sql("UPDATE awards_secrettally SET agree = 0, disagree = 1 WHERE item_id = %s", [item.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("DELETE FROM awards_secrettally WHERE item_id = %s", [item.pk])
    session_close(session=council, by=users["secretariat"])
    with pytest.raises(DatabaseError, match="concluded"):
        _sql("UPDATE awards_secrettally SET agree = agree WHERE item_id = %s", [item.pk])
    assert SecretTally.objects.get(item=item).counts() == {
        "agree": 1,
        "disagree": 0,
        "abstain": 0,
    }


# --- append-only ----------------------------------------------------------------------------


@on_postgresql
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE awards_ballot SET choice = 'disagree'",
        "DELETE FROM awards_ballot",
        "UPDATE awards_ballotreceipt SET written = true",
        "DELETE FROM awards_ballotreceipt",
        "UPDATE awards_agendaitem SET outcome = 'failed'",
        "UPDATE awards_agendaitem SET tally = '{}'::jsonb",
        "DELETE FROM awards_agendaitem",
        "INSERT INTO awards_agendaitem_recused (agendaitem_id, user_id) "
        "SELECT id, (SELECT min(id) FROM portal_user) FROM awards_agendaitem",
        "UPDATE awards_sessionmember SET attendance = 'absent'",
        "DELETE FROM awards_sessionmember",
        "UPDATE awards_councilsession SET status = 'open'",
        "UPDATE awards_councilsession SET closed_at = now()",
        "DELETE FROM awards_councilsession",
    ],
)
def test_a_closed_sessions_results_cannot_be_rewritten(voted, sql):
    open_item, _ = voted
    before = (list(open_item.ballots.values_list("choice", flat=True)), open_item.outcome)
    with pytest.raises(DatabaseError, match=r"append-only|final|cannot be deleted|refused"):
        _sql(sql)
    open_item.refresh_from_db()
    assert (list(open_item.ballots.values_list("choice", flat=True)), open_item.outcome) == before


@on_postgresql
def test_the_minutes_times_of_a_closed_session_stay_editable(voted, users, council):  # noqa: F811
    zone = timezone.get_current_timezone()
    started = datetime.datetime(2025, 12, 1, 14, 0, tzinfo=zone)
    ended = datetime.datetime(2025, 12, 1, 16, 30, tzinfo=zone)
    session_set_times(session=council, started_at=started, ended_at=ended, by=users["secretariat"])
    council.refresh_from_db()
    assert (council.status, council.started_at, council.ended_at) == ("closed", started, ended)


@on_postgresql
def test_public_comments_are_append_only(make_nomination, users):  # noqa: F811
    n = make_nomination(S.CHECKED, tier_code="bang-khen-thu-tuong", person=None)
    consultation_open(nomination=n, by=users["secretariat"])
    consultation_comment_add(
        nomination=n, author_name="Nguyễn Văn Dân", content="Đồng tình.", contact="0905 000 111"
    )
    for sql in (
        "UPDATE awards_consultationcomment SET content = 'Phản đối.'",
        "DELETE FROM awards_consultationcomment",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            _sql(sql)
    assert ConsultationComment.objects.get().content == "Đồng tình."


# --- the trail ------------------------------------------------------------------------------


def test_every_decisive_step_leaves_an_audit_event(voted, users, council):  # noqa: F811
    open_item, secret_item = voted
    members = {m.pk for m in _members(users, council)}
    receipts = AuditEvent.objects.filter(model="awards.ballotreceipt")
    assert {e.actor_id for e in receipts} == members
    assert receipts.count() == BallotReceipt.objects.count() == 10
    ballots = AuditEvent.objects.filter(model="awards.ballot")
    assert sorted(e.changes["choice"][1] for e in ballots) == sorted(
        open_item.ballots.values_list("choice", flat=True)
    )
    assert all(e.changes["item"][1] == open_item.pk for e in ballots)  # none for the secret one
    seats = AuditEvent.objects.filter(model="awards.sessionmember", reason="Điểm danh")
    assert seats.count() == 5
    session_steps = [
        e.changes["status"]
        for e in AuditEvent.objects.filter(
            model="awards.councilsession", object_id=str(council.pk), action="bulk"
        ).order_by("id")
        if "status" in e.changes
    ]
    assert session_steps == [["draft", "open"], ["open", "closed"]]
    outcomes = AuditEvent.objects.filter(model="awards.agendaitem").order_by("id")
    assert [(e.object_id, e.changes["outcome"]) for e in outcomes] == [
        (str(open_item.pk), ["pending", open_item.outcome]),
        (str(secret_item.pk), ["pending", secret_item.outcome]),
    ]
    assert {e.actor_id for e in outcomes} == {users["secretariat"].pk}
    assert outcomes[1].changes["tally"][1]["agree"] == 3


def test_a_public_comment_is_recorded_without_an_actor(make_nomination, users):  # noqa: F811
    n = make_nomination(S.CHECKED, tier_code="bang-khen-thu-tuong", person=None)
    consultation_open(nomination=n, by=users["secretariat"])
    comment = consultation_comment_add(
        nomination=n, author_name="Nguyễn Văn Dân", content="Đồng tình.", contact="0905 000 111"
    )
    event = AuditEvent.objects.get(model="awards.consultationcomment")
    assert event.object_id == str(comment.pk)
    assert (event.actor_id, event.actor_name) == (None, "")
    assert event.changes["content"] == [None, "Đồng tình."]
    assert "0905 000 111" not in str(event.changes)  # the contact stays with the comment
    assert "lấy ý kiến" in event.reason


def test_verify_audit_is_quiet_after_an_honest_session(voted):
    assert check_against_audit() == []
    call_command("verify_audit")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE awards_ballot SET choice = 'disagree' WHERE choice = 'agree'",
        "DELETE FROM awards_ballotreceipt WHERE id = (SELECT min(id) FROM awards_ballotreceipt)",
        "UPDATE awards_secrettally SET agree = agree - 1, disagree = disagree + 1",
        "UPDATE awards_agendaitem SET outcome = 'failed' WHERE outcome = 'passed'",
        "UPDATE awards_sessionmember SET attendance = 'absent' "
        "WHERE id = (SELECT min(id) FROM awards_sessionmember)",
    ],
)
def test_verify_audit_finds_a_result_changed_with_the_triggers_off(voted, sql):
    """The insider switches the triggers off (`session_replication_role = replica`): the row
    changes and the hash chain is untouched, but the stored result no longer matches the trail.
    (On SQLite there are no triggers: the same SQL, the same finding.)"""
    _sql(sql, replica=connection.vendor == "postgresql")
    assert check_against_audit()
    err = io.StringIO()
    with pytest.raises(CommandError, match="KHÔNG toàn vẹn"):
        call_command("verify_audit", stderr=err)
    assert "HỎNG Dữ liệu KHÔNG khớp nhật ký:" in err.getvalue()


def test_verify_audit_names_the_changed_ballot(voted):
    open_item, _ = voted
    ballot = open_item.ballots.filter(choice="disagree").get()
    _sql(
        "UPDATE awards_ballot SET choice = 'agree' WHERE id = %s",
        [ballot.pk.hex if connection.vendor == "sqlite" else str(ballot.pk)],
        replica=connection.vendor == "postgresql",
    )
    problems = check_against_audit()
    assert any(f"Phiếu biểu quyết #{ballot.pk}" in p and "'disagree'" in p for p in problems)
    assert any("khác kết quả đã công bố" in p for p in problems)


# --- existing data --------------------------------------------------------------------------


def test_rows_stored_without_their_events_get_one_once_and_the_check_starts_clean(
    make_nomination,  # noqa: F811
    users,
    council,  # noqa: F811
):
    """`record_existing` on rows written with the triggers off and no events (an old backup
    restored): one event per row, once, so that `verify_audit` starts clean."""
    from awards.integrity import record_existing

    item = _secret_item(make_nomination, users, council)
    _mark_present(council, users)
    session_open(session=council, by=users["secretariat"])
    members = [users["chairman"], users["council_member"], council.extra_members[0]]
    with _triggers_off():  # written without the services
        for member in members:
            BallotReceipt.objects.create(item=item, member=member)
        SecretTally.objects.create(item=item, agree=2, disagree=1, abstain=0)
    assert check_against_audit()  # three receipts the trail does not know

    assert record_existing() == 3
    assert record_existing() == 0  # once only
    assert check_against_audit() == []
    vote_cast(item=item, by=council.extra_members[1], choice="abstain")
    session_close(session=council, by=users["secretariat"])
    item.refresh_from_db()
    assert [item.tally[c] for c in CHOICES] == [2, 1, 1]
    assert check_against_audit() == []
