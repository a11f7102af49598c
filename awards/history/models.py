"""A recipient's record: yearly ratings, pending cases (discipline, investigation, complaint) and
the awards granted (by the portal's decisions, the upper level, or imported)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..models import AwardCategory, AwardTier, Rating, RecipientMixin, one_recipient

__all__ = [
    "Award",
    "AwardSource",
    "CaseKind",
    "PendingCase",
    "YearlyRating",
]


class YearlyRating(RecipientMixin):
    """A year's rating of a person or collective (feeds the eligibility check)."""

    year = models.PositiveSmallIntegerField("Năm")
    rating = models.CharField("Xếp loại", max_length=20, choices=Rating.choices)
    note = models.CharField("Ghi chú", max_length=300, blank=True)
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "xếp loại hằng năm"
        verbose_name_plural = "xếp loại hằng năm"
        ordering = ["-year"]
        constraints = [
            one_recipient("yearlyrating_one_recipient"),
            models.UniqueConstraint(
                fields=["unit", "year"], condition=Q(unit__isnull=False), name="rating_unit_year"
            ),
            models.UniqueConstraint(
                fields=["person", "year"],
                condition=Q(person__isnull=False),
                name="rating_person_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_name} – {self.year}: {self.get_rating_display()}"


class CaseKind(models.TextChoices):
    DISCIPLINE = "discipline", "Đang xem xét kỷ luật"
    INVESTIGATION = "investigation", "Đang điều tra, thanh tra, kiểm tra"
    COMPLAINT = "complaint", "Đang giải quyết khiếu nại, tố cáo"


class PendingCase(RecipientMixin):
    """Decree 98/2023 Art. 4: no award while a discipline case or complaint is pending."""

    kind = models.CharField("Loại", max_length=16, choices=CaseKind.choices)
    opened_on = models.DateField("Từ ngày")
    closed_on = models.DateField("Kết thúc ngày", null=True, blank=True)
    note = models.CharField("Ghi chú", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "vụ việc đang xem xét"
        verbose_name_plural = "vụ việc đang xem xét"
        constraints = [one_recipient("pendingcase_one_recipient")]

    def __str__(self) -> str:
        return f"{self.recipient_name} – {self.get_kind_display()}"


class AwardSource(models.TextChoices):
    DECISION = "decision", "Quyết định tại thị xã"
    UPPER = "upper", "Quyết định của cấp trên (qua tờ trình)"
    IMPORT = "import", "Nhập từ tệp"
    MANUAL = "manual", "Nhập tay"


class Award(RecipientMixin):
    """One award or title someone received: the history the eligibility rules read."""

    tier = models.ForeignKey(AwardTier, on_delete=models.PROTECT, related_name="awards")
    category = models.CharField(
        "Loại hình", max_length=16, choices=AwardCategory.choices, default=AwardCategory.MERIT
    )
    year = models.PositiveSmallIntegerField("Năm thành tích")
    decision_number = models.CharField("Số quyết định", max_length=100)
    decision_date = models.DateField("Ngày quyết định")
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name="Phong trào",
    )
    decision = models.ForeignKey(
        "AwardDecision", null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    nomination = models.OneToOneField(
        "Nomination", null=True, blank=True, on_delete=models.PROTECT, related_name="award"
    )
    source = models.CharField("Nguồn", max_length=16, choices=AwardSource.choices)
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "khen thưởng đã nhận"
        verbose_name_plural = "lịch sử khen thưởng"
        ordering = ["-decision_date", "tier__order"]
        constraints = [
            one_recipient("award_one_recipient"),
            # One history per recipient: the same decision never grants the same tier twice.
            models.UniqueConstraint(
                fields=["tier", "unit", "decision_number"],
                condition=Q(unit__isnull=False),
                name="award_unique_unit_decision",
            ),
            models.UniqueConstraint(
                fields=["tier", "person", "decision_number"],
                condition=Q(person__isnull=False),
                name="award_unique_person_decision",
            ),
        ]
        indexes = [models.Index(fields=["unit"]), models.Index(fields=["person"])]

    def __str__(self) -> str:
        return f"{self.tier} – {self.recipient_name} ({self.decision_number})"
