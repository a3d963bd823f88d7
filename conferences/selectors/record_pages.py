"""Reads for the pages that hold and record a conference: the live record, the minutes, the published
documents and their distribution, and the child protection plan.

The page has already fetched its conference or plan through the policy; lists that the policy
scopes further (documents, the plan's conferences) take the policy's queryset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from safeguarding.access.policies import flag
from safeguarding.clock import rules
from safeguarding.clock import services as clock

from ..models import (
    ChildProtectionPlan,
    Conference,
    ConferenceRecord,
    CoreGroupMember,
    Distribution,
    Document,
    Minutes,
    Outcome,
    PlanAction,
    ScalingScore,
)


# --- the record ---------------------------------------------------------------------------------------
def record_of(conference: Conference) -> ConferenceRecord | None:
    return ConferenceRecord.objects.filter(conference=conference).first()


def scaling_scores(conference: Conference) -> list[ScalingScore]:
    return list(conference.scaling_scores.live())


def participants(conference: Conference) -> QuerySet:
    """The conference's invitations, to choose who gave a score, who is in the core group, who is
    sent a document."""
    return conference.invitations.live().select_related("agency").order_by("kind", "name")


# --- minutes ------------------------------------------------------------------------------------------
def minutes_versions(conference: Conference) -> list[Minutes]:
    """Every version, the latest first."""
    return list(conference.minutes.live().select_related("signed_by").order_by("-version"))


def latest_minutes(conference: Conference, *, version: int | None = None) -> Minutes | None:
    """The latest version (or version ``version``)."""
    qs = conference.minutes.live()
    if version is not None:
        qs = qs.filter(version=version)
    return qs.select_related("signed_by").order_by("-version").first()


# --- documents ----------------------------------------------------------------------------------------
def latest_document(conference: Conference, kind: str) -> Document | None:
    return conference.documents.live().filter(kind=kind).defer("content").order_by("-version").first()


def latest_documents(conference: Conference) -> dict[str, Document]:
    """The latest published version of each kind of document."""
    latest: dict[str, Document] = {}
    for d in conference.documents.live().defer("content").order_by("kind", "-version"):
        latest.setdefault(d.kind, d)
    return latest


@dataclass
class PublishedVersion:
    kind: str
    version: int
    published: datetime
    documents: list[Document] = field(default_factory=list)


def published_versions(scoped: QuerySet, conference: Conference) -> list[PublishedVersion]:
    """The documents of ``conference`` in ``scoped`` (document_policy), one entry per kind and
    version, the newest version first, each with its copies."""
    groups: dict[tuple[str, int], PublishedVersion] = {}
    for d in scoped.filter(conference=conference).defer("content").order_by("kind", "-version", "copy"):
        key = (d.kind, d.version)
        if key not in groups:
            groups[key] = PublishedVersion(kind=d.get_kind_display(), version=d.version, published=d.created_at)
        groups[key].documents.append(d)
    return list(groups.values())


def distributions_of(conference: Conference) -> list[Distribution]:
    """Who was sent what, the latest first."""
    return list(Distribution.objects.live().filter(document__conference=conference)
                .select_related("document", "sent_by").defer("document__content")
                .order_by("-sent_on", "recipient_name"))


# --- the plan -----------------------------------------------------------------------------------------
def plan_page(plan: ChildProtectionPlan, conferences: QuerySet) -> dict:
    """Everything the plan page lists. ``conferences`` is the person's view of conferences
    (conference_policy); the plan's are picked from it, latest first."""
    return {
        "members": list(plan.core_group.live().select_related("agency")),
        "meetings": list(plan.core_group_meetings.live().select_related("recorded_by").prefetch_related(
            Prefetch("attendees", queryset=CoreGroupMember.objects.order_by("name")))),
        "conferences": list(conferences.filter(plan=plan).select_related("decision")
                            .order_by("-held_on", "-starts_at")),
        "actions": list(plan.actions.live().select_related("owner").annotate(overdue=flag(overdue_action_q()))),
        "audits": list(plan.midway_audits.live().select_related("chair")),
        "category_changes": list(plan.category_changes.select_related("changed_by")),
    }


def overdue_action_q(prefix: str = "") -> Q:
    """A plan action past its due date and neither done nor recorded as not done (flagged "Overdue")."""
    return Q(**{f"{prefix}due_date__lt": timezone.localdate(),
                f"{prefix}progress__in": (PlanAction.Progress.NOT_STARTED, PlanAction.Progress.IN_PROGRESS)})


def with_overdue_actions(plans: QuerySet) -> QuerySet:
    """``plans`` with ``overdue_actions``: how many of each plan's live actions are overdue (a subquery of the
    same statement)."""
    overdue = (PlanAction.objects.live().filter(overdue_action_q(), plan=OuterRef("pk")).order_by()
               .values("plan").annotate(n=Count("pk")).values("n"))
    return plans.annotate(overdue_actions=Coalesce(Subquery(overdue), 0))


def core_group_of(plan: ChildProtectionPlan) -> list[CoreGroupMember]:
    return list(plan.core_group.live())


def plan_action(plan: ChildProtectionPlan, action_id) -> PlanAction | None:
    return plan.actions.live().filter(public_id=action_id).first()


# --- the decision -------------------------------------------------------------------------------------
# What each outcome opens (conferences.services.conference_decide), to show before the chair decides.
DEADLINES_BY_OUTCOME = {
    Outcome.PLAN: ("outline_plan", "core_group_first", "conference_minutes", "rcpc_first"),
    Outcome.NO_PLAN: ("outline_plan", "conference_minutes"),
    Outcome.CONTINUE: ("outline_plan", "conference_minutes", "rcpc_next"),
    Outcome.END: ("outline_plan", "conference_minutes"),
}


def outcome_deadlines(conference: Conference) -> list[dict]:
    """What each possible outcome opens, due from the date held: [{"outcome", "items": [(rule title,
    due date)]}] (the clock's rules, their local overrides included)."""
    held = conference.held_on
    if held is None:
        return []
    outcomes = (Outcome.PLAN, Outcome.NO_PLAN) if conference.is_initial_kind else (Outcome.CONTINUE, Outcome.END)
    return [{"outcome": o.label, "items": [(rules.get(k).description, clock.compute_due(k, held))
                                           for k in DEADLINES_BY_OUTCOME[o]]} for o in outcomes]


def deadlines_opened(conference: Conference) -> list:
    """The deadlines the decision opened (on the conference, and on its plan)."""
    opened = list(clock.open_deadlines_for(conference, "outline_plan", "conference_minutes"))
    if conference.plan_id:
        opened += list(clock.open_deadlines_for(conference.plan, "core_group_first", "rcpc_first", "rcpc_next"))
    return opened
