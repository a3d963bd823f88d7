"""Reads about a conference's invitations: who should be invited, and whether those present make it
quorate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from ..models import Conference, Invitation
from ..rules import child_invitation_age, quorum_other_agencies

if TYPE_CHECKING:
    from cases.models import Child

# The relationship kinds proposed as parents even without parental responsibility (the values of
# cases.models.RelationshipKind.MOTHER and FATHER; the child's record is read through its relations).
PARENT_KINDS = ("mother", "father")


def _today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class ProposedInvitee:
    kind: str
    name: str
    role: str
    email: str = ""
    adult_id: int | None = None
    involvement_id: int | None = None
    user_id: int | None = None
    agency_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.adult_id or ''}:{self.involvement_id or ''}:{self.user_id or ''}"


def _age(child: Child, on: date) -> int | None:
    dob = child.date_of_birth
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def invitees_proposed(*, conference: Conference) -> list[ProposedInvitee]:
    """Who the conference should invite, from the child's record, less those already invited: parents
    and people with parental responsibility, the child where of age, the allocated social worker, and
    the professionals of the child's open involvements."""
    child = conference.child
    today = _today()
    invited = conference.invitations.live()
    have_adults = set(invited.exclude(adult=None).values_list("adult_id", flat=True))
    have_involvements = set(invited.exclude(involvement=None).values_list("involvement_id", flat=True))
    have_users = set(invited.exclude(user=None).values_list("user_id", flat=True))
    out: list[ProposedInvitee] = []
    parents = (child.relationships.live()
               .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
               .filter(Q(parental_responsibility=True) | Q(kind__in=PARENT_KINDS))
               .select_related("adult").order_by("adult__surname"))
    for rel in parents:
        if rel.adult_id in have_adults:
            continue
        role = rel.get_kind_display() + (" (parental responsibility)" if rel.parental_responsibility else "")
        out.append(ProposedInvitee(Invitation.InviteeKind.PARENT, rel.adult.full_name, role, rel.adult.email,
                                   adult_id=rel.adult_id))
    age = _age(child, today)
    if age is not None and age >= child_invitation_age() and not invited.filter(kind=Invitation.InviteeKind.CHILD):
        out.append(ProposedInvitee(Invitation.InviteeKind.CHILD, child.full_name, f"The child (aged {age})"))
    sw = child.allocated_social_worker
    if sw and sw.pk not in have_users:
        out.append(ProposedInvitee(Invitation.InviteeKind.PROFESSIONAL, sw.full_name, "Allocated social worker",
                                   sw.email, user_id=sw.pk, agency_id=child.local_authority_id))
    involvements = (child.involvements.live()
                    .filter(Q(end_date__isnull=True) | Q(end_date__gte=today)).select_related("professional", "agency"))
    for inv in involvements:
        if inv.pk in have_involvements or (inv.professional_id and inv.professional_id in have_users):
            continue
        if inv.professional_id and sw and inv.professional_id == sw.pk:
            continue
        name = inv.professional_display or inv.agency.name
        email = inv.professional.email if inv.professional_id else inv.professional_email
        out.append(ProposedInvitee(Invitation.InviteeKind.PROFESSIONAL, name, f"{inv.role}, {inv.agency.name}", email,
                                   involvement_id=inv.pk, user_id=inv.professional_id, agency_id=inv.agency_id))
    return out



@dataclass(frozen=True)
class Quorum:
    quorate: bool
    social_care_present: bool
    other_agencies: tuple[str, ...]
    needed: int

    @property
    def explanation(self) -> str:
        if self.quorate:
            return "Quorate: children's social care and " + ", ".join(self.other_agencies)
        missing = []
        if not self.social_care_present:
            missing.append("children's social care is not present")
        if len(self.other_agencies) < self.needed:
            missing.append(f"{len(self.other_agencies)} of the {self.needed} other agencies with direct contact "
                           "are present")
        return "Not quorate: " + "; ".join(missing)


def quorum(*, conference: Conference, invitations: list[Invitation] | None = None) -> Quorum:
    """Children's social care plus at least CONFERENCE_QUORUM_OTHER_AGENCIES other agencies that have had direct
    contact with the child or family, in attendance (local rule: Swindon, Sussex). ``invitations``: every
    live invitation of the conference, with its agency, when the page has already loaded them."""
    if invitations is None:
        present = (conference.invitations.live().filter(kind=Invitation.InviteeKind.PROFESSIONAL,
                                                 attendance=Invitation.Attendance.ATTENDED)
                   .select_related("agency"))
    else:
        present = [i for i in invitations if i.kind == Invitation.InviteeKind.PROFESSIONAL
                   and i.attendance == Invitation.Attendance.ATTENDED and not i.entered_in_error]
    csc = any(i.agency_id == conference.child.local_authority_id for i in present)
    others = sorted({i.agency.name for i in present if i.agency_id != conference.child.local_authority_id
                     and i.direct_contact})
    needed = quorum_other_agencies()
    return Quorum(quorate=csc and len(others) >= needed, social_care_present=csc, other_agencies=tuple(others),
                  needed=needed)
