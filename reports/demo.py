"""Demo hook (run by `load_demo` after awards.demo): make sure the signing material exists, then
make the demo's documents through the real pipeline (`report_request`, `report_render`,
`report_sign`): the 2021–2025 campaign's final review, signed today by the chairman of the
authority in force (after 01/07/2025: phường Đức Phổ, docs/authorities.md §4); the award decision
awards/demo_successor.py drafted, signed the same way; and the 2026–2030 campaign's report of
its current year, rendered and waiting for the chairman's signature. Each is made once: a second
`load_demo` finds them and leaves them.

The demo signs with self-signed certificates (the agency's at SIGNING_P12_PATH, the signer's
server-held one beside it). Each sample issuing authority gets sample images of its seal and its
signer's signature (drawn with Pillow, marked "MẪU") and self-signed certificates of its own
(the body's and its signer's) on its record, where it has none. A real
deployment uploads the committee's own images on the authority's page and points
SIGNING_P12_PATH, SIGNING_PERSON_P12_PATH or SIGNING_PKCS11_* at its certificates
(docs/signing.md).
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from .signing import (
    demo_authority_p12,
    demo_seal_png,
    demo_signature_png,
    ensure_demo_certificate,
)


def load() -> dict[str, int]:
    from campaigns.models import Campaign
    from units.models import Authority

    campaign = Campaign.objects.filter(is_sample=False).order_by("-start_year").first()
    body = campaign.issuing_body if campaign else "Ủy ban nhân dân"
    authority = campaign.authority if campaign else None
    signer = (authority.signer_name if authority else "") or "Người có thẩm quyền ký"
    path = ensure_demo_certificate(common_name=body, person_name=signer)
    images = 0
    for authority in Authority.objects.filter(is_sample=True):
        if not authority.seal_image:
            authority.seal_image.save(
                "con-dau-mau.png", ContentFile(demo_seal_png(authority.body, authority.place))
            )
            images += 1
        name = (authority.deputy_name if authority.deputy_signs else "") or authority.signer_name
        if not authority.signature_image:
            authority.signature_image.save("chu-ky-mau.png", ContentFile(demo_signature_png(name)))
            images += 1
        # Each body signs as itself: its own (sample, self-signed) organisation certificate
        # and one for its signer, so a seal never carries the name of another body.
        if not authority.certificate:
            authority.certificate.save(
                "co-quan.p12", ContentFile(demo_authority_p12(authority.body))
            )
        if not authority.signer_certificate:
            authority.signer_certificate.save(
                "nguoi-ky.p12", ContentFile(demo_authority_p12(authority.body, name))
            )
    documents = load_documents()
    return {
        "signing_certificate": 1 if path.exists() else 0,
        "authority_images": images,
        **documents,
    }


# The evaluation the secretariat writes before the chairman signs (reports.evaluation).
FINAL_REVIEW_NARRATIVE = {
    "strengths": "Phong trào được các cấp ủy, chính quyền, Mặt trận và các đoàn thể triển khai "
    "đồng bộ; nhân dân tích cực hiến đất, góp ngày công làm đường giao thông nông thôn; nhiều xã "
    "về đích nông thôn mới, nông thôn mới nâng cao (nội dung mẫu).",
    "limits": "Một số tiêu chí đạt chuẩn chưa bền vững; hồ sơ minh chứng ở vài xã còn chậm; "
    "kinh phí đối ứng còn khó khăn (nội dung mẫu).",
    "causes": "Nguồn lực đầu tư còn hạn chế; việc sắp xếp đơn vị hành chính năm 2025 làm thay "
    "đổi đầu mối theo dõi phong trào (nội dung mẫu).",
    "lessons": "Phát huy vai trò chủ thể của người dân; cấp ủy, chính quyền vào cuộc quyết liệt; "
    "kiểm tra, đôn đốc thường xuyên (nội dung mẫu).",
    "next_steps": "Các xã, phường kế thừa tiếp tục giữ vững, nâng chất các tiêu chí đã đạt trong "
    "giai đoạn 2026-2030 (nội dung mẫu).",
    "proposals": "Đề nghị UBND tỉnh tiếp tục bố trí kinh phí khen thưởng phong trào (nội dung "
    "mẫu).",
}
ANNUAL_NARRATIVE = {
    "strengths": "Các cơ quan, đơn vị của phường đăng ký thi đua đầy đủ, triển khai đúng kế hoạch "
    "(nội dung mẫu).",
    "limits": "Một số đơn vị nộp báo cáo còn thiếu minh chứng (nội dung mẫu).",
    "causes": "Bộ máy mới sau sắp xếp đang kiện toàn (nội dung mẫu).",
    "next_steps": "Tiếp tục phát động thi đua, chuẩn bị sơ kết giai đoạn (nội dung mẫu).",
}


def _render(report):
    """Render now (in this process, whether or not a worker runs); returns the report as it is."""
    from .services import report_render

    report_render(report_id=report.pk, worker="load_demo")
    report.refresh_from_db()
    return report


def _request_and_render(*, campaign, kind, year, by, narrative=None, object_id=0):
    from .models import Report, ReportStatus
    from .services import report_request

    done = Report.objects.filter(
        campaign=campaign,
        kind=kind,
        year=year,
        object_id=object_id,
        status__in=[ReportStatus.READY, ReportStatus.SIGNED],
    ).first()
    if done is not None:
        return done
    report = report_request(
        campaign=campaign, kind=kind, year=year, by=by, narrative=narrative, object_id=object_id
    )
    return _render(report)


def _sign(report, chairman) -> bool:
    from .models import ReportStatus
    from .services import report_sign

    if report.status != ReportStatus.READY:
        return False
    report_sign(report=report, by=chairman, read_sha256=report.sha256)
    return True


def load_documents() -> dict[str, int]:
    from awards.models import AwardDecision, DecisionStatus
    from campaigns.models import Campaign
    from portal.models import User

    from .models import Report, ReportStatus

    secretariat = User.objects.filter(username="thuongtruc").first()
    chairman = User.objects.filter(username="chutich").first()
    closed = Campaign.objects.filter(code="ducpho-ntm-2021-2025").first()
    running = Campaign.objects.filter(code="phuongducpho-ntm-2026-2030").first()
    if not (secretariat and chairman and closed and running):
        return {}
    final = _request_and_render(
        campaign=closed,
        kind="final_review",
        year=closed.final_review_year,
        by=secretariat,
        narrative=FINAL_REVIEW_NARRATIVE,
    )
    _sign(final, chairman)
    decision = AwardDecision.objects.filter(
        campaign=running, is_sample=True, status=DecisionStatus.DRAFT
    ).first()
    if decision is not None:
        document = _request_and_render(
            campaign=running,
            kind="award_decision",
            year=decision.decision_date.year,
            by=secretariat,
            object_id=decision.pk,
        )
        _sign(document, chairman)
    from campaigns.demo_successor import results_year

    _request_and_render(
        campaign=running,
        kind="annual",
        year=results_year(),
        by=secretariat,
        narrative=ANNUAL_NARRATIVE,
    )
    return {
        "signed_documents": Report.objects.filter(status=ReportStatus.SIGNED).count(),
        "documents_to_sign": Report.objects.filter(status=ReportStatus.READY).count(),
    }
