"""Issue 16 item 3: a member is recused from an item when bound to the nominee's unit or any unit
above it, when bound to the proposing unit, or when the member is the nominee; the unit of the
authority holding the council never recuses its whole membership."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.council.selectors import recusal_reasons
from awards.council.services import session_add_item, session_open, vote_cast
from awards.models import Ballot, Nomination, NominationStatus
from portal.models import AuditEvent
from tests.factories import AuthorityFactory, PersonFactory, UnitFactory, VillageFactory
from tests.pageforms import form_data

pytestmark = pytest.mark.django_db
S = NominationStatus


@pytest.fixture
def pho_an(db):
    commune = UnitFactory(code="XA-PHO-AN-T", name="Xã Phổ An")
    village = VillageFactory(code="XA-PHO-AN-T-T1", name="Thôn Trung An", parent=commune)
    person = PersonFactory(full_name="Nguyễn Thị Hoa", affiliation=village)
    return commune, village, person


def _on_agenda(make_nomination, users, council, *, proposer, **nominee):
    n = make_nomination(S.CHECKED, **nominee)
    Nomination.objects.filter(pk=n.pk).update(proposer_unit=proposer)
    n = Nomination.objects.get(pk=n.pk)
    return session_add_item(session=council, nomination=n, by=users["secretariat"])


def _reasons(council, item) -> dict[int, str]:
    members = [s.user for s in council.seats.select_related("user")]
    return recusal_reasons(members, [item.nomination], session=council)[item.nomination_id]


def test_a_village_person_proposed_by_the_commune_recuses_the_commune_member(
    make_nomination, users, council, pho_an
):
    commune, _village, person = pho_an
    member = council.extra_members[1]
    member.units.add(commune)
    item = _on_agenda(
        make_nomination,
        users,
        council,
        proposer=commune,
        tier_code="lao-dong-tien-tien",
        person=person,
    )
    assert _reasons(council, item) == {
        member.pk: "thuộc Xã Phổ An, đơn vị cấp trên của đơn vị công tác của người được đề nghị"
    }
    session_open(session=council, by=users["secretariat"])
    with pytest.raises(ValidationError) as refused:
        vote_cast(item=item, by=member, choice="agree")
    assert refused.value.messages == [
        "Ông/bà thuộc Xã Phổ An, đơn vị cấp trên của đơn vị công tác của người được đề nghị nên "
        "không tham gia biểu quyết trường hợp Nguyễn Thị Hoa."
    ]
    assert not Ballot.objects.exists()


def test_a_village_collective_recuses_the_member_of_the_commune_above(
    make_nomination, users, council, pho_an
):
    commune, village, _person = pho_an
    member = council.extra_members[1]
    member.units.add(commune)
    item = _on_agenda(make_nomination, users, council, proposer=village, unit=village)
    assert _reasons(council, item) == {
        member.pk: "thuộc Xã Phổ An, đơn vị cấp trên của tập thể được đề nghị"
    }


def test_the_proposing_unit_recuses_its_member(make_nomination, users, council, world, pho_an):
    commune, _village, _person = pho_an
    member = council.extra_members[2]
    member.units.add(commune)
    # The nominee is a department; Xã Phổ An proposed it (the unit chain does not reach it).
    item = _on_agenda(make_nomination, users, council, proposer=commune, unit=world.department)
    assert _reasons(council, item) == {member.pk: "thuộc đơn vị đề nghị (Xã Phổ An)"}
    page = client_page(users, council)
    assert "Ủy viên số 3 (thuộc đơn vị đề nghị (Xã Phổ An))" in page


def client_page(users, council) -> str:
    from django.test import Client

    client = Client()
    client.force_login(users["secretariat"], backend="django.contrib.auth.backends.ModelBackend")
    return client.get(reverse("awards:session-detail", args=[council.pk])).content.decode()


def test_a_member_who_is_the_nominee_is_recused(make_nomination, users, council, world, pho_an):
    _commune, _village, person = pho_an
    member = users["council_member"]  # bound to no unit
    member.person = person
    member.save()
    item = _on_agenda(
        make_nomination,
        users,
        council,
        proposer=world.department,
        tier_code="lao-dong-tien-tien",
        person=person,
    )
    assert _reasons(council, item) == {member.pk: "là người được đề nghị"}
    session_open(session=council, by=users["secretariat"])
    with pytest.raises(ValidationError, match="Ông/bà là người được đề nghị nên không tham gia"):
        vote_cast(item=item, by=member, choice="agree")


def test_the_councils_own_unit_does_not_recuse_everyone(make_nomination, users, council):
    """A commune's council since 01/07/2025: every member works for the commune. Its villages'
    cases, even proposed by the commune, are voted on by all; a member of the village itself is
    still recused."""
    ward = UnitFactory(code="P2025-THU", name="Phường Thử Nghiệm")
    village = VillageFactory(code="P2025-THU-T1", name="Tổ dân phố 1", parent=ward)
    council.authority = AuthorityFactory(
        code="UBND-P-THU", level="commune", body="Ủy ban nhân dân phường Thử Nghiệm", unit=ward
    )
    council.save()
    for seat in council.seats.select_related("user"):
        seat.user.units.add(ward)
    village_member = council.extra_members[2]
    village_member.units.add(village)
    item = _on_agenda(make_nomination, users, council, proposer=ward, unit=village)
    assert _reasons(council, item) == {
        village_member.pk: "thuộc tập thể được đề nghị (Tổ dân phố 1)"
    }


def test_recusal_takes_the_same_queries_for_one_case_or_many(
    make_nomination, users, council, world, pho_an
):
    commune, village, person = pho_an
    council.extra_members[0].units.add(commune)
    members = [s.user for s in council.seats.select_related("user")]
    first = make_nomination(S.CHECKED, unit=village)
    nominations = [Nomination.objects.get(pk=first.pk)]

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            recusal_reasons(members, nominations, session=council)
        return len(ctx.captured_queries)

    one = queries()
    for i in range(3):
        deeper = VillageFactory(code=f"HO-{i}", name=f"Hộ {i}", parent=village)
        nominations.append(Nomination.objects.get(pk=make_nomination(S.CHECKED, unit=deeper).pk))
    nominations.append(
        Nomination.objects.get(
            pk=make_nomination(S.CHECKED, tier_code="lao-dong-tien-tien", person=person).pk
        )
    )
    assert queries() <= one + 1  # + the nominee people's units, once for all of them
    reasons = recusal_reasons(members, nominations, session=council)
    assert all(council.extra_members[0].pk in r for r in reasons.values())


def test_the_user_form_links_an_account_to_a_person_and_it_is_audited(users, client_as, pho_an):
    _commune, _village, person = pho_an
    client = client_as("secretariat")
    url = reverse("user-edit", args=[users["council_member"].pk])
    data = form_data(client.get(url))
    data["person"] = str(person.pk)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    users["council_member"].refresh_from_db()
    assert users["council_member"].person == person
    event = AuditEvent.objects.filter(
        model="portal.user", object_id=str(users["council_member"].pk)
    ).latest("id")
    assert event.changes["person"][1] in (person.pk, str(person.pk))


def test_the_desk_counts_only_the_cases_a_member_may_vote_on(
    make_nomination, users, council, pho_an
):
    """'Việc cần làm': the Phổ An member waits on the department's case, not on the one Phổ An
    proposed; the chairman's desk leads to the page before closing."""
    from portal.desk import collect

    commune, _village, _person = pho_an
    member = council.extra_members[1]
    member.units.add(commune)
    _on_agenda(make_nomination, users, council, proposer=commune, unit=commune)
    other = UnitFactory(code="PB-KHAC", name="Phòng Văn hóa thử")
    _on_agenda(make_nomination, users, council, proposer=other, unit=other)
    session_open(session=council, by=users["secretariat"])
    waiting = [i for i in collect(member) if i.label.startswith("Chờ ông/bà biểu quyết")]
    assert [i.count for i in waiting] == [1]
    to_close = [i for i in collect(users["chairman"]) if "đang biểu quyết" in i.label]
    assert [i.url for i in to_close] == [reverse("awards:session-close", args=[council.pk])]
