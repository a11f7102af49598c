"""The movement and its yearly cycle: campaign, targets, milestones, criteria, registrations,
self-assessments with evidence, national NTM criteria status, contributions."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from simple_history.models import HistoricalRecords

from units.models import Unit, UnitKind, code_validator


class NtmLevel(models.TextChoices):
    """Level reached; values are the file contract of `ntm_status` imports."""

    NONE = "none", "Chưa đạt chuẩn"
    NTM = "ntm", "Đạt chuẩn NTM"
    ADVANCED = "advanced", "Đạt chuẩn NTM nâng cao"
    MODEL = "model", "Đạt chuẩn NTM kiểu mẫu"


#: Order used by rankings: model > advanced > NTM > none.
NTM_LEVEL_RANK = {NtmLevel.NONE: 0, NtmLevel.NTM: 1, NtmLevel.ADVANCED: 2, NtmLevel.MODEL: 3}
VILLAGE_LEVELS = (NtmLevel.NONE, NtmLevel.NTM, NtmLevel.MODEL)


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    ACTIVE = "active", "Đang triển khai"
    CLOSED = "closed", "Đã tổng kết"


class RankingMethod(models.TextChoices):
    LEXICOGRAPHIC = (
        "lexicographic",
        "Xếp theo thứ tự ưu tiên (mức đạt chuẩn, số tiêu chí, tỷ lệ thôn, mức tăng)",
    )
    WEIGHTED = "weighted", "Chấm điểm có trọng số theo tiêu chí"


class UnconfirmedPublishing(models.TextChoices):
    """What publishing a ranking does while some communes' NTM data is not confirmed."""

    ACKNOWLEDGE = (
        "acknowledge",
        "Cho công bố khi người công bố xác nhận đã biết các xã chưa được xác nhận số liệu",
    )
    REFUSE = "refuse", "Không cho công bố khi còn xã chưa được xác nhận số liệu"


class Campaign(models.Model):
    """Campaign: phong trào thi đua, e.g. "Đức Phổ chung sức xây dựng nông thôn mới" 2021–2025."""

    code = models.CharField(
        "Mã phong trào", max_length=64, unique=True, validators=[code_validator]
    )
    title = models.CharField("Tên phong trào", max_length=300)
    issuing_body = models.CharField("Cơ quan ban hành", max_length=200)
    plan_number = models.CharField("Số, ký hiệu kế hoạch", max_length=100, blank=True)
    plan_date = models.DateField("Ngày ban hành kế hoạch", null=True, blank=True)
    # A plan whose date line leaves the day blank ("ngày … tháng 7 năm 2022") has no date: the
    # text is printed as the plan has it and `plan_date` stays empty (docs/data.md).
    plan_date_text = models.CharField(
        "Thời điểm ban hành (khi kế hoạch không ghi ngày)",
        max_length=40,
        blank=True,
        help_text="Ví dụ: tháng 7 năm 2022. Để trống khi đã nhập ngày ban hành.",
    )
    legal_bases = models.TextField("Căn cứ pháp lý", blank=True, help_text="Mỗi căn cứ một dòng.")
    start_year = models.PositiveSmallIntegerField(
        "Năm bắt đầu", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        "Năm kết thúc", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    preliminary_review_year = models.PositiveSmallIntegerField("Năm sơ kết", null=True, blank=True)
    final_review_year = models.PositiveSmallIntegerField("Năm tổng kết", null=True, blank=True)
    status = models.CharField(
        "Trạng thái", max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    ranking_method = models.CharField(
        "Phương pháp xếp hạng",
        max_length=16,
        choices=RankingMethod.choices,
        default=RankingMethod.LEXICOGRAPHIC,
    )
    ntm_criterion_set = models.ForeignKey(
        "NtmCriterionSet",
        verbose_name="Bộ tiêu chí quốc gia về xã NTM",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    unconfirmed_publishing = models.CharField(
        "Công bố xếp hạng khi còn số liệu chưa xác nhận",
        max_length=16,
        choices=UnconfirmedPublishing.choices,
        default=UnconfirmedPublishing.ACKNOWLEDGE,
        help_text="Số liệu NTM của xã (và các thôn của xã) do Phòng Kinh tế xác nhận.",
    )
    authority = models.ForeignKey(
        "units.Authority",
        verbose_name="Cơ quan ban hành kế hoạch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text="Văn bản của phong trào do cơ quan có hiệu lực vào ngày văn bản ban hành "
        "(cơ quan này, hoặc cơ quan tiếp nhận khi cơ quan này chấm dứt hoạt động).",
    )
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "phong trào thi đua"
        verbose_name_plural = "phong trào thi đua"
        ordering = ["-start_year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")), name="campaign_years_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:campaign-detail", args=[self.code])

    @property
    def short_title(self) -> str:
        """The name breadcrumbs and page titles show (never the code): the title without the
        words "Phong trào thi đua" and its quotation marks, cut at a word near 60 characters,
        with the years when the title does not give them."""
        title = self.title.strip()
        for prefix in ("Phong trào thi đua", "phong trào thi đua", "Phong trào", "phong trào"):
            if title.startswith(prefix) and len(title) > len(prefix) + 3:
                title = title[len(prefix) :].strip(" :–-")
                break
        title = title.replace("“", "").replace("”", "").replace('"', "").strip()
        if len(title) > 60:
            cut = title[:60].rsplit(" ", 1)[0].rstrip(" ,;:–-")
            title = f"{cut}…"
        if str(self.start_year) not in title:
            title = f"{title} {self.start_year}–{self.end_year}"
        return title

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)

    def authority_on(self, day: datetime.date):
        """The authority that issues this campaign's documents dated `day` (raises
        `units.authorities.NoAuthority` with the reason when there is none)."""
        from units.authorities import NoAuthority, in_force

        if self.authority_id is None:
            raise NoAuthority(
                "Phong trào chưa khai báo cơ quan ban hành kế hoạch; bộ phận thường trực khai "
                "báo tại trang sửa phong trào."
            )
        return in_force(self.authority, day)

    @property
    def plan_issued(self) -> str:
        """When the plan was issued, as documents cite it after its number: "ngày 15/01/2026", or
        the plan's own words when it gives no day ("tháng 7 năm 2022"); "" when unknown."""
        if self.plan_date:
            return f"ngày {self.plan_date:%d/%m/%Y}"
        return self.plan_date_text.strip()

    @property
    def plan_earliest_date(self) -> datetime.date | None:
        """The earliest day the plan can have been issued: its date, or the first day of the
        month its text gives ("tháng 7 năm 2022" → 01/07/2022); None when unknown."""
        if self.plan_date:
            return self.plan_date
        import re

        found = re.search(r"tháng\s+(\d{1,2})\s+năm\s+(\d{4})", self.plan_date_text or "")
        if found and 1 <= int(found.group(1)) <= 12:
            return datetime.date(int(found.group(2)), int(found.group(1)), 1)
        return None

    def legal_basis_lines(self) -> list[str]:
        return [line.strip() for line in self.legal_bases.splitlines() if line.strip()]


class TargetMetric(models.TextChoices):
    """How a target's progress is computed from data (see campaigns.targets)."""

    COMMUNES_ADVANCED_OR_BETTER = "communes_advanced", "Số xã đạt chuẩn NTM nâng cao trở lên"
    COMMUNES_MODEL = "communes_model", "Số xã đạt chuẩn NTM kiểu mẫu"
    COMMUNES_NTM_OR_BETTER = "communes_ntm", "Số xã đạt chuẩn NTM trở lên"
    CRITERIA_KEPT = "criteria_kept", "Số xã giữ vững các tiêu chí đã đạt"
    VILLAGES_NTM_OR_BETTER = "villages_ntm", "Số thôn đạt chuẩn NTM trở lên"
    VILLAGES_MODEL = "villages_model", "Số thôn đạt chuẩn NTM kiểu mẫu"


class Target(models.Model):
    """A measurable campaign goal with a range; progress is computed, never typed in."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    title = models.CharField("Chỉ tiêu", max_length=300)
    metric = models.CharField("Cách tính", max_length=32, choices=TargetMetric.choices)
    min_value = models.PositiveIntegerField("Tối thiểu", null=True, blank=True)
    max_value = models.PositiveIntegerField("Tối đa", null=True, blank=True)
    by_year = models.PositiveSmallIntegerField("Đến năm")
    order = models.PositiveSmallIntegerField("Thứ tự", default=0)

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["campaign", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def counts_criteria_kept(self) -> bool:
        """Counts communes keeping the criteria they met (progress lists what each lost)."""
        return self.metric == TargetMetric.CRITERIA_KEPT


class MilestoneKind(models.TextChoices):
    DEPLOYMENT = "deployment", "Triển khai kế hoạch"
    REGISTRATION = "registration", "Hạn đăng ký thi đua"
    YEARLY_REPORT = "yearly_report", "Hạn báo cáo kết quả năm"
    PRELIMINARY_REVIEW = "preliminary_review", "Sơ kết"
    FINAL_REVIEW = "final_review", "Tổng kết"
    OTHER = "other", "Khác"


class Milestone(models.Model):
    """Dated steps of the plan that drive deadlines and reminders."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField("Loại mốc", max_length=32, choices=MilestoneKind.choices)
    title = models.CharField("Nội dung", max_length=300)
    year = models.PositiveSmallIntegerField("Năm áp dụng", null=True, blank=True)
    due_date = models.DateField("Thời hạn")

    class Meta:
        verbose_name = "mốc thời gian"
        verbose_name_plural = "mốc thời gian"
        ordering = ["campaign", "due_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "year"], name="milestone_unique_kind_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_date:%d/%m/%Y})"


# --- Criteria sets (section IV.1 of the plan) ---------------------------------------------------


class TargetGroup(models.TextChoices):
    """Đối tượng thi đua, plan section IV.1 a–e."""

    ORGANISATIONS = "a", "a) Phòng, ban, ngành, MTTQ và các đoàn thể"
    COMMUNES = "b", "b) Các xã"
    VILLAGES = "c", "c) Các thôn"
    ENTERPRISES = "d", "d) Doanh nghiệp, hợp tác xã"
    INDIVIDUALS = "dd", "đ) Cá nhân"
    OTHERS = "e", "e) Đối tượng khác"


class CriteriaSetStatus(models.TextChoices):
    EDITABLE = "editable", "Đang soạn, được sửa"
    IN_USE = "in_use", "Đã dùng để chấm (khóa)"
    RETIRED = "retired", "Đã thay thế"


class CriteriaSet(models.Model):
    """A versioned list of criteria for one target group of a campaign. Once assessments have
    started on a version it is locked; changes make a new version."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="criteria_sets")
    target_group = models.CharField("Đối tượng", max_length=4, choices=TargetGroup.choices)
    version = models.PositiveSmallIntegerField("Phiên bản", default=1)
    name = models.CharField("Tên bộ tiêu chí", max_length=300)
    legal_basis = models.TextField("Căn cứ", blank=True)
    valid_from = models.DateField("Áp dụng từ", null=True, blank=True)
    valid_to = models.DateField("Áp dụng đến", null=True, blank=True)
    status = models.CharField(
        "Trạng thái",
        max_length=16,
        choices=CriteriaSetStatus.choices,
        default=CriteriaSetStatus.EDITABLE,
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "bộ tiêu chí thi đua"
        verbose_name_plural = "bộ tiêu chí thi đua"
        ordering = ["campaign", "target_group", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "target_group", "version"], name="criteriaset_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (phiên bản {self.version})"

    @property
    def is_locked(self) -> bool:
        return self.status != CriteriaSetStatus.EDITABLE


class ValueType(models.TextChoices):
    YES_NO = "yes_no", "Có / Không"
    NUMBER = "number", "Số"
    PERCENT = "percent", "Tỷ lệ %"
    MONEY = "money", "Số tiền (đồng)"
    TEXT = "text", "Văn bản"
    SCORE = "score", "Điểm"


class Criterion(models.Model):
    """One criterion of a criteria set, with how its value is entered and scored."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField("Số thứ tự")
    text = models.TextField("Nội dung tiêu chí")
    value_type = models.CharField("Kiểu giá trị", max_length=16, choices=ValueType.choices)
    max_points = models.DecimalField(
        "Điểm tối đa", max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    evidence_required = models.BooleanField("Bắt buộc minh chứng", default=False)
    guidance = models.TextField("Hướng dẫn chấm", blank=True)

    class Meta:
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        ordering = ["criteria_set", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "number"], name="criterion_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"

    @property
    def is_yes_no(self) -> bool:
        return self.value_type == ValueType.YES_NO

    @property
    def is_text(self) -> bool:
        return self.value_type == ValueType.TEXT

    @property
    def is_money(self) -> bool:
        return self.value_type == ValueType.MONEY

    @property
    def is_percent(self) -> bool:
        return self.value_type == ValueType.PERCENT


class Registration(models.Model):
    """Registration: đăng ký thi đua, a unit's yearly pledge."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="registrations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="registrations")
    year = models.PositiveSmallIntegerField("Năm")
    commitments = models.TextField("Nội dung đăng ký")
    target_level = models.CharField(
        "Mức phấn đấu đạt chuẩn", max_length=16, blank=True, choices=NtmLevel.choices
    )
    villages_to_standard = models.PositiveSmallIntegerField(
        "Số thôn phấn đấu đạt chuẩn", null=True, blank=True
    )
    submitted_at = models.DateTimeField("Ngày đăng ký", auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "đăng ký thi đua"
        verbose_name_plural = "đăng ký thi đua"
        ordering = ["campaign", "year", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "year"], name="registration_unique_unit_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.year}"

    @property
    def access_unit_id(self) -> int:
        return self.unit_id


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã nộp"
    RETURNED = "returned", "Trả lại để bổ sung"
    APPROVED = "approved", "Đã duyệt"


#: Assessment's derived risk columns (campaigns/cycle/risk.py writes them).
ASSESSMENT_RISK_FIELDS = (
    "risk_total",
    "risk_previous_total",
    "risk_unevidenced",
    "risk_maxed",
    "risk_item_count",
    "risk_jump_points",
    "risk_evidence_points",
    "risk_maxed_points",
    "risk_points",
)
#: An assessment's risk as the review queue orders by it: its stored signals, plus 2 points
#: when it was submitted late.
ASSESSMENT_RISK = F("risk_points") + Case(When(is_late=True, then=Value(2)), default=Value(0))


class Assessment(models.Model):
    """A unit's annual self-assessment against its criteria set. Approved is locked; every
    change is in the history. `revision` guards against two people saving the same draft."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField("Năm")
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        "Trạng thái",
        max_length=16,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
        db_index=True,
    )
    revision = models.PositiveIntegerField("Lần lưu", default=0)
    summary = models.TextField("Tóm tắt kết quả", blank=True)
    submitted_at = models.DateTimeField("Nộp lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Người nộp",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_late = models.BooleanField("Nộp muộn", default=False)
    extension_until = models.DateField("Được gia hạn đến", null=True, blank=True)
    return_reason = models.TextField("Lý do trả lại", blank=True)
    approved_at = models.DateTimeField("Duyệt lúc", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Người duyệt",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The review queue's risk signals, derived from the items, their evidence and the unit's
    # approved assessment of the year before; written only by campaigns/cycle/risk.py, which
    # every write to those calls (RISK_FIELDS: not in the history, never written by save()).
    # Lateness is `is_late` itself: the queue adds its 2 points.
    risk_total = models.DecimalField(
        "Tổng điểm tự chấm (để xét rủi ro)", max_digits=10, decimal_places=2, default=Decimal(0)
    )
    risk_previous_total = models.DecimalField(
        "Tổng điểm năm trước (để xét rủi ro)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    risk_unevidenced = models.PositiveIntegerField("Số tiêu chí chưa có minh chứng", default=0)
    risk_maxed = models.PositiveIntegerField("Số tiêu chí tự chấm tối đa", default=0)
    risk_item_count = models.PositiveIntegerField("Số tiêu chí chấm", default=0)
    risk_jump_points = models.PositiveSmallIntegerField("Điểm rủi ro: tăng điểm mạnh", default=0)
    risk_evidence_points = models.PositiveSmallIntegerField(
        "Điểm rủi ro: thiếu minh chứng", default=0
    )
    risk_maxed_points = models.PositiveSmallIntegerField("Điểm rủi ro: tự chấm tối đa", default=0)
    #: jump + evidence + maxed points.
    risk_points = models.PositiveSmallIntegerField("Điểm rủi ro", default=0)
    history = HistoricalRecords(excluded_fields=["updated_at", *ASSESSMENT_RISK_FIELDS])

    class Meta:
        verbose_name = "bản tự đánh giá"
        verbose_name_plural = "bản tự đánh giá"
        ordering = ["campaign", "-year", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "year"], name="assessment_unique_unit_year"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "year", "status"]),
            # The review queue and the desk: a campaign's files of one status over all years,
            # earliest submitted first among equal risks.
            models.Index(
                fields=["campaign", "status", "submitted_at"], name="assessment_queue_status"
            ),
            # The review queue of a year: riskiest first (ASSESSMENT_RISK), then the earliest
            # submitted; the database reads the first page's rows only.
            models.Index(
                F("campaign"),
                F("year"),
                ASSESSMENT_RISK.desc(),
                F("submitted_at"),
                name="assessment_queue_risk",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – năm {self.year}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A save of a row already stored leaves the risk signals alone: they are written only
        by campaigns/cycle/risk.py (an instance read before its items changed holds old ones)."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in ASSESSMENT_RISK_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("campaigns:assessment-detail", args=[self.pk])

    @property
    def access_unit_id(self) -> int:
        return self.unit_id

    @property
    def access_unit_kind(self) -> str:
        """Who may review it depends on the unit's kind (portal.roles.UNIT_KINDS)."""
        return self.unit.kind

    @property
    def is_locked(self) -> bool:
        return self.status == AssessmentStatus.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)

    @property
    def is_submitted(self) -> bool:
        """Sent for review and not yet approved or returned."""
        return self.status == AssessmentStatus.SUBMITTED

    @property
    def is_returned(self) -> bool:
        return self.status == AssessmentStatus.RETURNED

    @property
    def is_approved(self) -> bool:
        return self.status == AssessmentStatus.APPROVED


class AssessmentItem(models.Model):
    """The value, self-score and reviewer's score for one criterion of one assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="items")
    value_bool = models.BooleanField("Đạt", null=True, blank=True)
    value_number = models.DecimalField(
        "Giá trị", max_digits=18, decimal_places=2, null=True, blank=True
    )
    value_text = models.TextField("Nội dung", blank=True)
    note = models.TextField("Ghi chú", blank=True)
    self_score = models.DecimalField(
        "Điểm tự chấm", max_digits=6, decimal_places=2, null=True, blank=True
    )
    reviewer_score = models.DecimalField(
        "Điểm thẩm định", max_digits=6, decimal_places=2, null=True, blank=True
    )
    reviewer_comment = models.TextField("Ý kiến thẩm định", blank=True)
    returned = models.BooleanField("Yêu cầu bổ sung", default=False)
    return_snapshot = models.JSONField(
        "Nội dung lúc trả lại",
        null=True,
        blank=True,
        help_text="What the item held when the assessment was last returned; the reviewer sees "
        "the difference on resubmission.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "kết quả tiêu chí"
        verbose_name_plural = "kết quả tiêu chí"
        ordering = ["assessment", "criterion__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="assessmentitem_unique_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} – {self.criterion.number}"

    @property
    def access_unit_id(self) -> int:
        return self.assessment.unit_id


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """Evidence is stored under a generated name; the original name is kept in the row."""
    import uuid

    return f"evidence/{instance.item.assessment.year}/{uuid.uuid4().hex}.bin"


class Evidence(models.Model):
    """A file backing one criterion's result (PDF, image, Office document)."""

    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("Tệp", upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField("Tên tệp gốc", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField("Dung lượng (byte)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "minh chứng"
        verbose_name_plural = "minh chứng"
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def access_unit_id(self) -> int:
        return self.item.assessment.unit_id


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "Chờ xem xét"
    GRANTED = "granted", "Đã gia hạn"
    REFUSED = "refused", "Không gia hạn"


class ExtensionRequest(models.Model):
    """A unit asks for more time to submit its self-assessment for a year; the secretariat grants
    it (until a date) or refuses. The period stays locked for every other unit."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="extension_requests")
    year = models.PositiveSmallIntegerField("Năm")
    reason = models.TextField("Lý do xin gia hạn")
    status = models.CharField(
        "Trạng thái",
        max_length=16,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
        db_index=True,
    )
    until = models.DateField("Gia hạn đến", null=True, blank=True)
    decision_note = models.TextField("Ý kiến của cơ quan thường trực", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("Gửi lúc", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("Quyết định lúc", null=True, blank=True)
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "đề nghị gia hạn"
        verbose_name_plural = "đề nghị gia hạn"
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.unit} – {self.year}: {self.get_status_display()}"

    @property
    def access_unit_id(self) -> int:
        return self.unit_id


# --- National NTM criteria and status ---------------------------------------------------------


class NtmCriterionSet(models.Model):
    """A national criteria set (e.g. QĐ 318/QĐ-TTg, 19 criteria), versioned by legal basis."""

    code = models.CharField("Mã", max_length=64, unique=True, validators=[code_validator])
    name = models.CharField("Tên bộ tiêu chí", max_length=300)
    legal_basis = models.CharField("Căn cứ", max_length=300)
    valid_from = models.DateField("Áp dụng từ", null=True, blank=True)
    valid_to = models.DateField("Áp dụng đến", null=True, blank=True)

    class Meta:
        verbose_name = "bộ tiêu chí quốc gia NTM"
        verbose_name_plural = "bộ tiêu chí quốc gia NTM"
        ordering = ["-valid_from", "code"]

    def __str__(self) -> str:
        return self.name


class NtmCriterion(models.Model):
    """One national NTM criterion (1–19 in QĐ 318/QĐ-TTg)."""

    criterion_set = models.ForeignKey(
        NtmCriterionSet, on_delete=models.CASCADE, related_name="criteria"
    )
    number = models.PositiveSmallIntegerField("Số")
    name = models.CharField("Tên tiêu chí", max_length=200)
    group = models.CharField("Nhóm", max_length=100)

    class Meta:
        verbose_name = "tiêu chí quốc gia NTM"
        verbose_name_plural = "tiêu chí quốc gia NTM"
        ordering = ["criterion_set", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion_set", "number"], name="ntmcriterion_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class UnitKindCopy(models.CharField):
    """The kind of a status's unit, copied onto the status so the pages pick a year's communes
    by index without joining every village's row to units (campaigns.results.derived).

    Filled on every insert and save, bulk_create included: from the unit when it is loaded on the
    row (as it is when a writer passes `unit=`), else, for a row that has none yet, read from
    the database. `refresh_ntm_derived` sets it again from units, and a change of a unit's kind
    renews its statuses (the audit receiver in campaigns.results.derived)."""

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        unit_id = getattr(model_instance, "unit_id", None)
        unit = model_instance._state.fields_cache.get("unit")
        value = getattr(model_instance, self.attname) or ""
        if unit is not None and unit.pk == unit_id:
            value = unit.kind
        elif not value and unit_id is not None:
            value = Unit.objects.filter(pk=unit_id).values_list("kind", flat=True).first() or ""
        setattr(model_instance, self.attname, value)
        return value


class NtmStatus(models.Model):
    """Which national criteria a commune met in a year and the level reached; for a village only
    the level (none / NTM / model). One table for communes and villages,
    with the unit's kind, keeps rankings and village shares to one query."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="ntm_statuses")
    year = models.PositiveSmallIntegerField(
        "Năm", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    level = models.CharField(
        "Mức đạt chuẩn", max_length=16, choices=NtmLevel.choices, default=NtmLevel.NONE
    )
    criteria_met = models.ManyToManyField(
        NtmCriterion, verbose_name="Tiêu chí đạt", blank=True, related_name="met_in"
    )
    criteria_met_count = models.PositiveSmallIntegerField(
        "Số tiêu chí đạt",
        default=0,
        help_text="Kept in step with criteria_met by the services; indexed for rankings.",
    )
    recognition_decision = models.CharField("Quyết định công nhận", max_length=200, blank=True)
    recognition_date = models.DateField("Ngày công nhận", null=True, blank=True)
    confirmed_at = models.DateTimeField("Xác nhận lúc", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField("Ghi chú", blank=True)
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    # Derived from this unit's criteria over the years (campaigns.results.derived, called by every
    # writer of criteria): not business data, kept out of the history and the audit trail (the
    # criteria they come from are there). They let "criteria kept" read one row per commune.
    criteria_lost = models.JSONField(
        "Tiêu chí không còn đạt",
        default=list,
        blank=True,
        editable=False,
        help_text="[[number, [earlier years it was met]], …]: each criterion met in an earlier "
        "year of this unit and not met this year, by number; empty when none.",
    )
    criteria_lost_latest = models.PositiveSmallIntegerField(
        "Năm gần nhất còn đạt tiêu chí đã mất",
        null=True,
        blank=True,
        editable=False,
        help_text="The latest earlier year in which a criterion of criteria_lost was met (a "
        "campaign starting after it judges no loss); null when criteria_lost is empty.",
    )
    criteria_met_bits = models.BigIntegerField(
        "Tiêu chí đạt (theo bit)",
        default=0,
        editable=False,
        help_text="Bit n set when criterion number n (1–62) is met: the per-criterion counts "
        "read one row per commune instead of every criterion link.",
    )
    unit_kind = UnitKindCopy(
        "Loại đơn vị",
        max_length=32,
        blank=True,
        default="",
        editable=False,
        help_text="The unit's kind (units.Unit.kind), kept in step with it: a year's communes "
        "are read by a partial index instead of joining every village's row to units.",
    )
    history = HistoricalRecords(
        excluded_fields=["criteria_lost", "criteria_lost_latest", "criteria_met_bits", "unit_kind"]
    )

    class Meta:
        verbose_name = "kết quả tiêu chí NTM"
        verbose_name_plural = "kết quả tiêu chí NTM"
        ordering = ["unit__name", "year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="ntmstatus_unique_unit_year"),
        ]
        indexes = [
            models.Index(fields=["year", "level"]),
            # The per-criterion counts read the communes' bits alone (villages record none).
            models.Index(
                fields=["year", "criteria_met_bits"],
                condition=models.Q(criteria_met_bits__gt=0),
                name="ntmstatus_year_bits_met",
            ),
            # A year's communes (a tenth of the rows: villages have statuses too), read by index
            # for the dashboard's aggregates, the targets and the rankings; the counts read the
            # index alone (PostgreSQL: an index-only scan).
            models.Index(
                fields=["year", "level", "criteria_met_count", "criteria_lost_latest", "unit_id"],
                condition=models.Q(unit_kind=UnitKind.COMMUNE),
                name="ntmstatus_commune_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.year}: {self.get_level_display()}"

    @property
    def access_unit_id(self) -> int:
        return self.unit_id

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


# --- Contributions ----------------------------------------------------------------------------


class ContributorKind(models.TextChoices):
    """Values are the file contract of `contributions` imports."""

    PEOPLE = "people", "Nhân dân"
    HOUSEHOLD = "household", "Hộ gia đình"
    PERSON = "person", "Cá nhân"
    ENTERPRISE = "enterprise", "Doanh nghiệp"
    UNIT = "unit", "Cơ quan, đơn vị"
    OUTSIDE_DONOR = "outside_donor", "Nhà tài trợ ngoài địa bàn"
    OTHER = "other", "Khác"


class Contribution(models.Model):
    """Resources mobilised for a commune in a year: money, work days, land, in kind."""

    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="contributions"
    )
    year = models.PositiveSmallIntegerField("Năm")
    commune = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="contributions")
    contributor = models.CharField("Người / đơn vị đóng góp", max_length=255)
    contributor_kind = models.CharField(
        "Loại đối tượng", max_length=32, choices=ContributorKind.choices
    )
    money_vnd = models.DecimalField(
        "Tiền (đồng)",
        max_digits=18,
        decimal_places=0,
        default=0,
        validators=[MinValueValidator(Decimal(0))],
    )
    work_days = models.DecimalField(
        "Ngày công",
        max_digits=12,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(Decimal(0))],
    )
    land_m2 = models.DecimalField(
        "Đất hiến (m²)",
        max_digits=12,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(Decimal(0))],
    )
    in_kind = models.CharField("Hiện vật", max_length=255, blank=True)
    note = models.TextField("Ghi chú", blank=True)
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "đóng góp"
        verbose_name_plural = "đóng góp"
        ordering = ["-year", "commune__name", "contributor"]
        indexes = [models.Index(fields=["year", "commune"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(money_vnd__gte=0) & Q(work_days__gte=0) & Q(land_m2__gte=0),
                name="contribution_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contributor} – {self.commune} ({self.year})"

    @property
    def access_unit_id(self) -> int:
        return self.commune_id


# --- Rankings: weights and published (frozen) rankings ----------------------------------------


class RankingWeight(models.Model):
    """Points a national criterion is worth when the campaign ranks by weighted points
    (Campaign.ranking_method = weighted). A criterion with no weight counts 1 point."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ranking_weights")
    criterion = models.ForeignKey(
        NtmCriterion, verbose_name="Tiêu chí", on_delete=models.CASCADE, related_name="+"
    )
    points = models.DecimalField(
        "Điểm", max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "trọng số tiêu chí khi xếp hạng"
        verbose_name_plural = "trọng số tiêu chí khi xếp hạng"
        ordering = ["campaign", "criterion__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "criterion"], name="rankingweight_unique_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.points}"


class RankingKind(models.TextChoices):
    COMMUNE = "commune", "Các xã trong cụm thi đua"
    BLOC = "bloc", "Phòng, ban, ngành, MTTQ và đoàn thể trong khối thi đua"


class RankingPublication(models.Model):
    """A year's ranking as the secretariat published it: the rows are frozen, with the SHA-256
    of their canonical JSON, so later edits to the data cannot silently reorder it. Publishing
    again makes a new version; the latest is the one shown."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="ranking_publications"
    )
    kind = models.CharField("Loại bảng xếp hạng", max_length=16, choices=RankingKind.choices)
    year = models.PositiveSmallIntegerField("Năm")
    version = models.PositiveSmallIntegerField("Lần công bố", default=1)
    method = models.CharField("Phương pháp", max_length=16)
    method_text = models.TextField("Cách xếp hạng")
    rows = models.JSONField("Các dòng đã công bố")
    sha256 = models.CharField("Mã băm SHA-256", max_length=64)
    published_at = models.DateTimeField("Công bố lúc", auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField("Ghi chú", blank=True)

    class Meta:
        verbose_name = "bảng xếp hạng đã công bố"
        verbose_name_plural = "bảng xếp hạng đã công bố"
        ordering = ["campaign", "kind", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "year", "version"], name="rankingpublication_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} năm {self.year} (lần {self.version})"

    @property
    def ranks_communes(self) -> bool:
        """The communes of the clusters (with NTM level, criteria, villages, growth columns)."""
        return self.kind == RankingKind.COMMUNE

    @property
    def has_scores(self) -> bool:
        """Ranked by a score (weighted criteria, or a bloc's points), not by priority order."""
        return self.method != RankingMethod.LEXICOGRAPHIC


# --- Reminders --------------------------------------------------------------------------------


class ReminderSent(models.Model):
    """One deadline reminder e-mailed to a unit's officers: at most one per unit, year and stage
    (days before the deadline), so a re-run of the beat job sends nothing twice."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="reminders")
    year = models.PositiveSmallIntegerField("Năm")
    stage = models.PositiveSmallIntegerField("Số ngày trước hạn")
    due_date = models.DateField("Thời hạn")
    recipients = models.TextField("Người nhận", blank=True)
    sent_at = models.DateTimeField("Gửi lúc", auto_now_add=True)

    class Meta:
        verbose_name = "nhắc hạn đã gửi"
        verbose_name_plural = "nhắc hạn đã gửi"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "year", "stage"], name="reminder_once_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.year} – {self.stage} ngày"

    @property
    def access_unit_id(self) -> int:
        return self.unit_id


from .oversight.models import *  # noqa: E402,F403
