"""Volume data for the benchmarks (`manage.py load_volume`, `make bench`), written with PostgreSQL COPY.

By default 100,000 children and 1,000,000 deadlines (``scale`` multiplies both) in a world shaped like
several local authorities and their partners:

- local authorities (one per 10,000 children), each with assessment, child in need, child protection
  and children in care teams (one of each kind per 2,000 children), a social worker per 17 allocated
  children, a manager per team, a service manager and conference chairs (one per 100 children on a
  plan); police forces (one per three authorities), NHS trusts and voluntary organisations (one per
  two), GP practices (one per 2,000 children) and schools (one per 250 children), with their partner
  practitioners;
- children with names from fixed lists (the demo's first names, surnames drawn once from a seeded
  Faker ``en_GB``), valid NHS numbers (the 999 test range) and UPNs, a creation history row and
  ``child.created`` event each, an address, one or two adults with their relationships, a few
  chronology entries, some aliases, and involvements of schools, GPs, health, police and voluntary
  agencies (most open, some ended);
- child protection: most children of a child protection team have an active plan, made at an initial
  (or pre-birth) conference and reviewed three months later and then every six months, each
  conference decided with its invitations (the parent and the involved agencies); reviews due within
  six weeks are booked with a chair; a few children of an assessment team have an initial conference
  requested and awaiting allocation;
- deadlines across every statutory rule and status around a reference date (the last working day
  on or before the day of the load): met on time or late and cancelled in the past three years,
  open over the next six months, overdue in the last sixty days;
- what the other services' figures pages count, over the two years before the reference date (issue
  13): each authority's IROs, IRO manager, LADO and LADO manager, and the partnership's business unit;
  looked-after children (about 0.7 % of the children, England's rate) with their placement, legal
  status, IRO and reviews on the reg 33 timetable (some late, with the reason); the LADO's referrals
  (about 1 per 1,000 children a year), their children, cases, evaluations, person index entries,
  outcomes, DBS and regulator referrals, and consultations; the partnership's referrals, rapid reviews
  (a handful per 10,000 children a year) with their steps as deadlines (among the scale's deadlines),
  National Panel notifications, practice reviews with their action plans, and the escalation register.
  Each from a random generator of its own, so the child protection data is the same with them.

Rows are generated in Python from seeded ``random.Random`` generators (the same scale gives the same data)
and streamed into the tables with ``COPY … FROM STDIN (FREEZE)`` (psycopg 3 ``cursor.copy``), agencies,
teams and people included; the rows that only repeat a child's (its creation history row and
``child.created`` event) are written from the loaded children with one ``INSERT … SELECT`` each.

Everything is written in one transaction under an advisory lock. From 20,000 children (``BULK_FROM``)
it is loaded the way PostgreSQL loads fastest: every table is emptied (``TRUNCATE``) in that
transaction, so that COPY can write its rows frozen (no ``VACUUM`` rewrite afterwards); the indexes of
the loaded tables but their primary keys (and unique constraints a foreign key refers to) are dropped
first and built again, as they were, once the rows are in; and, where the database role may (a
superuser), foreign key checks are left out for the transaction (``session_replication_role =
replica``: the rows are generated consistent, and a deferred check per row and key is most of a COPY's
time at a million children). A one-row table ``bench_volume`` records what was loaded (scale, counts,
the reference date, the seconds of each step, the people and records the benchmark uses, and the
loader's version), so a second load at the same scale by the same version does nothing.

Refuses to run outside a scratch database (a name starting with ``safeguarding_bench`` or ``test``):
it would otherwise add 100,000 fictional children to a real one, and ``--fresh`` empties every table.
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
import uuid
from bisect import bisect, bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from operator import itemgetter

import holidays
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from faker import Faker

from cases.identifiers import make_nhs_number, make_upn
from cases.models import (
    Adult,
    Child,
    ChildAddress,
    ChildAlias,
    ChronologyEntry,
    Disability,
    Ethnicity,
    Gender,
    Involvement,
    Relationship,
    RelationshipKind,
)
from conferences.models import Category, ChildProtectionPlan, Conference, Decision, Invitation, Kind, Outcome
from lado import codes as lado_codes
from lado.models import Consultation as LadoConsultation
from lado.models import Evaluation as LadoEvaluation
from lado.models import LadoCase, PersonIndexEntry, ReferralChild, RegulatorReferral
from lado.models import Outcome as LadoOutcome
from lado.models import Referral as LadoReferral
from partnership import plan as rapid_review_plan
from partnership import protocol as escalation_protocol
from partnership.models import (
    Escalation,
    EscalationStep,
    Notification,
    PracticeReview,
    RapidReview,
    Recommendation,
    ReviewAction,
)
from partnership.models import LearningTheme as PartnershipTheme
from partnership.models import Referral as PartnershipReferral
from reviews.models import IroAllocation, LegalStatusPeriod, LookedAfterEpisode, Placement, Review
from safeguarding.accounts.models import Agency, AgencyKind, Membership, Role, Team, User
from safeguarding.audit.models import CaseEvent
from safeguarding.clock import rules, workdays
from safeguarding.clock.models import Deadline

from . import data

Say = Callable[[str], None]

DEFAULT_CHILDREN = 100_000
DEFAULT_DEADLINES = 1_000_000
SEED = 2026
META_TABLE = "bench_volume"
LOCK_KEY = 0x5AFE_BE4C  # held while loading
EMAIL_DOMAIN = "bench.safeguarding-hub.test"
UNUSABLE_PASSWORD = "!volume-data"  # "!" prefix: Django treats it as an unusable password

# the shares of children held by each kind of team (the rest: no team, mostly closed records)
TEAM_KINDS = (("assessment", "Assessment Team", 24), ("cin", "Child in Need Team", 26),
              ("cp", "Child Protection Team", 26), ("cic", "Children in Care Team", 18))
CASELOAD = 17  # allocated children per social worker
PLAN_SHARE = 0.85  # children of a child protection team with an active plan
REQUESTED_SHARE = 0.04  # children of an assessment team with an initial conference awaiting allocation
PLANS_PER_CHAIR = 100
BOOK_AHEAD_DAYS = 42  # reviews due within this many days are booked with a chair
VENUES = ("Civic Centre, Conference Room 2", "Family Hub, Meeting Room 1", "Civic Centre, Conference Room 4")
TOWNS = (
    "Ashdown", "Brackenfield", "Carrow", "Dunmere", "Eastwold", "Fallowby", "Glenholme", "Harrowgate Vale",
    "Ivelbridge", "Kestermoor", "Langdale Cross", "Marlow Heath", "Netherby", "Oldcastle", "Pendleford",
    "Quarry Bank", "Ravensmoor", "Saltmarsh", "Thornbury Edge", "Upperwick", "Wexley", "Yarrowfield",
    "Aldermoor", "Birchcombe", "Coldharbour", "Deepdale", "Elmstead", "Foxton Reach", "Greywell", "Hartside",
)
STREETS = ("Road", "Street", "Avenue", "Close", "Lane", "Drive", "Way", "Crescent", "Grove", "Terrace")
CHRONOLOGY = (
    ("routine", "Home visit completed; the child was seen alone and spoke about school and friends."),
    ("routine", "Attendance at school below 90 % this half term; the school has contacted the parent."),
    ("routine", "Health visitor review: growth and development within the expected range."),
    ("routine", "Core group meeting held; the plan was reviewed with the family."),
    ("routine", "GP appointment missed; the practice has sent a further appointment."),
    ("significant", "Police attended a domestic incident at the home address; the children were present."),
    ("significant", "The child arrived at school with an unexplained bruise; the DSL made a referral."),
    ("significant", "Strategy discussion held; a section 47 enquiry was agreed."),
    ("critical", "The child was reported missing overnight and found the next morning."),
)
RULE_WEIGHTS = {
    "assessment": 25, "icpc": 6, "transfer_in_conference": 1, "core_group_first": 6, "rcpc_first": 5,
    "rcpc_next": 8, "outline_plan": 6, "conference_minutes": 6, "conference_reports": 4, "parents_report_share": 4,
    "iro_appointment": 3, "lac_review_first": 3, "lac_review_second": 3, "lac_review_next": 8,
    "lac_review_decisions": 4, "lac_review_record": 4, "iro_dispute_resolution": 0.5, "lado_referral": 1,
    "serious_incident_notification": 0.3, "rapid_review": 0.3, "lcspr": 0.2,
}
# (status, share) of deadlines, and where their due dates fall around the reference date (calendar days)
DEADLINE_STATUSES = (
    (Deadline.Status.MET_ON_TIME, 0.60, (-1095, -1)),
    (Deadline.Status.MET_LATE, 0.10, (-1095, -2)),
    (Deadline.Status.CANCELLED, 0.05, (-1095, 90)),
    (Deadline.Status.OPEN, 0.24, (0, 180)),
    (Deadline.Status.OVERDUE, 0.01, (-60, -1)),
)
# the tables written (their indexes are dropped while loading and built again once the rows are in)
LOADED_MODELS = (Agency, Team, User, Membership, Child, CaseEvent, ChildAddress, Adult, Relationship, Involvement,
                 ChronologyEntry, ChildAlias, ChildProtectionPlan, Conference, Decision, Invitation, Deadline,
                 LookedAfterEpisode, Placement, LegalStatusPeriod, IroAllocation, Review,
                 PersonIndexEntry, LadoReferral, ReferralChild, LadoCase, LadoEvaluation, LadoOutcome,
                 RegulatorReferral, LadoConsultation,
                 PartnershipReferral, Notification, RapidReview, PracticeReview, Recommendation, ReviewAction,
                 Escalation, EscalationStep)
BULK_FROM = 20_000  # children: from this size the loader empties, drops indexes and freezes (see the docstring)
CATEGORIES = (Category.NEG, Category.EMO, Category.PHY, Category.SAB)
CATEGORY_WEIGHTS = (48, 38, 8, 4)
# What the loader writes: a load recorded by another version is loaded again (bench_volume.version).
# 2: looked-after children and their reviews, the LADO service and the partnership (issue 13).
LOADER_VERSION = 2

# --- the other services (issue 13): looked-after reviews, the LADO, the partnership -------------------
HISTORY_DAYS = 730  # their records cover the two years before the reference date
SQA_TEAM = "Safeguarding & Quality Assurance Unit"  # each authority's IROs and LADOs (as the demo's)
PARTNERSHIP_TEAM = "Safeguarding Partnership Business Unit"  # the partnership's (of the first authority)
BUSINESS_UNIT_PEOPLE = 2
# looked after now, and whose period of care ended in the two years (England: about 70 per 10,000 children
# looked after); a floor per authority, so that a tiny load has reviews of every kind
LOOKED_AFTER_SHARE = 0.007
LOOKED_AFTER_ENDED_SHARE = 0.002
MIN_LOOKED_AFTER = 8
MIN_LOOKED_AFTER_ENDED = 2
IRO_CASELOAD = 60  # looked-after children per IRO (the IRO Handbook: 50 to 70)
IRO_APPOINTED_WITHIN = 7  # working days from becoming looked after (iro_appointment: 5)
REVIEW_LATE_SHARE = 0.12  # reviews held after their due date, with the reason
CATEGORY_OF_NEED = (("N1", 65), ("N2", 3), ("N3", 3), ("N4", 7), ("N5", 14), ("N6", 1), ("N8", 7))
LEGAL_STATUSES = (("C2", 55), ("C1", 20), ("V2", 18), ("E1", 6), ("L2", 1))
# (placement type, weight, providers): foster care most, then children's homes
PLACEMENTS = (("U6", 30, ("PR1", "PR4")), ("U4", 22, ("PR1", "PR4")), ("U1", 6, ("PR1",)), ("U3", 8, ("PR1",)),
              ("K2", 13, ("PR4", "PR4", "PR1")), ("H5", 6, ("PR4",)), ("P1", 6, ("PR0",)), ("R1", 2, ("PR3",)),
              ("A4", 3, ("PR1",)), ("S1", 1, ("PR4",)), ("Z1", 3, ("PR5",)))
PERIOD_ENDS = (("E4A", 35), ("E13", 10), ("E41", 8), ("E45", 8), ("E46", 4), ("E11", 6), ("E12", 6), ("E8", 5),
               ("E3", 4))
# how children aged 4 or over took part in their reviews (PN0 is every review of a child under 4)
PARTICIPATION = (("PN1", 40), ("PN2", 8), ("PN3", 5), ("PN4", 4), ("PN5", 15), ("PN6", 18), ("PN7", 10))
# LADO: referrals a year per child (about 1 per 1,000), consultations per referral, outcomes
LADO_REFERRAL_RATE = 0.001
MIN_LADO_REFERRALS = 12  # per authority, over the two years
LADO_CONSULTATIONS_PER_REFERRAL = 1.5
LADO_LATE_SHARE = 0.15  # referred more than one working day after the employer knew
LADO_REPEAT_SHARE = 0.08  # about a person with an earlier case
LADO_SECTORS = (("school", 34), ("early_years", 12), ("social_care", 8), ("residential", 8), ("fostering", 8),
                ("health", 7), ("further_education", 4), ("sports", 5), ("faith", 3), ("voluntary", 4),
                ("police", 2), ("agency", 2), ("contractor", 1), ("other", 2))
LADO_EMPLOYMENT = (("paid", 75), ("volunteer", 9), ("agency", 9), ("contractor", 3), ("governor", 4))
LADO_DECISIONS = (("meeting", 45), ("advice", 35), ("nfa", 20))
LADO_OUTCOMES = (("substantiated", 33), ("unsubstantiated", 30), ("unfounded", 15), ("false", 16),
                 ("malicious", 6))
# months from the referral to the outcome: (at most this many, weight), KCSIE's bands
LADO_RESOLUTION = ((1, 30), (3, 44), (12, 23), (18, 3))
# partnership: rapid reviews a year per child (a handful per 10,000), escalations a year per child
RAPID_REVIEW_RATE = 0.0004
MIN_RAPID_REVIEWS = 6  # in all (and no more than one per 100 deadlines: a tiny scale has fewer)
STEP_LATE_SHARE = 0.2  # a rapid review's step done after its working day
RAPID_REVIEW_DECISIONS = (("no_further_action", 45), ("learning_review", 35), ("lcspr", 20))
ESCALATION_RATE = 0.002
MIN_ESCALATIONS = 10  # in all
ESCALATION_CATEGORIES = (("threshold", 22), ("assessment", 12), ("plan_progress", 18), ("information_sharing", 14),
                         ("attendance", 8), ("roles", 8), ("service_provision", 8), ("step_up_down", 10))
ESCALATION_OUTCOMES = (("resolved_agreed", 60), ("resolved_not_agreed", 15), ("escalated_to_partnership", 5),
                       ("withdrawn", 20))


class VolumeError(RuntimeError):
    pass


def scaled(scale: float) -> tuple[int, int]:
    """(children, deadlines) at ``scale``: 1.0 is 100,000 and 1,000,000."""
    if not scale > 0:
        raise VolumeError("the scale must be more than 0")
    return max(1, round(DEFAULT_CHILDREN * scale)), max(1, round(DEFAULT_DEADLINES * scale))


def is_scratch_database(name: str) -> bool:
    return name.startswith("safeguarding_bench") or name.startswith("test")


def database_name() -> str:
    return connection.settings_dict["NAME"]


def require_scratch_database() -> None:
    name = database_name()
    if not is_scratch_database(name):
        raise VolumeError(
            f"refusing to write volume data into the database {name!r}: use a database whose name starts with "
            "'safeguarding_bench' (make bench does) or 'test'"
        )


# --- the record of what was loaded ----------------------------------------------------------------
def _ensure_meta_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1), "
            "scale double precision NOT NULL, children integer NOT NULL, deadlines integer NOT NULL, "
            "reference_date date NOT NULL, loaded_at timestamptz NOT NULL, seconds double precision NOT NULL, "
            "rows bigint NOT NULL, counts jsonb NOT NULL, subjects jsonb NOT NULL)"
        )
        cursor.execute(f"ALTER TABLE {META_TABLE} ADD COLUMN IF NOT EXISTS step_seconds jsonb")
        cursor.execute(f"ALTER TABLE {META_TABLE} ADD COLUMN IF NOT EXISTS version integer")


def loaded() -> dict | None:
    """What ``bench_volume`` says was loaded, or None."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [META_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                       "AND column_name = ANY(%s) AND table_schema = current_schema()",
                       [META_TABLE, ["step_seconds", "version"]])
        later = {name for (name,) in cursor.fetchall()}  # columns a record of an older loader may lack
        extra = ", ".join(c if c in later else "NULL" for c in ("step_seconds", "version"))
        cursor.execute(f"SELECT scale, children, deadlines, reference_date, loaded_at, seconds, rows, counts, "
                       f"subjects, {extra} FROM {META_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        return None
    keys = ("scale", "children", "deadlines", "reference_date", "loaded_at", "seconds", "rows", "counts", "subjects",
            "step_seconds", "version")
    meta = dict(zip(keys, row, strict=True))
    meta["step_seconds"] = meta["step_seconds"] or {}
    for key in ("counts", "subjects", "step_seconds"):
        if isinstance(meta[key], str):
            meta[key] = json.loads(meta[key])
    return meta


@dataclass(frozen=True)
class Subjects:
    """The people, records and search words the benchmark uses (chosen when the data was loaded)."""

    reference_date: date
    social_worker: User
    partner_practitioner: User
    partner_agency: Agency
    page_child: Child
    search_social_worker: str
    search_partner: str
    conference: Conference | None = None  # a decided conference of page_child, the social worker's to see
    forbidden_child: Child | None = None  # a child of the social worker's authority they have no basis for
    partner_forbidden_child: Child | None = None  # a child the partner's agency is not involved with
    missing_id: uuid.UUID = field(default_factory=lambda: uuid.UUID(int=0, version=4))
    # who sees each service's figures: the IRO manager and the LADO manager of page_child's authority, and a
    # member of the partnership's business unit (None in data loaded before they were)
    iro_manager: User | None = None
    lado_manager: User | None = None
    business_unit: User | None = None


def subjects() -> Subjects:
    meta = loaded()
    if meta is None:
        raise VolumeError("no volume data here: run `manage.py load_volume` first")
    s = meta["subjects"]

    def child(key: str) -> Child | None:
        return Child.objects.get(pk=s[key]) if s.get(key) else None

    def user(key: str) -> User | None:
        return User.objects.get(pk=s[key]) if s.get(key) else None

    return Subjects(
        reference_date=meta["reference_date"],
        social_worker=User.objects.get(pk=s["social_worker"]),
        partner_practitioner=User.objects.get(pk=s["partner_practitioner"]),
        partner_agency=Agency.objects.get(pk=s["partner_agency"]),
        page_child=Child.objects.get(pk=s["page_child"]),
        search_social_worker=s["search_social_worker"],
        search_partner=s["search_partner"],
        conference=Conference.objects.get(pk=s["conference"]) if s.get("conference") else None,
        forbidden_child=child("forbidden_child"),
        partner_forbidden_child=child("partner_forbidden_child"),
        missing_id=uuid.UUID(s["missing_id"]) if s.get("missing_id") else uuid.UUID(int=0, version=4),
        iro_manager=user("iro_manager"), lado_manager=user("lado_manager"), business_unit=user("business_unit"),
    )


def _data_tables() -> list[str]:
    """Every table of the project's models but content types and permissions (made by migrate)."""
    keep = {ContentType._meta.db_table, "auth_permission"}
    return sorted(t for t in connection.introspection.django_table_names(only_existing=True) if t not in keep)


def _any_rows(tables: Sequence[str]) -> bool:
    """Whether any of ``tables`` holds a row (one statement; each table read up to its first row)."""
    if not tables:
        return False
    qn = connection.ops.quote_name
    union = " UNION ALL ".join(f"(SELECT 1 FROM {qn(t)} LIMIT 1)" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS ({union})")
        return bool(cursor.fetchone()[0])


def _truncate(tables: Sequence[str], *, cascade: bool = True) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending deferred checks may block TRUNCATE
        quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
        cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY{' CASCADE' if cascade else ''}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def _deadline_tables() -> tuple[set[str], set[str]]:
    """(the deadlines' tables: ``clock_deadline`` and every table that refers to it, directly or not;
    the tables they refer to, directly or not, which a TRUNCATE elsewhere would have to include)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
                       "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace")
        edges = cursor.fetchall()
    apart = {Deadline._meta.db_table}
    while True:
        more = {src for src, dst in edges if dst in apart and src not in apart}
        if not more:
            break
        apart |= more
    kept: set[str] = set()
    frontier = {dst for src, dst in edges if src in apart} - apart
    while frontier:
        kept |= frontier
        frontier = {dst for src, dst in edges if src in frontier} - apart - kept
    return apart, kept


def _drop_indexes(tables: Sequence[str]) -> list[str]:
    """Drop the indexes of ``tables`` but their primary keys and what backs a constraint, and their
    unique constraints that no foreign key refers to; returns the statements that build them again."""
    rebuild = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE n.nspname = current_schema() AND t.relname = ANY(%s) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY t.relname, 1", [list(tables)])
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
            rebuild.append(definition)
        # unique constraints too (a random UUID's is the costliest index to keep up row by row), but not
        # one a foreign key refers to
        cursor.execute(
            "SELECT c.conrelid::regclass::text, quote_ident(c.conname), pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() "
            "AND t.relname = ANY(%s) AND c.contype = 'u' AND NOT EXISTS (SELECT 1 FROM pg_constraint f "
            "WHERE f.contype = 'f' AND f.conindid = c.conindid) ORDER BY 1, 2", [list(tables)])
        for table, name, definition in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            rebuild.append(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    return rebuild


def wipe(say: Say = print) -> None:
    """Empty every table of the scratch database (not content types and permissions) and the record:
    with TRUNCATE, or for a small load (fewer than BULK_FROM children) with DELETE, which is quicker there."""
    require_scratch_database()
    tables = _data_tables()
    meta = loaded()
    with transaction.atomic():
        if meta is not None:
            tables.append(META_TABLE)
        if meta is not None and meta["children"] < BULK_FROM:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                for table in tables:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            _truncate(tables)
    say(f"Emptied {len(tables)} tables.")


# --- COPY -----------------------------------------------------------------------------------------
def columns_of(model: type[models.Model], *, with_id: bool = False) -> list[str]:
    """The columns a COPY writes: every concrete column but the auto primary key (unless ``with_id``)."""
    pk = model._meta.pk
    return [f.column for f in model._meta.concrete_fields
            if with_id or not (f is pk and isinstance(f, models.AutoField | models.BigAutoField))]


def copy_rows(model: type[models.Model], rows: Iterable, *, with_id: bool = False,
              columns: Sequence[str] | None = None, freeze: bool = False) -> int:
    """Stream ``rows`` into ``model``'s table with COPY; returns how many.

    Rows are dicts keyed by column (every column of :func:`columns_of`), or, with ``columns``, tuples
    in that order. ``freeze`` writes them frozen: the table must have been emptied in this
    transaction (as :class:`VolumeLoader` does)."""
    if columns is None:
        cols = columns_of(model, with_id=with_id)
        pick = itemgetter(*cols)
        rows = map(pick, rows)
    else:
        cols = list(columns)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in cols)
    n = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN{' (FREEZE)' if freeze else ''}") as copy:
            write = copy.write_row
            for row in rows:
                write(row)
                n += 1
    return n


def copy_objects(model: type[models.Model], objs: list[models.Model], *, freeze: bool = False) -> int:
    """Write unsaved model instances with COPY (their defaults applied as ``save()`` would), giving
    each its primary key from the table's sequence."""
    first = reserve_ids(model, len(objs))
    fields = model._meta.concrete_fields
    for n, obj in enumerate(objs):
        obj.pk = first + n

    def rows():
        for obj in objs:
            yield tuple(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields)

    return copy_rows(model, rows(), columns=[f.column for f in fields], freeze=freeze)


def reserve_ids(model: type[models.Model], n: int) -> int:
    """Take ``n`` consecutive ids from the table's identity sequence; returns the first."""
    if n <= 0:
        return 0
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [connection.ops.quote_name(table)])
        seq = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [seq])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [seq, first + n - 1])
    return first


def copy_history(model: type[models.Model], reason: str) -> int:
    """One creation history row (django-simple-history) per row of ``model``, written from the table
    itself (``INSERT … SELECT``): the record as created, by its creator, at its creation time."""
    history = model.history.model
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in history.tracked_fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(history._meta.db_table)} ({columns}, history_date, history_change_reason, "
            f"history_type, history_user_id) SELECT {columns}, created_at, %s, '+', created_by_id "
            f"FROM {qn(model._meta.db_table)} ORDER BY id", [reason])
        return cursor.rowcount


# --- fast random draws ----------------------------------------------------------------------------
class Draw:
    """The few random draws the loader makes millions of times, on one ``random.Random``: a uniform
    index, a weighted choice through precomputed cumulative weights, a version 4 UUID."""

    def __init__(self, rng: random.Random):
        self.random = rng.random
        self.getrandbits = rng.getrandbits

    def below(self, n: int) -> int:
        return int(self.random() * n)

    def between(self, lo: int, hi: int) -> int:
        """An integer in [lo, hi]."""
        return lo + int(self.random() * (hi - lo + 1))

    def pick(self, seq: Sequence):
        return seq[int(self.random() * len(seq))]

    @staticmethod
    def weights(weights: Iterable[float]) -> list[float]:
        return list(accumulate(weights))

    def weighted(self, population: Sequence, cum: list[float]):
        return population[bisect(cum, self.random() * cum[-1])]

    def uuid(self) -> str:
        """A random (version 4) UUID as 32 hex digits, as PostgreSQL reads it."""
        bits = self.getrandbits(128)
        bits = (bits & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
        return f"{bits:032x}"


# --- the world ------------------------------------------------------------------------------------
@dataclass(slots=True)
class StepDeadline:
    """A rapid review's step (or national clock) as a deadline: planned before the load, written after."""

    public_id: str
    key: str
    anchor: date
    due: date
    met_on: date | None
    status: str
    late_reason: str
    created_at: datetime


@dataclass(slots=True)
class PlannedRapidReview:
    la: int
    aware_on: date
    working_day_1: date
    steps: list[StepDeadline]
    notified_on: date | None
    meeting_on: date | None
    submitted_on: date | None
    id: int = 0


@dataclass(slots=True)
class CarePeriod:
    """A looked-after child's period of care (open: ``end`` None)."""

    kid: Kid
    start: date
    end: date | None


@dataclass(slots=True)
class Kid:
    id: int
    la: int
    team: int | None  # Team pk
    worker: int | None  # User pk
    first: str
    surname: str
    dob: date | None
    age: int | None
    open: bool
    restricted: bool
    team_kind: str | None = None


class VolumeLoader:
    def __init__(self, *, children: int, deadlines: int, scale: float | None = None, seed: int = SEED,
                 say: Say = print, today: date | None = None, bulk: bool | None = None):
        self.n_children = children
        self.bulk = children >= BULK_FROM if bulk is None else bulk
        self.frozen: set[str] = set()  # the tables emptied in this transaction, which COPY may write frozen
        self.dropped_indexes: list[str] = []
        self.apart: threading.Thread | None = None  # the deadlines, loaded on a connection of their own
        self.apart_error: BaseException | None = None
        self.n_deadlines = deadlines
        self.scale = scale if scale is not None else children / DEFAULT_CHILDREN
        self.say = say
        self.seed = seed
        self.rng = random.Random(seed)
        self.draw = Draw(self.rng)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        today = today or timezone.localdate()
        self.ref = today if workdays.is_working_day(today) else workdays.previous_working_day(today)
        self.now = timezone.now()
        self.counts: Counter = Counter()
        self.timings: dict[str, float] = {}
        self._midnight: dict[date, datetime] = {}

    # --- entry point -----------------------------------------------------------------------------
    def load(self) -> dict:
        require_scratch_database()
        started = time.monotonic()
        # Deadlines, a tenth of the children's rows or more, load on a second connection at the same time
        # when that can work: in bulk mode, outside a transaction, and without foreign key checks (each
        # connection writes rows that point to rows the other has not committed yet).
        self.parallel = self.bulk and not connection.in_atomic_block and _is_superuser()
        # the rapid reviews' steps are deadlines too: planned first, so that the deadlines' own connection
        # loads the rest of the count
        self._plan_rapid_reviews()
        if self.parallel:
            self._step("emptying every table", self._empty_first)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            _ensure_meta_table()
            if self.bulk:
                self._step("bulk-load mode", self._bulk_mode)
            self._step("agencies, teams and people", self._people)
            self._step("children", self._children)
            if self.parallel:
                self.apart = threading.Thread(target=self._deadlines_apart, name="volume-deadlines")
                self.apart.start()
            try:
                self._step("child history and events", self._child_history)
                self._step("addresses, adults and relationships", self._families)
                self._step("involvements", self._involvements)
                self._step("chronology and aliases", self._chronology)
                self._step("conferences, plans, decisions and invitations", self._conferences)
                self._step("IROs, LADOs and the partnership's business unit", self._service_people)
                self._step("looked-after children, IROs and reviews", self._looked_after)
                self._step("LADO referrals, cases and consultations", self._lado)
                self._step("partnership referrals, rapid reviews, practice reviews and escalations", self._partnership)
                if not self.parallel:
                    self._step("deadlines", self._deadlines)
                    self._step("rapid review step deadlines", self._step_deadlines)
                if self.bulk:
                    self._step(f"indexes ({len(self.dropped_indexes)} rebuilt)", self._rebuild_indexes)
            finally:
                if self.apart is not None:
                    self._step("waiting for the deadlines", self.apart.join)
            if self.apart_error is not None:
                raise VolumeError(f"loading the deadlines failed: {self.apart_error}") from self.apart_error
            if self.apart is not None:
                self.counts["deadlines"] += self.deadlines_loaded
                # committed by the deadlines' connection, indexes and all: these few go in beside them
                self._step("rapid review step deadlines", self._step_deadlines)
            seconds = time.monotonic() - started
            self._record(seconds)
        rows = sum(self.counts.values())
        self.say(f"Loaded {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s).")
        if not connection.in_atomic_block:
            self._step("VACUUM ANALYZE", self._vacuum)
        return {"rows": rows, "seconds": seconds, "counts": dict(self.counts), "timings": self.timings}

    def _step(self, what: str, fn: Callable[[], object]) -> None:
        before = sum(self.counts.values())
        t0 = time.monotonic()
        fn()
        dt = time.monotonic() - t0
        self.timings[what.split(" (")[0]] = round(dt, 2)
        rows = sum(self.counts.values()) - before
        rate = f", {rows / dt:,.0f} rows/s" if rows and dt > 0 else ""
        self.say(f"  {what}: {rows:,} rows in {dt:.1f} s{rate}")

    def _copy(self, model, rows, **kwargs) -> int:
        return copy_rows(model, rows, freeze=model._meta.db_table in self.frozen, **kwargs)

    def _copy_objects(self, model, objs) -> int:
        return copy_objects(model, objs, freeze=model._meta.db_table in self.frozen)

    def _empty_first(self) -> None:
        """Parallel mode: every table emptied (and the record of the last load deleted) in a transaction
        of its own, so that each connection may then empty its own tables again (for COPY FREEZE). Tables
        that are all empty already (a new database, or one ``load`` has just wiped) are left as they are:
        a TRUNCATE of every table makes new files for each table and index, seconds even when they are
        empty."""
        with transaction.atomic():
            _ensure_meta_table()
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {META_TABLE}")
            tables = _data_tables()
            if _any_rows(tables):
                _truncate(tables)

    def _bulk_mode(self) -> None:
        """Empty the tables in this transaction (so COPY may freeze), drop their indexes (built again at
        the end), and leave foreign key checks out where the role may.

        In parallel mode the deadlines' connection empties ``clock_deadline`` (and what refers to it) in its
        own transaction; this one empties every other table but those the deadlines refer to (people,
        teams, agencies: emptied already by ``_empty_first``, and small)."""
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            self.say("  (not a superuser: foreign keys are checked row by row, which is slower)")
        loaded = {m._meta.db_table for m in LOADED_MODELS} | {Child.named_people.through._meta.db_table,
                                                              Child.history.model._meta.db_table}
        tables = _data_tables()
        if self.parallel:
            apart, kept = _deadline_tables()
            tables = [t for t in tables if t not in apart and t not in kept]
            loaded -= apart | kept
            _truncate(tables, cascade=False)
        else:
            _truncate(tables)
        self.frozen = set(tables)
        self.dropped_indexes = _drop_indexes(sorted(loaded))

    def _deadlines_apart(self) -> None:
        """The deadlines on this thread's own connection, in a transaction of their own."""
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                apart, _kept = _deadline_tables()
                _truncate(sorted(apart), cascade=False)
                self.frozen |= apart
                dropped = _drop_indexes(sorted(apart))
                t0 = time.monotonic()
                n = self._deadlines(count=False)
                self.say(f"  deadlines (on a second connection): {n:,} rows in {time.monotonic() - t0:.1f} s")
                t1 = time.monotonic()
                with connection.cursor() as cursor:
                    for definition in dropped:
                        cursor.execute(definition)
                self.say(f"  deadline indexes ({len(dropped)} rebuilt): {time.monotonic() - t1:.1f} s")
                self.timings["deadlines"] = round(t1 - t0, 2)
                self.timings["deadline indexes"] = round(time.monotonic() - t1, 2)
                self.deadlines_loaded = n
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which fails the load
            self.apart_error = exc
        finally:
            connection.close()

    def _rebuild_indexes(self) -> None:
        with connection.cursor() as cursor:
            for definition in self.dropped_indexes:
                cursor.execute(definition)

    def _vacuum(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    # --- helpers ---------------------------------------------------------------------------------
    def _uuid(self) -> str:
        return self.draw.uuid()

    def _past(self, lo_days: int, hi_days: int) -> date:
        return self.ref - timedelta(days=self.draw.between(lo_days, hi_days))

    def _moment(self, day: date) -> datetime:
        """A time on ``day`` between 09:00 and 17:00 UTC."""
        base = self._midnight.get(day)
        if base is None:
            base = self._midnight[day] = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
        return base + timedelta(seconds=self.draw.below(8 * 3600))

    def _case_record(self, created_by: int | None, created_on: date) -> dict:
        return {"public_id": self._uuid(), "created_at": self._moment(created_on), "created_by_id": created_by,
                "entered_in_error_at": None, "entered_in_error_by_id": None, "entered_in_error_reason": ""}

    def _email(self, local: str) -> str:
        return f"{local}@{EMAIL_DOMAIN}"

    def _creator(self, k: Kid) -> int:
        return k.worker or self.managers.get(k.team) or self.service_manager[k.la]

    # --- agencies, teams and people --------------------------------------------------------------
    def _people(self) -> None:
        n = self.n_children
        rng = self.rng
        n_la = max(1, round(n / 10_000))
        town = [TOWNS[i % len(TOWNS)] + (f" {i // len(TOWNS) + 1}" if i >= len(TOWNS) else "") for i in range(n_la)]
        specs: list[tuple[str, str, str, int | None]] = []  # (key, name, kind, la index it serves)
        for i in range(n_la):
            specs.append((f"la{i}", f"{town[i]} Borough Council (volume)", AgencyKind.LOCAL_AUTHORITY, i))
        for i in range(max(1, n_la // 3)):
            specs.append((f"police{i}", f"{town[i * 3]} Constabulary (volume)", AgencyKind.POLICE, None))
        for i in range(max(1, n_la // 2)):
            specs.append((f"trust{i}", f"{town[i * 2]} Community Health NHS Trust (volume)", AgencyKind.HEALTH, None))
            specs.append((f"voluntary{i}", f"{town[i * 2]} Family Support Project (volume)", AgencyKind.VOLUNTARY,
                          None))
        for i in range(max(2, n // 2000)):
            specs.append((f"gp{i}", f"{town[i % n_la]} Medical Practice {i + 1} (volume)", AgencyKind.HEALTH, i % n_la))
        # schools: one per 250 children, a fifth of them secondary; every authority has both kinds
        per_la_schools = max(2, round(n / n_la / 250))
        self.school_phase: dict[str, str] = {}
        i = 0
        for la in range(n_la):
            for j in range(per_la_schools):
                phase = "secondary" if j < max(1, per_la_schools // 5) else "primary"
                label = "High School" if phase == "secondary" else "Primary School"
                specs.append((f"school{i}", f"{town[la]} {label} {j + 1} (volume)", AgencyKind.EDUCATION, la))
                self.school_phase[f"school{i}"] = phase
                i += 1
        agencies = [Agency(public_id=uuid.UUID(self._uuid()), name=name, kind=kind,
                           statutory_partner=kind in (AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE))
                    for _key, name, kind, _la in specs]
        self.counts["agencies"] += self._copy_objects(Agency, agencies)
        self.agency = {key: a.pk for (key, *_rest), a in zip(specs, agencies, strict=True)}
        self.agency_name = {a.pk: a.name for a in agencies}
        self.n_la = n_la
        self.la_ids = [self.agency[f"la{i}"] for i in range(n_la)]
        self.la_code = {i: 800 + i for i in range(n_la)}
        self.police_of = {i: self.agency[f"police{min(i // 3, max(1, n_la // 3) - 1)}"] for i in range(n_la)}
        self.trust_of = {i: self.agency[f"trust{min(i // 2, max(1, n_la // 2) - 1)}"] for i in range(n_la)}
        self.voluntary_of = {i: self.agency[f"voluntary{min(i // 2, max(1, n_la // 2) - 1)}"] for i in range(n_la)}
        self.gps_of: dict[int, list[int]] = defaultdict(list)
        self.schools_of: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.establishment: dict[int, int] = {}
        for key, _name, kind, la in specs:
            if key.startswith("gp"):
                self.gps_of[la].append(self.agency[key])
            elif kind == AgencyKind.EDUCATION:
                self.schools_of[la, self.school_phase[key]].append(self.agency[key])
                self.establishment[self.agency[key]] = 1000 + int(key[6:])  # DfE establishment number

        # teams: one of each kind per 2,000 children of the authority (about 500 children a team)
        per_la = math.ceil(n / n_la)
        k = max(1, round(per_la / 2000))
        team_objs, team_keys = [], []
        for i in range(n_la):
            for kind, label, _w in TEAM_KINDS:
                for j in range(k):
                    team_objs.append(Team(public_id=uuid.UUID(self._uuid()), agency_id=self.la_ids[i],
                                          name=f"{label} {j + 1}" if k > 1 else label))
                    team_keys.append((i, kind))
        self.counts["teams"] += self._copy_objects(Team, team_objs)
        self.teams_of: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.team_la: dict[int, int] = {}
        self.team_kind: dict[int, str] = {}
        for (i, kind), team in zip(team_keys, team_objs, strict=True):
            self.teams_of[i, kind].append(team.pk)
            self.team_la[team.pk] = i
            self.team_kind[team.pk] = kind

        # which team (and whether a worker) each child will have, so caseloads decide the staffing
        weights = [w for _k, _l, w in TEAM_KINDS] + [6]
        kinds = [kd for kd, _l, _w in TEAM_KINDS] + [None]
        self.plan: list[tuple[int, int | None, bool]] = []  # (la index, team pk, allocated to a worker)
        for c in range(n):
            la = c % n_la
            kind = rng.choices(kinds, weights)[0]
            team = rng.choice(self.teams_of[la, kind]) if kind else None
            self.plan.append((la, team, team is not None and rng.random() < 0.9))
        allocated = Counter(team for _la, team, with_worker in self.plan if with_worker)
        cp_children = Counter(la for la, team, _w in self.plan if team is not None and self.team_kind[team] == "cp")

        # people
        users: list[User] = []
        memberships: list[tuple[int, int | None, list[str]]] = []  # (agency pk, team pk, roles), per user
        self.workers_of: dict[int, list[int]] = defaultdict(list)  # filled with pks below
        roles_of_user: list[tuple[str, object]] = []

        def person(local: str, job: str, agency: int, team: int | None, role: str, tag: tuple[str, object]):
            first = rng.choice(data.GIRLS + data.BOYS)
            users.append(User(public_id=uuid.UUID(self._uuid()), email=self._email(local), full_name=f"{first} "
                              f"{self.fake.last_name()}", job_title=job, password=UNUSABLE_PASSWORD,
                              date_joined=self.now))
            memberships.append((agency, team, [role]))
            roles_of_user.append(tag)

        for i in range(n_la):
            person(f"service.manager.{i}", "Head of Service", self.la_ids[i], None, Role.SERVICE_MANAGER, ("sm", i))
            for c in range(max(1, math.ceil(cp_children[i] * PLAN_SHARE / PLANS_PER_CHAIR))):
                person(f"conference.chair.{i}.{c}", "Child Protection Conference Chair", self.la_ids[i], None,
                       Role.CONFERENCE_CHAIR, ("chair", i))
            for kind, label, _w in TEAM_KINDS:
                for team in self.teams_of[i, kind]:
                    person(f"team.manager.{team}", f"Team Manager, {label}", self.la_ids[i], team,
                           Role.TEAM_MANAGER, ("tm", team))
                    for w in range(max(2, math.ceil(allocated[team] / CASELOAD))):
                        person(f"social.worker.{team}.{w}", "Social Worker", self.la_ids[i], team,
                               Role.SOCIAL_WORKER, ("sw", team))
        partner_staff = {"police": (5, "Detective Constable"), "trust": (4, "Health Visitor"),
                         "voluntary": (2, "Family Support Worker"), "gp": (1, "GP"), "school": (1, "DSL")}
        for key, pk in self.agency.items():
            prefix = key.rstrip("0123456789")
            if prefix in partner_staff:
                count, job = partner_staff[prefix]
                for w in range(count):
                    person(f"{key}.practitioner.{w}", job, pk, None, Role.PARTNER_PRACTITIONER, ("pp", pk))
        self.counts["users"] += self._copy_objects(User, users)
        self.counts["memberships"] += self._copy_objects(Membership, [
            Membership(public_id=uuid.UUID(self._uuid()), user_id=u.pk, agency_id=agency, team_id=team, roles=roles)
            for u, (agency, team, roles) in zip(users, memberships, strict=True)
        ])
        self.managers: dict[int, int] = {}
        self.service_manager: dict[int, int] = {}
        self.chairs: dict[int, list[int]] = defaultdict(list)
        self.practitioners: dict[int, list[int]] = defaultdict(list)
        self.user_name: dict[int, str] = {}
        for u, (tag, key) in zip(users, roles_of_user, strict=True):
            if tag == "sw":
                self.workers_of[key].append(u.pk)
            elif tag == "tm":
                self.managers[key] = u.pk
            elif tag == "sm":
                self.service_manager[key] = u.pk
            elif tag == "chair":
                self.chairs[key].append(u.pk)
            else:
                self.practitioners[key].append(u.pk)
                self.user_name[u.pk] = u.full_name

    # --- children --------------------------------------------------------------------------------
    def _nhs_numbers(self) -> Iterator[str]:
        """Valid NHS numbers in the 999 test range, each once, in a scattered order."""
        for i in range(10**6):
            number = make_nhs_number(f"999{(i * 7919) % 10**6:06d}")
            if number:
                yield number

    def _children(self) -> None:
        fake, draw = self.fake, self.draw
        rand = draw.random
        surnames = [fake.last_name() for _ in range(2000)]  # fixed, with Faker's frequencies
        nhs = self._nhs_numbers()
        upn_serials: Counter = Counter()
        first_id = reserve_ids(Child, self.n_children)
        self.kids: list[Kid] = []
        ethnicities = [e.value for e in Ethnicity]
        eth_cum = draw.weights(70 if e == "WBRI" else 3 for e in ethnicities)
        disability_codes = [d.value for d in Disability if d.value != "NONE"]
        self.school_of: dict[int, int] = {}
        boys, girls, preferred = data.BOYS, data.GIRLS, data.PREFERRED
        open_status, closed_status = Child.Status.OPEN, Child.Status.CLOSED
        male, female, not_known, not_stated = Gender.MALE, Gender.FEMALE, Gender.NOT_KNOWN, Gender.NOT_STATED
        none_disability = ["NONE"]

        def rows():
            for c, (la, team, with_worker) in enumerate(self.plan):
                cid = first_id + c
                unborn = rand() < 0.02
                closed = team is None and rand() < 0.9
                worker = draw.pick(self.workers_of[team]) if with_worker else None
                is_boy = rand() < 0.5
                if unborn:
                    first, dob, age, expected = "Unborn", None, None, self.ref + timedelta(days=draw.between(20, 180))
                    gender = not_known
                else:
                    first = draw.pick(boys if is_boy else girls)
                    dob = self.ref - timedelta(days=draw.between(30, 18 * 365 - 30))
                    age = (self.ref - dob).days * 100 // 36525
                    expected = None
                    gender = male if is_boy else female
                surname = draw.pick(surnames)
                names = boys if is_boy else girls
                middle = draw.pick(names) if not unborn and rand() < 0.4 else ""
                first_names = f"{first} {middle}" if middle and middle != first else first
                school = None
                if age is not None and 4 <= age <= 16 and rand() < 0.95:
                    school = draw.pick(self.schools_of[la, "primary" if age <= 10 else "secondary"])
                    self.school_of[cid] = school
                upn = ""
                if school is not None and rand() < 0.85:
                    year = (dob.year + (4 if dob.month < 9 else 5)) % 100
                    serial = upn_serials[la, school, year] = upn_serials[la, school, year] + 1
                    if serial <= 999:
                        upn = make_upn(f"{self.la_code[la]:03d}{self.establishment[school]:04d}{year:02d}{serial:03d}")
                restricted = not closed and rand() < 0.003
                created_on = min(dob + timedelta(days=draw.below(366)), self.ref) if dob else self._past(1, 60)
                creator = worker or self.managers.get(team) or self.service_manager[la]
                self.kids.append(Kid(cid, la, team, worker, first, surname, dob, age, not closed, restricted,
                                     self.team_kind.get(team)))
                disabilities = []
                if not unborn:
                    r = rand()
                    disabilities = none_disability if r < 0.8 else [] if r < 0.89 else [draw.pick(disability_codes)]
                yield (
                    cid, self._uuid(), self._moment(created_on), creator, None, None, "",
                    first_names, surname, preferred.get(first, "") if rand() < 0.5 else "",
                    dob, expected, not_stated if not unborn and rand() < 0.02 else gender,
                    draw.weighted(ethnicities, eth_cum),
                    next(nhs, "") if not unborn and rand() < 0.93 else "",
                    upn, f"VL{cid:08d}", "English", disabilities, self.la_ids[la], worker, team, restricted,
                    open_status if not closed else closed_status,
                    "" if not closed else "No further action: needs met by universal services",
                )

        columns = ("id", "public_id", "created_at", "created_by_id", "entered_in_error_at", "entered_in_error_by_id",
                   "entered_in_error_reason", "legal_first_names", "legal_surname", "preferred_name", "date_of_birth",
                   "expected_date_of_birth", "gender", "ethnicity", "nhs_number", "upn", "local_child_id",
                   "first_language", "disabilities", "local_authority_id", "allocated_social_worker_id",
                   "allocated_team_id", "restricted", "status", "closed_reason")
        missing = set(columns_of(Child, with_id=True)) - set(columns)
        if missing:
            raise VolumeError(f"the loader does not know cases_child's columns {sorted(missing)}: add them")
        self.counts["children"] += self._copy(Child, rows(), columns=columns)
        named = [{"child_id": k.id, "user_id": person} for k in self.kids if k.restricted
                 for person in {self._creator(k), self.service_manager[k.la]}]
        self.counts["restricted children named people"] += self._copy(Child.named_people.through, named)

    def _child_history(self) -> None:
        self.counts["child history rows"] += copy_history(Child, "Record created")
        ct = ContentType.objects.get_for_model(Child).pk
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {CaseEvent._meta.db_table} (code, at, actor_id, subject_type_id, subject_id, payload) "
                "SELECT 'child.created', created_at, created_by_id, %s, id, "
                "jsonb_build_object('local_child_id', local_child_id) FROM cases_child ORDER BY id", [ct])
            self.counts["case events"] += cursor.rowcount

    # --- families --------------------------------------------------------------------------------
    def _families(self) -> None:
        rng, fake, draw = self.rng, self.fake, self.draw
        rand = draw.random
        streets = [f"{fake.last_name()} {rng.choice(STREETS)}" for _ in range(400)]
        mothers = [fake.first_name_female() for _ in range(300)]
        fathers = [fake.first_name_male() for _ in range(300)]
        letters = "ABDEFGHJLNPQRSTUWXYZ"

        def addresses():
            for k in self.kids:
                start = k.dob or self._past(30, 200)
                yield {**self._case_record(self._creator(k), min(start, self.ref)), "child_id": k.id,
                       "line_1": f"{draw.between(1, 180)} {draw.pick(streets)}", "line_2": "",
                       "town": TOWNS[k.la % len(TOWNS)],
                       "postcode": f"NM{draw.between(1, 30)} {draw.between(1, 9)}{draw.pick(letters)}"
                                   f"{draw.pick(letters)}",
                       "start_date": start, "end_date": None}

        self.counts["addresses"] += self._copy(ChildAddress, addresses())

        # one or two adults per child (mother; a father or a parent's partner for 40 %)
        plan = []
        for k in self.kids:
            plan.append((k, "mother"))
            if rand() < 0.4:
                plan.append((k, "father" if rand() < 0.5 else "parents_partner"))
        first_adult = reserve_ids(Adult, len(plan))
        self.mother_of: dict[int, tuple[int, str]] = {}  # child id -> (adult id, name): for invitations

        def adults():
            for n, (k, kind) in enumerate(plan):
                born = (k.dob or self.ref) - timedelta(days=draw.between(18 * 365, 40 * 365))
                female = kind == "mother" or (kind == "parents_partner" and rand() < 0.2)
                surname = k.surname if kind != "parents_partner" and rand() < 0.8 else fake.last_name()
                first = draw.pick(mothers if female else fathers)
                if kind == "mother" and k.team_kind in ("cp", "assessment"):
                    self.mother_of[k.id] = (first_adult + n, f"{first} {surname}")
                yield {"id": first_adult + n, **self._case_record(self._creator(k), min(k.dob or self.ref, self.ref)),
                       "first_names": first, "surname": surname,
                       "date_of_birth": born, "gender": Gender.FEMALE if female else Gender.MALE, "nhs_number": "",
                       "phone": f"07700 900{draw.below(1000):03d}", "email": "", "address": "",
                       "needs_interpreter": rand() < 0.05, "first_language": "English"}

        self.counts["adults"] += self._copy(Adult, adults(), with_id=True)

        def relationships():
            for n, (k, kind) in enumerate(plan):
                yield {**self._case_record(self._creator(k), min(k.dob or self.ref, self.ref)), "child_id": k.id,
                       "adult_id": first_adult + n, "kind": kind,
                       "parental_responsibility": kind != RelationshipKind.PARENTS_PARTNER,
                       "lives_with_child": kind == "mother" or rand() < 0.5,
                       "start_date": k.dob if kind != "parents_partner" else self._past(60, 1500),
                       "end_date": None, "notes": ""}

        self.counts["relationships"] += self._copy(Relationship, relationships())

    # --- involvements ----------------------------------------------------------------------------
    def _involvements(self) -> None:
        fake, draw = self.fake, self.draw
        rand = draw.random
        professionals = [fake.name() for _ in range(500)]
        self.professionals = professionals
        self.open_involvements: dict[int, list[int]] = defaultdict(list)  # agency pk -> child ids
        self.agencies_of: dict[int, list[tuple[int, str, int | None, str]]] = defaultdict(list)  # for invitations

        def one(k: Kid, agency: int, role: str, start: date, open_share: float = 0.85):
            start = min(max(start, k.dob or start), self.ref)
            still_open = k.open and rand() < open_share
            end = None
            if not still_open:
                end = min(self.ref - timedelta(days=1), start + timedelta(days=draw.between(30, 900)))
                end = max(end, start)
            staff = self.practitioners.get(agency)
            who = draw.pick(staff) if staff and rand() < 0.5 else None
            name = "" if who else draw.pick(professionals)
            if still_open:
                self.open_involvements[agency].append(k.id)
                if k.team_kind in ("cp", "assessment"):
                    self.agencies_of[k.id].append((agency, role, who, name or self.user_name.get(who, "")))
            return {**self._case_record(self._creator(k), start), "child_id": k.id, "agency_id": agency,
                    "professional_id": who, "professional_name": name,
                    "professional_email": "", "role": role, "start_date": start, "end_date": end,
                    "end_reason": "" if end is None else "Involvement ended"}

        def rows():
            for k in self.kids:
                known = k.dob or self._past(30, 200)
                if k.age is None:
                    yield one(k, self.trust_of[k.la], "Community midwife", known, 1.0)
                    continue
                school = self.school_of.get(k.id)
                if school is not None:
                    yield one(k, school, "Designated safeguarding lead", self._past(30, 900), 0.97)
                if rand() < 0.6:
                    yield one(k, draw.pick(self.gps_of[k.la]), "GP", known, 0.95)
                if k.age < 5:
                    yield one(k, self.trust_of[k.la], "Health visitor", known + timedelta(days=12), 0.9)
                elif rand() < 0.3:
                    yield one(k, self.trust_of[k.la], "School nurse", self._past(30, 600))
                if rand() < 0.15:
                    yield one(k, self.police_of[k.la], "Officer in the case", self._past(10, 500), 0.7)
                if rand() < 0.1:
                    yield one(k, self.voluntary_of[k.la], "Family support worker", self._past(20, 400), 0.6)

        self.counts["involvements"] += self._copy(Involvement, rows())

    # --- chronology and aliases ------------------------------------------------------------------
    def _chronology(self) -> None:
        draw = self.draw
        rand = draw.random
        chronology_cum = draw.weights(3 if s == "routine" else 1 for s, _t in CHRONOLOGY)
        count_cum = draw.weights((10, 15, 20, 20, 15, 10, 10))
        counts = (0, 1, 2, 3, 4, 5, 6)

        def entries():
            for k in self.kids:
                since = k.dob or self._past(30, 200)
                recorder = self._creator(k)
                span = max(0, (self.ref - since).days)
                for _ in range(draw.weighted(counts, count_cum)):
                    significance, text = draw.weighted(CHRONOLOGY, chronology_cum)
                    on = min(self.ref, since + timedelta(days=draw.below(span + 1)))
                    yield {**self._case_record(recorder, on), "child_id": k.id, "occurred_on": on,
                           "source_agency_id": self.la_ids[k.la], "recorded_by_id": recorder, "summary": text,
                           "significance": significance}

        self.counts["chronology entries"] += self._copy(ChronologyEntry, entries())

        def aliases():
            for k in self.kids:
                if k.age is not None and rand() < 0.05:
                    yield {**self._case_record(self._creator(k), self._past(1, 700)), "child_id": k.id,
                           "name": f"{k.first} {self.fake.last_name()}", "kind": ChildAlias.Kind.PREVIOUS}

        self.counts["aliases"] += self._copy(ChildAlias, aliases())

    # --- child protection conferences ------------------------------------------------------------
    def _conferences(self) -> None:
        """Plans and their conferences for children of child protection teams, requests for some of an
        assessment team's, each conference with its invitations and, once decided, its decision."""
        draw = self.draw
        rand = draw.random
        cat_cum = draw.weights(CATEGORY_WEIGHTS)
        book_until = self.ref + timedelta(days=BOOK_AHEAD_DAYS)
        slots: Counter = Counter()  # chair -> booked slots so far (a chair is never double-booked)
        booking_days = [d for d in (self.ref + timedelta(days=i) for i in range(1, 400)) if workdays.is_working_day(d)]
        conferences: list[tuple] = []  # rows, in conference id order
        decisions: list[tuple] = []
        plans: list[tuple] = []
        invitations: list[tuple] = []
        first_conference = reserve_ids(Conference, 1)  # a start; ids are given in order below
        first_plan = reserve_ids(ChildProtectionPlan, 1)
        next_conference, next_plan = first_conference, first_plan
        self.conferences_of: dict[int, list[tuple[int, str]]] = defaultdict(list)  # child -> (id, status)

        def at(day: date, hour: int, minute: int = 0) -> datetime:
            return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)

        def invite(conference: int, k: Kid, created: datetime, creator: int, decided: bool) -> None:
            mother = self.mother_of.get(k.id)
            attended = "attended" if decided else "invited"
            if mother is not None:
                invitations.append((self._uuid(), created, creator, None, None, "", conference,
                                    Invitation.InviteeKind.PARENT, mother[1], "", "Mother", mother[0], None, None,
                                    None, True, attended if not decided or rand() < 0.85 else "apologies", 0))
            for agency, role, who, name in self.agencies_of.get(k.id, [])[:3]:
                invitations.append((self._uuid(), created, creator, None, None, "", conference,
                                    Invitation.InviteeKind.PROFESSIONAL, name or "Practitioner", "", role, None, None,
                                    who, agency, True,
                                    ("attended" if rand() < 0.7 else "report_only") if decided else "invited", 0))

        def conference(k: Kid, kind: str, status: str, *, requested: date, strategy: date | None, plan: int | None,
                       chair: int | None, starts: datetime | None, held: date | None, requester: int) -> int:
            nonlocal next_conference
            cid = next_conference
            next_conference += 1
            created = self._moment(requested)
            conferences.append((
                cid, self._uuid(), created, requester, None, None, "", kind, status, created, strategy, None, "", "",
                starts, starts + timedelta(minutes=90) if starts else None,
                draw.pick(VENUES) if starts else "", "", "", 1 if starts else 0, "", held,
                True if held else None, "", chair, k.id, None, plan, requester,
            ))
            self.conferences_of[k.id].append((cid, status))
            return cid

        for k in self.kids:
            if not k.open or k.team is None:
                continue
            if k.team_kind == "assessment":
                if rand() < REQUESTED_SHARE:
                    requester = self._creator(k)
                    strategy = self._past(1, 10)
                    cid = conference(k, Kind.PRE_BIRTH if k.dob is None else Kind.INITIAL, Conference.Status.REQUESTED,
                                     requested=min(self.ref, strategy + timedelta(days=1)), strategy=strategy,
                                     plan=None, chair=None, starts=None, held=None, requester=requester)
                    invite(cid, k, self._moment(self.ref), requester, False)
                continue
            if k.team_kind != "cp" or rand() >= PLAN_SHARE:
                continue
            chairs = self.chairs[k.la]
            chair = draw.pick(chairs)
            lead = k.worker or draw.pick(self.workers_of[k.team])
            requester = self._creator(k)
            started = self._past(20, 700)
            category = draw.weighted(CATEGORIES, cat_cum)
            plan_id = next_plan
            next_plan += 1
            plans.append((plan_id, self._uuid(), self._moment(started), chair, None, None, "", "active", started,
                          category, category, 0, None, "", k.id, lead))
            held = started
            kind = Kind.PRE_BIRTH if k.dob is None else Kind.INITIAL
            strategy = held - timedelta(days=draw.between(8, 15))
            while True:
                cid = conference(k, kind, Conference.Status.DECIDED, requested=strategy + timedelta(days=1),
                                 strategy=strategy if kind != Kind.REVIEW else None, plan=plan_id, chair=chair,
                                 starts=at(held, 10), held=held, requester=requester)
                decisions.append((Outcome.PLAN if kind != Kind.REVIEW else Outcome.CONTINUE, category, "", "",
                                  "The plan is needed to keep the child safe." if kind != Kind.REVIEW else
                                  "Progress is being made; the plan continues.", at(held, 12), cid, chair))
                invite(cid, k, at(strategy + timedelta(days=1), 12), requester, True)
                held = held + timedelta(days=91 if kind != Kind.REVIEW else 182)
                kind = Kind.REVIEW
                strategy = held - timedelta(days=28)  # when the review was booked
                if held > self.ref:
                    break
            if held <= book_until:  # the next review is booked with the plan's chair
                n = slots[chair]
                slots[chair] = n + 1
                day = booking_days[n // 4]
                cid = conference(k, Kind.REVIEW, Conference.Status.SCHEDULED, requested=min(self.ref, strategy),
                                 strategy=None, plan=plan_id, chair=chair, starts=at(day, 9 + 2 * (n % 4)),
                                 held=None, requester=requester)
                invite(cid, k, self._moment(min(self.ref, strategy)), requester, False)

        conference_columns = (
            "id", "public_id", "created_at", "created_by_id", "entered_in_error_at", "entered_in_error_by_id",
            "entered_in_error_reason", "kind", "status", "requested_at", "strategy_discussion_date",
            "transfer_notification_date", "transferring_authority", "request_notes", "starts_at", "ends_at", "venue",
            "online_link", "late_reason", "ics_sequence", "cancelled_reason", "held_on", "quorate",
            "quorum_override_reason", "chair_id", "child_id", "minute_taker_id", "plan_id", "requested_by_id")
        plan_columns = (
            "id", "public_id", "created_at", "created_by_id", "entered_in_error_at", "entered_in_error_by_id",
            "entered_in_error_reason", "status", "started_on", "initial_category", "latest_category",
            "previous_plans", "ended_on", "end_reason", "child_id", "lead_social_worker_id")
        decision_columns = ("outcome", "category", "next_step", "end_reason", "rationale", "decided_at",
                            "conference_id", "decided_by_id")
        invitation_columns = (
            "public_id", "created_at", "created_by_id", "entered_in_error_at", "entered_in_error_by_id",
            "entered_in_error_reason", "conference_id", "kind", "name", "email", "role", "adult_id", "involvement_id",
            "user_id", "agency_id", "direct_contact", "attendance", "sent_sequence")
        for model, columns, with_id in ((ChildProtectionPlan, plan_columns, True),
                                        (Conference, conference_columns, True), (Decision, decision_columns, False),
                                        (Invitation, invitation_columns, False)):
            missing = set(columns_of(model, with_id=with_id)) - set(columns)
            if missing:
                raise VolumeError(f"the loader does not know {model._meta.db_table}'s columns {sorted(missing)}")
        # the ids were handed out in order from the sequences' next values: move the sequences past them
        with connection.cursor() as cursor:
            for model, last in ((Conference, next_conference - 1), (ChildProtectionPlan, next_plan - 1)):
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                               [connection.ops.quote_name(model._meta.db_table), max(last, 1)])
        self.counts["child protection plans"] += self._copy(ChildProtectionPlan, plans, columns=plan_columns)
        self.counts["conferences"] += self._copy(Conference, conferences, columns=conference_columns)
        self.counts["decisions"] += self._copy(Decision, decisions, columns=decision_columns)
        self.counts["invitations"] += self._copy(Invitation, invitations, columns=invitation_columns)

    # --- the other services (issue 13): their people ----------------------------------------------
    def _smoment(self, draw: Draw, day: date) -> datetime:
        """A time on ``day`` between 09:00 and 17:00 UTC, from ``draw`` (the services' own generators)."""
        return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC) + timedelta(seconds=draw.below(8 * 3600))

    @staticmethod
    def _id(draw: Draw) -> uuid.UUID:
        return uuid.UUID(draw.uuid())

    def _postcode(self, draw: Draw) -> str:
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        return f"NM{draw.between(1, 30)} {draw.between(1, 9)}{draw.pick(letters)}{draw.pick(letters)}"

    def _service_people(self) -> None:
        """Each authority's IROs (one per IRO_CASELOAD children looked after), its IRO manager, its LADO and LADO
        manager, in a Safeguarding & Quality Assurance Unit team; the partnership's business unit (of the first
        authority). From a random generator of their own, as is everything after it, so that the child
        protection data is the same as before these services were loaded."""
        self.srng = random.Random(self.seed + 2)
        draw = self.sdraw = Draw(self.srng)
        fake = Faker("en_GB")
        fake.seed_instance(self.seed + 2)
        self.service_surnames = [fake.last_name() for _ in range(400)]
        self.adult_first_names = [fake.first_name() for _ in range(300)]
        self._choose_looked_after()
        teams = [Team(public_id=self._id(draw), agency_id=self.la_ids[i], name=SQA_TEAM) for i in range(self.n_la)]
        teams.append(Team(public_id=self._id(draw), agency_id=self.la_ids[0], name=PARTNERSHIP_TEAM))
        self.counts["teams"] += self._copy_objects(Team, teams)
        self.partnership_team = teams[-1].pk
        users: list[User] = []
        specs: list[tuple[int, int, list[str]]] = []

        def person(local: str, job: str, la: int, team: int, roles: list[str]) -> int:
            users.append(User(public_id=self._id(draw), email=self._email(local),
                              full_name=f"{draw.pick(self.adult_first_names)} {draw.pick(self.service_surnames)}",
                              job_title=job, password=UNUSABLE_PASSWORD, date_joined=self.now))
            specs.append((self.la_ids[la], team, roles))
            return len(users) - 1

        iros: dict[int, list[int]] = defaultdict(list)
        iro_manager, lado, lado_manager = {}, {}, {}
        for i in range(self.n_la):
            team = teams[i].pk
            current = sum(1 for p in self.looked_after if p.kid.la == i and p.end is None)
            for j in range(max(1, math.ceil(current / IRO_CASELOAD))):
                iros[i].append(person(f"iro.{i}.{j}", "Independent Reviewing Officer", i, team, [Role.IRO]))
            iro_manager[i] = person(f"iro.manager.{i}", "IRO Service Manager", i, team, [Role.IRO, Role.TEAM_MANAGER])
            lado[i] = person(f"lado.{i}", "Local Authority Designated Officer", i, team, [Role.LADO_OFFICER])
            lado_manager[i] = person(f"lado.manager.{i}", "LADO Service Manager", i, team,
                                     [Role.LADO_OFFICER, Role.TEAM_MANAGER])
        business_unit = [person(f"business.unit.{j}", "Safeguarding Partnership Business Manager" if j == 0 else
                                "Safeguarding Partnership Officer", 0, self.partnership_team,
                                [Role.PARTNERSHIP_BUSINESS_UNIT]) for j in range(BUSINESS_UNIT_PEOPLE)]
        self.counts["users"] += self._copy_objects(User, users)
        self.counts["memberships"] += self._copy_objects(Membership, [
            Membership(public_id=self._id(draw), user_id=u.pk, agency_id=agency, team_id=team, roles=roles)
            for u, (agency, team, roles) in zip(users, specs, strict=True)])
        pk = [u.pk for u in users]
        self.iros = {i: [pk[n] for n in ns] for i, ns in iros.items()}
        self.iro_manager = {i: pk[n] for i, n in iro_manager.items()}
        self.lado = {i: pk[n] for i, n in lado.items()}
        self.lado_manager = {i: pk[n] for i, n in lado_manager.items()}
        self.business_unit = [pk[n] for n in business_unit]
        self.user_name.update({u.pk: u.full_name for u in users})

    # --- looked-after children and their reviews --------------------------------------------------
    def _choose_looked_after(self) -> None:
        """The children looked after now (LOOKED_AFTER_SHARE) and those whose period of care ended in the two
        years (LOOKED_AFTER_ENDED_SHARE), open children of the children in care teams, spread evenly over the
        authorities (with a floor per authority), and their periods' dates."""
        draw = self.sdraw
        want_open = max(MIN_LOOKED_AFTER * self.n_la, round(LOOKED_AFTER_SHARE * self.n_children))
        want_ended = max(MIN_LOOKED_AFTER_ENDED * self.n_la, round(LOOKED_AFTER_ENDED_SHARE * self.n_children))
        pool: dict[int, list[Kid]] = defaultdict(list)
        for k in self.kids:
            if k.open and k.team_kind == "cic" and k.dob is not None and k.dob < self.ref - timedelta(days=60):
                pool[k.la].append(k)
        self.looked_after: list[CarePeriod] = []
        for la in range(self.n_la):
            n_open = want_open // self.n_la + (la < want_open % self.n_la)
            n_ended = want_ended // self.n_la + (la < want_ended % self.n_la)
            chosen = self.srng.sample(pool[la], min(len(pool[la]), n_open + n_ended))
            for j, k in enumerate(chosen):
                age_days = (self.ref - k.dob).days
                if j < n_open:  # looked after now: from a few days to six years
                    start = self.ref - timedelta(days=draw.between(3, min(age_days - 1, 6 * 365)))
                    self.looked_after.append(CarePeriod(k, start, None))
                else:  # ended in the two years (after the child's first month), after 3 weeks to 2.5 years
                    end = self.ref - timedelta(days=draw.between(1, min(HISTORY_DAYS - 1, age_days - 30)))
                    start = max(k.dob + timedelta(days=1), end - timedelta(days=draw.between(21, 900)))
                    self.looked_after.append(CarePeriod(k, start, end))

    def _looked_after(self) -> None:
        """Each period of care with its placement and legal status, its IRO (appointed within
        IRO_APPOINTED_WITHIN working days), and its reviews (reg 33: the first within 20 working days, the
        second within 3 months, then every 6 months; REVIEW_LATE_SHARE held late, with the reason): those held
        in the two years before the reference date, and the next one booked for a period still open."""
        draw = self.sdraw
        rand = draw.random
        ref, window = self.ref, self.ref - timedelta(days=HISTORY_DAYS)
        cin_cum = draw.weights(w for _c, w in CATEGORY_OF_NEED)
        legal_cum = draw.weights(w for _c, w in LEGAL_STATUSES)
        place_cum = draw.weights(w for _c, w, _p in PLACEMENTS)
        end_cum = draw.weights(w for _c, w in PERIOD_ENDS)
        part_cum = draw.weights(w for _c, w in PARTICIPATION)
        first_rule, second_rule, next_rule = (rules.get(k) for k in
                                              ("lac_review_first", "lac_review_second", "lac_review_next"))
        late_reasons = ("The IRO was on leave; the first date the family could attend.",
                        "The carers asked for a later date; the child had exams.",
                        "Rearranged: the social worker was off sick.")

        def rec(by: int | None, on: date) -> dict:
            return {"public_id": self._id(draw), "created_at": self._smoment(draw, min(on, ref)), "created_by_id": by}

        episodes = [LookedAfterEpisode(
            **rec(self._creator(p.kid), p.start), child_id=p.kid.id, start_date=p.start,
            category_of_need=draw.weighted([c for c, _w in CATEGORY_OF_NEED], cin_cum),
            home_postcode=self._postcode(draw), end_date=p.end,
            end_reason=draw.weighted([c for c, _w in PERIOD_ENDS], end_cum) if p.end else "")
            for p in self.looked_after]
        self.counts["looked-after periods"] += self._copy_objects(LookedAfterEpisode, episodes)

        placements, statuses, allocations, reviews = [], [], [], []
        for p, episode in zip(self.looked_after, episodes, strict=True):
            k, la = p.kid, p.kid.la
            creator = self._creator(k)
            kind, _w, providers = PLACEMENTS[bisect(place_cum, rand() * place_cum[-1])]
            if kind.startswith("U"):
                name = f"{draw.pick(self.service_surnames)} family (foster carers)"
            elif kind in ("K2", "R1", "S1"):
                name = f"{TOWNS[draw.below(len(TOWNS))]} {'House' if kind == 'K2' else 'School'} (volume)"
            else:
                name = ""
            placements.append(Placement(
                **rec(creator, p.start), episode_id=episode.pk, placement_type=kind, provider=draw.pick(providers),
                provider_name=name, postcode=self._postcode(draw),
                urn=f"SC{draw.between(100000, 999999)}" if kind in ("K2", "S1") else "", start_date=p.start,
                reason_for_new_episode="S", end_date=p.end, change_reason=""))
            statuses.append(LegalStatusPeriod(
                **rec(creator, p.start), episode_id=episode.pk,
                legal_status=draw.weighted([c for c, _w in LEGAL_STATUSES], legal_cum), start_date=p.start,
                reason_for_new_episode="S", end_date=p.end))
            appointed = workdays.add_working_days(p.start, draw.between(1, IRO_APPOINTED_WITHIN))
            iro = None
            if appointed <= min(ref, p.end or ref):  # else: just looked after, in the IRO manager's queue
                iro = draw.pick(self.iros[la])
                allocations.append(IroAllocation(
                    **rec(self.iro_manager[la], appointed), episode_id=episode.pk, iro_id=iro, start_date=appointed,
                    end_date=p.end, end_reason="The period of care ended." if p.end else ""))
            # the reviews, one after another from the start of the period
            number, due = Review.Number.FIRST, first_rule.due(p.start)
            while True:
                late = rand() < REVIEW_LATE_SHARE
                if late:
                    held = workdays.add_working_days(due, draw.between(1, 20))
                else:
                    held = max(workdays.add_working_days(p.start, 5), workdays.add_working_days(due, -draw.below(9)))
                if p.end is not None and held > p.end:
                    break
                if held > ref:  # the next review, booked (for a period still open)
                    reviews.append(Review(
                        **rec(iro or creator, min(ref, max(p.start, held - timedelta(days=60)))), episode_id=episode.pk,
                        status=Review.Status.SCHEDULED, iro_id=iro, planned_for=held,
                        late_reason=draw.pick(late_reasons) if late else ""))
                    break
                if held >= window:
                    age = (held - k.dob).days * 100 // 36525
                    participation = "PN0" if age < 4 else draw.weighted([c for c, _w in PARTICIPATION], part_cum)
                    reviews.append(Review(
                        **rec(iro or creator, max(p.start, held - timedelta(days=28))), episode_id=episode.pk,
                        status=Review.Status.HELD, iro_id=iro, planned_for=held,
                        late_reason=draw.pick(late_reasons) if late else "", number=number, held_on=held,
                        participation=participation,
                        social_worker_contact_on=max(p.start, held - timedelta(days=draw.between(7, 21)))))
                rule = second_rule if number == Review.Number.FIRST else next_rule
                number = Review.Number.SECOND if number == Review.Number.FIRST else Review.Number.SUBSEQUENT
                due = rule.due(held)
        self.counts["placements"] += self._copy_objects(Placement, placements)
        self.counts["legal statuses"] += self._copy_objects(LegalStatusPeriod, statuses)
        self.counts["IRO allocations"] += self._copy_objects(IroAllocation, allocations)
        self.counts["looked-after reviews"] += self._copy_objects(Review, reviews)

    # --- the LADO service -------------------------------------------------------------------------
    def _lado(self) -> None:
        """Each authority's LADO service over the two years: referrals (LADO_REFERRAL_RATE a child a year, at
        least MIN_LADO_REFERRALS), each with its children, its case, evaluated the next working days (a
        meeting, advice to the employer, or no further action), the person in the index (LADO_REPEAT_SHARE of
        them with an earlier case), the outcome once decided (KCSIE's bands from the referral), the DBS and
        regulator referrals; and consultations (LADO_CONSULTATIONS_PER_REFERRAL a referral). From a random
        generator of its own."""
        draw = Draw(random.Random(self.seed + 3))
        rand = draw.random
        ref, now = self.ref, self.now
        years = HISTORY_DAYS / 365
        per_la = max(MIN_LADO_REFERRALS, round(LADO_REFERRAL_RATE * self.n_children / self.n_la * years))
        sector_cum = draw.weights(w for _c, w in LADO_SECTORS)
        employment_cum = draw.weights(w for _c, w in LADO_EMPLOYMENT)
        decision_cum = draw.weights(w for _c, w in LADO_DECISIONS)
        outcome_cum = draw.weights(w for _c, w in LADO_OUTCOMES)
        band_cum = draw.weights(w for _m, w in LADO_RESOLUTION)
        sectors = [c for c, _w in LADO_SECTORS]
        roles_of = {
            "school": (("Class teacher", "tra"), ("Teaching assistant", "none"), ("Lunchtime supervisor", "none"),
                       ("PE teacher", "tra")),
            "early_years": (("Nursery practitioner", "none"), ("Room leader", "ofsted")),
            "further_education": (("Lecturer", "none"), ("Learning support assistant", "none")),
            "health": (("Staff nurse", "nmc"), ("Paediatric registrar", "gmc"), ("Physiotherapist", "hcpc")),
            "police": (("Police constable", "other"),), "social_care": (("Social worker", "swe"),),
            "residential": (("Residential care worker", "none"), ("Registered manager", "ofsted")),
            "fostering": (("Foster carer", "ofsted"),),
            "sports": (("Swimming coach", "none"), ("Football coach", "none")),
            "faith": (("Youth leader", "none"),), "voluntary": (("Youth worker", "none"),),
            "agency": (("Supply teacher", "tra"),), "contractor": (("Minibus driver", "none"),),
            "other": (("Private tutor", "none"),)}
        settings_of = {"early_years": "Day Nursery", "further_education": "College", "health": "General Hospital",
                       "police": "Constabulary", "social_care": "Borough Council", "residential": "Children's Home",
                       "fostering": "Fostering Service", "sports": "Swimming Club", "faith": "Community Church",
                       "voluntary": "Youth Project", "agency": "Supply Teaching Agency", "contractor": "Coaches Ltd",
                       "other": "Tuition Centre"}
        allegations = (
            "A pupil said the member of staff grabbed her arm and pushed her out of the classroom.",
            "Parents say the adult sent their child private messages on social media late at night.",
            "A child came home with a bruise and said an adult had hit him for not listening.",
            "The adult was arrested for an offence outside work that may mean they are unsuitable to work with "
            "children.",
            "Colleagues saw the adult shout at and swear at a child who was upset.",
            "A child said the adult offered lifts home and asked her to keep it secret.")
        rationale = {"meeting": "The harm threshold is met and the police or children's social care must be "
                                "involved: an allegations management meeting.",
                     "advice": "The threshold is met: the employer investigates under its procedures, the LADO "
                               "monitors.",
                     "nfa": "The concern does not meet the harm threshold: no further action by the LADO; "
                            "advice given."}
        told = {"substantiated": "The allegation was substantiated; the disciplinary outcome follows.",
                "unsubstantiated": "Not enough evidence either way; it stays on the person's file, not in references.",
                "unfounded": "There was no basis for the allegation; it is not kept on the person's file.",
                "false": "The evidence disproves the allegation; it is not kept on the person's file.",
                "malicious": "The allegation was made to deceive; it is removed from the person's file."}
        regulator_of = {"tra": "tra", "swe": "swe", "nmc": "nmc", "gmc": "gmc", "hcpc": "hcpc", "ofsted": "ofsted",
                        "other": "other"}

        def working_day(day: date) -> date:
            return workdays.previous_working_day(min(day, ref))

        def rec(by: int | None, at: datetime) -> dict:
            return {"public_id": self._id(draw), "created_at": at, "created_by_id": by}

        entries: list[PersonIndexEntry] = []
        referrals: list[LadoReferral] = []
        children: list[tuple[int, ReferralChild]] = []  # (referral index, child)
        cases: list[tuple[int, int | None, LadoCase]] = []  # (referral index, index entry index, case)
        evaluations: list[tuple[int, LadoEvaluation]] = []  # (case index, ...)
        outcomes: list[tuple[int, LadoOutcome]] = []
        regulators: list[tuple[int, RegulatorReferral]] = []
        consultations: list[LadoConsultation] = []
        kids_of: dict[int, list[Kid]] = defaultdict(list)
        for k in self.kids:
            if k.open and k.age is not None and k.age >= 2 and not k.restricted:
                kids_of[k.la].append(k)
        first_reference = self._reserve_sequence("lado_reference_seq", per_la * self.n_la)
        for la in range(self.n_la):
            officers = [self.lado[la], self.lado[la], self.lado[la], self.lado_manager[la]]
            town = TOWNS[la % len(TOWNS)]
            schools = self.schools_of[la, "primary"] + self.schools_of[la, "secondary"]
            la_entries: list[int] = []  # the authority's index entries so far (oldest referral first)
            days_ago = sorted((draw.between(0, HISTORY_DAYS - 1) for _ in range(per_la)), reverse=True)
            for ago in days_ago:
                received_on = working_day(ref - timedelta(days=ago))
                received_at = min(now, self._smoment(draw, received_on))
                late = rand() < LADO_LATE_SHARE
                knew = workdays.add_working_days(received_on, -draw.between(2, 8) if late else -draw.below(2))
                sector = draw.weighted(sectors, sector_cum)
                role, body = draw.pick(roles_of[sector])
                referred_by, source = None, lado_codes.ReferralSource.LADO
                if sector == "school" and schools:
                    school = draw.pick(schools)
                    organisation = self.agency_name[school]
                    if rand() < 0.6 and self.practitioners.get(school):
                        referred_by, source = self.practitioners[school][0], lado_codes.ReferralSource.PORTAL
                else:
                    organisation = f"{town} {settings_of[sector]} (volume)"
                repeat = la_entries and rand() < LADO_REPEAT_SHARE
                entry = draw.pick(la_entries) if repeat else None
                if entry is not None:
                    first, surname, born = entries[entry].first_names, entries[entry].surname, \
                        entries[entry].date_of_birth
                else:
                    first, surname = draw.pick(self.adult_first_names), draw.pick(self.service_surnames)
                    born = ref - timedelta(days=draw.between(20 * 365, 64 * 365))
                n = len(referrals)
                referrals.append(LadoReferral(
                    **rec(referred_by or self.lado[la], received_at), local_authority_id=self.la_ids[la],
                    reference=f"LADO-{first_reference + n:05d}", source=source, received_at=received_at,
                    referred_by_id=referred_by,
                    referrer_name=self.user_name[referred_by] if referred_by else
                    f"{draw.pick(self.adult_first_names)} {draw.pick(self.service_surnames)}",
                    referrer_role="Designated safeguarding lead" if referred_by else
                    draw.pick(("Head teacher", "Registered manager", "Human resources adviser",
                               "Club welfare officer")),
                    referrer_email="", referrer_phone=f"01632 96{draw.below(10000):04d}", organisation=organisation,
                    sector=sector, setting_address="", subject_first_names=first, subject_surname=surname,
                    subject_other_names="", subject_date_of_birth=born, subject_role=role,
                    subject_employment_type=draw.weighted([c for c, _w in LADO_EMPLOYMENT], employment_cum),
                    subject_employer=organisation, subject_regulated_body=body, subject_ni_number="",
                    subject_teacher_reference=f"{draw.between(1000000, 9999999)}" if body == "tra" else "",
                    subject_registration_number="", allegation=draw.pick(allegations),
                    incident_on=max(knew - timedelta(days=draw.below(4)), ref - timedelta(days=HISTORY_DAYS + 30)),
                    employer_knew_on=knew, actions_taken="The person has been asked not to work with children until "
                                                         "the LADO has advised.",
                    late_reason="The designated safeguarding lead was away and the deputy did not know to refer."
                    if late else ""))
                for _ in range(1 if rand() < 0.8 else 2):
                    k = draw.pick(kids_of[la]) if kids_of[la] and rand() < 0.4 else None
                    children.append((n, ReferralChild(
                        **rec(self.lado[la], received_at),
                        first_names=k.first if k else draw.pick(data.GIRLS + data.BOYS),
                        surname=k.surname if k else "", date_of_birth=k.dob if k else None,
                        age_or_year="" if k else f"Year {draw.between(1, 11)}", details="",
                        child_id=k.id if k else None, matched_by_id=self.lado[la] if k else None,
                        matched_at=received_at + timedelta(hours=2) if k else None)))
                # the case: new for a referral of the last two working days (half of them), else evaluated
                officer = draw.pick(officers)
                c = len(cases)
                if received_on >= workdays.add_working_days(ref, -2) and rand() < 0.5:
                    cases.append((n, None, LadoCase(**rec(referred_by or self.lado[la], received_at),
                                                    local_authority_id=self.la_ids[la], status=LadoCase.Status.NEW)))
                    continue
                if entry is None:
                    entry = len(entries)
                    la_entries.append(entry)
                    entries.append(PersonIndexEntry(
                        **rec(officer, received_at), local_authority_id=self.la_ids[la], first_names=first,
                        surname=surname, other_names="", date_of_birth=born, ni_number="",
                        teacher_reference=referrals[n].subject_teacher_reference, registration_number="",
                        employer=organisation, role=role))
                evaluated = min(ref, workdays.add_working_days(received_on, draw.below(3)))
                decision = draw.weighted([c for c, _w in LADO_DECISIONS], decision_cum)
                criteria = dict.fromkeys(("harmed", "criminal_offence", "risk_of_harm", "unsuitable"), False)
                if decision != "nfa":
                    for name in {draw.pick(list(criteria)), draw.pick(list(criteria))}:
                        criteria[name] = True
                police = decision == "meeting" and rand() < 0.6
                informed = "not_yet" if police and rand() < 0.5 else draw.pick(("employer", "employer", "lado"))
                evaluations.append((c, LadoEvaluation(
                    evaluated_on=evaluated, evaluated_by_id=officer, decision=decision, rationale=rationale[decision],
                    police_involved=police, csc_involved=rand() < 0.3, subject_informed_by=informed,
                    subject_informed_on=None if informed == "not_yet" else evaluated, subject_informing_note="",
                    **criteria)))
                decided = None
                if decision != "nfa":
                    months = LADO_RESOLUTION[bisect(band_cum, rand() * band_cum[-1])][0]
                    lower = max((m for m, _w in LADO_RESOLUTION if m < months), default=0)
                    earliest = max(evaluated, workdays.add_months(received_on, lower) + timedelta(days=1))
                    latest = workdays.add_months(received_on, months)
                    decided = earliest + timedelta(days=draw.below(max(1, (latest - earliest).days + 1)))
                    decided = decided if decided <= ref else None
                status = LadoCase.Status.OPEN if decision != "nfa" and decided is None else LadoCase.Status.CLOSED
                closed_on = (evaluated if decision == "nfa" else decided) if status == LadoCase.Status.CLOSED else None
                cases.append((n, entry, LadoCase(
                    **rec(referred_by or self.lado[la], received_at), local_authority_id=self.la_ids[la], status=status,
                    officer_id=officer, closed_on=closed_on)))
                if decided is not None:
                    category = draw.weighted([c for c, _w in LADO_OUTCOMES], outcome_cum)
                    dbs = "not_needed"
                    if category == "substantiated":
                        r = rand()
                        dbs = "made" if r < 0.55 else "considering" if r < 0.65 else "not_needed"
                    outcomes.append((c, LadoOutcome(
                        category=category, decided_on=decided, decided_by_id=officer,
                        rationale="The employer's investigation and the evidence gathered, weighed at the outcome "
                                  "meeting.",
                        subject_told=told[category], employer_told=told[category],
                        family_told="The family was told the concern was looked into and acted on.", dbs_referral=dbs,
                        dbs_referred_on=min(ref, decided + timedelta(days=draw.between(1, 10))) if dbs == "made"
                        else None)))
                    if category == "substantiated" and body != "none" and rand() < 0.8:
                        on = min(ref, decided + timedelta(days=draw.between(1, 15)))
                        regulators.append((c, RegulatorReferral(
                            **rec(officer, self._smoment(draw, on)), regulator=regulator_of[body], referred_on=on,
                            referred_by_whom=draw.pick(("The employer", "The LADO")))))
            # consultations
            advice_cum = draw.weights((20, 30, 20, 20, 10))
            advices = ("speak_to_dsl", "below_threshold", "low_level_concern", "refer", "other")
            for _ in range(round(per_la * LADO_CONSULTATIONS_PER_REFERRAL)):
                on = working_day(ref - timedelta(days=draw.below(HISTORY_DAYS)))
                sector = draw.weighted(sectors, sector_cum)
                advice = draw.weighted(advices, advice_cum)
                consultations.append(LadoConsultation(
                    **rec(self.lado[la], self._smoment(draw, on)), local_authority_id=self.la_ids[la], received_on=on,
                    contact_method=draw.pick(("phone", "phone", "email", "in_person")),
                    caller_name=f"{draw.pick(self.adult_first_names)} {draw.pick(self.service_surnames)}",
                    caller_role="Designated safeguarding lead",
                    organisation=f"{town} {settings_of.get(sector, 'School')} (volume)", sector=sector,
                    subject_role=draw.pick(roles_of[sector])[0],
                    question="Does this concern about a member of staff meet the threshold for a referral?",
                    advice=advice, advice_given="Advice given by telephone and confirmed by email.",
                    low_level_concern=advice == "low_level_concern"))
        # written in the order their keys need
        self.counts["LADO person index entries"] += self._copy_objects(PersonIndexEntry, entries)
        self.counts["LADO referrals"] += self._copy_objects(LadoReferral, referrals)
        for n, child in children:
            child.referral_id = referrals[n].pk
        self.counts["LADO referral children"] += self._copy_objects(ReferralChild, [c for _n, c in children])
        for n, entry, case in cases:
            case.referral_id = referrals[n].pk
            case.subject_id = entries[entry].pk if entry is not None else None
        self.counts["LADO cases"] += self._copy_objects(LadoCase, [c for _n, _e, c in cases])
        for rows, model, what in ((evaluations, LadoEvaluation, "LADO evaluations"),
                                  (outcomes, LadoOutcome, "LADO outcomes"),
                                  (regulators, RegulatorReferral, "LADO regulator referrals")):
            for c, row in rows:
                row.case_id = cases[c][2].pk
            self.counts[what] += self._copy_objects(model, [row for _c, row in rows])
        self.counts["LADO consultations"] += self._copy_objects(LadoConsultation, consultations)

    def _reserve_sequence(self, sequence: str, n: int) -> int:
        """Take ``n`` consecutive values of a sequence of its own (a reference's, not a table's id); the first."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = cursor.fetchone()[0]
            if n > 1:
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
        return first

    # --- the partnership --------------------------------------------------------------------------
    def _plan_rapid_reviews(self) -> None:
        """The rapid reviews of the two years before the reference date (RAPID_REVIEW_RATE a child a year, at
        least MIN_RAPID_REVIEWS): Working Day 1, each step of the partnership's plan done on its day or
        STEP_LATE_SHARE of them late (with the reason), the National Panel notified with the local step, the
        national clocks met with the notification and the submission. Planned before anything is written (from
        a random generator of its own), so that the step deadlines' count is known before the other deadlines
        load (on a second connection) and the total stays the scale's."""
        self.pdraw = draw = Draw(random.Random(self.seed + 4))
        rand = draw.random
        ref = self.ref
        n_la = max(1, round(self.n_children / 10_000))  # as _people
        n = max(MIN_RAPID_REVIEWS, round(RAPID_REVIEW_RATE * self.n_children * HISTORY_DAYS / 365))
        n = min(n, self.n_deadlines // 100)  # about ten steps each: never more than a tenth of the deadlines
        plan = rapid_review_plan
        keys = plan.step_keys()
        submission, local_notice = keys[-1], plan.COUNTERPART[plan.NOTIFICATION]
        by_awareness = rules.get(plan.NATIONAL_REVIEW).anchor == plan.AWARENESS_ANCHOR
        late_reason = "An agency's information came late; agreed with the partners."

        def deadline(key: str, anchor: date, met: date | None, why: str = late_reason) -> StepDeadline:
            due = rules.get(key).due(anchor)
            created = self._smoment(draw, min(anchor, ref))
            if met is not None and met <= ref:
                late = met > due
                return StepDeadline(draw.uuid(), key, anchor, due, met, Deadline.Status.MET_LATE if late else
                                    Deadline.Status.MET_ON_TIME, why if late else "", created)
            return StepDeadline(draw.uuid(), key, anchor, due, None,
                                Deadline.Status.OPEN if due >= ref else Deadline.Status.OVERDUE, "", created)

        self.rapid_reviews: list[PlannedRapidReview] = []
        for i in range(n):
            aware_on = ref - timedelta(days=draw.between(1, HISTORY_DAYS))
            wd1 = plan.working_day_1(aware_on)
            met = {}
            for key in keys:
                due = rules.get(key).due(wd1)
                met[key] = workdays.add_working_days(due, draw.between(1, 4)) if rand() < STEP_LATE_SHARE else \
                    max(wd1, workdays.add_working_days(due, -draw.below(2)))
            submitted = met[submission] if met[submission] <= ref else None
            if submitted is not None:  # submitting ends the review: every step is done by then
                met = {key: min(day, submitted) for key, day in met.items()}
            steps = [deadline(key, wd1, met[key]) for key in keys]
            notified = met[local_notice] if met[local_notice] <= ref else None
            steps.append(deadline(plan.NOTIFICATION, aware_on, notified))
            anchor = aware_on if by_awareness else notified  # the national review waits for the notification
            if anchor is not None:
                steps.append(deadline(plan.NATIONAL_REVIEW, anchor, submitted, "Submitted late"))
            meeting = met[plan.MEETING_STEP]
            self.rapid_reviews.append(PlannedRapidReview(i % n_la, aware_on, wd1, steps, notified,
                                                         meeting if meeting <= ref else None, submitted))
        self.n_step_deadlines = sum(len(r.steps) for r in self.rapid_reviews)

    def _partnership(self) -> None:
        """The partnership's referrals for a case review (the rapid reviews', and some triaged to a learning
        review, to no review, or waiting), the National Panel notifications, the rapid reviews, the practice
        reviews their decisions started (published after about six months, with their action plans: actions
        owned by the agencies, done, in progress, overdue or cancelled), and the escalation register
        (ESCALATION_RATE professional differences a child a year, at least MIN_ESCALATIONS, on the protocol's
        stages, most resolved within weeks)."""
        draw = self.pdraw
        rand = draw.random
        ref = self.ref
        bu = self.business_unit
        what = ("A child was taken to hospital with injuries that do not fit the explanation given.",
                "A baby died suddenly at home; several agencies knew the family.",
                "A teenager known to services was seriously harmed in an exploitation-related assault.",
                "A child suffered serious neglect over a long period; the school and health visitor had concerns.")
        rationale = {PartnershipReferral.Triage.SERIOUS_INCIDENT: "Serious harm with abuse or neglect known or "
                                                                  "suspected: notifiable, a rapid review.",
                     PartnershipReferral.Triage.LEARNING_REVIEW: "Not notifiable, but agencies could have worked "
                                                                 "together better: a learning review.",
                     PartnershipReferral.Triage.NO_REVIEW: "The criteria are not met; the agencies' own learning "
                                                           "is enough."}

        def staff_of(la: int, agency: int) -> list[int]:
            return self.practitioners.get(agency) or [w for t in self.teams_of[la, "cp"] for w in self.workers_of[t]]

        def referral(la: int, aware_on: date, triage: str, triaged_on: date | None) -> PartnershipReferral:
            r = rand()
            agency = self.police_of[la] if r < 0.4 else self.trust_of[la] if r < 0.65 else self.la_ids[la]
            return PartnershipReferral(
                public_id=self._id(draw), created_at=self._smoment(draw, aware_on), kind="case_review",
                local_authority_id=self.la_ids[la], referring_agency_id=agency,
                referred_by_id=draw.pick(staff_of(la, agency)), aware_on=aware_on, what_happened=draw.pick(what),
                criteria_reason="Serious harm; abuse or neglect suspected; several agencies were involved.",
                triage=triage, triage_rationale=rationale.get(triage, ""),
                triaged_by_id=bu[0] if triaged_on else None,
                triaged_at=self._smoment(draw, triaged_on) if triaged_on else None)

        referrals = [referral(r.la, r.aware_on, PartnershipReferral.Triage.SERIOUS_INCIDENT, r.working_day_1)
                     for r in self.rapid_reviews]
        n_la = self.n_la
        learning: list[tuple[int, date]] = []  # (referral index, triaged on): a learning review started
        extra = ([PartnershipReferral.Triage.LEARNING_REVIEW] * max(1, round(len(self.rapid_reviews) * 0.15))
                 + [PartnershipReferral.Triage.NO_REVIEW] * max(1, round(len(self.rapid_reviews) * 0.5)))
        for i, triage in enumerate(extra):
            aware_on = ref - timedelta(days=draw.between(10, HISTORY_DAYS))
            triaged = min(ref, workdays.add_working_days(aware_on, draw.between(2, 10)))
            if triage == PartnershipReferral.Triage.LEARNING_REVIEW:
                learning.append((len(referrals), triaged))
            referrals.append(referral(i % n_la, aware_on, triage, triaged))
        referrals.append(referral(0, workdays.add_working_days(ref, -1), PartnershipReferral.Triage.PENDING, None))
        self.counts["partnership referrals"] += self._copy_objects(PartnershipReferral, referrals)

        notifications, reviews = [], []
        for n, r in enumerate(self.rapid_reviews):
            if r.notified_on is not None:
                notifications.append(Notification(
                    public_id=self._id(draw), created_at=self._smoment(draw, r.notified_on),
                    referral_id=referrals[n].pk,
                    to=Notification.To.NATIONAL_PANEL, sent_on=r.notified_on,
                    reference=f"NCSPRP/{r.notified_on.year}/{n + 1:05d}", recorded_by_id=bu[0]))
            decision = draw.weighted([c for c, _w in RAPID_REVIEW_DECISIONS],
                                     draw.weights(w for _c, w in RAPID_REVIEW_DECISIONS)) if r.submitted_on else ""
            responded = None
            if r.submitted_on and rand() < 0.9:
                responded = workdays.add_working_days(r.submitted_on, draw.between(10, 25))
                responded = responded if responded <= ref else None
            reviews.append(RapidReview(
                public_id=self._id(draw), created_at=self._smoment(draw, r.working_day_1), referral_id=referrals[n].pk,
                agency_aware_on=r.aware_on, working_day_1=r.working_day_1, la_aware_on=r.aware_on,
                status=RapidReview.Status.SUBMITTED if r.submitted_on else RapidReview.Status.OPEN,
                meeting_held_on=r.meeting_on,
                chronology_frozen_at=self._smoment(draw, r.meeting_on) if r.meeting_on else None,
                findings="The agencies' chronologies show missed chances to share information." if r.meeting_on
                else "", decision=decision,
                decision_rationale="Agreed at the rapid review meeting by the partners." if decision else "",
                panel_response_on=responded,
                panel_response="The National Panel agrees with the rapid review's decision." if responded else "",
                panel_agrees=(rand() < 0.85) if responded else None, national_review=False if responded else None))
        self.counts["National Panel notifications"] += self._copy_objects(Notification, notifications)
        self.counts["rapid reviews"] += self._copy_objects(RapidReview, reviews)
        for r, review in zip(self.rapid_reviews, reviews, strict=True):
            r.id = review.pk

        # practice reviews: from a rapid review's decision, or from a triage
        started = [(n, reviews[n].pk, reviews[n].decision, r.submitted_on) for n, r in enumerate(self.rapid_reviews)
                   if reviews[n].decision in ("lcspr", "learning_review")]
        started += [(n, None, "learning_review", triaged) for n, triaged in learning]
        numbers: Counter = Counter()
        themes = list(PartnershipTheme.values)
        practice: list[PracticeReview] = []
        for n, rapid, kind, decided in sorted(started, key=lambda s: s[3]):
            prefix = "LCSPR" if kind == "lcspr" else "LR"
            numbers[prefix, decided.year] += 1
            published = workdays.add_months(decided, 6 if kind == "lcspr" else 4) + timedelta(days=draw.below(90))
            published = published if published <= ref else None
            terms = workdays.add_working_days(decided, 15)
            appointed = workdays.add_working_days(decided, 10)
            reference = f"{prefix} {decided.year}-{numbers[prefix, decided.year]:02d}"
            practice.append(PracticeReview(
                public_id=self._id(draw), created_at=self._smoment(draw, decided), kind=kind,
                referral_id=referrals[n].pk, rapid_review_id=rapid, reference=reference, decided_on=decided,
                status=PracticeReview.Status.PUBLISHED if published else PracticeReview.Status.IN_PROGRESS,
                terms_of_reference="The review's questions, agreed by the practice review group." if terms <= ref
                else "", terms_agreed_on=terms if terms <= ref else None,
                reviewer="An independent lead reviewer (volume)" if appointed <= ref else "",
                reviewer_appointed_on=appointed if appointed <= ref else None,
                methodology=draw.pick(("systems", "silp", "appreciative_inquiry", "child_practice_review")),
                family_involvement="The family met the reviewer." if published else "",
                practitioner_involvement="A learning event with the practitioners and their managers." if published
                else "", panel_copy_sent_on=published - timedelta(days=14) if published else None,
                published_on=published,
                published_where=f"https://partnership.{EMAIL_DOMAIN}/reviews/{reference.replace(' ', '-').lower()}"
                if published else "",
                delay_reason="A criminal trial had to finish first." if published and kind == "lcspr" and
                published > workdays.add_months(decided, 6) else "",
                themes=sorted({draw.pick(themes) for _ in range(draw.between(2, 3))}),
                learning_summary="What the agencies learned, and what changed." if published else ""))
        self.counts["practice reviews"] += self._copy_objects(PracticeReview, practice)

        # their action plans, once published
        recommendations: list[Recommendation] = []
        actions: list[tuple[int, ReviewAction]] = []  # (recommendation index, action)
        la_of = {pk: i for i, pk in enumerate(self.la_ids)}
        la_of_referral = {r.pk: la_of[r.local_authority_id] for r in referrals}
        for review in practice:
            if review.published_on is None:
                continue
            la = la_of_referral[review.referral_id]
            owners = [self.la_ids[la], self.police_of[la], self.trust_of[la], self.voluntary_of[la]]
            number = 0
            for rec_number in range(1, draw.between(3, 5) + 1):
                recommendations.append(Recommendation(
                    public_id=self._id(draw), created_at=self._smoment(draw, review.published_on), review_id=review.pk,
                    number=rec_number, text="Agencies make sure that concerns are shared and followed up."))
                for _ in range(draw.between(1, 3)):
                    number += 1
                    due = review.published_on + timedelta(days=draw.between(60, 540))
                    r = rand()
                    status, completed, note, cancelled = ReviewAction.Status.NOT_STARTED, None, "", ""
                    if due < ref:
                        if r < 0.7:
                            status = ReviewAction.Status.COMPLETE
                            completed = max(review.published_on, min(ref, due + timedelta(days=draw.between(-60, 20))))
                        elif r < 0.85:
                            status, note = ReviewAction.Status.IN_PROGRESS, "Training planned; delayed by staffing."
                        elif r < 0.9:
                            status = ReviewAction.Status.NOT_STARTED
                        else:
                            status, cancelled = ReviewAction.Status.CANCELLED, "Overtaken by a national change."
                    elif r < 0.55:
                        status, note = ReviewAction.Status.IN_PROGRESS, "Under way."
                    elif r < 0.65:
                        status = ReviewAction.Status.COMPLETE
                        completed = review.published_on + timedelta(
                            days=draw.below(max(1, (ref - review.published_on).days + 1)))
                    actions.append((len(recommendations) - 1, ReviewAction(
                        public_id=self._id(draw), created_at=self._smoment(draw, review.published_on),
                        review_id=review.pk, number=number,
                        description="Brief every practitioner on the learning and audit the practice after six "
                                    "months.", owner_agency_id=draw.pick(owners), due_on=due, status=status,
                        progress_note=note, completed_on=completed,
                        no_evidence_reason="Reported to the practice review group." if completed else "",
                        cancel_reason=cancelled)))
        self.counts["practice review recommendations"] += self._copy_objects(Recommendation, recommendations)
        for i, action in actions:
            action.recommendation_id = recommendations[i].pk
        self.counts["practice review actions"] += self._copy_objects(ReviewAction, [a for _i, a in actions])
        self._escalations(draw)

    def _escalations(self, draw: Draw) -> None:
        rand = draw.random
        ref = self.ref
        stage_keys = escalation_protocol.stage_keys()
        category_cum = draw.weights(w for _c, w in ESCALATION_CATEGORIES)
        outcome_cum = draw.weights(w for _c, w in ESCALATION_OUTCOMES)
        stage_cum = draw.weights((60, 25, 10, 5)[:len(stage_keys)] + (5,) * max(0, len(stage_keys) - 4))
        n = max(MIN_ESCALATIONS, round(ESCALATION_RATE * self.n_children * HISTORY_DAYS / 365))
        kids_of: dict[int, list[Kid]] = defaultdict(list)
        for k in self.kids:
            if k.open and k.team is not None and not k.restricted:
                kids_of[k.la].append(k)
        escalations: list[Escalation] = []
        steps: list[tuple[int, EscalationStep]] = []
        for i in range(n):
            la = i % self.n_la
            raised_on = workdays.previous_working_day(ref - timedelta(days=draw.below(HISTORY_DAYS)))
            schools = self.schools_of[la, "primary"] + self.schools_of[la, "secondary"]
            partner = draw.pick([self.police_of[la], self.trust_of[la], *(schools[:1])])
            if rand() < 0.6:  # a partner raises it with the authority
                raising, raised_with = partner, self.la_ids[la]
                by = draw.pick(self.practitioners[partner])
            else:
                raising, raised_with = self.la_ids[la], partner
                by = draw.pick([w for t in self.teams_of[la, "cp"] + self.teams_of[la, "assessment"]
                                for w in self.workers_of[t]])
            child = draw.pick(kids_of[la]) if kids_of[la] and rand() < 0.75 else None
            reached = 1 + bisect(stage_cum, rand() * stage_cum[-1])
            starts = [raised_on]
            for stage in range(1, reached):
                nxt = workdays.add_working_days(starts[-1], rules.get(stage_keys[stage - 1]).amount + draw.below(4))
                if nxt > ref:
                    break
                starts.append(nxt)
            stage = len(starts)
            closed = workdays.add_working_days(starts[-1], draw.between(1, rules.get(stage_keys[stage - 1]).amount + 5))
            closed = closed if closed <= ref and rand() < 0.97 else None
            outcome = draw.weighted([c for c, _w in ESCALATION_OUTCOMES], outcome_cum) if closed else ""
            concern = "The plan is not progressing and the concerns raised have not been answered."
            escalations.append(Escalation(
                public_id=self._id(draw), created_at=self._smoment(draw, raised_on), route="professional_difference",
                child_id=child.id if child else None, theme="" if child else "Thresholds for a strategy discussion",
                category=draw.weighted([c for c, _w in ESCALATION_CATEGORIES], category_cum), concern=concern,
                wanted="A joint discussion and an agreed plan within the protocol's days.", raised_by_id=by,
                raising_agency_id=raising, raised_with_agency_id=raised_with, raised_on=raised_on, stage=stage,
                stage_key=stage_keys[stage - 1], stage_started_on=starts[-1], outcome=outcome,
                outcome_note="Agreed at a meeting of the managers." if closed else "", closed_on=closed))
            e = len(escalations) - 1
            steps.append((e, EscalationStep(public_id=self._id(draw), created_at=self._smoment(draw, raised_on),
                                            kind="raised", stage=1, on=raised_on, by_id=by, agency_id=raising,
                                            text=concern)))
            for s, day in enumerate(starts[1:], start=2):
                steps.append((e, EscalationStep(public_id=self._id(draw), created_at=self._smoment(draw, day),
                                                kind="moved_on", stage=s, on=day, by_id=by, agency_id=raising,
                                                text="Not resolved at the earlier stage: moved on.")))
            if closed:
                steps.append((e, EscalationStep(public_id=self._id(draw), created_at=self._smoment(draw, closed),
                                                kind="closed", stage=stage, on=closed, by_id=by, agency_id=raising,
                                                text="Agreed at a meeting of the managers.")))
        self.counts["escalations"] += self._copy_objects(Escalation, escalations)
        for e, step in steps:
            step.escalation_id = escalations[e].pk
        self.counts["escalation steps"] += self._copy_objects(EscalationStep, [s for _e, s in steps])

    def _step_deadlines(self) -> None:
        """The rapid reviews' step deadlines (planned by _plan_rapid_reviews): the business unit's to remind.
        In parallel mode they are written after the deadlines' connection has committed (indexes built), not
        frozen."""
        ct = ContentType.objects.get_for_model(RapidReview).pk
        objs = []
        for r in self.rapid_reviews:
            for s in r.steps:
                rule = rules.get(s.key)
                objs.append(Deadline(
                    public_id=uuid.UUID(s.public_id), rule_key=s.key, subject_type_id=ct, subject_id=r.id,
                    label=rule.title, anchor_date=s.anchor, due_date=s.due, met_on=s.met_on, status=s.status,
                    responsible_person_id=self.business_unit[0], responsible_team_id=self.partnership_team,
                    late_reason=s.late_reason, cancelled_reason="",
                    computation={"amount": rule.amount, "unit": rule.unit.value, "direction": rule.direction.value,
                                 "anchor": rule.anchor, "overridden": rule.overridden,
                                 "holidays_version": holidays.__version__},
                    created_at=s.created_at))
        freeze = not self.parallel and Deadline._meta.db_table in self.frozen
        self.counts["deadlines"] += copy_objects(Deadline, objs, freeze=freeze)

    # --- deadlines -------------------------------------------------------------------------------
    def _deadlines(self, *, count: bool = True) -> int:
        """The deadlines, from a random generator of their own (so that they are the same whether they
        load after the rest or beside it, on another connection). Returns how many."""
        draw = Draw(random.Random(self.seed + 1))
        rand = draw.random

        def moment(day: date) -> datetime:
            return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC) + timedelta(seconds=draw.below(8 * 3600))

        all_rules = rules.all_rules()
        keys = list(all_rules)
        key_cum = draw.weights(RULE_WEIGHTS.get(k, 1) for k in keys)
        computation = {
            k: json.dumps({"amount": r.amount, "unit": r.unit.value, "direction": r.direction.value,
                           "anchor": r.anchor, "overridden": r.overridden, "holidays_version": holidays.__version__})
            for k, r in all_rules.items()
        }
        description = {k: r.description for k, r in all_rules.items()}
        lo, hi = min(s[2][0] for s in DEADLINE_STATUSES), max(s[2][1] for s in DEADLINE_STATUSES)
        days = [self.ref + timedelta(days=d) for d in range(lo - 5, hi + 5)]
        working = [d for d in days if workdays.is_working_day(d)]
        anchors: dict[tuple[str, date], tuple[date, date]] = {}

        def anchor_and_due(key: str, due: date) -> tuple[date, date]:
            found = anchors.get((key, due))
            if found is None:
                rule = all_rules[key]
                n = rule.amount if rule.direction is rules.Direction.AFTER else -rule.amount
                if rule.unit is rules.Unit.WORKING_DAYS:
                    anchor = workdays.add_working_days(due, -n)
                elif rule.unit is rules.Unit.CALENDAR_DAYS:
                    anchor = due - timedelta(days=n)
                else:
                    anchor = workdays.add_months(due, -n)
                found = anchors[(key, due)] = (anchor, rule.due(anchor))
            return found

        statuses = [s for s, _share, _r in DEADLINE_STATUSES]
        status_cum = draw.weights(share for _s, share, _r in DEADLINE_STATUSES)
        # for each status, the slice of working days its due dates are drawn from
        span_of = {}
        for s, _share, (a, b) in DEADLINE_STATUSES:
            i = bisect_left(working, self.ref + timedelta(days=a))
            j = bisect_right(working, self.ref + timedelta(days=b)) - 1
            span_of[s] = (i, max(i, j) - i + 1)
        # open deadlines belong to open children with a team (someone to remind, a manager to escalate to)
        open_kids = [k for k in self.kids if k.open and k.team is not None] or self.kids
        ct = ContentType.objects.get_for_model(Child).pk
        OPEN, OVERDUE = Deadline.Status.OPEN, Deadline.Status.OVERDUE
        MET_ON_TIME, MET_LATE, CANCELLED = Deadline.Status.MET_ON_TIME, Deadline.Status.MET_LATE, \
            Deadline.Status.CANCELLED
        open_statuses = set(Deadline.OPEN_STATUSES)
        late_text = "The family was not available; the meeting was rearranged."
        cancelled_text = "No longer needed: the case was transferred."
        kids, n_kids, n_open = self.kids, len(self.kids), len(open_kids)
        ref = self.ref
        day_deltas = [timedelta(days=d) for d in range(31)]

        def rows():
            for _ in range(self.n_deadlines - self.n_step_deadlines):
                status = draw.weighted(statuses, status_cum)
                is_open = status in open_statuses
                k = open_kids[int(rand() * n_open)] if is_open else kids[int(rand() * n_kids)]
                key = draw.weighted(keys, key_cum)
                first, width = span_of[status]
                anchor, due = anchor_and_due(key, working[first + int(rand() * width)])
                if is_open:  # the status must match the reference date
                    status = OPEN if due >= ref else OVERDUE
                met_on, late_reason, accepted_by, accepted_at, cancelled = None, "", None, None, ""
                if status == MET_ON_TIME:  # on or before the due date (and the anchor)
                    met_on = max(min(anchor, due), due - day_deltas[int(rand() * 11)])
                elif status == MET_LATE:
                    met_on = min(ref, due + day_deltas[1 + int(rand() * 30)])
                    if met_on <= due:
                        status = MET_ON_TIME
                    else:
                        late_reason = late_text
                        manager = self.managers.get(k.team)
                        if manager and rand() < 0.7:
                            accepted_by, accepted_at = manager, moment(met_on)
                elif status == CANCELLED:
                    cancelled = cancelled_text
                person = k.worker or (draw.pick(self.workers_of[k.team]) if k.team else None)
                yield (
                    draw.uuid(), key, ct, k.id,
                    # as ADR 5 asks: the rule and the local reference, never a name
                    f"{description[key]} for VL{k.id:08d}"[:300],
                    anchor, due, met_on, status, person, k.team, late_reason, accepted_by, accepted_at, cancelled,
                    computation[key], moment(min(anchor, ref)),
                )

        columns = ("public_id", "rule_key", "subject_type_id", "subject_id", "label", "anchor_date", "due_date",
                   "met_on", "status", "responsible_person_id", "responsible_team_id", "late_reason",
                   "late_accepted_by_id", "late_accepted_at", "cancelled_reason", "computation", "created_at")
        missing = set(columns_of(Deadline)) - set(columns)
        if missing:
            raise VolumeError(f"the loader does not know clock_deadline's columns {sorted(missing)}: add them")
        n = self._copy(Deadline, rows(), columns=columns)
        if count:
            self.counts["deadlines"] += n
        return n

    # --- what the benchmark uses -----------------------------------------------------------------
    def _subjects(self) -> dict:
        # a social worker of the first child protection team with a caseload, one of their children (one
        # with a plan and a decided conference where there is one), and that conference
        def caseload(worker: int) -> list[Kid]:
            return [k for k in self.kids if k.worker == worker and k.open and not k.restricted and k.age is not None]

        def decided(k: Kid) -> int | None:
            found = [cid for cid, status in self.conferences_of.get(k.id, []) if status == Conference.Status.DECIDED]
            return found[-1] if found else None

        workers = [w for t in self.teams_of[0, "cp"] for w in self.workers_of[t]]
        worker = next((w for w in workers if any(decided(k) for k in caseload(w))), None)
        worker = worker or next((w for w in workers if caseload(w)), None)
        if worker is None:  # a tiny scale: anyone with a child
            worker = next(k.worker for k in self.kids if k.worker is not None)
        theirs = caseload(worker) or [k for k in self.kids if k.worker == worker]
        page_child = next((k for k in theirs if decided(k)), theirs[0])
        # a child of the same authority the social worker has no basis for (another team's, unrestricted)
        worker_team = page_child.team
        forbidden = next((k for k in self.kids if k.la == page_child.la and k.team not in (None, worker_team)
                          and k.worker != worker and k.open and not k.restricted), None)
        # a police officer of the first force, a child their force is involved with, and one it is not
        police = self.police_of[0]
        partner = self.practitioners[police][0]
        by_id = {k.id: k for k in self.kids}
        involved = set(self.open_involvements.get(police, []))
        theirs = [by_id[c] for c in self.open_involvements.get(police, []) if not by_id[c].restricted]
        partner_child = theirs[0] if theirs else page_child
        partner_forbidden = next((k for k in reversed(self.kids) if k.id not in involved and not k.restricted), None)
        return {
            "social_worker": worker, "partner_practitioner": partner, "partner_agency": police,
            "page_child": page_child.id, "conference": decided(page_child),
            "forbidden_child": forbidden.id if forbidden else None,
            "partner_forbidden_child": partner_forbidden.id if partner_forbidden else None,
            "missing_id": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "search_social_worker": f"{page_child.first} {page_child.surname}",
            "search_partner": f"{partner_child.first} {partner_child.surname}",
            # who opens each service's figures pages (the bench's figures lines)
            "iro_manager": self.iro_manager[page_child.la], "lado_manager": self.lado_manager[page_child.la],
            "business_unit": self.business_unit[0],
        }

    def _record(self, seconds: float) -> None:
        counts = dict(self.counts)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {META_TABLE}")
            cursor.execute(
                f"INSERT INTO {META_TABLE} (id, scale, children, deadlines, reference_date, loaded_at, seconds, rows, "
                "counts, subjects, step_seconds, version) VALUES (1, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [self.scale, self.n_children, self.n_deadlines, self.ref, self.now, seconds,
                 sum(counts.values()), json.dumps(counts), json.dumps(self._subjects()), json.dumps(self.timings),
                 LOADER_VERSION],
            )


def load(*, scale: float = 1.0, fresh: bool = False, seed: int = SEED, say: Say = print,
         today: date | None = None, bulk: bool | None = None) -> dict | None:
    """Load the volume data at ``scale`` unless it is already there. Returns what was loaded, or None."""
    require_scratch_database()
    children, deadlines = scaled(scale)
    meta = loaded()
    same_scale = meta is not None and (meta["children"], meta["deadlines"]) == (children, deadlines)
    current = meta is not None and meta["version"] == LOADER_VERSION
    if same_scale and current and not fresh:
        say(f"Volume data already loaded at this scale ({children:,} children, {deadlines:,} deadlines, reference "
            f"date {meta['reference_date']}, loaded in {meta['seconds']:.1f} s): nothing to do (--fresh reloads).")
        return None
    if meta is not None or fresh:
        if fresh:
            why = "--fresh"
        elif not same_scale:
            why = f"it holds {meta['children']:,} children and {meta['deadlines']:,} deadlines, another scale"
        else:
            why = f"it was loaded by version {meta['version'] or 1} of the loader, this is version {LOADER_VERSION}"
        say(f"Emptying the database first ({why}).")
        wipe(say)
    say(f"Loading {children:,} children and {deadlines:,} deadlines (scale {scale:g}) into {database_name()}.")
    return VolumeLoader(children=children, deadlines=deadlines, scale=scale, seed=seed, say=say, today=today,
                        bulk=bulk).load()
