"""Practice reviews' pages (ADR 24): the list (and where a review starts), the review page, what the business unit
records on it (terms, reviewer, methodology, involvement, themes; drafts; the copy to the National Panel and DfE;
publication; recommendations and actions), the library of learning summaries and the learning themes by year.
Anyone the policies do not let in gets the same 404 as for a record that does not exist."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from safeguarding.pages import NO_SUCH_RECORD, ActionPage, day

from .. import services
from ..models import LearningTheme
from ..policies import practice_review_policy
from ..selectors import choices, library, review_page, reviews_list, startable_referral, themes_by_year
from .review_forms import (
    ActionForm,
    DraftForm,
    PanelCopyForm,
    PublishForm,
    RecommendationForm,
    RecordForm,
    StartForm,
)


class ReviewsView(TemplateView):
    template_name = "partnership/reviews.html"

    def dispatch(self, request, *args, **kwargs):
        if not practice_review_policy.sees_themes(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return {**super().get_context_data(**kwargs), **reviews_list(ctx=self.request.access, today=today),
                "today": today}


class ReviewView(TemplateView):
    template_name = "partnership/review.html"

    def get_context_data(self, **kwargs):
        access = self.request.access
        review = practice_review_policy.get_for(access, kwargs["public_id"], "view",
                                                shape=lambda qs: qs.select_related("referral__local_authority",
                                                                                   "rapid_review"))
        today = timezone.localdate()
        return {**super().get_context_data(**kwargs), **review_page(ctx=access, review=review, today=today),
                "today": today}


class StartView(ActionPage):
    title = "Start a practice review"
    form_class = StartForm
    submit_label = "Start the review"

    def dispatch(self, request, *args, **kwargs):
        self.referral = startable_referral(request.access, kwargs["public_id"])
        if self.referral is None:
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def rows(self):
        r = self.referral
        return [("Referral", f"{r.get_kind_display()} from {r.referring_agency.name}"),
                ("Local authority", r.local_authority.name), ("The agency became aware", day(r.aware_on)),
                ("Triage", r.get_triage_display())]

    def intro(self):
        return ["A local child safeguarding practice review follows a rapid review; a learning review may follow "
                "a rapid review or the triage. Both must conclude within six months of the decision."]

    def back(self):
        return reverse("partnership:reviews"), "Back to practice reviews"

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(form, lambda: services.practice_review_start(
            actor=self.request.user, referral=self.referral, kind=data["kind"], decided_on=data["decided_on"]),
            "The review has been started.", url=lambda review: reverse("partnership:review", args=[review.public_id]))


class _ReviewAction(ActionPage):
    action = "manage"

    def dispatch(self, request, *args, **kwargs):
        self.review = practice_review_policy.get_for(request.access, kwargs["public_id"], "view")
        if not practice_review_policy.can(request.access, self.action, self.review):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def caption(self):
        return f"{self.review.get_kind_display()} {self.review.reference}"

    def back(self):
        return reverse("partnership:review", args=[self.review.public_id]), "Back to the review"


class RecordView(_ReviewAction):
    title = "Terms of reference, reviewer and methodology"
    form_class = RecordForm
    submit_label = "Save"

    def get_initial(self):
        r = self.review
        return {name: getattr(r, name) for name in services.reviews.RECORDED}

    def form_valid(self, form):
        return self.run(form, lambda: services.practice_review_record(
            actor=self.request.user, review=self.review, **form.cleaned_data), "The review has been updated.")


class DraftView(_ReviewAction):
    title = "Record a draft report"
    form_class = DraftForm
    submit_label = "Record the draft"

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(form, lambda: services.review_draft_add(
            actor=self.request.user, review=self.review, received_on=data["received_on"], comments=data["comments"]),
            lambda d: f"Draft {d.number} has been recorded.")


class PanelCopyView(_ReviewAction):
    title = "Send the final report to the National Panel and DfE"
    form_class = PanelCopyForm
    submit_label = "Record it"

    def intro(self):
        return ["The final report goes to the National Child Safeguarding Practice Review Panel and the Department "
                "for Education before it is published."]

    def form_valid(self, form):
        return self.run(form, lambda: services.practice_review_panel_copy(
            actor=self.request.user, review=self.review, sent_on=form.cleaned_data["sent_on"]),
            "The copy to the National Panel and DfE has been recorded.")


class PublishView(_ReviewAction):
    title = "Publish the review"
    form_class = PublishForm
    submit_label = "Record the publication"
    warning = "Once published, the review is closed: its learning summary goes into the library for every partner."

    def rows(self):
        from ..selectors.reviews import review_deadline

        deadline = review_deadline(self.review)
        return [("Decided", day(self.review.decided_on)),
                ("Due by", day(deadline.due_date) if deadline else "")]

    def get_initial(self):
        return {"learning_summary": self.review.learning_summary, "delay_reason": self.review.delay_reason}

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(form, lambda: services.practice_review_publish(
            actor=self.request.user, review=self.review, published_on=data["published_on"],
            published_where=data["published_where"], learning_summary=data["learning_summary"],
            delay_reason=data["delay_reason"]), "The review has been published.")


class RecommendationView(_ReviewAction):
    action = "plan"
    title = "Add a recommendation"
    form_class = RecommendationForm
    submit_label = "Add the recommendation"

    def form_valid(self, form):
        return self.run(form, lambda: services.recommendation_add(
            actor=self.request.user, review=self.review, text=form.cleaned_data["text"]),
            lambda r: f"Recommendation {r.number} has been added.")


class ActionAddView(_ReviewAction):
    action = "plan"
    title = "Add an action to the plan"
    form_class = ActionForm
    submit_label = "Add the action"

    def done(self):
        return "" if self.recommendations else "Add a recommendation first: each action answers one."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(),
                "recommendations": [(str(r.public_id), f"{r.number}. {r.text[:80]}") for r in self.recommendations],
                "agencies": choices.active_agencies()}

    @property
    def recommendations(self):
        if not hasattr(self, "_recommendations"):
            self._recommendations = list(self.review.recommendations.order_by("number"))
        return self._recommendations

    def form_valid(self, form):
        data = form.cleaned_data
        recommendation = next((r for r in self.recommendations if str(r.public_id) == data["recommendation"]), None)
        agency = choices.agency_by_public_id(data["owner_agency"])
        return self.run(form, lambda: services.action_add(
            actor=self.request.user, recommendation=recommendation, description=data["description"],
            owner_agency=agency, due_on=data["due_on"]), lambda a: f"Action {a.number} has been added.")


class LibraryView(TemplateView):
    template_name = "partnership/library.html"

    def dispatch(self, request, *args, **kwargs):
        if not practice_review_policy.sees_library(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        theme = self.request.GET.get("theme", "")
        theme = theme if theme in LearningTheme.values else ""
        return {**super().get_context_data(**kwargs), "reviews": library(ctx=self.request.access, theme=theme),
                "theme": theme, "themes": LearningTheme.choices, "labels": dict(LearningTheme.choices)}


class ThemesView(TemplateView):
    template_name = "partnership/themes.html"

    def dispatch(self, request, *args, **kwargs):
        if not practice_review_policy.sees_themes(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **themes_by_year(ctx=self.request.access)}
