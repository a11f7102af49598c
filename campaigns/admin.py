from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import RankingPublication, RankingWeight


@admin.register(RankingWeight)
class RankingWeightAdmin(SimpleHistoryAdmin):
    list_display = ("campaign", "criterion", "points")
    list_filter = ("campaign",)


@admin.register(RankingPublication)
class RankingPublicationAdmin(admin.ModelAdmin):
    """Published rankings are frozen: readable here, never edited."""

    list_display = ("campaign", "kind", "year", "version", "published_at", "sha256")
    list_filter = ("campaign", "kind", "year")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
