"""E-mail notifications: a person is told, once per event, when something now waits for them.

The kinds are registered here, in one table, with the words a person reads on their settings
page. A service that causes such an event calls `notify(...)` inside its transaction: one
`Notification` row per person is written with the event (unique per person, kind and event, so a
retried request or a second worker never announces it twice), and the mails leave after the
transaction commits — a rolled-back event sends nothing. A person turns a kind off on
"Thông báo qua thư điện tử" (`NotificationOptOut`); the deadline reminders
(campaigns/results/reminders.py) are separate and keep their own schedule.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification, NotificationOptOut, User
from .rows import acting

log = logging.getLogger(__name__)

SIGNATURE = "Cổng thông tin Thi đua – Khen thưởng"


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # on the settings page: "Hồ sơ của đơn vị bị trả lại"
    help: str


KINDS: dict[str, Kind] = {
    k.key: k
    for k in [
        Kind(
            "returned",
            "Hồ sơ của đơn vị bị trả lại",
            "Bản tự đánh giá hoặc tiêu chí bị trả lại để bổ sung, kèm lý do.",
        ),
        Kind(
            "extension_answered",
            "Đề nghị gia hạn được trả lời",
            "Cơ quan thường trực đồng ý hoặc không đồng ý gia hạn.",
        ),
        Kind(
            "vote_opened",
            "Phiên họp Hội đồng mở biểu quyết",
            "Ông/bà là thành viên phiên họp và có thể biểu quyết trên cổng.",
        ),
        Kind(
            "to_sign",
            "Văn bản chờ ký duyệt",
            "Báo cáo hoặc văn bản đã tạo xong, chờ Chủ tịch ký số.",
        ),
    ]
}


def unit_officers(unit: Any) -> list[User]:
    """The officers who answer for a unit: its own and those of the unit above it (a commune's
    officer answers for its villages)."""
    ids = [unit.pk] + ([unit.parent_id] if unit.parent_id else [])
    return list(User.objects.filter(units__in=ids, is_active=True).distinct())


def holders_of(capability: str) -> list[User]:
    """Everyone who holds a capability by role (the chairman for "report.sign")."""
    from .access import users_holding

    return list(users_holding(capability))


def recipients(users: Iterable[User | None], kind: str) -> list[User]:
    """Active people with an e-mail address who have not turned this kind off."""
    people = {u.pk: u for u in users if u is not None and u.is_active and u.email}
    if not people:
        return []
    off = set(
        NotificationOptOut.objects.filter(user_id__in=people, kind=kind).values_list(
            "user_id", flat=True
        )
    )
    return [u for pk, u in sorted(people.items()) if pk not in off]


def notify(
    kind: str, *, users: Iterable[User | None], event: str, subject: str, body: str, path: str
) -> None:
    """Announce one event to these people, once each. Call inside the event's transaction."""
    if kind not in KINDS:
        raise KeyError(f"Unknown notification kind {kind!r}: add it to portal.notify.KINDS")
    link = settings.SITE_URL.rstrip("/") + path
    created: list[int] = []
    for user in recipients(users, kind):
        text = (
            f"Kính gửi {user.display_name},\n\n{body}\n\nXem và xử lý tại: {link}\n\n"
            f"{SIGNATURE}\n(Ông/bà có thể tắt loại thông báo này tại mục “Thông báo qua thư "
            f"điện tử” trên cổng.)"
        )
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    user=user, kind=kind, event=event[:120], subject=subject[:255], body=text
                )
        except IntegrityError:
            continue  # this event was already announced to this person
        created.append(note.pk)
    if created:
        transaction.on_commit(lambda: send(created))


def send(ids: list[int]) -> int:
    """Send the notifications not sent yet; a mail server that fails leaves them unsent (logged)."""
    sent = 0
    for note in Notification.objects.filter(pk__in=ids, sent_at__isnull=True).select_related(
        "user"
    ):
        try:
            send_mail(f"[Thi đua] {note.subject}", note.body, None, [note.user.email])
        except Exception:  # the event stands; the mail is retried by nobody, so log it loudly
            log.exception("notification %s to %s not sent", note.pk, note.user.email)
            continue
        note.sent_at = timezone.now()
        note.save(update_fields=["sent_at"])
        sent += 1
    return sent


@transaction.atomic
def set_opt_outs(*, user: User, off: Iterable[str], by: User) -> None:
    """Turn these kinds off for `user` and every other kind on."""
    off = {k for k in off if k in KINDS}
    current = set(user.notification_opt_outs.values_list("kind", flat=True))
    for kind in current - off:
        for row in user.notification_opt_outs.filter(kind=kind):
            acting(row, by)
            row.delete()
    for kind in off - current:
        row = NotificationOptOut(user=user, kind=kind)
        acting(row, by)
        row.save()
