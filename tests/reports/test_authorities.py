# ruff: noqa: F811 (pytest fixtures imported from sibling modules are parameters here)
"""Documents across the reform of 01/07/2025: each document takes the authority in force on its
own date (header, place, signer, council, recipients); a body that no longer exists never issues
one; signing is one act that takes a number from the authority's register, dates the document
and signs what the chairman read. Read back through pdftotext."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from awards.decisions.services import decision_create, decision_remove_nomination, decision_sign
from awards.models import Award, AwardDecision, DecisionStatus
from reports import rendering, services
from reports.models import OutgoingNumber, Report, ReportStatus
from tests.awards.conftest import council, everyone_present, make_nomination, tiers  # noqa: F401
from tests.factories import CAMPAIGN_CODE as CODE
from tests.factories import AuthorityFactory, town_ended_on_reform
from units.authorities import NoAuthority, check_in_force, in_force
from units.models import AuthorityLevel

from .conftest import FULL_NARRATIVE, pdf_text
from .test_award_documents import awards_case  # noqa: F401 (fixture)
from .test_services import fast_render  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
BEFORE = datetime.date(2025, 3, 10)
AFTER = datetime.date(2025, 12, 20)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def reform(world):
    """The test town ends on 30/06/2025; the province takes its documents over; a commune formed
    on 01/07/2025 decides the awards in its area."""
    town = world.campaign.authority
    province = AuthorityFactory(
        code="UBND-TINH-THU-NGHIEM",
        level=AuthorityLevel.PROVINCE,
        body="Ủy ban nhân dân tỉnh Thử Nghiệm",
        body_short="UBND tỉnh",
        place="Thành Thử",
        signer_name="Trần Tỉnh Ký",
        deputy_name="Võ Phó Tỉnh",
        deputy_signs=True,
        council_name="Hội đồng Thi đua – Khen thưởng tỉnh Thử Nghiệm",
        recipients="Bộ Nội vụ\nBan Thi đua - Khen thưởng Trung ương\nLưu: VT",
        valid_from=datetime.date(2025, 7, 1),
    )
    commune = AuthorityFactory(
        code="UBND-XA-HOP-NHAT",
        level=AuthorityLevel.COMMUNE,
        body="Ủy ban nhân dân xã Hợp Nhất",
        body_short="UBND xã",
        place="Hợp Nhất",
        signer_name="Phan Xã Ký",
        council_name="Hội đồng Thi đua – Khen thưởng xã Hợp Nhất",
        recipients="UBND tỉnh\nLưu: VT",
        valid_from=datetime.date(2025, 7, 1),
    )
    town.valid_to = datetime.date(2025, 6, 30)
    town.successor = province
    town.save()
    return {"town": town, "province": province, "commune": commune}


def _annual(world, day, year=2024):
    report = Report(campaign=world.campaign, kind="annual", year=year, issue_date=day)
    return report, rendering.render_report(report)


def test_the_chain_gives_the_authority_in_force_on_each_date(reform):
    town, province = reform["town"], reform["province"]
    assert in_force(town, datetime.date(2025, 6, 30)) == town
    assert in_force(town, datetime.date(2025, 7, 1)) == province
    with pytest.raises(NoAuthority, match="chưa được thành lập"):
        in_force(town, datetime.date(2019, 12, 31))


def test_a_body_that_ended_without_a_successor_issues_nothing(world, reform):
    town = reform["town"]
    town.successor = None
    town.save()
    with pytest.raises(NoAuthority) as refused:
        _annual(world, AFTER)
    message = " ".join(refused.value.messages)
    assert "Ủy ban nhân dân thị xã Thử Nghiệm chấm dứt hoạt động từ ngày 01/07/2025" in message
    assert "chưa khai báo cơ quan tiếp nhận" in message


def test_an_annual_report_takes_the_authority_of_its_date(world, reform, tmp_path):
    _, before = _annual(world, BEFORE)
    text = _flat(pdf_text(before.content, tmp_path, "before.pdf"))
    assert "ỦY BAN NHÂN DÂN THỊ XÃ THỬ NGHIỆM" in text
    assert "Thử Nghiệm, ngày 10 tháng 3 năm 2025" in text
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text
    assert "Lê Văn Chủ Tịch" in text

    _, after = _annual(world, AFTER)
    text = _flat(pdf_text(after.content, tmp_path, "after.pdf"))
    assert "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM" in text
    assert "THỊ XÃ THỬ NGHIỆM" not in text  # never in the name of a body that no longer exists
    assert "Thành Thử, ngày 20 tháng 12 năm 2025" in text
    # A deputy signs for the chairman: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" (Decree 30/2020).
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert "Võ Phó Tỉnh" in text
    assert "- Bộ Nội vụ;" in text
    assert (
        "Từ ngày 01/07/2025, Ủy ban nhân dân thị xã Thử Nghiệm chấm dứt hoạt động; Ủy ban nhân "
        "dân tỉnh Thử Nghiệm tiếp nhận" in text
    )
    assert "Ủy ban nhân dân tỉnh Thử Nghiệm báo cáo" in text


def test_a_draft_prints_draft_and_neither_number_nor_date(world, tmp_path):
    report = Report(campaign=world.campaign, kind="annual", year=2024)
    text = _flat(pdf_text(rendering.render_report(report).content, tmp_path))
    assert "DỰ THẢO" in text
    assert "/BC-UBND" in text
    assert not re.search(r"\d+/BC-UBND", text)
    assert f"Thử Nghiệm, ngày tháng năm {timezone.localdate().year}" in text


def test_a_decision_in_the_name_of_the_ended_town_is_refused(world, users, reform, awards_case):
    decision = awards_case["decision"]
    nominations = list(decision.nominations.all())
    decision_remove_nomination(
        decision=decision, nomination=nominations[0], by=users["secretariat"]
    )
    nominations[0].refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        decision_create(
            by=users["secretariat"],
            campaign=world.campaign,
            authority=reform["town"],
            decision_date=AFTER,
            title="Về việc khen thưởng",
            legal_bases="",
            nominations=[nominations[0]],
        )
    message = " ".join(refused.value.messages)
    assert "nhân danh Ủy ban nhân dân thị xã Thử Nghiệm" in message
    assert "đã chấm dứt hoạt động từ ngày 01/07/2025" in message
    assert "Cơ quan có thẩm quyền ngày đó là Ủy ban nhân dân tỉnh Thử Nghiệm" in message
    # The commune's chairman may decide on that date.
    made = decision_create(
        by=users["secretariat"],
        campaign=world.campaign,
        authority=reform["commune"],
        decision_date=AFTER,
        title="Về việc khen thưởng",
        legal_bases="",
        nominations=[nominations[0]],
    )
    assert made.authority == reform["commune"]
    with pytest.raises(NoAuthority):
        check_in_force(reform["commune"], BEFORE)


def test_minutes_are_the_council_of_the_authority_of_the_meeting_day(
    world, users, reform, awards_case, tmp_path
):
    session = awards_case["session"]
    session.meeting_date = datetime.date(2025, 6, 20)
    session.save()
    report = Report(
        campaign=world.campaign, kind="council_minutes", year=2025, object_id=session.pk
    )
    text = _flat(pdf_text(rendering.render_report(report).content, tmp_path, "m1.pdf"))
    assert "ỦY BAN NHÂN DÂN THỊ XÃ THỬ NGHIỆM HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG" in text
    assert "Thử Nghiệm, ngày 20 tháng 6 năm 2025" in text

    session.meeting_date = datetime.date(2025, 12, 15)
    session.authority = reform["commune"]
    session.save()
    text = _flat(pdf_text(rendering.render_report(report).content, tmp_path, "m2.pdf"))
    assert "ỦY BAN NHÂN DÂN XÃ HỢP NHẤT HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG" in text
    assert "Hợp Nhất, ngày 15 tháng 12 năm 2025" in text
    assert "THỊ XÃ" not in text


def _ready(world, users, kind="annual", year=2024, object_id=0):
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = services.report_request(
            campaign=world.campaign,
            kind=kind,
            year=year,
            by=users["secretariat"],
            object_id=object_id,
            narrative=FULL_NARRATIVE if kind in ("annual", "final_review") else None,
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    return report


def test_signing_numbers_dates_and_signs_the_document_read(world, users, signing_cert, tmp_path):
    report = _ready(world, users)
    with report.file.open("rb") as handle:
        draft = _flat(pdf_text(handle.read(), tmp_path, "draft.pdf"))
    assert "DỰ THẢO" in draft
    assert "/BC-UBND" in draft
    assert not re.search(r"\d+/BC-UBND", draft)

    signoff = services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    report.refresh_from_db()
    today = timezone.localdate()
    assert report.number == "01/BC-UBND"
    assert report.issue_date == today
    assert report.issuer["body"] == "Ủy ban nhân dân thị xã Thử Nghiệm"
    with signoff.signed_file.open("rb") as handle:
        signed = _flat(pdf_text(handle.read(), tmp_path, "signed.pdf"))
    assert "DỰ THẢO" not in signed
    assert "Số: 01/BC-UBND" in signed
    assert rendering.date_in_words("Thử Nghiệm", today) in signed
    entry = OutgoingNumber.objects.get()
    assert (entry.seq, entry.year, entry.report_id) == (1, today.year, report.pk)


def test_numbers_follow_the_register_in_order_and_never_twice(
    world,
    users,
    fast_render,
    signing_cert,
    client_as,
):
    first = _ready(world, users, year=2023)
    services.report_sign(report=first, by=users["chairman"], read_sha256=first.sha256)
    # The office gave number 02 and 03 outside the portal; the register records them.
    client = client_as("secretariat")
    for seq in (2, 3):
        response = client.post(
            reverse("reports:register"),
            {
                "authority": world.campaign.authority_id,
                "seq": str(seq),
                "symbol": "QĐ-UBND",
                "day": timezone.localdate().strftime("%d/%m/%Y"),
                "summary": f"Văn bản cấp ngoài hệ thống số {seq}",
            },
        )
        assert response.status_code == 302
    again = client.post(
        reverse("reports:register"),
        {
            "authority": world.campaign.authority_id,
            "seq": "3",
            "symbol": "QĐ-UBND",
            "day": timezone.localdate().strftime("%d/%m/%Y"),
            "summary": "Trùng số",
        },
    )
    assert f"Số 03 năm {timezone.localdate().year}" in again.content.decode()
    second = _ready(world, users, year=2024)
    services.report_sign(report=second, by=users["chairman"], read_sha256=second.sha256)
    second.refresh_from_db()
    assert second.number == "04/BC-UBND"
    page = client.get(reverse("reports:register")).content.decode()
    assert "04/BC-UBND" in page
    assert "03/QĐ-UBND" in page
    assert "01/BC-UBND" in page


def test_data_changed_since_reading_refuses_and_uses_no_number(
    world,
    users,
    fast_render,
    signing_cert,
):
    report = _ready(world, users)
    Report.objects.filter(pk=report.pk).update(context_hash="b" * 64)  # data moved on since
    report.refresh_from_db()
    with pytest.raises(ValidationError, match="đã thay đổi sau khi tạo bản đồng chí đã đọc"):
        services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert report.number == ""
    assert not OutgoingNumber.objects.exists()


def test_signing_the_decision_pdf_is_the_one_act_that_numbers_and_awards(
    world,
    users,
    awards_case,
    fast_render,
    signing_cert,
    client_as,
):
    decision = awards_case["decision"]
    assert decision.number == ""
    # Drafted and signed today, after the reform: the commune that took the town over decides.
    commune = town_ended_on_reform(world.campaign.authority)
    AwardDecision.objects.filter(pk=decision.pk).update(
        decision_date=timezone.localdate(), authority=commune
    )
    page = client_as("chairman").get(reverse("awards:decision-detail", args=[decision.pk]))
    assert "Ký quyết định" not in page.content.decode()  # no second, separate "sign" button
    report = _ready(world, users, kind="award_decision", year=2025, object_id=decision.pk)
    assert not Award.objects.exists()
    services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    decision = AwardDecision.objects.get(pk=decision.pk)
    assert decision.status == DecisionStatus.SIGNED
    assert decision.number == "01/QĐ-UBND"
    assert decision.decision_date == timezone.localdate()
    assert set(Award.objects.values_list("decision_number", flat=True)) == {"01/QĐ-UBND"}
    entry = OutgoingNumber.objects.get(report=report)
    assert entry.summary == f"Quyết định v{decision.title[1:]}"


def _text(report, tmp_path, name) -> str:
    return _flat(pdf_text(rendering.render_report(report).content, tmp_path, name))


@pytest.mark.parametrize(
    ("kind", "year", "before", "after"),
    [
        ("annual", 2024, datetime.date(2025, 1, 20), datetime.date(2025, 12, 20)),
        (
            "preliminary_review",
            2023,
            datetime.date(2024, 1, 15),
            datetime.date(2025, 7, 15),  # a late signature: the town no longer exists
        ),
        ("final_review", 2025, datetime.date(2025, 6, 25), datetime.date(2026, 1, 10)),
    ],
)
def test_every_campaign_report_names_the_authority_of_its_date(
    world, reform, tmp_path, kind, year, before, after
):
    """Each campaign report, dated before and after 01/07/2025: header, date line, signature
    block, the handover sentence and the evaluation parts the report must carry."""
    narrative = {
        "strengths": "Phong trào được triển khai đồng bộ.",
        "limits": "Một số đơn vị báo cáo chậm.",
    }
    early = Report(campaign=world.campaign, kind=kind, year=year, issue_date=before, **narrative)
    text = _text(early, tmp_path, "early.pdf")
    assert "ỦY BAN NHÂN DÂN THỊ XÃ THỬ NGHIỆM" in text
    assert rendering.date_in_words("Thử Nghiệm", before) in text
    assert "Lê Văn Chủ Tịch" in text
    assert "chấm dứt hoạt động" not in text
    assert "Phong trào được triển khai đồng bộ." in text
    assert "Một số đơn vị báo cáo chậm." in text

    late = Report(campaign=world.campaign, kind=kind, year=year, issue_date=after, **narrative)
    text = _text(late, tmp_path, "late.pdf")
    assert "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM" in text
    assert "THỊ XÃ THỬ NGHIỆM" not in text
    assert rendering.date_in_words("Thành Thử", after) in text
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert "Võ Phó Tỉnh" in text
    assert "Lê Văn Chủ Tịch" not in text
    assert "Từ ngày 01/07/2025, Ủy ban nhân dân thị xã Thử Nghiệm chấm dứt hoạt động" in text
    assert "Phong trào được triển khai đồng bộ." in text


def test_a_decision_and_its_certificates_name_the_chairman_of_their_date(
    world, users, reform, awards_case, tmp_path
):
    """The town's chairman decides on 20/06/2025; the commune's on 20/12/2025 (the town's tiers
    passed to the commune on 01/07/2025). Each decision and its certificates name their own."""
    from awards.models import Nomination

    early = awards_case["decision"]
    report = Report(
        campaign=world.campaign,
        kind="award_decision",
        year=2025,
        object_id=early.pk,
        issue_date=early.decision_date,
        number="07/QĐ-UBND",
    )
    text = _text(report, tmp_path, "d1.pdf")
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN THỊ XÃ THỬ NGHIỆM" in text
    assert "Số: 07/QĐ-UBND" in text
    assert "Thử Nghiệm, ngày 20 tháng 6 năm 2025" in text
    assert "Tặng danh hiệu “Chiến sĩ thi đua cơ sở”" in text
    assert "Chánh Văn phòng HĐND và UBND thị xã, Thủ trưởng Cơ quan Tổ chức – Nội vụ" in text

    nominations = list(early.nominations.all())
    for nomination in nominations:
        decision_remove_nomination(decision=early, nomination=nomination, by=users["secretariat"])
    late = decision_create(
        by=users["secretariat"],
        campaign=world.campaign,
        authority=reform["commune"],
        decision_date=AFTER,
        title="Về việc khen thưởng",
        legal_bases="",
        nominations=list(Nomination.objects.filter(pk__in=[n.pk for n in nominations])),
    )
    report = Report(
        campaign=world.campaign,
        kind="award_decision",
        year=2025,
        object_id=late.pk,
        issue_date=AFTER,
        number="03/QĐ-UBND",
    )
    text = _text(report, tmp_path, "d2.pdf")
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ HỢP NHẤT" in text
    assert "THỊ XÃ" not in text
    assert "Hợp Nhất, ngày 20 tháng 12 năm 2025" in text
    assert "Phan Xã Ký" in text
    assert "Tặng danh hiệu “Chiến sĩ thi đua cơ sở”" in text
    assert "Điều 3. Chánh Văn phòng HĐND và UBND xã, Thủ trưởng các cơ quan" in text

    decision_sign(decision=late, by=users["chairman"], number="03/QĐ-UBND", day=AFTER)
    certificates = Report(campaign=world.campaign, kind="certificate", year=2025, object_id=late.pk)
    text = _text(certificates, tmp_path, "c2.pdf")
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ HỢP NHẤT" in text
    assert "Hợp Nhất, ngày 20 tháng 12 năm 2025" in text
    assert "Phan Xã Ký" in text
    assert "THỊ XÃ THỬ NGHIỆM" not in text


def test_each_body_seals_with_its_own_certificate(
    world, users, fast_render, signing_cert, tmp_path
):
    """A body that has its own certificates signs as itself (the seal's certificate names the
    body in force, never another one), and /verify/ trusts it."""
    from django.core.files.base import ContentFile

    from reports import signing

    authority = world.campaign.authority
    authority.certificate.save("co-quan.p12", ContentFile(signing.demo_authority_p12("UBND Riêng")))
    authority.signer_certificate.save(
        "nguoi-ky.p12", ContentFile(signing.demo_authority_p12("UBND Riêng", "Lê Văn Chủ Tịch"))
    )
    report = _ready(world, users)
    signoff = services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    assert "UBND Riêng" in signoff.seal_certificate_subject
    assert "Lê Văn Chủ Tịch" in signoff.certificate_subject
    with signoff.signed_file.open("rb") as handle:
        verdict = signing.validate_pdf(handle.read())
    assert verdict.ok
    assert verdict.trusted


def test_a_new_decision_offers_the_bases_in_force_on_its_day(world, client_as):
    from awards.decisions.selectors import decision_legal_bases

    after = decision_legal_bases(world.campaign, AFTER)
    assert "72/2025/QH15" in after
    assert "152/2025/NĐ-CP" in after
    assert "Luật Thi đua, khen thưởng ngày 15/6/2022" in after
    before = decision_legal_bases(world.campaign, datetime.date(2023, 12, 1))
    assert "91/2017/NĐ-CP" in before
    assert "72/2025" not in before
    page = (
        client_as("secretariat")
        .get(reverse("awards:decision-create", args=[CODE]))
        .content.decode()
    )
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022" in page


def test_a_commune_decides_only_the_awards_in_its_area(world, users, reform, awards_case):
    """After the reform each commune's chairman decides in its own area; an old commune's
    nominee goes to the commune it merged into (its successor)."""
    from awards.models import Nomination
    from tests.factories import UnitFactory
    from units.models import UnitKind

    decision = awards_case["decision"]
    collective = awards_case["collective"]  # nominated for world.commune_a
    decision_remove_nomination(decision=decision, nomination=collective, by=users["secretariat"])
    elsewhere = UnitFactory(code="X2025-KHAC", name="Xã Nơi Khác", kind=UnitKind.COMMUNE)
    merged_into = UnitFactory(code="P2025-MOI-GOP", name="Phường Mới Gộp", kind=UnitKind.WARD)
    world.commune_a.successors.add(merged_into)
    commune = reform["commune"]

    def create():
        return decision_create(
            by=users["secretariat"],
            campaign=world.campaign,
            authority=commune,
            decision_date=AFTER,
            title="Về việc khen thưởng",
            legal_bases="",
            nominations=[Nomination.objects.get(pk=collective.pk)],
        )

    commune.unit = elsewhere
    commune.save()
    with pytest.raises(ValidationError) as refused:
        create()
    message = " ".join(refused.value.messages)
    assert (
        f"{world.commune_a.name} nay thuộc Phường Mới Gộp, không thuộc địa bàn Ủy ban nhân dân "
        "xã Hợp Nhất" in message
    )
    commune.unit = merged_into
    commune.save()
    assert create().authority == commune


def test_a_draft_of_the_town_cannot_be_signed_after_the_town_ended(
    world, users, reform, awards_case, fast_render, signing_cert
):
    """Drafted by the town on 20/06/2025, read and signed today: the decision would be dated
    today in the name of a body that no longer exists. Refused, naming the one in force; no
    number is used and no award is written."""
    decision = awards_case["decision"]
    report = _ready(world, users, kind="award_decision", year=2025, object_id=decision.pk)
    with pytest.raises(ValidationError) as refused:
        services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    message = " ".join(refused.value.messages)
    assert "nhân danh Ủy ban nhân dân thị xã Thử Nghiệm" in message
    assert "Cơ quan có thẩm quyền ngày đó là Ủy ban nhân dân tỉnh Thử Nghiệm" in message
    assert not OutgoingNumber.objects.exists()
    assert not Award.objects.exists()
    assert AwardDecision.objects.get(pk=decision.pk).status == DecisionStatus.DRAFT
