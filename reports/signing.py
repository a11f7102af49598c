"""PAdES signatures with pyHanko: the signer from settings, a visible stamp in Noto Serif, and
validation. The demo creates a self-signed certificate when none is configured."""

from __future__ import annotations

import datetime
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

STAMP_FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "NotoSerif-Regular.ttf"
FIELD_NAME = "ChuKyChuTich"


class SigningUnavailable(Exception):
    """No usable certificate: the secretariat must configure SIGNING_P12_PATH."""


def _p12_path() -> Path:
    return Path(settings.SIGNING_P12_PATH)


def _passphrase() -> bytes:
    return (settings.SIGNING_P12_PASSPHRASE or "").encode()


def ensure_demo_certificate(common_name: str = "Ủy ban nhân dân thị xã Đức Phổ") -> Path:
    """Create a self-signed PKCS#12 at SIGNING_P12_PATH if none is there (demo and tests only)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    path = _p12_path()
    if path.exists():
        return path
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "DEMO – chứng thư tự ký"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"demo", key, cert, None, serialization.BestAvailableEncryption(_passphrase())
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(0o600)
    return path


def load_signer():
    from pyhanko.sign import signers

    path = _p12_path()
    if not path.exists():
        raise SigningUnavailable(
            "Chưa cấu hình chứng thư số để ký (SIGNING_P12_PATH). Liên hệ quản trị hệ thống."
        )
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=_passphrase())
    if signer is None:
        raise SigningUnavailable("Không đọc được chứng thư số (sai mật khẩu hoặc tệp hỏng).")
    return signer


def certificate_subject() -> str:
    return load_signer().signing_cert.subject.human_friendly


def _outside_event_loop(call):
    """Run `call()` where pyHanko's own `asyncio.run` can work: pyHanko's synchronous API starts
    an event loop, which fails inside a thread that already runs one (an ASGI server, a test
    driving a browser). There, run it in a short-lived worker thread instead."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def sign_pdf(
    content: bytes,
    *,
    signer_name: str,
    place: str,
    page: int = 0,
    box: tuple[int, int, int, int] = (330, 60, 560, 130),
) -> bytes:
    """Add a PAdES signature with a visible stamp (an incremental update: the original bytes are
    kept as they were)."""
    from pyhanko.pdf_utils import text
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    signer = load_signer()
    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    fields.append_signature_field(
        writer, fields.SigFieldSpec(FIELD_NAME, on_page=page, box=tuple(box))
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason="Phê duyệt báo cáo",
        location=place,
        name=signer_name,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    style = TextStampStyle(
        stamp_text="Ký số bởi: %(signer)s\nThời gian: %(ts)s",
        text_box_style=text.TextBoxStyle(
            font=GlyphAccumulatorFactory(str(STAMP_FONT)), font_size=8
        ),
        timestamp_format="%d/%m/%Y %H:%M:%S %z",
        border_width=1,
    )
    out = io.BytesIO()
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style)
    _outside_event_loop(lambda: pdf_signer.sign_pdf(writer, output=out))
    return out.getvalue()


@dataclass
class Validation:
    present: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signer: str = ""
    signed_at: datetime.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.present and self.intact and self.valid and self.covers_whole_file


def validate_pdf(content: bytes) -> Validation:
    """pyHanko's verdict on the first signature, trusting the configured certificate."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # a damaged file is simply "not valid"
        log.info("unreadable PDF during validation", exc_info=True)
        return Validation(present=False)
    if not signatures:
        return Validation(present=False)
    try:
        context = ValidationContext(trust_roots=[load_signer().signing_cert])
    except SigningUnavailable:
        context = ValidationContext()
    try:
        status = _outside_event_loop(lambda: validate_pdf_signature(signatures[0], context))
    except Exception:
        log.info("signature validation error", exc_info=True)
        return Validation(present=True)
    return Validation(
        present=True,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=status.signing_cert.subject.human_friendly,
        signed_at=status.signer_reported_dt,
    )
