"""Award decisions the chairman signs, and forwarding letters (tờ trình) to the upper level."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ..council.models import CouncilSession

__all__ = [
    "AwardDecision",
    "DecisionStatus",
    "ForwardingLetter",
    "LetterStatus",
]


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
