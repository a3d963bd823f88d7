"""The home page's parts, one per role (declared here, where the roles are), and the items the kernel itself
gives: a person's deadlines this week and unread notifications (naming their subjects), a team manager's
overdue work and late work to accept, a service manager's deadline figures, and the administrator's figures
with the way into administration. The apps add their items from their own ``home.py`` (ADR 26)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse

from safeguarding.accounts.models import Agency, ApiClient, Role, User
from safeguarding.clock import selectors as clock
from safeguarding.clock.models import Deadline, LocalClosureDay
from safeguarding.clock.policies import deadline_policy
from safeguarding.notify.models import Notification
from safeguarding.pages import day
from safeguarding.records.subjects import name_each

from .parts import ROWS, Figures, Item, Row, add_items, register_part


def _staff(ctx) -> bool:
    return bool(ctx.memberships) and not ctx.is_api_client


# --- the parts, one per role --------------------------------------------------------------------------------

register_part("chair", title="Conferences you chair", order=10, roles=(Role.CONFERENCE_CHAIR,))
register_part("iro", title="Looked-after children you review", order=20, roles=(Role.IRO,))
register_part("lado", title="Allegations against adults (LADO)", order=30, roles=(Role.LADO_OFFICER,))
register_part("partnership", title="Safeguarding partnership", order=40, roles=(Role.PARTNERSHIP_BUSINESS_UNIT,))
register_part("partner", title="Your agency's work", order=45, roles=(Role.PARTNER_PRACTITIONER,))
register_part("social_worker", title="Your children", order=50, roles=(Role.SOCIAL_WORKER,))
register_part("team", title="Your team", order=60, roles=(Role.TEAM_MANAGER,),
              links=lambda ctx: [("Team deadlines", reverse("clock:team_deadlines"))])
register_part("service", title="Your service's figures", order=70, roles=(Role.SERVICE_MANAGER,),
              links=lambda ctx: [("Team deadlines", reverse("clock:team_deadlines"))])
register_part("mine", title="Your deadlines and notifications", order=80, applies=_staff,
              links=lambda ctx: [("All your deadlines", reverse("clock:my_deadlines")),
                                 ("Statutory timescales", reverse("clock:rules"))])
register_part("admin", title="Administration", order=90, roles=(Role.ADMINISTRATOR,),
              links=lambda ctx: [("Go to administration", reverse("admin:index"))])


# --- deadlines as rows ----------------------------------------------------------------------------------------


def end_of_week(today: date) -> date:
    """The Sunday of ``today``'s week."""
    return today + timedelta(days=6 - today.weekday())


def deadline_rows(ctx, deadlines: list[Deadline], w: clock.Window) -> tuple[Row, ...]:
    """Deadlines as rows that name their subject (one query per kind of subject): "Alex Smith" linked to the
    deadline's page, with what is due and when."""
    name_each(ctx, deadlines)
    rows = []
    for d in deadlines:
        label, colour = clock.display_status(d, w)
        subject = d.named.text if d.named else ""
        rows.append(Row(text=f"{d.label}: {subject}" if subject else d.label,
                        url=reverse("clock:deadline_detail", args=[d.public_id]),
                        hint=f"Due {day(d.due_date)}" + (f", {d.named.hint}" if d.named and d.named.hint else ""),
                        tags=((label, colour),)))
    return tuple(rows)


def deadline_item(ctx, qs, *, title: str, url: str, w: clock.Window, urgent: bool = False,
                  empty: str = "Nothing at the moment.") -> Item:
    """An item of deadlines: the first rows and the count in one statement, then their subjects named."""
    from .parts import first_rows

    found, total = first_rows(qs.order_by("due_date", "id"), ROWS)
    return Item(title=title, count=total, url=url, rows=deadline_rows(ctx, found, w), urgent=urgent, empty=empty)


# --- everyone: this week's deadlines and unread notifications --------------------------------------------------


@add_items("mine", order=10)
def my_week(ctx, today):
    w = clock.window(today=today)
    mine = clock.for_person(deadline_policy.visible(ctx, "view"), ctx.user)
    this_week = mine.filter(status__in=Deadline.OPEN_STATUSES, due_date__lte=end_of_week(today))
    return [deadline_item(ctx, this_week, title="Your deadlines this week (and any overdue)",
                          url=reverse("clock:my_deadlines"), w=w, empty="You have no deadlines this week.")]


@add_items("mine", order=20)
def my_notifications(ctx, today):
    from .parts import first_rows

    unread = Notification.objects.filter(recipient_id=ctx.user_id, read_at__isnull=True).order_by("-created_at", "-id")
    found, total = first_rows(unread, ROWS)
    name_each(ctx, found)
    rows = tuple(Row(text=f"{n.subject}: {n.named.text}" if n.named else n.subject, url=n.url or reverse("notify:list"),
                     hint=f"{day(n.created_at)}" + (f", {n.named.hint}" if n.named and n.named.hint else ""))
                 for n in found)
    return [Item(title="Unread notifications", count=total, url=reverse("notify:list"), rows=rows,
                 empty="You have no unread notifications.")]


# --- team managers: overdue work and late reasons to accept -----------------------------------------------------


def late_to_accept(qs):
    """Late deadlines (met late, or overdue) with a reason given that no manager has accepted yet."""
    return qs.filter(status__in=(Deadline.Status.MET_LATE, Deadline.Status.OVERDUE),
                     late_accepted_by__isnull=True).exclude(late_reason="")


@add_items("team", order=30)
def team_work(ctx, today):
    w = clock.window(today=today)
    teams = ctx.team_ids_with_role(Role.TEAM_MANAGER)
    managed = clock.for_teams(deadline_policy.visible(ctx, "accept_late"), teams)
    team_url = reverse("clock:team_deadlines")
    return [
        deadline_item(ctx, clock.deadlines_overdue(managed, w=w), title="Overdue work in your team",
                      url=f"{team_url}?status=overdue", w=w, urgent=True, empty="Nothing is overdue."),
        deadline_item(ctx, late_to_accept(managed), title="Late work waiting for you to accept the reason",
                      url=f"{team_url}?status=met_late", w=w, empty="No late reasons are waiting for you."),
    ]


# --- service managers: the service's deadline figures ----------------------------------------------------------


@add_items("service", order=90)
def service_deadlines(ctx, today):
    w = clock.window(today=today)
    managed = deadline_policy.visible(ctx, "accept_late").filter(
        responsible_team__agency_id__in=ctx.agency_ids_with_role(Role.SERVICE_MANAGER))
    counts = clock.deadline_counts(managed, w=w)
    late = late_to_accept(managed).count()
    team_url = reverse("clock:team_deadlines")
    figures = Figures()
    figures.add("Deadlines overdue", counts.overdue, f"{team_url}?status=overdue", urgent=True)
    figures.add("Deadlines due in the next working days", counts.due_soon, f"{team_url}?status=due_soon")
    figures.add("Deadlines met late", counts.met_late, f"{team_url}?status=met_late")
    figures.add("Late reasons waiting to be accepted", late, f"{team_url}?status=met_late")
    return figures.items


# --- administrators: people, agencies, closure days, API clients ------------------------------------------------


@add_items("admin", order=10)
def administration(ctx, today):
    figures = Figures()
    figures.add("People with an account", User.objects.filter(is_active=True, is_api_client=False).count(),
                reverse("admin:accounts_user_changelist"))
    figures.add("Agencies", Agency.objects.filter(is_active=True).count(), reverse("admin:accounts_agency_changelist"))
    figures.add("Closure days to come", LocalClosureDay.objects.filter(date__gte=today).count(),
                reverse("admin:clock_localclosureday_changelist"))
    figures.add("API clients in use", ApiClient.objects.filter(Q(revoked_at__isnull=True)).count(),
                reverse("admin:accounts_apiclient_changelist"))
    return figures.items
