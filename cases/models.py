"""Children, the adults around them, their agencies and their chronology.

Nothing here is ever hard-deleted: records are closed (end dates, status) or marked entered in
error with a reason. Every model that holds case data keeps its history (who, when, why).
"""


import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from safeguarding.accounts.models import Agency, Team
from safeguarding.records import CaseRecord, CaseRecordQuerySet  # noqa: F401 (re-exported)

# --- the predicates of the visibility arms' partial indexes (cases.policies, ADR 11) ------------------
# Each arm of ChildPolicy's visibility filters with the same Q its index is built on, so the planner can
# always prove the index's predicate from the arm's WHERE clause (tests/access/test_visibility_union.py).
ALLOCATED_TO_A_WORKER = Q(allocated_social_worker__isnull=False)
ALLOCATED_TO_A_TEAM = Q(allocated_team__isnull=False)
LIVE_OPEN_ENDED = Q(entered_in_error_at__isnull=True, end_date__isnull=True)
LIVE_END_DATED = Q(entered_in_error_at__isnull=True, end_date__isnull=False)
LIVE_NAMED_PROFESSIONAL = Q(entered_in_error_at__isnull=True, professional__isnull=False)
LIVE_GRANT = Q(revoked_at__isnull=True)


class Gender(models.TextChoices):
    # CIN census gender codes
    NOT_KNOWN = "0", "Not known"
    MALE = "1", "Male"
    FEMALE = "2", "Female"
    NOT_STATED = "9", "Not stated"


class Ethnicity(models.TextChoices):
    # CIN census ethnicity codes
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy/Roma"
    WOTH = "WOTH", "Any other White background"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class Disability(models.TextChoices):
    # CIN census disability codes
    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility"
    HAND = "HAND", "Hand function"
    PC = "PC", "Personal care"
    INC = "INC", "Incontinence"
    COMM = "COMM", "Communication"
    LD = "LD", "Learning"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour"
    CON = "CON", "Consciousness"
    AUT = "AUT", "Autism or Asperger syndrome"
    DDA = "DDA", "Other disability"


class Child(CaseRecord):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    legal_first_names = models.CharField("First names (legal)", max_length=200, blank=True)
    legal_surname = models.CharField("Surname (legal)", max_length=200)
    preferred_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True, help_text="For an unborn child")
    gender = models.CharField(max_length=1, choices=Gender.choices, default=Gender.NOT_KNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    upn = models.CharField("Unique pupil number", max_length=13, blank=True)
    local_child_id = models.CharField("Local child ID", max_length=30, unique=True)
    first_language = models.CharField(max_length=100, blank=True)
    disabilities = ArrayField(models.CharField(max_length=4, choices=Disability.choices), default=list, blank=True)
    local_authority = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="children")
    allocated_social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="allocated_children"
    )
    allocated_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="allocated_children"
    )
    restricted = models.BooleanField(
        default=False, help_text="Only the people named on the record may see it; others must break the glass."
    )
    named_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="restricted_children_named_on"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    closed_reason = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[named_people])

    class Meta:
        ordering = ["legal_surname", "legal_first_names"]
        verbose_name_plural = "children"
        constraints = [
            models.UniqueConstraint(fields=["nhs_number"], condition=~Q(nhs_number=""), name="child_nhs_unique"),
            models.UniqueConstraint(fields=["upn"], condition=~Q(upn=""), name="child_upn_unique"),
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=False) | Q(expected_date_of_birth__isnull=False),
                name="child_has_dob_or_expected_dob",
            ),
        ]
        indexes = [
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["expected_date_of_birth"]),
            GinIndex(name="child_surname_trgm", fields=["legal_surname"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="child_first_trgm", fields=["legal_first_names"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="child_preferred_trgm", fields=["preferred_name"], opclasses=["gin_trgm_ops"]),
            # visibility arms (cases.policies): the allocated worker (within their authorities), the
            # allocated team, the authority (service managers; staff finding its children)
            models.Index(name="child_vis_worker", fields=["allocated_social_worker", "local_authority"],
                         include=["id"], condition=ALLOCATED_TO_A_WORKER),
            models.Index(name="child_vis_team", fields=["allocated_team"], include=["id"],
                         condition=ALLOCATED_TO_A_TEAM),
            models.Index(name="child_vis_authority", fields=["local_authority"], include=["id"]),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.legal_first_names, self.legal_surname) if p) or "Unnamed child"

    @property
    def display_name(self) -> str:
        first_names = {w.casefold() for w in self.legal_first_names.split()}
        if self.preferred_name and self.preferred_name.casefold() not in first_names:
            return f"{self.full_name} (known as {self.preferred_name})"
        return self.full_name

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None

    @property
    def nhs_number_display(self) -> str:
        """The NHS's 3-3-4 grouping, which people read out and screen readers say digit by digit."""
        n = self.nhs_number
        return f"{n[:3]} {n[3:6]} {n[6:]}" if len(n) == 10 else n

    @property
    def disability_labels(self) -> str:
        return ", ".join(Disability(d).label for d in self.disabilities)

    @property
    def birth_date_for_display(self):
        return self.date_of_birth or self.expected_date_of_birth

    @property
    def held_by(self) -> str:
        """The team or service that holds the record (load allocated_team and local_authority with it)."""
        if self.allocated_team_id:
            return f"{self.allocated_team.name}, {self.local_authority.name}"
        return f"{self.local_authority.name} (no team allocated)"


class ChildAlias(CaseRecord):
    class Kind(models.TextChoices):
        PREVIOUS = "previous", "Previous name"
        ALIAS = "alias", "Alias"
        KNOWN_AS = "known_as", "Also known as"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="aliases")
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALIAS)
    history = HistoricalRecords()

    class Meta:
        indexes = [GinIndex(name="alias_name_trgm", fields=["name"], opclasses=["gin_trgm_ops"])]

    def __str__(self):
        return self.name


class ChildAddress(CaseRecord):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="addresses")
    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="address_end_after_start",
            )
        ]

    def __str__(self):
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)


class Adult(CaseRecord):
    first_names = models.CharField(max_length=200, blank=True)
    surname = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=1, choices=Gender.choices, default=Gender.NOT_KNOWN)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    needs_interpreter = models.BooleanField(default=False)
    first_language = models.CharField(max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["surname", "first_names"]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_names, self.surname) if p)


class RelationshipKind(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent"
    PARENTS_PARTNER = "parents_partner", "Parent's partner"
    GRANDPARENT = "grandparent", "Grandparent"
    AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
    ADULT_SIBLING = "adult_sibling", "Adult sibling"
    SPECIAL_GUARDIAN = "special_guardian", "Special guardian"
    FOSTER_CARER = "foster_carer", "Foster carer"
    KINSHIP_CARER = "kinship_carer", "Kinship carer"
    FAMILY_FRIEND = "family_friend", "Family friend"
    OTHER = "other", "Other"


class Relationship(CaseRecord):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="relationships")
    adult = models.ForeignKey(Adult, on_delete=models.PROTECT, related_name="relationships")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    parental_responsibility = models.BooleanField(default=False)
    lives_with_child = models.BooleanField(default=False)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "adult"],
                condition=Q(end_date__isnull=True, entered_in_error_at__isnull=True),
                name="relationship_one_open_per_pair",
            )
        ]

    def __str__(self):
        return f"{self.adult} is {self.get_kind_display().lower()} of {self.child}"


class Household(CaseRecord):
    name = models.CharField(max_length=200, help_text="e.g. 'Mother's home'")
    address = models.TextField(blank=True)
    children = models.ManyToManyField(Child, blank=True, related_name="households")
    adults = models.ManyToManyField(Adult, blank=True, related_name="households")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[children, adults])

    def __str__(self):
        return self.name


class Involvement(CaseRecord):
    """An agency's involvement with a child: which agency, which professional, in what role."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="involvements")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="involvements")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="involvements"
    )
    professional_name = models.CharField(max_length=200, blank=True, help_text="When the person has no account")
    professional_email = models.EmailField(blank=True)
    role = models.CharField(max_length=200, help_text="e.g. GP, health visitor, designated safeguarding lead")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        indexes = [
            # visibility arms (cases.policies): an agency's live involvements, open-ended or ending on a
            # date (two arms: "end_date IS NULL OR end_date >= today" as one condition matches no index),
            # and the named professional's
            models.Index(fields=["agency", "child"], condition=LIVE_OPEN_ENDED, name="involvement_vis_open"),
            models.Index(fields=["agency", "end_date", "child"], condition=LIVE_END_DATED,
                         name="involvement_vis_end_dated"),
            models.Index(fields=["professional", "agency"], include=["child", "end_date"],
                         condition=LIVE_NAMED_PROFESSIONAL, name="involvement_vis_professional"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="involvement_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.agency} ({self.role}) with {self.child}"

    @property
    def professional_display(self) -> str:
        return self.professional.display_name if self.professional_id else self.professional_name

    @property
    def is_open(self) -> bool:
        return self.end_date is None or self.end_date >= timezone.localdate()


class ChronologyEntry(CaseRecord):
    class Significance(models.TextChoices):
        ROUTINE = "routine", "Routine"
        SIGNIFICANT = "significant", "Significant"
        CRITICAL = "critical", "Critical incident"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="chronology")
    occurred_on = models.DateField()
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="chronology_entries")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField()
    significance = models.CharField(max_length=12, choices=Significance.choices, default=Significance.ROUTINE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name_plural = "chronology entries"
        indexes = [models.Index(fields=["child", "-occurred_on"])]

    def __str__(self):
        return f"{self.occurred_on:%d %b %Y}, {self.source_agency}: {self.summary[:60]}"


class DuplicateLink(CaseRecord):
    """Two child records believed to be the same child. Both records and histories are kept."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="duplicate_links")
    other = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="duplicate_links_in")
    reason = models.TextField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "other"], condition=Q(entered_in_error_at__isnull=True), name="duplicate_link_once"
            ),
            models.CheckConstraint(condition=Q(child__lt=models.F("other")), name="duplicate_link_ordered"),
        ]

    def __str__(self):
        return f"{self.child} may be the same child as {self.other}"


class ChildAccessGrant(UserObjectPermissionBase):
    """An explicit, time-boxed, per-child grant stored by django-guardian (direct foreign key)."""

    content_object = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="access_grants")
    expires_at = models.DateTimeField(null=True)
    reason = models.TextField(blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [
            models.Index(fields=["user", "expires_at"]),
            # the visibility arm of live grants (cases.policies)
            models.Index(fields=["user", "expires_at"], include=["content_object", "permission"], condition=LIVE_GRANT,
                         name="grant_vis_live"),
        ]


class ChildAccessRequestQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("Access requests are kept.")

    def open(self):
        return self.filter(answered_at__isnull=True)


class ChildAccessRequest(models.Model):
    """Someone who found a child they cannot open (a minimal row, or a restricted notice) asked the
    holder for access, with a reason. The holder answers through the ordinary grant
    (``ChildAccessGrant``); the grant marks the request answered. Kept, never deleted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="access_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    requested_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = ChildAccessRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["child", "requested_by"], condition=Q(answered_at__isnull=True),
                                    name="access_request_one_open_per_person"),
            models.CheckConstraint(condition=~Q(reason=""), name="access_request_has_reason"),
        ]

    def __str__(self):
        return f"{self.requested_by} asked for access to {self.child.local_child_id}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Access requests are kept.")


# --- the child's episodes of need (the CIN census's CINdetails, ADR 27) ----------------------------------------
class ReferralSource(models.TextChoices):
    """The CIN census's referral source codes."""

    INDIVIDUAL_FAMILY = "1A", "Individual: family member, relative or carer"
    INDIVIDUAL_ACQUAINTANCE = "1B", "Individual: acquaintance, including neighbours and child minders"
    INDIVIDUAL_SELF = "1C", "Individual: self"
    INDIVIDUAL_OTHER = "1D", "Individual: other, including strangers and MPs"
    SCHOOLS = "2A", "Schools"
    EDUCATION_SERVICES = "2B", "Education services"
    HEALTH_GP = "3A", "Health services: GP"
    HEALTH_VISITOR = "3B", "Health services: health visitor"
    HEALTH_SCHOOL_NURSE = "3C", "Health services: school nurse"
    HEALTH_PRIMARY_OTHER = "3D", "Health services: other primary health services"
    HEALTH_A_AND_E = "3E", "Health services: A&E (emergency department)"
    HEALTH_OTHER = "3F", "Health services: other"
    HOUSING = "4", "Housing"
    LA_SOCIAL_CARE = "5A", "Local authority services: social care"
    LA_OTHER_INTERNAL = "5B", "Local authority services: other internal"
    LA_EXTERNAL = "5C", "Local authority services: external, for example another authority"
    LA_EARLY_HELP = "5D", "Local authority services: early help"
    POLICE = "6", "Police"
    OTHER_LEGAL = "7", "Other legal agency"
    OTHER = "8", "Other"
    ANONYMOUS = "9", "Anonymous"
    UNKNOWN = "10", "Unknown"


class PrimaryNeed(models.TextChoices):
    """The CIN census's primary need codes (the first that applies, in this order)."""

    ABUSE_OR_NEGLECT = "N1", "Abuse or neglect"
    DISABILITY = "N2", "Child's disability or illness"
    PARENTAL_DISABILITY = "N3", "Parental disability or illness"
    FAMILY_IN_ACUTE_STRESS = "N4", "Family in acute stress"
    FAMILY_DYSFUNCTION = "N5", "Family dysfunction"
    SOCIALLY_UNACCEPTABLE_BEHAVIOUR = "N6", "Socially unacceptable behaviour"
    LOW_INCOME = "N7", "Low income"
    ABSENT_PARENTING = "N8", "Absent parenting"
    CASES_OTHER_THAN_NEED = "N9", "Cases other than children in need"


class CinClosureReason(models.TextChoices):
    """The CIN census's reasons for closure of an episode of need."""

    ADOPTED = "RC1", "Adopted"
    DIED = "RC2", "Died"
    CHILD_ARRANGEMENTS = "RC3", "Child arrangements order"
    SPECIAL_GUARDIANSHIP = "RC4", "Special guardianship order"
    TRANSFERRED = "RC5", "Transferred to services of another local authority"
    ADULT_SOCIAL_CARE = "RC6", "Transferred to adult social care"
    NO_LONGER_IN_NEED = "RC7", "Services ceased for any other reason, including the child no longer in need"
    NO_FURTHER_ACTION = "RC8", "Case closed after assessment, no further action"
    REFERRAL_NFA = "RC9", "Case closed after assessment, referred to early help"


class ChildInNeedEpisode(CaseRecord):
    """One episode of need: from the referral the authority accepted to the episode's closure (the CIN census's
    ``CINdetails``: referral date and source, primary need, closure date and reason). A child has at most one
    open episode; the child protection records (enquiries, conferences, plans) fall within it."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cin_episodes")
    referral_date = models.DateField()
    referral_source = models.CharField(max_length=2, choices=ReferralSource.choices)
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices)
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, choices=CinClosureReason.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referral_date"]
        constraints = [
            models.UniqueConstraint(fields=["child"], condition=Q(closure_date__isnull=True,
                                                                  entered_in_error_at__isnull=True),
                                    name="cin_episode_one_open_per_child"),
            models.CheckConstraint(
                condition=Q(closure_date__isnull=True) | Q(closure_date__gte=models.F("referral_date")),
                name="cin_episode_closed_after_referral"),
        ]
        indexes = [models.Index(fields=["child", "-referral_date"])]

    def __str__(self):
        return f"Child in need from {self.referral_date:%d %b %Y}"
