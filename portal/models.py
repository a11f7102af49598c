"""Users, their roles and the units an officer is bound to."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords

from .roles import Role


class User(AbstractUser):
    """A person who signs in. Roles come from RoleGrant rows; officers are bound to units."""

    full_name = models.CharField("Họ và tên", max_length=150, blank=True)
    position = models.CharField("Chức vụ", max_length=150, blank=True)
    phone = models.CharField("Điện thoại", max_length=30, blank=True)
    units = models.ManyToManyField(
        "units.Unit",
        blank=True,
        related_name="officers",
        verbose_name="Đơn vị phụ trách",
        help_text=(
            "Cán bộ đơn vị chỉ thấy và nhập số liệu của các đơn vị này (và các thôn trực thuộc)."
        ),
    )
    # The person record of the account holder, so a council member is recused from voting on
    # their own nomination (awards.council.selectors.recusal_reasons).
    person = models.OneToOneField(
        "units.Person",
        verbose_name="Cá nhân (hồ sơ thi đua)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
        help_text="Hồ sơ cá nhân của người dùng, nếu có: thành viên Hội đồng không biểu quyết "
        "trường hợp đề nghị khen thưởng chính mình.",
        error_messages={"unique": "Cá nhân này đã được gắn với một tài khoản khác."},
    )
    history = HistoricalRecords(excluded_fields=["last_login", "password"], m2m_fields=[units])

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[Role]:
        """The user's roles, read once per request (the user object lives for one request)."""
        if not self.is_active:
            return frozenset()
        return frozenset(Role(r) for r in self.role_grants.values_list("role", flat=True))

    def role_labels(self) -> list[str]:
        return [Role(r).label for r in sorted(self.roles)]


class RoleGrant(models.Model):
    """One role held by one user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("Vai trò", max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò"
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique_user_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class AuditEvent(models.Model):
    """One write to a tracked row: who, when, which row, old → new. Append-only (a PostgreSQL
    trigger refuses UPDATE and DELETE) and hash-chained: `hash` = HMAC-SHA256, with the key that
    `key_id` names (AUDIT_CHAIN_KEY, never stored here), of the previous event's hash and this
    event's content (plain SHA-256 for events written before a key, `key_id` empty), so
    `manage.py verify_audit` finds any edited or removed row. Written by `portal.audit`
    (simple_history's signal, and `record_bulk` for queryset updates)."""

    class Action(models.TextChoices):
        CREATE = "+", "Tạo mới"
        UPDATE = "~", "Sửa"
        DELETE = "-", "Xóa"
        BULK = "bulk", "Cập nhật hàng loạt"

    at = models.DateTimeField("Thời điểm", db_index=True)
    actor_id = models.BigIntegerField("Mã người thực hiện", null=True, blank=True)
    actor_name = models.CharField("Người thực hiện", max_length=150, blank=True)
    model = models.CharField("Loại dữ liệu", max_length=100, db_index=True)
    object_id = models.CharField("Mã bản ghi", max_length=64)
    object_repr = models.CharField("Bản ghi", max_length=200, blank=True)
    action = models.CharField("Thao tác", max_length=8, choices=Action.choices)
    changes = models.JSONField("Thay đổi", default=dict)
    unit_id = models.BigIntegerField("Đơn vị", null=True, blank=True, db_index=True)
    reason = models.CharField("Lý do", max_length=300, blank=True)
    request_id = models.CharField("Mã yêu cầu", max_length=32, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    #: Which key made `hash` (`portal.audit.key_id`); empty: SHA-256 without a key.
    key_id = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        verbose_name = "sự kiện nhật ký"
        verbose_name_plural = "nhật ký thay đổi"
        ordering = ["-id"]
        indexes = [models.Index(fields=["model", "object_id"], name="auditevent_object")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.model}:{self.object_id} {self.action}"


class AuditChainHead(models.Model):
    """The single row that serialises appends to the audit chain (locked with SELECT … FOR
    UPDATE) and remembers the last hash, so removing the newest events is detected too."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "đầu chuỗi nhật ký"

    def __str__(self) -> str:
        return f"#{self.last_id} ({self.count})"


class Notification(models.Model):
    """One e-mail to one person about one event ("Hồ sơ … bị trả lại"), written in the same
    transaction as the event, so an event is announced once even if its request is retried."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("Loại thông báo", max_length=40)
    event = models.CharField("Sự kiện", max_length=120)
    subject = models.CharField("Tiêu đề", max_length=255)
    body = models.TextField("Nội dung")
    created_at = models.DateTimeField("Tạo lúc", auto_now_add=True)
    sent_at = models.DateTimeField("Gửi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "event"], name="notification_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationOptOut(models.Model):
    """A kind of e-mail this person has turned off (every kind is on until turned off)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_opt_outs")
    kind = models.CharField("Loại thông báo", max_length=40)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "thông báo đã tắt"
        verbose_name_plural = "thông báo đã tắt"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_optout_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.kind}"

    @property
    def access_unit_id(self) -> None:
        return None
