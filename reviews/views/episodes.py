"""The child's looked-after page and the pages that record the period of care: becoming looked after, its
details, a placement move (which may ask for an early review, reg 33(3) and 32(2)), a change of legal status, a
new version of a plan and the end of the period (confirmed first: it ends the placement, the legal status and
the IRO's allocation, and cancels the reviews not yet held). Every period is fetched through
``episode_policy`` (missing and forbidden: the same 404); the child for a new period through ``child_policy``
and ``episode_policy.can_open_for``."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from cases.policies import child_policy
from cases.services import VIA_PAGE, child_view_log
from safeguarding.access.views import PolicyViewMixin
from safeguarding.pages import NO_SUCH_RECORD, ActionPage, day, uuid_or_404

from .. import services
from ..codes import ReasonEpisodeCeased, ReasonNewEpisode
from ..models import Plan, Review
from ..policies import episode_policy
from ..rules import PATHWAY_PLAN_FROM_AGE, age_on
from ..selectors import episode_page as selectors
from ..selectors.episodes import (
    current_allocation,
    current_legal_status,
    current_placement,
    current_plans,
    open_episode_of,
    open_review,
)
from .episode_base import ConfirmStep, EpisodeFormPage, EpisodePage, period_caption
from .forms_episodes import (
    EpisodeEditForm,
    EpisodeEndForm,
    EpisodeOpenForm,
    LegalStatusForm,
    PlacementChangeForm,
    PlanForm,
)

S = Review.Status


def find_parent(access, child, reference: str):
    """The looked-after parent named by their child ID, among the records of the child's authority the person
    may open (None: no such record they may open)."""
    reference = (reference or "").strip()
    if not reference:
        return None
    return (child_policy.visible(access, "view")
            .filter(local_child_id__iexact=reference, local_authority_id=child.local_authority_id).first())


PARENT_NOT_FOUND = "There is no child record with this ID that you can open"


# --- the child's looked-after page ------------------------------------------------------------------------------
class ChildLookedAfterView(PolicyViewMixin, View):
    """``/reviews/children/<child>/looked-after/``: the way in from the child's record. The child's latest period
    of care the person may see; else, for those who may record one, the page to start it; else 404."""

    policy = episode_policy

    def get(self, request, *args, **kwargs):
        child_id = uuid_or_404(kwargs["public_id"])
        latest = selectors.latest_period_of(self.get_queryset(), child_id)
        if latest is not None:
            return redirect("reviews:episode", public_id=latest.public_id)
        child = child_policy.get_for(self.access, child_id, "edit")
        if not episode_policy.can_open_for(self.access, child):
            raise Http404(NO_SUCH_RECORD)
        return redirect("reviews:episode_new", public_id=child.public_id)


class EpisodeView(EpisodePage, TemplateView):
    """The child's period of care: the placements and legal statuses as history, the plans with their versions,
    the IRO, the reviews and what is due; and what this person can do next."""

    template_name = "reviews/episodes/episode.html"
    answers = ("update", "allocate", "review")

    def back(self):
        if episode_policy.is_iro(self.access) or episode_policy.is_iro_manager(self.access):
            return reverse("reviews:caseload"), "Back to your caseload"
        return (self.child_url() or "/"), ("Back to the child's record" if self.child_url() else "Back to home")

    def get(self, request, *args, **kwargs):
        child_view_log(child=self.child, user=request.user, via=VIA_PAGE, what="looked-after page")
        return super().get(request, *args, **kwargs)

    def next_steps(self, data, others) -> list[tuple[str, str]]:
        e, steps = self.episode, []
        update, allocate, review = self.can("update"), self.can("allocate"), self.can("review")
        if not e.is_open:
            if update and not any(o.is_open for o in others):
                steps.append((reverse("reviews:episode_new", kwargs={"public_id": self.child.public_id}),
                              "Record a new period of care"))
            return steps
        open_review = data.open_review
        if review and data.allocation:
            if open_review is None or open_review.status == S.REQUESTED:
                steps.append((self.url("review_book"), "Book the early review" if open_review else "Book the review"))
        if review and open_review is not None:
            if open_review.status == S.SCHEDULED:
                steps.append((reverse("reviews:review_move", kwargs={"public_id": open_review.public_id}),
                              "Move the review"))
            steps.append((reverse("reviews:review_cancel", kwargs={"public_id": open_review.public_id}),
                          "Cancel the review"))
        if (review or update) and not (open_review and open_review.early_trigger):
            steps.append((self.url("review_early"), "Ask for an early review"))
        if allocate:
            steps.append((self.url("allocate"), "Change the child's IRO" if data.allocation else "Allocate an IRO"))
        if update:
            steps += [(self.url("placement_change"), "Record a change of placement"),
                      (self.url("legal_status_change"), "Record a change of legal status"),
                      (self.url("plan_new"), "Record a new version of a plan"),
                      (self.url("episode_edit"), "Change the details of the period of care"),
                      (self.url("episode_end"), "Record that the child stopped being looked after")]
        return steps

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        data = selectors.episode_page(self.episode)
        parent = self.episode.looked_after_parent
        others = selectors.other_periods(episode_policy.visible(self.access, "view"), self.episode)
        ctx.update(
            title=period_caption(self.episode), caption="", data=data, today=timezone.localdate(),
            next_steps=self.next_steps(data, others), others=others,
            parent=parent, parent_url=reverse("cases:child_detail", kwargs={"public_id": parent.public_id})
            if parent and parent.pk in self.opens else "",
        )
        return ctx


# --- becoming looked after --------------------------------------------------------------------------------------
class EpisodeOpenView(PolicyViewMixin, ActionPage):
    """The child became looked after: case staff who may edit the child record the period of care."""

    policy = episode_policy
    template_name = "reviews/action.html"
    form_class = EpisodeOpenForm
    title = "Record that the child became looked after"
    caption = "Looked after"
    submit_label = "Save the period of care"

    def dispatch(self, request, *args, **kwargs):
        self.child = child_policy.get_for(request.access, self.kwargs["public_id"], "edit")
        if not episode_policy.can_open_for(request.access, self.child):
            raise Http404(NO_SUCH_RECORD)
        self.current = open_episode_of(self.child)
        return super().dispatch(request, *args, **kwargs)

    def back(self):
        return reverse("cases:child_detail", kwargs={"public_id": self.child.public_id}), "Back to the child's record"

    def done(self):
        if self.current is not None:
            return f"{self.child.full_name} is looked after already, since {day(self.current.start_date)}."
        return ""

    def links(self):
        if self.current is not None:
            return [(reverse("reviews:episode", kwargs={"public_id": self.current.public_id}),
                     "Open the looked-after page")]
        return []

    def intro(self):
        if self.current is not None:
            return []
        return ["This starts the period of care (SSDA903 reason for new episode: "
                f"{ReasonNewEpisode.S.label}). The IRO manager is told to allocate an IRO within 5 working days, "
                "and the first review is due within 20 working days."]

    def get_initial(self):
        return {"start_date": timezone.localdate()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(child=self.child, child_url=self.back()[0])
        return ctx

    def form_valid(self, form):
        d = form.cleaned_data
        parent = find_parent(self.access, self.child, d["parent_reference"])
        if d["parent_reference"].strip() and parent is None:
            form.add_error("parent_reference", PARENT_NOT_FOUND)
            return self.form_invalid(form)
        return self.run(form, lambda: services.episode_open(
            actor=self.request.user, child=self.child, start_date=d["start_date"], legal_status=d["legal_status"],
            category_of_need=d["category_of_need"], placement_type=d["placement_type"], provider=d["provider"],
            provider_name=d["provider_name"], postcode=d["postcode"], urn=d["urn"],
            home_postcode=d["home_postcode"], looked_after_parent=parent),
            "The period of care has been recorded. The IRO manager has been told to allocate an IRO.",
            lambda e: reverse("reviews:episode", kwargs={"public_id": e.public_id}))


# --- changing the period ---------------------------------------------------------------------------------------
class EpisodeEditView(EpisodeFormPage):
    action = "update"
    form_class = EpisodeEditForm
    title = "Change the details of the period of care"
    submit_label = "Save the details"

    def get_initial(self):
        e = self.episode
        parent = e.looked_after_parent
        return {"category_of_need": e.category_of_need, "home_postcode": e.home_postcode,
                "parent_reference": parent.local_child_id if parent else ""}

    def form_valid(self, form):
        d = form.cleaned_data
        reference = d["parent_reference"].strip()
        parent = find_parent(self.access, self.child, reference)
        if reference and parent is None:
            form.add_error("parent_reference", PARENT_NOT_FOUND)
            return self.form_invalid(form)
        return self.run(form, lambda: services.episode_update(
            actor=self.request.user, episode=self.episode, reason=d["reason"] or "",
            category_of_need=d["category_of_need"], home_postcode=d["home_postcode"], looked_after_parent=parent,
            clear_parent=not reference),
            "The details have been saved.")


class PlacementChangeView(EpisodeFormPage):
    """The child moved: the current placement ends with why, the new one begins; an early review may be asked."""

    action = "update"
    form_class = PlacementChangeForm
    title = "Record a change of placement"
    submit_label = "Save the change of placement"

    def load(self):
        self.placement = current_placement(self.episode) if self.episode.is_open else None

    def rows(self):
        p = self.placement
        if p is None:
            return []
        where = ", ".join(x for x in (p.provider_name, p.postcode) if x)
        return [("Current placement", f"{p.get_placement_type_display()}{f' ({where})' if where else ''}, "
                                      f"since {day(p.start_date)}")]

    def get_initial(self):
        return {"start_date": timezone.localdate()}

    def form_valid(self, form):
        d = form.cleaned_data

        def message(_placement):
            if d["early_review_reason"]:
                return "The change of placement has been recorded and an early review asked for: the IRO has been told."
            return "The change of placement has been recorded."

        return self.run(form, lambda: services.placement_change(
            actor=self.request.user, episode=self.episode, start_date=d["start_date"],
            placement_type=d["placement_type"], provider=d["provider"], change_reason=d["change_reason"],
            provider_name=d["provider_name"], postcode=d["postcode"], urn=d["urn"], same_carer=d["same_carer"],
            early_review_reason=d["early_review_reason"]), message)


class LegalStatusChangeView(EpisodeFormPage):
    action = "update"
    form_class = LegalStatusForm
    title = "Record a change of legal status"
    submit_label = "Save the legal status"

    def load(self):
        self.status = current_legal_status(self.episode) if self.episode.is_open else None

    def rows(self):
        s = self.status
        return [("Current legal status", f"{s.get_legal_status_display()}, since {day(s.start_date)}")] if s else []

    def get_initial(self):
        return {"start_date": timezone.localdate()}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.legal_status_change(
            actor=self.request.user, episode=self.episode, start_date=d["start_date"],
            legal_status=d["legal_status"]), "The change of legal status has been recorded.")


class PlanRecordView(EpisodeFormPage):
    """A new version of the care plan (with its permanence plan), the health plan, the PEP or the pathway plan."""

    action = "update"
    form_class = PlanForm
    title = "Record a new version of a plan"
    submit_label = "Save the plan"

    def load(self):
        self.plans = current_plans(self.episode) if self.episode.is_open else {}

    def rows(self):
        return [(p.get_kind_display(), f"Version {p.version}, {day(p.dated)}") for p in self.plans.values()]

    def get_form_kwargs(self):
        age = age_on(self.child.date_of_birth, timezone.localdate())
        return {**super().get_form_kwargs(), "pathway": age is not None and age >= PATHWAY_PLAN_FROM_AGE}

    def get_initial(self):
        kind = self.request.GET.get("kind", "")
        return {"dated": timezone.localdate(), **({"kind": kind} if kind in Plan.Kind.values else {})}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.plan_record(
            actor=self.request.user, episode=self.episode, kind=d["kind"], dated=d["dated"],
            permanence_plan=d["permanence_plan"] or "", summary=d["summary"]),
            lambda p: f"{p.get_kind_display()}: version {p.version} has been recorded.")


class EpisodeEndView(ConfirmStep, EpisodeFormPage):
    """The child stopped being looked after: the date and the reason, then a confirmation of what it ends."""

    action = "update"
    form_class = EpisodeEndForm
    title = "Record that the child stopped being looked after"
    submit_label = "Continue"
    confirm_title = "Check and confirm the end of the period of care"
    confirm_label = "Yes, end the period of care"
    confirm_warning = "This is hard to undo: ask a manager if it was recorded by mistake."

    def load(self):
        if self.episode.is_open:
            e = self.episode
            self.current = {"the placement": current_placement(e), "the legal status": current_legal_status(e),
                            "the IRO's allocation": current_allocation(e)}
            self.review = open_review(e)

    def get_initial(self):
        return {"end_date": timezone.localdate()}

    def confirm_rows(self, form):
        d = form.cleaned_data
        rows = [("Stopped being looked after on", day(d["end_date"])),
                ("Why", ReasonEpisodeCeased(d["reason"]).label)]
        ends = [what for what, row in self.current.items() if row]
        if ends:
            said = " and ".join([", ".join(ends[:-1]), ends[-1]] if len(ends) > 1 else ends)
            rows.append(("Ends that day", said[0].upper() + said[1:]))
        review = self.review
        if review is not None:
            when = f" booked for {day(review.planned_for)}" if review.planned_for else " asked for"
            rows.append(("Cancelled", f"The review{when}"))
        rows.append(("No longer due", "The reviews and the IRO's appointment: their deadlines are cancelled"))
        return rows

    def confirmed(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.episode_end(
            actor=self.request.user, episode=self.episode, end_date=d["end_date"], reason=d["reason"]),
            "The period of care has been recorded as ended.", self.url("episode"))


urlpatterns = [
    path("children/<public_id>/looked-after/", ChildLookedAfterView.as_view(), name="looked_after"),
    path("children/<public_id>/looked-after/new/", EpisodeOpenView.as_view(), name="episode_new"),
    path("e/<public_id>/", EpisodeView.as_view(), name="episode"),
    path("e/<public_id>/edit/", EpisodeEditView.as_view(), name="episode_edit"),
    path("e/<public_id>/placement/", PlacementChangeView.as_view(), name="placement_change"),
    path("e/<public_id>/legal-status/", LegalStatusChangeView.as_view(), name="legal_status_change"),
    path("e/<public_id>/plans/new/", PlanRecordView.as_view(), name="plan_new"),
    path("e/<public_id>/end/", EpisodeEndView.as_view(), name="episode_end"),
]
