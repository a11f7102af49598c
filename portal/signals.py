"""Deactivating a user ends every session they hold."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import User


def end_sessions_of(user: User) -> int:
    """Delete the user's sessions; returns how many. Session rows are scanned only when needed
    (deactivation is rare)."""
    removed = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            removed += 1
    return removed


@receiver(post_save, sender=User)
def _end_sessions_on_deactivation(sender: type[User], instance: User, **kwargs: Any) -> None:
    if not instance.is_active and not kwargs.get("created"):
        end_sessions_of(instance)
