"""The child's right to an independent advocate, before a review (ADR 15): that the child was told (when, how),
the referral to an advocacy service, and its take-up. One page each, through ``reviews.services.advocacy``."""

from __future__ import annotations

from django.utils import timezone

from safeguarding.pages import day

from .. import selectors, services
from ..models import Review
from ..rules import ADVOCACY_FROM_AGE
from .base import ReviewFormPage
from .forms_invitations import AdvocacyOutcomeForm, AdvocacyReferralForm, AdvocacyToldForm


class AdvocacyPage(ReviewFormPage):
    abstract = True
    action = "prepare"

    def load(self):
        self.offer = selectors.advocacy_of(self.review)

    def back(self):
        return self.url("review") + "#advocacy", "Back to the review"

    def needs_offer(self) -> str:
        return "" if self.offer is not None else "First record that the child was told of their right to an advocate."


class AdvocacyToldView(AdvocacyPage):
    form_class = AdvocacyToldForm
    title = "The child was told of their right to an advocate"
    submit_label = "Save"

    def done(self):
        return "This review was cancelled." if self.review.status == Review.Status.CANCELLED else ""

    def intro(self):
        return [f"Every looked-after child aged {ADVOCACY_FROM_AGE} or more is told before each review that they can "
                "have an independent advocate: someone on their side who helps them say what they think."]

    def get_initial(self):
        o = self.offer
        if o is None:
            return {"told_on": timezone.localdate()}
        return {"told_on": o.told_on, "told_how": o.told_how, "notes": o.notes}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.advocacy_told_record(
            actor=self.request.user, review=self.review, told_on=d["told_on"], how=d["told_how"], notes=d["notes"]),
            "Saved.")


class AdvocacyReferralView(AdvocacyPage):
    form_class = AdvocacyReferralForm
    title = "Referral to an advocacy service"
    submit_label = "Save the referral"

    def done(self):
        return self.needs_offer()

    def rows(self):
        return [("Told", day(self.offer.told_on))] if self.offer else []

    def get_initial(self):
        o = self.offer
        if o is None or o.referred_on is None:
            return {"referred_on": timezone.localdate()}
        return {"referred_on": o.referred_on, "referred_to": o.referred_to}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.advocacy_refer(
            actor=self.request.user, offer=self.offer, referred_on=d["referred_on"], referred_to=d["referred_to"]),
            "The referral has been recorded.")


class AdvocacyOutcomeView(AdvocacyPage):
    form_class = AdvocacyOutcomeForm
    title = "Does the child have an advocate?"
    submit_label = "Save"

    def done(self):
        return self.needs_offer()

    def rows(self):
        o = self.offer
        if o is None:
            return []
        rows = [("Told", day(o.told_on))]
        if o.referred_on:
            rows.append(("Referred", f"{day(o.referred_on)}, to {o.referred_to}"))
        return rows

    def get_initial(self):
        o = self.offer
        if o is None or not o.outcome:
            return {"outcome_on": timezone.localdate()}
        return {"outcome": o.outcome, "outcome_on": o.outcome_on, "advocate_name": o.advocate_name}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.advocacy_take_up(
            actor=self.request.user, offer=self.offer, outcome=d["outcome"], outcome_on=d["outcome_on"],
            advocate_name=d["advocate_name"]), "Saved.")
