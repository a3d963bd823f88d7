"""People, agencies, teams, memberships with roles, and API clients.

Accounts are deactivated, never deleted. A person may hold several roles in each agency they
belong to. API clients are machine users with a membership of their agency (role ``api_client``).
"""

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords


class NotDeletable(Exception):
    """Raised when code tries to hard-delete a record that must be kept."""


class AgencyKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class Role(models.TextChoices):
    CONFERENCE_CHAIR = "conference_chair", "Conference chair"
    IRO = "iro", "Independent reviewing officer"
    LADO_OFFICER = "lado_officer", "LADO officer"
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    SERVICE_MANAGER = "service_manager", "Service manager"
    PARTNERSHIP_BUSINESS_UNIT = "partnership_business_unit", "Partnership business unit"
    PARTNER_PRACTITIONER = "partner_practitioner", "Partner agency practitioner"
    ADMINISTRATOR = "administrator", "Administrator"
    API_CLIENT = "api_client", "API client"


class Agency(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    statutory_partner = models.BooleanField(
        default=False, help_text="One of the statutory safeguarding partners (LA, police, health)."
    )
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name

    def delete(self, *args, **kwargs):
        raise NotDeletable("Agencies are deactivated, never deleted.")


class Team(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_per_agency")]

    def __str__(self):
        return f"{self.name} ({self.agency.name})"

    def delete(self, *args, **kwargs):
        raise NotDeletable("Teams are deactivated, never deleted.")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("full_name", "Administrator")
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(max_length=254, unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin.")
    is_api_client = models.BooleanField(default=False, editable=False)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deactivation_reason = models.TextField(blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self):
        return self.full_name or self.email

    @property
    def display_name(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name

    def delete(self, *args, **kwargs):
        raise NotDeletable("Accounts are deactivated, never deleted.")


class Membership(models.Model):
    """A person's place in an agency (and optionally a team) with one or more roles."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships")
    roles = ArrayField(models.CharField(max_length=40, choices=Role.choices), default=list)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="membership_unique_user_agency"),
            models.CheckConstraint(condition=~models.Q(roles=[]), name="membership_has_a_role"),
        ]

    def __str__(self):
        return f"{self.user} at {self.agency}: {', '.join(self.role_labels)}"

    @property
    def role_labels(self):
        return [Role(r).label for r in self.roles]

    def delete(self, *args, **kwargs):
        raise NotDeletable("Memberships are ended (is_active=False), never deleted.")


class ApiClient(models.Model):
    """A partner agency's system. The token is shown once and stored only as a SHA-256 hash."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_clients")
    name = models.CharField(max_length=200)
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="api_client")
    token_prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash", "last_used_at"])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="api_client_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.agency})"

    @property
    def is_active(self):
        return self.revoked_at is None

    def delete(self, *args, **kwargs):
        raise NotDeletable("API clients are revoked, never deleted.")


class ApiCallLog(models.Model):
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="calls")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    endpoint = models.CharField(max_length=200, blank=True)
    status_code = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["client", "-at"])]

    def __str__(self):
        return f"{self.client} {self.method} {self.path} {self.status_code}"
