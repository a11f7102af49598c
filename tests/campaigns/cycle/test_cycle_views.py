"""The cycle's pages as a user meets them: bad input next to the field, crafted POSTs refused,
autosave and stale saves, the review queue's risk order and query count, diffs after a return,
registration list and export."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.cycle import services
from campaigns.models import Assessment, AssessmentStatus, Evidence, Registration
from portal.concurrency import seen_token
from tests.campaigns import cycle_world as cw
from tests.factories import CAMPAIGN_CODE as CODE
from tests.factories import UnitFactory
from tests.pageforms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return cw.assessment(world.commune_a, world.campaign)


def _save_url(a):
    return reverse("campaigns:assessment-save", args=[a.pk])


def test_the_form_shows_the_criteria_set_version_and_every_criterion(client_as, draft):
    page = client_as("officer_a").get(draft.get_absolute_url()).content.decode()
    assert "phiên bản 1" in page
    for text, *_ in cw.COMMUNE_CRITERIA:
        assert text in page
    assert 'hx-post="' + reverse("campaigns:assessment-autosave", args=[draft.pk]) in page


def test_a_good_save_keeps_vietnamese_numbers(client_as, draft):
    response = client_as("officer_a").post(_save_url(draft), cw.filled_post(draft))
    assert response.status_code == 302
    assert cw.item_no(draft, 2).value_number == Decimal("80.5")
    assert cw.item_no(draft, 3).value_number == Decimal(1_500_000_000)
    assert cw.item_no(draft, 1).value_bool is True


@pytest.mark.parametrize(
    ("number", "field", "value", "message"),
    [
        (3, "value", "-5000", "Số tiền không được âm."),
        (2, "value", "100,5", "Tỷ lệ không được vượt quá 100%."),
        (4, "score", "16", "Giá trị không được lớn hơn 15"),
        (2, "value", "tám mươi", "“tám mươi” không phải là một số."),
    ],
)
def test_bad_values_are_refused_next_to_the_field(client_as, draft, number, field, value, message):
    item = cw.item_no(draft, number)
    data = cw.filled_post(draft, **{f"i{item.pk}_{field}": value})
    response = client_as("officer_a").post(_save_url(draft), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    # What the officer typed is still there, and nothing was saved.
    assert f'value="{value}"' in page
    assert Assessment.objects.get(pk=draft.pk).revision == draft.revision
    assert cw.item_no(draft, 5).value_text == ""


def test_autosave_answers_the_time_and_new_revision(client_as, draft):
    response = client_as("officer_a").post(
        reverse("campaigns:assessment-autosave", args=[draft.pk]), cw.filled_post(draft)
    )
    page = response.content.decode()
    assert "Đã lưu nháp lúc" in page
    assert f'name="revision" value="{draft.revision + 1}"' in page
    assert "hx-swap-oob" in page


def test_a_stale_form_is_refused_with_who_saved_it(client_as, draft, users):
    stale = cw.filled_post(draft)
    client_as("officer_a").post(_save_url(draft), cw.filled_post(draft, summary="Bản đầu"))
    second = client_as("officer_a").post(_save_url(draft), {**stale, "summary": "Bản sau"})
    assert second.status_code == 400
    page = second.content.decode()
    assert "vừa được" in page
    assert users["officer_a"].display_name in page
    assert Assessment.objects.get(pk=draft.pk).summary == "Bản đầu"


def test_a_crafted_post_cannot_edit_an_approved_assessment(client_as, world):
    a = cw.assessment(world.commune_a, world.campaign, status=AssessmentStatus.APPROVED)
    response = client_as("officer_a").post(_save_url(a), cw.filled_post(a))
    assert response.status_code == 400
    assert "Đã duyệt" in response.content.decode()
    assert cw.item_no(a, 5).value_text == ""
    upload = SimpleUploadedFile("x.pdf", cw.PDF)
    client_as("officer_a").post(
        reverse("campaigns:evidence-add", args=[a.pk, cw.item_no(a, 1).pk]), {"file": upload}
    )
    assert Evidence.objects.count() == 0


def test_an_officer_of_another_unit_gets_404_on_submit(client_as, draft):
    response = client_as("officer_b").post(reverse("campaigns:assessment-submit", args=[draft.pk]))
    assert response.status_code == 404
    assert Assessment.objects.get(pk=draft.pk).status == AssessmentStatus.DRAFT


def test_an_officer_cannot_start_another_units_assessment(client_as, world):
    cw.criteria_set(world.campaign)
    response = client_as("officer_b").post(
        reverse("campaigns:assessment-start", args=[CODE]),
        {"unit": world.commune_a.pk, "year": 2025},
    )
    assert response.status_code == 404
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bao-cao.pdf", b"MZ\x90\x00 not a pdf at all", "không phải là tệp PDF"),
        ("anh.png", cw.PDF, "không phải là tệp PNG"),
        ("chay.exe", b"MZ\x90\x00", "không đúng loại cho phép"),
    ],
)
def test_evidence_must_be_what_its_name_says(client_as, draft, name, content, message):
    item = cw.item_no(draft, 1)
    response = client_as("officer_a").post(
        reverse("campaigns:evidence-add", args=[draft.pk, item.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert message in response.content.decode()
    assert not Evidence.objects.exists()


def test_oversize_evidence_is_refused(client_as, draft, settings):
    settings.UPLOAD_MAX_BYTES = 100
    item = cw.item_no(draft, 1)
    response = client_as("officer_a").post(
        reverse("campaigns:evidence-add", args=[draft.pk, item.pk]),
        {"file": SimpleUploadedFile("bien-ban.pdf", cw.PDF)},
        follow=True,
    )
    assert "vượt giới hạn" in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_is_stored_under_a_generated_name_and_served_as_attachment(client_as, draft):
    item = cw.item_no(draft, 1)
    client_as("officer_a").post(
        reverse("campaigns:evidence-add", args=[draft.pk, item.pk]),
        {"file": SimpleUploadedFile("Biên bản họp.pdf", cw.PDF)},
    )
    evidence = Evidence.objects.get()
    assert evidence.original_name == "Biên bản họp.pdf"
    assert "Biên" not in evidence.file.name
    response = client_as("secretariat").get(
        reverse("campaigns:evidence-download", args=[evidence.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def _review_seen(a) -> str:
    """The review form's edit-guard token, as the review page puts it (every criterion's row)."""
    return seen_token(*a.items.all())


def test_the_reviewer_sees_what_changed_since_the_return(client_as, world, users):
    a = cw.assessment(world.commune_a, world.campaign)
    officer, _secretariat = users["officer_a"], users["secretariat"]
    client_as("officer_a").post(_save_url(a), cw.filled_post(a))
    cw.evidence(cw.item_no(a, 1))
    a.refresh_from_db()
    services.assessment_submit(assessment=a, by=officer)
    item3 = cw.item_no(a, 3)
    review = client_as("secretariat").post(
        reverse("campaigns:assessment-review", args=[a.pk]),
        {
            "action": "return",
            "reason": "Kinh phí chưa có xác nhận",
            f"r{item3.pk}_comment": "Bổ sung xác nhận của Kho bạc",
            f"r{item3.pk}_returned": "on",
            "seen": _review_seen(a),
        },
    )
    assert review.status_code == 302
    a.refresh_from_db()
    assert a.status == AssessmentStatus.RETURNED
    page = client_as("officer_a").get(a.get_absolute_url()).content.decode()
    assert "Kinh phí chưa có xác nhận" in page
    assert "Bổ sung xác nhận của Kho bạc" in page
    post = cw.filled_post(a, **{f"i{item3.pk}_value": "1.200.000.000"})
    client_as("officer_a").post(_save_url(a), post)
    client_as("officer_a").post(
        reverse("campaigns:evidence-add", args=[a.pk, item3.pk]),
        {"file": SimpleUploadedFile("xac-nhan-kho-bac.pdf", cw.PDF)},
    )
    client_as("officer_a").post(reverse("campaigns:assessment-submit", args=[a.pk]))
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED
    page = client_as("secretariat").get(a.get_absolute_url()).content.decode()
    assert "Thay đổi từ lần trả lại" in page
    assert "1.500.000.000 đồng" in page  # the number as people write it, not 1500000000
    assert "1.200.000.000 đồng" in page
    assert "xac-nhan-kho-bac.pdf" in page
    assert page.count('data-testid="diff"') == 1  # only the returned item changed


def test_review_refuses_a_reduction_without_reason_and_keeps_input(client_as, world, users):
    a = cw.assessment(world.commune_a, world.campaign, status=AssessmentStatus.SUBMITTED)
    item = cw.item_no(a, 2)
    item.self_score = Decimal(18)
    item.save()
    response = client_as("secretariat").post(
        reverse("campaigns:assessment-review", args=[a.pk]),
        {"action": "approve", f"r{item.pk}_score": "10", "seen": _review_seen(a)},
    )
    assert response.status_code == 400
    assert "hạ điểm so với điểm tự chấm phải ghi rõ lý do" in response.content.decode()
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED
    assert cw.item_no(a, 2).reviewer_score is None


def test_return_without_reason_saves_nothing(client_as, world):
    a = cw.assessment(world.commune_a, world.campaign, status=AssessmentStatus.SUBMITTED)
    item = cw.item_no(a, 2)
    response = client_as("secretariat").post(
        reverse("campaigns:assessment-review", args=[a.pk]),
        {"action": "return", f"r{item.pk}_comment": "Xem lại", "seen": _review_seen(a)},
    )
    assert response.status_code == 400
    assert "Trả lại phải ghi rõ lý do." in response.content.decode()
    assert cw.item_no(a, 2).reviewer_comment == ""


# --- Review queue ----------------------------------------------------------------------------


def _submitted(unit, campaign, year=2025, score=10, late=False, evidence=True):
    a = cw.assessment(unit, campaign, year=year)
    for item in a.items.all():
        item.self_score = min(Decimal(score), item.criterion.max_points)
        item.save()
        if evidence:
            cw.evidence(item)
    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.SUBMITTED, is_late=late)
    return a


def test_queue_puts_the_riskiest_first_with_reasons(client_as, world):
    clean = _submitted(world.commune_a, world.campaign, score=5)
    risky = _submitted(world.commune_b, world.campaign, score=100, late=True, evidence=False)
    page = (
        client_as("secretariat")
        .get(reverse("campaigns:review-queue", args=[CODE]))
        .content.decode()
    )
    assert page.index(risky.unit.name) < page.index(clean.unit.name)
    assert "Nộp muộn" in page
    assert "5 tiêu chí có điểm nhưng không có minh chứng" in page
    assert "5/5 tiêu chí tự chấm điểm tối đa" in page


def test_the_review_page_keeps_the_queues_reasons_and_flags_missing_evidence(client_as, world):
    """What put the file at the top of the queue is on the page where the reviewer reads it, and
    a criterion whose evidence is mandatory but missing is marked as a problem at the criterion,
    not as a grey "không có"."""
    risky = _submitted(world.commune_b, world.campaign, score=100, late=True, evidence=False)
    page = client_as("secretariat").get(risky.get_absolute_url()).content.decode()
    reasons = page[page.index('data-testid="risk-reasons"') :]
    assert "Nộp muộn" in reasons
    assert "5 tiêu chí có điểm nhưng không có minh chứng" in reasons
    required = [i for i in risky.items.select_related("criterion") if i.criterion.evidence_required]
    assert required
    assert page.count('data-testid="missing-evidence"') == len(required)
    assert "Thiếu minh chứng bắt buộc" in page
    assert page.count('data-testid="unevidenced"') == 5 - len(required)
    # A clean file has no warning box.
    clean = _submitted(world.commune_a, world.campaign, score=5)
    assert 'data-testid="risk-reasons"' not in (
        client_as("secretariat").get(clean.get_absolute_url()).content.decode()
    )


def test_queue_flags_a_large_jump_from_last_year(client_as, world):
    last = _submitted(world.commune_a, world.campaign, year=2024, score=5)
    Assessment.objects.filter(pk=last.pk).update(status=AssessmentStatus.APPROVED)
    _submitted(world.commune_a, world.campaign, year=2025, score=9)
    page = (
        client_as("secretariat")
        .get(reverse("campaigns:review-queue", args=[CODE]))
        .content.decode()
    )
    assert "Tổng điểm tăng 64% so với năm trước" in page


def test_economic_office_queue_holds_only_communes_and_villages(client_as, world):
    from campaigns.models import TargetGroup

    _submitted(world.commune_a, world.campaign)
    cw.criteria_set(world.campaign, TargetGroup.ORGANISATIONS)
    dept = cw.assessment(world.department, world.campaign, group=TargetGroup.ORGANISATIONS)
    Assessment.objects.filter(pk=dept.pk).update(status=AssessmentStatus.SUBMITTED)
    page = (
        client_as("economic_office")
        .get(reverse("campaigns:review-queue", args=[CODE]))
        .content.decode()
    )
    assert world.commune_a.name in page
    assert world.department.name not in page


def test_queue_runs_a_constant_number_of_queries(client_as, world, django_assert_num_queries):
    client = client_as("secretariat")
    url = reverse("campaigns:review-queue", args=[CODE])
    _submitted(world.commune_a, world.campaign)
    client.get(url)  # warm the session and caches
    with django_assert_num_queries(_count_queries(client, url)) as small:
        client.get(url)
    queries = len(small.captured_queries)  # before the next request resets the log
    for i in range(8):
        _submitted(UnitFactory(code=f"XA-Q{i}"), world.campaign, evidence=i % 2 == 0)
    client.get(url)  # the writes renewed the menu's desk counts (portal.desk): read them once
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.content.decode().count('name="ids"') == 9


def _queue(client, **params):
    response = client.get(reverse("campaigns:review-queue", args=[CODE]), params)
    assert response.status_code == 200
    return response


def _queue_units(response) -> list[str]:
    return [row.assessment.unit.name for row in response.context["page"]]


def test_queue_pages_in_the_database_riskiest_first_and_page_two_holds_the_rest(client_as, world):
    """52 files: the two risky ones lead page 1, the clean ones follow by name, and page 2
    holds the last two; each page is scored and ordered by the database."""
    for i in range(50):
        _submitted(
            UnitFactory(code=f"XA-P{i:02}", name=f"Xã Trang {i:02}"), world.campaign, score=0
        )
    risky = _submitted(world.commune_b, world.campaign, score=100, late=True, evidence=False)
    less = _submitted(world.commune_a, world.campaign, score=100, evidence=False)
    client = client_as("secretariat")
    first, second = _queue(client), _queue(client, page=2)
    assert _queue_units(first)[:3] == [risky.unit.name, less.unit.name, "Xã Trang 00"]
    assert [row.risk for row in first.context["page"]][:3] == [10, 8, 0]
    assert _queue_units(second) == ["Xã Trang 48", "Xã Trang 49"]
    assert "?page=2" in first.content.decode()


def test_queue_filters_by_each_parameter(client_as, world):
    from campaigns.models import TargetGroup
    from tests.factories import ClusterFactory

    cw.criteria_set(world.campaign, TargetGroup.VILLAGES)
    _submitted(world.commune_a, world.campaign)
    _submitted(world.commune_a, world.campaign, year=2024)
    returned = cw.assessment(world.commune_b, world.campaign, status=AssessmentStatus.RETURNED)
    village = cw.assessment(world.village_a, world.campaign, group=TargetGroup.VILLAGES)
    Assessment.objects.filter(pk=village.pk).update(status=AssessmentStatus.SUBMITTED)
    far = UnitFactory(code="XA-XA", name="Xã Xa Xôi", cluster=ClusterFactory(name="Cụm miền núi"))
    _submitted(far, world.campaign)
    client = client_as("secretariat")
    a, b, v = world.commune_a.name, world.commune_b.name, world.village_a.name
    # Defaults: the page's year (2025), files waiting for review.
    assert sorted(_queue_units(_queue(client))) == sorted([a, v, far.name])
    assert _queue_units(_queue(client, year=2024)) == [a]
    assert sorted(_queue_units(_queue(client, year=""))) == sorted([a, a, v, far.name])
    assert _queue_units(_queue(client, status=AssessmentStatus.RETURNED)) == [b]
    assert sorted(_queue_units(_queue(client, status=""))) == sorted([a, b, v, far.name])
    assert _queue_units(_queue(client, group=TargetGroup.VILLAGES)) == [v]
    assert sorted(_queue_units(_queue(client, cluster=world.commune_a.cluster_id))) == [a]
    assert _queue_units(_queue(client, cluster=far.cluster_id)) == [far.name]
    assert _queue_units(_queue(client, q="xa xôi")) == [far.name]
    assert _queue_units(_queue(client, q="XA-XA")) == [far.name]
    assert returned.unit.name not in _queue_units(_queue(client))
    # A value that does not validate is named and ignored.
    bad = _queue(client, status="nonsense")
    assert 'data-testid="filter-errors"' in bad.content.decode()
    assert sorted(_queue_units(bad)) == sorted([a, b, v, far.name])


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def test_bulk_approve_goes_through_the_service_for_each(client_as, world):
    a = _submitted(world.commune_a, world.campaign)
    b = _submitted(world.commune_b, world.campaign)
    response = client_as("secretariat").post(
        reverse("campaigns:review-bulk-approve", args=[CODE]), {"ids": [a.pk, b.pk]}
    )
    assert response.status_code == 302
    for x in (a, b):
        x.refresh_from_db()
        assert x.status == AssessmentStatus.APPROVED
        assert x.history.filter(history_change_reason="Duyệt").exists()


# --- Registration ----------------------------------------------------------------------------


def test_registration_refuses_a_year_outside_the_campaign(client_as, world):
    response = client_as("officer_a").post(
        reverse("campaigns:registration-create", args=[CODE]),
        {"unit": world.commune_a.pk, "year": 2030, "commitments": "Đạt chuẩn"},
    )
    assert response.status_code == 200
    assert "2030" in response.content.decode()
    assert "không" in response.content.decode()
    assert not Registration.objects.exists()


def test_secretariat_sees_who_registered_and_exports(client_as, world):
    cw.registration(world.commune_a, world.campaign, 2025)
    client = client_as("secretariat")
    page = client.get(
        reverse("campaigns:registration-list", args=[CODE]) + "?year=2025"
    ).content.decode()
    assert world.commune_a.name in page
    assert "Chưa đăng ký năm 2025" in page
    assert world.commune_b.name in page
    response = client.get(reverse("campaigns:registration-export", args=[CODE]) + "?year=2025")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=3, column=3).value == "Tên đơn vị"
    assert sheet.cell(row=4, column=3).value == world.commune_a.name


def test_the_unit_panel_lists_years_status_and_totals(client_as, world):
    a = _submitted(world.commune_a, world.campaign, score=4)
    page = (
        client_as("officer_a")
        .get(reverse("campaigns:unit-assessments-panel", args=[world.commune_a.pk]))
        .content.decode()
    )
    assert "2025" in page
    assert "Đã nộp" in page
    assert "20,0" in page
    assert a.get_absolute_url() in page


def test_extension_request_then_grant_in_the_browser_pages(client_as, world, monkeypatch):
    from django.utils import timezone

    # Decided in December 2025: an extension to a day already past is refused.
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2025, 12, 3))
    client_as("officer_a").post(
        reverse("campaigns:extension-request", args=[CODE]),
        {"unit": world.commune_a.pk, "year": 2025, "reason": "Chờ số liệu tỉnh"},
    )
    ext = world.commune_a.extension_requests.get()
    secretariat = client_as("secretariat")
    decide = reverse("campaigns:extension-decide", args=[ext.pk])
    data = form_data(
        secretariat.get(reverse("campaigns:extension-list", args=[CODE])), action=decide
    )
    secretariat.post(decide, {**data, "decision": "grant", "until": "2026-01-15"})
    ext.refresh_from_db()
    assert ext.status == "granted"
    assert ext.until == datetime.date(2026, 1, 15)


def test_a_closed_period_says_so_and_points_to_the_extension(client_as, draft, monkeypatch):
    cw.deadline(draft.campaign, 2025, datetime.date(2025, 11, 30))
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2025, 12, 3))
    page = client_as("officer_a").get(draft.get_absolute_url()).content.decode()
    assert "Đã quá hạn báo cáo (30/11/2025)" in page
    assert reverse("campaigns:extension-list", args=[CODE]) in page


def test_secretariat_reopens_with_a_reason_shown_in_the_history(client_as, world):
    a = cw.assessment(world.commune_a, world.campaign, status=AssessmentStatus.APPROVED)
    client = client_as("secretariat")
    refused = client.post(reverse("campaigns:assessment-reopen", args=[a.pk]), {"reason": ""})
    assert refused.status_code == 302
    assert Assessment.objects.get(pk=a.pk).status == AssessmentStatus.APPROVED
    client.post(
        reverse("campaigns:assessment-reopen", args=[a.pk]), {"reason": "Sai số liệu tiêu chí 2"}
    )
    assert Assessment.objects.get(pk=a.pk).status == AssessmentStatus.SUBMITTED
    page = client.get(a.get_absolute_url()).content.decode()
    assert "Mở lại bản đã duyệt: Sai số liệu tiêu chí 2" in page


def test_evidence_of_an_approved_assessment_cannot_be_deleted(client_as, world):
    a = cw.assessment(world.commune_a, world.campaign)
    evidence = cw.evidence(cw.item_no(a, 1))
    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.APPROVED)
    response = client_as("officer_a").post(
        reverse("campaigns:evidence-delete", args=[evidence.pk]), follow=True
    )
    assert "không xóa minh chứng được" in response.content.decode()
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def _save_notes(draft, officer, count: int) -> None:
    item = cw.item_no(draft, 2)
    for n in range(1, count + 1):
        draft.refresh_from_db()
        services.assessment_save(
            assessment=draft,
            revision=draft.revision,
            items={item.pk: {"note": f"Ghi chú lần {n:03d}"}},
            by=officer,
        )


def test_the_page_shows_the_newest_changes_and_links_to_the_whole_history(
    client_as, draft, officer_a
):
    _save_notes(draft, officer_a, 60)
    client = client_as("officer_a")
    page = client.get(draft.get_absolute_url()).content.decode()
    history = page[page.index('id="lich-su"') :]
    assert "Ghi chú lần 060" in history
    assert "Ghi chú lần 040" not in history  # older than the newest few: on the history page
    assert 'data-testid="all-history"' in history
    url = reverse("campaigns:assessment-history", args=[draft.pk])
    assert url in history

    first = client.get(url).content.decode()
    assert "Lịch sử thay đổi" in first
    assert "Thay đổi thứ 1–50." in first
    assert "<ins>Ghi chú lần 060</ins>" in first
    assert 'data-testid="older"' in first
    second = client.get(url, {"page": 2}).content.decode()
    # Each save shows two lines (the criterion and the assessment): page 2 goes on from there.
    assert "Thay đổi thứ 51–100." in second
    assert "<ins>Ghi chú lần 035</ins>" in second
    assert "Mới hơn" in second
    last = client.get(url, {"page": 99}).content.decode()
    assert "Không còn thay đổi nào cũ hơn." in last
    assert 'data-testid="older"' not in last
    assert client.get(url, {"page": "abc"}).status_code == 200  # a bad page number: page 1


def test_a_short_history_has_no_link_and_another_unit_cannot_read_it(client_as, draft, officer_a):
    _save_notes(draft, officer_a, 2)
    page = client_as("officer_a").get(draft.get_absolute_url()).content.decode()
    assert "Ghi chú lần 002" in page
    assert 'data-testid="all-history"' not in page
    url = reverse("campaigns:assessment-history", args=[draft.pk])
    assert client_as("officer_b").get(url).status_code == 404
