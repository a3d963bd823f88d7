"""The IRO caseload page: an IRO's looked-after children with their next review, and for the IRO manager
every officer's whole footprint (looked-after children and child protection conferences together) and
the children waiting for an IRO."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from safeguarding.access.views import PolicyViewMixin
from safeguarding.pages import NO_SUCH_RECORD

from .. import selectors
from ..policies import episode_policy


class CaseloadView(PolicyViewMixin, TemplateView):
    """``/reviews/``: IROs and the IRO manager (anyone else: 404, as for a page that does not exist)."""

    policy = episode_policy
    action = "review"
    template_name = "reviews/caseload.html"

    def dispatch(self, request, *args, **kwargs):
        access = request.access
        if not (episode_policy.is_iro(access) or episode_policy.is_iro_manager(access)):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        access, user = self.access, self.request.user
        mine = list(selectors.my_caseload(self.get_queryset(), iro=user)[:selectors.ROWS + 1])
        context = {"today": timezone.localdate(), "mine": mine[:selectors.ROWS],
                   "mine_truncated": len(mine) > selectors.ROWS, "row_limit": selectors.ROWS,
                   "is_iro": episode_policy.is_iro(access), "is_manager": episode_policy.is_iro_manager(access)}
        if context["is_manager"]:
            service = episode_policy.visible(access, "allocate")
            waiting = list(selectors.awaiting_iro(service)[:selectors.ROWS + 1])
            context.update(
                waiting=waiting[:selectors.ROWS], waiting_truncated=len(waiting) > selectors.ROWS,
                footprints=[row for la in episode_policy.service_authorities(access)
                            for row in selectors.caseload(local_authority_id=la)])
        ctx.update(context)
        return ctx
