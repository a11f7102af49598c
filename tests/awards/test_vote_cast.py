"""Council votes: membership, one vote, close, recusal, secret ballot privacy, concurrency."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from awards.council.services import session_add_item, session_close, session_open, vote_cast
from awards.models import (
    Ballot,
    BallotReceipt,
    Nomination,
    NominationStatus,
    SecretTally,
    YearlyRating,
)
from portal.roles import Role
from tests.factories import PersonFactory, UserFactory

from .conftest import everyone_present

S = NominationStatus


@pytest.fixture
def open_item(make_nomination, users, council):
    n = make_nomination(S.CHECKED)
    item = session_add_item(session=council, nomination=n, by=users["secretariat"])
    everyone_present(council)
    session_open(session=council, by=users["secretariat"])
    return item


def test_a_non_member_cannot_vote(open_item, db):
    outsider = UserFactory(username="ngoai", roles=[Role.COUNCIL_MEMBER])
    with pytest.raises(ValidationError, match="không phải thành viên"):
        vote_cast(item=open_item, by=outsider, choice="agree")
    assert not Ballot.objects.exists()


def test_a_second_vote_is_refused(open_item, users):
    vote_cast(item=open_item, by=users["council_member"], choice="agree")
    with pytest.raises(ValidationError, match="đã biểu quyết"):
        vote_cast(item=open_item, by=users["council_member"], choice="disagree")
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["agree"]


def test_no_vote_after_the_session_closed(open_item, users, council):
    session_close(session=council, by=users["secretariat"])
    with pytest.raises(ValidationError, match="đã kết thúc"):
        vote_cast(item=open_item, by=users["council_member"], choice="agree")
    assert not Ballot.objects.exists()


def test_no_vote_before_the_session_opens(make_nomination, users, council):
    n = make_nomination(S.CHECKED)
    item = session_add_item(session=council, nomination=n, by=users["secretariat"])
    with pytest.raises(ValidationError, match="chưa bắt đầu"):
        vote_cast(item=item, by=users["council_member"], choice="agree")


def test_a_member_of_the_nominee_unit_is_recused(open_item, users, council, world):
    member = council.extra_members[0]
    member.units.add(world.commune_a)
    with pytest.raises(ValidationError, match="không tham gia biểu quyết"):
        vote_cast(item=open_item, by=member, choice="agree")
    assert not Ballot.objects.exists()


def test_recusal_by_person_affiliation(make_nomination, users, council, world):
    member = council.extra_members[1]
    member.units.add(world.commune_a)
    n = make_nomination(S.CHECKED, tier_code="lao-dong-tien-tien", person=world.person_a)
    item = session_add_item(session=council, nomination=n, by=users["secretariat"])
    session_open(session=council, by=users["secretariat"])
    with pytest.raises(ValidationError, match="không tham gia biểu quyết"):
        vote_cast(item=item, by=member, choice="agree")


def test_recused_member_leaves_the_denominator(open_item, users, council, world):
    recused = council.extra_members[0]
    recused.units.add(world.commune_a)
    # 4 eligible voters: 2 agree, 2 disagree → 2/4 is not "more than half".
    vote_cast(item=open_item, by=users["chairman"], choice="agree")
    vote_cast(item=open_item, by=users["council_member"], choice="agree")
    vote_cast(item=open_item, by=council.extra_members[1], choice="disagree")
    vote_cast(item=open_item, by=council.extra_members[2], choice="disagree")
    session_close(session=council, by=users["secretariat"])
    open_item.refresh_from_db()
    assert open_item.outcome == "failed"
    assert open_item.tally["recused"] == 1
    assert list(open_item.recused.all()) == [recused]
    assert Nomination.objects.get(pk=open_item.nomination_id).status == S.FAILED


def test_absent_member_votes_in_writing_and_quorum_counts_attendance(open_item, users, council):
    council.seats.filter(user__in=council.extra_members).update(
        attendance="absent"
    )  # 2 of 5 present
    vote_cast(item=open_item, by=council.extra_members[0], choice="agree")
    assert BallotReceipt.objects.get().written is True
    # A written vote does not make the member present: closing is refused (tests in
    # test_council_close.py), the item stays in council.
    with pytest.raises(ValidationError, match="2/5 thành viên có mặt"):
        session_close(session=council, by=users["secretariat"])
    open_item.refresh_from_db()
    assert open_item.outcome == "pending"
    assert Nomination.objects.get(pk=open_item.nomination_id).status == S.IN_COUNCIL


def test_secret_ballot_keeps_no_link_between_voter_and_choice(make_nomination, users, council):
    person = PersonFactory(full_name="Đặng Thị Bích Ngọc", gender="female")
    YearlyRating.objects.create(person=person, year=2024, rating="htxsnv")
    n = make_nomination(S.CHECKED, tier_code="chien-si-thi-dua-co-so", person=person)
    item = session_add_item(session=council, nomination=n, by=users["secretariat"])
    assert item.secret_ballot
    everyone_present(council)
    session_open(session=council, by=users["secretariat"])
    vote_cast(item=item, by=users["chairman"], choice="disagree")
    vote_cast(item=item, by=users["council_member"], choice="agree")
    # No row holds a secret choice: the item keeps counts, the receipts say who voted.
    assert not Ballot.objects.exists()
    assert SecretTally.objects.get(item=item).counts() == {
        "agree": 1,
        "disagree": 1,
        "abstain": 0,
    }
    assert set(BallotReceipt.objects.values_list("member", flat=True)) == {
        users["chairman"].pk,
        users["council_member"].pk,
    }
    # Nothing in the count row orders or timestamps it to match the receipts.
    assert {f.name for f in SecretTally._meta.get_fields()} == {
        "item",
        "agree",
        "disagree",
        "abstain",
    }
    assert not hasattr(SecretTally, "history")
    session_close(session=council, by=users["secretariat"])
    item.refresh_from_db()
    assert (item.tally["agree"], item.tally["disagree"]) == (1, 1)


def test_twenty_identical_votes_make_one_row(open_item, users):
    errors = 0
    for _ in range(20):
        try:
            vote_cast(item=open_item, by=users["council_member"], choice="agree")
        except ValidationError:
            errors += 1
    assert errors == 19
    assert Ballot.objects.count() == BallotReceipt.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a server database")
def test_twenty_concurrent_votes_make_one_row(world, users, tiers, make_nomination, council):
    n = make_nomination(S.CHECKED)
    item = session_add_item(session=council, nomination=n, by=users["secretariat"])
    everyone_present(council)
    session_open(session=council, by=users["secretariat"])
    member = users["council_member"]
    results = []
    barrier = threading.Barrier(20)

    def vote():
        barrier.wait()
        try:
            vote_cast(item=item, by=member, choice="agree")
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=vote) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1
    assert results.count("refused") == 19
    assert Ballot.objects.filter(item=item).count() == 1
