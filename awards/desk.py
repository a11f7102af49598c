"""What waits on each person's desk in awards (portal.desk).

Officer: nominations returned for completion, with the reason. Secretariat: nominations to check,
public comments received. Council member: open votes not yet cast, sessions coming. Chairman and
secretariat: sessions still open (to close). Chairman: draft decisions to sign.

Every count is read with the rest of the desk in one query (`_counts`, portal.desk.counted); the
rows an item shows are read only when something waits.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse

from campaigns.context import campaign_url, current_campaign
from portal.access import has_capability, scope
from portal.desk import DeskItem, DeskSource, counted, register_desk

from . import selectors as sel
from .council.selectors import recusals
from .models import (
    AgendaItem,
    AwardDecision,
    BallotReceipt,
    ConsultationComment,
    CouncilSession,
    DecisionStatus,
    Nomination,
    NominationEvent,
    NominationStatus,
    SessionStatus,
)

AWARDS = "Khen thưởng"
RECENT_DAYS = 14
UPCOMING_DAYS = 30


def _returned(user):
    """The officer's drafts whose last move was a return from "submitted"."""
    last_event = NominationEvent.objects.filter(nomination=OuterRef("pk")).order_by("-at", "-pk")
    return (
        scope(user, Nomination.objects.filter(status=NominationStatus.DRAFT), "proposer_unit")
        .annotate(
            last_from=Subquery(last_event.values("from_status")[:1]),
            last_note=Subquery(last_event.values("note")[:1]),
        )
        .filter(last_from=NominationStatus.SUBMITTED)
    )


def _to_check_qs():
    return Nomination.objects.filter(status=NominationStatus.SUBMITTED)


def _recent_comments():
    since = sel.today() - datetime.timedelta(days=RECENT_DAYS)
    return ConsultationComment.objects.filter(received_at__date__gte=since)


def _coming(user):
    today = sel.today()
    return CouncilSession.objects.filter(
        status=SessionStatus.DRAFT,
        seats__user=user,
        meeting_date__gte=today,
        meeting_date__lte=today + datetime.timedelta(days=UPCOMING_DAYS),
    )


def _drafts():
    return AwardDecision.objects.filter(status=DecisionStatus.DRAFT)


def _counts(user) -> dict:
    """What the awards' sources count, for the capabilities the user holds."""
    counts = {}
    if has_capability(user, "nomination.propose"):
        counts["returned"] = _returned(user)
    if has_capability(user, "nomination.check"):
        counts.update(to_check=_to_check_qs(), comments=_recent_comments())
    if has_capability(user, "council.vote"):
        counts.update(
            my_open=CouncilSession.objects.filter(status=SessionStatus.OPEN, seats__user=user),
            coming=_coming(user),
        )
    if has_capability(user, "council.close"):
        counts["open"] = CouncilSession.objects.filter(status=SessionStatus.OPEN)
    if has_capability(user, "decision.sign"):
        counts["drafts"] = _drafts()
    return counts


def _returned_nominations(user) -> list[DeskItem]:
    if not counted(user, _counts)["returned"]:
        return []
    returned = _returned(user).select_related("unit", "person", "tier").order_by("-pk")
    items = []
    for nomination in returned[:4]:
        note = " ".join((nomination.last_note or "").split())
        items.append(
            DeskItem(
                f"Hồ sơ đề nghị khen thưởng bị trả lại: {nomination.recipient_name}",
                1,
                nomination.get_absolute_url(),
                AWARDS,
                f"Lý do: {note[:160]}" if note else "",
                urgent=True,
            )
        )
    return items


def _nominations_page() -> str:
    """The current campaign's nominations (the desk counts those of every campaign)."""
    campaign = current_campaign()
    return campaign_url("awards:nomination-list", campaign) if campaign else ""


def _to_check(user) -> list[DeskItem]:
    n = counted(user, _counts)["to_check"]
    if not n:
        return []
    return [
        DeskItem(
            "Hồ sơ đề nghị khen thưởng chờ thẩm định",
            n,
            _nominations_page() + "?status=submitted",
            AWARDS,
            unit="hồ sơ",
        )
    ]


def _comments(user) -> list[DeskItem]:
    n = counted(user, _counts)["comments"]
    if not n:
        return []
    first = _recent_comments().select_related("nomination").order_by("-received_at").first()
    return [
        DeskItem(
            f"Ý kiến góp ý của nhân dân trong {RECENT_DAYS} ngày qua",
            n,
            first.nomination.get_absolute_url() if first else _nominations_page(),
            AWARDS,
            "Xem xét trước khi trình Hội đồng" if n else "",
            unit="ý kiến",
        )
    ]


def _my_votes(user) -> list[DeskItem]:
    """Open sessions where this member still has items to vote on, and sessions coming."""
    counts = counted(user, _counts)
    items: list[DeskItem] = []
    open_sessions = []
    if counts["my_open"]:
        open_sessions = list(
            CouncilSession.objects.filter(status=SessionStatus.OPEN, seats__user=user).order_by(
                "meeting_date", "pk"
            )
        )
    if open_sessions:
        agenda = list(
            AgendaItem.objects.filter(session__in=open_sessions).select_related(
                "nomination__unit", "nomination__person", "nomination__proposer_unit"
            )
        )
        voted = set(
            BallotReceipt.objects.filter(item__in=agenda, member=user).values_list(
                "item_id", flat=True
            )
        )
        for session in open_sessions:
            mine = [i for i in agenda if i.session_id == session.pk]
            # Per session: whether a unit recuses depends on whose council it is.
            recused = recusals([user], [i.nomination for i in mine], session=session)
            waiting = [
                i
                for i in mine
                if i.pk not in voted and user.pk not in recused.get(i.nomination_id, set())
            ]
            if waiting:
                items.append(
                    DeskItem(
                        f"Chờ ông/bà biểu quyết: {session.title}",
                        len(waiting),
                        session.get_absolute_url(),
                        AWARDS,
                        f"Họp ngày {session.meeting_date:%d/%m/%Y}",
                        urgent=True,
                        unit="trường hợp",
                    )
                )
    if not counts["coming"]:
        return items
    coming = _coming(user).annotate(n=Count("items"))
    for session in coming.order_by("meeting_date", "pk")[:3]:
        items.append(
            DeskItem(
                f"Phiên họp sắp tới: {session.title}",
                1,
                session.get_absolute_url(),
                AWARDS,
                f"Ngày {session.meeting_date:%d/%m/%Y}; {session.n} trường hợp dự kiến trình",
            )
        )
    return items


def _sessions_to_close(user) -> list[DeskItem]:
    if not counted(user, _counts)["open"]:
        return []
    sessions = (
        CouncilSession.objects.filter(status=SessionStatus.OPEN)
        .annotate(
            seats_n=Count("seats", distinct=True),
            items_n=Count("items", distinct=True),
            receipts_n=Count("items__receipts", distinct=True),
        )
        .order_by("meeting_date", "pk")
    )
    out = []
    for session in sessions[:3]:
        expected = session.seats_n * session.items_n
        out.append(
            DeskItem(
                f"Phiên họp đang biểu quyết: {session.title}",
                1,
                reverse("awards:session-close", args=[session.pk]),
                AWARDS,
                f"Đã có {session.receipts_n}/{expected} lượt biểu quyết; "
                "kết thúc phiên họp khi các thành viên đã biểu quyết",
                urgent=session.meeting_date < sel.today(),
            )
        )
    return out


def _decisions_to_sign(user) -> list[DeskItem]:
    n = counted(user, _counts)["drafts"]
    if not n:
        return []
    first = _drafts().order_by("decision_date", "pk").first()
    if n == 1 and first is not None:
        url = first.get_absolute_url()
    else:  # the decisions of the first draft's campaign (else of the current campaign)
        campaign = first.campaign if first else current_campaign()
        url = campaign_url("awards:decision-list", campaign) if campaign else ""
    return [
        DeskItem(
            "Dự thảo quyết định khen thưởng chờ ký",
            n,
            url,
            AWARDS,
            f"Ngày dự kiến ký sớm nhất {first.decision_date:%d/%m/%Y}" if first else "",
            urgent=bool(first and first.decision_date <= sel.today()),
            unit="quyết định",
        )
    ]


def register() -> None:
    register_desk(
        DeskSource("awards.returned", "nomination.propose", _returned_nominations, 40, _counts),
        DeskSource("awards.to_check", "nomination.check", _to_check, 41, _counts),
        DeskSource("awards.comments", "nomination.check", _comments, 42, _counts),
        DeskSource("awards.votes", "council.vote", _my_votes, 43, _counts),
        DeskSource("awards.sessions_open", "council.close", _sessions_to_close, 44, _counts),
        DeskSource("awards.decisions", "decision.sign", _decisions_to_sign, 46, _counts),
    )
