"""System checks of the portal's own settings (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def audit_chain_key(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Production keys the audit chain (docs/security.md): without AUDIT_CHAIN_KEY an insider who
    can write the database can edit an event and re-compute the whole chain unnoticed."""
    key = getattr(settings, "AUDIT_CHAIN_KEY", "") or ""
    if not key:
        return [
            checks.Error(
                "AUDIT_CHAIN_KEY chưa được đặt: nhật ký thay đổi chỉ được băm SHA-256 không khóa, "
                "người có quyền ghi cơ sở dữ liệu có thể sửa sự kiện rồi tính lại cả chuỗi.",
                hint="Đặt AUDIT_CHAIN_KEY (hoặc AUDIT_CHAIN_KEY_FILE) là một chuỗi ngẫu nhiên "
                "từ 32 ký tự, giữ ngoài cơ sở dữ liệu và bản sao lưu (docs/deployment.md).",
                id="portal.E001",
            )
        ]
    if len(key) < 32:
        return [
            checks.Error(
                "AUDIT_CHAIN_KEY quá ngắn (dưới 32 ký tự).",
                hint="Dùng một chuỗi ngẫu nhiên, ví dụ: python -c "
                "'import secrets; print(secrets.token_urlsafe(48))'.",
                id="portal.E002",
            )
        ]
    return []
