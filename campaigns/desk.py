"""What waits on each person's desk in the yearly cycle, results and oversight (portal.desk).

Officer: the self-assessment due for each of their units (with the deadline in force, extensions
included), files returned with the reason, extension requests answered, recommendations of an
inspection to answer. Reviewer: assessments waiting, the risky ones counted apart; NTM records
to confirm. Secretariat: extension requests, and after (or near) the deadline the units that are
late, broken down as the office chases them.

Every count is read with the rest of the desk in one query (`_counts`, portal.desk.counted); the
rows an item shows (a reason, a deadline) are read only when something waits.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse

from portal.access import has_capability, scope
from portal.desk import DeskItem, DeskSource, counted, register_desk
from units.models import Unit

from . import deadlines
from .context import campaign_url, current_campaign, default_year
from .cycle import selectors as cycle_sel
from .deadlines import deadlines_for
from .models import (
    Assessment,
    AssessmentStatus,
    CampaignStatus,
    CriteriaSet,
    ExtensionRequest,
    ExtensionStatus,
    NtmStatus,
)
from .oversight.models import Recommendation, RecommendationStatus
from .results.selectors import TARGET_GROUP_KINDS, late_breakdown

CYCLE = "Thi đua hằng năm"
RESULTS = "Kết quả, xếp hạng"
OVERSIGHT = "Kiểm tra, giám sát"
#: A deadline this close is urgent; an answer this recent is still news.
SOON_DAYS = 7
RECENT_DAYS = 30
#: An officer with more units than this sees one line for all of them, not one per unit.
PER_UNIT_LINES = 3


def _days_left(due: datetime.date, today: datetime.date) -> str:
    days = (due - today).days
    if days > 0:
        return f"hạn nộp {due:%d/%m/%Y}, còn {days} ngày"
    if days == 0:
        return f"hạn nộp hôm nay, {due:%d/%m/%Y}"
    return f"đã quá hạn {-days} ngày (hạn {due:%d/%m/%Y})"


def _campaign_page(name: str, campaign=None) -> str:
    """A campaign's page (`name`): of `campaign`, else of the current campaign."""
    campaign = campaign or current_campaign()
    return campaign_url(name, campaign) if campaign else reverse("campaigns:campaign-list")


def _active_campaign():
    campaign = current_campaign()
    if campaign is None or campaign.status != CampaignStatus.ACTIVE:
        return None
    return campaign


def _expected_kinds(campaign) -> Q:
    """The units whose kind one of the campaign's criteria sets is for (in the units' query)."""
    expected = Q(pk__in=[])
    for group, kinds in TARGET_GROUP_KINDS.items():
        expected |= Q(
            Exists(CriteriaSet.objects.filter(campaign=campaign, target_group=group)),
            kind__in=kinds,
        )
    return expected


def _own_assessment_items(user) -> list[DeskItem]:
    """The self-assessment of this year for each unit the officer answers for, until submitted.
    One query: the units, each with its assessment's status and its deadline."""
    campaign = _active_campaign()
    if campaign is None:
        return []
    today = deadlines.today()
    year = default_year(campaign, today)
    units = scope(user, Unit.objects.filter(_expected_kinds(campaign)), "pk").filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )
    state = Assessment.objects.filter(campaign=campaign, year=year, unit=OuterRef("pk"))
    waiting = list(
        deadlines.with_deadlines(units, campaign, year)
        .annotate(state=Subquery(state.values("status")[:1]))
        .filter(Q(state__isnull=True) | Q(state=AssessmentStatus.DRAFT))
        .order_by("name")
    )
    if not waiting:
        return []
    url = _campaign_page("campaigns:assessment-list", campaign)
    if len(waiting) > PER_UNIT_LINES:
        dues = [d.effective for d in map(deadlines.deadline_of, waiting) if d.effective]
        first = min(dues) if dues else None
        return [
            DeskItem(
                f"Báo cáo tự đánh giá năm {year} chưa nộp",
                len(waiting),
                url,
                CYCLE,
                _days_left(first, today) if first else "chưa có hạn nộp",
                urgent=bool(first and (first - today).days <= SOON_DAYS),
                unit="đơn vị",
            )
        ]
    items = []
    for unit in waiting:
        deadline = deadlines.deadline_of(unit)
        due = deadline.effective
        stage = "Đang soạn" if unit.state == AssessmentStatus.DRAFT else "Chưa lập"
        when = _days_left(due, today) if due else "chưa có hạn nộp"
        if due and deadline.extension_until and deadline.extension_until > (deadline.due or due):
            when += f" (được gia hạn, hạn chung {deadline.due:%d/%m/%Y})"
        items.append(
            DeskItem(
                f"Báo cáo tự đánh giá năm {year} – {unit.name}",
                1,
                url,
                CYCLE,
                f"{stage}; {when}",
                urgent=bool(due and (due - today).days <= SOON_DAYS),
            )
        )
    return items


def _returned(user):
    return scope(user, Assessment.objects.filter(status=AssessmentStatus.RETURNED), "unit")


def _answered(user):
    since = deadlines.today() - datetime.timedelta(days=RECENT_DAYS)
    return scope(user, ExtensionRequest.objects.all(), "unit").filter(
        status__in=[ExtensionStatus.GRANTED, ExtensionStatus.REFUSED],
        decided_at__date__gte=since,
    )


def _open_recommendations(user):
    return scope(
        user, Recommendation.objects.filter(status=RecommendationStatus.OPEN), "finding__unit"
    )


def _pending_extensions():
    return ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING)


def _counts(user) -> dict:
    """What the campaigns' sources count, for the capabilities the user holds."""
    counts = {}
    if has_capability(user, "assessment.edit"):
        counts.update(returned=_returned(user), answered=_answered(user))
    if has_capability(user, "inspection.answer"):
        counts["recommendations"] = _open_recommendations(user)
    if has_capability(user, "ntm.confirm"):
        counts["ntm"] = scope(user, NtmStatus.objects.filter(confirmed_at__isnull=True), "unit")
    if has_capability(user, "extension.grant"):
        counts["extensions"] = _pending_extensions()
    return counts


def _returned_items(user) -> list[DeskItem]:
    if not counted(user, _counts)["returned"]:
        return []
    returned = _returned(user).select_related("unit").order_by("-year", "unit__name")
    items = []
    for a in returned[: PER_UNIT_LINES + 1]:
        reason = " ".join(a.return_reason.split())
        items.append(
            DeskItem(
                f"Bị trả lại để bổ sung: {a.unit.name} năm {a.year}",
                1,
                a.get_absolute_url(),
                CYCLE,
                f"Lý do: {reason[:160]}{'…' if len(reason) > 160 else ''}" if reason else "",
                urgent=True,
            )
        )
    return items


def _answered_extensions(user) -> list[DeskItem]:
    if not counted(user, _counts)["answered"]:
        return []
    answered = _answered(user).select_related("unit", "campaign").order_by("-decided_at")
    items = []
    for ext in answered[:PER_UNIT_LINES]:
        url = _campaign_page("campaigns:extension-list", ext.campaign)
        if ext.status == ExtensionStatus.GRANTED and ext.until:
            detail = f"Được gia hạn đến {ext.until:%d/%m/%Y}"
        else:
            detail = "Không được gia hạn"
        if ext.decision_note:
            detail += f": {ext.decision_note[:120]}"
        items.append(
            DeskItem(
                f"Yêu cầu gia hạn năm {ext.year} của {ext.unit.name} đã được trả lời",
                1,
                url,
                CYCLE,
                f"{detail} (ngày {ext.decided_at:%d/%m/%Y})",
            )
        )
    return items


def _recommendations(user) -> list[DeskItem]:
    n = counted(user, _counts)["recommendations"]
    if not n:
        return []
    first_due = (
        _open_recommendations(user).filter(due_date__isnull=False).order_by("due_date").first()
    )
    today = deadlines.today()
    detail = ""
    urgent = False
    if first_due:
        detail = f"Hạn khắc phục sớm nhất {first_due.due_date:%d/%m/%Y}"
        urgent = first_due.due_date <= today + datetime.timedelta(days=SOON_DAYS)
    return [
        DeskItem(
            "Kiến nghị sau kiểm tra chờ đơn vị trả lời",
            n,
            _campaign_page("campaigns:oversight:inspection-list"),
            OVERSIGHT,
            detail,
            urgent=urgent,
            unit="kiến nghị",
        )
    ]


def _officer(user) -> list[DeskItem]:
    return [*_returned_items(user), *_own_assessment_items(user), *_answered_extensions(user)]


def _review_queue(user) -> list[DeskItem]:
    campaign = current_campaign()
    if campaign is None:
        return []
    waiting, risky = cycle_sel.review_queue_summary(user, campaign=campaign)
    if not waiting:
        return []
    detail = (
        f"{risky} hồ sơ có dấu hiệu cần xem kỹ (điểm tăng mạnh, thiếu minh chứng, nộp muộn)"
        if risky
        else "Không hồ sơ nào có dấu hiệu rủi ro"
    )
    return [
        DeskItem(
            "Hồ sơ tự đánh giá chờ thẩm định",
            waiting,
            _campaign_page("campaigns:review-queue", campaign),
            CYCLE,
            detail,
            urgent=bool(risky),
            unit="hồ sơ",
        )
    ]


def _ntm_to_confirm(user) -> list[DeskItem]:
    n = counted(user, _counts)["ntm"]
    if not n:
        return []
    return [
        DeskItem(
            "Số liệu nông thôn mới chờ xác nhận",
            n,
            _campaign_page("campaigns:ntm-list"),
            RESULTS,
            "Số liệu chưa xác nhận được ghi chú khi công bố xếp hạng",
            unit="bản ghi",
        )
    ]


def _extension_requests(user) -> list[DeskItem]:
    n = counted(user, _counts)["extensions"]
    if not n:
        return []
    oldest = _pending_extensions().order_by("requested_at").first()
    return [
        DeskItem(
            "Yêu cầu gia hạn chờ xem xét",
            n,
            _campaign_page("campaigns:extension-list"),
            CYCLE,
            f"Gửi sớm nhất ngày {oldest.requested_at:%d/%m/%Y}" if oldest else "",
            urgent=n > 0,
            unit="yêu cầu",
        )
    ]


def _late_units(user) -> list[DeskItem]:
    """After the yearly deadline (or within a week of it): who has not submitted, as the office
    chases them — not started, started, submitted late, inside an extension."""
    campaign = _active_campaign()
    if campaign is None:
        return []
    today = deadlines.today()
    year = default_year(campaign, today)
    due = deadlines_for(campaign, [], year).due.get(year)
    if due is None or today < due - datetime.timedelta(days=SOON_DAYS):
        return []
    counts = late_breakdown(campaign, year, today=today)
    not_started, started = counts["not_started"], counts["started"]
    extended, late_submitted = counts["extended"], counts["late_submitted"]
    parts = [
        f"chưa lập: {not_started}",
        f"đang soạn hoặc bị trả lại: {started}",
        f"đang trong thời gian gia hạn: {extended}",
        f"đã nộp muộn: {late_submitted}",
    ]
    waiting = not_started + started + extended
    past = today > due
    label = (
        f"Đơn vị chưa nộp báo cáo năm {year} (hạn {due:%d/%m/%Y} đã qua)"
        if past
        else f"Đơn vị chưa nộp báo cáo năm {year} (hạn {due:%d/%m/%Y})"
    )
    return [
        DeskItem(
            label,
            waiting,
            reverse("campaigns:completeness", args=[campaign.code]),
            RESULTS,
            "; ".join(parts),
            urgent=past and waiting > 0,
            unit="đơn vị",
        )
    ]


def register() -> None:
    register_desk(
        DeskSource("cycle.officer", "assessment.edit", _officer, 10, _counts),
        DeskSource("oversight.recommendations", "inspection.answer", _recommendations, 15, _counts),
        DeskSource("cycle.review", "assessment.review", _review_queue, 20),
        DeskSource("results.ntm_confirm", "ntm.confirm", _ntm_to_confirm, 25, _counts),
        DeskSource("cycle.extensions", "extension.grant", _extension_requests, 30, _counts),
        DeskSource("cycle.late_units", "extension.grant", _late_units, 31),
    )
