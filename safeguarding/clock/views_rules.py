"""The rules page: every statutory timescale the clock keeps, this deployment's overrides, and the days
that do not count as working days in the next 12 months.

It shows no case data, so it needs no policy object: any signed-in member of staff may read it (the
LoginRequiredMiddleware already keeps out anonymous people and API clients; someone with no active
membership is not staff and is refused).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import rules, workdays
from .models import LocalClosureDay


def today():
    return timezone.localdate()


def non_working_days(start, end):
    """Bank holidays (each once, on its weekday) and local closure days from ``start`` to ``end``."""
    days = [(day, name, "Bank holiday") for day, name in workdays.bank_holidays(start, end)]
    days += [(c.date, c.name, "Local closure day")
             for c in LocalClosureDay.objects.filter(date__gte=start, date__lte=end)]
    return [{"date": day, "name": name, "kind": kind} for day, name, kind in sorted(days)]


@require_GET
def rules_page(request):
    access = request.access
    if not access.memberships or access.is_api_client:
        raise PermissionDenied("The rules page is for staff")
    every_rule = list(rules.all_rules().values())
    coded = rules.defaults()  # what the code says, shown beside an overridden rule
    groups = [
        {"service": service,
         "rows": [{"rule": r, "default": coded[r.key]}
                  for r in every_rule if r.service is service]}
        for service in rules.Service
    ]
    start = today()
    until = workdays.add_months(start, 12) - timedelta(days=1)
    return render(request, "clock/rules.html", {
        "groups": [g for g in groups if g["rows"]],
        "national_overridden": [r for r in every_rule if r.overridden and r.scope is rules.Scope.NATIONAL],
        "local_overridden": [r for r in every_rule if r.overridden and r.scope is rules.Scope.LOCAL],
        "today": start,
        "until": until,
        "non_working_days": non_working_days(start, until),
        # local rules cite this deployment's own procedures (settings), not the areas the defaults came from
        "local_procedures_name": settings.LOCAL_PROCEDURES_NAME,
        "local_procedures_url": settings.LOCAL_PROCEDURES_URL,
    })


urlpatterns = [
    path("rules/", rules_page, name="rules"),
]
