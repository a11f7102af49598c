"""The document-kind registry: kind → context builder, template, title and number symbol.

Every document the portal prints goes through the same pipeline (request → render → sign) and
the same base PDF layout; a kind only says how to gather its content. Campaign reports are
registered here, and so are the award documents (decision, council minutes, certificates), whose
data comes from `awards.documents` and whose Report rows point at their object by `object_id`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.utils import timezone

if TYPE_CHECKING:
    from campaigns.models import Campaign
    from units.models import Authority

    from .models import Report


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str  # shown in lists: "Báo cáo sơ kết"
    doc_type: str  # the document type name printed as the title: "BÁO CÁO"
    symbol: str  # number/symbol suffix, "{body}" = the authority's abbreviation: "BC-{body}"
    template: str
    build: Callable[[Report], dict[str, Any]]
    summary: Callable[[Report], str]
    validate: Callable[[Campaign, int, int], None] = field(default=lambda c, y, o: None)
    default_year: Callable[[Campaign], int | None] = field(default=lambda c: None)
    needs_object: bool = False
    requestable: bool = True  # offered on the request form (award kinds come from awards pages)
    #: The authority that issues the document dated `day` (default: the campaign's in force).
    authority: Callable[[Report, datetime.date], Authority] = field(
        default=lambda report, day: report.campaign.authority_on(day)
    )
    #: A body's document (TM. ỦY BAN NHÂN DÂN) or a chairman's in his own name (a decision).
    collective: bool = True
    #: Numbered from the register of outgoing documents when signed (certificates carry the
    #: decision's number instead).
    numbered: bool = True
    #: The register's sequence: "" for the authority's documents, "HĐTĐKT" for the council's.
    series: str = ""
    #: The document's own date when it is not the signing date (minutes: the meeting's day).
    own_date: Callable[[Report], datetime.date | None] | None = None

    def describe(self, report: Report) -> str:
        return f"{self.label} – {self.summary(report)}"

    def document_date(self, report: Report) -> datetime.date | None:
        """The date the document prints: its own date, else the signing date (None: a draft)."""
        if self.own_date is not None:
            return self.own_date(report)
        return report.issue_date

    def symbol_for(self, issuer: dict[str, Any]) -> str:
        return self.symbol.format(body=issuer.get("symbol") or "UBND")

    def issuer(self, report: Report, day: datetime.date) -> dict[str, Any]:
        """What the document prints for its authority: the copy kept at signing, else the
        authority in force on `day` (raises NoAuthority when there is none)."""
        from units.authorities import issuer

        if report.issuer:
            return report.issuer
        return issuer(self.authority(report, day), collective=self.collective)


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
            symbol="BC-{body}",
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
            symbol="BC-{body}",
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
            symbol="BC-{body}",
            template="reports/pdf/report.html",
            build=content.build_final,
            summary=lambda r: f"giai đoạn {r.campaign.start_year}–{r.year}",
            validate=_validate_review("final_review_year", "tổng kết"),
            default_year=lambda c: c.final_review_year,
        )
    )


# --- Award documents ---------------------------------------------------------------------------
#
# The awards app gathers the data (`awards.documents`: plain dicts, contract in docs/awards.md);
# these builders only map it onto the shared layout. A Report row of an award kind points at its
# object by `object_id` (the decision's or the council session's pk); `year` is the year of the
# decision / meeting.

#: Fields of the award dicts that change when the decision is signed: left out of the data
#: fingerprint, so signing does not read as "data changed since signing".
_VOLATILE = ("status", "signed_by", "signed_at", "number", "date")


def _decision(report: Report):
    from awards.models import AwardDecision

    return AwardDecision.objects.select_related("authority", "campaign__authority").get(
        pk=report.object_id
    )


def _decision_authority(report: Report, day: datetime.date) -> Authority:
    """A decision is the chairman's of the authority chosen on it, which must be in force on the
    day it is signed; an old decision without one takes the campaign's authority then."""
    from units.authorities import check_in_force

    decision = _decision(report)
    if decision.authority_id is None:
        return decision.campaign.authority_on(day)
    check_in_force(decision.authority, day, start=decision.campaign.authority)
    return decision.authority


def _session_authority(report: Report, day: datetime.date) -> Authority:
    """Minutes are the council's of the authority that held the session, on the meeting day."""
    from awards.models import CouncilSession
    from units.authorities import check_in_force

    session = CouncilSession.objects.select_related("authority", "campaign__authority").get(
        pk=report.object_id
    )
    if session.authority is None:
        return session.campaign.authority_on(day)
    check_in_force(session.authority, day, start=session.campaign.authority)
    return session.authority


def _moment_in_words(moment) -> str:
    """14:00 on 15/12/2025 → "14 giờ 00 phút ngày 15/12/2025" (local time), as minutes write it."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%H} giờ {local:%M} phút ngày {local:%d/%m/%Y}"


def _build_decision(report: Report) -> dict[str, Any]:
    from awards.documents import decision_document

    # Amounts follow the rates of the day the decision is dated: the signing day (a draft is
    # signed the day it is read, else it is refused as changed and made again).
    day = report.issue_date or timezone.localdate()
    doc = {
        k: v for k, v in decision_document(report.object_id, day=day).items() if k not in _VOLATILE
    }
    title = doc["title"] or "Về việc khen thưởng"
    return {
        "document": doc,
        "summary": title,
        # Invented if anything in it is: the decision, its session, a nomination, the campaign.
        "has_sample": doc["is_sample"] or report.campaign.is_sample,
        "overrides": {
            # Decree 30, Appendix I: a decision the chairman issues in his own name.
            "recipients": ["Như Điều 3", "Lưu: VT"],
        },
    }


def _build_minutes(report: Report) -> dict[str, Any]:
    from awards.documents import minutes_document

    doc = minutes_document(report.object_id)
    return {
        "document": doc,
        "summary": "Họp Hội đồng Thi đua – Khen thưởng"
        + (f": {doc['title']}" if doc["title"] else ""),
        "has_sample": doc["is_sample"] or report.campaign.is_sample,
        "overrides": {
            "minutes_of_council": True,
            "secretary": doc["secretary"],
            "started_at": _moment_in_words(doc["started_at"]),
            "ended_at": _moment_in_words(doc["ended_at"]),
            "absent": doc["members_total"] - doc["members_present"],
            "passed_count": sum(1 for i in doc["items"] if i["outcome"] == "passed"),
            "failed_count": sum(1 for i in doc["items"] if i["outcome"] != "passed"),
        },
    }


def _build_certificates(report: Report) -> dict[str, Any]:
    from awards.documents import certificates_document

    doc = certificates_document(report.object_id)
    return {
        "document": doc,
        "summary": f"Bằng, giấy khen theo Quyết định số {doc['decision_number']}",
        # A real certificate is printed on the official blank without any mark; an invented
        # one carries the watermark and the note, so it cannot pass for a real one.
        "has_sample": doc["is_sample"] or report.campaign.is_sample,
    }


def _session_date(report: Report):
    from awards.models import CouncilSession

    return CouncilSession.objects.values_list("meeting_date", flat=True).get(pk=report.object_id)


def _signed_decision_date(report: Report):
    from awards.models import AwardDecision, DecisionStatus

    row = AwardDecision.objects.values("status", "decision_date").get(pk=report.object_id)
    return row["decision_date"] if row["status"] == DecisionStatus.SIGNED else None


def _object_label(report: Report, annotation: str, model, field: str) -> str | None:
    """The decision number / session title a report names: annotated on lists
    (`selectors.with_object_labels`), else one query."""
    if hasattr(report, annotation):
        return getattr(report, annotation)
    return model.objects.filter(pk=report.object_id).values_list(field, flat=True).first()


def _decision_summary(report: Report) -> str:
    from awards.models import AwardDecision

    number = _object_label(report, "decision_number", AwardDecision, "number")
    return f"Quyết định số {number}" if number else "dự thảo quyết định"


def _session_summary(report: Report) -> str:
    from awards.models import CouncilSession

    title = _object_label(report, "session_title", CouncilSession, "title")
    return title or f"phiên họp #{report.object_id}"


class DocumentObjectMissing(ValidationError):
    """The decision / session a document is asked for does not exist."""


def award_document_target(kind: str, object_id: int) -> tuple[Campaign, int]:
    """The campaign and year a Report of an award kind is filed under, for its object; raises
    ValidationError when the object does not exist or is not ready for that document."""
    from awards.models import AwardDecision, CouncilSession, DecisionStatus, SessionStatus

    if kind == "council_minutes":
        session = CouncilSession.objects.select_related("campaign").filter(pk=object_id).first()
        if session is None:
            raise DocumentObjectMissing("Không tìm thấy phiên họp Hội đồng.")
        if session.status != SessionStatus.CLOSED:
            raise ValidationError(
                "Chỉ lập biên bản khi phiên họp đã kết thúc (kết quả biểu quyết đã chốt)."
            )
        return session.campaign, session.meeting_date.year
    decision = AwardDecision.objects.select_related("campaign").filter(pk=object_id).first()
    if decision is None:
        raise DocumentObjectMissing("Không tìm thấy quyết định khen thưởng.")
    if not decision.nominations.exists():
        raise ValidationError("Quyết định chưa có trường hợp nào được khen thưởng.")
    if kind == "certificate" and decision.status != DecisionStatus.SIGNED:
        raise ValidationError("Chỉ in giấy khen khi quyết định đã được ký.")
    return decision.campaign, decision.decision_date.year


def _validate_award(kind: str):
    def check(campaign: Campaign, year: int, object_id: int) -> None:
        owner, _ = award_document_target(kind, object_id)
        if owner.pk != campaign.pk:
            raise ValidationError("Văn bản không thuộc phong trào này.")

    return check


def _register_award_documents() -> None:
    for code, label, doc_type, symbol, template, build, summary, extra in (
        (
            "award_decision",
            "Quyết định khen thưởng",
            "QUYẾT ĐỊNH",
            "QĐ-{body}",
            "reports/pdf/award_decision.html",
            _build_decision,
            _decision_summary,
            {"authority": _decision_authority, "collective": False},
        ),
        (
            "council_minutes",
            "Biên bản họp Hội đồng Thi đua – Khen thưởng",
            "BIÊN BẢN",
            "BB-HĐTĐKT",
            "reports/pdf/council_minutes.html",
            _build_minutes,
            _session_summary,
            {"authority": _session_authority, "own_date": _session_date, "series": "HĐTĐKT"},
        ),
        (
            "certificate",
            "Giấy khen (in trên phôi)",
            "GIẤY KHEN",
            "QĐ-{body}",
            "reports/pdf/certificates.html",
            _build_certificates,
            _decision_summary,
            {
                "authority": _decision_authority,
                "collective": False,
                "numbered": False,
                "own_date": _signed_decision_date,
            },
        ),
    ):
        register_kind(
            DocumentKind(
                code=code,
                label=label,
                doc_type=doc_type,
                symbol=symbol,
                template=template,
                build=build,
                summary=summary,
                validate=_validate_award(code),
                needs_object=True,
                requestable=False,
                **cast(dict[str, Any], extra),
            )
        )


def load() -> None:
    """Called from ReportsConfig.ready()."""
    _register_campaign_reports()
    _register_award_documents()
