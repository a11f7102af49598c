"""Issue 16 item 1 (part): a member who votes in the session is present — nobody has to tick
attendance first, and five online "agree" votes pass instead of failing for a 0/5 quorum."""

from __future__ import annotations

import pytest

from awards.council.services import session_add_item, session_close, session_open, vote_cast
from awards.models import Attendance, NominationStatus

from .conftest import council, make_nomination, tiers  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_members_who_vote_are_present_and_their_votes_decide(
    users,
    council,  # noqa: F811
    make_nomination,  # noqa: F811
):
    nomination = make_nomination(NominationStatus.CHECKED)
    item = session_add_item(session=council, nomination=nomination, by=users["secretariat"])
    assert set(council.seats.values_list("attendance", flat=True)) == {Attendance.UNKNOWN}
    session_open(session=council, by=users["secretariat"])
    voters = [users["chairman"], users["council_member"], *council.extra_members]
    for voter in voters:
        vote_cast(item=item, by=voter, choice="agree")
    assert set(council.seats.values_list("attendance", flat=True)) == {Attendance.PRESENT}
    session_close(session=council, by=users["secretariat"])
    item.refresh_from_db()
    assert item.outcome == "passed", item.tally
    assert item.tally["written"] == 0  # present members' votes, not written ones
