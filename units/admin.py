from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Cluster, Person, Sponsorship, Unit


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "parent", "cluster", "valid_to", "is_sample")
    list_filter = ("kind", "cluster", "is_sample")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    filter_horizontal = ("successors",)


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("full_name", "code", "kind", "affiliation", "is_sample")
    search_fields = ("full_name", "code")
    raw_id_fields = ("affiliation",)


admin.site.register(Cluster, SimpleHistoryAdmin)
admin.site.register(Sponsorship, SimpleHistoryAdmin)
