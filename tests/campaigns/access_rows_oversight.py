"""Access rows for oversight: inspections, sponsorship results, difficulties, budget, news,
figure releases, the unit-page panels and the public campaign page."""

from django.urls import reverse

from campaigns.models import BudgetLine, Feedback, Finding, NewsItem, Recommendation
from portal.concurrency import seen_token
from tests.access_matrix import ALL_SIGNED_IN, LOGIN, Row, everyone

from .oversight_helpers import (
    make_attachment,
    make_budget_line,
    make_feedback,
    make_inspection,
    make_news,
    make_recommendation,
    make_sponsorship,
)

NS = "campaigns:oversight:"
SEC = {"secretariat": 200}
SEES_FEEDBACK = {
    "officer_a": 200,
    "officer_b": 404,
    "economic_office": 200,
    "secretariat": 200,
    "chairman": 200,
    "observer": 200,
}


def _u(name, *args):
    return reverse(NS + name, args=args)


def _seen(model):
    """The edit-guard token of the row the URL function has just made (the page's token)."""
    return seen_token(model.objects.latest("pk"))


def _fb_snapshot(w, u):
    return list(Feedback.objects.values_list("status", "answer", "assignee_id"))


ROWS = [
    # inspections
    Row(
        "inspection list",
        lambda w, u: _u("inspection-list", w.campaign.code),
        everyone(200),
        url_names=(NS + "inspection-list",),
    ),
    Row(
        "inspection create",
        lambda w, u: _u("inspection-create", w.campaign.code),
        SEC,
        url_names=(NS + "inspection-create",),
    ),
    Row(
        "inspection of commune A",
        lambda w, u: _u("inspection-detail", make_inspection(w).pk),
        {**everyone(200), "officer_b": 404},
        url_names=(NS + "inspection-detail",),
    ),
    Row(
        "inspection edit",
        lambda w, u: _u("inspection-edit", make_inspection(w).pk),
        {**SEC, "officer_b": 404},
        url_names=(NS + "inspection-edit",),
    ),
    Row(
        "finding create POST",
        lambda w, u: _u("finding-create", make_inspection(w).pk),
        {"secretariat": 302, "officer_b": 404},
        method="post",
        data=lambda w, u: {"unit": w.commune_a.pk, "content": "Kết luận", "recommendations": "a"},
        snapshot=lambda w, u: Finding.objects.count(),
        url_names=(NS + "finding-create",),
    ),
    Row(
        "recommendation answer POST",
        lambda w, u: _u("recommendation-answer", make_recommendation(w).pk),
        {"officer_a": 302, "officer_b": 404},
        method="post",
        data=lambda w, u: {"response": "Đã khắc phục.", "seen": _seen(Recommendation)},
        snapshot=lambda w, u: list(Recommendation.objects.values_list("status", "response")),
        url_names=(NS + "recommendation-answer",),
    ),
    Row(
        "recommendation follow-up POST",
        lambda w, u: _u("recommendation-follow-up", make_recommendation(w).pk),
        {"secretariat": 302, "officer_b": 404},
        method="post",
        data=lambda w, u: {"status": "done", "note": "", "seen": _seen(Recommendation)},
        snapshot=lambda w, u: list(Recommendation.objects.values_list("status", flat=True)),
        url_names=(NS + "recommendation-follow-up",),
    ),
    # sponsorship results
    Row(
        "sponsorship list",
        lambda w, u: _u("sponsorship-list", w.campaign.code),
        everyone(200),
        url_names=(NS + "sponsorship-list",),
    ),
    Row(
        "sponsorship result edit (department → commune A)",
        lambda w, u: _u("sponsorship-result-edit", make_sponsorship(w).pk),
        {**SEC, "officer_b": 404},
        url_names=(NS + "sponsorship-result-edit",),
    ),
    # difficulties
    Row(
        "feedback list",
        lambda w, u: _u("feedback-list", w.campaign.code),
        {**everyone(200), "council_member": 403},
        url_names=(NS + "feedback-list",),
    ),
    Row(
        "feedback export",
        lambda w, u: _u("feedback-export", w.campaign.code),
        {"secretariat": 200, "chairman": 200, "observer": 200},
        url_names=(NS + "feedback-export",),
    ),
    Row(
        "feedback create",
        lambda w, u: _u("feedback-create", w.campaign.code),
        {"officer_a": 200, "officer_b": 200, "economic_office": 200, "secretariat": 200},
        url_names=(NS + "feedback-create",),
    ),
    Row(
        "feedback of commune A",
        lambda w, u: _u("feedback-detail", make_feedback(w).pk),
        SEES_FEEDBACK,
        url_names=(NS + "feedback-detail",),
    ),
    Row(
        "feedback assign POST",
        lambda w, u: _u("feedback-assign", make_feedback(w).pk),
        {"secretariat": 302, "officer_b": 404},
        method="post",
        data=lambda w, u: {"assignee": u["secretariat"].pk, "seen": _seen(Feedback)},
        snapshot=_fb_snapshot,
        url_names=(NS + "feedback-assign",),
    ),
    Row(
        "feedback answer POST",
        lambda w, u: _u("feedback-answer", make_feedback(w).pk),
        {"secretariat": 302, "officer_b": 404},
        method="post",
        data=lambda w, u: {"answer": "Trả lời của thường trực.", "seen": _seen(Feedback)},
        snapshot=_fb_snapshot,
        url_names=(NS + "feedback-answer",),
    ),
    Row(
        "feedback close POST",
        lambda w, u: _u(
            "feedback-close", make_feedback(w, status="answered", answer="Đã trả lời").pk
        ),
        {"secretariat": 302, "officer_b": 404},
        method="post",
        snapshot=_fb_snapshot,
        url_names=(NS + "feedback-close",),
    ),
    Row(
        "feedback attachment of commune A",
        lambda w, u: _u("feedback-attachment", make_attachment(make_feedback(w)).pk),
        SEES_FEEDBACK,
        url_names=(NS + "feedback-attachment",),
    ),
    # budget
    Row(
        "budget list",
        lambda w, u: _u("budget-list", w.campaign.code),
        {"secretariat": 200, "chairman": 200, "observer": 200},
        url_names=(NS + "budget-list",),
    ),
    Row(
        "budget export",
        lambda w, u: _u("budget-export", w.campaign.code),
        {"secretariat": 200, "chairman": 200, "observer": 200},
        url_names=(NS + "budget-export",),
    ),
    Row(
        "budget create",
        lambda w, u: _u("budget-create", w.campaign.code),
        SEC,
        url_names=(NS + "budget-create",),
    ),
    Row(
        "budget edit",
        lambda w, u: _u("budget-edit", make_budget_line(w).pk),
        SEC,
        url_names=(NS + "budget-edit",),
    ),
    Row(
        "budget submit POST",
        lambda w, u: _u("budget-submit", make_budget_line(w).pk),
        {"secretariat": 302},
        method="post",
        data=lambda w, u: {"seen": _seen(BudgetLine)},
        snapshot=lambda w, u: list(BudgetLine.objects.values_list("status", flat=True)),
        url_names=(NS + "budget-submit",),
    ),
    Row(
        "budget approve POST",
        lambda w, u: _u("budget-approve", make_budget_line(w, status="submitted").pk),
        {"secretariat": 302},
        method="post",
        data=lambda w, u: {"approved_amount_vnd": "40000000", "seen": _seen(BudgetLine)},
        snapshot=lambda w, u: list(BudgetLine.objects.values_list("status", flat=True)),
        url_names=(NS + "budget-approve",),
    ),
    # news and released figures
    Row(
        "news list",
        lambda w, u: _u("news-list", w.campaign.code),
        SEC,
        url_names=(NS + "news-list",),
    ),
    Row(
        "news create",
        lambda w, u: _u("news-create", w.campaign.code),
        SEC,
        url_names=(NS + "news-create",),
    ),
    Row(
        "news edit",
        lambda w, u: _u("news-edit", make_news(w).pk),
        SEC,
        url_names=(NS + "news-edit",),
    ),
    Row(
        "news publish POST",
        lambda w, u: _u("news-publish", make_news(w).pk),
        {"secretariat": 302},
        method="post",
        data=lambda w, u: {"seen": _seen(NewsItem)},
        snapshot=lambda w, u: list(NewsItem.objects.values_list("published_at", flat=True)),
        url_names=(NS + "news-publish",),
    ),
    Row(
        "figure releases",
        lambda w, u: _u("release-list", w.campaign.code),
        {"chairman": 200},
        url_names=(NS + "release-list",),
    ),
    # unit-page panels
    Row(
        "sponsorship panel of commune A",
        lambda w, u: _u("unit-sponsorship-panel", w.commune_a.pk),
        {**everyone(200), "officer_b": 404},
        url_names=(NS + "unit-sponsorship-panel",),
    ),
    Row(
        "oversight panel of commune A",
        lambda w, u: _u("unit-oversight-panel", w.commune_a.pk),
        SEES_FEEDBACK,
        url_names=(NS + "unit-oversight-panel",),
    ),
    # the public page: no sign-in
    Row(
        "public campaign page",
        lambda w, u: reverse("public-campaign", args=[w.campaign.code]),
        {**dict.fromkeys(ALL_SIGNED_IN, 200), "anonymous": 200},
        url_names=("public-campaign",),
    ),
    Row(
        "public page of an unknown campaign",
        lambda w, u: reverse("public-campaign", args=["khong-co"]),
        {**dict.fromkeys(ALL_SIGNED_IN, 404), "anonymous": 404},
    ),
]
assert LOGIN  # imported for readers: anonymous gets LOGIN on every other row by default
