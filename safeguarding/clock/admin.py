"""Administrators edit the local closure days (days the authority's services are closed, beyond
weekends and bank holidays). A closure day is not case data: deleting one is allowed, and its history
is kept. Open deadlines are not recomputed here: use services.deadlines_recompute_rule after a change."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import LocalClosureDay


@admin.register(LocalClosureDay)
class LocalClosureDayAdmin(SimpleHistoryAdmin):
    list_display = ("date", "weekday", "name")
    date_hierarchy = "date"
    search_fields = ("name",)
    ordering = ("date",)

    @admin.display(description="Day", ordering="date")
    def weekday(self, obj):
        return f"{obj.date:%A}"
