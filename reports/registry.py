"""The document-kind registry: kind → context builder, template, title and number symbol.

Every document the portal prints goes through the same pipeline (request → render → sign) and
the same base PDF layout; a kind only says how to gather its content. Campaign reports are
registered here; the award documents are registered only when `awards.documents` exists (the
awards app provides `decision_document`, `minutes_document`, `certificates_document`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from campaigns.models import Campaign

    from .models import Report


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str  # shown in lists: "Báo cáo sơ kết"
    doc_type: str  # the document type name printed as the title: "BÁO CÁO"
    symbol: str  # number/symbol suffix: "BC-UBND"
    template: str
    build: Callable[[Report], dict[str, Any]]
    summary: Callable[[Report], str]
    validate: Callable[[Campaign, int, int], None] = field(default=lambda c, y, o: None)
    default_year: Callable[[Campaign], int | None] = field(default=lambda c: None)
    needs_object: bool = False
    requestable: bool = True  # offered on the request form (award kinds come from awards pages)

    def describe(self, report: Report) -> str:
        return f"{self.label} – {self.summary(report)}"


_KINDS: dict[str, DocumentKind] = {}


def register_kind(kind: DocumentKind) -> DocumentKind:
    _KINDS[kind.code] = kind
    return kind


def get_kind(code: str) -> DocumentKind | None:
    return _KINDS.get(code)


def all_kinds() -> list[DocumentKind]:
    return list(_KINDS.values())


def requestable_kinds() -> list[DocumentKind]:
    return [k for k in _KINDS.values() if k.requestable]


def choices() -> list[tuple[str, str]]:
    return [(k.code, k.label) for k in requestable_kinds()]


# --- Campaign reports ---------------------------------------------------------------------------


def _validate_annual(campaign: Campaign, year: int, object_id: int) -> None:
    if year not in campaign.years:
        raise ValidationError(
            {
                "year": f"Năm {year} nằm ngoài thời gian của phong trào "
                f"({campaign.start_year}–{campaign.end_year})."
            }
        )


def _validate_review(attr: str, label: str):
    def check(campaign: Campaign, year: int, object_id: int) -> None:
        review_year = getattr(campaign, attr)
        if review_year is None:
            raise ValidationError({"kind": f"Phong trào này không có kế hoạch {label}."})
        if year != review_year:
            raise ValidationError(
                {"year": f"{label.capitalize()} của phong trào làm vào năm {review_year}."}
            )
        from django.utils import timezone

        if timezone.localdate().year < review_year:
            raise ValidationError(
                {
                    "year": f"Chưa đến năm {review_year}: chưa thể lập báo cáo {label} "
                    "khi giai đoạn chưa kết thúc."
                }
            )

    return check


def _register_campaign_reports() -> None:
    from . import content

    register_kind(
        DocumentKind(
            code="annual",
            label="Báo cáo kết quả năm",
            doc_type="BÁO CÁO",
            symbol="BC-UBND",
            template="reports/pdf/report.html",
            build=content.build_annual,
            summary=lambda r: f"năm {r.year}",
            validate=_validate_annual,
        )
    )
    register_kind(
        DocumentKind(
            code="preliminary_review",
            label="Báo cáo sơ kết",
            doc_type="BÁO CÁO",
            symbol="BC-UBND",
            template="reports/pdf/report.html",
            build=content.build_preliminary,
            summary=lambda r: f"giai đoạn {r.campaign.start_year}–{r.year}",
            validate=_validate_review("preliminary_review_year", "sơ kết"),
            default_year=lambda c: c.preliminary_review_year,
        )
    )
    register_kind(
        DocumentKind(
            code="final_review",
            label="Báo cáo tổng kết",
            doc_type="BÁO CÁO",
            symbol="BC-UBND",
            template="reports/pdf/report.html",
            build=content.build_final,
            summary=lambda r: f"giai đoạn {r.campaign.start_year}–{r.year}",
            validate=_validate_review("final_review_year", "tổng kết"),
            default_year=lambda c: c.final_review_year,
        )
    )


# --- Award documents (only when the awards app provides them) ----------------------------------


def _award_builder(function_name: str):
    def build(report: Report) -> dict[str, Any]:
        documents = importlib.import_module("awards.documents")
        document = getattr(documents, function_name)(report.object_id)
        return {"document": document, "sections": [], "has_sample": document.get("is_sample")}

    return build


def _register_award_documents() -> None:
    try:
        importlib.import_module("awards.documents")
    except ModuleNotFoundError:
        return
    for code, label, doc_type, symbol, function_name in (
        ("award_decision", "Quyết định khen thưởng", "QUYẾT ĐỊNH", "QĐ-UBND", "decision_document"),
        ("council_minutes", "Biên bản họp Hội đồng", "BIÊN BẢN", "BB-HĐTĐKT", "minutes_document"),
        ("certificate", "Bằng, giấy khen", "GIẤY KHEN", "QĐ-UBND", "certificates_document"),
    ):
        register_kind(
            DocumentKind(
                code=code,
                label=label,
                doc_type=doc_type,
                symbol=symbol,
                template="reports/pdf/award_document.html",
                build=_award_builder(function_name),
                summary=lambda r: f"số hồ sơ {r.object_id}",
                needs_object=True,
                requestable=False,
            )
        )


def load() -> None:
    """Called from ReportsConfig.ready()."""
    _register_campaign_reports()
    _register_award_documents()
