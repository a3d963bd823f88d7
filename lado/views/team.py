"""The LADO team's pages: the workbench, consultations, the person index (search and entries), the portal's
accounts (suspend, reinstate) and, for the LADO manager, who read which LADO record."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.views.generic import TemplateView

from safeguarding.access.views import PolicyViewMixin
from safeguarding.pages import NO_SUCH_RECORD, ActionPage

from .. import services
from ..policies import (
    case_policy,
    consultation_policy,
    index_policy,
    is_lado_manager,
    lado_authorities,
    lado_manager_authorities,
    referrer_policy,
)
from ..selectors import index_search, with_history
from ..selectors.pages import ROWS, access_log, entry_page, lado_services, views_of_record, workbench
from ..selectors.processes import overdue_actions
from .base import LadoTeamPage
from .forms import ConsultationForm, IndexSearchForm, ReasonForm


class WorkbenchView(LadoTeamPage, TemplateView):
    """``/lado/``: new referrals to evaluate (the employer's working day flagged), open cases by age, the
    repeat-allegation alerts."""

    template_name = "lado/workbench.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        data = workbench(case_policy.visible(self.access, "work"))
        services.lado_reads_log(user=self.request.user, records=data.new + data.open, what="workbench")
        ctx.update(w=data, row_limit=ROWS, is_manager=is_lado_manager(self.access))
        ctx["overdue_actions"] = overdue_actions(case_policy.visible(self.access, "work"))  # ADR 21
        return ctx


class ConsultationsView(LadoTeamPage, TemplateView):
    template_name = "lado/consultations.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = list(consultation_policy.visible(self.access).select_related("referral", "created_by")
                    .order_by("-received_on", "-pk")[:ROWS + 1])
        ctx.update(consultations=rows[:ROWS], truncated=len(rows) > ROWS, row_limit=ROWS)
        return ctx


class ConsultationCreateView(LadoTeamPage, ActionPage):
    form_class = ConsultationForm
    title = "Record a consultation"
    submit_label = "Save the consultation"

    def intro(self):
        return ["Advice given without a referral. It is counted in the service's figures and can become a referral."]

    def back(self):
        return reverse("lado:consultations"), "Back to consultations"

    def form_valid(self, form):
        # the service of the LADO team the person is in (the first, for someone in two)
        la = next((a for a in lado_services() if a.pk in lado_authorities(self.access)), None)
        return self.run(form, lambda: services.consultation_record(actor=self.request.user, local_authority=la,
                                                                   data=form.cleaned_data),
                        "The consultation has been recorded.")


class IndexSearchView(LadoTeamPage, TemplateView):
    """Search the person index (name, date of birth, identifiers); each result shown is a read, logged."""

    template_name = "lado/index_search.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = IndexSearchForm(self.request.GET or None)
        results = None
        if form.is_bound and form.is_valid():
            d = form.cleaned_data
            entries = with_history(index_policy.visible(self.access))
            results = index_search(entries=entries, name=d["name"], date_of_birth=d["date_of_birth"],
                                   identifier=d["identifier"])
            services.lado_reads_log(user=self.request.user, records=[r.entry for r in results], what="index search")
        ctx.update(form=form, results=results)
        return ctx


class IndexEntryView(PolicyViewMixin, TemplateView):
    """One adult in the person index: their identifiers and every allegation about them, with its outcome."""

    policy = index_policy
    template_name = "lado/index_entry.html"

    def dispatch(self, request, *args, **kwargs):
        self.entry = index_policy.get_for(self.access, self.kwargs["public_id"], "view",
                                          answers=("view_access_log",))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        services.lado_read_log(user=request.user, record=self.entry, what="index entry")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        sees_log = index_policy.known_answer(self.access, self.entry, "view_access_log")
        ctx.update(entry=self.entry, cases=entry_page(self.entry),
                   views=views_of_record(self.entry) if sees_log else None)
        return ctx


class AccessLogView(TemplateView):
    """``/lado/access-log/``: the LADO manager sees who read which LADO record (cases, referrals, index
    entries), newest first. Anyone else: 404."""

    template_name = "lado/access_log.html"

    def dispatch(self, request, *args, **kwargs):
        self.authorities = lado_manager_authorities(request.access)
        if not self.authorities:
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["reads"] = access_log(local_authority_ids=self.authorities)
        return ctx


class ReferrersView(LadoTeamPage, TemplateView):
    """The portal's accounts registered with the LADO team's services."""

    template_name = "lado/referrers.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = list(referrer_policy.visible(self.access).select_related("user").order_by("organisation", "pk")
                    [:ROWS + 1])
        ctx.update(referrers=rows[:ROWS], truncated=len(rows) > ROWS, row_limit=ROWS)
        return ctx


class ReferrerActionView(PolicyViewMixin, ActionPage):
    """Suspend (``suspend``) or reinstate a portal account, with a reason."""

    policy = referrer_policy
    action = "manage"
    form_class = ReasonForm
    suspend = True

    def dispatch(self, request, *args, **kwargs):
        self.referrer = referrer_policy.get_for(self.access, self.kwargs["public_id"], "manage",
                                                shape=lambda qs: qs.select_related("user"))
        return super().dispatch(request, *args, **kwargs)

    def title(self):
        verb = "Suspend" if self.suspend else "Reinstate"
        return f"{verb} {self.referrer.user.display_name}'s portal account"

    def rows(self):
        return [("Organisation", self.referrer.organisation), ("Role", self.referrer.role_label),
                ("Email", self.referrer.user.email)]

    def intro(self):
        if self.suspend:
            return ["They will not be able to make referrals or see the status of theirs. Their referrals stay."]
        return ["They will be able to make referrals and follow theirs again."]

    @property
    def submit_label(self):
        return "Suspend the account" if self.suspend else "Reinstate the account"

    @property
    def warning_button(self):
        return self.suspend

    def back(self):
        return reverse("lado:referrers"), "Back to portal accounts"

    def done(self):
        if self.suspend and self.referrer.is_suspended:
            return "This account is suspended."
        if not self.suspend and not self.referrer.is_suspended:
            return "This account is not suspended."
        return ""

    def form_valid(self, form):
        fn = services.referrer_suspend if self.suspend else services.referrer_reinstate
        return self.run(form, lambda: fn(actor=self.request.user, referrer=self.referrer,
                                         reason=form.cleaned_data["reason"]),
                        "The account is suspended." if self.suspend else "The account is reinstated.")
