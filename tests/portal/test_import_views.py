"""Browser imports: upload → preview (errors or summary) → confirm, for the uploader only."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.importing import SESSION_KEY
from portal.roles import Role
from tests.factories import UnitFactory, UserFactory
from tests.units.importfiles import MO_DUC, csv_bytes, snapshot, xlsx_bytes
from units.models import Unit

UPLOAD = reverse("import-upload", args=["units"])


def _file(data: bytes, name: str = "don-vi.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _pending_files() -> list[str]:
    try:
        return default_storage.listdir("imports")[1]
    except FileNotFoundError:
        return []


def _upload_good(client) -> str:
    response = client.post(UPLOAD, {"file": _file(xlsx_bytes(MO_DUC), "Mộ Đức.xlsx")})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_import_list_shows_the_kinds_the_user_may_import(client_as):
    page = client_as("secretariat").get(reverse("import-index")).content.decode()
    assert reverse("import-upload", args=["units"]) in page
    for header in ("code", "name", "kind", "parent_code", "cluster"):  # the contract's headers
        assert f"<code>{header}</code>" in page
    assert "Mã đơn vị cấp trên" in page  # each named in words


def test_a_file_with_bad_rows_shows_every_error_and_saves_nothing(client_as, world):
    client = client_as("secretariat")
    rows = [
        *MO_DUC,
        ("MD-LOI-1", "Thôn Lỗi", "village", "MD-KHONG-CO", ""),
        ("MD-LOI-2", "", "huyen", "", ""),
    ]
    before = snapshot()
    response = client.post(UPLOAD, {"file": _file(csv_bytes(rows))})
    assert response.status_code == 200
    html = response.content.decode()
    assert "có 3 lỗi" in html
    assert "Không dòng nào được lưu" in html
    errors = [(e.line, e.column) for e in response.context["errors"]]
    assert errors == [(14, "parent_code"), (15, "name"), (15, "kind")]
    assert "Không tìm thấy đơn vị cấp trên có mã “MD-KHONG-CO”" in html
    assert "Các giá trị cho phép: department, fatherland_front" in html
    assert snapshot() == before
    assert _pending_files() == []


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"ma,ten\r\nA,B\r\n", "x.csv", "Dòng tiêu đề không đúng mẫu"),
        (csv_bytes([("X", "Xã Phổ Ninh", "commune", "", "")], encoding="cp1258"), "x.csv", "UTF-8"),
        (b"code,name,kind,parent_code,cluster\r\n", "x.csv", "chỉ có dòng tiêu đề"),
        (b"PK\x03\x04hong", "x.xlsx", "không phải là tệp XLSX"),
        (b"%PDF-1.4", "x.pdf", "Chỉ nhận tệp Excel (.xlsx) hoặc CSV"),
    ],
)
def test_an_unusable_file_is_refused_next_to_the_field(client_as, world, data, name, message):
    before = snapshot()
    response = client_as("secretariat").post(UPLOAD, {"file": _file(data, name)})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert snapshot() == before
    assert _pending_files() == []


def test_a_file_over_the_limit_is_refused_before_it_is_read(client_as, world, settings):
    settings.IMPORT_MAX_BYTES = 1024
    data = csv_bytes(MO_DUC) + b"#" * 2048
    response = client_as("secretariat").post(UPLOAD, {"file": _file(data)})
    assert "vượt giới hạn" in " ".join(response.context["form"].errors["file"])
    assert Unit.objects.filter(code__startswith="MD-").count() == 0


def test_a_good_file_is_previewed_then_saved_on_confirm(client_as, world, secretariat):
    client = client_as("secretariat")
    preview_url = _upload_good(client)
    assert Unit.objects.filter(code__startswith="MD-").count() == 0  # not yet
    assert len(_pending_files()) == 1
    preview = client.get(preview_url)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert (preview.context["plan"].created, preview.context["plan"].updated) == (len(MO_DUC), 0)
    assert "Sẽ tạo khối/cụm mới: Cụm thi đua các xã Mộ Đức" in html
    assert "Xã Đức Nhuận" in html
    confirm = client.post(preview_url + "xac-nhan/")
    assert confirm.status_code == 302
    assert Unit.objects.filter(code__startswith="MD-").count() == len(MO_DUC)
    assert Unit.objects.get(code="MD-DUC-NHUAN").history.first().history_user == secretariat
    assert _pending_files() == []
    assert client.session[SESSION_KEY] == {}
    done = client.get(confirm["Location"]).content.decode()
    assert f"{len(MO_DUC)} dòng mới, 0 dòng cập nhật, 0 dòng không đổi" in done
    # The token is spent: confirming twice does nothing.
    assert client.post(preview_url + "xac-nhan/").status_code == 404


def test_an_htmx_upload_redirects_the_page_to_the_preview(client_as, world):
    response = client_as("secretariat").post(
        UPLOAD, {"file": _file(csv_bytes(MO_DUC))}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "/nhap-du-lieu/units/" in response["HX-Redirect"]


def test_another_user_cannot_see_or_confirm_someone_elses_pending_import(client_as, world):
    preview_url = _upload_good(client_as("secretariat"))
    other = UserFactory(username="secretariat_2", roles=[Role.SECRETARIAT])
    intruder = client_as("secretariat")
    intruder.force_login(other, backend="django.contrib.auth.backends.ModelBackend")
    assert intruder.get(preview_url).status_code == 404
    assert intruder.post(preview_url + "xac-nhan/").status_code == 404
    assert intruder.post(preview_url + "huy/").status_code == 404
    assert Unit.objects.filter(code__startswith="MD-").count() == 0
    assert len(_pending_files()) == 1


def test_confirm_rechecks_the_file_and_refuses_when_the_data_changed(client_as, world):
    client = client_as("secretariat")
    preview_url = _upload_good(client)
    # Meanwhile someone creates one of the file's units by hand.
    UnitFactory(code="MD-DUC-LOI", name="Xã Đức Lợi")
    response = client.post(preview_url + "xac-nhan/", follow=True)
    assert "vừa thay đổi so với lúc xem trước" in response.content.decode()
    assert Unit.objects.filter(code__startswith="MD-").count() == 1
    # The new preview is what the confirm now applies.
    assert response.context["plan"].created == len(MO_DUC) - 1
    client.post(preview_url + "xac-nhan/")
    assert Unit.objects.filter(code__startswith="MD-").count() == len(MO_DUC)


def test_confirm_refuses_a_file_that_became_invalid(client_as, world):
    client = client_as("secretariat")
    rows = [("MD-T", "Thôn Tân", "village", "XA-A", "")]
    preview_url = client.post(UPLOAD, {"file": _file(csv_bytes(rows))})["Location"]
    Unit.objects.filter(code="XA-A").update(kind="department")
    response = client.post(preview_url + "xac-nhan/")
    assert response.status_code == 200
    assert "Không dòng nào được lưu" in response.content.decode()
    assert not Unit.objects.filter(code="MD-T").exists()


def test_cancel_deletes_the_pending_file(client_as, world):
    client = client_as("secretariat")
    preview_url = _upload_good(client)
    assert client.post(preview_url + "huy/").status_code == 302
    assert _pending_files() == []
    assert client.get(preview_url).status_code == 404


def test_an_altered_pending_file_is_not_applied(client_as, world):
    client = client_as("secretariat")
    preview_url = _upload_good(client)
    name = f"imports/{_pending_files()[0]}"
    default_storage.delete(name)
    default_storage.save(name, io.BytesIO(csv_bytes([("MD-X", "Xã X", "commune", "", "")])))
    assert client.post(preview_url + "xac-nhan/").status_code == 404
    assert not Unit.objects.filter(code__startswith="MD-").exists()


def test_an_officer_cannot_import_units(client_as, world):
    before = snapshot()
    response = client_as("officer_a").post(UPLOAD, {"file": _file(csv_bytes(MO_DUC))})
    assert response.status_code == 403
    assert snapshot() == before


def test_template_download_has_the_exact_header(client_as):
    from openpyxl import load_workbook

    response = client_as("secretariat").get(reverse("import-template", args=["units"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["code", "name", "kind", "parent_code", "cluster"]


# --- unit list buttons and Excel export -------------------------------------------------------


def test_unit_list_shows_import_and_export_buttons_by_capability(client_as, world):
    secretariat = client_as("secretariat").get(reverse("units:unit-list")).content.decode()
    assert "Nhập từ tệp" in secretariat
    assert "Xuất Excel" in secretariat
    observer = client_as("observer").get(reverse("units:unit-list")).content.decode()
    assert "Nhập từ tệp" not in observer
    assert "Xuất Excel" in observer
    officer = client_as("officer_a").get(reverse("units:unit-list")).content.decode()
    assert "Nhập từ tệp" not in officer
    assert "Xuất Excel" not in officer


def test_unit_list_export_is_the_filtered_list_with_vietnamese_headers(client_as, world):
    from openpyxl import load_workbook

    page = client_as("secretariat").get(reverse("units:unit-list"), {"q": "Phổ Thử A"})
    assert "?q=Ph%E1%BB%95+Th%E1%BB%AD+A" in page.content.decode()
    response = client_as("secretariat").get(reverse("units:unit-export"), {"q": "Phổ Thử A"})
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[3]][:6] == [
        "Mã",
        "Tên đơn vị",
        "Loại",
        "Mã đơn vị cấp trên",
        "Đơn vị cấp trên",
        "Khối/cụm",
    ]
    assert [c.value for c in sheet[4]][:6] == [
        "XA-A",
        "Xã Phổ Thử A",
        "Xã",
        None,
        None,
        "Cụm thi đua thử nghiệm",
    ]
    assert sheet.max_row == 4
    assert sheet.freeze_panes == "A4"
