"""Award tiers and rules, nominations, council sessions and votes, decisions, award history.

Vietnamese terms: hình thức khen thưởng (award form), danh hiệu thi đua (emulation title),
hồ sơ đề nghị (nomination dossier), Hội đồng Thi đua – Khen thưởng (the council),
bỏ phiếu kín (secret ballot), điển hình tiên tiến (exemplary model), sáng kiến (initiative).
Everything the law may change (conditions, thresholds, quorum, amounts) is data with dates.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from units.models import AuthorityLevel, Person, Unit, UnitKind, code_validator

from .council.arithmetic import pct_rule


class TierKind(models.TextChoices):
    FORM = "form", "Hình thức khen thưởng"
    TITLE = "title", "Danh hiệu thi đua"


class TierLevel(models.TextChoices):
    STATE = "state", "Nhà nước (Chủ tịch nước)"
    GOVERNMENT = "government", "Thủ tướng Chính phủ"
    MINISTRY = "ministry", "Bộ, ban, ngành, đoàn thể Trung ương"
    PROVINCE = "province", "Tỉnh"
    TOWN = "town", "Thị xã"
    COMMUNE = "commune", "Xã, phường"


class NomineeKind(models.TextChoices):
    COLLECTIVE = "collective", "Tập thể"
    INDIVIDUAL = "individual", "Cá nhân"
    HOUSEHOLD = "household", "Hộ gia đình"


class DocumentKind(models.TextChoices):
    """Dossier documents (Law 06/2022 Art. 84)."""

    SUBMISSION_LETTER = "submission_letter", "Tờ trình, văn bản đề nghị"
    ACHIEVEMENT_REPORT = "achievement_report", "Báo cáo thành tích"
    REVIEW_MINUTES = "review_minutes", "Biên bản bình xét thi đua"
    COUNCIL_MINUTES = "council_minutes", "Biên bản họp Hội đồng Thi đua – Khen thưởng"
    INITIATIVE_CONFIRMATION = "initiative_confirmation", "Xác nhận sáng kiến, đề tài"
    CONTRIBUTION_EVIDENCE = (
        "contribution_evidence",
        "Xác nhận đóng góp (công sức, đất đai, tài sản)",
    )
    OTHER = "other", "Tài liệu khác"


class AwardCategory(models.TextChoices):
    """Decree 98/2023 Art. 4: thematic awards do not count toward merit awards."""

    MERIT = "merit", "Thường xuyên"
    THEMATIC = "thematic", "Theo đợt, chuyên đề"
    AD_HOC = "ad_hoc", "Đột xuất"


class AwardTier(models.Model):
    """A form of award or an emulation title, with who gives it and what a dossier needs."""

    code = models.CharField("Mã", max_length=64, unique=True, validators=[code_validator])
    name = models.CharField("Tên", max_length=200)
    kind = models.CharField("Loại", max_length=8, choices=TierKind.choices)
    level = models.CharField("Cấp", max_length=16, choices=TierLevel.choices)
    authority = models.CharField("Thẩm quyền quyết định", max_length=200)
    decided_locally = models.BooleanField(
        "Thị xã quyết định",
        help_text="Cũ: dùng khi chưa khai báo thẩm quyền theo thời gian (TierPower).",
    )
    certificate_heading = models.CharField(
        "Tiêu đề trên bằng, giấy in cho người được khen",
        max_length=60,
        blank=True,
        help_text="Ví dụ: GIẤY KHEN, BẰNG CHỨNG NHẬN, GIẤY CHỨNG NHẬN. "
        "Để trống: không in (danh hiệu chỉ kèm tiền thưởng, hoặc tặng cờ).",
    )
    nominee_kinds = models.JSONField("Đối tượng được đề nghị", default=list)
    required_documents = models.JSONField("Hồ sơ bắt buộc", default=list)
    legal_basis = models.CharField("Căn cứ", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("Thứ tự", default=100)
    is_active = models.BooleanField("Đang sử dụng", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "hình thức, danh hiệu"
        verbose_name_plural = "hình thức khen thưởng, danh hiệu thi đua"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def accepts(self, nominee_kind: str) -> bool:
        return nominee_kind in (self.nominee_kinds or [])

    @property
    def is_title(self) -> bool:
        return self.kind == TierKind.TITLE

    @property
    def grant_verb(self) -> str:
        """How a decision words the grant: a title is conferred, a form is given."""
        return "Tặng danh hiệu" if self.kind == TierKind.TITLE else "Tặng"

    def nominee_kind_labels(self) -> list[str]:
        return [NomineeKind(k).label for k in self.nominee_kinds or [] if k in NomineeKind.values]

    def required_document_labels(self) -> list[str]:
        return [
            DocumentKind(k).label for k in self.required_documents or [] if k in DocumentKind.values
        ]


# The level of the authority that confers a tier: the levels of units.Authority.
PowerLevel = AuthorityLevel


class TierPower(models.Model):
    """Which level of local authority may confer a tier, during a date range (Law 06/2022
    Art. 79–80; Decree 152/2025 from 1/7/2025). Tiers with no row here are decided above the
    province (state, government, ministries) and are always sent up."""

    tier = models.ForeignKey(AwardTier, on_delete=models.CASCADE, related_name="powers")
    level = models.CharField("Cấp quyết định", max_length=16, choices=PowerLevel.choices)
    valid_from = models.DateField("Từ ngày")
    valid_to = models.DateField("Đến ngày", null=True, blank=True)
    legal_basis = models.CharField("Căn cứ", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "thẩm quyền khen thưởng theo thời gian"
        verbose_name_plural = "thẩm quyền khen thưởng theo thời gian"
        ordering = ["tier", "valid_from", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "level", "valid_from"], name="tierpower_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="tierpower_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        end = f" đến {self.valid_to:%d/%m/%Y}" if self.valid_to else ""
        return f"{self.tier}: {self.get_level_display()} từ {self.valid_from:%d/%m/%Y}{end}"


class Denominator(models.TextChoices):
    ALL_MEMBERS = "all_members", "Tổng số thành viên Hội đồng (trừ người tránh xét)"
    PRESENT = "present", "Số thành viên dự họp hoặc có phiếu bằng văn bản"
    VOTES_CAST = "votes_cast", "Số phiếu đã bỏ"


class VoteRule(models.Model):
    """How the council decides on a tier during a date range (quorum, ballot, threshold).

    Thresholds under the 2022 Law are unverified (docs/awards-law.md §5), so every figure is data."""

    tier = models.ForeignKey(AwardTier, on_delete=models.CASCADE, related_name="vote_rules")
    valid_from = models.DateField("Áp dụng từ")
    valid_to = models.DateField("Áp dụng đến", null=True, blank=True)
    quorum_numerator = models.PositiveSmallIntegerField("Số thành viên dự họp tối thiểu (tử số)")
    quorum_denominator = models.PositiveSmallIntegerField("(mẫu số)")
    secret_ballot = models.BooleanField("Bỏ phiếu kín", default=False)
    threshold_numerator = models.PositiveSmallIntegerField("Ngưỡng đồng ý (tử số)")
    threshold_denominator = models.PositiveSmallIntegerField("(mẫu số)")
    threshold_inclusive = models.BooleanField(
        "Tính cả trường hợp bằng ngưỡng",
        default=True,
        help_text="Chọn: “từ … trở lên”; bỏ: “trên …”.",
    )
    denominator = models.CharField("Tính trên", max_length=16, choices=Denominator.choices)
    consultation_days = models.PositiveSmallIntegerField(
        "Số ngày lấy ý kiến công khai", default=0, help_text="0: không lấy ý kiến công khai."
    )
    legal_basis = models.CharField("Căn cứ", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "quy tắc biểu quyết"
        verbose_name_plural = "quy tắc biểu quyết"
        ordering = ["tier", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_denominator__gt=0) & Q(threshold_denominator__gt=0),
                name="voterule_denominators_positive",
            ),
            models.UniqueConstraint(fields=["tier", "valid_from"], name="voterule_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.tier} từ {self.valid_from:%d/%m/%Y}"

    def describe(self) -> str:
        sign = "từ" if self.threshold_inclusive else "trên"
        pct = 100 * self.threshold_numerator / self.threshold_denominator
        ballot = "bỏ phiếu kín" if self.secret_ballot else "biểu quyết công khai"
        return (
            f"Họp khi có từ {self.quorum_numerator}/{self.quorum_denominator} tổng số thành viên; "
            f"{ballot}; thông qua khi số đồng ý {sign} {pct_rule(pct)} "
            f"{self.get_denominator_display().lower()}."
        )


class RuleKind(models.TextChoices):
    PRIOR_AWARD = "prior_award", "Đã được tặng hình thức khen thưởng trước"
    CONSECUTIVE_RATINGS = "consecutive_ratings", "Số năm liên tục hoàn thành nhiệm vụ"
    RATING_COUNT = "rating_count", "Số năm hoàn thành xuất sắc nhiệm vụ"
    TITLE_COUNT = "title_count", "Số lần đạt danh hiệu thi đua"
    INITIATIVES = "initiatives", "Sáng kiến chưa dùng cho khen thưởng khác"
    MEMBERS = "members", "Thành viên của tập thể (tỷ lệ danh hiệu, kỷ luật)"
    MOVEMENT = "movement", "Thành tích trong phong trào thi đua theo đợt, chuyên đề"
    TITLE_QUOTA = "title_quota", "Tỷ lệ danh hiệu trong đơn vị"
    NO_PENDING_CASE = "no_pending_case", "Không đang bị xem xét kỷ luật, khiếu nại, tố cáo"
    WOMEN_PRIORITY = "women_priority", "Ưu tiên nữ khi ngang nhau"


class EligibilityRule(models.Model):
    """One condition of a tier, in force during a date range (the law changed 1/1/2024 and
    1/7/2025). `params` by kind — see docs/awards.md and awards/eligibility.py."""

    tier = models.ForeignKey(AwardTier, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField("Loại điều kiện", max_length=32, choices=RuleKind.choices)
    nominee_kinds = models.JSONField(
        "Áp dụng cho", default=list, blank=True, help_text="Để trống: mọi đối tượng."
    )
    params = models.JSONField("Tham số", default=dict, blank=True)
    valid_from = models.DateField("Áp dụng từ")
    valid_to = models.DateField("Áp dụng đến", null=True, blank=True)
    legal_basis = models.CharField("Căn cứ", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("Thứ tự", default=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "điều kiện khen thưởng"
        verbose_name_plural = "điều kiện khen thưởng"
        ordering = ["tier", "order", "valid_from"]

    def __str__(self) -> str:
        return f"{self.tier}: {self.get_kind_display()}"

    def describe(self) -> str:
        """The rule's parameters in words (for the tier page)."""
        p = self.params or {}
        rating = {k: v.lower() for k, v in Rating.choices}
        if self.kind == RuleKind.PRIOR_AWARD:
            return "Đã có: " + " hoặc ".join(p.get("tiers", []))
        if self.kind == RuleKind.CONSECUTIVE_RATINGS:
            since = " kể từ khen thưởng trước" if p.get("since_prior_award") else ""
            return (
                f"{p.get('years')} năm liên tục từ mức "
                f"“{rating.get(p.get('min_rating'), '')}” trở lên{since}"
            )
        if self.kind == RuleKind.RATING_COUNT:
            return (
                f"{p.get('count')} năm “{rating.get(p.get('rating'), '')}” "
                f"trong {p.get('window_years')} năm"
            )
        if self.kind == RuleKind.TITLE_COUNT:
            run = " liên tục" if p.get("consecutive") else ""
            return f"{p.get('count')} lần “{p.get('tier')}”{run} trong {p.get('window_years')} năm"
        if self.kind == RuleKind.INITIATIVES:
            return f"{p.get('count')} sáng kiến chưa dùng, trong {p.get('window_years')} năm"
        if self.kind == RuleKind.MEMBERS:
            parts = []
            if p.get("all_done"):
                parts.append("100% thành viên hoàn thành nhiệm vụ")
            if p.get("min_advanced_pct") is not None:
                parts.append(f"ít nhất {p['min_advanced_pct']}% đạt “Lao động tiên tiến”")
            if p.get("min_fighters"):
                parts.append(f"có ít nhất {p['min_fighters']} “Chiến sĩ thi đua cơ sở”")
            if p.get("no_discipline"):
                parts.append("không có thành viên bị kỷ luật từ cảnh cáo trở lên")
            return "; ".join(parts)
        if self.kind == RuleKind.TITLE_QUOTA:
            return f"không quá {p.get('max_pct')}% số cá nhân đạt “{p.get('of_tier')}”"
        return ""


class BonusRate(models.Model):
    """Money that goes with an award, by date (Decree 152/2025 Art. 54; docs/awards-law.md §3)."""

    tier = models.ForeignKey(AwardTier, on_delete=models.CASCADE, related_name="bonus_rates")
    nominee_kind = models.CharField("Đối tượng", max_length=16, choices=NomineeKind.choices)
    valid_from = models.DateField("Áp dụng từ")
    valid_to = models.DateField("Áp dụng đến", null=True, blank=True)
    amount_vnd = models.DecimalField("Mức tiền thưởng (đồng)", max_digits=14, decimal_places=0)
    legal_basis = models.CharField("Căn cứ", max_length=300, blank=True)

    class Meta:
        verbose_name = "mức tiền thưởng"
        verbose_name_plural = "mức tiền thưởng"
        ordering = ["tier", "nominee_kind", "valid_from"]

    def __str__(self) -> str:
        return f"{self.tier} – {self.amount_vnd} đồng"


class Rating(models.TextChoices):
    """Yearly quality rating (xếp loại chất lượng) of a person or a collective."""

    EXCELLENT = "htxsnv", "Hoàn thành xuất sắc nhiệm vụ"
    GOOD = "httnv", "Hoàn thành tốt nhiệm vụ"
    DONE = "htnv", "Hoàn thành nhiệm vụ"
    NOT_DONE = "khong_hoan_thanh", "Không hoàn thành nhiệm vụ"


RATING_RANK = {Rating.EXCELLENT: 3, Rating.GOOD: 2, Rating.DONE: 1, Rating.NOT_DONE: 0}


class RecipientMixin(models.Model):
    """A row about either a unit (collective, household) or a person."""

    unit = models.ForeignKey(
        Unit,
        verbose_name="Tập thể, hộ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        Person,
        verbose_name="Cá nhân",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def recipient(self) -> Unit | Person:
        return self.person if self.person_id else self.unit

    @property
    def recipient_name(self) -> str:
        return self.person.full_name if self.person_id else self.unit.name

    @property
    def nominee_kind(self) -> str:
        if self.person_id:
            return NomineeKind.INDIVIDUAL
        return (
            NomineeKind.HOUSEHOLD
            if self.unit.kind == UnitKind.HOUSEHOLD
            else NomineeKind.COLLECTIVE
        )

    @property
    def nominee_kind_label(self) -> str:
        return NomineeKind(self.nominee_kind).label

    @property
    def access_unit_id(self) -> int | None:
        return self.person.affiliation_id if self.person_id else self.unit_id


def _one_recipient(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(Q(unit__isnull=False) & Q(person__isnull=True))
        | (Q(unit__isnull=True) & Q(person__isnull=False)),
        name=name,
    )


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
            _one_recipient("yearlyrating_one_recipient"),
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
        constraints = [_one_recipient("pendingcase_one_recipient")]

    def __str__(self) -> str:
        return f"{self.recipient_name} – {self.get_kind_display()}"


class ExemplarKind(models.TextChoices):
    MODEL = "model", "Điển hình tiên tiến"
    INITIATIVE = "initiative", "Sáng kiến, giải pháp"
    PRACTICE = "practice", "Mô hình, cách làm hay"


class Exemplar(RecipientMixin):
    """Điển hình tiên tiến, sáng kiến, mô hình: recorded, may back a nomination, published
    on the public showcase. An initiative supports one award only (`used_by_award`)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exemplars",
        verbose_name="Phong trào",
    )
    kind = models.CharField("Loại", max_length=16, choices=ExemplarKind.choices)
    title = models.CharField("Tên", max_length=300)
    year = models.PositiveSmallIntegerField("Năm")
    summary = models.TextField("Tóm tắt")
    recognised_by = models.CharField("Cơ quan công nhận", max_length=200, blank=True)
    is_published = models.BooleanField("Công bố công khai", default=False)
    published_at = models.DateTimeField("Ngày công bố", null=True, blank=True)
    used_by_award = models.ForeignKey(
        "Award",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiatives_used",
        verbose_name="Đã dùng cho khen thưởng",
    )
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "điển hình, sáng kiến"
        verbose_name_plural = "điển hình, sáng kiến, mô hình"
        ordering = ["-year", "title"]
        constraints = [_one_recipient("exemplar_one_recipient")]

    def __str__(self) -> str:
        return self.title


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
            _one_recipient("award_one_recipient"),
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


class PeriodKind(models.TextChoices):
    YEAR = "year", "Hằng năm"
    PRELIMINARY = "preliminary", "Sơ kết"
    FINAL = "final", "Tổng kết"


class NominationStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Đã gửi"
    CHECKED = "checked", "Đã thẩm định"
    IN_COUNCIL = "in_council", "Đang trình Hội đồng"
    PASSED = "passed", "Hội đồng thông qua"
    FAILED = "failed", "Hội đồng không thông qua"
    DECIDED = "decided", "Đưa vào dự thảo quyết định"
    FORWARDED = "forwarded", "Đã trình cấp trên"
    AWARDED = "awarded", "Đã được khen thưởng"
    REJECTED = "rejected", "Không được khen thưởng"


class Nomination(RecipientMixin):
    """A proposal (đề nghị khen thưởng) of a collective, individual or household for a tier."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name="Phong trào",
    )
    tier = models.ForeignKey(
        AwardTier,
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name="Hình thức, danh hiệu",
    )
    proposer_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="nominations_made",
        verbose_name="Đơn vị đề nghị",
    )
    period_kind = models.CharField("Đợt xét", max_length=16, choices=PeriodKind.choices)
    period_year = models.PositiveSmallIntegerField("Năm")
    reference_date = models.DateField(
        "Ngày xét điều kiện", help_text="Điều kiện áp dụng theo quy định có hiệu lực vào ngày này."
    )
    achievements = models.TextField("Tóm tắt thành tích")
    facts = models.JSONField(
        "Số liệu của hồ sơ",
        default=dict,
        blank=True,
        help_text="Số liệu tập thể tự kê khai trong hồ sơ (số thành viên, số đạt danh hiệu…), "
        "được dùng để kiểm tra điều kiện danh hiệu tập thể.",
    )
    assessments = models.ManyToManyField(
        "campaigns.Assessment",
        blank=True,
        related_name="nominations",
        verbose_name="Kết quả tự đánh giá đã duyệt",
    )
    contributions = models.ManyToManyField(
        "campaigns.Contribution",
        blank=True,
        related_name="nominations",
        verbose_name="Đóng góp",
    )
    exemplars = models.ManyToManyField(
        Exemplar, blank=True, related_name="nominations", verbose_name="Điển hình, sáng kiến"
    )
    status = models.CharField(
        "Trạng thái",
        max_length=16,
        choices=NominationStatus.choices,
        default=NominationStatus.DRAFT,
        db_index=True,
    )
    eligibility = models.JSONField("Kết quả kiểm tra điều kiện", default=list, blank=True)
    eligible = models.BooleanField("Đủ điều kiện", null=True)
    override_reason = models.TextField("Lý do trình dù chưa đủ điều kiện", blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consultation_until = models.DateField("Lấy ý kiến công khai đến", null=True, blank=True)
    decision = models.ForeignKey(
        "AwardDecision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nominations",
    )
    forwarding = models.ForeignKey(
        "ForwardingLetter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nominations",
    )
    upper_answer = models.CharField("Trả lời của cấp trên", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords(excluded_fields=["eligibility"])

    class Meta:
        verbose_name = "đề nghị khen thưởng"
        verbose_name_plural = "đề nghị khen thưởng"
        ordering = ["-created_at"]
        constraints = [_one_recipient("nomination_one_recipient")]
        indexes = [models.Index(fields=["tier", "status"]), models.Index(fields=["period_year"])]

    def __str__(self) -> str:
        return f"{self.tier} – {self.recipient_name}"

    def get_absolute_url(self) -> str:
        return reverse("awards:nomination-detail", args=[self.pk])

    @property
    def access_unit_id(self) -> int:
        return self.proposer_unit_id

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.YEAR:
            return f"Năm {self.period_year}"
        return f"{self.get_period_kind_display()} ({self.period_year})"

    @property
    def facts_display(self) -> list[tuple[str, int]]:
        """The dossier's declared figures, labelled (nomination page)."""
        from .eligibility import FACT_LABELS

        return [
            (label[:1].upper() + label[1:], self.facts[k])
            for k, label in FACT_LABELS.items()
            if (self.facts or {}).get(k) is not None
        ]

    @property
    def consultation_open(self) -> bool:
        return bool(self.consultation_until) and self.consultation_until >= timezone.localdate()

    @property
    def is_draft(self) -> bool:
        return self.status == NominationStatus.DRAFT

    @property
    def has_succeeded(self) -> bool:
        """The council passed it or it was awarded."""
        return self.status in (NominationStatus.PASSED, NominationStatus.AWARDED)

    @property
    def has_failed(self) -> bool:
        """The council did not pass it or it was not awarded."""
        return self.status in (NominationStatus.FAILED, NominationStatus.REJECTED)


class NominationEvent(models.Model):
    """One step of a nomination's life: who moved it, when, from which status to which."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=NominationStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=NominationStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.nomination_id}: {self.get_to_status_display()}"


def _dossier_path(instance: NominationDocument, filename: str) -> str:
    return (
        f"awards/dossiers/{instance.nomination_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"
    )


class NominationDocument(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("Loại tài liệu", max_length=32, choices=DocumentKind.choices)
    file = models.FileField(upload_to=_dossier_path)
    original_name = models.CharField("Tên tệp", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def access_unit_id(self) -> int:
        return self.nomination.proposer_unit_id


class ConsultationComment(models.Model):
    """A comment received during public consultation (lấy ý kiến nhân dân). Append-only on
    PostgreSQL; each comment has an audit event."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="comments")
    author_name = models.CharField("Họ tên người góp ý", max_length=150)
    contact = models.CharField("Địa chỉ liên hệ", max_length=200, blank=True)
    content = models.TextField("Nội dung góp ý")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at"]

    def __str__(self) -> str:
        return f"{self.author_name} ({self.received_at:%d/%m/%Y})"


class SessionStatus(models.TextChoices):
    DRAFT = "draft", "Chuẩn bị"
    OPEN = "open", "Đang biểu quyết"
    CLOSED = "closed", "Đã kết thúc"


class CouncilSession(models.Model):
    """A meeting of the Hội đồng Thi đua – Khen thưởng."""

    title = models.CharField("Tên phiên họp", max_length=300)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="council_sessions",
        verbose_name="Phong trào",
    )
    meeting_date = models.DateField("Ngày họp")
    authority = models.ForeignKey(
        "units.Authority",
        verbose_name="Hội đồng Thi đua – Khen thưởng của",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="council_sessions",
        help_text="Để trống: Hội đồng của cơ quan ban hành có hiệu lực vào ngày họp.",
    )
    location = models.CharField("Địa điểm", max_length=200, blank=True)
    # When the meeting itself began and ended, as the minutes record them ("Thời gian bắt đầu:
    # 14 giờ 00 phút …", "Cuộc họp kết thúc vào hồi …"): typed by the secretariat, or taken from
    # the moment voting was opened / closed when nobody typed them. Not the audit stamps below,
    # which say when the portal's voting opened and closed.
    started_at = models.DateTimeField("Thời gian bắt đầu cuộc họp", null=True, blank=True)
    ended_at = models.DateTimeField("Thời gian kết thúc cuộc họp", null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="SessionMember", related_name="council_sessions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "phiên họp Hội đồng"
        verbose_name_plural = "phiên họp Hội đồng"
        ordering = ["-meeting_date", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("awards:session-detail", args=[self.pk])

    @property
    def is_in_preparation(self) -> bool:
        """Members, secretary and agenda may still change; voting has not begun."""
        return self.status == SessionStatus.DRAFT


class MemberRole(models.TextChoices):
    CHAIR = "chair", "Chủ tịch Hội đồng"
    VICE = "vice", "Phó Chủ tịch Hội đồng"
    MEMBER = "member", "Ủy viên"
    SECRETARY = "secretary", "Ủy viên thư ký"


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", "Chưa điểm danh"
    PRESENT = "present", "Có mặt"
    ABSENT = "absent", "Vắng mặt"


class SessionMember(models.Model):
    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField("Chức danh", max_length=16, choices=MemberRole.choices)
    attendance = models.CharField(
        "Điểm danh", max_length=8, choices=Attendance.choices, default=Attendance.UNKNOWN
    )

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="sessionmember_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"

    @property
    def is_secretary(self) -> bool:
        return self.role == MemberRole.SECRETARY

    @property
    def is_present(self) -> bool:
        return self.attendance == Attendance.PRESENT

    @property
    def is_absent(self) -> bool:
        return self.attendance == Attendance.ABSENT

    @property
    def is_unmarked(self) -> bool:
        """Attendance not taken yet."""
        return self.attendance == Attendance.UNKNOWN


class ItemOutcome(models.TextChoices):
    PENDING = "pending", "Chưa kết luận"
    PASSED = "passed", "Thông qua"
    FAILED = "failed", "Không thông qua"
    NO_QUORUM = "no_quorum", "Không đủ số thành viên dự họp"


class AgendaItem(models.Model):
    """A nomination on a session's agenda, with its tally once the session closes."""

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="items")
    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(default=0)
    secret_ballot = models.BooleanField(default=False)
    outcome = models.CharField(
        max_length=16, choices=ItemOutcome.choices, default=ItemOutcome.PENDING
    )
    tally = models.JSONField(default=dict, blank=True)
    recused = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "nomination"], name="agendaitem_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.order}: {self.nomination_id}"

    @property
    def is_passed(self) -> bool:
        return self.outcome == ItemOutcome.PASSED


class VoteChoice(models.TextChoices):
    AGREE = "agree", "Đồng ý"
    DISAGREE = "disagree", "Không đồng ý"
    ABSTAIN = "abstain", "Không biểu quyết"

    @property
    def is_agree(self) -> bool:
        return self == VoteChoice.AGREE

    @property
    def is_disagree(self) -> bool:
        return self == VoteChoice.DISAGREE


class Ballot(models.Model):
    """An open (non-secret) vote: who chose what. A secret item keeps no Ballot row at all (a
    PostgreSQL trigger refuses one): its choices exist only as the counts in `SecretTally`.
    Append-only on PostgreSQL (migration `council_append_only`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(max_length=8, choices=VoteChoice.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    written = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "member"],
                condition=Q(member__isnull=False),
                name="ballot_one_open_vote",
            )
        ]

    def __str__(self) -> str:
        return "Phiếu biểu quyết"


class SecretTally(models.Model):
    """The counts of a secret-ballot item, and the only place its choices are kept.

    A vote adds one to a column in the voter's transaction (under the session lock), so no row
    holds one member's choice; the row has no timestamp and no history. Closing rewrites the row
    in the closing transaction, so afterwards not even its transaction id (PostgreSQL's `xmin`)
    matches the last voter's receipt. On PostgreSQL a trigger allows only increments that keep
    the total equal to the item's receipts, only while the item is pending, and no deletion."""

    item = models.OneToOneField(
        AgendaItem, primary_key=True, on_delete=models.CASCADE, related_name="secret_tally"
    )
    agree = models.PositiveIntegerField(default=0)
    disagree = models.PositiveIntegerField(default=0)
    abstain = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "kết quả bỏ phiếu kín"
        verbose_name_plural = "kết quả bỏ phiếu kín"

    def __str__(self) -> str:
        return f"Kết quả bỏ phiếu kín: {self.item_id}"

    def counts(self) -> dict[str, int]:
        return {c: getattr(self, c) for c in VoteChoice.values}


class BallotReceipt(models.Model):
    """“Has voted”: one per member per item, the guard against a second vote. It never holds the
    choice. Append-only on PostgreSQL."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="receipts")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cast_at = models.DateTimeField(auto_now_add=True)
    written = models.BooleanField("Phiếu bằng văn bản", default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="receipt_one_per_member")
        ]

    def __str__(self) -> str:
        return f"Đã biểu quyết: {self.member_id}/{self.item_id}"


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SIGNED = "signed", "Đã ký"


class AwardDecision(models.Model):
    """The chairman's decision (quyết định khen thưởng) granting local awards."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="award_decisions",
        verbose_name="Phong trào",
    )
    authority = models.ForeignKey(
        "units.Authority",
        verbose_name="Cơ quan ban hành",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award_decisions",
        help_text="Chủ tịch của cơ quan này quyết định; phải có hiệu lực vào ngày ký.",
    )
    # Given by the register of outgoing documents when the chairman signs (blank in a draft).
    number = models.CharField("Số, ký hiệu", max_length=100, blank=True)
    decision_date = models.DateField(
        "Ngày ký", help_text="Ngày dự kiến khi còn là dự thảo; ngày Chủ tịch ký số khi đã ký."
    )
    title = models.CharField("Trích yếu", max_length=300)
    legal_bases = models.TextField("Căn cứ", blank=True, help_text="Mỗi căn cứ một dòng.")
    status = models.CharField(
        max_length=8, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    session = models.ForeignKey(
        CouncilSession,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name="Phiên họp Hội đồng",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "quyết định khen thưởng"
        verbose_name_plural = "quyết định khen thưởng"
        ordering = ["-decision_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="decision_unique_number"
            )
        ]

    def __str__(self) -> str:
        if self.number:
            return f"Quyết định số {self.number}"
        return f"Dự thảo quyết định: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("awards:decision-detail", args=[self.pk])

    @property
    def is_signed(self) -> bool:
        return self.status == DecisionStatus.SIGNED


class LetterStatus(models.TextChoices):
    SENT = "sent", "Đã gửi, chờ trả lời"
    ANSWERED = "answered", "Cấp trên đã trả lời"


class ForwardingLetter(models.Model):
    """Tờ trình: the town forwards nominations for higher tiers and tracks the answer."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    number = models.CharField("Số tờ trình", max_length=100, unique=True)
    sent_date = models.DateField("Ngày gửi")
    recipient = models.CharField("Kính gửi", max_length=200)
    status = models.CharField(max_length=8, choices=LetterStatus.choices, default=LetterStatus.SENT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_sample = models.BooleanField("Dữ liệu mẫu", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "tờ trình cấp trên"
        verbose_name_plural = "tờ trình cấp trên"
        ordering = ["-sent_date", "-pk"]

    def __str__(self) -> str:
        return f"Tờ trình số {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("awards:letter-detail", args=[self.pk])
