"""The bases of the LADO pages.

- ``LadoTeamPage``: a page of the LADO team's (the workbench, the index, consultations): anyone else gets the
  404 of a page that does not exist;
- ``CasePage`` / ``CaseFormPage``: a page about one case, fetched through ``case_policy`` for the view's
  ``action`` with the page's other answers in one query (missing and forbidden are the same 404);
- ``ReferralPage`` / ``ReferralFormPage``: the same for one referral, through ``referral_policy``.

Every read of a case, a referral or an index entry is logged (``lado.services.lado_read_log``); the context
always has ``caption``, ``back_url`` and ``back_label``.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.views import PolicyViewMixin
from safeguarding.pages import NO_SUCH_RECORD, ActionPage

from .. import services
from ..models import LadoCase, Referral
from ..policies import case_policy, is_lado, referral_policy
from ..selectors.pages import case_for_page


def is_late(deadline) -> bool:
    """Whether an open deadline is already past (so the service will ask why)."""
    return bool(deadline and deadline.is_open and deadline.due_date < timezone.localdate())


class LadoTeamPage:
    """A page of the LADO team's: anyone else gets the 404 of a page that does not exist."""

    def dispatch(self, request, *args, **kwargs):
        if not is_lado(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    @property
    def access(self):
        return self.request.access


class CasePage(PolicyViewMixin):
    """A page about one case, reached through ``case_policy`` for ``action``."""

    abstract = True
    policy = case_policy
    answers: tuple[str, ...] = ("work",)

    def dispatch(self, request, *args, **kwargs):
        self.case = case_policy.get_for(self.access, self.kwargs[self.lookup_url_kwarg], self.action,
                                        queryset=case_for_page(LadoCase.objects.all()), answers=self.answers)
        self.referral = self.case.referral
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        """Fetch whatever else the page is about, through the case (404 when it is not its)."""

    def can(self, action: str) -> bool:
        known = case_policy.known_answer(self.access, self.case, action)
        return known if known is not None else case_policy.can(self.access, action, self.case)

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"lado:{name}", kwargs={"public_id": self.case.public_id, **kwargs})

    def caption(self) -> str:
        return f"{self.referral.reference}: {self.referral.subject_name}"

    def back(self) -> tuple[str, str]:
        return self.url("case"), "Back to the case"

    def log_read(self, what: str) -> None:
        services.lado_read_log(user=self.request.user, record=self.case, what=what)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(case=self.case, referral=self.referral, case_url=self.url("case"))
        ctx.setdefault("caption", self.caption())
        back_url, back_label = self.back()
        ctx.setdefault("back_url", back_url)
        ctx.setdefault("back_label", back_label)
        return ctx


class CaseFormPage(CasePage, ActionPage):
    """A one-purpose page about one case (the LADO team's: ``work``)."""

    abstract = True
    action = "work"
    template_name = "lado/action.html"
    optional_asks = ("late_reason",)


class ReferralPage(PolicyViewMixin):
    """A page about one referral, reached through ``referral_policy`` for ``action`` (the LADO team's
    ``view``; the referrer's own status page asks ``track``)."""

    abstract = True
    policy = referral_policy

    def dispatch(self, request, *args, **kwargs):
        self.referral = referral_policy.get_for(self.access, self.kwargs[self.lookup_url_kwarg], self.action,
                                                queryset=Referral.objects.select_related("case", "local_authority"))
        self.case = self.referral.case
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        """Fetch whatever else the page is about, through the referral (404 when it is not its)."""

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"lado:{name}", kwargs={"public_id": self.referral.public_id, **kwargs})

    def caption(self) -> str:
        return f"{self.referral.reference}: {self.referral.subject_name}"

    def back(self) -> tuple[str, str]:
        return self.url("referral"), "Back to the referral"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(referral=self.referral, case=self.case)
        ctx.setdefault("caption", self.caption())
        back_url, back_label = self.back()
        ctx.setdefault("back_url", back_url)
        ctx.setdefault("back_label", back_label)
        return ctx


class ReferralFormPage(ReferralPage, ActionPage):
    abstract = True
    action = "view"
    template_name = "lado/action.html"
