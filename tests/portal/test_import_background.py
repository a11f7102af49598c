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


# --- A job whose process died -------------------------------------------------------------------


def _upload(client) -> tuple[str, str]:
    """Upload a large good file (checked inline); returns the progress address and the token."""
    response = client.post(
        reverse("import-upload", args=["ntm_status"]), {"file": _file(_good_lines())}
    )
    progress = response["Location"]
    return progress, str(resolve(progress).kwargs["token"])


def _age(token: str, state: str, *, seconds: float, beat_seconds: float | None = None, **more):
    """Put the job in `state` as a process left it `seconds` ago (its last state change), with
    its last heartbeat `beat_seconds` ago (None: it never beat)."""
    import datetime
    import json

    from django.utils import timezone

    from portal import background

    job = importjobs.load(token)
    long_ago = timezone.now() - datetime.timedelta(seconds=seconds)
    job.update(state=state, at=long_ago.isoformat(), **more)
    background.write_small(importjobs.job_name(token), json.dumps(job).encode())
    key = importjobs.beat_key(token)
    background.forget(key)
    if beat_seconds is not None:
        beat = timezone.now() - datetime.timedelta(seconds=beat_seconds)
        payload = {"at": beat.isoformat(), "step": ""}
        background.write_small(background.beat_name(key), json.dumps(payload).encode())


def test_a_check_whose_process_died_says_so_and_asks_for_the_file_again(world, client_as, large):
    client = client_as("economic_office")
    progress, token = _upload(client)
    large.BACKGROUND_STALE_SECONDS = 120
    _age(token, "checking", seconds=600, beat_seconds=300, done=1_000, total=9)

    page = client.get(progress, HTTP_HX_REQUEST="true").content.decode()
    assert (
        "Quá trình kiểm tra đã dừng giữa chừng; chưa có dòng nào được ghi. "
        "Vui lòng tải tệp lên lại." in page
    )
    assert "Tải tệp lên lại" in page
    assert reverse("import-upload", args=["ntm_status"]) in page
    assert "hx-trigger" not in page  # no more polling
    assert "Xác nhận nhập" not in page
    assert not NtmStatus.objects.exists()
    assert importjobs.load(token)["state"] == "stopped"  # recorded: a late worker does nothing
    # The home page no longer lists it as a file being checked.
    assert token not in client.session.get("pending_imports", {})


def test_a_job_that_still_beats_is_not_stopped_however_long_it_takes(world, client_as, large):
    client = client_as("economic_office")
    progress, token = _upload(client)
    large.BACKGROUND_STALE_SECONDS = 120
    # Its last progress was 10 minutes ago (a long write), but its heartbeat is fresh.
    _age(token, "applying", seconds=600, beat_seconds=5, phase="apply", writing=True)
    page = client.get(progress, HTTP_HX_REQUEST="true").content.decode()
    assert "Đang lưu" in page
    assert 'hx-trigger="every 2s"' in page
    assert importjobs.load(token)["state"] == "applying"


def test_a_queued_job_is_given_longer_before_it_counts_as_stopped(world, client_as, large):
    client = client_as("economic_office")
    progress, token = _upload(client)
    large.BACKGROUND_STALE_SECONDS = 120
    large.BACKGROUND_QUEUED_SECONDS = 1800
    _age(token, "queued", seconds=600)  # waiting behind other work, never started
    assert "Đang chờ xử lý" in client.get(progress, HTTP_HX_REQUEST="true").content.decode()
    _age(token, "queued", seconds=2000)
    page = client.get(progress, HTTP_HX_REQUEST="true").content.decode()
    assert "Quá trình kiểm tra đã dừng giữa chừng" in page
    # The worker that finally takes the message finds nothing to do.
    importjobs.run(token)
    assert importjobs.load(token)["state"] == "stopped"
    assert not NtmStatus.objects.exists()


def test_a_write_that_stopped_half_way_wrote_nothing(world, client_as, large):
    client = client_as("economic_office")
    progress, token = _upload(client)
    kwargs = resolve(progress).kwargs
    from django.utils import timezone

    # The apply phase was taken by a process that died before its transaction committed.
    _age(
        token,
        "applying",
        seconds=600,
        beat_seconds=400,
        phase="apply",
        writing=True,
        applying_since=timezone.now().isoformat(),
    )
    page = client.get(progress).content.decode()
    assert "Quá trình ghi dữ liệu đã dừng giữa chừng; chưa có dòng nào được ghi" in page
    assert not NtmStatus.objects.exists()
    # It cannot be confirmed any more: the person uploads the file again.
    client.post(reverse("import-confirm", kwargs=kwargs))
    assert importjobs.load(token)["state"] == "stopped"
    assert not NtmStatus.objects.exists()


def test_a_write_that_committed_before_its_process_died_is_shown_as_done(world, client_as, large):
    """The write commits, then the process dies before it records "done": the job's audit
    events carry its id, so the page says what happened instead of "nothing was written"."""
    client = client_as("economic_office")
    progress, token = _upload(client)
    kwargs = resolve(progress).kwargs
    client.post(reverse("import-confirm", kwargs=kwargs))
    assert NtmStatus.objects.count() == 9
    events = AuditEvent.objects.filter(model="campaigns.ntmstatus")
    assert set(events.values_list("request_id", flat=True)) == {importjobs._job_id(token)}
    job = importjobs.load(token)
    _age(
        token,
        "applying",
        seconds=600,
        beat_seconds=400,
        phase="apply",
        writing=True,
        applying_since=job["applying_since"],
    )
    page = client.get(progress).content.decode()
    assert "Xong: đã nhập tệp “ntm-lon.csv”: 9 dòng mới" in page
    assert "dừng giữa chừng" not in page


def test_a_job_found_stopped_while_its_process_was_frozen_does_not_write(
    world, client_as, large, monkeypatch
):
    """The page said "stopped, nothing written" while the process was frozen; when it wakes up
    in the middle of the write, it rolls back rather than make the page wrong."""
    from campaigns.results.importers import NtmStatusImporter

    client = client_as("economic_office")
    progress, token = _upload(client)
    kwargs = resolve(progress).kwargs
    apply = NtmStatusImporter.apply

    def frozen_past_the_limit(self, plan, *, user=None):
        apply(self, plan, user=user)
        job = importjobs._read(token)
        job.update(state="stopped", message=importjobs.STOPPED_APPLY)
        importjobs.save(token, job)  # what a poll of the page recorded meanwhile

    monkeypatch.setattr(NtmStatusImporter, "apply", frozen_past_the_limit)
    client.post(reverse("import-confirm", kwargs=kwargs))
    assert not NtmStatus.objects.exists()
    assert "chưa có dòng nào được ghi" in client.get(progress).content.decode()
