"""Pages for requesting, scheduling and preparing child protection conferences (issue 4, sections 1, 2
and 7): the chair's dashboard, the service's list, the request, the conference page, booking,
rescheduling and cancelling, invitations, attendance and reports.

Every page reaches its conference (or child, or plan) through a policy via ``PolicyViewMixin``:
forbidden and missing are the same 404. Every change goes through ``conferences.services``; its
ValidationError comes back onto the form (``apply_service_errors``) and the page is shown again with
what was typed; success is a message and a redirect.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.generic import FormView, TemplateView

from cases.policies import child_policy
from cases.services import child_view_log
from safeguarding.access.views import PolicyViewMixin
from safeguarding.accounts.models import Role, User
from safeguarding.audit.models import RecordView
from safeguarding.clock import services as clock
from safeguarding.forms import apply_service_errors

from . import selectors, services
from .forms_scheduling import (
    AttendanceForm,
    CancelForm,
    InviteeForm,
    ProposedInviteesForm,
    ReportForm,
    RequestForm,
    RescheduleForm,
    ReviewRequestForm,
    ScheduleForm,
    ServiceFilterForm,
    ShareForm,
    WithdrawForm,
)
from .models import AgencyReport, ChildProtectionPlan, Conference, Kind, Minutes
from .policies import PARTNER_ROLES, conference_policy, document_policy, plan_policy, report_policy

S = Conference.Status
NO_SUCH_RECORD = "No such record"
DASHBOARD_ROWS = 20
SERVICE_PAGE_SIZE = 25
CASE_STAFF_ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER)
# The actions the conference page asks the policy about, in one query.
PAGE_ACTIONS = ("schedule", "record", "decide", "report", "request", "distribute")


def _day(d) -> str:
    """"Tuesday 12 January 2027"."""
    return format_date(d, "l j F Y") if d else ""


def _time(dt) -> str:
    return format_date(timezone.localtime(dt), "H:i") if dt else ""


def _aware(day, at) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _uuid_or_404(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise Http404(NO_SUCH_RECORD) from None


def allowed_actions(ctx, conference: Conference, actions=PAGE_ACTIONS) -> frozenset[str]:
    """Which of ``actions`` the conference policy allows ``ctx`` on ``conference``, in one query."""
    checks = {f"can_{a}": Exists(conference_policy.visible(ctx, a).filter(pk=OuterRef("pk"))) for a in actions}
    row = Conference.objects.filter(pk=conference.pk).annotate(**checks).values(*checks).first() or {}
    return frozenset(a for a in actions if row.get(f"can_{a}"))


def sees_whole_conference(allowed) -> bool:
    """The chair, minute-taker, conference service and case staff see every invitation and report;
    an invited agency sees only its own."""
    return bool({"schedule", "record", "request"} & set(allowed))


# --- shared page classes --------------------------------------------------------------------------
class ConferencePage(PolicyViewMixin):
    """A page about one conference, reached through ``conference_policy`` for ``action`` (or the first
    of ``actions`` the person has)."""

    abstract = True
    policy = conference_policy
    actions: tuple[str, ...] = ()

    def shape_queryset(self, qs):
        return selectors.conference_for_page(qs)

    def dispatch(self, request, *args, **kwargs):
        self.conference = self._fetch()
        self.child = self.conference.child
        self.load()
        return super().dispatch(request, *args, **kwargs)

    def _fetch(self) -> Conference:
        for action in self.actions[:-1]:
            self.action = action
            try:
                return self.get_object()
            except Http404:
                continue
        if self.actions:
            self.action = self.actions[-1]
        return self.get_object()

    def load(self):
        """Fetch whatever else the page is about, through the conference (404 when it is not its)."""

    def detail_url(self) -> str:
        return reverse("conferences:detail", kwargs={"public_id": self.conference.public_id})

    def back(self) -> tuple[str, str]:
        return self.detail_url(), "Back to the conference"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["conference"] = self.conference
        ctx["child"] = self.child
        ctx["back_url"], ctx["back_label"] = self.back()
        return ctx


class ConferenceFormPage(ConferencePage, FormView):
    """A form about one conference. ``done()`` says why there is nothing to do (shown instead of the
    form, and a repeated POST changes nothing)."""

    abstract = True
    title = ""
    submit_label = "Save"

    def done(self) -> str:
        return ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=self.title, done=self.done(), submit_label=self.submit_label)
        return ctx

    def post(self, request, *args, **kwargs):
        done = self.done()
        if done:
            messages.info(request, done)
            return redirect(self.back()[0])
        return super().post(request, *args, **kwargs)

    def run(self, form, fn, message: str, url: str | None = None):
        try:
            fn()
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(url or self.detail_url())


def _late_field_shown(form) -> bool:
    """Show the late reason when the service asked for it, or when one was typed."""
    return form.is_bound and (bool(form.errors.get("late_reason")) or bool(form.data.get("late_reason", "").strip()))


# --- the dashboard and the service list -----------------------------------------------------------
class DashboardView(PolicyViewMixin, TemplateView):
    """The landing page of /conferences/: what needs doing, by role."""

    policy = conference_policy
    template_name = "conferences/sched/dashboard.html"

    @staticmethod
    def _rows(qs, more_status: str = "") -> dict:
        """The first rows of a section (one query), and a link to the service list when there are more."""
        rows = list(qs[:DASHBOARD_ROWS + 1])
        more = ""
        if len(rows) > DASHBOARD_ROWS and more_status:
            more = f"{reverse('conferences:service_list')}?status={more_status}"
        return {"rows": rows[:DASHBOARD_ROWS], "more_url": more, "truncated": len(rows) > DASHBOARD_ROWS}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        access, user = self.access, self.request.user
        today = timezone.localdate()
        week = selectors.iso_week(today)
        until, working_days = selectors.at_risk_until(today)
        is_chair = access.has_role(Role.CONFERENCE_CHAIR)
        is_service = conference_policy.is_service_staff(access)
        is_case_staff = access.has_role(*CASE_STAFF_ROLES)
        is_partner = access.has_role(*PARTNER_ROLES)
        view = conference_policy.visible(access, "view")
        sections = {}
        if is_chair:
            sections["week"] = self._rows(selectors.chair_week(view, chair=user, week=week))
        if is_service:
            service = conference_policy.visible(access, "list_service")
            if not is_chair:
                sections["service_week"] = self._rows(selectors.chair_week(service, chair=None, week=week),
                                                      S.SCHEDULED)
            sections["awaiting"] = self._rows(selectors.awaiting_allocation(service), S.REQUESTED)
            sections["at_risk"] = self._rows(selectors.at_risk(service, until=until))
        if is_chair:
            sections["minutes"] = self._rows(selectors.minutes_awaiting_sign_off(
                conference_policy.visible(access, "decide"), chair=user))
            sections["plans"] = self._rows(selectors.plans_needing_review(
                plan_policy.visible(access, "audit"), until=selectors.review_horizon(today)))
        if is_case_staff:
            sections["my_requests"] = self._rows(selectors.requested_by(view, person=user))
            sections["my_children"] = self._rows(selectors.live_for(
                conference_policy.visible(access, "request").exclude(requested_by=user)))
        if is_partner:
            sections["invited"] = self._rows(selectors.live_for(view.filter(conference_policy.invited_q(access))))
        ctx.update(sections=sections, today=today, week=week, at_risk_until=until, at_risk_days=working_days,
                   review_weeks=selectors.REVIEW_HORIZON_WEEKS, review_until=selectors.review_horizon(today),
                   is_chair=is_chair, is_service=is_service, nothing=not sections, row_limit=DASHBOARD_ROWS)
        return ctx


class ServiceListView(PolicyViewMixin, TemplateView):
    """The conference service's list (chairs and administrators of the local authority)."""

    policy = conference_policy
    action = "list_service"
    template_name = "conferences/sched/service_list.html"

    def dispatch(self, request, *args, **kwargs):
        if not conference_policy.is_service_staff(request.access):
            raise Http404(NO_SUCH_RECORD)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ServiceFilterForm(self.request.GET or None)
        status = kind = ""
        if form.is_bound and form.is_valid():
            status, kind = form.cleaned_data["status"], form.cleaned_data["kind"]
        qs = selectors.service_list(self.get_queryset(), status=status, kind=kind)
        page = Paginator(qs, SERVICE_PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(filter_form=form, page_obj=page, rows=list(page.object_list), page_query=query.urlencode(),
                   filtered=bool(status or kind), today=timezone.localdate())
        return ctx


# --- the request ------------------------------------------------------------------------------------
class RequestView(PolicyViewMixin, FormView):
    """A social worker (anyone who may edit the child) asks the conference service for a conference."""

    policy = child_policy
    action = "edit"
    lookup_url_kwarg = "child_id"
    form_class = RequestForm
    template_name = "conferences/sched/request.html"

    def shape_queryset(self, qs):
        return qs.select_related("local_authority")

    def dispatch(self, request, *args, **kwargs):
        self.child = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        child_view_log(child=self.child, user=request.user, via=RecordView.Via.PAGE, what="conference request form")
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"kind": Kind.PRE_BIRTH if self.child.is_unborn else Kind.INITIAL}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["child"] = self.child
        ctx["back_url"] = reverse("cases:child_detail", kwargs={"public_id": self.child.public_id})
        ctx["live"] = (conference_policy.visible(self.access, "view")
                       .filter(child=self.child, status__in=selectors.LIVE).first())
        return ctx

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            conference = services.conference_request(
                actor=self.request.user, child=self.child, kind=d["kind"],
                strategy_discussion_date=d["strategy_discussion_date"],
                transfer_notification_date=d["transfer_notification_date"],
                transferring_authority=d["transferring_authority"], notes=d["notes"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        deadline = services.due_deadline(conference)
        due = f" It must be held by {_day(deadline.due_date)}." if deadline else ""
        messages.success(self.request, f"{conference.get_kind_display()} requested.{due}")
        return redirect("conferences:detail", public_id=conference.public_id)


class ReviewRequestView(PolicyViewMixin, FormView):
    """Confirm and request the review conference of an active plan."""

    policy = plan_policy
    action = "update"
    form_class = ReviewRequestForm
    template_name = "conferences/sched/review_request.html"

    def shape_queryset(self, qs):
        return qs.select_related("child", "lead_social_worker")

    def dispatch(self, request, *args, **kwargs):
        self.plan = self.get_object()
        self.review_deadline = clock.open_deadlines_for(self.plan, *services.REVIEW_RULES).first()
        self.live = (conference_policy.visible(self.access, "view")
                     .filter(child_id=self.plan.child_id, status__in=selectors.LIVE).first())
        return super().dispatch(request, *args, **kwargs)

    def done(self) -> str:
        if self.plan.status != ChildProtectionPlan.Status.ACTIVE:
            return "This plan has ended, so there is no review conference to request."
        if self.live:
            return (f"A {self.live.get_kind_display().lower()} is already {self.live.get_status_display().lower()} "
                    "for this child.")
        return ""

    def back_url(self) -> str:
        return reverse("conferences:plan", kwargs={"public_id": self.plan.public_id})

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(plan=self.plan, child=self.plan.child, deadline=self.review_deadline, done=self.done(),
                   live=self.live, back_url=self.back_url())
        return ctx

    def post(self, request, *args, **kwargs):
        if self.done():
            messages.info(request, self.done())
            return redirect(self.back_url())
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            conference = services.conference_request(actor=self.request.user, child=self.plan.child,
                                                     kind=Kind.REVIEW, plan=self.plan, notes=form.cleaned_data["notes"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        due = (f" It must be held by {_day(self.review_deadline.due_date)}." if self.review_deadline else "")
        messages.success(self.request, f"Review conference requested.{due}")
        return redirect("conferences:detail", public_id=conference.public_id)


# --- the conference page ----------------------------------------------------------------------------
class ConferenceDetailView(ConferencePage, TemplateView):
    action = "view"
    template_name = "conferences/sched/detail.html"

    def back(self):
        return reverse("conferences:dashboard"), "Back to conferences"

    def get(self, request, *args, **kwargs):
        child_view_log(child=self.child, user=request.user, via=RecordView.Via.PAGE, what="conference page")
        return super().get(request, *args, **kwargs)

    def next_steps(self, allowed, c: Conference) -> list[tuple[str, str]]:
        status, pid = c.status, c.public_id

        def url(name):
            return reverse(f"conferences:{name}", kwargs={"public_id": pid})

        steps = []
        if "schedule" in allowed:
            if status == S.REQUESTED:
                steps.append((url("schedule"), "Allocate a chair and book the conference"))
            if status == S.SCHEDULED:
                steps.append((url("reschedule"), "Reschedule the conference"))
            if status in (S.REQUESTED, S.SCHEDULED):
                steps.append((url("invitations"), "Invite people"))
        if {"schedule", "record"} & allowed and status in (S.SCHEDULED, S.HELD):
            steps.append((url("attendance"), "Record attendance"))
        if sees_whole_conference(allowed) and status != S.CANCELLED:
            steps.append((url("reports"), "Reports for the conference"))
        if "report" in allowed and status in (S.REQUESTED, S.SCHEDULED):
            steps.append((url("report_submit"), "Submit your agency's report"))
        if "record" in allowed and status in (S.SCHEDULED, S.HELD):
            steps.append((url("record"), "Record the conference"))
        if "decide" in allowed and status == S.SCHEDULED:
            steps.append((url("hold"), "Record that the conference was held"))
        if "decide" in allowed and status == S.HELD:
            steps.append((url("decision"), "Record the decision"))
        if {"decide", "record"} & allowed and status == S.DECIDED:
            steps.append((url("minutes"), "Minutes"))
        if status == S.DECIDED and ("distribute" in allowed or document_policy.visible(self.access, "view")
                                    .filter(conference=c).exists()):
            steps.append((url("documents"), "Documents"))
        if "schedule" in allowed and status in (S.REQUESTED, S.SCHEDULED):
            steps.append((url("cancel"), "Cancel the conference"))
        return steps

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c, access = self.conference, self.access
        allowed = allowed_actions(access, c)
        whole = sees_whole_conference(allowed)
        if whole:
            invitations = list(selectors.invitations_of(c))
            reports = services.reports_status(conference=c)
        else:
            own = access.agency_ids_with_role(*PARTNER_ROLES)
            invitations = list(selectors.invitations_for_person(c, user_id=access.user_id, agency_ids=own))
            mine = {i.agency_id for i in invitations if i.agency_id}
            reports = [r for r in services.reports_status(conference=c) if r.agency.pk in mine]
        quorum = services.quorum(conference=c) if whole and c.status in (S.SCHEDULED, S.HELD) else None
        plan = None
        if c.plan_id:
            plan = plan_policy.visible(access, "view").filter(pk=c.plan_id).first()
        deadline = services.due_deadline(c)
        if deadline and deadline.is_open and c.kind == Kind.REVIEW and not c.is_live:
            # a cancelled review no longer works to its plan's open review deadline (another review will)
            deadline = None
        ctx.update(
            deadline=deadline, can_view_child=child_policy.can(access, "view", self.child),
            whole=whole, invitations=invitations, reports=reports, quorum=quorum, plan=plan,
            next_steps=self.next_steps(allowed, c), today=timezone.localdate(),
            has_draft_minutes=whole and c.minutes.filter(status=Minutes.Status.DRAFT).exists(),
        )
        return ctx


# --- booking ------------------------------------------------------------------------------------------
def _minute_takers(child) -> list[User]:
    """Administrators of the child's local authority."""
    return list(User.objects.filter(
        is_active=True, memberships__agency_id=child.local_authority_id, memberships__is_active=True,
        memberships__roles__contains=[Role.ADMINISTRATOR]).distinct().order_by("full_name"))


class ScheduleView(ConferenceFormPage):
    action = "schedule"
    form_class = ScheduleForm
    template_name = "conferences/sched/schedule.html"
    title = "Allocate a chair and book the conference"
    submit_label = "Book the conference"

    def load(self):
        self.deadline = services.due_deadline(self.conference)
        self.suggestions = services.chair_suggestions(conference=self.conference)

    def done(self):
        if self.conference.status != S.REQUESTED:
            return (f"This conference is {self.conference.get_status_display().lower()}: it cannot be booked again."
                    + (" Reschedule it instead." if self.conference.status == S.SCHEDULED else ""))
        return ""

    def chairs(self) -> list[User]:
        return [s.chair for s in self.suggestions]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "chairs": self.chairs(),
                "minute_takers": _minute_takers(self.child)}

    def get_initial(self):
        return {"chair": str(self.suggestions[0].chair.public_id)} if self.suggestions else {}

    def chosen_date(self, form):
        """The date typed, when it is a real date (to warn that it is past the due date)."""
        if not form.is_bound:
            return None
        try:
            return form.fields["date"].clean(form.fields["date"].widget.value_from_datadict(
                form.data, form.files, form.add_prefix("date")))
        except ValidationError:
            return None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        chosen = self.chosen_date(form)
        late = bool(self.deadline and chosen and chosen > self.deadline.due_date)
        selected = form["chair"].value()
        ctx.update(
            deadline=self.deadline, late=late, show_late_reason=late or _late_field_shown(form),
            chair_options=[{
                "value": str(s.chair.public_id), "name": s.chair.full_name, "previous": s.previous,
                "booked": s.booked, "checked": str(s.chair.public_id) == str(selected or ""),
            } for s in self.suggestions],
        )
        return ctx

    def book(self, d):
        return services.conference_schedule(
            actor=self.request.user, conference=self.conference, chair=d["chair"],
            starts_at=_aware(d["date"], d["starts_at"]), ends_at=_aware(d["date"], d["ends_at"]),
            venue=d["venue"], online_link=d["online_link"], minute_taker=d["minute_taker"],
            late_reason=d["late_reason"])

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: self.book(d),
                        f"Conference booked for {_day(d['date'])} at {d['starts_at']:%H:%M}, chaired by "
                        f"{d['chair'].full_name}. Everyone invited with an email address gets a calendar "
                        "invitation.")


class RescheduleView(ScheduleView):
    form_class = RescheduleForm
    template_name = "conferences/sched/schedule.html"
    title = "Reschedule the conference"
    submit_label = "Reschedule"

    def done(self):
        if self.conference.status != S.SCHEDULED:
            return f"This conference is {self.conference.get_status_display().lower()}: it cannot be rescheduled."
        return ""

    def chairs(self):
        chairs = super().chairs()
        current = self.conference.chair
        if current and current.pk not in {c.pk for c in chairs}:
            chairs.append(current)
        return chairs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        del form.fields["minute_taker"]
        return form

    def get_initial(self):
        c = self.conference
        if c.starts_at is None:
            return {}
        start, end = timezone.localtime(c.starts_at), timezone.localtime(c.ends_at)
        return {"chair": str(c.chair.public_id), "date": start.date(), "starts_at": f"{start:%H:%M}",
                "ends_at": f"{end:%H:%M}", "venue": c.venue, "online_link": c.online_link,
                "late_reason": c.late_reason}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.conference.chair_id and not any(o["value"] == str(self.conference.chair.public_id)
                                                 for o in ctx["chair_options"]):
            ctx["chair_options"].append({"value": str(self.conference.chair.public_id),
                                         "name": self.conference.chair.full_name, "previous": False,
                                         "booked": None, "checked": ctx["form"]["chair"].value()
                                         == str(self.conference.chair.public_id)})
        if not ctx["form"].is_bound and self.conference.late_reason:
            ctx["show_late_reason"] = True
        return ctx

    def book(self, d):
        return services.conference_reschedule(
            actor=self.request.user, conference=self.conference, chair=d["chair"],
            starts_at=_aware(d["date"], d["starts_at"]), ends_at=_aware(d["date"], d["ends_at"]),
            venue=d["venue"], online_link=d["online_link"], reason=d["reason"], late_reason=d["late_reason"])

    def form_valid(self, form):
        d = form.cleaned_data
        return self.run(form, lambda: self.book(d),
                        f"Conference rescheduled to {_day(d['date'])} at {d['starts_at']:%H:%M}. Everyone invited "
                        "with an email address gets an updated calendar invitation.")


class CancelView(ConferenceFormPage):
    action = "schedule"
    form_class = CancelForm
    template_name = "conferences/sched/cancel.html"
    title = "Cancel the conference"
    submit_label = "Cancel conference"

    def done(self):
        if self.conference.status not in (S.REQUESTED, S.SCHEDULED):
            return f"This conference is {self.conference.get_status_display().lower()}: it cannot be cancelled."
        return ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(deadline=services.due_deadline(self.conference), **kwargs)

    def form_valid(self, form):
        return self.run(form, lambda: services.conference_cancel(
            actor=self.request.user, conference=self.conference, reason=form.cleaned_data["reason"]),
            "The conference has been cancelled. Anyone who was sent a calendar invitation gets a cancellation.")


# --- invitations ------------------------------------------------------------------------------------
class InvitationsView(ConferencePage, TemplateView):
    """Current invitations, the invitees proposed from the child's record (all ticked), and one more
    invitee by hand. Two forms, told apart by the ``form`` field."""

    action = "schedule"
    template_name = "conferences/sched/invitations.html"

    def load(self):
        self.proposals = services.invitees_proposed(conference=self.conference)

    def open_for_invitations(self) -> bool:
        return self.conference.status in (S.REQUESTED, S.SCHEDULED)

    def url(self) -> str:
        return reverse("conferences:invitations", kwargs={"public_id": self.conference.public_id})

    def email_note(self) -> str:
        if self.conference.status == S.SCHEDULED:
            return "Each invitee with an email address has been sent a calendar invitation."
        return "Each invitee with an email address will get a calendar invitation when the conference is booked."

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        propose = kwargs.get("propose_form") or ProposedInviteesForm(proposals=self.proposals, prefix="proposed")
        add = kwargs.get("add_form") or InviteeForm(prefix="add", initial={"direct_contact": True})
        ctx.update(invitations=list(selectors.invitations_of(self.conference)), propose_form=propose, add_form=add,
                   form=kwargs.get("form"), open=self.open_for_invitations(), proposals=self.proposals,
                   scheduled=self.conference.status == S.SCHEDULED)
        return ctx

    def post(self, request, *args, **kwargs):
        if not self.open_for_invitations():
            messages.info(request, "Invitations can be added only before the conference is held.")
            return redirect(self.detail_url())
        which = request.POST.get("form")
        if which == "proposed":
            form = ProposedInviteesForm(request.POST, proposals=self.proposals, prefix="proposed")
            if form.is_valid():
                chosen = form.cleaned_data["invitees"]
                try:
                    with transaction.atomic():  # all of them or none
                        for p in chosen:
                            services.invitation_add(
                                actor=request.user, conference=self.conference, kind=p.kind, name=p.name,
                                role=p.role, email=p.email, adult_id=p.adult_id, involvement_id=p.involvement_id,
                                user_id=p.user_id, agency_id=p.agency_id)
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    n = len(chosen)
                    messages.success(request, f"{n} {'person' if n == 1 else 'people'} invited. {self.email_note()}")
                    return redirect(self.url())
            return self.render_to_response(self.get_context_data(propose_form=form, form=form))
        if which == "add":
            form = InviteeForm(request.POST, prefix="add")
            if form.is_valid():
                d = form.cleaned_data
                try:
                    inv = services.invitation_add(
                        actor=request.user, conference=self.conference, kind=d["kind"], name=d["name"],
                        role=d["role"], email=d["email"], agency_id=d["agency"].pk if d["agency"] else None,
                        direct_contact=d["direct_contact"])
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    messages.success(request, f"{inv.name} invited. {self.email_note()}")
                    return redirect(self.url())
            return self.render_to_response(self.get_context_data(add_form=form, form=form))
        raise Http404(NO_SUCH_RECORD)


class InvitationWithdrawView(ConferenceFormPage):
    action = "schedule"
    form_class = WithdrawForm
    template_name = "cases/record_action.html"
    submit_label = "Withdraw invitation"
    warning_button = True

    def load(self):
        self.invitation = selectors.withdrawable(self.conference, _uuid_or_404(self.kwargs["invitation_id"]))
        if self.invitation is None:
            raise Http404(NO_SUCH_RECORD)

    @property
    def title(self):
        return f"Withdraw {self.invitation.name}'s invitation"

    def back(self):
        return reverse("conferences:invitations", kwargs={"public_id": self.conference.public_id}), \
            "Back to invitations"

    def get_context_data(self, **kwargs):
        inv = self.invitation
        rows = [("Name", inv.name), ("Role", inv.role or inv.get_kind_display()),
                ("Email", inv.email or "None recorded"), ("Attendance", inv.get_attendance_display())]
        warning = ("They will be sent a calendar cancellation." if inv.sent_sequence >= 0 and inv.email else "")
        caption = f"{self.conference.child.full_name}: {self.conference.get_kind_display().lower()}"
        return super().get_context_data(rows=rows, warning=warning, warning_button=True, caption=caption, **kwargs)

    def form_valid(self, form):
        return self.run(form, lambda: services.invitation_withdraw(
            actor=self.request.user, invitation=self.invitation, reason=form.cleaned_data["reason"]),
            f"{self.invitation.name}'s invitation has been withdrawn.", url=self.back()[0])


# --- attendance ---------------------------------------------------------------------------------------
class AttendanceView(ConferenceFormPage):
    actions = ("schedule", "record")
    form_class = AttendanceForm
    template_name = "conferences/sched/attendance.html"
    title = "Attendance"
    submit_label = "Save attendance"

    def load(self):
        self.invitations = list(selectors.invitations_of(self.conference))

    def done(self):
        if self.conference.status not in (S.REQUESTED, S.SCHEDULED, S.HELD):
            return f"This conference is {self.conference.get_status_display().lower()}: attendance can no longer " \
                   "be changed."
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "invitations": self.invitations}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["quorum"] = services.quorum(conference=self.conference)
        ctx["invitations"] = self.invitations
        return ctx

    def url(self):
        return reverse("conferences:attendance", kwargs={"public_id": self.conference.public_id})

    def form_valid(self, form):
        @transaction.atomic  # every invitee's attendance or none
        def save():
            for inv, attendance in form.changes():
                services.invitation_set_attendance(actor=self.request.user, invitation=inv, attendance=attendance)

        return self.run(form, save, "Attendance saved.", url=self.url())


# --- reports ------------------------------------------------------------------------------------------
class ReportsView(ConferencePage, TemplateView):
    """The chair's view of the reports: who has reported, when, and the social work report's sharing."""

    actions = ("schedule", "record", "request")
    template_name = "conferences/sched/reports.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        c, access = self.conference, self.access
        visible_reports = report_policy.visible(access, "view").filter(conference=c)
        sw_report = visible_reports.filter(is_social_work_report=True).select_related("shared_with_parents_by").first()
        share_deadline = clock.open_deadlines_for(c, "parents_report_share").first()
        statuses = services.reports_status(conference=c)
        ctx.update(
            statuses=statuses, sw_report=sw_report, share_deadline=share_deadline,
            due_date=statuses[0].due_date if statuses else None,
            readable=set(visible_reports.values_list("pk", flat=True)),
            can_share=bool(sw_report) and report_policy.can(access, "share", sw_report),
            can_report="report" in allowed_actions(access, c, ("report",)) and c.status in (S.REQUESTED, S.SCHEDULED),
            today=timezone.localdate(),
        )
        return ctx


def _reporting_agencies(access, conference: Conference, case_staff: bool) -> list:
    """Whom the person reports for: the child's local authority for case staff (the social work report);
    their partner agencies that were invited (or the agency of an invitation made to them)."""
    agencies = {}
    if case_staff:
        agencies[conference.child.local_authority_id] = conference.child.local_authority
    own = access.agency_ids_with_role(*PARTNER_ROLES)
    for inv in selectors.invitations_for_person(conference, user_id=access.user_id, agency_ids=own):
        if inv.agency_id and inv.agency_id not in agencies:
            agencies[inv.agency_id] = inv.agency
    return sorted(agencies.values(), key=lambda a: a.name)


class ReportSubmitView(ConferenceFormPage):
    action = "report"
    form_class = ReportForm
    template_name = "conferences/sched/report_submit.html"
    title = "Your agency's report"
    submit_label = "Submit the report"

    def load(self):
        case_staff = "request" in allowed_actions(self.access, self.conference, ("request",))
        self.agencies = _reporting_agencies(self.access, self.conference, case_staff)
        if not self.agencies:
            raise Http404(NO_SUCH_RECORD)
        self.existing = list(report_policy.visible(self.access, "view")
                             .filter(conference=self.conference, agency__in=[a.pk for a in self.agencies])
                             .select_related("agency", "author"))

    def done(self):
        if self.conference.status not in (S.REQUESTED, S.SCHEDULED):
            return "Reports are taken until the conference is held."
        return ""

    def url(self):
        return reverse("conferences:report_submit", kwargs={"public_id": self.conference.public_id})

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agencies": self.agencies}

    def get_initial(self):
        if len(self.agencies) == 1 and self.existing:
            return ReportForm.initial_from(self.existing[0])
        return {}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        starts = self.conference.starts_at
        due = clock.compute_due("conference_reports", timezone.localtime(starts).date()) if starts else None
        ctx.update(existing=self.existing, agencies=self.agencies, show_late_reason=_late_field_shown(form),
                   due_date=due,
                   is_social_work=any(a.pk == self.child.local_authority_id for a in self.agencies))
        return ctx

    def form_valid(self, form):
        d = form.cleaned_data
        agency = form.chosen_agency()
        replacing = any(r.agency_id == agency.pk for r in self.existing)
        return self.run(form, lambda: services.report_submit(
            actor=self.request.user, conference=self.conference, agency=agency, summary=d["summary"],
            worries=d["worries"], strengths=d["strengths"], recommendation=d["recommendation"],
            via=AgencyReport.Via.WEB, late_reason=d["late_reason"]),
            f"{'Updated report' if replacing else 'Report'} received from {agency.name}.", url=self.url())


class ReportPage(ConferencePage):
    """A page about one report of the conference, reached through ``report_policy`` for
    ``report_action``."""

    abstract = True
    action = "view"
    report_action = "view"

    def load(self):
        qs = (AgencyReport.objects.filter(conference=self.conference)
              .select_related("agency", "author", "shared_with_parents_by"))
        self.report = report_policy.get_for(self.access, self.kwargs["report_id"], self.report_action, queryset=qs)

    def back(self):
        if sees_whole_conference(allowed_actions(self.access, self.conference, ("schedule", "record", "request"))):
            return reverse("conferences:reports", kwargs={"public_id": self.conference.public_id}), \
                "Back to the reports"
        return super().back()


class ReportDetailView(ReportPage, TemplateView):
    template_name = "conferences/sched/report_detail.html"

    def get(self, request, *args, **kwargs):
        child_view_log(child=self.child, user=request.user, via=RecordView.Via.PAGE, what="conference report")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["report"] = self.report
        ctx["can_share"] = (self.report.is_social_work_report and not self.report.shared_with_parents_at
                            and report_policy.can(self.access, "share", self.report))
        return ctx


class ReportShareView(ReportPage, FormView):
    report_action = "share"
    form_class = ShareForm
    template_name = "conferences/sched/report_share.html"

    def done(self):
        if self.report.shared_with_parents_at:
            on = format_date(timezone.localtime(self.report.shared_with_parents_at), "j F Y")
            by = self.report.shared_with_parents_by
            return f"The social work report was shared with the parents on {on}" + (
                f" (recorded by {by.display_name})." if by else ".")
        return ""

    def get_initial(self):
        return {"shared_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(report=self.report, done=self.done(), show_late_reason=_late_field_shown(ctx["form"]),
                   share_deadline=clock.open_deadlines_for(self.conference, "parents_report_share").first())
        return ctx

    def post(self, request, *args, **kwargs):
        if self.done():
            messages.info(request, self.done())
            return redirect(self.back()[0])
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            services.report_share_with_parents(actor=self.request.user, report=self.report, shared_on=d["shared_on"],
                                               late_reason=d["late_reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Recorded: the social work report was shared with the parents on "
                                       f"{format_date(d['shared_on'], 'j F Y')}.")
        return redirect(self.back()[0])


__all__ = [
    "AttendanceView", "CancelView", "ConferenceDetailView", "DashboardView", "InvitationWithdrawView",
    "InvitationsView", "ReportDetailView", "ReportShareView", "ReportSubmitView", "ReportsView", "RequestView",
    "RescheduleView", "ReviewRequestView", "ScheduleView", "ServiceListView",
]
