"""The awards app's models. Here: award tiers and their rules (who may confer them, vote rules,
eligibility rules, bonus rates) and what every recipient record shares; each part's own models
are in its sub-package (`nominations/models.py`, `council/models.py`, `decisions/models.py`,
`history/models.py`), imported at the end of this module, so all keep the label `awards`.

Vietnamese terms: hình thức khen thưởng (award form), danh hiệu thi đua (emulation title),
hồ sơ đề nghị (nomination dossier), Hội đồng Thi đua – Khen thưởng (the council),
bỏ phiếu kín (secret ballot), điển hình tiên tiến (exemplary model), sáng kiến (initiative).
Everything the law may change (conditions, thresholds, quorum, amounts) is data with dates.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from units.models import AuthorityLevel, Person, Unit, UnitKind, code_validator

from .council.arithmetic import pct_rule

if TYPE_CHECKING:
    from .nominations.models import NominationDocument


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

    Thresholds under the 2022 Law are unverified (docs/awards-law.md §5), so every figure is
    data."""

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
        p: dict[str, Any] = self.params or {}
        rating: dict[str | None, str] = {k: v.lower() for k, v in Rating.choices}
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

    def _recipient_person(self) -> Person:
        """The person of a row whose `person_id` is set."""
        if self.person is None:
            raise ValueError(f"{self._meta.label} {self.pk}: no person")
        return self.person

    def _recipient_unit(self) -> Unit:
        """The unit of a row without a person (`one_recipient`: then the unit is set)."""
        if self.unit is None:
            raise ValueError(f"{self._meta.label} {self.pk}: neither a unit nor a person")
        return self.unit

    @property
    def recipient(self) -> Unit | Person:
        return self._recipient_person() if self.person_id else self._recipient_unit()

    @property
    def recipient_name(self) -> str:
        return self._recipient_person().full_name if self.person_id else self._recipient_unit().name

    @property
    def nominee_kind(self) -> str:
        if self.person_id:
            return NomineeKind.INDIVIDUAL
        return (
            NomineeKind.HOUSEHOLD
            if self._recipient_unit().kind == UnitKind.HOUSEHOLD
            else NomineeKind.COLLECTIVE
        )

    @property
    def nominee_kind_label(self) -> str:
        return NomineeKind(self.nominee_kind).label

    @property
    def access_unit_id(self) -> int | None:
        return self._recipient_person().affiliation_id if self.person_id else self.unit_id


def one_recipient(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(Q(unit__isnull=False) & Q(person__isnull=True))
        | (Q(unit__isnull=True) & Q(person__isnull=False)),
        name=name,
    )


def _dossier_path(instance: NominationDocument, filename: str) -> str:
    """Where a nomination's dossier file is stored (`NominationDocument.file`). Defined here: the
    migrations name it `awards.models._dossier_path`."""
    return (
        f"awards/dossiers/{instance.nomination_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"
    )


# The models of each part (awards/<part>/models.py), in this app's label: one migration history.
from .council.models import *  # noqa: E402,F403
from .decisions.models import *  # noqa: E402,F403
from .history.models import *  # noqa: E402,F403
from .nominations.models import *  # noqa: E402,F403
