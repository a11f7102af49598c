"""Races: 20 concurrent identical writes leave one row, and the audit chain stays whole.

The pattern every "one per …" write follows (votes, drafts, sign-offs):
1. a UniqueConstraint on the natural key is the backstop (the database refuses a second row);
2. the service takes `select_for_update()` on the parent row (the ballot, the assessment) or uses
   `get_or_create`, which retries the read after an IntegrityError inside a savepoint;
3. state transitions use compare-and-swap: `filter(pk=…, status=old).update(status=new)`; 0 rows
   updated means someone else won → a Vietnamese ValidationError, no state change.

Real threads against PostgreSQL (SQLite serialises writers, so the race cannot happen there).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from portal.audit import verify_chain
from portal.models import AuditEvent, RoleGrant
from portal.roles import Role
from tests.awards.conftest import council, make_nomination, tiers  # noqa: F401 (fixtures)
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL"),
]
N = 20


def _hammer(work) -> list[BaseException]:
    barrier = threading.Barrier(N)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def test_twenty_concurrent_get_or_create_leave_one_row():
    user = UserFactory(username="dua-tranh")
    before = AuditEvent.objects.filter(model="portal.rolegrant").count()

    def grant() -> None:
        with transaction.atomic():
            RoleGrant.objects.get_or_create(user_id=user.pk, role=Role.OBSERVER)

    assert _hammer(grant) == []
    assert RoleGrant.objects.filter(user=user, role=Role.OBSERVER).count() == 1
    assert AuditEvent.objects.filter(model="portal.rolegrant").count() == before + 1
    _, breaks = verify_chain()
    assert breaks == [], breaks


def test_twenty_concurrent_writes_under_a_parent_lock_leave_one_row():
    user = UserFactory(username="dua-tranh-2")
    created = []

    def grant() -> None:
        with transaction.atomic():
            type(user).objects.select_for_update().get(pk=user.pk)  # the "ballot" lock
            if not RoleGrant.objects.filter(user_id=user.pk, role=Role.CHAIRMAN).exists():
                RoleGrant.objects.create(user_id=user.pk, role=Role.CHAIRMAN)
                created.append(1)

    assert _hammer(grant) == []
    assert len(created) == 1
    assert RoleGrant.objects.filter(user=user, role=Role.CHAIRMAN).count() == 1
    assert verify_chain()[1] == []


def test_without_a_lock_the_constraint_is_the_backstop():
    """Naive check-then-insert: losers hit the unique constraint (an error to turn into a
    message), never a second row."""
    user = UserFactory(username="dua-tranh-3")

    def grant() -> None:
        with transaction.atomic():
            if not RoleGrant.objects.filter(user_id=user.pk, role=Role.SECRETARIAT).exists():
                RoleGrant.objects.create(user_id=user.pk, role=Role.SECRETARIAT)

    _hammer(grant)
    assert RoleGrant.objects.filter(user=user, role=Role.SECRETARIAT).count() == 1
    assert verify_chain()[1] == []


def test_audited_update_locks_its_own_rows_not_the_rows_its_ordering_joins():
    """Assessment's default ordering joins the campaign and the unit. `audited_update` once took
    FOR UPDATE on every joined row, so each officer's save held the campaign row until commit:
    the saves of a whole campaign queued behind each other, and a report request (which holds
    the audit-chain lock, then needs a key-share lock on the campaign for its foreign key at
    commit) deadlocked with a save waiting for the audit-chain lock (found by the load bench,
    `make bench-load`). The foreign-key check of another transaction must not wait."""
    from campaigns.models import Assessment, CriteriaSet, TargetGroup
    from portal.audit import audited_update
    from tests.factories import CampaignFactory, UnitFactory

    campaign = CampaignFactory()
    unit = UnitFactory(kind="commune")
    criteria = CriteriaSet.objects.create(
        campaign=campaign, target_group=TargetGroup.COMMUNES, name="Bộ tiêu chí"
    )
    assessment = Assessment.objects.create(
        campaign=campaign, unit=unit, year=2025, criteria_set=criteria
    )
    outcome: list[BaseException | str] = []

    def key_share(table: str, pk: int) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR KEY SHARE NOWAIT", [pk])
            outcome.append("ok")
        except BaseException as exc:
            outcome.append(exc)
        finally:
            connection.close()

    with transaction.atomic():
        assert audited_update(
            Assessment.objects.filter(pk=assessment.pk), actor=None, reason="khóa", summary="x"
        )
        for table, pk in (("campaigns_campaign", campaign.pk), ("units_unit", unit.pk)):
            thread = threading.Thread(target=key_share, args=(table, pk))
            thread.start()
            thread.join(30)
    assert outcome == ["ok", "ok"], outcome


def test_twenty_concurrent_signatures_take_twenty_numbers_in_order():
    """The register of outgoing documents under load: twenty signing transactions at once each
    take their own number, 01 to 20, none twice and none skipped (the authority row is locked;
    the unique constraint is the backstop)."""
    import datetime

    from reports.models import OutgoingNumber
    from reports.services import register_number
    from tests.factories import AuthorityFactory

    authority = AuthorityFactory(code="UBND-DUA-TRANH")
    user = UserFactory(username="van-thu")
    day = datetime.date(2026, 3, 2)

    def sign() -> None:
        with transaction.atomic():
            register_number(
                authority=authority, day=day, symbol="BC-UBND", summary="Báo cáo", by=user
            )

    assert _hammer(sign) == []
    numbers = sorted(
        OutgoingNumber.objects.filter(authority=authority).values_list("seq", flat=True)
    )
    assert numbers == list(range(1, N + 1))


def test_a_vote_posted_while_the_session_closes_is_counted_or_refused(
    world,
    users,
    council,  # noqa: F811
    make_nomination,  # noqa: F811
):
    """Issue 16 item 4: closing holds the session row; a vote posted meanwhile waits, then finds
    the session closed and is refused. Ballots stored always equal the tally."""
    import time

    from awards.council.services import session_add_item, session_close, session_open, vote_cast
    from awards.models import Ballot, CouncilSession, NominationStatus
    from tests.awards.conftest import everyone_present

    nomination = make_nomination(NominationStatus.CHECKED)
    item = session_add_item(session=council, nomination=nomination, by=users["secretariat"])
    everyone_present(council)
    session_open(session=council, by=users["secretariat"])
    vote_cast(item=item, by=users["chairman"], choice="agree")
    late: list[BaseException | None] = []

    def vote_late() -> None:
        try:
            vote_cast(item=item, by=users["council_member"], choice="agree")
            late.append(None)
        except BaseException as exc:
            late.append(exc)
        finally:
            connection.close()

    with transaction.atomic():
        CouncilSession.objects.select_for_update().get(pk=council.pk)  # closing has begun
        voter = threading.Thread(target=vote_late)
        voter.start()
        time.sleep(1)  # the vote is waiting on the session row
        assert voter.is_alive()
        session_close(session=council, by=users["secretariat"])
    voter.join(30)
    assert len(late) == 1
    assert "Phiên họp đã kết thúc" in str(late[0])
    item.refresh_from_db()
    assert Ballot.objects.filter(item=item).count() == 1
    assert item.tally["agree"] == 1
