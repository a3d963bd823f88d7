"""The agency's pages: referring a case, and for an agency lead the requests to their agency, one request's
chronology (add an entry), and returning the information form. Anyone else: the 404 of a missing record."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.views.generic import TemplateView

from safeguarding.pages import NO_SUCH_RECORD, ActionPage, day

from .. import services
from ..policies import referral_policy, request_policy
from ..selectors import information_due, my_requests, request_entries
from ..selectors.report import request_files
from .forms import EntryForm, InformationForm


class RequestsView(TemplateView):
    template_name = "partnership/requests.html"

    def dispatch(self, request, *args, **kwargs):
        if not referral_policy.can_refer(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        access = self.request.access
        return {**super().get_context_data(**kwargs), "is_lead": request_policy.sees_requests_list(access),
                "requests": my_requests(ctx=access)}


class _RequestAction(ActionPage):
    def dispatch(self, request, *args, **kwargs):
        self.agency_request = request_policy.get_for(
            request.access, kwargs["public_id"], "view",
            shape=lambda qs: qs.select_related("agency", "rapid_review", "rapid_review__referral__local_authority"),
            answers=("submit",))
        return super().dispatch(request, *args, **kwargs)

    def caption(self):
        return self.agency_request.agency.name

    def done(self):
        r = self.agency_request
        if r.returned_on:
            return f"Your agency returned its information form on {day(r.returned_on)}."
        if not request_policy.can(self.request.access, "submit", r):
            return "The rapid review has been submitted: nothing more can be added."
        return ""

    def back(self):
        return reverse("partnership:requests"), "Back to the requests to your agency"


class EntryView(_RequestAction):
    title = "Your agency's chronology"
    form_class = EntryForm
    submit_label = "Add the entry"

    def intro(self):
        r = self.agency_request
        due = information_due(r.rapid_review)
        held = r.rapid_review.meeting_held_on
        return [f"Rapid review in {r.rapid_review.referral.local_authority.name}, asked on {day(r.requested_on)}."
                + (f" Your chronology and information form are due by {day(due, weekday=True)}." if due else "")] + (
            [f"The rapid review meeting was held on {day(held)}: what you add now is kept as a late addition, "
             "shown apart from the chronology the meeting considered."] if held else [])

    def rows(self):
        entries = [(day(e.happened_on) + (" (after the meeting)" if e.after_meeting else ""), e.entry)
                   for e in request_entries(self.agency_request)]
        return entries + [(f"File: {f.name}", f.status) for f in request_files(self.agency_request).rows]

    def links(self):
        files = [(f.download_url, f"Open {f.name}") for f in request_files(self.agency_request).rows if f.download_url]
        if self.done():
            return files
        return [(reverse("partnership:request_file_new", args=[self.agency_request.public_id]),
                 "Send a file with your chronology"),
                (reverse("partnership:request_return", args=[self.agency_request.public_id]),
                 "Return the information form (the chronology is then complete)"), *files]

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(form, lambda: services.chronology_entry_add(
            actor=self.request.user, request=self.agency_request, happened_on=data["happened_on"],
            entry=data["entry"]), "The entry has been added.",
            url=reverse("partnership:request", args=[self.agency_request.public_id]))


class ReturnView(_RequestAction):
    title = "Return the information form"
    form_class = InformationForm
    submit_label = "Return the form"
    warning = "Once returned, your agency cannot add to its chronology."

    def back(self):
        return reverse("partnership:request", args=[self.agency_request.public_id]), "Back to your chronology"

    def form_valid(self, form):
        return self.run(form, lambda: services.information_return(
            actor=self.request.user, request=self.agency_request, information=form.cleaned_data["information"]),
            "Your information form has been returned.", url=reverse("partnership:requests"))
