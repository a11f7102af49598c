"""Council sessions (Hội đồng Thi đua – Khen thưởng): seats and attendance, the agenda, open
ballots, secret tallies and the receipts that say who has voted."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ..nominations.models import Nomination

if TYPE_CHECKING:
    from portal.models import User

__all__ = [
    "AgendaItem",
    "Attendance",
    "Ballot",
    "BallotReceipt",
    "CouncilSession",
    "ItemOutcome",
    "MemberRole",
    "SecretTally",
    "SessionMember",
    "SessionStatus",
    "VoteChoice",
]


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
    members: models.ManyToManyField[User, SessionMember] = models.ManyToManyField(
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
