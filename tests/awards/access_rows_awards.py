"""Access rows for the awards app (every URL, every persona)."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.urls import reverse

from awards.models import (
    AgendaItem,
    AwardDecision,
    AwardTier,
    CouncilSession,
    Exemplar,
    ForwardingLetter,
    MemberRole,
    Nomination,
    NominationDocument,
    SessionMember,
)
from awards.tiers import load_tiers
from portal.concurrency import seen_token
from tests.access_matrix import Row, everyone

D = datetime.date
COUNCIL = {"secretariat": 200, "council_member": 200, "chairman": 200}
DECISION_VIEW = {**COUNCIL, "observer": 200}
NOMINATION_VIEW = {**everyone(200), "economic_office": 403}
SECRETARIAT_ONLY_POST = {"secretariat": 302}


def _tier(code="giay-khen-chu-tich-thi-xa"):
    if not AwardTier.objects.exists():
        load_tiers()
    return AwardTier.objects.get(code=code)


def nomination(w, u, **extra):
    n = Nomination.objects.filter(unit=w.commune_a).first()
    if n is None:
        n = Nomination.objects.create(
            campaign=w.campaign,
            tier=_tier(),
            unit=w.commune_a,
            proposer_unit=w.commune_a,
            period_kind="year",
            period_year=2024,
            reference_date=D(2024, 12, 31),
            achievements="Thành tích.",
            created_by=u["secretariat"],
            **extra,
        )
    return n


def document(w, u):
    n = nomination(w, u)
    doc = n.documents.first()
    if doc is None:
        doc = NominationDocument(
            nomination=n,
            kind="submission_letter",
            original_name="to-trinh.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=u["secretariat"],
        )
        doc.file.save("x.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        doc.save()
    return doc


def session(w, u):
    s = CouncilSession.objects.first()
    if s is None:
        s = CouncilSession.objects.create(
            campaign=w.campaign,
            title="Phiên thử",
            meeting_date=D(2025, 12, 1),
            created_by=u["secretariat"],
        )
        SessionMember.objects.create(session=s, user=u["chairman"], role=MemberRole.CHAIR)
        SessionMember.objects.create(session=s, user=u["council_member"], role=MemberRole.MEMBER)
    return s


def item(w, u):
    s = session(w, u)
    return AgendaItem.objects.get_or_create(session=s, nomination=nomination(w, u))[0]


def decision(w, u):
    return AwardDecision.objects.get_or_create(
        number="1/QĐ-UBND",
        defaults={
            "campaign": w.campaign,
            "decision_date": D(2025, 12, 20),
            "title": "Khen thưởng",
            "created_by": u["secretariat"],
        },
    )[0]


def letter(w, u):
    return ForwardingLetter.objects.get_or_create(
        number="1/TTr-UBND",
        defaults={
            "campaign": w.campaign,
            "sent_date": D(2025, 12, 22),
            "recipient": "UBND tỉnh",
            "created_by": u["secretariat"],
        },
    )[0]


def exemplar(w, u):
    return Exemplar.objects.get_or_create(
        title="Mô hình thử",
        defaults={
            "kind": "model",
            "year": 2024,
            "summary": "s",
            "unit": w.commune_a,
            "campaign": w.campaign,
            "is_published": True,
        },
    )[0]


def status_of(w, u):
    return Nomination.objects.get(unit=w.commune_a).status


def _post_nomination(persona_map):
    return {**persona_map}


ROWS = [
    Row(
        "tier list",
        lambda w, u: reverse("awards:tier-list"),
        everyone(200),
        url_names=("awards:tier-list",),
    ),
    Row(
        "nomination list",
        lambda w, u: reverse("awards:nomination-list", args=[w.campaign.code]),
        NOMINATION_VIEW,
        url_names=("awards:nomination-list",),
    ),
    Row(
        "nomination export",
        lambda w, u: reverse("awards:nomination-export", args=[w.campaign.code]),
        NOMINATION_VIEW,
        url_names=("awards:nomination-export",),
    ),
    Row(
        "nomination create",
        lambda w, u: reverse("awards:nomination-create", args=[w.campaign.code]),
        {"officer_a": 200, "officer_b": 200, "secretariat": 200},
        url_names=("awards:nomination-create",),
    ),
    Row(
        "nomination create POST for commune A (officer B: outside scope)",
        lambda w, u: _tier() and reverse("awards:nomination-create", args=[w.campaign.code]),
        {"officer_a": 302, "secretariat": 302, "officer_b": 404},
        method="post",
        other_method=False,  # officer B may open the (empty) create page for their own unit
        data=lambda w, u: {
            "campaign": w.campaign.pk,
            "tier": _tier().pk,
            "unit": w.commune_a.pk,
            "proposer_unit": w.commune_a.pk,
            "period_kind": "year",
            "period_year": 2024,
            "achievements": "Thành tích nổi bật.",
        },
        snapshot=lambda w, u: Nomination.objects.count(),
    ),
    Row(
        "nomination detail",
        lambda w, u: reverse("awards:nomination-detail", args=[nomination(w, u).pk]),
        {**NOMINATION_VIEW, "officer_b": 404},
        url_names=("awards:nomination-detail",),
    ),
    Row(
        "nomination document add",
        lambda w, u: reverse("awards:nomination-document-add", args=[nomination(w, u).pk]),
        {"officer_a": 302, "secretariat": 302, "officer_b": 404},
        method="post",
        snapshot=lambda w, u: NominationDocument.objects.count(),
        url_names=("awards:nomination-document-add",),
    ),
    Row(
        "nomination document download",
        lambda w, u: reverse(
            "awards:nomination-document-download", args=[nomination(w, u).pk, document(w, u).pk]
        ),
        {**NOMINATION_VIEW, "officer_b": 404},
        url_names=("awards:nomination-document-download",),
    ),
    Row(
        "nomination submit",
        lambda w, u: reverse("awards:nomination-submit", args=[nomination(w, u).pk]),
        {"officer_a": 302, "secretariat": 302, "officer_b": 404},
        method="post",
        snapshot=status_of,
        url_names=("awards:nomination-submit",),
    ),
    Row(
        "nomination return",
        lambda w, u: reverse("awards:nomination-return", args=[nomination(w, u).pk]),
        {"secretariat": 302, "officer_b": 404},
        method="post",
        data=lambda w, u: {"note": "Bổ sung", "seen": seen_token(nomination(w, u))},
        snapshot=status_of,
        url_names=("awards:nomination-return",),
    ),
    Row(
        "nomination check",
        lambda w, u: reverse("awards:nomination-check", args=[nomination(w, u).pk]),
        {"secretariat": 302, "officer_b": 404},
        method="post",
        data=lambda w, u: {"override_reason": "Lý do", "seen": seen_token(nomination(w, u))},
        snapshot=status_of,
        url_names=("awards:nomination-check",),
    ),
    Row(
        "nomination consultation",
        lambda w, u: reverse("awards:nomination-consultation", args=[nomination(w, u).pk]),
        {"secretariat": 302, "officer_b": 404},
        method="post",
        snapshot=status_of,
        url_names=("awards:nomination-consultation",),
    ),
    Row(
        "nomination reject",
        lambda w, u: reverse("awards:nomination-reject", args=[nomination(w, u).pk]),
        {"chairman": 302, "officer_b": 404},
        method="post",
        data=lambda w, u: {"note": "Không", "seen": seen_token(nomination(w, u))},
        snapshot=status_of,
        url_names=("awards:nomination-reject",),
    ),
    Row(
        "session list",
        lambda w, u: reverse("awards:session-list", args=[w.campaign.code]),
        COUNCIL,
        url_names=("awards:session-list",),
    ),
    Row(
        "session create",
        lambda w, u: reverse("awards:session-create", args=[w.campaign.code]),
        {"secretariat": 200},
        url_names=("awards:session-create",),
    ),
    Row(
        "session detail",
        lambda w, u: reverse("awards:session-detail", args=[session(w, u).pk]),
        COUNCIL,
        default=404,
        url_names=("awards:session-detail",),
    ),
    *[
        Row(
            f"session {name}",
            (lambda n: lambda w, u: reverse(f"awards:session-{n}", args=[session(w, u).pk]))(name),
            {"secretariat": 302, "council_member": 403, "chairman": 403},
            default=404,
            method="post",
            data=lambda w, u: {
                "user": u["council_member"].pk,
                "attendance": "present",
                "start_time": "14:00",
                "seen": seen_token(session(w, u)),
            },
            snapshot=lambda w, u: (
                CouncilSession.objects.get().status,
                CouncilSession.objects.get().items.count(),
                list(SessionMember.objects.values_list("attendance", "role")),
                CouncilSession.objects.values_list("started_at", "ended_at").get(),
            ),
            url_names=(f"awards:session-{name}",),
        )
        for name in ("add-item", "attendance", "secretary", "times", "open", "remind")
    ],
    # Closing: the secretariat and the chairman (`council.close`; a member seated as chair too).
    # The page before closing redirects to the session while it is not open (the row's session
    # is in preparation); the POST is refused there with a message, changing nothing.
    Row(
        "session close page",
        lambda w, u: reverse("awards:session-close", args=[session(w, u).pk]),
        {"secretariat": 302, "chairman": 302, "council_member": 403},
        default=404,
        url_names=("awards:session-close",),
        other_method=False,  # the same URL takes the confirmed POST
    ),
    Row(
        "session close",
        lambda w, u: reverse("awards:session-close", args=[session(w, u).pk]),
        {"secretariat": 302, "chairman": 302, "council_member": 403},
        default=404,
        method="post",
        data={"confirm": "1"},
        snapshot=lambda w, u: (
            CouncilSession.objects.get().status,
            list(SessionMember.objects.values_list("attendance", "role")),
        ),
        url_names=("awards:session-close",),
    ),
    Row(
        "vote cast",
        lambda w, u: reverse("awards:vote-cast", args=[item(w, u).pk]),
        {"council_member": 302, "chairman": 302, "secretariat": 403},
        default=404,
        method="post",
        data={"choice": "agree"},
        url_names=("awards:vote-cast",),
    ),
    Row(
        "decision list",
        lambda w, u: reverse("awards:decision-list", args=[w.campaign.code]),
        DECISION_VIEW,
        url_names=("awards:decision-list",),
    ),
    Row(
        "decision create",
        lambda w, u: reverse("awards:decision-create", args=[w.campaign.code]),
        {"secretariat": 200},
        url_names=("awards:decision-create",),
    ),
    Row(
        "decision detail",
        lambda w, u: reverse("awards:decision-detail", args=[decision(w, u).pk]),
        DECISION_VIEW,
        url_names=("awards:decision-detail",),
    ),
    Row(
        "letter create",
        lambda w, u: reverse("awards:letter-create", args=[w.campaign.code]),
        {"secretariat": 200},
        url_names=("awards:letter-create",),
    ),
    Row(
        "letter detail",
        lambda w, u: reverse("awards:letter-detail", args=[letter(w, u).pk]),
        DECISION_VIEW,
        url_names=("awards:letter-detail",),
    ),
    Row(
        "letter answer",
        lambda w, u: reverse("awards:letter-answer", args=[letter(w, u).pk, 999999]),
        {"secretariat": 404},
        method="post",
        url_names=("awards:letter-answer",),
    ),
    Row(
        "award list",
        lambda w, u: reverse("awards:award-list"),
        everyone(200),
        url_names=("awards:award-list",),
    ),
    Row(
        "award export",
        lambda w, u: reverse("awards:award-export"),
        {"secretariat": 200, "chairman": 200, "observer": 200},
        url_names=("awards:award-export",),
    ),
    Row(
        "statistics",
        lambda w, u: reverse("awards:statistics"),
        everyone(200),
        url_names=("awards:statistics",),
    ),
    Row(
        "statistics export",
        lambda w, u: reverse("awards:statistics-export"),
        {"secretariat": 200, "chairman": 200, "observer": 200},
        url_names=("awards:statistics-export",),
    ),
    Row(
        "unit awards panel",
        lambda w, u: reverse("awards:unit-awards-panel", args=[w.commune_a.pk]),
        {**everyone(200), "officer_b": 404},
        url_names=("awards:unit-awards-panel",),
    ),
    Row(
        "person awards panel",
        lambda w, u: reverse("awards:person-awards-panel", args=[w.person_a.pk]),
        {**everyone(200), "officer_b": 404},
        url_names=("awards:person-awards-panel",),
    ),
    Row(
        "exemplar list",
        lambda w, u: reverse("awards:exemplar-list"),
        everyone(200),
        url_names=("awards:exemplar-list",),
    ),
    Row(
        "exemplar create",
        lambda w, u: reverse("awards:exemplar-create"),
        {"secretariat": 200},
        url_names=("awards:exemplar-create",),
    ),
    Row(
        "exemplar edit",
        lambda w, u: reverse("awards:exemplar-edit", args=[exemplar(w, u).pk]),
        {"secretariat": 200},
        url_names=("awards:exemplar-edit",),
    ),
    Row(
        "public consultation",
        lambda w, u: reverse("awards_public:consultation", args=[w.campaign.code]),
        {**everyone(200), "anonymous": 200},
        url_names=("awards_public:consultation",),
    ),
    Row(
        "public comment on a case not under consultation",
        lambda w, u: reverse("awards_public:comment", args=[w.campaign.code, nomination(w, u).pk]),
        {**everyone(404), "anonymous": 404},
        method="post",
        data={"author_name": "A", "content": "B"},
        url_names=("awards_public:comment",),
    ),
    Row(
        "public comment on an open case",
        lambda w, u: reverse(
            "awards_public:comment",
            args=[
                w.campaign.code,
                nomination(w, u, status="checked", consultation_until=D(2100, 1, 1)).pk,
            ],
        ),
        {**everyone(302), "anonymous": 302},
        method="post",
        data={"author_name": "Nguyễn Văn A", "content": "Đồng ý"},
    ),
    Row(
        "public exemplars",
        lambda w, u: reverse("awards_public:exemplars", args=[w.campaign.code]),
        {**everyone(200), "anonymous": 200},
        url_names=("awards_public:exemplars",),
    ),
]
