# ruff: noqa: F811 (the fixtures imported from test_award_documents are parameters here)
"""The council minutes as the office files them (times, the secretary, percentages written the
Vietnamese way, the secretary's and the chair's signatures), and invented award documents marked
as sample — decision, minutes and certificates — without the real plan signer's name. Read back
through pdftotext."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from awards.council.services import session_set_times
from awards.decisions.services import decision_sign
from awards.models import AgendaItem, Nomination
from tests.awards.conftest import council, everyone_present, make_nomination, tiers  # noqa: F401
from units.authorities import SAMPLE_SIGNER

from .conftest import pdf_text
from .test_award_documents import _flat, _render, awards_case  # noqa: F401

pytestmark = pytest.mark.django_db
SAMPLE_MARK = "DỮ LIỆU MẪU"


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_minutes_print_times_secretary_and_decimal_comma(world, users, awards_case, tmp_path):
    session = awards_case["session"]
    day = session.meeting_date  # 01/12/2025
    session_set_times(
        session=session, started_at=_at(day, 14), ended_at=_at(day, 16, 30), by=users["chairman"]
    )
    flat = _flat(pdf_text(_render(world, "council_minutes", session.pk).content, tmp_path))
    assert "Thời gian bắt đầu: 14 giờ 00 phút ngày 01/12/2025." in flat
    assert "Cuộc họp kết thúc vào hồi 16 giờ 30 phút ngày 01/12/2025." in flat
    secretary = session.extra_members[0].display_name  # "Ủy viên số 1" holds the seat
    assert f"Thư ký: {secretary}." in flat
    assert "Chủ tọa:" in flat
    # The tallies: 5 of 5 and 4 of 5 agreeing, one decimal, decimal comma.
    assert "5/5 đồng ý (100,0%)" in flat
    assert "4/5 đồng ý (80,0%)" in flat
    assert "100.0%" not in flat
    assert "80.0%" not in flat
    # Two signatures: the secretary on the left, the chair on the right, each named.
    signatures = flat.rsplit("thống nhất ký tên./.", 1)[1]
    assert signatures.index("THƯ KÝ") < signatures.index("CHỦ TỌA")
    assert secretary in signatures
    assert users["chairman"].display_name in signatures
    assert SAMPLE_MARK not in flat  # nothing in this case is invented


def test_minutes_without_recorded_times_leave_the_blanks_to_fill(world, awards_case, tmp_path):
    session = awards_case["session"]  # voting opened on another day than the meeting day
    flat = _flat(pdf_text(_render(world, "council_minutes", session.pk).content, tmp_path))
    assert "Thời gian bắt đầu: … giờ … phút ngày 01/12/2025." in flat
    assert "Cuộc họp kết thúc vào hồi … giờ … phút cùng ngày." in flat


def test_stored_tallies_read_with_a_decimal_comma(world, awards_case, tmp_path):
    """Tallies closed before this change kept "100.0%" in their text: printed the Vietnamese
    way all the same."""
    item = awards_case["items"][0]
    item.refresh_from_db()
    item.tally["explanation"] = "5/5 đồng ý (100.0%), yêu cầu trên 50%: thông qua."
    # A concluded item's tally is frozen on PostgreSQL: write the old text as the old code left
    # it, behind the trigger's back.
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        AgendaItem.objects.filter(pk=item.pk).update(tally=item.tally)
        if connection.vendor == "postgresql":  # SET LOCAL outlives a released savepoint
            cursor.execute("SET LOCAL session_replication_role = origin")
    flat = _flat(pdf_text(_render(world, "council_minutes", item.session_id).content, tmp_path))
    assert "5/5 đồng ý (100,0%)" in flat
    assert "100.0%" not in flat


def test_an_invented_nomination_marks_decision_minutes_and_certificates(
    world, users, awards_case, tmp_path
):
    """One sample nomination makes every document it appears in a sample: watermark and note,
    and the signer printed is the sample signer, not the campaign's (real) signer."""
    Nomination.objects.filter(pk=awards_case["individual"].pk).update(is_sample=True)
    real_signer = world.campaign.authority.signer_name
    assert not world.campaign.is_sample

    decision = _flat(
        pdf_text(_render(world, "award_decision", awards_case["decision"].pk).content, tmp_path)
    )
    assert SAMPLE_MARK in decision
    assert real_signer not in decision
    assert SAMPLE_SIGNER in decision

    minutes = _flat(
        pdf_text(_render(world, "council_minutes", awards_case["session"].pk).content, tmp_path)
    )
    assert SAMPLE_MARK in minutes

    decision_sign(
        decision=awards_case["decision"],
        by=users["chairman"],
        number="12/QĐ-UBND",
        day=awards_case["decision"].decision_date,
    )
    rendered = _render(world, "certificate", awards_case["decision"].pk)
    pages = pdf_text(rendered.content, tmp_path).split("\f")[: rendered.pages]
    assert len(pages) == 2
    for page in pages:  # the collective's certificate too: it is printed from the same decision
        assert SAMPLE_MARK in _flat(page)
        assert real_signer not in page
        assert SAMPLE_SIGNER in _flat(page)


def test_an_invented_session_marks_its_minutes(world, awards_case, tmp_path):
    session = awards_case["session"]
    type(session).objects.filter(pk=session.pk).update(is_sample=True)
    flat = _flat(pdf_text(_render(world, "council_minutes", session.pk).content, tmp_path))
    assert SAMPLE_MARK in flat


def test_real_certificates_carry_no_sample_mark(world, users, awards_case, tmp_path):
    decision_sign(
        decision=awards_case["decision"],
        by=users["chairman"],
        number="12/QĐ-UBND",
        day=awards_case["decision"].decision_date,
    )
    rendered = _render(world, "certificate", awards_case["decision"].pk)
    text = _flat(pdf_text(rendered.content, tmp_path))
    assert SAMPLE_MARK not in text
    assert world.campaign.authority.signer_name in text
