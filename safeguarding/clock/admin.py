"""Administrators edit the local closure days (days the authority's services are closed, beyond
weekends and bank holidays). A closure day is not case data: deleting one is allowed, and its history
is kept. Adding, moving or removing one recomputes the open deadlines whose period it falls in."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import LocalClosureDay
from .services import deadlines_recompute_for_closure


@admin.register(LocalClosureDay)
class LocalClosureDayAdmin(SimpleHistoryAdmin):
    list_display = ("date", "weekday", "name")
    date_hierarchy = "date"
    search_fields = ("name",)
    ordering = ("date",)

    def save_model(self, request, obj, form, change):
        old = LocalClosureDay.objects.filter(pk=obj.pk).values_list("date", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        for day in {obj.date, old} - {None}:
            n = deadlines_recompute_for_closure(day=day, actor=request.user, reason=f"Closure day changed: {obj}")
            if n:
                self.message_user(request, f"{n} open deadline(s) around {day:%d %B %Y} were recomputed.")

    def delete_model(self, request, obj):
        day = obj.date
        super().delete_model(request, obj)
        deadlines_recompute_for_closure(day=day, actor=request.user, reason=f"Closure day removed: {day:%d %B %Y}")

    def delete_queryset(self, request, queryset):
        days = list(queryset.values_list("date", flat=True))
        super().delete_queryset(request, queryset)
        for day in days:
            deadlines_recompute_for_closure(day=day, actor=request.user, reason=f"Closure day removed: {day:%d %B %Y}")

    @admin.display(description="Day", ordering="date")
    def weekday(self, obj):
        return f"{obj.date:%A}"
