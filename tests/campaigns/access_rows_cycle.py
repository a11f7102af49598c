"""Access rows for the yearly cycle (campaigns/cycle): registration, self-assessment, evidence,
review, extensions and the unit panel. Officer B gets 404 on commune A's rows."""

from django.urls import reverse

from campaigns.models import Assessment, AssessmentStatus, Evidence, ExtensionRequest
from portal.concurrency import seen_token
from tests.access_matrix import Row, everyone
from tests.campaigns import cycle_world as cw

VIEWERS = {**everyone(200), "council_member": 403, "officer_b": 404}
REVIEWERS = {"secretariat": 200, "economic_office": 200}
OFFICER_A_WRITES = {"officer_a": 302, "officer_b": 404}


def _a(w, status=None):
    return cw.assessment(w.commune_a, w.campaign, status=status)


def _item(w):
    return cw.item_no(_a(w), 2)


def _evidence(w):
    item = _item(w)
    return item.evidence.first() or cw.evidence(item)


def _state(w):
    a = Assessment.objects.filter(unit=w.commune_a).first()
    return None if a is None else (a.status, a.revision, a.items.filter(note="").count())


ROWS = [
    Row(
        "registration list",
        lambda w, u: reverse("campaigns:registration-list", args=[w.campaign.code]) + "?year=2025",
        everyone(200),
        url_names=("campaigns:registration-list",),
    ),
    Row(
        "registration export",
        lambda w, u: reverse("campaigns:registration-export", args=[w.campaign.code]),
        {"secretariat": 200, "economic_office": 200, "chairman": 200, "observer": 200},
        url_names=("campaigns:registration-export",),
    ),
    Row(
        "registration create",
        lambda w, u: reverse("campaigns:registration-create", args=[w.campaign.code]),
        {"secretariat": 200, "officer_a": 200, "officer_b": 200},
        url_names=("campaigns:registration-create",),
    ),
    Row(
        "registration create POST for commune A",
        lambda w, u: reverse("campaigns:registration-create", args=[w.campaign.code]),
        # Officer B's select does not offer commune A: the form refuses it (200, re-rendered).
        {"secretariat": 302, "officer_a": 302, "officer_b": 200},
        method="post",
        data=lambda w, u: {"unit": w.commune_a.pk, "year": 2025, "commitments": "Giữ vững"},
        snapshot=lambda w, u: w.commune_a.registrations.count(),
    ),
    Row(
        "registration edit (commune A)",
        lambda w, u: reverse(
            "campaigns:registration-edit", args=[cw.registration(w.commune_a, w.campaign).pk]
        ),
        {"secretariat": 200, "officer_a": 200, "officer_b": 404},
        url_names=("campaigns:registration-edit",),
    ),
    Row(
        "assessment list",
        lambda w, u: reverse("campaigns:assessment-list", args=[w.campaign.code]),
        {**everyone(200), "council_member": 403},
        url_names=("campaigns:assessment-list",),
    ),
    Row(
        "assessment start POST (commune A)",
        lambda w, u: (
            cw.criteria_set(w.campaign),
            reverse("campaigns:assessment-start", args=[w.campaign.code]),
        )[1],
        OFFICER_A_WRITES,
        method="post",
        data=lambda w, u: {"unit": w.commune_a.pk, "year": 2025},
        snapshot=lambda w, u: Assessment.objects.filter(unit=w.commune_a).count(),
        url_names=("campaigns:assessment-start",),
    ),
    Row(
        "assessment detail (commune A)",
        lambda w, u: reverse("campaigns:assessment-detail", args=[_a(w).pk]),
        VIEWERS,
        url_names=("campaigns:assessment-detail",),
    ),
    Row(
        "assessment history (commune A)",
        lambda w, u: reverse("campaigns:assessment-history", args=[_a(w).pk]),
        VIEWERS,
        url_names=("campaigns:assessment-history",),
    ),
    Row(
        "assessment save POST",
        lambda w, u: reverse("campaigns:assessment-save", args=[_a(w).pk]),
        OFFICER_A_WRITES,
        method="post",
        data=lambda w, u: cw.filled_post(_a(w)),
        snapshot=lambda w, u: _state(w),
        url_names=("campaigns:assessment-save",),
    ),
    Row(
        "assessment autosave POST",
        lambda w, u: reverse("campaigns:assessment-autosave", args=[_a(w).pk]),
        {"officer_a": 200, "officer_b": 404},
        method="post",
        data=lambda w, u: cw.filled_post(_a(w)),
        snapshot=lambda w, u: _state(w),
        url_names=("campaigns:assessment-autosave",),
    ),
    Row(
        "assessment submit POST",
        lambda w, u: reverse("campaigns:assessment-submit", args=[_a(w).pk]),
        OFFICER_A_WRITES,
        method="post",
        snapshot=lambda w, u: _state(w),
        url_names=("campaigns:assessment-submit",),
    ),
    Row(
        "evidence add POST",
        lambda w, u: reverse("campaigns:evidence-add", args=[_a(w).pk, _item(w).pk]),
        OFFICER_A_WRITES,
        method="post",
        data=lambda w, u: {"file": _pdf_upload()},
        snapshot=lambda w, u: Evidence.objects.count(),
        url_names=("campaigns:evidence-add",),
    ),
    Row(
        "evidence download",
        lambda w, u: reverse("campaigns:evidence-download", args=[_evidence(w).pk]),
        VIEWERS,
        url_names=("campaigns:evidence-download",),
    ),
    Row(
        "evidence delete POST",
        lambda w, u: reverse("campaigns:evidence-delete", args=[_evidence(w).pk]),
        OFFICER_A_WRITES,
        method="post",
        snapshot=lambda w, u: Evidence.objects.count(),
        url_names=("campaigns:evidence-delete",),
    ),
    Row(
        "assessment review POST (submitted)",
        lambda w, u: reverse(
            "campaigns:assessment-review", args=[_a(w, AssessmentStatus.SUBMITTED).pk]
        ),
        {"secretariat": 302, "economic_office": 302, "officer_b": 404},
        method="post",
        data=lambda w, u: {
            "action": "save",
            "seen": seen_token(*_a(w, AssessmentStatus.SUBMITTED).items.all()),
        },
        snapshot=lambda w, u: _state(w),
        url_names=("campaigns:assessment-review",),
    ),
    Row(
        "assessment reopen POST (approved)",
        lambda w, u: reverse(
            "campaigns:assessment-reopen", args=[_a(w, AssessmentStatus.APPROVED).pk]
        ),
        {"secretariat": 302, "officer_b": 404},
        method="post",
        data={"reason": "Kiểm tra lại"},
        snapshot=lambda w, u: _state(w),
        url_names=("campaigns:assessment-reopen",),
    ),
    Row(
        "review queue",
        lambda w, u: reverse("campaigns:review-queue", args=[w.campaign.code]),
        REVIEWERS,
        url_names=("campaigns:review-queue",),
    ),
    Row(
        "review bulk approve POST",
        lambda w, u: (
            _a(w, AssessmentStatus.SUBMITTED),
            reverse("campaigns:review-bulk-approve", args=[w.campaign.code]),
        )[1],
        {"secretariat": 302, "economic_office": 302},
        method="post",
        data=lambda w, u: {"ids": [_a(w, AssessmentStatus.SUBMITTED).pk]},
        snapshot=lambda w, u: _state(w),
        url_names=("campaigns:review-bulk-approve",),
    ),
    Row(
        "extension list",
        lambda w, u: reverse("campaigns:extension-list", args=[w.campaign.code]),
        {**everyone(200), "council_member": 403},
        url_names=("campaigns:extension-list",),
    ),
    Row(
        "extension request POST (commune A)",
        lambda w, u: reverse("campaigns:extension-request", args=[w.campaign.code]),
        OFFICER_A_WRITES,
        method="post",
        data=lambda w, u: {"unit": w.commune_a.pk, "year": 2025, "reason": "Chờ số liệu"},
        snapshot=lambda w, u: ExtensionRequest.objects.count(),
        url_names=("campaigns:extension-request",),
    ),
    Row(
        "extension decide POST (commune A)",
        lambda w, u: reverse(
            "campaigns:extension-decide", args=[cw.extension(w.commune_a, w.campaign).pk]
        ),
        {"secretariat": 302, "officer_b": 404},
        method="post",
        data=lambda w, u: {
            "decision": "refuse",
            "note": "Không đủ căn cứ",
            "seen": seen_token(cw.extension(w.commune_a, w.campaign)),
        },
        snapshot=lambda w, u: list(ExtensionRequest.objects.values_list("status", flat=True)),
        url_names=("campaigns:extension-decide",),
    ),
    Row(
        "unit panel: self-assessment results (commune A)",
        lambda w, u: reverse("campaigns:unit-assessments-panel", args=[w.commune_a.pk]),
        VIEWERS,
        url_names=("campaigns:unit-assessments-panel",),
    ),
]


def _pdf_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("bien-ban.pdf", cw.PDF, content_type="application/pdf")
