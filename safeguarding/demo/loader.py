"""Build the demo world through the same services the pages and the API use.

``load(children=200)`` is idempotent. Agencies and teams are found again by their fixed public ids
(or their names) and created only when missing; logins are found by email and never changed once
they exist (passwords included); children are generated only while the demo local authority holds
none. Everything runs in one transaction, so a failed load leaves nothing behind.

The demo is the one kernel module that writes to the domain apps (through their services): it has
to build a world for all of them.
"""

from __future__ import annotations

import random
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from cases import services as case_services
from cases.identifiers import make_nhs_number, make_upn
from cases.models import Adult, Child, ChildAlias, Gender, Involvement, RelationshipKind
from safeguarding.accounts.models import Agency, Role, Team, User
from safeguarding.accounts.services import user_create

from . import conferences as demo_conferences
from . import data
from . import escalations as demo_escalations
from . import in_need as demo_in_need
from . import lado as demo_lado
from . import practice_reviews as demo_practice_reviews
from . import rapid_review as demo_rapid_review
from . import reviews as demo_reviews
from .data import AGENCY_BY_KEY, DEMO_PASSWORD, EMAIL_DOMAIN, LOGINS, SEED, demo_uuid

Say = Callable[[str], None]
DSL = "Designated safeguarding lead"
LOCK_KEY = 0x5AFE_DE30  # the advisory lock held while loading


# --- finding the demo world again -----------------------------------------------------------------
def find_agency(spec: data.AgencySpec) -> Agency | None:
    return (Agency.objects.filter(public_id=demo_uuid(f"agency:{spec.key}")).first()
            or Agency.objects.filter(name=spec.name).first())


def find_team(la: Agency, key: str, name: str) -> Team | None:
    return (Team.objects.filter(public_id=demo_uuid(f"team:{key}")).first()
            or Team.objects.filter(agency=la, name=name).first())


def find_login(spec: data.LoginSpec) -> User | None:
    return User.objects.filter(email__iexact=spec.email).first()


def demo_exists() -> bool:
    return find_agency(data.LA) is not None


def logins_table() -> list[tuple[str, str, str]]:
    """(role, email, password) of every demo login."""
    rows = []
    for spec in LOGINS:
        email = spec.email if find_login(spec) else f"{spec.email} (missing: run load_demo)"
        rows.append((spec.label, email, DEMO_PASSWORD))
    return rows


def format_logins(rows: list[tuple[str, str, str]]) -> list[str]:
    header = ("Role", "Email", "Password")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(3)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*header), fmt.format(*("-" * w for w in widths)), *(fmt.format(*row) for row in rows)]
    return [line.rstrip() for line in lines]


# --- the load -------------------------------------------------------------------------------------
@dataclass
class Family:
    surname: str
    line_1: str
    town: str
    postcode: str
    ethnicity: str
    first_language: str
    adults: list[tuple[Adult, dict]] = field(default_factory=list)  # (adult, relationship_add kwargs)
    carer_address: str | None = None  # where a looked-after child lives: "line 1\ntown\npostcode"
    on_licence: Adult | None = None  # an adult of the household supervised by probation

    @property
    def mother(self) -> Adult:
        return self.adults[0][0]

    @property
    def kinship(self) -> bool:
        return any(rel["kind"] == RelationshipKind.KINSHIP_CARER for _, rel in self.adults)


class DemoLoader:
    def __init__(self, *, children: int = data.DEFAULT_CHILDREN, seed: int = SEED, say: Say = print):
        self.n_children = children
        self.say = say
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.today = timezone.localdate()
        self.created: Counter = Counter()
        self.agencies: dict[str, Agency] = {}
        self.teams: dict[str, Team] = {}
        self.logins: dict[str, User] = {}
        self.team_workers: dict[str, list[User]] = {}
        self.team_managers: dict[str, User] = {}
        self.children: list[Child] = []
        self._password_hash = ""

    def load(self) -> Counter:
        started = time.monotonic()
        with demo_conferences.no_outgoing_email(), transaction.atomic():
            with connection.cursor() as cursor:  # two loads at once (`make run`, `make demo`) take turns
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            if demo_exists():
                self.say("The demo local authority exists: keeping its data, checking the logins.")
            else:
                self.say("No demo local authority yet: creating the demo world.")
            self._ensure_agencies()
            self._ensure_logins()
            held = Child.objects.filter(local_authority=self.agencies["la"]).count()
            if held:
                self.say(f"Skipped generating children: {self.agencies['la'].name} already holds {held}.")
            elif self.n_children == 0:
                self.say("Skipped generating children (--children 0).")
            else:
                self._ensure_staff()
                self._generate_children()
            self.created.update(demo_conferences.load(la=self.agencies["la"], teams=self.teams, logins=self.logins,
                                                      say=self.say))
            self.created.update(demo_in_need.load(la=self.agencies["la"], say=self.say))
            with demo_conferences.quiet_pdf_logs():
                self.created.update(demo_reviews.load(la=self.agencies["la"], teams=self.teams, logins=self.logins,
                                                      say=self.say))
            self.created.update(demo_lado.load(la=self.agencies["la"], teams=self.teams, logins=self.logins,
                                               say=self.say))
            self.created.update(demo_rapid_review.load(agencies=self.agencies, teams=self.teams, logins=self.logins,
                                                       say=self.say))
            self.created.update(demo_practice_reviews.load(la=self.agencies["la"], logins=self.logins, say=self.say))
            self.created.update(demo_escalations.load(la=self.agencies["la"], teams=self.teams,  # ADR 25
                                                      logins=self.logins, say=self.say))
        if self.created:
            self.say("Created " + ", ".join(f"{n} {what}" for what, n in self.created.items()) + ".")
        else:
            self.say("Nothing to create: the demo data is already loaded.")
        self.say(f"Done in {time.monotonic() - started:.1f} s.")
        return self.created

    # --- agencies, teams, people ----------------------------------------------------------------
    def _ensure_agencies(self) -> None:
        for spec in data.AGENCIES:
            agency = find_agency(spec)
            if agency is None:
                agency = Agency(public_id=demo_uuid(f"agency:{spec.key}"), name=spec.name, kind=spec.kind,
                                statutory_partner=spec.statutory_partner)
                agency._change_reason = "Demo data"
                agency.save()
                self.created["agencies"] += 1
                self.say(f"  created agency: {agency.name}")
            self.agencies[spec.key] = agency
        for key, name in data.TEAMS:
            team = find_team(self.agencies["la"], key, name)
            if team is None:
                team = Team(public_id=demo_uuid(f"team:{key}"), agency=self.agencies["la"], name=name)
                team._change_reason = "Demo data"
                team.save()
                self.created["teams"] += 1
                self.say(f"  created team: {name}")
            self.teams[key] = team

    def _new_user(self, *, email: str, full_name: str, job_title: str, agency: Agency, role: str,
                  team: Team | None, admin: bool = False) -> User:
        user = user_create(email=email, full_name=full_name, password=None, agency=agency, roles=[role],
                           team=team, job_title=job_title)
        # Hashing is slow on purpose, so the demo accounts share one hash (passwords are not in the history).
        if not self._password_hash:
            self._password_hash = make_password(DEMO_PASSWORD)
        User.objects.filter(pk=user.pk).update(password=self._password_hash)
        user.password = self._password_hash
        if admin:
            user.is_staff = user.is_superuser = True
            user._change_reason = "Demo administrator: may use the Django admin"
            user.save(update_fields=["is_staff", "is_superuser"])
        return user

    def _ensure_logins(self) -> None:
        for spec in LOGINS:
            user = find_login(spec)
            if user is None:
                user = self._new_user(email=spec.email, full_name=spec.full_name, job_title=spec.job_title,
                                      agency=self.agencies[spec.agency], role=spec.role,
                                      team=self.teams[spec.team] if spec.team else None, admin=spec.admin)
                self.created["logins"] += 1
                self.say(f"  created login: {spec.email} ({spec.label})")
            self.logins[spec.key] = user

    def _ensure_staff(self) -> None:
        """The other social workers and team managers of the casework teams."""
        la = self.agencies["la"]
        for key, (n_workers, with_manager) in data.GENERATED_STAFF.items():
            team = self.teams[key]

            def members(role, team=team):  # one filter(): the same membership has the team and the role
                return User.objects.filter(is_active=True, memberships__team=team,
                                           memberships__is_active=True,
                                           memberships__roles__contains=[role]).order_by("pk")

            workers = list(members(Role.SOCIAL_WORKER).exclude(pk=self.logins["social_worker"].pk))
            while len(workers) < n_workers:
                name = f"{self.fake.first_name()} {self.fake.last_name()}"
                workers.append(self._new_user(email=self._staff_email(name), full_name=name, agency=la,
                                              team=team, role=Role.SOCIAL_WORKER,
                                              job_title=self.rng.choice(data.SOCIAL_WORKER_TITLES)))
                self.created["staff"] += 1
            self.team_workers[key] = workers
            manager = members(Role.TEAM_MANAGER).first()
            if manager is None and with_manager:
                name = f"{self.fake.first_name()} {self.fake.last_name()}"
                manager = self._new_user(email=self._staff_email(name), full_name=name, agency=la, team=team,
                                         job_title=f"Team Manager, {team.name}", role=Role.TEAM_MANAGER)
                self.created["staff"] += 1
            if manager is not None:
                self.team_managers[key] = manager
        # the demo social worker is the first of the Child Protection Team
        self.team_workers["cp"].insert(0, self.logins["social_worker"])
        self.team_managers.setdefault("cp", self.logins["team_manager"])

    @staticmethod
    def _ascii(text: str, sep: str = "") -> str:
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
        return re.sub(r"[^a-z]+", sep, plain).strip(sep)

    def _staff_email(self, full_name: str) -> str:
        local = self._ascii(full_name, ".")
        email, n = f"{local}@{EMAIL_DOMAIN}", 1
        while User.objects.filter(email__iexact=email).exists():
            n += 1
            email = f"{local}{n}@{EMAIL_DOMAIN}"
        return email

    # --- identifiers ----------------------------------------------------------------------------
    def _nhs_number(self) -> str:
        # 999 000 0000 to 999 999 9999 are NHS test numbers, never given to a patient
        while True:
            number = make_nhs_number(f"999{self.rng.randrange(10**6):06d}")
            if number and number not in self.used_nhs:
                self.used_nhs.add(number)
                return number

    def _upn(self, school: data.AgencySpec, dob: date) -> str:
        """LA code, school, the year the child started school (the September after they turn 4), serial."""
        year = min(dob.year + (4 if dob.month < 9 else 5), self.today.year) % 100
        while True:
            self.upn_serials[school.key, year] += 1
            upn = make_upn(f"{data.LA_CODE:03d}{school.establishment:04d}{year:02d}"
                           f"{self.upn_serials[school.key, year]:03d}")
            if upn not in self.used_upn:
                self.used_upn.add(upn)
                return upn

    # --- small generators -----------------------------------------------------------------------
    def _days_ago(self, lo: int, hi: int, *, not_before: date | None = None) -> date:
        """A day between ``hi`` and ``lo`` days ago; soon after ``not_before`` if that is later."""
        day = self.today - timedelta(days=self.rng.randint(lo, hi))
        if not_before is not None and day < not_before:
            day = min(not_before + timedelta(days=self.rng.randint(0, 14)), self.today)
        return day

    def _dob_for_age(self, age: int) -> date:
        return self.today - timedelta(days=int(age * 365.25) + self.rng.randint(0, 364))

    def _postcode(self) -> str:
        letters = data.POSTCODE_LETTERS
        return (f"NM{self.rng.randint(1, 14)} {self.rng.randint(1, 9)}"
                f"{self.rng.choice(letters)}{self.rng.choice(letters)}")

    def _street(self) -> str:
        return f"{self.rng.randint(1, 180)} {self.fake.last_name()} {self.rng.choice(data.STREET_SUFFIXES)}"

    def _elsewhere(self) -> str:
        return f"{self._street()}\n{self.rng.choice(data.TOWNS)}\n{self._postcode()}"

    def _between(self, first: date, last: date, *, at_most_days: int = 700) -> date:
        """A day from ``first`` to ``last``, within ``at_most_days`` before ``last``."""
        first = max(first, last - timedelta(days=at_most_days))
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    @staticmethod
    def _chronology_kind(agency_key: str) -> str:
        if agency_key in data.SCHOOL_KEYS:
            return "education"
        return "health" if agency_key == "trust" else agency_key

    @staticmethod
    def _on_roll(school_key: str, age: int) -> bool:
        youngest, oldest = AGENCY_BY_KEY[school_key].ages
        return youngest <= age <= oldest

    def _weighted(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _adult(self, *, family: Family, first: str, surname: str, gender: str, age: int,
               address: str) -> Adult:
        language = family.first_language
        email = ""
        if self.rng.random() < 0.6:
            email = f"{self._ascii(first)}.{self._ascii(surname)}{self.rng.randint(1, 99)}@example.com"
        adult = case_services.adult_create(actor=self.actor, data={
            "first_names": first, "surname": surname, "gender": gender,
            "date_of_birth": self._dob_for_age(age),
            "phone": f"07700 900{self.rng.randint(0, 999):03d}",  # Ofcom's drama range: never a real line
            "email": email, "address": address, "first_language": language,
            "needs_interpreter": language != "English" and self.rng.random() < 0.5,
        })
        self.created["adults"] += 1
        return adult

    def _professional(self, agency_key: str) -> tuple[str, str]:
        first, last = self.fake.first_name(), self.fake.last_name()
        email = f"{self._ascii(first)[:1]}.{self._ascii(last)}@{AGENCY_BY_KEY[agency_key].email_domain}"
        return f"{'Dr ' if agency_key == 'gp' else ''}{first} {last}", email

    # --- the children ---------------------------------------------------------------------------
    def _generate_children(self) -> None:
        self.used_nhs = set(Child.objects.exclude(nhs_number="").values_list("nhs_number", flat=True))
        self.used_upn = set(Child.objects.exclude(upn="").values_list("upn", flat=True))
        self.upn_serials: Counter = Counter()
        self.actor = self.team_managers["assessment"]  # records adults and anything no worker owns
        self.demo_sw = self.logins["social_worker"]
        self.demo_target = max(1, round(self.n_children * data.DEMO_CASELOAD_SHARE))
        self.remaining = self.n_children
        for make in (self._duplicate_pair, self._restricted_children, self._unborn_children,
                     self._closed_children):
            if self.remaining > 0:
                make()
        while self.remaining > 0:
            self._generic_family()
        self._ensure_partner_involvements()
        self.say(f"  created {len(self.children)} children")

    def _allocation(self) -> tuple[str | None, User | None]:
        load = Counter(c.allocated_social_worker_id for c in self.children)
        if load[self.demo_sw.pk] < self.demo_target and self.rng.random() < 0.4:
            return "cp", self.demo_sw
        team = self._weighted(data.TEAM_WEIGHTS)
        if team is None or (team == "assessment" and self.rng.random() < 0.35):
            return team, None  # unallocated, or waiting for a worker in the team
        workers = self.team_workers[team]
        if team == "cp":
            workers = workers[1:] or workers  # the demo worker's caseload is filled above
        lightest = min(load[w.pk] for w in workers)
        return team, self.rng.choice([w for w in workers if load[w.pk] <= lightest + 2])

    def _family(self, *, team: str | None, eldest_age: int, surname: str = "", mother_first: str = "",
                mother_only: bool = False) -> Family:
        rng, fake = self.rng, self.fake
        ethnicity = self._weighted(data.ETHNICITY_WEIGHTS)
        family = Family(surname=surname or fake.last_name(), line_1=self._street(),
                        town=rng.choice(data.TOWNS), postcode=self._postcode(), ethnicity=ethnicity,
                        first_language=rng.choice(data.LANGUAGES.get(ethnicity, ("English",))))
        home = f"{family.line_1}\n{family.town}\n{family.postcode}"
        in_care = team == "cic"
        mother_surname = family.surname if rng.random() < 0.75 else fake.last_name()
        mother = self._adult(family=family, first=mother_first or fake.first_name_female(),
                             surname=mother_surname, gender=Gender.FEMALE,
                             age=eldest_age + rng.randint(18, 36), address=home)
        family.adults.append((mother, {"kind": RelationshipKind.MOTHER, "parental_responsibility": True,
                                       "lives_with_child": not in_care}))
        if mother_only:
            return family
        if rng.random() < 0.65:
            at_home = not in_care and rng.random() < 0.45
            father = self._adult(family=family, first=fake.first_name_male(), surname=family.surname,
                                 gender=Gender.MALE, age=eldest_age + rng.randint(19, 40),
                                 address=home if at_home else self._elsewhere())
            family.adults.append((father, {"kind": RelationshipKind.FATHER, "lives_with_child": at_home,
                                           "parental_responsibility": rng.random() < 0.8}))
        if not in_care and rng.random() < 0.15:
            partner = self._adult(family=family, first=fake.first_name_male(), surname=fake.last_name(),
                                  gender=Gender.MALE, age=eldest_age + rng.randint(20, 40), address=home)
            family.adults.append((partner, {"kind": RelationshipKind.PARENTS_PARTNER,
                                            "lives_with_child": True}))
        if in_care or rng.random() < 0.15:
            kinship = in_care and rng.random() < 0.3
            grandmother = self._adult(family=family, first=fake.first_name_female(), surname=mother_surname,
                                      gender=Gender.FEMALE, age=eldest_age + rng.randint(40, 60),
                                      address=self._elsewhere())
            family.adults.append((grandmother, {
                "kind": RelationshipKind.KINSHIP_CARER if kinship else RelationshipKind.GRANDPARENT,
                "lives_with_child": kinship}))
            if kinship:
                family.carer_address = grandmother.address
        if in_care and family.carer_address is None:
            family.carer_address = self._elsewhere()
            carers_surname = fake.last_name()
            carers = ((fake.first_name_female(), Gender.FEMALE), (fake.first_name_male(), Gender.MALE))
            for first, gender in carers:
                carer = self._adult(family=family, first=first, surname=carers_surname, gender=gender,
                                    age=rng.randint(35, 62), address=family.carer_address)
                family.adults.append((carer, {"kind": RelationshipKind.FOSTER_CARER,
                                              "lives_with_child": True}))
        if len(family.adults) > 1 and rng.random() < 0.06:
            family.on_licence = family.adults[1][0]
        return family

    def _generic_family(self) -> None:
        team, worker = self._allocation()
        size = min(self.remaining, self.rng.choices((1, 2, 3, 4), weights=(50, 30, 15, 5))[0])
        ages = sorted({self.rng.randint(0, 17) for _ in range(size)}, reverse=True)
        family = self._family(team=team, eldest_age=ages[0])
        for age in ages:
            self._child(family=family, team=team, worker=worker, age=age)

    def _child(self, *, family: Family, team: str | None, worker: User | None, age: int = 0,
               first: str = "", sex: str = "", dob: date | None = None, expected: date | None = None,
               nhs: bool | None = None, upn: bool | None = None, school_key: str = "",
               extra_chronology: tuple = ()) -> Child:
        rng = self.rng
        unborn = expected is not None
        sex = sex or rng.choice("MF")
        school = None
        if unborn:
            first_names, gender, age = "Unborn", Gender.NOT_KNOWN, None
        else:
            dob = dob or self._dob_for_age(age)
            age = (self.today - dob).days * 100 // 36525
            names = data.BOYS if sex == "M" else data.GIRLS
            first = first or rng.choice(names)
            middle = rng.choice(names) if rng.random() < 0.4 else first
            first_names = first if middle == first else f"{first} {middle}"
            gender = Gender.MALE if sex == "M" else Gender.FEMALE
            if rng.random() < 0.02:
                gender = Gender.NOT_STATED
            if school_key:
                school = AGENCY_BY_KEY[school_key]
            elif age >= 3 and rng.random() < (0.95 if 4 <= age <= 16 else 0.6):
                options = [k for k in data.SCHOOL_KEYS if self._on_roll(k, age)]
                if "oakfield" in options and rng.random() < 0.4:
                    options = ["oakfield"]  # the demo school login's school
                elif len(options) > 1 and rng.random() < 0.9:
                    options = [k for k in options if k != "greenbank"]  # the special school is small
                school = AGENCY_BY_KEY[rng.choice(options)] if options else None
        give_nhs = not unborn and (rng.random() < 0.93 if nhs is None else nhs)
        give_upn = school is not None and age >= 4 and (rng.random() < 0.85 if upn is None else upn)
        disabilities = [] if unborn else rng.choices(
            (["NONE"], [], [rng.choice(data.DISABILITY_CODES)], rng.sample(data.DISABILITY_CODES, 2)),
            weights=(78, 8, 11, 3))[0]
        actor = worker or self.team_managers.get(team) or self.actor
        child = case_services.child_create(
            actor=actor, local_authority=self.agencies["la"], visible_children=Child.objects.none(),
            confirm_not_duplicate=True, allocated_social_worker=worker,
            allocated_team=self.teams[team] if team else None,
            data={
                "legal_first_names": first_names, "legal_surname": family.surname,
                "preferred_name": data.PREFERRED.get(first, "") if rng.random() < 0.6 else "",
                "date_of_birth": dob, "expected_date_of_birth": expected, "gender": gender,
                "ethnicity": family.ethnicity, "first_language": family.first_language,
                "disabilities": disabilities,
                "nhs_number": self._nhs_number() if give_nhs else "",
                "upn": self._upn(school, dob) if give_upn else "",
            },
        )
        self.children.append(child)
        self.remaining -= 1
        self.created["children"] += 1

        known_since = dob or self.today - timedelta(days=rng.randint(30, 200))
        looked_after_on = self._relationships(child=child, family=family, actor=actor, dob=dob, team=team)
        self._addresses(child=child, family=family, actor=actor, since=known_since, placed_on=looked_after_on)
        self._involvements(child=child, family=family, actor=actor, age=age, dob=dob or known_since,
                           school=school, team=team)
        self._chronology(child=child, family=family, actor=actor, since=known_since, team=team, school=school,
                         looked_after_on=looked_after_on, extra=extra_chronology, many=worker == self.demo_sw)
        if not unborn and rng.random() < 0.08:
            old_surname = family.mother.surname
            if old_surname == family.surname:
                old_surname = self.fake.last_name()
            case_services.child_alias_add(child=child, actor=actor, name=f"{first} {old_surname}",
                                          kind=ChildAlias.Kind.PREVIOUS)
            self.created["aliases"] += 1
        return child

    def _relationships(self, *, child: Child, family: Family, actor: User, dob: date | None,
                       team: str | None) -> date | None:
        """Add the family's adults; return the day a looked-after child was placed."""
        looked_after_on = self._days_ago(200, 900, not_before=dob) if team == "cic" and dob else None
        for adult, rel in family.adults:
            start = dob
            if rel["kind"] in (RelationshipKind.FOSTER_CARER, RelationshipKind.KINSHIP_CARER):
                start = looked_after_on
            elif rel["kind"] == RelationshipKind.PARENTS_PARTNER:
                start = self._days_ago(60, 1500, not_before=dob)
            case_services.relationship_add(child=child, adult=adult, actor=actor, start_date=start, **rel)
            self.created["relationships"] += 1
        return looked_after_on

    def _addresses(self, *, child: Child, family: Family, actor: User, since: date,
                   placed_on: date | None) -> None:
        """The current address, after a previous one for some (for a looked-after child, the family home)."""
        start = min(since, self.today)
        if placed_on is not None and placed_on > start:
            case_services.child_address_set(child=child, actor=actor, line_1=family.line_1, town=family.town,
                                            postcode=family.postcode, start_date=start)
            start = placed_on
        elif placed_on is None and self.rng.random() < 0.2 and (self.today - start).days > 10:
            case_services.child_address_set(child=child, actor=actor, line_1=self._street(),
                                            town=self.rng.choice(data.TOWNS), postcode=self._postcode(),
                                            start_date=start)
            start += timedelta(days=self.rng.randint(1, (self.today - start).days))
        if placed_on is not None:
            line_1, town, postcode = family.carer_address.split("\n")
        else:
            line_1, town, postcode = family.line_1, family.town, family.postcode
        case_services.child_address_set(child=child, actor=actor, line_1=line_1, town=town, postcode=postcode,
                                        start_date=start)

    def _add_involvement(self, *, child: Child, actor: User, agency_key: str, role: str, start: date,
                         end: date | None = None, end_reason: str = "", login_key: str = "") -> Involvement:
        """An involvement; the demo login of the agency (``login_key``) is the professional on about half."""
        start = min(start, self.today)
        if login_key and self.rng.random() < 0.5:
            who = {"professional": self.logins[login_key]}
        else:
            name, email = self._professional(agency_key)
            who = {"professional_name": name, "professional_email": email}
        involvement = case_services.involvement_add(child=child, actor=actor, role=role, start_date=start,
                                                    agency=self.agencies[agency_key], **who)
        self.created["involvements"] += 1
        if end is not None:
            case_services.involvement_end(involvement=involvement, actor=actor, reason=end_reason,
                                          end_date=max(min(end, self.today - timedelta(days=1)), start))
            self.created["ended involvements"] += 1
        return involvement

    def _involvements(self, *, child: Child, family: Family, actor: User, age: int | None, dob: date,
                      school: data.AgencySpec | None, team: str | None) -> None:
        rng, add = self.rng, self._add_involvement
        if age is None:  # unborn: dob is when the pregnancy became known
            add(child=child, actor=actor, agency_key="trust", role="Community midwife", start=dob)
            return
        if school is not None:
            started = max(dob + timedelta(days=365 * school.ages[0] + 200), self.today - timedelta(days=900))
            previous = [k for k in data.SCHOOL_KEYS if k != school.key and self._on_roll(k, age - 1)]
            if previous and rng.random() < 0.1 and (self.today - started).days > 200:
                add(child=child, actor=actor, agency_key=rng.choice(previous), role=DSL, end=started,
                    start=started - timedelta(days=rng.randint(200, 700)), end_reason="Moved school")
            role = rng.choice(data.PRIMARY_ROLES if school.ages[0] < 11 else data.SECONDARY_ROLES)
            demo_dsl = school.key == data.LOGIN_BY_KEY["school"].agency and role == DSL
            add(child=child, actor=actor, agency_key=school.key, role=role, start=started,
                login_key="school" if demo_dsl else "")
        if age < 5:
            add(child=child, actor=actor, agency_key="trust", role="Health visitor",
                start=dob + timedelta(days=rng.randint(10, 14)), login_key="health")
        else:
            if age <= 7 and rng.random() < 0.5:
                add(child=child, actor=actor, agency_key="trust", role="Health visitor",
                    start=dob + timedelta(days=12), end=dob + timedelta(days=365 * 5),
                    end_reason="Transferred to the school nursing service")
            if rng.random() < 0.3:
                add(child=child, actor=actor, agency_key="trust", role="School nurse",
                    start=self._days_ago(30, 600, not_before=dob))
        if rng.random() < 0.5:
            add(child=child, actor=actor, agency_key="gp", role="GP", start=dob)
        if rng.random() < (0.45 if team == "cp" else 0.15):
            add(child=child, actor=actor, agency_key="police", role=rng.choice(data.POLICE_ROLES),
                start=self._days_ago(10, 500, not_before=dob), login_key="police")
        if family.on_licence is not None:
            add(child=child, actor=actor, agency_key="probation",
                role=f"Probation practitioner for {family.on_licence.full_name}",
                start=self._days_ago(30, 300, not_before=dob))
        if rng.random() < 0.12:
            add(child=child, actor=actor, agency_key="voluntary", role=rng.choice(data.VOLUNTARY_ROLES),
                start=self._days_ago(20, 400, not_before=dob), end_reason="Work completed",
                end=self._days_ago(1, 15) if rng.random() < 0.3 else None)

    def _chronology(self, *, child: Child, family: Family, actor: User, since: date, team: str | None,
                    school: data.AgencySpec | None, looked_after_on: date | None, extra: tuple,
                    many: bool) -> None:
        """The entries that put the child in their state, then everyday ones from the agencies involved."""
        rng = self.rng
        since = min(since, self.today)
        names = {
            "child": child.preferred_name or child.legal_first_names.split()[0],
            "adult": family.mother.full_name,
            "school": school.name if school else "school", "category": rng.choice(data.CP_CATEGORIES),
            "placement": "a relative as kinship carer" if family.kinship else "foster carers",
        }
        names["legal_basis"] = rng.choice(data.CIC_LEGAL_BASIS).format(**names)
        entries: list[tuple[str, str, date, str]] = []  # (agency key, significance, occurred on, summary)
        if child.is_unborn:
            for source, significance, text in data.UNBORN_CHRONOLOGY[: rng.randint(2, 4)]:
                entries.append((source, significance, self._days_ago(0, 120, not_before=since), text))
        else:
            for source, significance, (lo, hi), text in data.TEAM_MILESTONES.get(team, ()):
                on = looked_after_on if "looked after and" in text and looked_after_on else None
                entries.append((source, significance, on or self._days_ago(lo, hi, not_before=since), text))
            # the council's own work follows the referral; other agencies write once they are involved
            key_of = {agency.pk: key for key, agency in self.agencies.items()}
            not_before = {"la": min((entry[2] for entry in entries), default=since)}
            for agency_id, start in child.involvements.order_by("-start_date").values_list("agency_id",
                                                                                            "start_date"):
                key = key_of.get(agency_id)
                if key in ("police", "trust", "gp", "probation", "voluntary") or school and key == school.key:
                    not_before[key] = max(since, start)  # the earliest start wins (ordered latest first)
            age = (self.today - child.date_of_birth).days * 100 // 36525
            fitting = [(source, template) for source in sorted(not_before)
                       for template in data.CHRONOLOGY[self._chronology_kind(source)]
                       if template[2] <= age <= template[3] and (school or "{school}" not in template[1])]
            count = rng.randint(3, 7) if many else rng.randint(1, 4)
            for source, (significance, text, _, _) in rng.sample(fitting, min(count, len(fitting))):
                entries.append((source, significance, self._between(not_before[source], self.today), text))
        entries.extend(extra)
        # what a partner agency shares is recorded by its demo practitioner where there is one
        recorders = {data.LOGIN_BY_KEY[key].agency: self.logins[key] for key in data.PARTNER_LOGINS}
        for source, significance, occurred_on, text in entries:
            case_services.chronology_add(
                child=child, actor=recorders.get(source, actor), source_agency=self.agencies[source],
                occurred_on=min(max(occurred_on, since), self.today), summary=text.format(**names),
                significance=significance,
            )
            self.created["chronology entries"] += 1

    # --- the special cases ----------------------------------------------------------------------
    def _duplicate_pair(self) -> None:
        """One child recorded twice: Kayden Whitworth (4 March) and Kaydan Whitworth (3 April)."""
        year = self.today.year - 9
        family = self._family(team="cp", eldest_age=9, surname="Whitworth", mother_first="Leanne")
        self._child(family=family, team="cp", worker=self.demo_sw, first="Kayden", sex="M",
                    dob=date(year, 3, 4), nhs=True, upn=True, school_key="oakfield")
        if self.remaining <= 0:
            return
        again = self._family(team="assessment", eldest_age=9, surname="Whitworth", mother_first="Leanne",
                             mother_only=True)
        again.line_1 = family.line_1.replace("Road", "Rd").replace("Street", "St").replace("Avenue", "Ave")
        again.town, again.postcode = family.town, family.postcode
        found = ("police", data.SIGNIFICANT, self._days_ago(2, 6),
                 "Police contact: {child} found near the canal late at night and taken home to {adult}.")
        self._child(family=again, team="assessment", worker=None, first="Kaydan", sex="M",
                    dob=date(year, 4, 3), nhs=False, upn=False, school_key="oakfield",
                    extra_chronology=(found,))

    def _restricted_children(self) -> None:
        """Three restricted records: one naming the demo social worker (and their manager), two that
        others with a reason to see them, the demo team manager and police officer included, must
        break the glass to open."""
        cin_worker = self.team_workers["cin"][0]
        cp_worker = self.team_workers["cp"][1] if len(self.team_workers["cp"]) > 1 else self.demo_sw
        plans = (
            ("profile", "cp", self.demo_sw, [self.demo_sw, self.logins["team_manager"]]),
            ("staff", "cin", cin_worker, [cin_worker]),
            ("police", "cp", cp_worker, [cp_worker]),
        )
        for reason, team, worker, named in plans:
            if self.remaining <= 0:
                return
            child = self._child(family=self._family(team=team, eldest_age=8), team=team, worker=worker,
                                age=self.rng.randint(2, 15))
            if reason == "police" and not child.involvements.filter(agency=self.agencies["police"]).exists():
                self._add_involvement(child=child, actor=worker, agency_key="police", login_key="police",
                                      role="Child abuse investigation team", start=self._days_ago(10, 60))
            case_services.child_set_restriction(
                child=child, actor=self.logins["service_manager"], restricted=True,
                named_people=[*named, self.logins["service_manager"]],
                reason=data.RESTRICTION_REASONS[reason])
            self.created["restricted children"] += 1

    def _unborn_children(self) -> None:
        for i in range(max(1, round(self.n_children * 0.02))):
            if self.remaining <= 0:
                return
            if i == 0:
                team, worker = "cp", self.demo_sw
            elif i % 2:
                team, worker = "assessment", None
            else:
                team, worker = "cin", self.rng.choice(self.team_workers["cin"])
            self._child(family=self._family(team=team, eldest_age=0), team=team, worker=worker,
                        expected=self.today + timedelta(days=self.rng.randint(20, 180)))
            self.created["unborn children"] += 1

    def _closed_children(self) -> None:
        for reason in data.CLOSURE_REASONS:
            if self.remaining <= 0:
                return
            child = self._child(family=self._family(team=None, eldest_age=10), team=None, worker=None,
                                age=self.rng.randint(3, 16))
            for involvement in child.involvements.filter(end_date__isnull=True):
                ended = self._days_ago(5, 30, not_before=involvement.start_date)
                case_services.involvement_end(involvement=involvement, actor=self.actor, end_date=ended,
                                              reason="Case closed")
                self.created["ended involvements"] += 1
            case_services.chronology_add(child=child, actor=self.actor, source_agency=self.agencies["la"],
                                         occurred_on=self.today, summary=f"Case closed. {reason}")
            self.created["chronology entries"] += 1
            case_services.child_close(child=child, actor=self.actor, reason=reason)
            self.created["closed children"] += 1

    def _ensure_partner_involvements(self) -> None:
        """Each partner practitioner's agency has an open involvement with a child they may see."""
        open_children = Child.objects.filter(local_authority=self.agencies["la"], status=Child.Status.OPEN,
                                             restricted=False).order_by("pk")
        for key in data.PARTNER_LOGINS:
            agency = self.agencies[data.LOGIN_BY_KEY[key].agency]
            if open_children.filter(involvements__agency=agency, involvements__end_date__isnull=True,
                                    involvements__entered_in_error_at__isnull=True).exists():
                continue
            candidates = list(open_children.filter(date_of_birth__isnull=False)) or list(open_children)
            if not candidates:
                continue
            child = self.rng.choice(candidates)
            under_five = child.date_of_birth is not None and (self.today - child.date_of_birth).days < 5 * 365
            role = {"police": "Officer in the case", "school": "Designated safeguarding lead",
                    "health": "Health visitor" if under_five else "School nurse"}[key]
            self._add_involvement(child=child, actor=child.allocated_social_worker or self.actor,
                                  agency_key=data.LOGIN_BY_KEY[key].agency, role=role, login_key=key,
                                  start=self._days_ago(5, 90, not_before=child.date_of_birth))


def load(*, children: int = data.DEFAULT_CHILDREN, seed: int = SEED, say: Say = print) -> Counter:
    return DemoLoader(children=children, seed=seed, say=say).load()
