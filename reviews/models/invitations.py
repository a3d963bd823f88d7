"""Preparing a looked-after review (issue 10, sections 1 and 2; ADR 15): who is invited and when and where
the review meets (with their calendar invitations), the consultation of parents, carers and invited agencies,
the child's right to an independent advocate, and the IRO's introduction to the child.

- ``ReviewMeeting``: the time and place of a booked review (its day is ``Review.planned_for``) and the
  calendar revision its invitations were sent at.
- ``ReviewInvitation``: one person invited to the review, a person of the hub (an account) or someone
  outside it (a name, an address and their organisation), in a role (the child, a parent, a carer, the
  social worker, the supervising social worker, the school or virtual school, health, the advocate, the
  independent visitor). An invitation names the hub's agency it is for when there is one: that agency's
  practitioners and API client see the review and their invitation, and give the agency's views.
- ``ConsultationLink``: a secure link for an invited parent or carer to give their views without an
  account (the child's own link is ``ChildVoiceLink``; both go through ``reviews.services.links``).
- ``InviteeConsultation``: what an invitee said before the review (a parent or carer by their link, an
  invited agency through the API), one per invitation, landing in the review's consultation.
- ``AdvocacyOffer``: the child told of their right to an independent advocate before a review (when, how,
  by whom), and the referral and its take-up (referred on, to whom, accepted or declined, the advocate).
- ``IroProfile``: what the child is told about their IRO: an optional photo (checked and stored re-encoded,
  without its metadata) and how to reach them.
- ``IroIntroduction`` (the letter to the child, a PDF kept as issued) and ``IroChildMeeting`` (the IRO met
  the child, before the first review and after).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from safeguarding.records import CaseRecord

from . import LIVE, IroAllocation, LookedAfterEpisode, Review

__all__ = [
    "CURRENT_INVITATION",
    "AdvocacyOffer",
    "ConsultationLink",
    "InviteeConsultation",
    "IroChildMeeting",
    "IroIntroduction",
    "IroProfile",
    "ReviewInvitation",
    "ReviewMeeting",
]

# An invitation that stands: not entered in error, not withdrawn (the policy's arms and their indexes)
CURRENT_INVITATION = LIVE & Q(withdrawn_at__isnull=True)


class ReviewMeeting(models.Model):
    """When and where a booked review meets, on its day (``Review.planned_for``): a place, an online link, or
    both. ``ics_sequence`` is the calendar revision (RFC 5545 SEQUENCE): it rises each time the day, the time
    or the place changes after invitations were sent, and for the cancellation."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="meeting")
    starts_at = models.TimeField(help_text="The time the review starts, on its day")
    ends_at = models.TimeField(null=True, blank=True)
    venue = models.CharField(max_length=300, blank=True, help_text="Where it is (for the calendar and the email)")
    online_link = models.CharField(max_length=500, blank=True)
    ics_sequence = models.PositiveIntegerField(default=0, help_text="Calendar invitation revision (RFC 5545)")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(venue="") | ~Q(online_link=""), name="review_meeting_has_a_place"),
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                                   name="review_meeting_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.starts_at:%H:%M}, {self.venue or 'online'}"


class ReviewInvitation(CaseRecord):
    """One person invited to a review."""

    class Invitee(models.TextChoices):
        CHILD = "child", "The child"
        PARENT = "parent", "Parent or person with parental responsibility"
        CARER = "carer", "Carer (foster carer or residential key worker)"
        SOCIAL_WORKER = "social_worker", "Social worker"
        SUPERVISING_SOCIAL_WORKER = "supervising_sw", "Supervising social worker"
        SCHOOL = "school", "School or college (designated teacher)"
        VIRTUAL_SCHOOL = "virtual_school", "Virtual school"
        HEALTH = "health", "Health (looked-after children's nurse, doctor)"
        ADVOCATE = "advocate", "Advocate"
        INDEPENDENT_VISITOR = "independent_visitor", "Independent visitor"

    # who may be asked for their views by a link of their own (the child has theirs: ChildVoiceLink)
    LINK_INVITEES = (Invitee.PARENT, Invitee.CARER)

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="invitations")
    invitee = models.CharField(max_length=20, choices=Invitee.choices)
    # a person of the hub (indexed by review_invitation_user, for the policy's "invited" arm)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="review_invitations", db_index=False)
    name = models.CharField(max_length=200, help_text="Shown to staff only; never in an email or a calendar")
    email = models.EmailField(blank=True, help_text="Where the calendar invitation goes")
    # the hub's agency the invitation is for (indexed by review_invitation_agency): its people see it
    agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    organisation = models.CharField(max_length=200, blank=True,
                                    help_text="Their organisation, when it is not an agency in the hub")
    sent_sequence = models.IntegerField(default=-1, help_text="The calendar revision last sent to them (-1: none)")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    withdrawn_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["invitee", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], condition=CURRENT_INVITATION & Q(user__isnull=False),
                                    name="review_invitation_once_per_person"),
            models.CheckConstraint(condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                                   name="withdrawn_invitation_has_reason"),
        ]
        indexes = [
            models.Index(name="review_invitation_user", fields=["user"], include=["review"],
                         condition=CURRENT_INVITATION),
            models.Index(name="review_invitation_agency", fields=["agency"], include=["review"],
                         condition=CURRENT_INVITATION),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_invitee_display()})"

    @property
    def deadline_reference(self) -> str:
        return self.review.episode.child.local_child_id

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None and self.entered_in_error_at is None

    @property
    def was_sent(self) -> bool:
        return self.sent_sequence >= 0

    @property
    def takes_a_link(self) -> bool:
        return self.invitee in self.LINK_INVITEES

    @property
    def where_from(self) -> str:
        """Their agency or organisation, as the pages show it."""
        return self.agency.name if self.agency_id else self.organisation


class ConsultationLink(CaseRecord):
    """A secure link for an invited parent or carer to give their views before one review, without an account:
    only the SHA-256 of its token is kept (the link is shown once, to the person who makes it). It opens this
    invitation's consultation form and nothing else, until it expires, is replaced or turned off, the
    invitation is withdrawn, or the review is held or cancelled."""

    invitation = models.ForeignKey(ReviewInvitation, on_delete=models.PROTECT, related_name="links")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="consultation_links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["invitation"], condition=Q(revoked_at__isnull=True) & LIVE,
                                    name="one_live_consultation_link_per_invitation"),
        ]

    def __str__(self):
        return f"Consultation link for {self.invitation}"


class InviteeConsultation(models.Model):
    """What an invitee said before the review, in their own words: a parent or carer through their link, an
    invited agency through the API. Saved as they go and sent when they are ready (final). One per
    invitation; it lands in the review's consultation."""

    class Via(models.TextChoices):
        LINK = "link", "Their link"
        API = "api", "API"

    class Attending(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_SURE = "not_sure", "Not sure yet"

    # (name, what the staff pages call it), in the order the form asks
    ANSWERS = (
        ("how_child_is", "How the child is doing"),
        ("going_well", "What is going well"),
        ("worries", "Worries"),
        ("contact", "Contact with family and friends"),
        ("to_decide", "What they want the review to decide"),
        ("anything_else", "Anything else"),
    )

    invitation = models.OneToOneField(ReviewInvitation, on_delete=models.PROTECT, related_name="consultation")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="invitee_consultations")
    link = models.ForeignKey(ConsultationLink, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             help_text="The link it was last saved through")
    how_child_is = models.TextField(blank=True)
    going_well = models.TextField(blank=True)
    worries = models.TextField(blank=True)
    contact = models.TextField(blank=True)
    to_decide = models.TextField(blank=True)
    anything_else = models.TextField(blank=True)
    attending = models.CharField(max_length=8, choices=Attending.choices, blank=True)
    via = models.CharField(max_length=4, choices=Via.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", help_text="Who sent it through the API (none for a link)")
    saved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "invitation"]

    def __str__(self):
        return f"Views of {self.invitation} for {self.review}"


class AdvocacyOffer(CaseRecord):
    """The child told of their right to an independent advocate before a review (Children Act 1989 s26A; from
    ``reviews.rules.ADVOCACY_FROM_AGE``), and what came of it: referred to an advocacy service, accepted or
    declined, the advocate named. One per review."""

    class How(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        CALL = "call", "By phone or video call"
        WRITING = "writing", "In writing (a letter or a leaflet)"
        LINK = "link", "With their review link"

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "The child has an advocate"
        DECLINED = "declined", "The child did not want an advocate"

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="advocacy_offers")
    episode = models.ForeignKey(LookedAfterEpisode, on_delete=models.PROTECT, related_name="advocacy_offers")
    told_on = models.DateField(help_text="When the child was told of their right to an advocate")
    told_how = models.CharField(max_length=10, choices=How.choices)
    told_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)
    referred_on = models.DateField(null=True, blank=True)
    referred_to = models.CharField(max_length=200, blank=True, help_text="The advocacy service")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    advocate_name = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-told_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["review"], condition=LIVE, name="one_advocacy_offer_per_review"),
            models.CheckConstraint(condition=Q(referred_on__isnull=True) | ~Q(referred_to=""),
                                   name="advocacy_referral_names_the_service"),
            models.CheckConstraint(condition=Q(outcome="") | Q(outcome_on__isnull=False),
                                   name="advocacy_outcome_has_date"),
            models.CheckConstraint(condition=~Q(outcome="accepted") | Q(referred_on__isnull=False),
                                   name="advocacy_accepted_after_referral"),
        ]

    def __str__(self):
        return f"Told of the right to an advocate on {self.told_on:%-d %B %Y}"


class IroProfile(models.Model):
    """What a child is told about their IRO: an optional photo and how to reach them (the introduction
    letter). The photo is stored as the service re-encoded it (no metadata), with its type, size and SHA-256."""

    iro = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="iro_profile")
    photo = models.BinaryField(null=True, blank=True)
    photo_type = models.CharField(max_length=20, blank=True)
    photo_size = models.PositiveIntegerField(default=0)
    photo_sha256 = models.CharField(max_length=64, blank=True)
    contact = models.CharField(max_length=300, blank=True,
                               help_text="How a child can reach their IRO, in words they understand")
    about = models.TextField(blank=True, help_text="A few words about the IRO, for the child")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["photo"])

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(photo__isnull=True) | ~Q(photo_type=""),
                                              name="iro_photo_has_type")]

    def __str__(self):
        return f"IRO profile of {self.iro}"

    @property
    def has_photo(self) -> bool:
        return bool(self.photo_sha256)


class IroIntroduction(CaseRecord):
    """The IRO's introduction letter to the child, a PDF kept as issued (bytes and SHA-256), one version per
    making, for the allocation it introduces."""

    allocation = models.ForeignKey(IroAllocation, on_delete=models.PROTECT, related_name="introductions")
    episode = models.ForeignKey(LookedAfterEpisode, on_delete=models.PROTECT, related_name="iro_introductions")
    version = models.PositiveSmallIntegerField(default=1)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    history = HistoricalRecords(excluded_fields=["content"])

    class Meta:
        ordering = ["-version", "-id"]
        constraints = [models.UniqueConstraint(fields=["allocation", "version"], name="iro_introduction_version")]

    def __str__(self):
        return f"Introduction letter, version {self.version}"


class IroChildMeeting(CaseRecord):
    """The IRO met the child (the IRO must meet them before their first review, and keeps in touch after)."""

    class How(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "By video call"
        PHONE = "phone", "By phone"

    allocation = models.ForeignKey(IroAllocation, on_delete=models.PROTECT, related_name="child_meetings")
    episode = models.ForeignKey(LookedAfterEpisode, on_delete=models.PROTECT, related_name="iro_child_meetings")
    met_on = models.DateField()
    how = models.CharField(max_length=10, choices=How.choices)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-met_on", "-id"]

    def __str__(self):
        return f"Met the child on {self.met_on:%-d %B %Y}"
