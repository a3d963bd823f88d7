"""Steps of a conference's life, through the real services, for tests to build on.

Each step takes what the previous returned; freeze time (freezegun) around them when dates matter.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cases.models import Involvement, Relationship, RelationshipKind
from conferences import selectors, services
from conferences.models import Conference, Invitation
from safeguarding.accounts.models import Role
from tests.factories import AdultFactory, ChildFactory, make_user


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def child_with_family(*, la, social_worker, team, police, health, school, **child_kwargs):
    """A child allocated to ``social_worker`` with a mother (parental responsibility) and open
    involvements of the police, health and school (each with a named practitioner who has an account)."""
    child = ChildFactory(local_authority=la, allocated_social_worker=social_worker, allocated_team=team,
                         **child_kwargs)
    mother = AdultFactory(first_names="Mary", surname=child.legal_surname, email="mary@example.org")
    Relationship.objects.create(child=child, adult=mother, kind=RelationshipKind.MOTHER, parental_responsibility=True,
                                lives_with_child=True)
    people = {}
    for agency, role in ((police, "Public protection officer"), (health, "Health visitor"),
                         (school, "Designated safeguarding lead")):
        person = make_user(agency, Role.PARTNER_PRACTITIONER, full_name=f"{role} of {agency.name}")
        Involvement.objects.create(child=child, agency=agency, professional=person, role=role,
                                   start_date=date(2020, 1, 1))
        people[agency.pk] = person
    return child, mother, people


def request_icpc(*, child, social_worker, strategy_discussion_date: date, kind="initial") -> Conference:
    return services.conference_request(actor=social_worker, child=child, kind=kind,
                                       strategy_discussion_date=strategy_discussion_date)


def book(*, conference, chair, actor, day: date, hour: int = 10, late_reason: str = "") -> Conference:
    return services.conference_schedule(actor=actor, conference=conference, chair=chair, starts_at=at(day, hour),
                                        ends_at=at(day, hour) + timedelta(hours=2), venue="Northmoor Civic Centre",
                                        late_reason=late_reason)


def invite_everyone(*, conference, actor) -> list[Invitation]:
    out = []
    for p in selectors.invitees_proposed(conference=conference):
        out.append(services.invitation_add(actor=actor, conference=conference, kind=p.kind, name=p.name, role=p.role,
                                           email=p.email, adult_id=p.adult_id, involvement_id=p.involvement_id,
                                           user_id=p.user_id, agency_id=p.agency_id))
    return out


def all_professionals_attend(*, conference, actor) -> None:
    for inv in conference.invitations.live():
        services.invitation_set_attendance(actor=actor, invitation=inv, attendance=Invitation.Attendance.ATTENDED)


def hold(*, conference, chair, held_on: date, **kw) -> Conference:
    all_professionals_attend(conference=conference, actor=chair)
    return services.conference_hold(actor=chair, conference=conference, held_on=held_on, **kw)


def decide_plan(*, conference, chair, lead_social_worker, category="NEG", due=None):
    due = due or (conference.held_on + timedelta(days=28))
    return services.conference_decide(
        actor=chair, conference=conference, outcome="plan", category=category, lead_social_worker=lead_social_worker,
        core_group=[services.MemberInput(name=lead_social_worker.full_name, role="Lead social worker",
                                         user_id=lead_social_worker.pk)],
        actions=[services.ActionInput(description="Home conditions improved and checked weekly",
                                      owner_name="Lead social worker", due_date=due)],
    )
