"""Checking and serving uploaded files (evidence, dossiers, attachments).

A file is accepted only when its *content* is one of the allowed kinds (sniffed from its bytes,
not trusted from its name or the browser's content type), it is within the size limit, and its
extension agrees with its content. It is stored under a generated name; the original name is kept
(normalised) for display and download, and files are always served as attachments with nosniff.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from .numbers import format_vn_number

#: extension → content kinds it may hold (as sniffed by `filetype`, plus our own checks).
KINDS: dict[str, set[str]] = {
    "pdf": {"application/pdf"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "png": {"image/png"},
    "docx": {"ooxml"},
    "xlsx": {"ooxml"},
    "pptx": {"ooxml"},
    "doc": {"ole"},
    "xls": {"ole"},
    "odt": {"odf"},
    "ods": {"odf"},
}
EVIDENCE_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx", "doc", "xls", "odt", "ods")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A zip-based Office file whose members expand beyond this is treated as a zip bomb.
_MAX_UNZIPPED = 200 * 1024 * 1024
# Markers that make a browser (or a careless viewer) treat bytes as markup or script. A file whose
# first KiB holds one is a polyglot (e.g. a valid JPEG header followed by HTML) and is refused.
_MARKUP = re.compile(
    rb"<\s*(?:script|html|body|iframe|svg|object|embed|meta|!doctype\s+html)\b|<\?php",
    re.IGNORECASE,
)
# PDF names may hide letters as #xx escapes (/J#61vaScript); these are decoded before matching.
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9a-fA-F]{2})")
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|RichMedia|XFA)\b")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class CheckedFile:
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def safe_display_name(name: str, max_length: int = 120) -> str:
    """The original file name, made harmless for display and Content-Disposition: NFC,
    no path parts, no control or bidi-override characters, bounded length."""
    name = unicodedata.normalize("NFC", name or "")
    name = PurePath(name.replace("\\", "/")).name
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    if not name:
        name = "tep"
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: max_length - len(ext) - 1] + dot + ext) if dot else name[:max_length]
    return name


def _sniff(head: bytes, data_file: IO[bytes]) -> str | None:
    if head.startswith(_OLE_MAGIC):
        return "ole"
    guess = filetype.guess(head)
    mime: str | None = guess.mime if guess else None
    if mime in ("application/zip", "application/epub+zip") or head.startswith(b"PK\x03\x04"):
        return _zip_kind(data_file)
    return mime


def _zip_kind(data_file: IO[bytes]) -> str | None:
    data_file.seek(0)
    try:
        with zipfile.ZipFile(data_file) as archive:
            total = sum(info.file_size for info in archive.infolist())
            if total > _MAX_UNZIPPED or len(archive.infolist()) > 5000:
                return "zip-bomb"
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                return "ooxml"
            if "mimetype" in names and archive.read("mimetype").startswith(
                b"application/vnd.oasis.opendocument"
            ):
                return "odf"
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        data_file.seek(0)
    return "application/zip"


def check_upload(
    upload: UploadedFile,
    *,
    allowed: tuple[str, ...] = EVIDENCE_EXTENSIONS,
    max_bytes: int | None = None,
) -> CheckedFile:
    """Validate an uploaded file; raise ValidationError with a Vietnamese message."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    name = safe_display_name(upload.name or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed_text = ", ".join(e.upper() for e in allowed)
    if ext not in allowed:
        raise ValidationError(
            f"Tệp “{name}” không đúng loại cho phép. Chỉ nhận: {allowed_text}.", code="extension"
        )
    if upload.size is None or upload.size == 0:
        raise ValidationError(f"Tệp “{name}” rỗng.", code="empty")
    if upload.size > limit:
        raise ValidationError(
            f"Tệp “{name}” dung lượng {format_vn_number(upload.size / 1048576, 1)} MB, "
            f"vượt giới hạn {format_vn_number(limit / 1048576, 0)} MB.",
            code="size",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = _sniff(head, upload)
    # Office files are zips whose stored members are legitimately XML: only PDFs and images.
    if ext in ("pdf", "jpg", "jpeg", "png") and (
        _MARKUP.search(head[:1024]) or (ext != "pdf" and _has_markup(upload))
    ):
        raise ValidationError(
            f"Tệp “{name}” có chứa mã HTML/kịch bản, không thể nhận vì lý do an toàn.",
            code="markup",
        )
    if kind == "zip-bomb":
        raise ValidationError(f"Tệp “{name}” có nội dung nén bất thường, không thể nhận.")
    if kind not in KINDS.get(ext, set()):
        raise ValidationError(
            f"Nội dung tệp “{name}” không phải là tệp {ext.upper()} như tên tệp cho biết.",
            code="content",
        )
    if ext == "pdf" and _pdf_has_script(upload):
        raise ValidationError(
            f"Tệp PDF “{name}” có chứa mã lệnh (JavaScript), không thể nhận vì lý do an toàn.",
            code="pdf-script",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(
        original_name=name,
        extension=ext,
        content_type=CONTENT_TYPES[ext],
        size=upload.size,
        sha256=digest.hexdigest(),
    )


def _scan(
    upload: UploadedFile,
    pattern: re.Pattern[bytes],
    decode: Callable[[bytes], bytes] | None = None,
) -> bool:
    """Search the whole file in chunks (with an overlap, so a match across chunks is found)."""
    upload.seek(0)
    found = False
    tail = b""
    for chunk in upload.chunks():
        block = tail + chunk
        if pattern.search(decode(block) if decode else block):
            found = True
            break
        tail = block[-64:]
    upload.seek(0)
    return found


def _has_markup(upload: UploadedFile) -> bool:
    return _scan(upload, _MARKUP)


def _pdf_has_script(upload: UploadedFile) -> bool:
    """JavaScript, launch actions, rich media or XFA forms, also when the name is #-escaped.
    (Objects inside compressed object streams are not inspected; such a file is still only
    ever served as a sandboxed attachment.)"""
    return _scan(
        upload,
        _PDF_ACTIVE,
        lambda b: _PDF_NAME_ESCAPE.sub(lambda m: bytes.fromhex(m[1].decode()), b),
    )


@deconstructible
class GeneratedName:
    """`upload_to` for FileFields: `<prefix>/<yyyy>/<mm>/<random>.<ext>`; the user's file name
    never reaches the file system (keep it, via safe_display_name, in a separate field)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.strip("/")

    def __call__(self, instance: Any, filename: str) -> str:
        ext = safe_display_name(filename).rsplit(".", 1)[-1].lower() if "." in filename else ""
        ext = ext if ext in CONTENT_TYPES else "bin"
        today = timezone.now()
        return f"{self.prefix}/{today:%Y/%m}/{uuid.uuid4().hex}.{ext}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GeneratedName) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


log = logging.getLogger(__name__)


class StoredFileMissing(Http404):
    """A row names a file the storage no longer has (e.g. a database restored without its
    media). The 404 page says so, instead of a server error."""


def open_stored(file_field: FieldFile) -> File[bytes]:
    """Open a stored file for reading; StoredFileMissing (→ a 404 page that says the file is
    gone from storage) when the storage does not have it."""
    try:
        return file_field.open("rb")
    except FileNotFoundError as exc:
        log.error("stored file missing: %s", file_field.name)
        raise StoredFileMissing(file_field.name) from exc


def attachment_response(
    file_field: FieldFile, download_name: str, content_type: str
) -> FileResponse:
    """Serve a stored file as a download, never rendered inline."""
    response = FileResponse(
        open_stored(file_field),
        as_attachment=True,
        filename=safe_display_name(download_name),
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def bytes_upload(name: str, data: bytes) -> UploadedFile:
    """An in-memory upload (tests, importers)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


__all__ = [
    "EVIDENCE_EXTENSIONS",
    "CheckedFile",
    "GeneratedName",
    "attachment_response",
    "bytes_upload",
    "check_upload",
    "safe_display_name",
]
