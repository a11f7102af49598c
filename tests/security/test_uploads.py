"""Hostile uploads: each is refused by content sniffing, or stored under a generated name and
served only as a sandboxed attachment with nosniff."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.uploads import GeneratedName, attachment_response, check_upload, safe_display_name

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def _docx(extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def _up(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _refused(name: str, data: bytes, **kw) -> str:
    with pytest.raises(ValidationError) as exc:
        check_upload(_up(name, data), **kw)
    return exc.value.code or ""


@pytest.mark.parametrize(
    ("name", "data"),
    [("anh.png", PNG), ("anh.jpg", JPEG), ("baocao.pdf", PDF), ("hoso.docx", _docx())],
)
def test_genuine_files_are_accepted(name, data):
    checked = check_upload(_up(name, data))
    assert checked.extension == name.rsplit(".", 1)[1]
    assert len(checked.sha256) == 64


HOSTILE = {
    "SVG with script": (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ),
    "SVG renamed to PNG": (
        "logo.png",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    ),
    "HTML renamed to PDF": ("quyet-dinh.pdf", b"<!DOCTYPE html><html><script>alert(1)</script>"),
    "HTML after a PDF header": (
        "qd.pdf",
        b"%PDF-1.4\n<html><script>alert(document.cookie)</script>",
    ),
    "JPEG/HTML polyglot": (
        "anh.jpg",
        JPEG + b"<html><body><script>alert(1)</script></body></html>",
    ),
    "PNG/JS polyglot": ("anh.png", PNG + b"<script src=//evil.example/x.js></script>"),
    "PDF with JavaScript": (
        "hs.pdf",
        PDF.replace(
            b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
        ),
    ),
    "PDF with escaped JavaScript name": (
        "hs.pdf",
        PDF.replace(
            b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (x) >>"
        ),
    ),
    "PDF with launch action": (
        "hs.pdf",
        PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >>"),
    ),
    "executable renamed to PDF": ("hs.pdf", b"MZ\x90\x00" + b"\x00" * 200),
    "plain zip renamed to docx": ("hs.docx", b"PK\x05\x06" + b"\x00" * 18),
    "PHP renamed to JPG": ("anh.jpg", b"<?php system($_GET['c']); ?>"),
    "empty": ("rong.pdf", b""),
    "exe": ("setup.exe", b"MZ\x90\x00"),
    "html": ("trang.html", b"<html></html>"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_content_is_refused(case):
    name, data = HOSTILE[case]
    _refused(name, data)


def test_zip_bomb_as_docx_is_refused():
    buf = io.BytesIO()
    block = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        for i in range(210):  # 210 MB expanded, ~200 KB on the wire
            z.writestr(f"word/media/{i}.bin", block)
    assert len(buf.getvalue()) < 2 * 1024 * 1024
    with pytest.raises(ValidationError, match="nén bất thường"):
        check_upload(_up("bao-cao.docx", buf.getvalue()))


def test_zip_with_too_many_members_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        for i in range(5001):
            z.writestr(f"x/{i}", b"")
    _refused("nhieu.xlsx", buf.getvalue())


def test_oversize_is_refused_with_the_limit_in_the_message():
    with pytest.raises(ValidationError, match="vượt giới hạn") as exc:
        check_upload(_up("lon.pdf", PDF + b"%" * 2048), max_bytes=1024)
    assert exc.value.code == "size"


def test_too_many_files_in_one_request_is_a_400_and_changes_nothing(world, users, client_as):
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    url = reverse("units:unit-edit", args=[world.commune_a.pk])
    files = {f"tep{i}": _up(f"{i}.pdf", PDF) for i in range(limit + 1)}
    response = client_as("secretariat").post(
        url, {"code": "XA-A", "name": "Đổi tên qua tệp", "kind": "commune", **files}
    )
    assert response.status_code == 400
    world.commune_a.refresh_from_db()
    assert world.commune_a.name == "Xã Phổ Thử A"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        ("ho\x00so.pdf", "ho_so.pdf"),
        ("baocao\u202efdp.exe", "baocao_fdp.exe"),
        ("   ", "tep"),
    ],
)
def test_names_are_made_harmless(raw, expected):
    assert safe_display_name(raw) == expected


def test_nul_and_rtl_cannot_smuggle_an_extension():
    assert _refused("hoso.pdf\x00.html", PDF) == "extension"
    assert _refused("anh\u202egnp.exe", PNG) == "extension"


def test_very_long_name_is_bounded_and_keeps_its_extension():
    checked = check_upload(_up("Báo cáo " * 200 + ".pdf", PDF))
    assert len(checked.original_name) <= 120
    assert checked.original_name.endswith(".pdf")


def test_vietnamese_names_are_normalised_to_nfc():
    nfd = unicodedata.normalize("NFD", "Báo cáo tổng kết Phổ Quang.pdf")
    checked = check_upload(_up(nfd, PDF))
    assert checked.original_name == unicodedata.normalize("NFC", "Báo cáo tổng kết Phổ Quang.pdf")


def test_stored_under_a_generated_name():
    upload_to = GeneratedName("minh-chung")
    stored = upload_to(None, "../../Báo cáo <script>.pdf")
    assert re.fullmatch(r"minh-chung/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", stored)
    assert upload_to(None, "x.html").endswith(".bin")
    assert GeneratedName("a") == GeneratedName("a")


def test_served_as_sandboxed_attachment_with_nosniff(db):
    path = default_storage.save("t/x.bin", ContentFile(b"<html><script>alert(1)</script>"))
    with default_storage.open(path, "rb") as fh:
        response = attachment_response(fh, "Quyết định\u202e.html", "text/html")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "\u202e" not in response["Content-Disposition"]
        assert "sandbox" in response["Content-Security-Policy"]
        response.close()
