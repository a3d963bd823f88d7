"""PLACEHOLDER: replaced by the pages work. Every view here answers 404 until written."""

from django.http import Http404
from django.views import View


class _Todo(View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404("Not built yet")


class AttendanceView(_Todo):
    pass


class CancelView(_Todo):
    pass


class ConferenceDetailView(_Todo):
    pass


class DashboardView(_Todo):
    pass


class InvitationWithdrawView(_Todo):
    pass


class InvitationsView(_Todo):
    pass


class ReportDetailView(_Todo):
    pass


class ReportShareView(_Todo):
    pass


class ReportSubmitView(_Todo):
    pass


class ReportsView(_Todo):
    pass


class RequestView(_Todo):
    pass


class RescheduleView(_Todo):
    pass


class ReviewRequestView(_Todo):
    pass


class ScheduleView(_Todo):
    pass


class ServiceListView(_Todo):
    pass
