"""The partnership's action pages: refer a case, triage a referral, a partner's decision, a step done.
Each does one thing through a service (``safeguarding.pages.ActionPage``); refused looks like missing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from safeguarding.clock import rules
from safeguarding.pages import NO_SUCH_RECORD, ActionPage, day

from .. import plan, services
from ..policies import is_business_unit, rapid_review_policy, referral_policy
from ..selectors import choices, step_is_open
from .forms import DecisionForm, NotificationForm, ReferralForm, RequestAgenciesForm, SeatForm, StepForm, TriageForm

CHILD_FIELDS = ("first_names", "surname", "date_of_birth", "nhs_number")


def _child_errors(exc: ValidationError) -> ValidationError:
    """The service names the first child's fields ``children-0-<field>``; the form has one child."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({k.removeprefix("children-0-"): v for k, v in exc.error_dict.items()})


class ReferView(ActionPage):
    title = "Refer a case to the safeguarding partnership"
    form_class = ReferralForm
    submit_label = "Send the referral"

    def dispatch(self, request, *args, **kwargs):
        if not referral_policy.can_refer(request.access):
            raise Http404(NO_SUCH_RECORD)
        self.own = choices.agencies(referral_policy.referring_agencies_for(request.access))
        return super().dispatch(request, *args, **kwargs)

    def intro(self):
        return ["The partnership business unit and the practice review group will consider whether the case "
                "needs a review. You will not be told here whether the child is already known."]

    def back(self):
        return reverse("home"), "Back to home"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agencies": [(str(a.public_id), a.name) for a in self.own],
                "authorities": choices.local_authorities()}

    def form_valid(self, form):
        data = form.cleaned_data
        agency = next((a for a in self.own if str(a.public_id) == data["referring_agency"]), None)
        authority = choices.agency_by_public_id(data["local_authority"])

        def refer():
            if agency is None or authority is None:
                raise ValidationError({"referring_agency": "Choose your agency"} if agency is None
                                      else {"local_authority": "Choose the local authority"})
            try:
                return services.referral_make(
                    actor=self.request.user, referring_agency=agency, local_authority=authority,
                    aware_on=data["aware_on"], kind=data["kind"], what_happened=data["what_happened"],
                    criteria_reason=data["criteria_reason"], children=[{k: data[k] for k in CHILD_FIELDS}])
            except ValidationError as exc:
                raise _child_errors(exc) from None

        return self.run(form, refer, "Your referral has been sent to the safeguarding partnership.")


class TriageView(ActionPage):
    title = "Triage the referral"
    form_class = TriageForm
    submit_label = "Record the decision"

    def dispatch(self, request, *args, **kwargs):
        self.referral = referral_policy.get_for(request.access, kwargs["public_id"], "view",
                                                shape=lambda qs: qs.select_related("referring_agency",
                                                                                   "local_authority"))
        return super().dispatch(request, *args, **kwargs)

    def rows(self):
        r = self.referral
        return [("What", r.get_kind_display()), ("Referred by", r.referring_agency.name),
                ("Local authority", r.local_authority.name), ("The agency became aware", day(r.aware_on)),
                ("What happened", r.what_happened), ("Why it may meet the criteria", r.criteria_reason or "Not given")]

    def done(self):
        return "" if self.referral.triage == self.referral.Triage.PENDING else \
            f"This referral has been triaged: {self.referral.get_triage_display()}."

    def back(self):
        return reverse("partnership:dashboard"), "Back to the partnership"

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(form, lambda: services.referral_triage(
            actor=self.request.user, referral=self.referral, triage=data["triage"], rationale=data["rationale"],
            la_aware_on=data["la_aware_on"]), "The triage decision has been recorded.")


class _ReviewAction(ActionPage):
    action = "view"

    def dispatch(self, request, *args, **kwargs):
        self.review = rapid_review_policy.get_for(request.access, kwargs["public_id"], self.action,
                                                  shape=lambda qs: qs.select_related("referral"))
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return reverse("partnership:rapid_review", args=[self.review.public_id]), "Back to the rapid review"


class DecisionView(_ReviewAction):
    action = "decide"
    title = "Are the criteria for a rapid review met?"
    form_class = DecisionForm
    submit_label = "Record the decision"

    def get_form_kwargs(self):
        own = choices.agencies(rapid_review_policy.decision_agencies(self.request.access, self.review))
        self.own = own
        return {**super().get_form_kwargs(), "agencies": [(str(a.public_id), a.name) for a in own]}

    def form_valid(self, form):
        data = form.cleaned_data
        agency = next((a for a in self.own if str(a.public_id) == data["agency"]), None)
        return self.run(form, lambda: services.criteria_decide(
            actor=self.request.user, review=self.review, agency=agency, criteria_met=data["criteria_met"],
            rationale=data["rationale"]), "Your decision has been recorded.")


class StepView(_ReviewAction):
    action = "manage"
    form_class = StepForm
    submit_label = "Record it"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["step"] not in plan.step_keys():
            raise Http404(NO_SUCH_RECORD)
        self.step = kwargs["step"]
        return super().dispatch(request, *args, **kwargs)

    def title(self):
        return f"Done: {rules.get(self.step).title}"

    def done(self):
        return "" if step_is_open(self.review, self.step) else "This step has been recorded already."

    def get_initial(self):
        return {"done_on": timezone.localdate()}

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(form, lambda: services.rapid_review_step_done(
            actor=self.request.user, review=self.review, step=self.step, done_on=data["done_on"],
            late_reason=data["late_reason"]), "The step has been recorded.")


class NotificationView(_ReviewAction):
    action = "manage"
    title = "Record a notification"
    form_class = NotificationForm
    submit_label = "Record the notification"

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(form, lambda: services.notification_record(
            actor=self.request.user, referral=self.review.referral, to=data["to"], sent_on=data["sent_on"],
            reference=data["reference"], late_reason=data["late_reason"]), "The notification has been recorded.")


class RequestAgenciesView(_ReviewAction):
    action = "manage"
    title = "Ask agencies for their chronologies"
    form_class = RequestAgenciesForm
    submit_label = "Send the requests"

    def intro(self):
        return ["Each agency's safeguarding lead is asked for a chronology and the information gathering form, "
                "due on the plan's day. An agency asked already is not asked again."]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agencies": choices.active_agencies()}

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(form, lambda: services.agencies_request(
            actor=self.request.user, review=self.review, agencies=choices.agencies_by_public_ids(data["agencies"]),
            late_reason=data["late_reason"]), lambda made: f"{len(made)} agencies asked." if made else
            "Every agency chosen had been asked already.")


class SeatsView(ActionPage):
    """The partnership's seats: the partners' delegates and the agencies' safeguarding leads."""

    title = "Delegates and agency leads"
    form_class = SeatForm
    submit_label = "Give the seat"

    def dispatch(self, request, *args, **kwargs):
        if not is_business_unit(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def rows(self):
        return [(s.agency.name, f"{s.get_kind_display()}: {s.user.full_name}") for s in choices.live_seats()]

    def back(self):
        return reverse("partnership:dashboard"), "Back to the partnership"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agencies": choices.active_agencies()}

    def form_valid(self, form):
        data = form.cleaned_data

        def give():
            agency = choices.agency_by_public_id(data["agency"])
            person = choices.member_by_email(agency, data["email"]) if agency else None
            if person is None:
                raise ValidationError({"email": "Nobody with that email address works in that agency"})
            return services.seat_give(actor=self.request.user, user=person, agency=agency, kind=data["kind"])

        return self.run(form, give, "The seat has been given.", url=reverse("partnership:seats"))
