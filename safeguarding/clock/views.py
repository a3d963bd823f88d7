"""Deadline pages: My deadlines, Team deadlines, one deadline (with its history) and the forms that
record it met, accept a late reason or cancel it, and the personal calendar feed.

Every deadline is reached through ``deadline_policy`` (PolicyViewMixin): forbidden and missing are the
same 404. The calendar page is about the signed-in person's own feed only; the feed itself
(``clock:calendar_feed``) is public, authenticated by the secret token in its URL.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from safeguarding.access.views import PolicyViewMixin
from safeguarding.pages import ActionPage, day
from safeguarding.records.subjects import name_each, name_subjects

from . import ics, rules, selectors, services
from .forms import AcceptLateForm, CancelForm, DeadlineFilterForm, MeetForm, TeamDeadlineFilterForm
from .models import Deadline
from .policies import deadline_policy

PAGE_SIZE = 50
CALENDAR_TOKEN_SESSION_KEY = "clock.calendar_token"


def _query_without(request, *names) -> str:
    """The current query string without ``names`` (for links that change one filter)."""
    q = request.GET.copy()
    for name in names:
        q.pop(name, None)
    return q.urlencode()


class Row:
    """A deadline as a list page shows it (its display status worked out once)."""

    def __init__(self, deadline: Deadline, w: selectors.Window, known: dict[str, rules.Rule]):
        self.deadline = deadline
        self.rule = known.get(deadline.rule_key)
        self.status_label, self.status_colour = selectors.display_status(deadline, w)


# --- the lists ---------------------------------------------------------------------------------------


class DeadlineListView(PolicyViewMixin, TemplateView):
    """Shared by My deadlines and Team deadlines: counts per bucket, the filters, one page of rows."""

    abstract = True
    policy = deadline_policy

    def list_context(self, scoped, filters: selectors.Filters, w: selectors.Window) -> dict:
        known = rules.all_rules()
        counts = selectors.deadline_counts(scoped, w=w)
        paginator = Paginator(selectors.deadline_list(scoped, bucket=filters.bucket, w=w), PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        base_query = _query_without(self.request, "page", "status")
        return {
            "w": w,
            "filters": filters,
            "counts": counts,
            "bucket_label": selectors.BUCKETS[filters.bucket],
            "bucket_links": [
                (key, label, n, f"?{base_query}&status={key}" if base_query else f"?status={key}")
                for key, label, n in counts.buckets
            ],
            "page_obj": page,
            # each deadline names its subject (the child, a case reference) with a link: one query per kind (ADR 26)
            "rows": [Row(d, w, known) for d in name_each(self.access, list(page.object_list))],
            "page_query": _query_without(self.request, "page"),
            "rule_filter": known.get(filters.rule_key),
            "service_filter": rules.Service(filters.service).label if filters.service else "",
        }


class MyDeadlinesView(DeadlineListView):
    template_name = "clock/my_deadlines.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = DeadlineFilterForm(self.request.GET or None)
        filters = form.filters()
        w = selectors.window()
        scoped = selectors.apply_filters(selectors.for_person(self.get_queryset(), self.request.user), filters)
        ctx.update(self.list_context(scoped, filters, w))
        ctx["form"] = form
        ctx["sees_team_deadlines"] = bool(deadline_policy.teams(self.access).exists())
        return ctx


class TeamDeadlinesView(DeadlineListView):
    """Team managers see their teams, service managers every team of their agency, anyone else the
    teams they belong to; a person with no team gets a page that says so (never a 403)."""

    template_name = "clock/team_deadlines.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        teams = list(deadline_policy.teams(self.access).order_by("agency__name", "name"))
        ctx["teams"] = teams
        ctx["is_manager"] = deadline_policy.is_manager(self.access)
        if not teams:
            return ctx
        form = TeamDeadlineFilterForm(self.request.GET or None, teams=teams)
        filters = form.filters()
        w = selectors.window()
        scoped = selectors.apply_filters(self.get_queryset(), filters)
        # the breakdowns ignore the person filter: they are how a manager picks a person
        by_person_scope = selectors.apply_filters(self.get_queryset(), selectors.Filters(
            rule_key=filters.rule_key, service=filters.service, team_ids=filters.team_ids))
        by_rule = selectors.counts_by_rule(scoped, w=w)
        ctx.update(self.list_context(scoped, filters, w))
        by_person = selectors.counts_by_person(by_person_scope, w=w)
        ctx.update(
            form=form,
            chosen_team=form.chosen_team,
            by_person=by_person,
            by_rule=by_rule,
            person_query=_query_without(self.request, "page", "person"),
            chosen_person=next((p for p in by_person if p.public_id == filters.person), None),
        )
        return ctx


# --- one deadline -----------------------------------------------------------------------------------


class DeadlineDetailView(PolicyViewMixin, TemplateView):
    policy = deadline_policy
    template_name = "clock/deadline_detail.html"

    def shape_queryset(self, qs):
        return selectors.deadline_for_page(qs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        d = self.get_object()
        w = selectors.window()
        rule = rules.all_rules().get(d.rule_key)
        status_label, status_colour = selectors.display_status(d, w)
        can = {action: deadline_policy.can(self.access, action, d) for action in deadline_policy.actions}
        late = d.status in (Deadline.Status.MET_LATE, Deadline.Status.OVERDUE)
        named = name_subjects(self.access, [(d.subject_type_id, d.subject_id)]).get((d.subject_type_id, d.subject_id))
        ctx.update(
            deadline=d, rule=rule, named=named, applied=_applied_rule(d, rule), status_label=status_label,
            status_colour=status_colour, history=_history_rows(selectors.deadline_history(d)),
            can_meet=can["meet"] and d.is_open,
            can_accept_late=can["accept_late"] and late and not d.late_accepted_by_id,
            can_cancel=can["cancel"] and d.is_open,
            back_url=reverse("clock:my_deadlines"),
        )
        return ctx


def _applied_rule(d: Deadline, rule: rules.Rule | None) -> str:
    """The rule as it was applied to this deadline (it may have been overridden since)."""
    c = d.computation or {}
    if {"amount", "unit", "direction", "anchor"} <= c.keys():
        try:
            unit = rules.Unit(c["unit"]).label
        except ValueError:
            unit = c["unit"]
        return f"{c['amount']} {unit} {c['direction']} {c['anchor']}"
    return rule.summary if rule else ""


_HISTORY_FIELDS = (
    ("anchor_date", "Counted from"), ("due_date", "Due"), ("met_on", "Met"),
    ("late_reason", "Reason it was late"),
)  # a cancellation's reason is its change reason already


_OPENED_UNDER = re.compile(r"^Opened under (?P<key>[a-z0-9_]+)$")


def _reason_in_words(reason: str | None) -> str:
    """A history row's reason as the page shows it: rows written before ADR 26 said "Opened under <rule key>";
    they read as the rows written since ("Deadline opened: <the rule's title>"). A rule no longer in the
    rules reads "Deadline opened" (its key is still in the deadline's data, for developers)."""
    match = _OPENED_UNDER.match(reason or "")
    if not match:
        return reason or ""
    rule = rules.all_rules().get(match["key"])
    return services.opened_reason(rule) if rule else "Deadline opened"


def _history_rows(history: list) -> list[dict]:
    """History rows (newest first) as the page shows them: who, what and why, and what changed."""
    rows = []
    for i, h in enumerate(history):
        older = history[i + 1] if i + 1 < len(history) else None
        changes = []
        if older is not None:
            for name, label in _HISTORY_FIELDS:
                before, after = getattr(older, name), getattr(h, name)
                if before != after and after not in (None, ""):
                    text = day(after) if name.endswith(("_date", "_on")) else after
                    was = f" (was {day(before)})" if name in ("anchor_date", "due_date") and before else ""
                    changes.append(f"{label}: {text}{was}")
        kind = {"+": "Opened", "~": "Changed", "-": "Removed"}.get(h.history_type, "Changed")
        rows.append({
            "when": h.history_date, "who": h.history_user.display_name if h.history_user else "Automatic",
            "what": _reason_in_words(h.history_change_reason) or kind, "changes": changes,
            "status": Deadline.Status(h.status).label if h.status in Deadline.Status.values else h.status,
            "due_date": h.due_date,
        })
    return rows


class DeadlineActionView(PolicyViewMixin, ActionPage):
    """One action on one deadline, on the kernel's one-purpose page (pages/action.html): the deadline as
    a summary list, then the form; or, when there is nothing left to do, a note saying why (and a repeated
    POST changes nothing)."""

    abstract = True
    policy = deadline_policy
    cancel_label = "Go back without saving"

    def shape_queryset(self, qs):
        return selectors.deadline_for_page(qs)

    def dispatch(self, request, *args, **kwargs):
        self.deadline = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def caption(self) -> str:
        return self.deadline.label

    def back(self) -> tuple[str, str]:
        return reverse("clock:deadline_detail", kwargs={"public_id": self.deadline.public_id}), "Back to the deadline"

    def rows(self) -> list[tuple[str, str]]:
        d = self.deadline
        rule = rules.all_rules().get(d.rule_key)
        rows = [("Deadline", d.label), ("Rule", rule.description if rule else d.rule_key),
                ("Due", day(d.due_date))]
        if d.met_on:
            rows.append(("Met", day(d.met_on)))
        if d.late_reason:
            rows.append(("Reason it was late", d.late_reason))
        return rows

    def get_context_data(self, **kwargs):
        return super().get_context_data(deadline=self.deadline, **kwargs)


class DeadlineMeetView(DeadlineActionView):
    action = "meet"
    form_class = MeetForm
    title = "Record that this deadline was met"
    submit_label = "Record as met"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "due_date": self.deadline.due_date}

    def get_initial(self):
        return {"late_reason": self.deadline.late_reason}

    def done(self):
        d = self.deadline
        if d.status == Deadline.Status.CANCELLED:
            return f"This deadline was cancelled: {d.cancelled_reason}"
        if not d.is_open:
            return f"This deadline was recorded as {d.get_status_display().lower()} on {day(d.met_on)}."
        return ""

    def form_valid(self, form):
        data = form.cleaned_data
        return self.run(form, lambda: services.deadline_meet(
            deadline=self.deadline, met_on=data["met_on"], actor=self.request.user, late_reason=data["late_reason"]),
            "The deadline has been recorded as met.")


class DeadlineAcceptLateView(DeadlineActionView):
    action = "accept_late"
    form_class = AcceptLateForm
    title = "Accept the reason for the delay"
    submit_label = "Accept the reason"

    def done(self):
        d = self.deadline
        if d.late_accepted_by_id:
            return (f"{d.late_accepted_by.display_name} accepted the reason for the delay on "
                    f"{day(d.late_accepted_at)}.")
        if d.status not in (Deadline.Status.MET_LATE, Deadline.Status.OVERDUE):
            return "This deadline is not late, so there is no reason for a delay to accept."
        return ""

    def form_valid(self, form):
        return self.run(form, lambda: services.deadline_accept_late(
            deadline=self.deadline, manager=self.request.user, note=form.cleaned_data["note"]),
            "The reason for the delay has been accepted.")


class DeadlineCancelView(DeadlineActionView):
    action = "cancel"
    form_class = CancelForm
    title = "Cancel this deadline"
    submit_label = "Cancel the deadline"
    warning_button = True
    warning = ("Reminders stop once a deadline is cancelled. It stays in the record's history, marked "
               "cancelled with your reason.")

    def done(self):
        d = self.deadline
        if d.status == Deadline.Status.CANCELLED:
            return f"This deadline has already been cancelled: {d.cancelled_reason}"
        if not d.is_open:
            return "This deadline has been met, so it cannot be cancelled."
        return ""

    def form_valid(self, form):
        return self.run(form, lambda: services.deadline_cancel(
            deadline=self.deadline, reason=form.cleaned_data["reason"].strip(), actor=self.request.user),
            "The deadline has been cancelled.")


# --- the calendar feed ------------------------------------------------------------------------------


class CalendarFeedPageView(TemplateView):
    """The signed-in person's own feed link: create it, see how to subscribe, replace or revoke it.
    Scoped to request.user, so no record policy applies."""

    template_name = "clock/calendar.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        feed = ics.calendar_feed_of(self.request.user)
        token = self.request.session.pop(CALENDAR_TOKEN_SESSION_KEY, None)
        ctx.update(
            feed=feed, active=bool(feed and feed.is_active),
            feed_url=self.request.build_absolute_uri(reverse("clock:calendar_feed", args=[token])) if token else "",
            back_url=reverse("clock:my_deadlines"),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action in ("create", "replace"):
            # shown once, on the page this redirects to, then gone from the session
            request.session[CALENDAR_TOKEN_SESSION_KEY] = ics.calendar_feed_issue(user=request.user)
            messages.success(request, "Your calendar link has been replaced. The old link no longer works."
                             if action == "replace" else "Your calendar link has been created.")
        elif action == "revoke":
            if ics.calendar_feed_revoke(user=request.user):
                messages.success(request, "Your calendar link has been turned off. Calendars using it will stop "
                                          "showing your deadlines.")
        return redirect("clock:calendar")


@require_safe
def calendar_feed(request, token: str):
    """The ICS feed. Public (its token authenticates it); unknown, replaced or revoked tokens are 404."""
    user = ics.feed_owner(token)
    if user is None:
        raise Http404("No such calendar")
    body = ics.deadlines_calendar(
        deadlines=ics.person_open_deadlines(user),
        page_url=lambda d: request.build_absolute_uri(reverse("clock:deadline_detail", args=[d.public_id])),
        user=user, absolute_url=request.build_absolute_uri,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


urlpatterns = [
    path("deadlines/", MyDeadlinesView.as_view(), name="my_deadlines"),
    path("deadlines/team/", TeamDeadlinesView.as_view(), name="team_deadlines"),
    path("deadlines/calendar/", CalendarFeedPageView.as_view(), name="calendar"),
    path("deadlines/<uuid:public_id>/", DeadlineDetailView.as_view(), name="deadline_detail"),
    path("deadlines/<uuid:public_id>/met/", DeadlineMeetView.as_view(), name="deadline_meet"),
    path("deadlines/<uuid:public_id>/accept-late/", DeadlineAcceptLateView.as_view(), name="deadline_accept_late"),
    path("deadlines/<uuid:public_id>/cancel/", DeadlineCancelView.as_view(), name="deadline_cancel"),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
]
