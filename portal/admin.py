from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import RoleGrant, User


class RoleGrantInline(admin.TabularInline[RoleGrant, User]):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin[User], SimpleHistoryAdmin):  # type: ignore[misc]  # untyped base
    inlines = [RoleGrantInline]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Thi đua", {"fields": ("full_name", "position", "phone", "units")}),
    )
    filter_horizontal = ("units", "groups", "user_permissions")
    list_display = ("username", "full_name", "is_active", "last_login")
    search_fields = ("username", "full_name", "email")
