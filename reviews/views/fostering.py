"""Foster carers' review pages (issue 10, section 3): the households with their next review due, one household
with its reviews, and the review form; and the one-purpose pages around them. Every household and review is
fetched through ``household_policy`` / ``foster_review_policy`` (missing and forbidden: the same 404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from cases.policies import child_policy
from safeguarding.access.views import PolicyViewMixin
from safeguarding.forms import apply_service_errors
from safeguarding.pages import NO_SUCH_RECORD, ActionPage, day

from .. import services
from ..models.fostering import FosterCarerReview
from ..policies import foster_review_policy, household_policy
from ..selectors import fostering as selectors
from .base import is_late
from .forms_fostering import (
    BookForm,
    CancelForm,
    ChildViewForm,
    CompleteForm,
    EndForm,
    HouseholdForm,
    RecordForm,
    ReviewingOfficerForm,
)

S = FosterCarerReview.Status


# --- the list ----------------------------------------------------------------------------------------------
class HouseholdListView(PolicyViewMixin, TemplateView):
    """``/reviews/fostering/``: the households this person reviews, manages or supervises, the next review due
    first. IROs, the IRO manager and social workers (anyone else: 404, as for a page that does not exist)."""

    policy = household_policy
    template_name = "reviews/fostering/households.html"

    def dispatch(self, request, *args, **kwargs):
        if not household_policy.may_have_households(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = list(selectors.households_list(self.get_queryset())[:selectors.ROWS + 1])
        ctx.update(rows=rows[:selectors.ROWS], truncated=len(rows) > selectors.ROWS, row_limit=selectors.ROWS,
                   today=timezone.localdate(), can_register=bool(household_policy.service_authorities(self.access)))
        return ctx


class HouseholdRegisterView(PolicyViewMixin, ActionPage):
    """The IRO manager puts an approved household of their authority's fostering service on the hub."""

    policy = household_policy
    form_class = HouseholdForm
    title = "Add a fostering household"
    submit_label = "Add the household"

    def dispatch(self, request, *args, **kwargs):
        authorities = household_policy.service_authorities(request.access)
        if not authorities:
            raise Http404(NO_SUCH_RECORD)
        # the first authority whose IRO service ctx manages (an IRO manager of several is rare)
        self.authority = selectors.local_authority(authorities[0])
        return super().dispatch(request, *args, **kwargs)

    def caption(self):
        return f"{self.authority.name}: foster carers' reviews"

    def back(self):
        return reverse("reviews:households"), "Back to fostering households"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": False,
                "supervisors": selectors.supervising_social_workers(self.authority.pk),
                "officers": selectors.reviewing_officers(self.authority.pk)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.household_register(
            actor=self.request.user, fostering_service=self.authority, reference=d["reference"],
            first_carer=d["first_carer"], second_carer=d["second_carer"], approval_type=d["approval_type"],
            approval_terms=d["approval_terms"], places=d["places"], approved_on=d["approved_on"],
            last_reviewed_on=d.get("last_reviewed_on"), supervising_social_worker=form.person(
                "supervising_social_worker"), reviewing_officer=form.person("reviewing_officer")),
            lambda h: f"Household {h.reference} has been added.",
            lambda h: reverse("reviews:household", kwargs={"public_id": h.public_id}))


# --- one household -----------------------------------------------------------------------------------------
class HouseholdPage(PolicyViewMixin):
    """A page about one household, reached through ``household_policy`` for ``action``."""

    abstract = True
    policy = household_policy
    answers: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        self.household = household_policy.get_for(request.access, self.kwargs[self.lookup_url_kwarg], self.action,
                                                  shape=selectors.household_for_page, answers=self.answers)
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        """Fetch whatever else the page is about, through the household."""

    def can(self, action: str) -> bool:
        known = household_policy.known_answer(self.access, self.household, action)
        return known if known is not None else household_policy.can(self.access, action, self.household)

    def url(self, name: str) -> str:
        return reverse(f"reviews:{name}", kwargs={"public_id": self.household.public_id})

    def caption(self) -> str:
        return f"Fostering household {self.household.reference}: {self.household.carers}"

    def back(self) -> tuple[str, str]:
        return self.url("household"), "Back to the household"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["household"] = self.household
        ctx.setdefault("caption", self.caption())
        back_url, back_label = self.back()
        ctx.setdefault("back_url", back_url)
        ctx.setdefault("back_label", back_label)
        return ctx


class HouseholdFormPage(HouseholdPage, ActionPage):
    abstract = True
    optional_asks = ("late_reason",)

    def done(self) -> str:
        if not self.household.is_approved:
            return f"This household's approval ended on {day(self.household.ended_on)}."
        return ""


class HouseholdView(HouseholdPage, TemplateView):
    """The household: the carers and their approval, the people, the allegation note, the next review due and
    the history of its reviews."""

    template_name = "reviews/fostering/household.html"
    answers = ("edit", "manage", "schedule")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        data = selectors.household_page(self.household)
        ctx.update(data=data, today=timezone.localdate(), can_edit=self.can("edit"), can_manage=self.can("manage"),
                   can_schedule=self.can("schedule"), title=f"Fostering household {self.household.reference}",
                   back_url=reverse("reviews:households"), back_label="Back to fostering households")
        return ctx


class HouseholdEditView(HouseholdFormPage):
    action = "edit"
    answers = ("manage",)
    form_class = HouseholdForm
    title = "Change the household's details"
    submit_label = "Save the details"

    def get_form_kwargs(self):
        la = self.household.fostering_service_id
        return {**super().get_form_kwargs(), "editing": True, "supervisors": selectors.supervising_social_workers(la),
                "may_change_supervisor": self.can("manage")}

    def get_initial(self):
        h = self.household
        return {"first_carer": h.first_carer, "second_carer": h.second_carer, "approval_type": h.approval_type,
                "approval_terms": h.approval_terms, "places": h.places, "allegations_note": h.allegations_note,
                "lado_reference": h.lado_reference,
                "supervising_social_worker": str(h.supervising_social_worker.public_id)}

    def form_valid(self, form):
        d = form.cleaned_data
        supervisor = form.person("supervising_social_worker") or self.household.supervising_social_worker
        return self.run(form, lambda: services.household_update(
            actor=self.request.user, household=self.household, reason=d.get("reason", ""),
            first_carer=d["first_carer"], second_carer=d["second_carer"], approval_type=d["approval_type"],
            approval_terms=d["approval_terms"], places=d["places"], allegations_note=d["allegations_note"],
            lado_reference=d["lado_reference"], supervising_social_worker=supervisor),
            "The household's details have been saved.")


class HouseholdAllocateView(HouseholdFormPage):
    action = "manage"
    form_class = ReviewingOfficerForm
    title = "Choose the household's reviewing officer"
    submit_label = "Save"

    def intro(self):
        return ["The reviewing officer is an IRO who holds the household's reviews. A review booked and not yet "
                "completed goes to them."]

    def get_form_kwargs(self):
        officers = selectors.reviewing_officers(self.household.fostering_service_id).exclude(
            pk=self.household.supervising_social_worker_id)
        return {**super().get_form_kwargs(), "officers": officers}

    def get_initial(self):
        officer = self.household.reviewing_officer
        return {"reviewing_officer": str(officer.public_id)} if officer else {}

    def form_valid(self, form):
        return self.run(form, lambda: services.household_allocate(
            actor=self.request.user, household=self.household, reviewing_officer=form.person()),
            lambda h: f"{h.reviewing_officer.display_name} reviews the household.")


class HouseholdEndView(HouseholdFormPage):
    action = "manage"
    form_class = EndForm
    title = "Record that the approval ended"
    submit_label = "Record that the approval ended"
    warning = "This cannot be undone: no more reviews will be due, and a review booked is cancelled."
    warning_button = True

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.household_end(
            actor=self.request.user, household=self.household, ended_on=d["ended_on"], reason=d["reason"]),
            "The approval has been recorded as ended.")


class ReviewBookView(HouseholdFormPage):
    """Book the household's review, or move the one booked."""

    action = "schedule"
    form_class = BookForm
    submit_label = "Book the review"

    def load(self):
        data = selectors.household_page(self.household)
        self.booked, self.deadline = data.booked, data.deadline

    def title(self):
        return "Move the review" if self.booked else "Book the household's review"

    def done(self):
        if not self.household.reviewing_officer_id and self.household.is_approved:
            return "Choose the household's reviewing officer first: they hold the review."
        return super().done()

    def rows(self):
        rows = [("Due by", day(self.deadline.due_date))] if self.deadline else []
        if self.booked:
            rows.append(("Booked for", day(self.booked.planned_for)))
        return rows + [("Reviewing officer", self.household.reviewing_officer.display_name
                        if self.household.reviewing_officer else "")]

    def get_form_kwargs(self):
        late = self.shows("late_reason")
        return {**super().get_form_kwargs(), "moving": self.booked is not None, "show_late": late}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.foster_review_schedule(
            actor=self.request.user, household=self.household, planned_for=d["planned_for"],
            late_reason=d.get("late_reason", ""), reason=d.get("reason", "")),
            lambda r: f"The review is booked for {day(r.planned_for)}.",
            lambda r: reverse("reviews:foster_review", kwargs={"public_id": r.public_id}))


# --- one review --------------------------------------------------------------------------------------------
class FosterReviewPage(PolicyViewMixin):
    """A page about one foster carers' review, reached through ``foster_review_policy`` for ``action``."""

    abstract = True
    policy = foster_review_policy
    answers: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        self.review = foster_review_policy.get_for(request.access, self.kwargs[self.lookup_url_kwarg], self.action,
                                                   shape=selectors.review_for_page, answers=self.answers)
        self.household = self.review.household
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def load(self):
        """Fetch whatever else the page is about, through the review."""

    def can(self, action: str) -> bool:
        known = foster_review_policy.known_answer(self.access, self.review, action)
        return known if known is not None else foster_review_policy.can(self.access, action, self.review)

    def url(self, name: str) -> str:
        return reverse(f"reviews:{name}", kwargs={"public_id": self.review.public_id})

    def caption(self) -> str:
        return f"Fostering household {self.household.reference}: {self.household.carers}"

    def back(self) -> tuple[str, str]:
        return self.url("foster_review"), "Back to the review"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(review=self.review, household=self.household)
        ctx.setdefault("caption", self.caption())
        back_url, back_label = self.back()
        ctx.setdefault("back_url", back_url)
        ctx.setdefault("back_label", back_label)
        return ctx


class FosterReviewFormPage(FosterReviewPage, ActionPage):
    abstract = True
    optional_asks = ("late_reason",)

    def done(self) -> str:
        if self.review.status == S.COMPLETED:
            return f"This review was completed on {day(self.review.completed_at)}: it cannot be changed."
        if self.review.status == S.CANCELLED:
            return "This review was cancelled."
        return ""


def child_rows(ctx, views) -> list[dict]:
    """Each child's views with how the page names the child: a child of ours by name, with a link to their
    record only when the person may open it (a restricted record they may not open: by its reference only);
    a child placed by another authority by the name given (one query, for the records that may be opened)."""
    ids = {v.child_id for v in views if v.child_id}
    opens = set(child_policy.probe(ctx, "view").filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    rows = []
    for v in views:
        child = v.child
        if child is None:
            name, url = f"{v.child_name} (placed by {v.placing_authority})", ""
        elif child.pk in opens:
            name, url = child.full_name, reverse("cases:child_detail", kwargs={"public_id": child.public_id})
        elif child.restricted:
            name, url = f"A child with a restricted record ({child.local_child_id})", ""
        else:
            name, url = child.full_name, ""
        rows.append({"view": v, "name": name, "url": url})
    return rows


class FosterReviewView(FosterReviewPage, FormView):
    """The review form: the review, the children's views, and (for its reviewing officer, until completed) the
    carers' views, the placing authorities' views, the report and the recommendation, saved as often as they
    like."""

    template_name = "reviews/fostering/review.html"
    form_class = RecordForm
    answers = ("record",)

    def writable(self) -> bool:
        return self.review.status == S.SCHEDULED and self.can("record")

    def post(self, request, *args, **kwargs):
        if not self.can("record"):
            raise Http404(NO_SUCH_RECORD)
        if self.review.status != S.SCHEDULED:
            messages.info(request, "This review cannot be changed now.")
            return redirect(self.url("foster_review"))
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        r = self.review
        return {name: getattr(r, name) for name in services.fostering.RECORD_FIELDS}

    def back(self):
        return reverse("reviews:household", kwargs={"public_id": self.household.public_id}), "Back to the household"

    def form_valid(self, form):
        try:
            services.foster_review_save(actor=self.request.user, review=self.review, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "The review has been saved.")
        return redirect(self.url("foster_review"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        views = selectors.child_views_of(self.review)
        writable = self.writable()
        steps = []
        if writable:
            steps = [(self.url("foster_child_view"), "Add a child's views"),
                     (self.url("foster_review_complete"), "Complete the review")]
        if self.review.status == S.SCHEDULED and household_policy.can(self.access, "schedule", self.household):
            steps += [(reverse("reviews:foster_review_book", kwargs={"public_id": self.household.public_id}),
                       "Move the review"), (self.url("foster_review_cancel"), "Cancel the review")]
        ctx.update(children=child_rows(self.access, views), writable=writable, next_steps=steps,
                   deadline=selectors.review_deadline(self.household) if self.review.status == S.SCHEDULED else None,
                   title="Foster carers' review", today=timezone.localdate())
        if not writable:
            ctx.pop("form", None)
        return ctx


class ChildViewAddView(FosterReviewFormPage):
    action = "record"
    form_class = ChildViewForm
    title = "Add a child's views"
    submit_label = "Add the child's views"

    def intro(self):
        return ["Ask every child placed with the carers, as their age and understanding allow (reg 28(3) of the "
                "Fostering Services Regulations 2011)."]

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.foster_review_child_view_add(
            actor=self.request.user, review=self.review, how=d["how"], views=d["views"],
            child_reference=d["child_reference"], child_name=d["child_name"],
            placing_authority=d["placing_authority"]), "The child's views have been added.")


class CompleteView(FosterReviewFormPage):
    action = "record"
    form_class = CompleteForm
    title = "Complete the review"
    submit_label = "Complete the review"
    warning = ("Once completed, the review cannot be changed. Its recommendation goes to the fostering panel, and "
               "the supervising social worker and the IRO manager are told.")

    def load(self):
        self.deadline = selectors.review_deadline(self.household)

    def rows(self):
        r = self.review
        rows = [("Recommendation", r.get_recommendation_display() or "Not chosen yet")]
        if r.proposed_terms:
            rows.append(("New terms", r.proposed_terms))
        if self.deadline:
            rows.append(("Due by", day(self.deadline.due_date)))
        return rows

    def get_initial(self):
        return {"held_on": self.review.planned_for if self.review.planned_for <= timezone.localdate() else None}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_late": self.shows("late_reason") or is_late(self.deadline)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.foster_review_complete(
            actor=self.request.user, review=self.review, held_on=d["held_on"], late_reason=d.get("late_reason", "")),
            "The review is complete.")


class CancelView(FosterReviewFormPage):
    form_class = CancelForm
    title = "Cancel the review"
    submit_label = "Cancel the review"
    cancel_label = "Keep the review"
    warning = "The household's review stays due: book another."
    warning_button = True

    def load(self):
        if not household_policy.can(self.access, "schedule", self.household):
            raise Http404(NO_SUCH_RECORD)

    def form_valid(self, form):
        return self.run(form, lambda: services.foster_review_cancel(
            actor=self.request.user, review=self.review, reason=form.cleaned_data["reason"]),
            "The review has been cancelled.",
            reverse("reviews:household", kwargs={"public_id": self.household.public_id}))


urlpatterns = [
    path("fostering/", HouseholdListView.as_view(), name="households"),
    path("fostering/new/", HouseholdRegisterView.as_view(), name="household_new"),
    path("fostering/reviews/<public_id>/", FosterReviewView.as_view(), name="foster_review"),
    path("fostering/reviews/<public_id>/children/new/", ChildViewAddView.as_view(), name="foster_child_view"),
    path("fostering/reviews/<public_id>/complete/", CompleteView.as_view(), name="foster_review_complete"),
    path("fostering/reviews/<public_id>/cancel/", CancelView.as_view(), name="foster_review_cancel"),
    path("fostering/<public_id>/", HouseholdView.as_view(), name="household"),
    path("fostering/<public_id>/edit/", HouseholdEditView.as_view(), name="household_edit"),
    path("fostering/<public_id>/reviewing-officer/", HouseholdAllocateView.as_view(), name="household_allocate"),
    path("fostering/<public_id>/end/", HouseholdEndView.as_view(), name="household_end"),
    path("fostering/<public_id>/book/", ReviewBookView.as_view(), name="foster_review_book"),
]
