"""Pure rendering: gather a report's context, turn it into HTML, and HTML into PDF bytes.

Nothing here writes to the database, so the same code serves the Celery task, the
`render_report` command, previews and tests. Fonts and CSS come from `static/` through a URL
fetcher that refuses everything else (no network).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from units.authorities import SAMPLE_SIGNER

if TYPE_CHECKING:
    from .annex import Annex
    from .models import Report

STATIC_DIR = Path(settings.BASE_DIR) / "static"


class RenderError(Exception):
    """A report cannot be rendered (template or data bug): not transient, never retried."""


def date_in_words(place: str, day: datetime.date) -> str:
    """ "Đức Phổ, ngày 05 tháng 02 năm 2025" (Decree 30/2020: leading zeros for days 1–9 and
    months 1–2)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def draft_date_line(issuer: dict[str, Any]) -> str:
    """A draft's date line: the place and blanks, the date is the signing date (Decree 30/2020,
    Appendix I; docs/authorities.md)."""
    blank = "\u2003\u2003"
    return f"{issuer['place']}, ngày{blank} tháng{blank} năm {timezone.localdate().year}"


def static_url_fetcher():
    """A WeasyPrint URL fetcher that resolves `file:` URLs under static/ only, plus `data:`;
    anything else (http, files elsewhere) is refused: no network, no stray files."""
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    root = STATIC_DIR.resolve()

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not path.is_relative_to(root):
                    raise ValueError(f"Không tải tài nguyên ngoài thư mục static: {url}")
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols={"file", "data"})


@dataclass
class Rendered:
    filename: str
    content_type: str
    content: bytes
    pages: int
    context_hash: str
    tables: list[dict[str, Any]]
    has_sample: bool
    signature_box: dict[str, Any] | None
    gather_seconds: float
    render_seconds: float
    #: The Excel annex of a large review (every commune's row), None when the PDF lists them.
    annex: Annex | None = None


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _jsonable(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in ("chart", "template")
        }
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set) else items
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def build_context(report: Report) -> dict[str, Any]:
    """Everything the template needs; `data_hash` fingerprints the gathered data (not the date or
    the number), so a later data change can be detected."""
    definition = report.definition
    if definition is None:
        raise RenderError(f"Loại văn bản “{report.kind}” chưa được đăng ký.")
    campaign = report.campaign
    content = definition.build(report)
    data_hash = hashlib.sha256(
        json.dumps(
            _jsonable({"content": content, "narrative": report.narrative()}),
            sort_keys=True,
            ensure_ascii=False,
        ).encode()
    ).hexdigest()
    day = definition.document_date(report)  # None: a draft, not yet signed
    issuer = definition.issuer(report, day or timezone.localdate())
    tables = [
        t.as_dict() for part in content.get("parts", []) for s in part.sections for t in s.tables
    ]
    has_sample = bool(content.get("has_sample")) or issuer.get("is_sample", False)
    if has_sample and not issuer.get("is_sample", False):
        issuer = {**issuer, "signer_name": SAMPLE_SIGNER}  # never a real official on a sample
    overrides = content.get("overrides", {})
    if overrides.get("minutes_of_council"):
        # Minutes are the council's: the authority above, the council below (Decree 30, App. I).
        overrides = {
            "issuing_body_parent": issuer["body"].upper(),
            "issuing_body": "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG",
            **overrides,
        }
    return {
        **content,
        "report": report,
        "campaign": campaign,
        "kind": definition,
        "doc_type": definition.doc_type,
        "issuer": issuer,
        "issuing_body_parent": issuer["parent_body"].upper(),
        "issuing_body": issuer["body"].upper(),
        "number": report.number,
        "symbol": definition.symbol_for(issuer),
        "is_draft": not report.issuer,  # the copy is taken in the act of signing
        "place_date": date_in_words(issuer["place"], day) if day else draft_date_line(issuer),
        "issue_date": day,
        "recipients": issuer["recipients"],
        "sign_lines": issuer["sign_lines"],
        "signer_name": issuer["signer_name"],
        "has_sample": has_sample,
        "data_hash": data_hash,
        "tables": tables,
        "verification_code": report.verification_code,
        # The QR holds the whole address; the text prints the page and the code beside it.
        "verify_page": verify_page(),
        "verify_url": verify_page() + "?ma=" + report.verification_code,
        "qr_svg": qr_svg(verify_page() + "?ma=" + report.verification_code),
        "succession": succession(campaign, issuer),
        # A kind may print its own number, date, signer or recipients (award documents).
        **overrides,
    }


def succession(campaign, issuer: dict[str, Any]) -> str:
    """When the plan's authority has ended and another reports on it, one sentence per handover
    (e.g. thị xã Đức Phổ → the province from 01/07/2025), from the authority records."""
    authority = campaign.authority
    if authority is None or issuer.get("authority_id") in (None, authority.pk):
        return ""
    sentences, seen = [], set()
    while authority.successor_id and authority.pk not in seen and authority.valid_to:
        seen.add(authority.pk)
        successor = authority.successor
        day = authority.valid_to + datetime.timedelta(days=1)
        sentences.append(
            f"Từ ngày {day:%d/%m/%Y}, {authority.body} chấm dứt hoạt động; {successor.body} "
            "tiếp nhận việc theo dõi, tổng hợp và báo cáo kết quả thực hiện Kế hoạch."
        )
        if successor.pk == issuer["authority_id"]:
            break
        authority = successor
    return " ".join(sentences)


def verify_page() -> str:
    """The public verification page, from settings.SITE_URL (never a guessed host)."""
    return settings.SITE_URL.rstrip("/") + "/verify/"


def qr_svg(text: str) -> str:
    """A QR code as inline SVG (qrcode's path factory), so it prints crisp in the PDF."""
    import io

    import qrcode
    import qrcode.image.svg
    from django.utils.safestring import mark_safe

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=1)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]
    return mark_safe(svg)


def render_html(template: str, context: dict[str, Any]) -> str:
    return render_to_string(template, context)


SIGNATURE_ANCHOR = "sig-space"
PX_TO_PT = 0.75  # CSS px (1/96 in) → PDF points (1/72 in)
MIN_SPACE_PT = 40  # a signature space is at least this tall (≈ 14 mm)


def _signature_space(page) -> list[int]:
    """The signature space in PDF points (x0, y0, x1, y1; origin bottom left): the box of the
    `#sig-space` element (WeasyPrint's anchors give its border box in CSS px, origin top left).
    An anchor on a line of text (the signer's name on a certificate) is not a space: the space
    is then the 58 pt above it, 210 pt wide."""
    x0, y0, x1, y1 = (v * PX_TO_PT for v in page.anchors[SIGNATURE_ANCHOR])
    height = page.height * PX_TO_PT
    if y1 - y0 >= MIN_SPACE_PT:
        return [round(x0), round(height - y1), round(x1), round(height - y0)]
    left, top = x0, height - y0
    return [round(left - 20), round(top - 62), round(left + 190), round(top - 4)]


def html_to_pdf(html: str) -> tuple[bytes, int, dict[str, Any] | None]:
    """HTML → (PDF bytes, page count, where the signature space is: page and box in points)."""
    from weasyprint import HTML

    document = HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=static_url_fetcher()
    ).render()
    signature_box = None
    for index, page in enumerate(document.pages):
        if SIGNATURE_ANCHOR in page.anchors:
            signature_box = {"page": index, "box": _signature_space(page)}
    return document.write_pdf(), len(document.pages), signature_box


def render_report(report: Report) -> Rendered:
    """Report → PDF bytes and what the report row records about them."""
    started = time.perf_counter()
    from .annex import build_annex

    context = build_context(report)
    # The annex first: the PDF names it with its SHA-256.
    annex = build_annex(context)
    context["annex"] = annex.describe() if annex else None
    gathered = time.perf_counter()
    try:
        html = render_html(report.definition.template, context)
    except Exception as exc:  # a template bug is not transient
        raise RenderError(f"Lỗi mẫu văn bản: {exc}") from exc
    content, pages, signature_box = html_to_pdf(html)
    done = time.perf_counter()
    return Rendered(
        filename=f"{report.kind}-{report.campaign.code}-{report.year}-v{report.version}.pdf",
        content_type="application/pdf",
        content=content,
        pages=pages,
        context_hash=context["data_hash"],
        tables=context["tables"],
        has_sample=bool(context.get("has_sample")),
        signature_box=signature_box,
        gather_seconds=gathered - started,
        render_seconds=done - gathered,
        annex=annex,
    )


def current_data_hash(report: Report) -> str:
    """Fingerprint of the data as it is now (to tell a signed report's data has changed)."""
    return build_context(report)["data_hash"]
