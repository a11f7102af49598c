"""The audit chain's head written into each signed PDF, and read back by `verify_audit`.

When a document is signed (`reports.signing.sign_document`), the chain head at that moment
(`portal.audit.current_anchor()`: the newest event's id and hash, and the number of events) is
written into the PDF's document information dictionary, in the same incremental update as the
first signature (the competent person's), so that signature covers it:

    /ThiDuaAuditLastId   (1234)
    /ThiDuaAuditLastHash (9f86d0…, 64 hex digits)
    /ThiDuaAuditCount    (1234)

(`pdfinfo -custom signed.pdf` shows them.) The copies of a signed document live outside the
database: with the recipients, in the document register, in backups. `verify_audit --pdf FILE…`
(or `--signed-documents`, every signed file in storage) reads the anchor from the revision the
signature covers — a later update of the information dictionary, which PDF readers allow after a
signature, is ignored — and checks that the chain still holds it (`portal.audit.check_anchor`).
A chain re-computed after an edit older than the document, even with the key, then disagrees.

Sources of signed documents for `--signed-documents` register themselves with
`register_signed_documents` (reports does, in its AppConfig.ready), so portal stays below them.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .audit import Anchor, Break, CheckResult, check_anchor

if TYPE_CHECKING:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

log = logging.getLogger(__name__)

KEY_LAST_ID = "/ThiDuaAuditLastId"
KEY_LAST_HASH = "/ThiDuaAuditLastHash"
KEY_COUNT = "/ThiDuaAuditCount"


def write_anchor(writer: IncrementalPdfFileWriter, anchor: Anchor) -> None:
    """Put `anchor` into the document information dictionary of a pyHanko writer (an
    IncrementalPdfFileWriter about to be signed): the existing entries are kept."""
    from pyhanko.pdf_utils import generic

    info = generic.DictionaryObject()  # type: ignore[no-untyped-call]  # pyHanko: unannotated
    try:
        old = writer.trailer["/Info"]
    except KeyError:
        old = None
    if isinstance(old, generic.DictionaryObject):
        info.update(old)
    info[generic.NameObject(KEY_LAST_ID)] = generic.TextStringObject(str(anchor.last_id))
    info[generic.NameObject(KEY_LAST_HASH)] = generic.TextStringObject(anchor.last_hash)
    info[generic.NameObject(KEY_COUNT)] = generic.TextStringObject(str(anchor.count))
    writer.set_info(writer.add_object(info))


@dataclass(frozen=True)
class DocumentAnchor:
    """What one signed PDF says about the chain: the anchor, or why there is none to trust."""

    anchor: Anchor | None
    problem: str = ""
    #: The file simply carries no anchor (signed before anchors existed): noted, not a break.
    missing: bool = False


def _anchor_in(info: Any) -> Anchor | None:
    try:
        values = [str(info[key]) for key in (KEY_LAST_ID, KEY_LAST_HASH, KEY_COUNT)]
    except (KeyError, TypeError):
        return None
    try:
        return Anchor(last_id=int(values[0]), last_hash=values[1], count=int(values[2]))
    except ValueError:
        return None


def read_anchor(content: bytes) -> DocumentAnchor:
    """The anchor in the revision covered by the file's first signature that has one, checked to
    be covered intact by that signature."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from .utils import outside_event_loop

    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # a damaged file: said so, not a crash
        log.debug("unreadable PDF while reading the audit anchor", exc_info=True)
        return DocumentAnchor(None, "không đọc được tệp PDF")
    if not signatures:
        return DocumentAnchor(None, "tệp không có chữ ký số")
    for embedded in signatures:
        try:
            resolver = reader.get_historical_resolver(embedded.signed_revision)
            info = resolver.trailer_view.get("/Info")
            anchor = _anchor_in(info.get_object()) if info is not None else None
        except Exception:
            log.info("unreadable revision while reading the audit anchor", exc_info=True)
            anchor = None
        if anchor is None:
            continue
        try:
            # Intact and cryptographically valid is what the anchor needs; whom to trust is
            # the /verify/ page's question, so no trust roots here.
            status = outside_event_loop(
                functools.partial(
                    validate_pdf_signature, embedded, ValidationContext(trust_roots=[])
                )
            )
        except Exception:
            log.info("signature check failed while reading the audit anchor", exc_info=True)
            return DocumentAnchor(None, "không kiểm tra được chữ ký số phủ dấu neo")
        if not (status.intact and status.valid):
            return DocumentAnchor(None, "chữ ký số phủ dấu neo không còn nguyên vẹn")
        return DocumentAnchor(anchor)
    return DocumentAnchor(None, "văn bản không mang đầu chuỗi nhật ký", missing=True)


#: Callables that yield (label, read) for every signed document in storage: `label` names the
#: document for the report, `read()` returns its bytes.
SignedDocuments = Callable[[], Iterable[tuple[str, Callable[[], bytes]]]]
_SOURCES: list[SignedDocuments] = []


def register_signed_documents(source: SignedDocuments) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def signed_documents() -> Iterable[tuple[str, Callable[[], bytes]]]:
    for source in _SOURCES:
        yield from source()


def check_documents(options: Mapping[str, Any]) -> CheckResult | None:
    """`verify_audit`'s check of the signed PDFs (`--pdf FILE…`, `--signed-documents`): each
    anchored head must still be in the chain. None when no document was asked for."""
    sources: list[tuple[str, Callable[[], bytes]]] = [
        (f"tệp {name}", functools.partial(Path(name).read_bytes))
        for name in options.get("pdf") or []
    ]
    if options.get("signed_documents"):
        sources += list(signed_documents())
    elif not sources:
        return None
    breaks, notes, matched, missing = [], [], 0, 0
    for label, read in sources:
        try:
            content = read()
        except Exception as exc:  # missing from storage, unreadable: said, then the next one
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            breaks.append(Break(None, f"không đọc được tệp ({reason})", label))
            continue
        found = read_anchor(content)
        if found.anchor is None:
            if found.missing:
                missing += 1
                notes.append(f"{label}: {found.problem}, bỏ qua.")
            else:
                breaks.append(Break(None, found.problem, label))
            continue
        problem = check_anchor(found.anchor)
        if problem:
            breaks.append(
                Break(
                    found.anchor.last_id,
                    f"văn bản này chứng minh nhật ký đã bị ghi lại: {problem}",
                    label,
                )
            )
        else:
            matched += 1
    total = len(sources)
    return CheckResult(
        breaks=breaks,
        covered=f"{total} văn bản đã ký",
        summary=(
            f"{matched}/{total} văn bản đã ký khớp đầu chuỗi ghi lúc ký"
            + (f" ({missing} văn bản không mang đầu chuỗi)" if missing else "")
        ),
        notes=notes,
    )
