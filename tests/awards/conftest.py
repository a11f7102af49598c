"""Fixtures for the awards tests: the default tiers and nominations walked to a given state."""

from __future__ import annotations

import datetime

import pytest

from awards.council.services import session_create
from awards.models import AwardTier, MemberRole, NominationStatus, YearlyRating
from awards.nominations.services import (
    nomination_check,
    nomination_create,
    nomination_document_add,
    nomination_submit,
)
from awards.tiers import load_tiers
from portal.roles import Role
from portal.uploads import bytes_upload
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
S = NominationStatus


@pytest.fixture
def tiers(db):
    load_tiers()
    return {t.code: t for t in AwardTier.objects.all()}


def add_documents(nomination, by):
    for kind in nomination.tier.required_documents:
        nomination_document_add(
            nomination=nomination, kind=kind, upload=bytes_upload("ho-so.pdf", PDF), by=by
        )


@pytest.fixture
def make_nomination(world, users, tiers):
    """make_nomination(status, tier_code=..., unit=... | person=...) walks a nomination there."""

    def make(
        status=S.DRAFT, *, tier_code="giay-khen-chu-tich-thi-xa", unit=None, person=None, year=2024
    ):
        secretariat = users["secretariat"]
        if unit is None and person is None:
            unit = world.commune_a
        if unit is not None:
            YearlyRating.objects.get_or_create(unit=unit, year=year, defaults={"rating": "htxsnv"})
        nomination = nomination_create(
            by=secretariat,
            campaign=world.campaign,
            tier=tiers[tier_code],
            proposer_unit=world.commune_a if unit is None or unit == world.commune_a else unit,
            period_kind="year",
            period_year=year,
            achievements="Thành tích xuất sắc.",
            unit=unit,
            person=person,
        )
        if status == S.DRAFT:
            return nomination
        add_documents(nomination, secretariat)
        nomination_submit(nomination=nomination, by=secretariat)
        if status == S.SUBMITTED:
            return nomination
        nomination.refresh_from_db()
        nomination_check(
            nomination=nomination,
            by=secretariat,
            override_reason="" if nomination.eligible else "Thử nghiệm: trình có lý do.",
        )
        return nomination

    return make


@pytest.fixture
def council(world, users):
    """Five seats: chairman (chair), council_member, the secretary ("Ủy viên số 1") and two more
    members."""
    extra = [
        UserFactory(username=f"member{i}", full_name=f"Ủy viên số {i}", roles=[Role.COUNCIL_MEMBER])
        for i in range(1, 4)
    ]
    members = [(users["chairman"], MemberRole.CHAIR), (users["council_member"], MemberRole.MEMBER)]
    members += [(extra[0], MemberRole.SECRETARY)] + [(u, MemberRole.MEMBER) for u in extra[1:]]
    session = session_create(
        by=users["secretariat"],
        campaign=world.campaign,
        title="Phiên họp thử",
        meeting_date=datetime.date(2025, 12, 1),
        location="Hội trường",
        members=members,
    )
    session.extra_members = extra
    return session


def everyone_present(session):
    session.seats.update(attendance="present")
