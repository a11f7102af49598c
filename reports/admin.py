from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Report, SignOff


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    """Read-mostly: reports change only through the services (request, render, sign)."""

    list_display = ("pk", "kind", "campaign", "year", "version", "status", "requested_at")
    list_filter = ("kind", "status", "campaign")
    readonly_fields = ("sha256", "context_hash", "file", "verification_code", "lease_until")


@admin.register(SignOff)
class SignOffAdmin(SimpleHistoryAdmin):
    list_display = ("report", "signed_by", "signed_at", "signed_sha256")
    readonly_fields = ("read_sha256", "signed_sha256", "signed_file", "signed_at", "signed_by")
