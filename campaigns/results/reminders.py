"""Deadline reminders: as the yearly report deadline approaches (by default 14, 7 and 1 days
before), e-mail the officers of every unit that has not submitted. Idempotent: a ReminderSent
row per (campaign, unit, year, stage) is claimed before the mail goes out."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from .. import deadlines
from ..models import (
    AssessmentStatus,
    Campaign,
    CampaignStatus,
    ExtensionRequest,
    ExtensionStatus,
    Milestone,
    MilestoneKind,
    ReminderSent,
)
from .selectors import Stage, completeness

DEFAULT_STAGES = (14, 7, 1)


def _stage_for(days_left: int, stages: tuple[int, ...]) -> int | None:
    """The tightest stage already reached: 10 days left with stages (14, 7, 1) → 14."""
    reached = [s for s in stages if days_left <= s]
    return min(reached) if reached else None


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Send the reminders due today; returns how many e-mails went out.

    Each unit is reminded against its own deadline (campaigns/deadlines.py: the milestone or
    its granted extension), so the years looked at are those whose milestone, or some unit's
    granted extension, falls within the largest stage from today."""
    today = today or deadlines.today()
    stages = tuple(getattr(settings, "REMINDER_DAYS_BEFORE", DEFAULT_STAGES))
    horizon = today + datetime.timedelta(days=max(stages))
    pairs = set(
        Milestone.objects.filter(
            kind=MilestoneKind.YEARLY_REPORT,
            campaign__status=CampaignStatus.ACTIVE,
            due_date__gte=today,
            due_date__lte=horizon,
            year__isnull=False,
        ).values_list("campaign_id", "year")
    ) | set(
        ExtensionRequest.objects.filter(
            status=ExtensionStatus.GRANTED,
            campaign__status=CampaignStatus.ACTIVE,
            until__gte=today,
            until__lte=horizon,
        ).values_list("campaign_id", "year")
    )
    campaigns = Campaign.objects.in_bulk({campaign_id for campaign_id, _ in pairs})
    sent = 0
    for campaign_id, year in sorted(pairs):
        sent += _remind(campaigns[campaign_id], year, stages, today)
    return sent


def _remind(campaign: Campaign, year: int, stages: tuple[int, ...], today: datetime.date) -> int:
    data = completeness(campaign, year, today=today)
    pending = []
    for r in data.rows:
        if r.stage in (Stage.SUBMITTED, Stage.APPROVED) or r.deadline is None:
            continue
        days_left = (r.deadline - today).days
        stage = _stage_for(days_left, stages) if days_left >= 0 else None
        if stage is not None:
            pending.append((r, stage))
    already = set(
        ReminderSent.objects.filter(campaign=campaign, year=year).values_list("unit_id", "stage")
    )
    count = 0
    link = settings.SITE_URL.rstrip("/") + reverse(
        "campaigns:campaign-detail", args=[campaign.code]
    )
    for row, stage in pending:
        due = row.deadline
        if (row.unit.pk, stage) in already:
            continue
        emails = sorted(u.email for u in row.unit.officers.filter(is_active=True) if u.email)
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    campaign=campaign,
                    unit=row.unit,
                    year=year,
                    stage=stage,
                    due_date=due,
                    recipients=", ".join(emails),
                )
                if emails:
                    status = (
                        "đang soạn"
                        if row.stage == AssessmentStatus.DRAFT
                        else "được trả lại để bổ sung"
                        if row.stage == AssessmentStatus.RETURNED
                        else "chưa lập"
                    )
                    send_mail(
                        subject=f"[Thi đua] Còn {stage} ngày: hạn báo cáo kết quả năm {year}",
                        message=(
                            f"Kính gửi cán bộ phụ trách {row.unit.name},\n\n"
                            f"Hạn nộp báo cáo kết quả Phong trào thi đua năm {year} là ngày "
                            f"{due:%d/%m/%Y} (còn {(due - today).days} ngày). Báo cáo của đơn vị "
                            f"hiện {status}.\n\n"
                            f"Đề nghị đơn vị hoàn thành và nộp báo cáo đúng hạn trên cổng thông "
                            f"tin thi đua: {link}\n\n"
                            f"Cơ quan thường trực Hội đồng Thi đua – Khen thưởng"
                        ),
                        from_email=None,
                        recipient_list=emails,
                    )
                    count += 1
        except IntegrityError:
            continue  # another run claimed this unit and stage first
    return count
