"""PAdES signatures with pyHanko, as Decree 30/2020 has them for an electronic document: the
competent person's digital signature (the chairman's, or a deputy's under "KT.") and then the
agency's digital signature (its seal, from the organisation certificate). See docs/signing.md.

Where the keys are:
- the agency (seal): the server-held PKCS#12 at SIGNING_P12_PATH;
- the person: their own certificate on a PKCS#11 token when SIGNING_PKCS11_TOKENS names one
  for their user name (module SIGNING_PKCS11_MODULE), else, when the deployment allows it
  (SIGNING_PERSON_FALLBACK = "server"), the server-held PKCS#12 at SIGNING_PERSON_P12_PATH.

The demo creates self-signed certificates and sample images (seal, signature) when none exist.
"""

from __future__ import annotations

import datetime
import functools
import io
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from portal.utils import outside_event_loop

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

log = logging.getLogger(__name__)

STAMP_FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "NotoSerif-Regular.ttf"
SEAL_FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "LiberationSerif-Bold.ttf"
#: The single signature of `sign_pdf` (before the two-signature form; kept for old callers).
FIELD_NAME = "ChuKyChuTich"
#: The competent person's signature, then the agency's (seal), as `sign_document` makes them.
PERSON_FIELD = "ChuKyNguoiCoThamQuyen"
SEAL_FIELD = "ChuKyCoQuan"
MM = 72 / 25.4  # PDF points per millimetre


class SigningUnavailable(Exception):
    """No usable certificate or key: the message says what the administrator must configure."""


# --- Settings -----------------------------------------------------------------------------------


def _p12_path() -> Path:
    return Path(settings.SIGNING_P12_PATH)


def _passphrase() -> bytes:
    return (settings.SIGNING_P12_PASSPHRASE or "").encode()


def _person_p12_path() -> Path:
    """SIGNING_PERSON_P12_PATH, or by default `<seal file name>-person.p12` beside the seal's."""
    configured = getattr(settings, "SIGNING_PERSON_P12_PATH", "")
    if configured:
        return Path(configured)
    seal = _p12_path()
    return seal.with_name(f"{seal.stem}-person{seal.suffix or '.p12'}")


def _person_passphrase() -> bytes:
    value = getattr(settings, "SIGNING_PERSON_P12_PASSPHRASE", "") or ""
    return value.encode() if value else _passphrase()


def _person_fallback() -> str:
    return getattr(settings, "SIGNING_PERSON_FALLBACK", "server") or "none"


def token_config(username: str) -> dict | None:
    """This user's token entry in SIGNING_PKCS11_TOKENS (with a module configured), or None."""
    module = getattr(settings, "SIGNING_PKCS11_MODULE", "")
    tokens = getattr(settings, "SIGNING_PKCS11_TOKENS", None) or {}
    entry = tokens.get(username) if username else None
    if not module or not entry:
        return None
    return {"module": module, **entry}


# --- Demo certificates and images ---------------------------------------------------------------


def self_signed_p12(passphrase: bytes, name_attrs: list[tuple]) -> bytes:
    """A self-signed certificate and its key as PKCS#12 bytes (demo and tests only)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = self_signed_certificate(key, name_attrs)
    return pkcs12.serialize_key_and_certificates(
        b"demo", key, cert, None, serialization.BestAvailableEncryption(passphrase)
    )


def demo_authority_p12(body: str, person: str = "") -> bytes:
    """A sample authority's own self-signed certificate: the organisation's (no `person`) or its
    signer's, with the passphrase the deployment configures for that kind."""
    from cryptography.x509.oid import NameOID

    if person:
        names = [
            (NameOID.COUNTRY_NAME, "VN"),
            (NameOID.ORGANIZATION_NAME, f"DEMO – chứng thư tự ký – {body}"),
            (NameOID.COMMON_NAME, person),
        ]
        return self_signed_p12(_person_passphrase(), names)
    names = [
        (NameOID.COUNTRY_NAME, "VN"),
        (NameOID.ORGANIZATION_NAME, "DEMO – chứng thư tự ký"),
        (NameOID.COMMON_NAME, body),
    ]
    return self_signed_p12(_passphrase(), names)


def _write_self_signed(path: Path, passphrase: bytes, name_attrs: list[tuple]) -> None:
    data = self_signed_p12(passphrase, name_attrs)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(0o600)


def self_signed_certificate(key, name_attrs: list[tuple]):
    """A self-signed signing certificate for `key` (demo, tests, the SoftHSM test token)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    name = x509.Name([x509.NameAttribute(oid, value) for oid, value in name_attrs])
    now = datetime.datetime.now(datetime.UTC)
    return (
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


def ensure_demo_certificate(
    common_name: str = "Ủy ban nhân dân thị xã Đức Phổ",
    person_name: str = "Người có thẩm quyền ký (chứng thư mẫu)",
) -> Path:
    """Create self-signed PKCS#12 files where none are (demo and tests only): the agency's at
    SIGNING_P12_PATH and the person's server-held one (see `_person_p12_path`)."""
    from cryptography.x509.oid import NameOID

    path = _p12_path()
    if not path.exists():
        _write_self_signed(
            path,
            _passphrase(),
            [
                (NameOID.COUNTRY_NAME, "VN"),
                (NameOID.ORGANIZATION_NAME, "DEMO – chứng thư tự ký"),
                (NameOID.COMMON_NAME, common_name),
            ],
        )
    person = _person_p12_path()
    if not person.exists():
        _write_self_signed(
            person,
            _person_passphrase(),
            [
                (NameOID.COUNTRY_NAME, "VN"),
                (NameOID.ORGANIZATION_NAME, f"DEMO – chứng thư tự ký – {common_name}"),
                (NameOID.COMMON_NAME, person_name),
            ],
        )
    return path


def demo_seal_png(body: str, place: str = "", size: int = 600) -> bytes:
    """A sample seal: red double ring, the body's name around it, a star and "MẪU" inside
    (a sample must never pass for the real seal). Transparent PNG, as Decree 30 asks."""
    import math

    from PIL import Image, ImageDraw, ImageFont

    red = (200, 16, 30, 255)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = size / 2
    draw.ellipse([6, 6, size - 6, size - 6], outline=red, width=12)
    inner = size * 0.33
    draw.ellipse([c - inner, c - inner, c + inner, c + inner], outline=red, width=5)
    # The text around the ring, one glyph at a time, rotated to follow the circle.
    text = body.upper()
    if place:
        text = f"{text} * {place.upper()}"
    font = ImageFont.truetype(str(SEAL_FONT), int(size * 0.075))
    radius = size * 0.405
    span = 330.0  # degrees used by the text, leaving a gap at the bottom
    step = span / max(len(text), 1)
    for index, char in enumerate(text):
        angle = -90 - span / 2 + step * (index + 0.5)
        glyph = Image.new("RGBA", (int(size * 0.12), int(size * 0.12)), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text(
            (glyph.width / 2, glyph.height / 2), char, font=font, fill=red, anchor="mm"
        )
        glyph = glyph.rotate(-(angle + 90), resample=Image.Resampling.BICUBIC)
        x = c + radius * math.cos(math.radians(angle)) - glyph.width / 2
        y = c + radius * math.sin(math.radians(angle)) - glyph.height / 2
        image.alpha_composite(glyph, (int(x), int(y)))
    # A five-pointed star and the sample mark inside.
    star_r, star_in = size * 0.12, size * 0.048
    points = []
    for k in range(10):
        r = star_r if k % 2 == 0 else star_in
        a = math.radians(-90 + k * 36)
        points.append((c + r * math.cos(a), c - size * 0.06 + r * math.sin(a)))
    draw.polygon(points, fill=red)
    mark = ImageFont.truetype(str(SEAL_FONT), int(size * 0.1))
    draw.text((c, c + size * 0.15), "MẪU", font=mark, fill=red, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def demo_signature_png(name: str, width: int = 600, height: int = 300) -> bytes:
    """A sample handwritten-looking signature in blue ink (Decree 30: the signature image is
    blue, PNG, transparent), drawn from the name so each person's differs."""
    import hashlib
    import math

    from PIL import Image, ImageDraw

    blue = (20, 40, 160, 255)
    seed = hashlib.sha256(name.encode()).digest()
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    # A looped stroke (a prolate trochoid: x = a·t − b·sin t, y = b·cos t with b > a), its loops
    # shrinking to the right like a hand's, then an underline flourish.
    loops = 4 + seed[0] % 3
    a = width * 0.8 / (loops * 2 * math.pi)
    b = a * (1.6 + (seed[1] % 5) / 10)
    points = []
    for step in range(600):
        t = step / 599 * loops * 2 * math.pi
        fade = 1 - 0.45 * step / 599
        x = width * 0.08 + a * t - b * math.sin(t) * fade
        y = height * 0.45 - b * math.cos(t) * fade * (1.6 + 0.4 * math.sin(t / 3 + seed[2]))
        points.append((x, y))
    draw.line(points, fill=blue, width=6, joint="curve")
    # The underline flourish.
    draw.line(
        [(width * 0.15, height * 0.8), (width * 0.55, height * 0.74), (width * 0.92, height * 0.7)],
        fill=blue,
        width=5,
        joint="curve",
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def configured_images() -> tuple[bytes | None, bytes | None]:
    """(signature image, seal image) from SIGNING_SIGNATURE_IMAGE / SIGNING_SEAL_IMAGE, where
    those files exist; None for each missing one (the stamp then prints text instead)."""

    def read(name: str) -> bytes | None:
        path = getattr(settings, name, "")
        if path and Path(path).is_file():
            return Path(path).read_bytes()
        return None

    return read("SIGNING_SIGNATURE_IMAGE"), read("SIGNING_SEAL_IMAGE")


def ensure_demo_images(body: str, person_name: str, place: str = "") -> None:
    """Write the sample seal and signature images at the configured paths, where none are."""
    for setting_name, make in (
        ("SIGNING_SEAL_IMAGE", lambda: demo_seal_png(body, place)),
        ("SIGNING_SIGNATURE_IMAGE", lambda: demo_signature_png(person_name)),
    ):
        path = getattr(settings, setting_name, "")
        if path and not Path(path).exists():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_bytes(make())


# --- Signers ------------------------------------------------------------------------------------


def _load_p12(path: Path, passphrase: bytes, what: str):
    from pyhanko.sign import signers

    if not path.exists():
        raise SigningUnavailable(
            f"Chưa cấu hình chứng thư số {what}. Đề nghị liên hệ quản trị hệ thống."
        )
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase)
    if signer is None:
        raise SigningUnavailable(
            f"Không đọc được chứng thư số {what} (sai mật khẩu hoặc tệp bị hỏng)."
        )
    return signer


def load_signer():
    """The agency's signer (the organisation certificate, SIGNING_P12_PATH)."""
    return _load_p12(_p12_path(), _passphrase(), "của cơ quan (SIGNING_P12_PATH)")


def certificate_subject() -> str:
    return load_signer().signing_cert.subject.human_friendly


def _person_server_signer():
    return _load_p12(_person_p12_path(), _person_passphrase(), "của người ký lưu trên máy chủ")


#: How the person's key was reached, as SignOff records it.
KEY_STORE_TOKEN = "pkcs11"
KEY_STORE_SERVER = "server"


def signer_from_p12(data: bytes, passphrase: bytes):
    """A signer from PKCS#12 bytes (an authority's own certificate file)."""
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12_data(data, [], passphrase=passphrase)
    if signer is None:
        raise SigningUnavailable(
            "Không đọc được chứng thư số của cơ quan ban hành (sai mật khẩu hoặc tệp bị hỏng)."
        )
    return signer


def check_signer(username: str) -> None:
    """Refuse at once a signer this deployment has no key for: no token configured for them,
    and no server-held personal certificate allowed (SIGNING_PERSON_FALLBACK = "none")."""
    if token_config(username) is None and _person_fallback() != "server":
        raise SigningUnavailable(
            "Đồng chí chưa được cấu hình thiết bị ký số (token) chứa chứng thư số cá nhân. "
            "Đề nghị liên hệ quản trị hệ thống."
        )


@contextmanager
def person_signer(
    username: str, *, server_certificate: bytes | None = None
) -> Iterator[tuple[Signer, str]]:
    """The signer for this user's personal signature and where its key is: their PKCS#11 token
    when one is configured for them, else the server-held certificate when the deployment allows
    it (SIGNING_PERSON_FALLBACK = "server"). The token session is closed on exit."""
    config = token_config(username)
    if config is None:
        check_signer(username)
        if server_certificate:
            yield signer_from_p12(server_certificate, _person_passphrase()), KEY_STORE_SERVER
        else:
            yield _person_server_signer(), KEY_STORE_SERVER
        return
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11

    pin_env = config.get("pin_env", "")
    pin = os.environ.get(pin_env) if pin_env else None
    if pin_env and pin is None:
        raise SigningUnavailable(
            f"Chưa cấu hình mã PIN của thiết bị ký số (biến môi trường {pin_env})."
        )
    try:
        session = pkcs11.open_pkcs11_session(
            config["module"], token_criteria=TokenCriteria(label=config["token"]), user_pin=pin
        )
    except Exception as exc:
        log.warning("PKCS#11 token %s unavailable: %s", config.get("token"), exc)
        raise SigningUnavailable(
            "Không kết nối được thiết bị ký số (token) của đồng chí. Đề nghị kiểm tra thiết bị "
            "và mã PIN, hoặc liên hệ quản trị hệ thống."
        ) from exc
    try:
        key_label = config.get("key") or None
        signer = pkcs11.PKCS11Signer(
            session, key_label=key_label, cert_label=config.get("cert") or key_label
        )
        yield signer, KEY_STORE_TOKEN
    finally:
        session.close()


# --- Appearance ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """The competent person who signs: the name printed, the user whose token to use, the place
    for the signature's Location, and the image of their handwritten signature (PNG)."""

    name: str
    username: str = ""
    place: str = ""
    signature_image: bytes | None = None
    reason: str = "Ký ban hành văn bản"
    #: The body's server-held certificate for its signer (PKCS#12 bytes), used instead of the
    #: deployment's when the signer has no token.
    server_certificate: bytes | None = None


@dataclass(frozen=True)
class Body:
    """The issuing agency: its name, the image of its seal (PNG, actual size) and its own
    organisation certificate (PKCS#12 bytes; None: the deployment's SIGNING_P12_PATH)."""

    name: str
    seal_image: bytes | None = None
    certificate: bytes | None = None


@dataclass
class SignedDocument:
    content: bytes
    person_certificate: str
    seal_certificate: str
    person_key_store: str


def seal_diameter_pt() -> float:
    return float(getattr(settings, "SIGNING_SEAL_DIAMETER_MM", 35)) * MM


def _rounded(box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    return (round(box[0]), round(box[1]), round(box[2]), round(box[3]))


def signature_layout(
    box: tuple[float, float, float, float],
) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
    """(the person's box, the seal's box) in PDF points, from the signature space `box`
    (x0, y0, x1, y1) between the signer's title and name.

    Decree 30/2020, Appendix I: the person's signature image sits centred between the title and
    the name; the agency's signature (its seal, actual size) covers about one third of the
    signature image, on its left."""
    x0, y0, x1, y1 = box
    width = min(x1 - x0, 170.0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    person = (cx - width / 2, y0, cx + width / 2, y1)
    seal = seal_diameter_pt()
    right = person[0] + width / 3
    seal_box = (right - seal, cy - seal / 2, right, cy + seal / 2)
    return _rounded(person), _rounded(seal_box)


def _text_style(text: str):
    from pyhanko.pdf_utils import text as pdf_text
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.stamp import TextStampStyle

    return TextStampStyle(
        stamp_text=text,
        text_box_style=pdf_text.TextBoxStyle(
            font=GlyphAccumulatorFactory(str(STAMP_FONT)), font_size=8
        ),
        timestamp_format="%d/%m/%Y %H:%M:%S %z",
        border_width=1,
    )


def _image_style(png: bytes):
    """The stamp is the image alone (transparent PNG), scaled to the field, no border."""
    from PIL import Image
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, SimpleBoxLayoutRule
    from pyhanko.stamp import StaticStampStyle

    image: Image.Image = Image.open(io.BytesIO(png))
    image.load()
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    return StaticStampStyle(
        background=PdfImage(image),
        background_opacity=1.0,
        border_width=0,
        background_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID,
            y_align=AxisAlignment.ALIGN_MID,
            inner_content_scaling=InnerScaling.SHRINK_TO_FIT,
        ),
    )


def _add_signature(
    content: bytes,
    *,
    signer,
    field_name: str,
    page: int,
    box: tuple[int, int, int, int],
    style,
    reason: str,
    location: str,
    name: str,
    anchor=None,
) -> bytes:
    """One signature as an incremental update; `anchor` (the audit chain head), when given, is
    written into the document information in that same update, so the signature covers it."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    if anchor is not None:
        from portal.audit_anchor import write_anchor

        write_anchor(writer, anchor)
    fields.append_signature_field(writer, fields.SigFieldSpec(field_name, on_page=page, box=box))
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        name=name,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    out = io.BytesIO()
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style)
    outside_event_loop(lambda: pdf_signer.sign_pdf(writer, output=out))
    return out.getvalue()


def sign_document(
    content: bytes,
    *,
    person: Person,
    body: Body,
    page: int = 0,
    box: tuple[int, int, int, int] = (330, 60, 560, 145),
) -> SignedDocument:
    """The two signatures of an electronic document (Decree 30/2020), each an incremental
    update that keeps the bytes before it: first the competent person's (their signature
    image), then the agency's (its seal, over the left third of the signature image).

    The person's update also carries the audit chain's head at this moment
    (`portal.audit.current_anchor`, see `portal.audit_anchor`), so every signed copy anchors the
    audit log outside the database (`verify_audit --pdf`)."""
    from portal.audit import current_anchor

    anchor = current_anchor()
    person_box, seal_box = signature_layout(box)
    with person_signer(person.username, server_certificate=person.server_certificate) as (
        signer,
        key_store,
    ):
        person_style = (
            _image_style(person.signature_image)
            if person.signature_image
            else _text_style("Ký số bởi: %(signer)s\nThời gian: %(ts)s")
        )
        signed = _add_signature(
            content,
            signer=signer,
            field_name=PERSON_FIELD,
            page=page,
            box=person_box,
            style=person_style,
            reason=person.reason,
            location=person.place,
            name=person.name,
            anchor=anchor,
        )
        cert = signer.signing_cert
        person_subject = cert.subject.human_friendly if cert is not None else ""
    seal = signer_from_p12(body.certificate, _passphrase()) if body.certificate else load_signer()
    seal_style = (
        _image_style(body.seal_image)
        if body.seal_image
        else _text_style("Cơ quan ký số:\n%(signer)s\nThời gian: %(ts)s")
    )
    sealed = _add_signature(
        signed,
        signer=seal,
        field_name=SEAL_FIELD,
        page=page,
        box=seal_box,
        style=seal_style,
        reason="Văn thư cơ quan ký số phát hành văn bản",
        location=person.place,
        name=body.name,
    )
    return SignedDocument(
        content=sealed,
        person_certificate=person_subject,
        seal_certificate=seal.signing_cert.subject.human_friendly,
        person_key_store=key_store,
    )


def sign_pdf(
    content: bytes,
    *,
    signer_name: str,
    place: str,
    page: int = 0,
    box: tuple[int, int, int, int] = (330, 60, 560, 130),
) -> bytes:
    """One signature with the agency's certificate and a text stamp (the form before
    `sign_document`; kept for callers not yet moved to it)."""
    return _add_signature(
        content,
        signer=load_signer(),
        field_name=FIELD_NAME,
        page=page,
        box=box,
        style=_text_style("Ký số bởi: %(signer)s\nThời gian: %(ts)s"),
        reason="Phê duyệt báo cáo",
        location=place,
        name=signer_name,
    )


# --- Validation ---------------------------------------------------------------------------------

ROLE_PERSON = "person"
ROLE_SEAL = "seal"
ROLES = {PERSON_FIELD: ROLE_PERSON, FIELD_NAME: ROLE_PERSON, SEAL_FIELD: ROLE_SEAL}


@dataclass
class SignatureCheck:
    """pyHanko's verdict on one signature of the file."""

    field: str
    role: str
    signer: str
    signer_name: str
    signed_at: datetime.datetime | None
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_file: bool
    #: Only what may follow a signature came after it (further signatures), or nothing did.
    later_changes_allowed: bool

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.later_changes_allowed

    @property
    def is_person(self) -> bool:
        """The signature of the person with authority (not the agency's seal)."""
        return self.role == ROLE_PERSON

    @property
    def is_seal(self) -> bool:
        return self.role == ROLE_SEAL


@dataclass
class Validation:
    present: bool
    signatures: list[SignatureCheck] = field(default_factory=list)
    error: bool = False

    @property
    def intact(self) -> bool:
        return bool(self.signatures) and all(s.intact for s in self.signatures)

    @property
    def valid(self) -> bool:
        return bool(self.signatures) and all(s.valid for s in self.signatures)

    @property
    def trusted(self) -> bool:
        return bool(self.signatures) and all(s.trusted for s in self.signatures)

    @property
    def covers_whole_file(self) -> bool:
        """The last signature covers the whole file, and each earlier one was followed only by
        what may follow a signature."""
        return (
            bool(self.signatures)
            and self.signatures[-1].covers_whole_file
            and all(s.later_changes_allowed for s in self.signatures)
        )

    @property
    def ok(self) -> bool:
        return (
            self.present
            and not self.error
            and self.intact
            and self.valid
            and self.trusted
            and self.covers_whole_file
        )

    @property
    def person(self) -> SignatureCheck | None:
        return next((s for s in self.signatures if s.role == ROLE_PERSON), None)

    @property
    def seal(self) -> SignatureCheck | None:
        return next((s for s in self.signatures if s.role == ROLE_SEAL), None)

    # The first signature's signer and time (what a single-signature caller reads).
    @property
    def signer(self) -> str:
        return self.signatures[0].signer if self.signatures else ""

    @property
    def signed_at(self) -> datetime.datetime | None:
        return self.signatures[0].signed_at if self.signatures else None


def _read_certificate(path: Path):
    from asn1crypto import pem, x509

    data = path.read_bytes()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def extra_trust_roots() -> list:
    """The certificates of the issuing authorities' own files (units.Authority)."""
    from portal.uploads import open_stored
    from units.models import Authority

    roots = []
    rows = Authority.objects.exclude(certificate="", signer_certificate="").only(
        "certificate", "signer_certificate"
    )
    for authority in rows:
        for stored, passphrase in (
            (authority.certificate, _passphrase()),
            (authority.signer_certificate, _person_passphrase()),
        ):
            if not stored:
                continue
            try:
                with open_stored(stored) as handle:
                    roots.append(signer_from_p12(handle.read(), passphrase).signing_cert)
            except Exception:  # an unreadable file is not trusted, and is logged
                log.warning("authority certificate %s unreadable", stored.name)
    return roots


def trust_roots() -> list:
    """The certificates a signature must chain to: ours (the agency's, the person's server-held
    one) and those listed in SIGNING_TRUSTED_CERTS (e.g. the CA that issues the tokens)."""
    roots = []
    for loader in (load_signer, _person_server_signer):
        try:
            roots.append(loader().signing_cert)
        except SigningUnavailable:
            continue
    roots += extra_trust_roots()
    for name in getattr(settings, "SIGNING_TRUSTED_CERTS", None) or []:
        try:
            roots.append(_read_certificate(Path(name)))
        except (OSError, ValueError):
            log.warning("trusted certificate %s unreadable", name)
    return roots


def validate_pdf(content: bytes) -> Validation:
    """pyHanko's verdict on every signature of the file, trusting `trust_roots()`."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # a damaged file is simply "not valid"
        log.info("unreadable PDF during validation", exc_info=True)
        return Validation(present=False, error=True)
    if not signatures:
        return Validation(present=False)
    roots = trust_roots()
    checks: list[SignatureCheck] = []
    for embedded in signatures:
        context = ValidationContext(trust_roots=roots)
        try:
            status = outside_event_loop(
                functools.partial(validate_pdf_signature, embedded, context)
            )
        except Exception:
            log.info("signature validation error", exc_info=True)
            return Validation(present=True, signatures=checks, error=True)
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        allowed = whole or (
            status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
            and status.docmdp_ok is not False
            and status.modification_level is not None
            and status.modification_level <= ModificationLevel.FORM_FILLING
        )
        cert = status.signing_cert
        checks.append(
            SignatureCheck(
                field=embedded.field_name,
                role=ROLES.get(embedded.field_name, ""),
                signer=cert.subject.human_friendly,
                signer_name=cert.subject.native.get("common_name", "")
                or cert.subject.human_friendly,
                signed_at=status.signer_reported_dt,
                intact=status.intact,
                valid=status.valid,
                trusted=status.trusted,
                covers_whole_file=whole,
                later_changes_allowed=allowed,
            )
        )
    return Validation(present=True, signatures=checks)
