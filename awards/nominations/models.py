"""Nominations with their events, dossier documents and the public's comments; exemplary models
and initiatives (điển hình tiên tiến, sáng kiến) that support them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from units.models import Unit

from ..models import AwardTier, DocumentKind, RecipientMixin, _dossier_path, one_recipient

__all__ = [
    "ConsultationComment",
    "Exemplar",
    "ExemplarKind",
    "Nomination",
    "NominationDocument",
    "NominationEvent",
    "NominationStatus",
    "PeriodKind",
]


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
        constraints = [one_recipient("exemplar_one_recipient")]

    def __str__(self) -> str:
        return self.title


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
        constraints = [one_recipient("nomination_one_recipient")]
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
        from ..eligibility import FACT_LABELS

        return [
            (label[:1].upper() + label[1:], self.facts[k])
            for k, label in FACT_LABELS.items()
            if (self.facts or {}).get(k) is not None
        ]

    @property
    def consultation_open(self) -> bool:
        return (
            self.consultation_until is not None and self.consultation_until >= timezone.localdate()
        )

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
