"""The pages between reviews (issue 10, section 3; ADR 14).

- A child's monitoring page (``/reviews/e/<id>/monitoring/``): the IRO's contacts and mid-point checks, the
  social worker's visits with the next one's due date (reg 28), the quality assurances and the disputes;
  for the allocated IRO and the IRO manager (``oversight_policy`` action ``oversee``). From it the IRO records
  a contact, quality-assures the care plan or raises a dispute (``monitor``).
- The social worker records a visit (``episode_policy`` action ``update``).
- One quality assurance (``quality_policy``): the judgement, the feedback and the answer, which the child's
  social worker or team manager gives (``respond``). The IRO manager's themes (``themes``): counts by
  criterion and grade over a period, as a chart and as a table.
- One dispute (``dispute_policy``): its stages; the IRO moves it on, refers to Cafcass, closes it (``manage``);
  the child's social worker or team manager answers it (``respond``). The IRO manager's register.
- The social worker's and team manager's feedback to answer (``/reviews/feedback/``).

Forbidden and missing are the same 404 everywhere.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView

from cases.policies import child_policy
from cases.services import VIA_PAGE, child_view_log
from safeguarding.access.views import PolicyViewMixin
from safeguarding.clock import workdays
from safeguarding.pages import NO_SUCH_RECORD, ActionPage, day

from .. import services
from ..models import MonitoringContact
from ..models.monitoring import LAST_STAGE, STAGE_NAMES, Grade
from ..oversight import criteria_for
from ..policies import dispute_policy, episode_policy, oversight_policy, quality_policy
from ..selectors import between as selectors
from .base import is_late
from .forms_between import (
    AnswerForm,
    CafcassForm,
    CloseForm,
    ContactForm,
    DisputeAnswerForm,
    DisputeForm,
    EscalateForm,
    PeriodForm,
    QAForm,
    RegisterFilterForm,
    VisitForm,
)

ACTION_TEMPLATE = "reviews/action.html"


def _is_iro_or_manager(access) -> bool:
    return episode_policy.is_iro(access) or episode_policy.is_iro_manager(access)


class _ChildRecordPage(PolicyViewMixin):
    """A page about one record of a looked-after child (their period of care, a quality assurance, a dispute),
    fetched in ``dispatch`` through the view's ``policy`` for its ``action`` with the page's other ``answers``
    (one query; missing and forbidden are the same 404). The context always has ``child``, ``child_url`` (the
    child's record, when the person may open it), ``caption``, ``back_url`` and ``back_label``."""

    abstract = True
    answers: tuple[str, ...] = ()
    related: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        self.record = self.policy.get_for(self.access, self.kwargs["public_id"], self.action, answers=self.answers,
                                          shape=lambda qs: qs.select_related(*self.related))
        self.episode = self.episode_of(self.record)
        self.child = self.episode.child
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def episode_of(self, record):
        return record.episode

    def load(self):
        """Fetch whatever else the page is about (404 when it is not this record's)."""

    def can(self, action: str) -> bool:
        """A policy answer worked out with the fetch (``answers``), or asked now."""
        known = self.policy.known_answer(self.access, self.record, action)
        return known if known is not None else self.policy.can(self.access, action, self.record)

    def child_url(self) -> str:
        if not hasattr(self, "_child_url"):
            self._child_url = (reverse("cases:child_detail", kwargs={"public_id": self.child.public_id})
                               if child_policy.can(self.access, "view", self.child) else "")
        return self._child_url

    def monitoring_url(self) -> str:
        return reverse("reviews:monitoring", kwargs={"public_id": self.episode.public_id})

    def log_child_view(self, what: str) -> None:
        child_view_log(child=self.child, user=self.request.user, via=VIA_PAGE, what=what)

    def caption(self) -> str:
        return ""

    def back(self) -> tuple[str, str]:
        if oversight_policy.can(self.access, "oversee", self.episode):
            return self.monitoring_url(), "Back to the child's monitoring"
        return reverse("reviews:feedback"), "Back to the IRO's feedback"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(child=self.child, child_url=self.child_url(), episode=self.episode, today=timezone.localdate())
        ctx.setdefault("caption", self.caption())
        back_url, back_label = self.back()
        ctx.setdefault("back_url", back_url)
        ctx.setdefault("back_label", back_label)
        return ctx


class _EpisodePage(_ChildRecordPage):
    abstract = True
    policy = oversight_policy
    related = ("child",)

    def episode_of(self, record):
        return record


class _EpisodeFormPage(_EpisodePage, ActionPage):
    abstract = True
    template_name = ACTION_TEMPLATE
    optional_asks = ("late_reason",)

    def done(self):
        return "" if self.episode.is_open else "This child is no longer looked after."


# --- a child's monitoring page ----------------------------------------------------------------------------------
class MonitoringView(_EpisodePage, TemplateView):
    """Everything the IRO keeps an eye on between reviews, for one child."""

    action = "oversee"
    answers = ("monitor",)
    template_name = "reviews/monitoring.html"

    def back(self):
        if _is_iro_or_manager(self.access):
            return reverse("reviews:caseload"), "Back to your caseload"
        return (self.child_url() or "/"), ("Back to the child's record" if self.child_url() else "Back to home")

    def get(self, request, *args, **kwargs):
        self.log_child_view("IRO monitoring between reviews")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        can_monitor = self.can("monitor") and self.episode.is_open
        ctx.update(title="Between reviews", data=selectors.monitoring_page(self.episode), can_monitor=can_monitor,
                   grades=Grade.choices)
        return ctx


class ContactCreateView(_EpisodeFormPage):
    """The IRO records a contact with the child, or a mid-point check of the care plan."""

    action = "monitor"
    form_class = ContactForm
    title = "Record a contact or a mid-point check"
    submit_label = "Save"

    def load(self):
        self.deadline = selectors.midpoint_deadline(self.episode)

    def back(self):
        return self.monitoring_url(), "Back to the child's monitoring"

    def rows(self):
        return [("Mid-point check due by", day(self.deadline.due_date))] if self.deadline else []

    def get_initial(self):
        return {"contacted_on": timezone.localdate()}

    def get_form_kwargs(self):
        late = self.shows("late_reason") or (is_late(self.deadline) and self.request.POST.get("kind") ==
                                             MonitoringContact.Kind.MIDPOINT)
        return {**super().get_form_kwargs(), "show_late": late}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.monitoring_contact_record(
            actor=self.request.user, episode=self.episode, kind=d["kind"], contacted_on=d["contacted_on"],
            who=d["who"], summary=d["summary"], late_reason=d.get("late_reason", "")),
            lambda c: f"{c.get_kind_display()} recorded.")


class VisitCreateView(_EpisodeFormPage):
    """The social worker records a statutory visit to the child (reg 28)."""

    policy = episode_policy
    action = "update"
    form_class = VisitForm
    title = "Record a visit to the child"
    submit_label = "Save the visit"

    def load(self):
        self.visits, self.deadline = selectors.visits_so_far(self.episode)

    def back(self):
        if oversight_policy.can(self.access, "oversee", self.episode):
            return self.monitoring_url(), "Back to the child's monitoring"
        return reverse("reviews:preparation"), "Back to reviews to prepare"

    def rows(self):
        rows = [("Next visit due by", day(self.deadline.due_date))] if self.deadline else []
        rows.append(("Visits so far", "\n".join(
            f"{day(v.visited_on)}, {v.visitor_name}{', seen alone' if v.seen_alone else ''}" for v in self.visits)
            or "None recorded yet"))
        return rows

    def intro(self):
        return ["The regulations (reg 28) ask for a visit within a week of any placement starting, then at least "
                "every six weeks in its first year; after that every three months if the placement is meant to last "
                "until the child is 18, otherwise still every six weeks. The IRO sees each visit and the next due."]

    def get_initial(self):
        return {"visited_on": timezone.localdate()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_late": self.shows("late_reason") or is_late(self.deadline)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.statutory_visit_record(
            actor=self.request.user, episode=self.episode, visited_on=d["visited_on"], seen_alone=d["seen_alone"],
            notes=d["notes"], late_reason=d.get("late_reason", "")),
            lambda v: f"Your visit of {day(v.visited_on)} has been recorded.")


# --- quality assurance of the care plan ---------------------------------------------------------------------------
class QACreateView(_EpisodeFormPage):
    """The IRO judges the care plan, criterion by criterion, and gives feedback."""

    action = "monitor"
    form_class = QAForm
    template_name = "reviews/qa_form.html"
    title = "Quality-assure the care plan"
    submit_label = "Send the feedback"

    def load(self):
        self.deadline = selectors.midpoint_deadline(self.episode)

    def back(self):
        return self.monitoring_url(), "Back to the child's monitoring"

    def intro(self):
        return ["Judge each part of the plan by what it means for the child's life now, not by whether the process "
                "was followed. The social worker and their team manager are told, and answer you within 10 working "
                "days. The judgement counts as your mid-point check."]

    def rows(self):
        return [("Mid-point check due by", day(self.deadline.due_date))] if self.deadline else []

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "criteria": criteria_for(self.child.date_of_birth, timezone.localdate()),
                "show_late": self.shows("late_reason") or is_late(self.deadline)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.care_plan_qa_record(
            actor=self.request.user, episode=self.episode, judgements=form.judgements(), feedback=d["feedback"],
            late_reason=d.get("late_reason", "")),
            "Your judgement has been recorded. The social worker and their team manager have been told.",
            lambda qa: reverse("reviews:qa", kwargs={"public_id": qa.public_id}))


class _QAPage(_ChildRecordPage):
    abstract = True
    policy = quality_policy
    related = ("episode__child", "iro", "responded_by", "care_plan")

    def caption(self):
        return f"Quality assurance of the care plan, {day(self.record.judged_on)}"


class QAView(_QAPage, TemplateView):
    action = "view"
    answers = ("respond",)
    template_name = "reviews/qa.html"

    def get(self, request, *args, **kwargs):
        self.log_child_view("IRO's quality assurance of the care plan")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qa = self.record
        ctx.update(title="The IRO's quality assurance of the care plan", qa=qa,
                   judgements=selectors.judgements_of(qa), deadline=selectors.qa_response_deadline(qa),
                   can_answer=self.can("respond") and not qa.is_answered)
        return ctx


class QAAnswerView(_QAPage, ActionPage):
    action = "respond"
    form_class = AnswerForm
    template_name = ACTION_TEMPLATE
    optional_asks = ("late_reason",)
    title = "Answer the IRO's feedback"
    submit_label = "Send your answer"

    def load(self):
        self.deadline = selectors.qa_response_deadline(self.record)

    def back(self):
        return reverse("reviews:qa", kwargs={"public_id": self.record.public_id}), "Back to the IRO's feedback"

    def done(self):
        qa = self.record
        return f"This feedback was answered on {day(qa.responded_on)}." if qa.is_answered else ""

    def rows(self):
        rows = [("The IRO's feedback", self.record.feedback)]
        if self.deadline:
            rows.append(("Your answer is due by", day(self.deadline.due_date)))
        return rows

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "show_late": self.shows("late_reason") or is_late(self.deadline)}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.care_plan_qa_answer(
            actor=self.request.user, qa=self.record, response=d["response"], late_reason=d.get("late_reason", "")),
            "Your answer has been sent. The IRO has been told.")


def _service_only(access) -> None:
    if not oversight_policy.sees_the_service(access):
        raise Http404(NO_SUCH_RECORD)


class ThemesView(PolicyViewMixin, TemplateView):
    """``/reviews/quality/themes/``: the IRO manager's roll-up of the quality assurances made over a period (by
    default the last twelve months), by criterion and grade: a chart and the same numbers as a table."""

    policy = quality_policy
    action = "themes"
    template_name = "reviews/qa_themes.html"

    def dispatch(self, request, *args, **kwargs):
        _service_only(request.access)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        default_start = workdays.add_months(today, -12) + timedelta(days=1)
        form = PeriodForm(self.request.GET if self.request.GET else None,
                          initial={"start": default_start, "end": today})
        start, end = default_start, today
        if form.is_bound and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        rows, how_many = selectors.themes(self.get_queryset(), start=start, end=end)
        scale = max((n for row in rows for n in row.counts.values()), default=0)
        ctx.update(form=form, start=start, end=end, rows=rows, how_many=how_many, grades=Grade.choices,
                   bars=[(row, [(value, label, row.counts[value], row.share(value, scale))
                                for value, label in Grade.choices]) for row in rows],
                   invalid=form.is_bound and not form.is_valid())
        return ctx


# --- disputes ----------------------------------------------------------------------------------------------------
class DisputeCreateView(_EpisodeFormPage):
    """The IRO raises a concern about the care plan: an informal alert, or straight at a formal stage."""

    action = "monitor"
    form_class = DisputeForm
    title = "Raise a concern about the care plan"
    submit_label = "Raise it"

    def load(self):
        self.people = selectors.childs_workers(self.episode)

    def back(self):
        return self.monitoring_url(), "Back to the child's monitoring"

    def intro(self):
        return ["Start with an informal alert to the social worker or their team manager (an answer is due in 10 "
                "working days). If it is not put right, take it to the formal stages, up to the director: each "
                "stage's answer is due in 20 working days. You may skip a stage, or refer to Cafcass at any point, "
                "when the child's needs call for it."]

    def get_initial(self):
        return {"raised_on": timezone.localdate(), "stage": 0}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "people": self.people}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.dispute_raise(
            actor=self.request.user, episode=self.episode, category=d["category"], concern=d["concern"],
            wanted=d["wanted"], raised_on=d["raised_on"], stage=d["stage"], skip_reason=d.get("skip_reason", ""),
            **form.chosen()),
            "The concern has been raised. The social worker and their team manager have been told.",
            lambda x: reverse("reviews:dispute", kwargs={"public_id": x.public_id}))


class _DisputePage(_ChildRecordPage):
    abstract = True
    policy = dispute_policy
    related = ("episode__child", "raised_by")

    def caption(self):
        return f"Dispute raised on {day(self.record.raised_on)}"

    def url(self, name: str) -> str:
        return reverse(f"reviews:{name}", kwargs={"public_id": self.record.public_id})

    def back(self):
        if oversight_policy.sees_the_service(self.access) and not self.can("manage"):
            return reverse("reviews:disputes"), "Back to the disputes register"
        return super().back()


class _DisputeFormPage(_DisputePage, ActionPage):
    abstract = True
    template_name = ACTION_TEMPLATE

    def back(self):
        return self.url("dispute"), "Back to the dispute"

    def done(self):
        d = self.record
        return f"This dispute was closed on {day(d.closed_on)}: {d.get_outcome_display().lower()}." \
            if not d.is_open else ""


class DisputeView(_DisputePage, TemplateView):
    action = "view"
    answers = ("manage", "respond")
    template_name = "reviews/dispute.html"

    def get(self, request, *args, **kwargs):
        self.log_child_view("IRO dispute")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        d = self.record
        stages = selectors.stages_of(d)
        current = next((row for row in stages if row.stage.number == d.stage), None)
        manage, respond = self.can("manage"), self.can("respond")
        steps = []
        if d.is_open:
            if (manage or respond) and current and current.stage.responded_on is None:
                steps.append((self.url("dispute_answer"), "Record the answer" if manage else "Answer the IRO"))
            if manage and d.stage < LAST_STAGE:
                steps.append((self.url("dispute_escalate"), "Take it to a formal stage" if not d.is_formal
                              else "Take it to the next stage"))
            if manage and d.cafcass_referred_on is None:
                steps.append((self.url("dispute_cafcass"), "Refer the child's case to Cafcass"))
            if manage:
                steps.append((self.url("dispute_close"), "Close the dispute"))
        ctx.update(title="IRO dispute", dispute=d, stages=stages, steps=steps,
                   age=selectors.age_in_days(d, timezone.localdate()))
        return ctx


class DisputeAnswerView(_DisputeFormPage):
    """The answer at the stage the dispute is at: the child's social worker or team manager answers, or the IRO
    records the answer given to them."""

    action = "view"
    answers = ("manage", "respond")
    form_class = DisputeAnswerForm
    optional_asks = ("late_reason",)
    submit_label = "Save the answer"

    def load(self):
        self.manages = self.can("manage")
        if not (self.manages or self.can("respond")):
            raise Http404(NO_SUCH_RECORD)
        rows = selectors.stages_of(self.record)
        self.current = next((r for r in rows if r.stage.number == self.record.stage), None)

    def title(self):
        return "Record the answer" if self.manages else "Answer the IRO"

    def done(self):
        closed = super().done()
        if closed:
            return closed
        stage = self.current.stage if self.current else None
        if stage is not None and stage.responded_on:
            return f"{stage.name} was answered on {day(stage.responded_on)}."
        return ""

    def rows(self):
        d, rows = self.record, []
        rows.append(("Stage", STAGE_NAMES[d.stage]))
        rows.append(("The concern", d.concern))
        rows.append(("What the IRO wants to happen", d.wanted))
        if self.current and self.current.deadline:
            rows.append(("The answer is due by", day(self.current.deadline.due_date)))
        return rows

    def get_form_kwargs(self):
        late = self.shows("late_reason") or bool(self.current and is_late(self.current.deadline))
        return {**super().get_form_kwargs(), "on_behalf": self.manages, "show_late": late}

    def get_initial(self):
        return {"responded_on": timezone.localdate()}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.dispute_answer(
            actor=self.request.user, dispute=self.record, response=d["response"],
            responder_name=d.get("responder_name", ""), responded_on=d.get("responded_on"),
            late_reason=d.get("late_reason", "")),
            "The answer has been recorded." if self.manages else "Your answer has been sent. The IRO has been told.",
            self.url("dispute"))


class DisputeEscalateView(_DisputeFormPage):
    action = "manage"
    form_class = EscalateForm
    title = "Take the dispute to a formal stage"
    submit_label = "Raise it at this stage"

    def load(self):
        self.people = selectors.childs_workers(self.episode)

    def done(self):
        closed = super().done()
        if closed:
            return closed
        return "This dispute is at the last stage." if self.record.stage >= LAST_STAGE else ""

    def rows(self):
        return [("The stage it is at", STAGE_NAMES[self.record.stage])]

    def get_initial(self):
        return {"started_on": timezone.localdate(), "to_stage": self.record.stage + 1}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "people": self.people, "after": self.record.stage}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.dispute_escalate(
            actor=self.request.user, dispute=self.record, to_stage=d["to_stage"], started_on=d["started_on"],
            skip_reason=d.get("skip_reason", ""), **form.chosen()),
            lambda x: f"The dispute is now at {x.stage_name.lower()}.", self.url("dispute"))


class DisputeCafcassView(_DisputeFormPage):
    action = "manage"
    form_class = CafcassForm
    title = "Refer the child's case to Cafcass"
    submit_label = "Record the referral"
    warning = "A referral to Cafcass is recorded for good: it cannot be taken back here."

    def done(self):
        d = self.record
        if d.cafcass_referred_on:
            return f"The case was referred to Cafcass on {day(d.cafcass_referred_on)}."
        return super().done()

    def intro(self):
        return ["Make the referral to Cafcass first (reg 45), then record it here. The IRO managers are told."]

    def get_initial(self):
        return {"referred_on": timezone.localdate()}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.dispute_refer_to_cafcass(
            actor=self.request.user, dispute=self.record, referred_on=d["referred_on"], reason=d["reason"]),
            "The referral to Cafcass has been recorded.", self.url("dispute"))


class DisputeCloseView(_DisputeFormPage):
    action = "manage"
    form_class = CloseForm
    title = "Close the dispute"
    submit_label = "Close the dispute"
    warning = "Closing the dispute is final. Raise a new one if the concern comes back."
    warning_button = True

    def get_initial(self):
        return {"closed_on": timezone.localdate()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "referred": self.record.cafcass_referred_on is not None}

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: services.dispute_close(
            actor=self.request.user, dispute=self.record, outcome=d["outcome"], note=d["note"],
            closed_on=d["closed_on"]), "The dispute has been closed.", self.url("dispute"))


class RegisterView(PolicyViewMixin, TemplateView):
    """``/reviews/disputes/``: the IRO manager's register of the service's disputes: the child, the stage, its
    age in days and the outcome."""

    policy = dispute_policy
    action = "register"
    template_name = "reviews/disputes.html"

    def dispatch(self, request, *args, **kwargs):
        _service_only(request.access)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = RegisterFilterForm(self.request.GET or None, initial={"show": "open"})
        show = "open"
        if form.is_bound and form.is_valid():
            show = form.cleaned_data.get("show") or "open"
        rows, more = selectors.register(self.get_queryset(), show=show)
        today = timezone.localdate()
        ctx.update(form=form, show=show, more=more, row_limit=selectors.ROWS, today=today,
                   rows=[(d, selectors.age_in_days(d, today)) for d in rows])
        return ctx


class FeedbackView(PolicyViewMixin, TemplateView):
    """``/reviews/feedback/``: for the child's social worker and team manager, the IRO's feedback on their
    children's care plans waiting for their answer, and the open disputes about their children."""

    policy = quality_policy
    action = "respond"
    template_name = "reviews/feedback.html"

    def dispatch(self, request, *args, **kwargs):
        if not oversight_policy.answers_the_iro(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qas, disputes, more = selectors.feedback_to_answer(self.get_queryset(),
                                                           dispute_policy.visible(self.access, "respond"))
        ctx.update(qas=qas, disputes=disputes, more=more, row_limit=selectors.ROWS, today=timezone.localdate())
        return ctx


def review_page_links(page) -> list[tuple[str, str]]:
    """The review page's ways to the child's work between reviews, from the answers it fetched with the review
    (no query): the monitoring page for those who book the child's reviews (the allocated IRO, the IRO manager:
    the same people oversee the period of care); recording a visit and the IRO's feedback for case staff who
    prepare the review."""
    episode = page.review.episode
    links = []
    if page.can("schedule"):
        links.append((reverse("reviews:monitoring", kwargs={"public_id": episode.public_id}),
                      "The IRO's monitoring between reviews: contacts, visits, quality assurance, disputes"))
    if episode_policy.is_case_staff(page.access) and page.can("prepare") and episode.is_open:
        links.append((reverse("reviews:visit_new", kwargs={"public_id": episode.public_id}),
                      "Record your visit to the child"))
        links.append((reverse("reviews:feedback"), "The IRO's feedback on your children's care plans"))
    return links


urlpatterns = [
    path("e/<public_id>/monitoring/", MonitoringView.as_view(), name="monitoring"),
    path("e/<public_id>/monitoring/new/", ContactCreateView.as_view(), name="monitoring_contact_new"),
    path("e/<public_id>/visits/new/", VisitCreateView.as_view(), name="visit_new"),
    path("e/<public_id>/quality/new/", QACreateView.as_view(), name="qa_new"),
    path("e/<public_id>/disputes/new/", DisputeCreateView.as_view(), name="dispute_new"),
    path("quality/themes/", ThemesView.as_view(), name="qa_themes"),
    path("quality/<public_id>/", QAView.as_view(), name="qa"),
    path("quality/<public_id>/answer/", QAAnswerView.as_view(), name="qa_answer"),
    path("disputes/", RegisterView.as_view(), name="disputes"),
    path("disputes/<public_id>/", DisputeView.as_view(), name="dispute"),
    path("disputes/<public_id>/answer/", DisputeAnswerView.as_view(), name="dispute_answer"),
    path("disputes/<public_id>/escalate/", DisputeEscalateView.as_view(), name="dispute_escalate"),
    path("disputes/<public_id>/cafcass/", DisputeCafcassView.as_view(), name="dispute_cafcass"),
    path("disputes/<public_id>/close/", DisputeCloseView.as_view(), name="dispute_close"),
    path("feedback/", FeedbackView.as_view(), name="feedback"),
]
