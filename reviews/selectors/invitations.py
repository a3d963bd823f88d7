"""Reads for preparing a review (ADR 15): its time and place, its invitations with their consultation, the people
and agencies a review may invite, the link a parent's or carer's token opens (and nothing else), the advocacy
record and the IRO's introduction. Callers pass records or querysets the policy has already scoped."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from safeguarding.accounts.models import Agency, Role, User

from ..models import (
    CURRENT_INVITATION,
    OPEN,
    AdvocacyOffer,
    ConsultationLink,
    InviteeConsultation,
    IroAllocation,
    IroChildMeeting,
    IroIntroduction,
    IroProfile,
    LookedAfterEpisode,
    Review,
    ReviewInvitation,
    ReviewMeeting,
)
from ..rules import ADVOCACY_FROM_AGE, age_on
from .links import working

ADVOCACY_FIELDS = ("told_on", "told_how", "referred_on", "referred_to", "outcome", "outcome_on", "advocate_name")


def with_preparation(qs: QuerySet) -> QuerySet:
    """A review queryset shaped for the review page's preparation (no statement of its own): the time and
    place (``meeting``), the advocacy record's fields (``advocacy_<field>``), and whether the child's IRO has
    met them and made the introduction letter (``iro_met_child``, ``iro_letter_made``)."""
    offer = AdvocacyOffer.objects.live().filter(review=OuterRef("pk"))
    current = IroAllocation.objects.filter(OPEN, episode=OuterRef(OuterRef("episode_id"))).values("pk")[:1]
    return qs.select_related("meeting").annotate(
        **{f"advocacy_{name}": Subquery(offer.values(name)[:1]) for name in ADVOCACY_FIELDS},
        iro_met_child=Exists(IroChildMeeting.objects.live().filter(allocation=Subquery(current))),
        iro_letter_made=Exists(IroIntroduction.objects.live().filter(allocation=Subquery(current))),
    )


def meeting_of(review: Review) -> ReviewMeeting | None:
    return ReviewMeeting.objects.filter(review=review).first()


def invitations_of(qs: QuerySet) -> list[ReviewInvitation]:
    """The invitations of ``qs`` (one review's, scoped by ``invitation_policy.visible_for``) for a page: current
    ones first, by role and name, each with its agency and consultation, and whether a link of theirs is on
    (``link_on``) and was opened (``link_opened``): one query."""
    on = ConsultationLink.objects.live().filter(invitation=OuterRef("pk"), revoked_at__isnull=True)
    return list(qs.select_related("agency", "consultation")
                .annotate(link_on=Exists(on), link_opened=Exists(on.filter(last_opened_at__isnull=False)))
                .order_by("withdrawn_at", "invitee", "name", "id"))


def invitation_of(review: Review, public_id) -> ReviewInvitation | None:
    """One invitation of this review by its public id (None when it is another review's)."""
    return (ReviewInvitation.objects.live().filter(review=review, public_id=public_id)
            .select_related("user", "agency").first())


def to_send(review: Review, meeting: ReviewMeeting | None) -> tuple[list[ReviewInvitation], list[ReviewInvitation]]:
    """(who sending the invitations now would email, who is invited without an address and must be told
    another way): current invitations not sent at the meeting's revision (one query)."""
    sequence = meeting.ics_sequence if meeting else 0
    due = list(ReviewInvitation.objects.filter(CURRENT_INVITATION, review=review, sent_sequence__lt=sequence)
               .order_by("invitee", "name", "id"))
    return [i for i in due if i.email], [i for i in due if not i.email]


@dataclass(frozen=True)
class Invitable:
    """Someone of the hub a review may invite: their account, the agency they would be invited for, and why
    they are offered (their role on the child's record)."""

    user: User
    agency: Agency | None
    why: str


def invitable_people(review: Review) -> list[Invitable]:
    """The people of the hub offered on the invitation form: the child's social worker, the managers of the
    child's team, and the named professionals of the agencies involved with the child now (three queries).
    Anyone else is invited by name and address."""
    child = review.episode.child
    people: dict[int, Invitable] = {}
    if child.allocated_team_id or child.allocated_social_worker_id:
        q = Q(pk=child.allocated_social_worker_id) if child.allocated_social_worker_id else Q(pk__in=[])
        if child.allocated_team_id:
            q |= Q(memberships__team_id=child.allocated_team_id, memberships__is_active=True,
                   memberships__roles__contains=[Role.TEAM_MANAGER])
        for user in User.objects.filter(q, is_active=True, is_api_client=False).distinct().order_by("full_name", "pk"):
            why = "Social worker" if user.pk == child.allocated_social_worker_id else "Team manager"
            people[user.pk] = Invitable(user=user, agency=None, why=why)
    involved = (child.involvements.live().filter(end_date__isnull=True, professional__isnull=False,
                                                 professional__is_active=True)
                .select_related("professional", "agency").order_by("professional__full_name", "pk"))
    for inv in involved:
        if inv.professional_id not in people:
            agency = None if inv.agency_id == child.local_authority_id else inv.agency
            people[inv.professional_id] = Invitable(user=inv.professional, agency=agency,
                                                    why=f"{inv.role}, {inv.agency.name}")
    return list(people.values())


def invitable_agencies(review: Review) -> QuerySet:
    """The hub's agencies an invitation may be for: those involved with the child now (not the child's own
    authority, whose staff see the review already)."""
    child = review.episode.child
    return (Agency.objects.filter(involvements__child_id=child.pk, involvements__end_date__isnull=True,
                                  involvements__entered_in_error_at__isnull=True, is_active=True)
            .exclude(pk=child.local_authority_id).distinct().order_by("name"))


def consultation_link_for_token(token: str) -> ConsultationLink | None:
    """The parent's or carer's link this token opens, if it still works (``reviews.selectors.links.working``)
    and its invitation stands, with the review, the child, the IRO and the consultation so far: one query.
    None for anything else, the same whatever the reason."""
    links = working(ConsultationLink.objects.all(), token)
    if links is None:
        return None
    return (links.filter(invitation__withdrawn_at__isnull=True, invitation__entered_in_error_at__isnull=True)
            .select_related("invitation__consultation", "review__episode__child", "review__iro").first())


def invitee_consultations_of(review: Review) -> list[InviteeConsultation]:
    """What the invitees said for this review (one query), the latest first."""
    return list(InviteeConsultation.objects.filter(review=review).select_related("invitation__agency", "author")
                .order_by("-sent_at", "-saved_at", "-id"))


# --- advocacy -----------------------------------------------------------------------------------------------------
def advocacy_of(review: Review) -> AdvocacyOffer | None:
    return AdvocacyOffer.objects.live().filter(review=review).select_related("told_by").first()


def advocacy_expected(review: Review) -> bool:
    """Whether the child must be told of their right to an advocate before this review: aged
    ``ADVOCACY_FROM_AGE`` or more on its day (today, before it is booked)."""
    on = review.held_on or review.planned_for or timezone.localdate()
    age = age_on(review.episode.child.date_of_birth, on)
    return age is not None and age >= ADVOCACY_FROM_AGE


# --- the IRO's introduction ---------------------------------------------------------------------------------------
@dataclass
class Introduction:
    allocation: IroAllocation | None
    profile: IroProfile | None
    letter: IroIntroduction | None  # the latest, without its bytes
    meetings: list  # the current IRO's meetings with the child, latest first
    first_review_held: bool

    @property
    def met_before_first_review(self) -> bool:
        return bool(self.meetings)


def introduction_of(episode: LookedAfterEpisode) -> Introduction:
    """The current IRO of the period, their profile, the latest introduction letter and their meetings with the
    child (four queries)."""
    allocation = IroAllocation.objects.filter(OPEN, episode=episode).select_related("iro").first()
    if allocation is None:
        return Introduction(None, None, None, [], False)
    profile = IroProfile.objects.filter(iro_id=allocation.iro_id).defer("photo").first()
    letter = (IroIntroduction.objects.live().filter(allocation=allocation).defer("content")
              .order_by("-version").first())
    meetings = list(IroChildMeeting.objects.live().filter(allocation=allocation).order_by("-met_on", "-id"))
    held = Review.objects.live().filter(episode=episode, status=Review.Status.HELD).exists()
    return Introduction(allocation, profile, letter, meetings, held)


def introduction_letter_of(episode: LookedAfterEpisode, public_id) -> IroIntroduction | None:
    return IroIntroduction.objects.live().filter(episode=episode, public_id=public_id).first()


def iro_profile_of(user: User) -> IroProfile | None:
    return IroProfile.objects.filter(iro=user).first()
