"""A large browser import is checked and applied in the background: the upload starts a job
and returns at once, the progress page follows it ("Đã kiểm tra …/… dòng"), and shows the
result: the counts to confirm, every bad row (also as .xlsx), then "Xong"."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from openpyxl import load_workbook

from campaigns.models import NtmStatus
from portal import importjobs
from portal.audit import verify_chain
from portal.models import AuditEvent
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

HEADER = "unit_code,year,criteria_met,level\n"


@pytest.fixture
def large(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_BACKGROUND_ROWS = 5
    return settings


def _file(lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile("ntm-lon.csv", (HEADER + "\n".join(lines) + "\n").encode())


def _good_lines() -> list[str]:
    communes = [UnitFactory(code=f"XA-LON-{n}") for n in range(3)]
    return [f"{u.code},{year},1;2,none" for u in communes for year in (2021, 2022, 2023)]


def test_a_large_file_is_checked_in_the_background_then_saved_on_confirm(world, client_as, large):
    client = client_as("economic_office")
    response = client.post(
        reverse("import-upload", args=["ntm_status"]), {"file": _file(_good_lines())}
    )
    assert response.status_code == 302
    progress = response["Location"]
    assert resolve(progress).url_name == "import-progress"
    assert not NtmStatus.objects.exists()

    page = client.get(progress).content.decode()
    assert "Đã kiểm tra xong 9 dòng: tệp hợp lệ. Chưa có gì được lưu." in page
    assert "9</span> dòng mới" in page
    kwargs = resolve(progress).kwargs
    response = client.post(reverse("import-confirm", kwargs=kwargs))
    assert response["Location"] == progress

    page = client.get(progress).content.decode()
    assert "Xong: đã nhập tệp “ntm-lon.csv”: 9 dòng mới" in page
    assert NtmStatus.objects.filter(criteria_met_count=2).count() == 9
    assert AuditEvent.objects.filter(model="campaigns.ntmstatus").count() == 9
    assert verify_chain()[1] == []
    # The preview address of the token leads to the same page.
    assert client.get(reverse("import-preview", kwargs=kwargs))["Location"] == progress


def test_the_progress_page_polls_and_says_how_many_rows_are_checked(world, client_as, large):
    client = client_as("economic_office")
    response = client.post(
        reverse("import-upload", args=["ntm_status"]), {"file": _file(_good_lines())}
    )
    token = str(resolve(response["Location"]).kwargs["token"])
    job = importjobs.load(token)
    job.update(state="checking", done=12_000, total=20_000)
    importjobs.save(token, job)

    page = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "Đã kiểm tra 12.000/20.000 dòng" in page
    assert 'hx-trigger="every 2s"' in page
    assert "Xác nhận nhập" not in page


def test_a_large_file_with_bad_rows_lists_each_row_and_saves_nothing(world, client_as, large):
    bad = ["KHONG-CO,2023,1,none", "XA-LON-0,2023,1;2,none", "XA-LON-1,2024,99,none"]
    lines = [*_good_lines(), *bad]
    client = client_as("economic_office")
    response = client.post(reverse("import-upload", args=["ntm_status"]), {"file": _file(lines)})
    progress = response["Location"]
    page = client.get(progress).content.decode()
    assert "tệp có 3 lỗi" in page
    assert "Không dòng nào được lưu" in page
    assert "Không có đơn vị mã “KHONG-CO”" in page
    assert "Trùng với dòng 4" in page
    assert "không có tiêu chí số 99" in page
    assert "Xác nhận nhập" not in page
    assert not NtmStatus.objects.exists()

    kwargs = resolve(progress).kwargs
    download = client.get(reverse("import-errors", kwargs=kwargs))
    sheet = load_workbook(io.BytesIO(download.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert [r[0] for r in rows] == [11, 12, 13]
    assert "KHONG-CO" in rows[0][2]


def test_another_user_cannot_follow_someone_elses_import(world, client_as, large):
    response = client_as("economic_office").post(
        reverse("import-upload", args=["ntm_status"]), {"file": _file(_good_lines())}
    )
    assert client_as("secretariat").get(response["Location"]).status_code == 404


def test_a_small_file_keeps_the_immediate_preview(world, client_as, large):
    lines = _good_lines()[:3]
    response = client_as("economic_office").post(
        reverse("import-upload", args=["ntm_status"]), {"file": _file(lines)}
    )
    assert resolve(response["Location"]).url_name == "import-preview"
