"""Oversight and coordination of a campaign (plan sections V–VI): the council's inspection and
supervision visits with findings and recommendations, sponsorship pairs' yearly results,
difficulties and proposed adjustments sent to the secretariat, yearly budget needs, campaign
news, and the figures the chairman releases to the public page."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from campaigns.models import Campaign
from units.models import Sponsorship, Unit

__all__ = [
    "BudgetKind",
    "BudgetLine",
    "BudgetStatus",
    "Feedback",
    "FeedbackAttachment",
    "FeedbackKind",
    "FeedbackStatus",
    "FigureRelease",
    "Finding",
    "Inspection",
    "InspectionKind",
    "NewsItem",
    "Recommendation",
    "RecommendationStatus",
    "SponsorshipResult",
]

#: An amount above this (one thousand billion đồng) is a typing mistake, not a budget line.
MAX_VND = Decimal("1000000000000")
_YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]
_VND = [MinValueValidator(Decimal(0)), MaxValueValidator(MAX_VND)]


# --- Inspections ------------------------------------------------------------------------------


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", "Kiểm tra"
    SUPERVISION = "supervision", "Giám sát"


class Inspection(models.Model):
    """Đợt kiểm tra, giám sát: one visit of the council's yearly inspection/supervision team."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="inspections")
    year = models.PositiveSmallIntegerField("Năm", validators=_YEAR)
    kind = models.CharField("Hình thức", max_length=16, choices=InspectionKind.choices)
    title = models.CharField("Tên đợt", max_length=300)
    start_date = models.DateField("Từ ngày")
    end_date = models.DateField("Đến ngày")
    leader = models.CharField("Trưởng đoàn", max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="Thành viên đoàn (người dùng)",
        blank=True,
        related_name="inspections",
    )
    other_members = models.TextField(
        "Thành viên khác", blank=True, help_text="Người ngoài hệ thống: mỗi người một dòng."
    )
    units = models.ManyToManyField(
        Unit, verbose_name="Đơn vị được kiểm tra", related_name="inspections"
    )
    with_ntm_appraisal = models.BooleanField(
        "Kết hợp đoàn thẩm định NTM của Phòng Kinh tế", default=False
    )
    appraisal_reference = models.CharField(
        "Văn bản, đợt thẩm định NTM liên quan", max_length=300, blank=True
    )
    is_done = models.BooleanField("Đã thực hiện", default=False)
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[units])

    class Meta:
        verbose_name = "đợt kiểm tra, giám sát"
        verbose_name_plural = "đợt kiểm tra, giám sát"
        ordering = ["-year", "start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="inspection_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:oversight:inspection-detail", args=[self.pk])

    @property
    def other_member_lines(self) -> list[str]:
        return [line.strip() for line in self.other_members.splitlines() if line.strip()]


class Finding(models.Model):
    """Kết luận kiểm tra: what the team found at one unit."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inspection_findings")
    content = models.TextField("Nội dung kết luận")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kết luận kiểm tra"
        verbose_name_plural = "kết luận kiểm tra"
        ordering = ["inspection", "unit__name", "pk"]

    def __str__(self) -> str:
        return f"{self.inspection} – {self.unit}"

    @property
    def access_unit_id(self) -> int:
        return self.unit_id


class RecommendationStatus(models.TextChoices):
    OPEN = "open", "Chưa trả lời"
    ANSWERED = "answered", "Đơn vị đã trả lời"
    DONE = "done", "Đã khắc phục"
    NOT_DONE = "not_done", "Chưa khắc phục, tiếp tục theo dõi"


class Recommendation(models.Model):
    """Kiến nghị: one recommendation of a finding, answered by the unit and followed up."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="recommendations")
    content = models.TextField("Nội dung kiến nghị")
    due_date = models.DateField("Hạn khắc phục", null=True, blank=True)
    status = models.CharField(
        "Tình trạng",
        max_length=16,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.OPEN,
        db_index=True,
    )
    response = models.TextField("Trả lời của đơn vị", blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField("Trả lời lúc", null=True, blank=True)
    follow_up_note = models.TextField("Ghi chú theo dõi", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kiến nghị"
        verbose_name_plural = "kiến nghị"
        ordering = ["finding", "pk"]

    def __str__(self) -> str:
        return self.content[:80]

    @property
    def access_unit_id(self) -> int:
        return self.finding.unit_id

    @property
    def is_answered(self) -> bool:
        """The unit answered; the secretariat has not followed it up yet."""
        return self.status == RecommendationStatus.ANSWERED

    @property
    def is_done(self) -> bool:
        return self.status == RecommendationStatus.DONE

    @property
    def is_not_done(self) -> bool:
        """Followed up and not put right: still watched."""
        return self.status == RecommendationStatus.NOT_DONE


# --- Sponsorship results ----------------------------------------------------------------------


class SponsorshipResult(models.Model):
    """A sponsoring department's yearly commitment and result for its commune (what support,
    how much in đồng)."""

    sponsorship = models.ForeignKey(
        Sponsorship, on_delete=models.CASCADE, related_name="yearly_results"
    )
    year = models.PositiveSmallIntegerField("Năm", validators=_YEAR)
    commitment = models.TextField("Cam kết trong năm", blank=True)
    support = models.TextField("Nội dung đã hỗ trợ")
    amount_vnd = models.DecimalField(
        "Giá trị hỗ trợ (đồng)", max_digits=15, decimal_places=0, default=0, validators=_VND
    )
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "kết quả giúp đỡ theo địa chỉ"
        verbose_name_plural = "kết quả giúp đỡ theo địa chỉ"
        ordering = ["sponsorship", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["sponsorship", "year"], name="sponsorshipresult_unique_year"
            ),
            models.CheckConstraint(
                condition=Q(amount_vnd__gte=0), name="sponsorshipresult_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sponsorship} ({self.year})"

    @property
    def access_unit_id(self) -> int:
        # The sponsoring department reports its own support.
        return self.sponsorship.sponsor_id


# --- Difficulties and proposals ---------------------------------------------------------------


class FeedbackKind(models.TextChoices):
    DIFFICULTY = "difficulty", "Khó khăn"
    OBSTACLE = "obstacle", "Vướng mắc"
    ADJUSTMENT = "adjustment", "Đề xuất điều chỉnh"


class FeedbackStatus(models.TextChoices):
    NEW = "new", "Mới gửi"
    ASSIGNED = "assigned", "Đang xử lý"
    ANSWERED = "answered", "Đã trả lời"
    CLOSED = "closed", "Đã đóng"


class Feedback(models.Model):
    """Khó khăn, vướng mắc, đề xuất điều chỉnh sent by a unit to the secretariat."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="feedback")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="feedback")
    year = models.PositiveSmallIntegerField("Năm", validators=_YEAR)
    kind = models.CharField("Loại", max_length=16, choices=FeedbackKind.choices)
    subject = models.CharField("Tiêu đề", max_length=300)
    body = models.TextField("Nội dung")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField("Gửi lúc", auto_now_add=True)
    status = models.CharField(
        "Trạng thái",
        max_length=16,
        choices=FeedbackStatus.choices,
        default=FeedbackStatus.NEW,
        db_index=True,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Người xử lý",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_feedback",
    )
    answer = models.TextField("Trả lời", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField("Trả lời lúc", null=True, blank=True)
    closed_at = models.DateTimeField("Đóng lúc", null=True, blank=True)
    led_to_adjustment = models.BooleanField("Dẫn đến điều chỉnh kế hoạch", default=False)
    adjustment_note = models.TextField("Nội dung điều chỉnh", blank=True)
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "khó khăn, đề xuất"
        verbose_name_plural = "khó khăn, đề xuất"
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "year", "status"])]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("campaigns:oversight:feedback-detail", args=[self.pk])

    @property
    def access_unit_id(self) -> int:
        return self.unit_id

    @property
    def is_new(self) -> bool:
        return self.status == FeedbackStatus.NEW

    @property
    def is_assigned(self) -> bool:
        return self.status == FeedbackStatus.ASSIGNED

    @property
    def is_answered(self) -> bool:
        return self.status == FeedbackStatus.ANSWERED

    @property
    def is_closed(self) -> bool:
        return self.status == FeedbackStatus.CLOSED


def feedback_upload_to(instance: FeedbackAttachment, filename: str) -> str:
    """Attachments are stored under a generated name; the original name is kept in the row."""
    return f"feedback/{uuid.uuid4().hex}.bin"


class FeedbackAttachment(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("Tệp", upload_to=feedback_upload_to, max_length=255)
    original_name = models.CharField("Tên tệp gốc", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField("Dung lượng (byte)")
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def access_unit_id(self) -> int:
        return self.feedback.unit_id


# --- Budget needs -----------------------------------------------------------------------------


class BudgetKind(models.TextChoices):
    INSPECTION = "inspection", "Kiểm tra"
    SUPERVISION = "supervision", "Giám sát"
    PRELIMINARY_REVIEW = "preliminary_review", "Sơ kết"
    FINAL_REVIEW = "final_review", "Tổng kết"
    AWARDS = "awards", "Tiền thưởng"
    OTHER = "other", "Khác"


class BudgetStatus(models.TextChoices):
    PROPOSED = "proposed", "Đề xuất"
    SUBMITTED = "submitted", "Đã trình cơ quan tổng hợp"
    APPROVED = "approved", "Đã được duyệt"


class BudgetLine(models.Model):
    """One line of a year's funding needs (kinh phí) for the campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField("Năm", validators=_YEAR)
    kind = models.CharField("Nội dung chi", max_length=24, choices=BudgetKind.choices)
    description = models.CharField("Diễn giải", max_length=300)
    amount_vnd = models.DecimalField(
        "Số tiền đề xuất (đồng)", max_digits=15, decimal_places=0, validators=_VND
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposing_unit = models.CharField("Đơn vị đề xuất", max_length=200)
    status = models.CharField(
        "Trạng thái",
        max_length=16,
        choices=BudgetStatus.choices,
        default=BudgetStatus.PROPOSED,
        db_index=True,
    )
    submitted_at = models.DateTimeField("Trình lúc", null=True, blank=True)
    approved_amount_vnd = models.DecimalField(
        "Số tiền được duyệt (đồng)",
        max_digits=15,
        decimal_places=0,
        null=True,
        blank=True,
        validators=_VND,
    )
    approval_reference = models.CharField("Văn bản duyệt", max_length=200, blank=True)
    approved_at = models.DateTimeField("Duyệt lúc", null=True, blank=True)
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "dòng kinh phí"
        verbose_name_plural = "nhu cầu kinh phí"
        ordering = ["-year", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_vnd__gte=0)
                & (Q(approved_amount_vnd__isnull=True) | Q(approved_amount_vnd__gte=0)),
                name="budgetline_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}: {self.description}"

    @property
    def is_proposed(self) -> bool:
        """Still a proposal: editable, not yet sent to the office that totals the budget."""
        return self.status == BudgetStatus.PROPOSED


# --- News and released figures ----------------------------------------------------------------


class NewsItem(models.Model):
    """A short news item of the campaign; the public page shows only published ones."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="news_items")
    title = models.CharField("Tiêu đề", max_length=300)
    body = models.TextField("Nội dung")
    published_at = models.DateTimeField("Đăng lúc", null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tin tức"
        verbose_name_plural = "tin tức"
        ordering = ["-published_at", "-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class FigureRelease(models.Model):
    """The chairman's release of the campaign's target progress for a year. `figures` is frozen
    at release time ([{"title", "value", "min", "max", "by_year"}]); the public page shows only
    these numbers, never live data."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="figure_releases")
    year = models.PositiveSmallIntegerField("Số liệu năm", validators=_YEAR)
    figures = models.JSONField("Số liệu công bố", default=list)
    note = models.TextField("Ghi chú công bố", blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField("Công bố lúc", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "công bố số liệu"
        verbose_name_plural = "công bố số liệu"
        ordering = ["-year", "-released_at"]

    def __str__(self) -> str:
        return f"{self.campaign} – số liệu năm {self.year}"
