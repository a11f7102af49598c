"""The signed page (Decree 30/2020 for electronic documents): the person's signature and the
agency's (seal), each with its image; the person's key on a PKCS#11 token (SoftHSM) or the
server-held certificate; the verification block on the signature's page with SITE_URL; and the
public /verify/ page checking the file's signatures and accepting the code as people type it."""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from reports import rendering, services, signing
from reports.models import KeyStore, Report, ReportStatus, normalize_code
from tests.awards.conftest import council, everyone_present, make_nomination, tiers  # noqa: F401

from .conftest import FULL_NARRATIVE, pdf_text
from .test_award_documents import awards_case  # noqa: F401

pytestmark = pytest.mark.django_db

SIGN_HTML = (
    '<html><head><link rel="stylesheet" href="css/report_pdf.css"></head><body>'
    "<p>Báo cáo thử Đức Phổ</p>"
    '<table class="doc-sign"><tr><td class="recipients"><div>Nơi nhận:</div></td>'
    '<td class="signature"><div class="sign-title">CHỦ TỊCH</div>'
    '<div class="sign-space" id="sig-space"></div><div class="sign-name">Nguyễn Văn Thử</div>'
    "</td></tr></table></body></html>"
)


@pytest.fixture
def small_render(monkeypatch):
    """The full render replaced by a small real page with the signature block."""

    def fake(report):
        content, pages, box = rendering.html_to_pdf(SIGN_HTML)
        return rendering.Rendered(
            filename="x.pdf",
            content_type="application/pdf",
            content=content,
            pages=pages,
            context_hash="a" * 64,
            tables=[],
            has_sample=False,
            signature_box=box,
            gather_seconds=0,
            render_seconds=0,
        )

    monkeypatch.setattr(rendering, "render_report", fake)


def _ready_report(world, users):
    """An annual report with its evaluation, rendered and waiting for signature."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = services.report_request(
            campaign=world.campaign,
            kind="annual",
            year=2024,
            by=users["secretariat"],
            narrative=FULL_NARRATIVE,
        )
    report.refresh_from_db()
    return report


def _signed_report(world, users):
    report = _ready_report(world, users)
    assert report.status == ReportStatus.READY
    signoff = services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    report.refresh_from_db()
    return report, signoff


def _pdfsig(data: bytes, tmp_path) -> str:
    if not shutil.which("pdfsig"):
        pytest.skip("pdfsig (poppler-utils) is not installed")
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


# --- Two signatures ----------------------------------------------------------------------------


def test_signing_makes_the_persons_and_the_agencys_signatures(
    world, users, small_render, signing_cert, tmp_path, client_as
):
    report, signoff = _signed_report(world, users)
    data = signoff.signed_file.read()
    verdict = signing.validate_pdf(data)
    assert verdict.ok
    assert [s.role for s in verdict.signatures] == ["person", "seal"]
    assert verdict.person.signer_name == "Nguyễn Văn Thử"
    assert verdict.seal.signer_name == "Ủy ban nhân dân thị xã Đức Phổ"
    # The sign-off records both certificates and where the person's key was.
    assert "Nguyễn Văn Thử" in signoff.certificate_subject
    assert "Ủy ban nhân dân thị xã Đức Phổ" in signoff.seal_certificate_subject
    assert signoff.person_key_store == KeyStore.SERVER
    # The report's page names both.
    page = client_as("chairman").get(report.get_absolute_url()).content.decode()
    assert "Chữ ký số của người ký: Common Name: Nguyễn Văn Thử" in page
    assert "chứng thư số lưu trên máy chủ" in page
    assert "Chữ ký số của cơ quan: Common Name: Ủy ban nhân dân thị xã Đức Phổ" in page
    # pdfsig: two signatures, both valid; the agency's (the last) covers the whole file.
    out = _pdfsig(data, tmp_path)
    assert out.count("Signature is Valid") == 2
    assert "Signature Field Name: " + signing.PERSON_FIELD in out
    assert "Signature Field Name: " + signing.SEAL_FIELD in out
    assert "Signer Certificate Common Name: Nguyễn Văn Thử" in out
    assert "Signer Certificate Common Name: Ủy ban nhân dân thị xã Đức Phổ" in out
    seal_part = out.split("Signature #2:", 1)[1]
    assert "Total document signed" in seal_part


def test_a_deployment_that_requires_tokens_refuses_a_signer_without_one(
    world, users, small_render, signing_cert, settings
):
    settings.SIGNING_PERSON_FALLBACK = "none"
    report = _ready_report(world, users)
    with pytest.raises(signing.SigningUnavailable, match="thiết bị ký số"):
        services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY


def _ink(png: bytes, box, page_height_pt: float, scale: float, colour: str) -> int:
    """Pixels of `colour` ("red" seal, "blue" signature) inside `box` (PDF points)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    x0, y0, x1, y1 = box
    crop = image.crop(
        (
            int(x0 * scale),
            int((page_height_pt - y1) * scale),
            int(x1 * scale),
            int((page_height_pt - y0) * scale),
        )
    )
    count = 0
    raw = crop.tobytes()
    for index in range(0, len(raw), 3):
        r, g, b = raw[index], raw[index + 1], raw[index + 2]
        if colour == "red" and r > 150 and g < 90 and b < 90:
            count += 1
        if colour == "blue" and b > 120 and r < 90 and g < 110:
            count += 1
    return count


def test_the_seal_covers_the_left_third_of_the_signature_image(
    world, users, small_render, signing_cert, tmp_path
):
    """Looked at as an image: blue ink (the signature) in the person's box, red (the seal) over
    its left third and none over its right part; nothing of either before signing."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    report, signoff = _signed_report(world, users)
    person_box, seal_box = signing.signature_layout(tuple(report.signature_box["box"]))
    assert seal_box[2] == pytest.approx(person_box[0] + (person_box[2] - person_box[0]) / 3, abs=1)
    assert seal_box[2] - seal_box[0] == pytest.approx(35 * signing.MM, abs=1)  # actual size

    def page_png(data: bytes, name: str) -> bytes:
        path = tmp_path / name
        path.write_bytes(data)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "72",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(path),
                str(tmp_path / name),
            ],
            check=True,
        )
        return (tmp_path / f"{name}.png").read_bytes()

    with report.file.open("rb") as handle:
        unsigned = page_png(handle.read(), "unsigned.pdf")
    signed = page_png(signoff.signed_file.read(), "signed.pdf")
    height = 841.89
    right_part = (seal_box[2] + 2, person_box[1], person_box[2], person_box[3])
    assert _ink(unsigned, seal_box, height, 1, "red") == 0
    assert _ink(unsigned, person_box, height, 1, "blue") == 0
    assert _ink(signed, seal_box, height, 1, "red") > 200
    assert _ink(signed, right_part, height, 1, "blue") > 50
    assert _ink(signed, right_part, height, 1, "red") == 0


# --- PKCS#11 token (SoftHSM) -------------------------------------------------------------------

SOFTHSM_LIBS = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
TOKEN_LABEL = "CHU TICH"
KEY_LABEL = "ky-so-chu-tich"
TOKEN_PERSON = "Trần Thị Token"


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory):
    """A SoftHSM token holding the chairman's key and certificate (imported: a real token makes
    its key on the device). Session-wide: the PKCS#11 library is loaded once per process and
    reads its configuration then."""
    module = next((p for p in SOFTHSM_LIBS if Path(p).exists()), None)
    if module is None or not shutil.which("softhsm2-util"):
        pytest.skip(
            "SoftHSM is not installed (libsofthsm2.so, softhsm2-util: apt-get install softhsm2)"
        )
    pkcs11 = pytest.importorskip("pkcs11", reason="python-pkcs11 is not installed")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pkcs11 import Attribute
    from pkcs11.util.rsa import decode_rsa_private_key
    from pkcs11.util.x509 import decode_x509_certificate

    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            TOKEN_LABEL,
            "--so-pin",
            "87654321",
            "--pin",
            "123456",
        ],
        check=True,
        capture_output=True,
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = signing.self_signed_certificate(
        key,
        [
            (NameOID.COUNTRY_NAME, "VN"),
            (NameOID.ORGANIZATION_NAME, "Token thử nghiệm"),
            (NameOID.COMMON_NAME, TOKEN_PERSON),
        ],
    )
    cert_der = cert.public_bytes(serialization.Encoding.DER)
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    token = pkcs11.lib(module).get_token(token_label=TOKEN_LABEL)
    with token.open(rw=True, user_pin="123456") as session:
        attrs = decode_rsa_private_key(key_der)
        attrs.update(
            {
                Attribute.TOKEN: True,
                Attribute.LABEL: KEY_LABEL,
                Attribute.ID: b"\x01",
                Attribute.SIGN: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
            }
        )
        session.create_object(attrs)
        cert_attrs = decode_x509_certificate(cert_der)
        cert_attrs.update(
            {Attribute.TOKEN: True, Attribute.LABEL: KEY_LABEL, Attribute.ID: b"\x01"}
        )
        session.create_object(cert_attrs)
    pem = root / "token-ca.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return {"module": module, "pem": str(pem)}


def test_the_chairman_signs_with_the_certificate_on_his_token(
    world, users, small_render, signing_cert, softhsm_token, settings, monkeypatch, tmp_path
):
    settings.SIGNING_PKCS11_MODULE = softhsm_token["module"]
    settings.SIGNING_PKCS11_TOKENS = {
        users["chairman"].username: {
            "token": TOKEN_LABEL,
            "key": KEY_LABEL,
            "pin_env": "TEST_TOKEN_PIN",
        }
    }
    settings.SIGNING_PERSON_FALLBACK = "none"  # the token, or nothing
    settings.SIGNING_TRUSTED_CERTS = [softhsm_token["pem"]]
    monkeypatch.setenv("TEST_TOKEN_PIN", "123456")
    _report, signoff = _signed_report(world, users)
    assert signoff.person_key_store == KeyStore.TOKEN
    assert TOKEN_PERSON in signoff.certificate_subject
    assert "Ủy ban nhân dân thị xã Đức Phổ" in signoff.seal_certificate_subject
    data = signoff.signed_file.read()
    verdict = signing.validate_pdf(data)
    assert verdict.ok
    assert verdict.person.signer_name == TOKEN_PERSON
    out = _pdfsig(data, tmp_path)
    assert out.count("Signature is Valid") == 2
    assert f"Signer Certificate Common Name: {TOKEN_PERSON}" in out
    # Without the token's CA in the trusted list, the signature is intact but not trusted.
    settings.SIGNING_TRUSTED_CERTS = []
    untrusted = signing.validate_pdf(data)
    assert untrusted.intact
    assert untrusted.valid
    assert not untrusted.trusted
    assert not untrusted.ok


def test_a_wrong_pin_is_refused_with_a_message(
    world, users, small_render, signing_cert, softhsm_token, settings, monkeypatch
):
    settings.SIGNING_PKCS11_MODULE = softhsm_token["module"]
    settings.SIGNING_PKCS11_TOKENS = {
        users["chairman"].username: {"token": TOKEN_LABEL, "key": KEY_LABEL, "pin_env": "BAD_PIN"}
    }
    monkeypatch.setenv("BAD_PIN", "000000")
    report = _ready_report(world, users)
    with pytest.raises(signing.SigningUnavailable, match="thiết bị ký số"):
        services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY


# --- The verification block --------------------------------------------------------------------


def _page_text(content: bytes, page: int, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-f", str(page + 1), "-l", str(page + 1), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.parametrize("kind", ["annual", "preliminary_review", "final_review"])
def test_campaign_reports_print_the_verify_block_on_the_signature_page(
    world, report_data, settings, tmp_path, kind
):
    settings.SITE_URL = "https://thidua.ducpho.example.vn"
    year = {"annual": 2024, "preliminary_review": 2023, "final_review": 2025}[kind]
    report = Report(
        campaign=world.campaign, kind=kind, year=year, issue_date=datetime.date(2026, 2, 5)
    )
    rendered = rendering.render_report(report)
    _assert_verify_block_beside_signature(rendered, report, tmp_path)


def _assert_verify_block_beside_signature(rendered, report, tmp_path):
    assert rendered.signature_box is not None
    page = rendered.signature_box["page"]
    text = " ".join(_page_text(rendered.content, page, tmp_path).split())
    assert f"Mã tra cứu: {report.verification_code}" in text
    assert "Kiểm tra văn bản đã ký số tại: https://thidua.ducpho.example.vn/verify/" in text
    assert "127.0.0.1" not in text
    whole = pdf_text(rendered.content, tmp_path, name="whole.pdf")
    assert whole.count("Mã tra cứu") == 1
    # The signature block is on that page too (not pushed away from it).
    assert "Nơi nhận" in text or "CHỦ TỌA" in text


def test_award_documents_print_the_verify_block_on_the_signature_page(
    world,
    users,
    settings,
    tmp_path,
    awards_case,  # noqa: F811
):
    settings.SITE_URL = "https://thidua.ducpho.example.vn"
    for kind, object_id in (
        ("award_decision", awards_case["decision"].pk),
        ("council_minutes", awards_case["session"].pk),
    ):
        report = Report(
            campaign=world.campaign,
            kind=kind,
            year=2025,
            object_id=object_id,
            issue_date=datetime.date(2025, 12, 20),
        )
        rendered = rendering.render_report(report)
        _assert_verify_block_beside_signature(rendered, report, tmp_path)


# --- /verify/ ----------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["lower", "no-dash", "lower-no-dash", "spaces"])
def test_verify_accepts_the_code_as_people_type_it(
    world, users, small_render, signing_cert, client_as, typed
):
    report, _ = _signed_report(world, users)
    code = report.verification_code
    variants = {
        "lower": code.lower(),
        "no-dash": code.replace("-", ""),
        "lower-no-dash": code.replace("-", "").lower(),
        "spaces": f"  {code[:4].lower()} {code[5:]} ",
    }
    anonymous = client_as("anonymous")
    by_get = anonymous.get(reverse("verify:verify"), {"ma": variants[typed]}).content.decode()
    assert "Mã tra cứu hợp lệ" in by_get
    by_post = anonymous.post(reverse("verify:verify"), {"code": variants[typed]}).content.decode()
    assert "Mã tra cứu hợp lệ" in by_post


def test_normalize_code():
    assert normalize_code("abcd2345") == "ABCD-2345"
    assert normalize_code(" abcd-2345 ") == "ABCD-2345"
    assert normalize_code("ABCD 2345") == "ABCD-2345"
    assert normalize_code("abc") == "ABC"  # not a code: left for the lookup to refuse


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def test_verify_checks_the_signatures_in_the_uploaded_file(
    world, users, small_render, signing_cert, client_as
):
    _report, signoff = _signed_report(world, users)
    signed = signoff.signed_file.read()
    verdict = signing.validate_pdf(signed)
    anonymous = client_as("anonymous")
    page = anonymous.post(
        reverse("verify:verify"), {"file": SimpleUploadedFile("van-ban.pdf", signed)}
    ).content.decode()
    assert "đúng là bản gốc đã ký số" in page
    assert "Chữ ký số hợp lệ:" in page
    assert "Chữ ký số của người có thẩm quyền" in page
    assert "Chữ ký số của cơ quan, tổ chức" in page
    assert "Nguyễn Văn Thử" in page
    assert "Ủy ban nhân dân thị xã Đức Phổ" in page
    # When, in local time (Asia/Ho_Chi_Minh), dd/mm/yyyy HH:MM, for each signature.
    for check in verdict.signatures:
        assert _local(check.signed_at) in page
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", page)
    assert page.count("Hợp lệ</span>") == 2


def _paint_over_first_page(data: bytes) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    patch = writer.add_object(generic.StreamObject(stream_data=b"1 1 1 rg 80 600 400 100 re f"))
    contents = page["/Contents"]
    if isinstance(contents, generic.ArrayObject):
        page["/Contents"] = generic.ArrayObject([*contents, patch])
    else:
        page["/Contents"] = generic.ArrayObject([contents, patch])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_verify_says_a_changed_file_is_not_validly_signed(
    world, users, small_render, signing_cert, client_as
):
    report, signoff = _signed_report(world, users)
    signed = signoff.signed_file.read()
    anonymous = client_as("anonymous")
    # A byte changed inside the signed range.
    tampered = bytearray(signed)
    position = signed.index(b"Producer")
    tampered[position] ^= 0x01
    page = anonymous.post(
        reverse("verify:verify"), {"file": SimpleUploadedFile("van-ban.pdf", bytes(tampered))}
    ).content.decode()
    assert "không phải bản gốc" in page
    assert "Chữ ký số không hợp lệ:" in page
    assert "Nội dung tệp đã bị thay đổi sau khi ký." in page
    # An incremental update after the signatures that paints over the page: each signed range
    # is still intact (pdfsig calls both signatures valid), but the file is not what was signed.
    changed = anonymous.post(
        reverse("verify:verify"),
        {"file": SimpleUploadedFile("van-ban.pdf", _paint_over_first_page(signed))},
    ).content.decode()
    assert "không phải bản gốc" in changed
    assert "Tệp đã bị sửa đổi sau khi ký" in changed
    assert "Có thay đổi không được phép sau khi ký" in changed
    # Bytes that are not a PDF any more.
    broken = anonymous.post(
        reverse("verify:verify"),
        {"file": SimpleUploadedFile("van-ban.pdf", signed + b"\n%%EOF\n% them\n")},
    ).content.decode()
    assert "Không đọc được tệp PDF" in broken
    # A PDF without any signature.
    with report.file.open("rb") as handle:
        unsigned = handle.read()
    none = anonymous.post(
        reverse("verify:verify"), {"file": SimpleUploadedFile("van-ban.pdf", unsigned)}
    ).content.decode()
    assert "Tệp không có chữ ký số." in none


def test_verify_says_a_signature_from_an_unknown_certificate_is_not_trusted(
    world, users, small_render, signing_cert, client_as, settings, tmp_path
):
    """A file signed elsewhere (another certificate with the same names) is intact and valid
    but not trusted: the page says so."""
    content, _, box = rendering.html_to_pdf(SIGN_HTML)
    settings.SIGNING_P12_PATH = str(tmp_path / "other.p12")
    signing.ensure_demo_certificate(person_name="Nguyễn Văn Thử")
    forged = signing.sign_document(
        content,
        person=signing.Person(name="Nguyễn Văn Thử"),
        body=signing.Body(name="Ủy ban nhân dân thị xã Đức Phổ"),
        page=box["page"],
        box=tuple(box["box"]),
    ).content
    settings.SIGNING_P12_PATH = str(signing_cert)
    page = (
        client_as("anonymous")
        .post(reverse("verify:verify"), {"file": SimpleUploadedFile("van-ban.pdf", forged)})
        .content.decode()
    )
    assert "Chứng thư số không thuộc danh sách tin cậy của hệ thống." in page
    assert "Chữ ký số hợp lệ:" not in page


def test_the_older_single_signature_still_signs_for_callers_not_yet_moved(signing_cert):
    content, _, box = rendering.html_to_pdf(SIGN_HTML)
    signed = signing.sign_pdf(
        content, signer_name="Nguyễn Văn Thử", place="Đức Phổ", box=tuple(box["box"])
    )
    verdict = signing.validate_pdf(signed)
    assert verdict.ok
    assert [s.field for s in verdict.signatures] == [signing.FIELD_NAME]
    assert "Ủy ban nhân dân thị xã Đức Phổ" in verdict.signer
