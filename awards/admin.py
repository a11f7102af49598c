from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AwardTier,
    BonusRate,
    EligibilityRule,
    Exemplar,
    PendingCase,
    TierPower,
    VoteRule,
    YearlyRating,
)


class VoteRuleInline(admin.TabularInline):
    model = VoteRule
    extra = 0


class RuleInline(admin.TabularInline):
    model = EligibilityRule
    extra = 0


class PowerInline(admin.TabularInline):
    model = TierPower
    extra = 0


class BonusRateInline(admin.TabularInline):
    model = BonusRate
    extra = 0


@admin.register(AwardTier)
class AwardTierAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "level", "certificate_heading", "is_active"]
    inlines = [PowerInline, VoteRuleInline, RuleInline, BonusRateInline]


@admin.register(YearlyRating)
class YearlyRatingAdmin(SimpleHistoryAdmin):
    list_display = ["year", "unit", "person", "rating"]
    list_filter = ["year", "rating"]
    raw_id_fields = ["unit", "person"]


@admin.register(PendingCase)
class PendingCaseAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "unit", "person", "opened_on", "closed_on"]
    raw_id_fields = ["unit", "person"]


admin.site.register(BonusRate)
admin.site.register(Exemplar, SimpleHistoryAdmin)
