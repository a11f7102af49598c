"""Difficulties and proposals: sending with attachments, assigning, answering, notifying,
closing, filtering and exporting."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.models import Feedback, FeedbackAttachment, FeedbackStatus
from portal.concurrency import seen_token
from tests.factories import CAMPAIGN_CODE as CODE

from .oversight_helpers import PDF_BYTES, make_feedback

pytestmark = pytest.mark.django_db

CREATE = reverse("campaigns:oversight:feedback-create", args=[CODE])


def _send(client, world, **extra):
    data = {
        "unit": world.commune_a.pk,
        "year": 2024,
        "kind": "adjustment",
        "subject": "Đề nghị lùi hạn tiêu chí Giao thông",
        "body": "Do mưa lũ, xã đề nghị lùi hạn sang năm 2025.",
    }
    data.update(extra)
    return client.post(CREATE, data)


def test_officer_sends_a_difficulty_with_an_attachment_and_sees_the_answer(client_as, world, users):
    officer = client_as("officer_a")
    users["officer_a"].email = "canbo@phoa.gov.vn"
    users["officer_a"].save()
    response = _send(officer, world, files=[SimpleUploadedFile("Công văn số 12.pdf", PDF_BYTES)])
    feedback = Feedback.objects.get()
    assert response.status_code == 302
    assert response["Location"] == feedback.get_absolute_url()
    assert feedback.unit == world.commune_a
    assert feedback.sent_by == users["officer_a"]
    assert feedback.status == FeedbackStatus.NEW
    attachment = feedback.attachments.get()
    assert attachment.original_name == "Công văn số 12.pdf"
    assert not attachment.file.name.endswith(".pdf")  # stored under a generated name

    download = officer.get(reverse("campaigns:oversight:feedback-attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF_BYTES

    secretariat = client_as("secretariat")
    secretariat.post(
        reverse("campaigns:oversight:feedback-assign", args=[feedback.pk]),
        {"assignee": users["secretariat"].pk, "seen": seen_token(feedback)},
    )
    assert mail.outbox == []  # nobody is told anything before the answer
    answer_url = reverse("campaigns:oversight:feedback-answer", args=[feedback.pk])
    feedback.refresh_from_db()
    with_adjustment = {
        "answer": "Thống nhất lùi hạn.",
        "led_to_adjustment": "on",
        "seen": seen_token(feedback),
    }
    response = secretariat.post(answer_url, with_adjustment)
    assert response.status_code == 400
    assert "Ghi rõ nội dung kế hoạch đã được điều chỉnh." in response.content.decode()

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = secretariat.post(
            answer_url, {**with_adjustment, "adjustment_note": "Lùi hạn sang quý II/2025."}
        )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.ANSWERED
    assert feedback.assignee == users["secretariat"]
    assert feedback.led_to_adjustment
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["canbo@phoa.gov.vn"]
    assert "Thống nhất lùi hạn." in mail.outbox[0].body

    page = officer.get(feedback.get_absolute_url()).content.decode()
    assert "Thống nhất lùi hạn." in page
    assert "Lùi hạn sang quý II/2025." in page
    assert 'action="/phong-trao/giam-sat/kho-khan/' not in page.split("Trả lời của Cơ quan")[1]
    panel = officer.get(
        reverse("campaigns:oversight:unit-oversight-panel", args=[world.commune_a.pk])
    ).content.decode()
    assert "Thống nhất lùi hạn." in panel

    response = secretariat.post(reverse("campaigns:oversight:feedback-close", args=[feedback.pk]))
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.CLOSED
    again = secretariat.post(
        answer_url, {"answer": "Sửa sau khi đóng", "seen": seen_token(feedback)}, follow=True
    )
    assert "đã đóng" in again.content.decode()
    feedback.refresh_from_db()
    assert feedback.answer == "Thống nhất lùi hạn."


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_saved(client_as, world):
    response = _send(
        client_as("officer_a"),
        world,
        files=[SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 this is an exe")],
    )
    assert response.status_code == 200
    assert "không phải là tệp PDF" in response.content.decode()
    assert not Feedback.objects.exists()
    assert not FeedbackAttachment.objects.exists()


def test_an_officer_cannot_send_for_another_commune(client_as, world):
    response = _send(client_as("officer_a"), world, unit=world.commune_b.pk)
    assert response.status_code == 200
    assert "Lựa chọn không hợp lệ" in response.content.decode() or "hợp lệ" in (
        response.content.decode()
    )
    assert not Feedback.objects.exists()


def test_a_year_outside_the_campaign_is_refused(client_as, world):
    response = _send(client_as("officer_a"), world, year=2030)
    assert "Năm phải trong thời gian của phong trào (2021–2025)." in response.content.decode()
    assert not Feedback.objects.exists()


def test_an_officer_sees_only_their_units_difficulties(client_as, world):
    make_feedback(world, subject="Khó khăn của xã A")
    make_feedback(world, unit=world.commune_b, subject="Khó khăn của xã B")
    page = client_as("officer_a").get(reverse("campaigns:oversight:feedback-list", args=[CODE]))
    text = page.content.decode()
    assert "Khó khăn của xã A" in text
    assert "Khó khăn của xã B" not in text


def test_the_list_filters_and_the_export_follows_the_filter(client_as, world):
    make_feedback(
        world,
        subject="Khó khăn đã điều chỉnh",
        led_to_adjustment=True,
        adjustment_note="Điều chỉnh lộ trình",
        status="answered",
        answer="Đồng ý",
    )
    make_feedback(world, unit=world.commune_b, subject="Vướng mắc chưa trả lời")
    client = client_as("secretariat")
    listing = client.get(
        reverse("campaigns:oversight:feedback-list", args=[CODE]), {"adjustment": "1"}
    )
    assert "Khó khăn đã điều chỉnh" in listing.content.decode()
    assert "Vướng mắc chưa trả lời" not in listing.content.decode()

    response = client.get(
        reverse("campaigns:oversight:feedback-export", args=[CODE]), {"adjustment": "1"}
    )
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[3]]
    assert headers[:6] == ["Số", "Ngày gửi", "Năm", "Đơn vị gửi", "Loại", "Tiêu đề"]
    assert sheet.freeze_panes == "A4"
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 1
    row = dict(zip(headers, rows[0], strict=True))
    assert row["Đơn vị gửi"] == "Xã Phổ Thử A"
    assert row["Tiêu đề"] == "Khó khăn đã điều chỉnh"
    assert row["Trạng thái"] == "Đã trả lời"
    assert row["Dẫn đến điều chỉnh kế hoạch"] == "Có"
    assert row["Nội dung điều chỉnh"] == "Điều chỉnh lộ trình"


def test_an_attachment_missing_from_storage_gives_a_page_that_says_so(client_as, world):
    """A database restored without its media: the download answers 404 with a page that says the
    file is gone from storage (not a server error), and the row is untouched."""
    officer = client_as("officer_a")
    _send(officer, world, files=[SimpleUploadedFile("Công văn số 12.pdf", PDF_BYTES)])
    attachment = FeedbackAttachment.objects.get()
    attachment.file.storage.delete(attachment.file.name)

    response = client_as("secretariat").get(
        reverse("campaigns:oversight:feedback-attachment", args=[attachment.pk])
    )
    assert response.status_code == 404
    page = response.content.decode()
    assert "không còn trong kho lưu trữ" in page
    assert FeedbackAttachment.objects.filter(pk=attachment.pk).exists()
