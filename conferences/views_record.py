"""PLACEHOLDER: replaced by the pages work. Every view here answers 404 until written."""

from django.http import Http404
from django.views import View


class _Todo(View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404("Not built yet")


class CoreGroupMeetingView(_Todo):
    pass


class CoreGroupMemberView(_Todo):
    pass


class DecisionLetterPublishView(_Todo):
    pass


class DecisionView(_Todo):
    pass


class DistributeView(_Todo):
    pass


class DocumentDownloadView(_Todo):
    pass


class DocumentsView(_Todo):
    pass


class HoldView(_Todo):
    pass


class MidwayAuditView(_Todo):
    pass


class MinutesEditView(_Todo):
    pass


class MinutesPreviewView(_Todo):
    pass


class MinutesReviseView(_Todo):
    pass


class MinutesSignView(_Todo):
    pass


class PlanActionCreateView(_Todo):
    pass


class PlanActionUpdateView(_Todo):
    pass


class PlanView(_Todo):
    pass


class RecordSaveView(_Todo):
    pass


class RecordView(_Todo):
    pass


class ScalingView(_Todo):
    pass
