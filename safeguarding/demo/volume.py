"""Volume data for the benchmarks (`manage.py load_volume`, `make bench`), written with PostgreSQL COPY.

By default 100,000 children and 1,000,000 deadlines (``scale`` multiplies both) in a world shaped like
several local authorities and their partners:

- local authorities (one per 10,000 children), each with assessment, child in need, child protection
  and children in care teams (one of each kind per 2,000 children), a social worker per 17 allocated
  children, a manager per team and a service manager; police forces (one per three authorities),
  NHS trusts and voluntary organisations (one per two), GP practices (one per 2,000 children) and
  schools (one per 250 children), with their partner practitioners;
- children with names from fixed lists (the demo's first names, surnames drawn once from a seeded
  Faker ``en_GB``), valid NHS numbers (the 999 test range) and UPNs, a creation history row and
  ``child.created`` event each, an address, one or two adults with their relationships, a few
  chronology entries, some aliases, and involvements of schools, GPs, health, police and voluntary
  agencies (most open, some ended);
- deadlines across every statutory rule and status around a reference date (the last working day
  on or before the day of the load): met on time or late and cancelled in the past three years,
  open over the next six months, overdue in the last sixty days.

Rows are generated in Python from one seeded ``random.Random`` (the same scale gives the same data)
and streamed into the tables with ``COPY … FROM STDIN`` (psycopg 3 ``cursor.copy``); agencies, teams,
people and memberships, a few thousand rows, go through ``bulk_create``. Everything is written in one
transaction under an advisory lock, and a one-row table ``bench_volume`` records what was loaded
(scale, counts, the reference date, timings, and the people and children the benchmark uses), so a
second load at the same scale does nothing.

Refuses to run outside a scratch database (a name starting with ``safeguarding_bench`` or ``test``):
it would otherwise add 100,000 fictional children to a real one, and ``--fresh`` empties every table.
"""

from __future__ import annotations

import json
import math
import random
import time
import uuid
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter

import holidays
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
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


def loaded() -> dict | None:
    """What ``bench_volume`` says was loaded, or None."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [META_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT scale, children, deadlines, reference_date, loaded_at, seconds, rows, counts, "
                       f"subjects FROM {META_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        return None
    keys = ("scale", "children", "deadlines", "reference_date", "loaded_at", "seconds", "rows", "counts", "subjects")
    meta = dict(zip(keys, row, strict=True))
    for key in ("counts", "subjects"):
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


def subjects() -> Subjects:
    meta = loaded()
    if meta is None:
        raise VolumeError("no volume data here: run `manage.py load_volume` first")
    s = meta["subjects"]
    return Subjects(
        reference_date=meta["reference_date"],
        social_worker=User.objects.get(pk=s["social_worker"]),
        partner_practitioner=User.objects.get(pk=s["partner_practitioner"]),
        partner_agency=Agency.objects.get(pk=s["partner_agency"]),
        page_child=Child.objects.get(pk=s["page_child"]),
        search_social_worker=s["search_social_worker"],
        search_partner=s["search_partner"],
    )


def wipe(say: Say = print) -> None:
    """Empty every table of the scratch database (not content types and permissions) and the record."""
    require_scratch_database()
    keep = {ContentType._meta.db_table, "auth_permission"}
    tables = sorted(t for t in connection.introspection.django_table_names(only_existing=True) if t not in keep)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending deferred checks may block TRUNCATE
        cursor.execute("SELECT to_regclass(%s)", [META_TABLE])
        if cursor.fetchone()[0] is not None:
            tables.append(META_TABLE)
        quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
        cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    say(f"Emptied {len(tables)} tables.")


# --- COPY -----------------------------------------------------------------------------------------
def columns_of(model: type[models.Model], *, with_id: bool = False) -> list[str]:
    """The columns a COPY writes: every concrete column but the auto primary key (unless ``with_id``)."""
    pk = model._meta.pk
    return [f.column for f in model._meta.concrete_fields
            if with_id or not (f is pk and isinstance(f, models.AutoField | models.BigAutoField))]


def copy_rows(model: type[models.Model], rows: Iterable[dict], *, with_id: bool = False) -> int:
    """Stream ``rows`` (dicts keyed by column) into ``model``'s table with COPY; returns how many."""
    cols = columns_of(model, with_id=with_id)
    pick = itemgetter(*cols)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in cols)
    n = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(pick(row))
                n += 1
    return n


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


# --- the world ------------------------------------------------------------------------------------
@dataclass
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


class VolumeLoader:
    def __init__(self, *, children: int, deadlines: int, scale: float | None = None, seed: int = SEED,
                 say: Say = print, today: date | None = None):
        self.n_children = children
        self.n_deadlines = deadlines
        self.scale = scale if scale is not None else children / DEFAULT_CHILDREN
        self.say = say
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        today = today or timezone.localdate()
        self.ref = today if workdays.is_working_day(today) else workdays.previous_working_day(today)
        self.now = timezone.now()
        self.counts: Counter = Counter()

    # --- entry point -----------------------------------------------------------------------------
    def load(self) -> dict:
        require_scratch_database()
        started = time.monotonic()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            _ensure_meta_table()
            self._step("agencies, teams and people", self._people)
            self._step("children", self._children)
            self._step("child history and events", self._child_history)
            self._step("addresses, adults and relationships", self._families)
            self._step("involvements", self._involvements)
            self._step("chronology and aliases", self._chronology)
            self._step("deadlines", self._deadlines)
            seconds = time.monotonic() - started
            self._record(seconds)
        rows = sum(self.counts.values())
        self.say(f"Loaded {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s).")
        if not connection.in_atomic_block:
            self._step("VACUUM ANALYZE", self._vacuum)
        return {"rows": rows, "seconds": seconds, "counts": dict(self.counts)}

    def _step(self, what: str, fn: Callable[[], object]) -> None:
        before = sum(self.counts.values())
        t0 = time.monotonic()
        fn()
        dt = time.monotonic() - t0
        rows = sum(self.counts.values()) - before
        rate = f", {rows / dt:,.0f} rows/s" if rows and dt > 0 else ""
        self.say(f"  {what}: {rows:,} rows in {dt:.1f} s{rate}")

    def _vacuum(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    # --- helpers ---------------------------------------------------------------------------------
    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _past(self, lo_days: int, hi_days: int) -> date:
        return self.ref - timedelta(days=self.rng.randint(lo_days, hi_days))

    def _moment(self, day: date) -> datetime:
        return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC) + timedelta(
            seconds=self.rng.randint(0, 8 * 3600))

    def _case_record(self, created_by: int | None, created_on: date) -> dict:
        return {"public_id": self._uuid(), "created_at": self._moment(created_on), "created_by_id": created_by,
                "entered_in_error_at": None, "entered_in_error_by_id": None, "entered_in_error_reason": ""}

    def _email(self, local: str) -> str:
        return f"{local}@{EMAIL_DOMAIN}"

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
        agencies = Agency.objects.bulk_create([
            Agency(public_id=self._uuid(), name=name, kind=kind,
                   statutory_partner=kind in (AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE))
            for _key, name, kind, _la in specs
        ])
        self.counts["agencies"] += len(agencies)
        self.agency = {key: a.pk for (key, *_rest), a in zip(specs, agencies, strict=True)}
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
                    team_objs.append(Team(public_id=self._uuid(), agency_id=self.la_ids[i],
                                          name=f"{label} {j + 1}" if k > 1 else label))
                    team_keys.append((i, kind))
        teams = Team.objects.bulk_create(team_objs)
        self.counts["teams"] += len(teams)
        self.teams_of: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.team_la: dict[int, int] = {}
        for (i, kind), team in zip(team_keys, teams, strict=True):
            self.teams_of[i, kind].append(team.pk)
            self.team_la[team.pk] = i

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

        # people
        users: list[User] = []
        memberships: list[tuple[int, int | None, list[str]]] = []  # (agency pk, team pk, roles), per user
        self.workers_of: dict[int, list[int]] = defaultdict(list)  # filled with pks below
        roles_of_user: list[tuple[str, object]] = []

        def person(local: str, job: str, agency: int, team: int | None, role: str, tag: tuple[str, object]):
            first = rng.choice(data.GIRLS + data.BOYS)
            users.append(User(public_id=self._uuid(), email=self._email(local), full_name=f"{first} "
                              f"{self.fake.last_name()}", job_title=job, password=UNUSABLE_PASSWORD,
                              date_joined=self.now))
            memberships.append((agency, team, [role]))
            roles_of_user.append(tag)

        for i in range(n_la):
            person(f"service.manager.{i}", "Head of Service", self.la_ids[i], None, Role.SERVICE_MANAGER, ("sm", i))
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
        created = User.objects.bulk_create(users)
        Membership.objects.bulk_create([
            Membership(public_id=self._uuid(), user_id=u.pk, agency_id=agency, team_id=team, roles=roles)
            for u, (agency, team, roles) in zip(created, memberships, strict=True)
        ])
        self.counts["users"] += len(created)
        self.counts["memberships"] += len(created)
        self.managers: dict[int, int] = {}
        self.service_manager: dict[int, int] = {}
        self.practitioners: dict[int, list[int]] = defaultdict(list)
        for u, (tag, key) in zip(created, roles_of_user, strict=True):
            if tag == "sw":
                self.workers_of[key].append(u.pk)
            elif tag == "tm":
                self.managers[key] = u.pk
            elif tag == "sm":
                self.service_manager[key] = u.pk
            else:
                self.practitioners[key].append(u.pk)

    # --- children --------------------------------------------------------------------------------
    def _nhs_numbers(self) -> Iterator[str]:
        """Valid NHS numbers in the 999 test range, each once, in a scattered order."""
        for i in range(10**6):
            number = make_nhs_number(f"999{(i * 7919) % 10**6:06d}")
            if number:
                yield number

    def _children(self) -> None:
        rng, fake = self.rng, self.fake
        surnames = [fake.last_name() for _ in range(2000)]  # fixed, with Faker's frequencies
        nhs = self._nhs_numbers()
        upn_serials: Counter = Counter()
        first_id = reserve_ids(Child, self.n_children)
        self.kids: list[Kid] = []
        ethnicities = [e.value for e in Ethnicity]
        eth_weights = [70 if e == "WBRI" else 3 for e in ethnicities]
        disability_codes = [d.value for d in Disability if d.value != "NONE"]
        self.school_of: dict[int, int] = {}

        def rows():
            for c, (la, team, with_worker) in enumerate(self.plan):
                cid = first_id + c
                unborn = rng.random() < 0.02
                closed = team is None and rng.random() < 0.9
                worker = rng.choice(self.workers_of[team]) if with_worker else None
                sex = rng.choice("MF")
                if unborn:
                    first, dob, age, expected = "Unborn", None, None, self.ref + timedelta(days=rng.randint(20, 180))
                    gender = Gender.NOT_KNOWN
                else:
                    first = rng.choice(data.BOYS if sex == "M" else data.GIRLS)
                    dob = self.ref - timedelta(days=rng.randint(30, 18 * 365 - 30))
                    age = (self.ref - dob).days * 100 // 36525
                    expected = None
                    gender = Gender.MALE if sex == "M" else Gender.FEMALE
                surname = rng.choice(surnames)
                names = data.BOYS if sex == "M" else data.GIRLS
                middle = rng.choice(names) if not unborn and rng.random() < 0.4 else ""
                first_names = f"{first} {middle}" if middle and middle != first else first
                school = None
                if age is not None and 4 <= age <= 16 and rng.random() < 0.95:
                    school = rng.choice(self.schools_of[la, "primary" if age <= 10 else "secondary"])
                    self.school_of[cid] = school
                upn = ""
                if school is not None and rng.random() < 0.85:
                    year = (dob.year + (4 if dob.month < 9 else 5)) % 100
                    upn_serials[la, school, year] += 1
                    if upn_serials[la, school, year] <= 999:
                        upn = make_upn(f"{self.la_code[la]:03d}{self.establishment[school]:04d}{year:02d}"
                                       f"{upn_serials[la, school, year]:03d}")
                restricted = not closed and rng.random() < 0.003
                created_on = (dob or self.ref) + timedelta(days=rng.randint(0, 365)) if dob else self._past(1, 60)
                created_on = min(created_on, self.ref)
                creator = worker or self.managers.get(team) or self.service_manager[la]
                kid = Kid(cid, la, team, worker, first, surname, dob, age, not closed, restricted)
                self.kids.append(kid)
                yield {
                    "id": cid, **self._case_record(creator, created_on),
                    "legal_first_names": first_names, "legal_surname": surname,
                    "preferred_name": data.PREFERRED.get(first, "") if rng.random() < 0.5 else "",
                    "date_of_birth": dob, "expected_date_of_birth": expected,
                    "gender": Gender.NOT_STATED if not unborn and rng.random() < 0.02 else gender,
                    "ethnicity": rng.choices(ethnicities, eth_weights)[0],
                    "nhs_number": next(nhs, "") if not unborn and rng.random() < 0.93 else "",
                    "upn": upn, "local_child_id": f"VL{cid:08d}", "first_language": "English",
                    "disabilities": [] if unborn else rng.choices(
                        (["NONE"], [], [rng.choice(disability_codes)]), weights=(80, 9, 11))[0],
                    "local_authority_id": self.la_ids[la], "allocated_social_worker_id": worker,
                    "allocated_team_id": team, "restricted": restricted,
                    "status": Child.Status.OPEN if not closed else Child.Status.CLOSED,
                    "closed_reason": "" if not closed else "No further action: needs met by universal services",
                }

        self.child_rows: list[dict] = []

        def keep(it):
            for row in it:
                self.child_rows.append(row)
                yield row

        self.counts["children"] += copy_rows(Child, keep(rows()), with_id=True)
        named = [{"child_id": k.id, "user_id": person} for k in self.kids if k.restricted
                 for person in {k.worker or self.managers.get(k.team) or self.service_manager[k.la],
                                self.service_manager[k.la]}]
        self.counts["restricted children named people"] += copy_rows(Child.named_people.through, named)

    def _child_history(self) -> None:
        def history():
            for row in self.child_rows:
                yield {**row, "history_date": row["created_at"], "history_change_reason": "Record created",
                       "history_type": "+", "history_user_id": row["created_by_id"]}

        self.counts["child history rows"] += copy_rows(Child.history.model, history())
        ct = ContentType.objects.get_for_model(Child).pk

        def events():
            for row in self.child_rows:
                yield {"code": "child.created", "at": row["created_at"], "actor_id": row["created_by_id"],
                       "subject_type_id": ct, "subject_id": row["id"],
                       "payload": json.dumps({"local_child_id": row["local_child_id"]})}

        self.counts["case events"] += copy_rows(CaseEvent, events())
        self.child_rows = []

    # --- families --------------------------------------------------------------------------------
    def _families(self) -> None:
        rng, fake = self.rng, self.fake
        streets = [f"{fake.last_name()} {rng.choice(STREETS)}" for _ in range(400)]
        mothers = [fake.first_name_female() for _ in range(300)]
        fathers = [fake.first_name_male() for _ in range(300)]

        def postcode() -> str:
            return f"NM{rng.randint(1, 30)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}" \
                   f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"

        def addresses():
            for k in self.kids:
                creator = k.worker or self.managers.get(k.team) or self.service_manager[k.la]
                start = k.dob or self._past(30, 200)
                yield {**self._case_record(creator, min(start, self.ref)), "child_id": k.id,
                       "line_1": f"{rng.randint(1, 180)} {rng.choice(streets)}", "line_2": "",
                       "town": TOWNS[k.la % len(TOWNS)], "postcode": postcode(), "start_date": start, "end_date": None}

        self.counts["addresses"] += copy_rows(ChildAddress, addresses())

        # one or two adults per child (mother; a father or a parent's partner for 40 %)
        plan = []
        for k in self.kids:
            plan.append((k, "mother"))
            if rng.random() < 0.4:
                plan.append((k, rng.choice(("father", "parents_partner"))))
        first_adult = reserve_ids(Adult, len(plan))

        def adults():
            for n, (k, kind) in enumerate(plan):
                creator = k.worker or self.managers.get(k.team) or self.service_manager[k.la]
                born = (k.dob or self.ref) - timedelta(days=rng.randint(18 * 365, 40 * 365))
                female = kind == "mother" or (kind == "parents_partner" and rng.random() < 0.2)
                surname = k.surname if kind != "parents_partner" and rng.random() < 0.8 else fake.last_name()
                yield {"id": first_adult + n, **self._case_record(creator, min(k.dob or self.ref, self.ref)),
                       "first_names": rng.choice(mothers if female else fathers), "surname": surname,
                       "date_of_birth": born, "gender": Gender.FEMALE if female else Gender.MALE, "nhs_number": "",
                       "phone": f"07700 900{rng.randint(0, 999):03d}", "email": "", "address": "",
                       "needs_interpreter": rng.random() < 0.05, "first_language": "English"}

        self.counts["adults"] += copy_rows(Adult, adults(), with_id=True)

        def relationships():
            for n, (k, kind) in enumerate(plan):
                creator = k.worker or self.managers.get(k.team) or self.service_manager[k.la]
                yield {**self._case_record(creator, min(k.dob or self.ref, self.ref)), "child_id": k.id,
                       "adult_id": first_adult + n, "kind": kind,
                       "parental_responsibility": kind != RelationshipKind.PARENTS_PARTNER,
                       "lives_with_child": kind == "mother" or rng.random() < 0.5,
                       "start_date": k.dob if kind != "parents_partner" else self._past(60, 1500),
                       "end_date": None, "notes": ""}

        self.counts["relationships"] += copy_rows(Relationship, relationships())

    # --- involvements ----------------------------------------------------------------------------
    def _involvements(self) -> None:
        rng, fake = self.rng, self.fake
        professionals = [fake.name() for _ in range(500)]
        self.open_involvements: dict[int, list[int]] = defaultdict(list)  # agency pk -> child ids

        def one(k: Kid, agency: int, role: str, start: date, open_share: float = 0.85):
            start = min(max(start, k.dob or start), self.ref)
            still_open = k.open and rng.random() < open_share
            end = None
            if not still_open:
                end = min(self.ref - timedelta(days=1), start + timedelta(days=rng.randint(30, 900)))
                end = max(end, start)
            creator = k.worker or self.managers.get(k.team) or self.service_manager[k.la]
            staff = self.practitioners.get(agency)
            who = rng.choice(staff) if staff and rng.random() < 0.5 else None
            if still_open:
                self.open_involvements[agency].append(k.id)
            return {**self._case_record(creator, start), "child_id": k.id, "agency_id": agency,
                    "professional_id": who, "professional_name": "" if who else rng.choice(professionals),
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
                if rng.random() < 0.6:
                    yield one(k, rng.choice(self.gps_of[k.la]), "GP", known, 0.95)
                if k.age < 5:
                    yield one(k, self.trust_of[k.la], "Health visitor", known + timedelta(days=12), 0.9)
                elif rng.random() < 0.3:
                    yield one(k, self.trust_of[k.la], "School nurse", self._past(30, 600))
                if rng.random() < 0.15:
                    yield one(k, self.police_of[k.la], "Officer in the case", self._past(10, 500), 0.7)
                if rng.random() < 0.1:
                    yield one(k, self.voluntary_of[k.la], "Family support worker", self._past(20, 400), 0.6)

        self.counts["involvements"] += copy_rows(Involvement, rows())

    # --- chronology and aliases ------------------------------------------------------------------
    def _chronology(self) -> None:
        rng = self.rng
        weights = [3 if s == "routine" else 1 for s, _t in CHRONOLOGY]

        def entries():
            for k in self.kids:
                since = k.dob or self._past(30, 200)
                recorder = k.worker or self.managers.get(k.team) or self.service_manager[k.la]
                for _ in range(rng.choices((0, 1, 2, 3, 4, 5, 6), (10, 15, 20, 20, 15, 10, 10))[0]):
                    significance, text = rng.choices(CHRONOLOGY, weights)[0]
                    on = min(self.ref, since + timedelta(days=rng.randint(0, max(0, (self.ref - since).days))))
                    yield {**self._case_record(recorder, on), "child_id": k.id, "occurred_on": on,
                           "source_agency_id": self.la_ids[k.la], "recorded_by_id": recorder, "summary": text,
                           "significance": significance}

        self.counts["chronology entries"] += copy_rows(ChronologyEntry, entries())

        def aliases():
            for k in self.kids:
                if k.age is not None and rng.random() < 0.05:
                    creator = k.worker or self.managers.get(k.team) or self.service_manager[k.la]
                    yield {**self._case_record(creator, self._past(1, 700)), "child_id": k.id,
                           "name": f"{k.first} {self.fake.last_name()}", "kind": ChildAlias.Kind.PREVIOUS}

        self.counts["aliases"] += copy_rows(ChildAlias, aliases())

    # --- deadlines -------------------------------------------------------------------------------
    def _deadlines(self) -> None:
        rng = self.rng
        all_rules = rules.all_rules()
        keys = list(all_rules)
        weights = [RULE_WEIGHTS.get(k, 1) for k in keys]
        computation = {
            k: json.dumps({"amount": r.amount, "unit": r.unit.value, "direction": r.direction.value,
                           "anchor": r.anchor, "overridden": r.overridden, "holidays_version": holidays.__version__})
            for k, r in all_rules.items()
        }
        lo, hi = min(s[2][0] for s in DEADLINE_STATUSES), max(s[2][1] for s in DEADLINE_STATUSES)
        days = [self.ref + timedelta(days=d) for d in range(lo - 5, hi + 5)]
        working = [d for d in days if workdays.is_working_day(d)]
        anchors: dict[tuple[str, date], tuple[date, date]] = {}

        def anchor_and_due(key: str, due: date) -> tuple[date, date]:
            found = anchors.get((key, due))
            if found is None:
                rule = all_rules[key]
                if rule.unit is rules.Unit.WORKING_DAYS:
                    n = rule.amount if rule.direction is rules.Direction.AFTER else -rule.amount
                    anchor = workdays.add_working_days(due, -n)
                else:
                    n = rule.amount if rule.direction is rules.Direction.AFTER else -rule.amount
                    anchor = workdays.add_months(due, -n)
                found = anchors[(key, due)] = (anchor, rule.due(anchor))
            return found

        def due_between(a: int, b: int) -> date:
            i = bisect_left(working, self.ref + timedelta(days=a))
            j = bisect_right(working, self.ref + timedelta(days=b)) - 1
            return working[rng.randint(i, max(i, j))]

        statuses = [s for s, _share, _r in DEADLINE_STATUSES]
        shares = [share for _s, share, _r in DEADLINE_STATUSES]
        spans = {s: r for s, _share, r in DEADLINE_STATUSES}
        # open deadlines belong to open children with a team (someone to remind, a manager to escalate to)
        open_kids = [k for k in self.kids if k.open and k.team is not None] or self.kids
        ct = ContentType.objects.get_for_model(Child).pk

        def rows():
            for _ in range(self.n_deadlines):
                status = rng.choices(statuses, shares)[0]
                k = rng.choice(open_kids if status in Deadline.OPEN_STATUSES else self.kids)
                key = rng.choices(keys, weights)[0]
                anchor, due = anchor_and_due(key, due_between(*spans[status]))
                if status in Deadline.OPEN_STATUSES:  # the status must match the reference date
                    status = Deadline.Status.OPEN if due >= self.ref else Deadline.Status.OVERDUE
                met_on, late_reason, accepted_by, accepted_at, cancelled = None, "", None, None, ""
                if status == Deadline.Status.MET_ON_TIME:  # on or before the due date (and the anchor)
                    met_on = max(min(anchor, due), due - timedelta(days=rng.randint(0, 10)))
                elif status == Deadline.Status.MET_LATE:
                    met_on = min(self.ref, due + timedelta(days=rng.randint(1, 30)))
                    if met_on <= due:
                        status = Deadline.Status.MET_ON_TIME
                    else:
                        late_reason = "The family was not available; the meeting was rearranged."
                        manager = self.managers.get(k.team)
                        if manager and rng.random() < 0.7:
                            accepted_by, accepted_at = manager, self._moment(met_on)
                elif status == Deadline.Status.CANCELLED:
                    cancelled = "No longer needed: the case was transferred."
                person = k.worker or (rng.choice(self.workers_of[k.team]) if k.team else None)
                yield {
                    "public_id": self._uuid(), "rule_key": key, "subject_type_id": ct, "subject_id": k.id,
                    # as ADR 5 asks: the rule and the local reference, never a name
                    "label": f"{all_rules[key].description} for VL{k.id:08d}"[:300],
                    "anchor_date": anchor, "due_date": due, "met_on": met_on, "status": status,
                    "responsible_person_id": person, "responsible_team_id": k.team, "late_reason": late_reason,
                    "late_accepted_by_id": accepted_by, "late_accepted_at": accepted_at,
                    "cancelled_reason": cancelled, "computation": computation[key],
                    "created_at": self._moment(min(anchor, self.ref)),
                }

        self.counts["deadlines"] += copy_rows(Deadline, rows())

    # --- what the benchmark uses -----------------------------------------------------------------
    def _subjects(self) -> dict:
        # a social worker of the first child protection team with a caseload, and one of their children
        def caseload(worker: int) -> list[Kid]:
            return [k for k in self.kids if k.worker == worker and k.open and not k.restricted and k.age is not None]

        workers = [w for t in self.teams_of[0, "cp"] for w in self.workers_of[t]]
        worker = next((w for w in workers if caseload(w)), None)
        if worker is None:  # a tiny scale: anyone with a child
            worker = next(k.worker for k in self.kids if k.worker is not None)
        page_child = (caseload(worker) or [k for k in self.kids if k.worker == worker])[0]
        # a police officer of the first force, and a child their force is involved with
        police = self.police_of[0]
        partner = self.practitioners[police][0]
        by_id = {k.id: k for k in self.kids}
        theirs = [by_id[c] for c in self.open_involvements.get(police, []) if not by_id[c].restricted]
        partner_child = theirs[0] if theirs else page_child
        return {
            "social_worker": worker, "partner_practitioner": partner, "partner_agency": police,
            "page_child": page_child.id,
            "search_social_worker": f"{page_child.first} {page_child.surname}",
            "search_partner": f"{partner_child.first} {partner_child.surname}",
        }

    def _record(self, seconds: float) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {META_TABLE}")
            cursor.execute(
                f"INSERT INTO {META_TABLE} (id, scale, children, deadlines, reference_date, loaded_at, seconds, rows, "
                "counts, subjects) VALUES (1, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [self.scale, self.n_children, self.n_deadlines, self.ref, self.now, seconds,
                 sum(self.counts.values()), json.dumps(dict(self.counts)), json.dumps(self._subjects())],
            )


def load(*, scale: float = 1.0, fresh: bool = False, seed: int = SEED, say: Say = print,
         today: date | None = None) -> dict | None:
    """Load the volume data at ``scale`` unless it is already there. Returns what was loaded, or None."""
    require_scratch_database()
    children, deadlines = scaled(scale)
    meta = loaded()
    if meta is not None and not fresh and (meta["children"], meta["deadlines"]) == (children, deadlines):
        say(f"Volume data already loaded at this scale ({children:,} children, {deadlines:,} deadlines, reference "
            f"date {meta['reference_date']}, loaded in {meta['seconds']:.1f} s): nothing to do (--fresh reloads).")
        return None
    if meta is not None or fresh:
        why = "--fresh" if fresh else (f"it holds {meta['children']:,} children and {meta['deadlines']:,} deadlines, "
                                       "another scale")
        say(f"Emptying the database first ({why}).")
        wipe(say)
    say(f"Loading {children:,} children and {deadlines:,} deadlines (scale {scale:g}) into {database_name()}.")
    return VolumeLoader(children=children, deadlines=deadlines, scale=scale, seed=seed, say=say, today=today).load()
