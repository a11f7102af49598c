"""Writes of the site shell: users and their roles."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from .models import RoleGrant, User
from .roles import Role
from .signals import end_sessions_of


@transaction.atomic
def user_save(*, user: User, roles: Iterable[str], password: str | None = None) -> User:
    """Save a user built by UserForm (commit=False) with exactly the given roles."""
    is_new = user.pk is None
    if password:
        user.set_password(password)
    elif is_new and not user.password:  # a new user without a password (or its hash) set
        user.set_unusable_password()
    user.save()
    wanted = {Role(r).value for r in roles}
    current = set(user.role_grants.values_list("role", flat=True))
    for role in current - wanted:
        # Deleted one by one so each removal leaves its own history row.
        for grant in user.role_grants.filter(role=role):
            grant.delete()
    for role in wanted - current:
        RoleGrant.objects.get_or_create(user=user, role=role)  # concurrent saves: one row
    user.__dict__.pop("roles", None)
    return user


@transaction.atomic
def user_set_active(*, user: User, active: bool) -> None:
    """Activate or deactivate a user; deactivation ends their open sessions at once."""
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        end_sessions_of(user)
