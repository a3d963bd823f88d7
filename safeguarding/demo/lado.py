"""Demo LADO service: what the demo LADO officer and LADO manager see on a working day (issue 11, section 5).

Built through ``lado.services`` only, so every deadline, index match, notification, calendar invitation and
history row is the real one. Dates are relative to today (working days, ``wd``):

- **the repeat subject**: a swimming coach referred eight months ago by a leisure centre (recorded by the
  LADO from a telephone call), advice to the employer, outcome unsubstantiated; referred again today by his
  new club's welfare officer through the portal: the new referral raises the repeat-allegation alert and
  awaits the LADO's evaluation;
- **referred late, with its reason**: a nursery manager's portal referral two working days after the nursery
  knew (the manager was on leave), awaiting evaluation;
- **open, a meeting this week, the police invited**: the demo school's DSL (a partner user) referred a teaching
  assistant; evaluated (a meeting, the police involved), a risk assessment, the demo police officer invited
  into the case and the allegations management meeting booked for the last working day of this week;
- **concluded, substantiated**: a teacher at the demo school; the strategy meeting held, the outcome with the
  DBS referral made and a referral to the Teaching Regulation Agency;
- **concluded, malicious**: a nursery practitioner; what the subject, the employer and the family are told;
- **a consultation**: a faith group's youth leader asking about a low-level concern (advice only).

**The LADO team.** The demo LADO officer is ``lado`` (data.LOGINS); this module adds the LADO manager (a LADO
officer and team manager of the same team, with the demo password: ``LADO_MANAGER``), printed at the end of
the load as the IRO manager is, and two portal referrers who registered and verified their email through the
portal's own services (a sports club's welfare officer and a nursery manager, ``REFERRERS``).

Idempotent: nothing is made while the demo authority has any LADO referral or consultation (the manager and
the portal accounts are found again by email). ``lado`` is imported inside the functions: the kernel imports
no domain app at import time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from safeguarding.accounts.models import Agency, Membership, Role, Team, User
from safeguarding.accounts.services import user_create
from safeguarding.clock import services as clock
from safeguarding.clock import workdays

from .data import DEMO_PASSWORD, EMAIL_DOMAIN
from .reviews import Person

Say = Callable[[str], None]

# The LADO manager: one membership holding the LADO officer and team manager roles (ADR 19); not one of
# data.LOGINS (each login there holds one role), printed at the end of the load with the demo password.
LADO_MANAGER = Person("lado.manager", "Imogen Clarke", "LADO Service Manager, Safeguarding & Quality Assurance Unit")
# Portal referrers (accounts without a membership of any agency), registered through the portal's services.
REFERRERS = {
    "coach": {"email": f"welfare@northmoor-swimming.{EMAIL_DOMAIN}", "full_name": "Gary Holt",
              "organisation": "Northmoor Swimming Club", "sector": "sports", "role": "other",
              "role_other": "Club welfare officer", "phone": "01632 960 410"},
    "nursery": {"email": f"manager@little-acorns.{EMAIL_DOMAIN}", "full_name": "Beverley Shaw",
                "organisation": "Little Acorns Day Nursery", "sector": "early_years", "role": "head",
                "phone": "01632 960 522"},
}
LATE_REASON = "The nursery manager was on annual leave and the deputy did not know to refer."
RESOLUTION_LATE = "The police investigation had to finish before the outcome could be decided."
REPEAT = {  # the swimming coach referred twice (the same name and date of birth)
    "subject_first_names": "Darren", "subject_surname": "Whitlock", "subject_date_of_birth": date(1979, 6, 21),
    "subject_role": "Swimming coach", "subject_employment_type": "volunteer", "subject_regulated_body": "none",
}


def _officer_of(la: Agency, user: User | None) -> bool:
    return user is not None and user.is_active and Membership.objects.filter(
        user=user, agency=la, is_active=True, roles__contains=[Role.LADO_OFFICER]).exists()


class DemoLado:
    def __init__(self, *, la: Agency, teams: dict[str, Team], logins: dict[str, User], say: Say = print):
        from lado import services

        self.services = services
        self.la, self.teams, self.logins, self.say = la, teams, logins, say
        self.today = timezone.localdate()
        self.closed = clock.closures()
        self.created: Counter = Counter()
        self.officer = logins.get("lado")
        self.manager: User | None = None

    def wd(self, n: int, start: date | None = None) -> date:
        """``n`` working days after (or before) ``start`` (today)."""
        return workdays.add_working_days(start or self.today, n, self.closed)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """``day`` at ``hour``:``minute`` local time, never later than now (a referral cannot arrive later)."""
        moment = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        return min(moment, timezone.now())

    @staticmethod
    def at_any(day: date, hour: int, minute: int = 0) -> datetime:
        """``day`` at ``hour``:``minute`` local time (a meeting's time, past or future)."""
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    def this_week(self) -> date:
        """The last working day of this week from today on (next working day if none is left)."""
        days = [self.today + timedelta(days=k) for k in range(0, 5 - self.today.weekday())]
        days = [d for d in days if workdays.is_working_day(d, self.closed)]
        return days[-1] if days else self.wd(1)

    # --- the load -------------------------------------------------------------------------------
    def load(self) -> Counter:
        from lado.models import Consultation, Referral

        held = (Referral.objects.filter(local_authority=self.la).count()
                + Consultation.objects.filter(local_authority=self.la).count())
        if held:
            self.say(f"Skipped the demo LADO service: {self.la.name} already has {held} referrals and consultations.")
            return self.created
        if not (_officer_of(self.la, self.officer) and "sqa" in self.teams and "school" in self.logins
                and "police" in self.logins):
            self.say(f"Skipped the demo LADO service: the demo LADO must be an active LADO officer of {self.la.name}.")
            return self.created
        self.manager = self._ensure_manager()
        self.coach, self.nursery = self._referrer("coach"), self._referrer("nursery")
        self.school = self.logins["school"]
        for make in (self._repeat_subject, self._late, self._open_with_meeting, self._substantiated,
                     self._malicious, self._consultation):
            make()
        self.say(f"  created {self.created['LADO referrals']} LADO referrals and {self.created['LADO consultations']} "
                 f"consultation; LADO manager: {LADO_MANAGER.email} (password {DEMO_PASSWORD}); portal referrers: "
                 + ", ".join(f"{r['email']} (password {DEMO_PASSWORD})" for r in REFERRERS.values()))
        return self.created

    # --- people ---------------------------------------------------------------------------------
    def _ensure_manager(self) -> User:
        user = User.objects.filter(email__iexact=LADO_MANAGER.email).first()
        if user is None:
            user = user_create(email=LADO_MANAGER.email, full_name=LADO_MANAGER.full_name, password=None,
                               agency=self.la, roles=[Role.LADO_OFFICER, Role.TEAM_MANAGER], team=self.teams["sqa"],
                               job_title=LADO_MANAGER.job_title)
            User.objects.filter(pk=user.pk).update(password=make_password(DEMO_PASSWORD))
            self.created["logins"] += 1
        return user

    def _referrer(self, key: str) -> User:
        """A portal account, registered and verified through the portal's services (found again by email)."""
        spec = REFERRERS[key]
        user = User.objects.filter(email__iexact=spec["email"]).first()
        if user is None:
            _, token = self.services.referrer_register(data={**spec, "local_authority": self.la})
            user = self.services.referrer_verify(token=token, password=DEMO_PASSWORD)
            self.created["LADO portal accounts"] += 1
        return user

    # --- referrals and cases --------------------------------------------------------------------
    def _refer(self, actor: User, *, received: datetime, knew_on: date, data: dict, children: list[dict],
               late_reason: str = "", source: str = "portal"):
        referral = self.services.referral_submit(
            actor=actor, local_authority=self.la, source=source, received_at=received, late_reason=late_reason,
            children=children, data={"employer_knew_on": knew_on, **data})
        self.created["LADO referrals"] += 1
        return referral

    def _evaluate(self, case, on: date, *, decision: str = "meeting", criteria: dict, rationale: str,
                  police: bool = False, informed_by: str = "employer"):
        case = self.services.case_subject_identify(actor=self.officer, case=case, entry=None)
        self.services.case_evaluate(actor=self.officer, case=case, evaluated_on=on, criteria=criteria,
                                    decision=decision, rationale=rationale, subject_informed_by=informed_by,
                                    subject_informed_on=on if informed_by != "not_yet" else None,
                                    police_involved=police)
        return case

    def _outcome(self, case, on: date, *, category: str, rationale: str, subject_told: str, employer_told: str,
                 family_told: str = "", dbs: str = "not_needed", dbs_on: date | None = None):
        self.services.case_outcome_record(
            actor=self.officer, case=case, category=category, decided_on=on, rationale=rationale,
            subject_told=subject_told, employer_told=employer_told, family_told=family_told, dbs_referral=dbs,
            dbs_referred_on=dbs_on, late_reason=RESOLUTION_LATE)

    def _repeat_subject(self) -> None:
        """A swimming coach referred eight months ago (unsubstantiated) and again today: the repeat alert."""
        first_on = self.wd(-170)
        first = self._refer(self.officer, source="lado", received=self.at(first_on, 11), knew_on=first_on, data={
            **REPEAT, "referrer_name": "Tom Ridley", "referrer_role": "Duty manager", "referrer_phone": "01632 960 301",
            "organisation": "Riverside Leisure Centre", "sector": "sports",
            "subject_employer": "Riverside Leisure Centre",
            "allegation": "A parent said the coach sent her 13-year-old daughter private messages on social media.",
            "actions_taken": "The coach was asked to stop coaching the junior squad while the centre looks into it."},
            children=[{"first_names": "Maisie", "age_or_year": "13", "details": "Junior squad swimmer"}])
        case = self._evaluate(first.case, self.wd(1, first_on), decision="advice", criteria={"risk_of_harm": True},
                              rationale="Messages outside the club's rules: the employer investigates, the LADO "
                                        "monitors.")
        self._outcome(case, self.wd(18, first_on), category="unsubstantiated",
                      rationale="The messages were deleted; not enough evidence either way.",
                      subject_told="Told by the centre's manager, in writing, with the club's rules on contact.",
                      employer_told="The outcome; a reminder of the code of conduct on social media.",
                      family_told="Told by the centre's manager that the concern was looked into.")
        self._refer(self.coach, received=self.at(self.today, 9, 15), knew_on=self.today, data={
            **REPEAT, "organisation": "Northmoor Swimming Club", "sector": "sports",
            "subject_employer": "Northmoor Swimming Club", "setting_address": "Northmoor Leisure Pool, Mill Lane",
            "allegation": "Two swimmers' parents say the coach offered their children lifts home and asked them "
                          "to keep it secret.",
            "actions_taken": "The coach has been asked not to attend sessions until we hear from the LADO."},
            children=[{"first_names": "Callum", "age_or_year": "12"}, {"first_names": "Ava", "age_or_year": "11"}])

    def _late(self) -> None:
        """A nursery's referral two working days after the nursery knew, with why (awaiting evaluation)."""
        knew = self.wd(-3)
        self._refer(self.nursery, received=self.at(self.wd(-1), 16, 40), knew_on=knew, late_reason=LATE_REASON,
                    data={
                        "organisation": "Little Acorns Day Nursery", "sector": "early_years",
                        "subject_first_names": "Kelly", "subject_surname": "Marsh",
                        "subject_role": "Nursery practitioner", "subject_employment_type": "agency",
                        "subject_employer": "Brightstart Staffing", "subject_regulated_body": "none",
                        "incident_on": knew,
                        "allegation": "A practitioner was seen smacking a toddler's hand at lunch.",
                        "actions_taken": "The agency was asked not to send her again; the parents were told."},
                    children=[{"first_names": "Oscar", "age_or_year": "2", "details": "Toddler room"}])

    def _open_with_meeting(self) -> None:
        """The demo school's DSL (a partner user) refers; a meeting booked this week with the police invited."""
        received = self.wd(-2)
        referral = self._refer(self.school, received=self.at(received, 13, 5), knew_on=received, data={
            "organisation": "Oakfield Primary School", "sector": "school",
            "subject_first_names": "Craig", "subject_surname": "Dunmore", "subject_role": "Teaching assistant",
            "subject_employment_type": "paid", "subject_employer": "Oakfield Primary School",
            "subject_regulated_body": "none", "subject_date_of_birth": date(1990, 11, 2),
            "allegation": "A Year 5 pupil said the teaching assistant pushed him against a wall in the corridor.",
            "actions_taken": "The head teacher has spoken to the pupil's mother; the TA is working in the office."},
            children=[{"first_names": "Jayden", "age_or_year": "Year 5"}])
        on = self.wd(-1)
        case = self._evaluate(referral.case, on, criteria={"harmed": True, "criminal_offence": True}, police=True,
                              informed_by="not_yet",
                              rationale="A possible assault: the threshold is met and the police must be involved.")
        self.services.case_safety_record(actor=self.officer, case=case, kind="risk_assessment", decided_on=on,
                                         details="Office duties only, no unsupervised contact with pupils.")
        police = self.logins["police"]
        self.services.case_invite(actor=self.officer, case=case, user=police, kind="police")
        self.services.meeting_book(
            actor=self.officer, case=case, kind="strategy", starts_at=self.at_any(self.this_week(), 14),
            ends_at=self.at_any(self.this_week(), 15, 30), venue="Northmoor Civic Centre, Room 2.14", invitees=[
                {"email": self.officer.email, "name": self.officer.full_name, "role": "lado", "user": self.officer},
                {"email": police.email, "name": police.full_name, "role": "police", "user": police},
                {"email": self.school.email, "name": self.school.full_name, "role": "employer", "user": self.school},
                {"email": f"hr@oakfield.{EMAIL_DOMAIN}", "name": "Oakfield HR adviser", "role": "other"},
            ])
        self.created["LADO meetings"] += 1

    def _substantiated(self) -> None:
        """A teacher: the meeting held, the outcome substantiated, the DBS and the regulator told."""
        received = self.wd(-40)
        referral = self._refer(self.school, received=self.at(received, 10), knew_on=received, data={
            "organisation": "Oakfield Primary School", "sector": "school",
            "subject_first_names": "Simon", "subject_surname": "Greaves", "subject_role": "Class teacher",
            "subject_employment_type": "paid", "subject_employer": "Oakfield Primary School",
            "subject_regulated_body": "tra", "subject_teacher_reference": "8712345",
            "subject_date_of_birth": date(1983, 2, 9),
            "allegation": "Pupils said the teacher showed the class violent videos and swore at a pupil.",
            "actions_taken": "The head teacher has collected the pupils' accounts."},
            children=[{"first_names": "Freya", "age_or_year": "Year 6"},
                      {"first_names": "Noah", "age_or_year": "Year 6"}])
        evaluated = self.wd(1, received)
        case = self._evaluate(referral.case, evaluated, criteria={"risk_of_harm": True, "unsuitable": True},
                              rationale="Behaviour that may mean he is unsuitable to work with children.")
        meeting = self.services.meeting_book(
            actor=self.officer, case=case, kind="strategy", starts_at=self.at_any(self.wd(3, received), 10),
            venue="Oakfield Primary School", invitees=[
                {"email": self.officer.email, "name": self.officer.full_name, "role": "lado", "user": self.officer},
                {"email": self.school.email, "name": self.school.full_name, "role": "employer", "user": self.school}])
        attended = list(meeting.invitees.values_list("pk", flat=True))
        self.services.meeting_hold(actor=self.officer, meeting=meeting, attended=attended,
                                   notes="The school investigates under its disciplinary procedure; the LADO "
                                         "reviews in three weeks.")
        decided = self.wd(18, received)
        self._outcome(case, decided, category="substantiated",
                      rationale="The school's investigation found the accounts consistent and the videos on the "
                                "class laptop.",
                      subject_told="Told by the head teacher at the disciplinary hearing, confirmed in writing.",
                      employer_told="The outcome; the DBS and Teaching Regulation Agency referrals.",
                      family_told="The parents were told the concern was substantiated and acted on.",
                      dbs="made", dbs_on=self.wd(2, decided))
        self.services.regulator_referral_record(actor=self.officer, case=case, regulator="tra",
                                                referred_on=self.wd(2, decided), referred_by_whom="The head teacher")
        self.created["LADO meetings"] += 1

    def _malicious(self) -> None:
        """A nursery practitioner: outcome malicious; what each party is told."""
        received = self.wd(-60)
        referral = self._refer(self.nursery, received=self.at(received, 15), knew_on=received, data={
            "organisation": "Little Acorns Day Nursery", "sector": "early_years",
            "subject_first_names": "Hannah", "subject_surname": "Okafor", "subject_role": "Room leader",
            "subject_employment_type": "paid", "subject_employer": "Little Acorns Day Nursery",
            "subject_regulated_body": "none", "subject_date_of_birth": date(1995, 8, 30),
            "allegation": "An anonymous note said the room leader leaves children alone in the garden.",
            "actions_taken": "The manager checked the rotas and the garden camera."},
            children=[{"details": "Pre-school room (any of the children)"}])
        case = self._evaluate(referral.case, self.wd(1, received), criteria={"harmed": True},
                              rationale="Neglect of children in her care, if true: the threshold is met.")
        self._outcome(case, self.wd(12, received), category="malicious",
                      rationale="The camera shows she was never alone with children; a former colleague admitted "
                                "writing the note to cause trouble.",
                      subject_told="Told by the nursery manager that the allegation was malicious and that it will "
                                   "not be mentioned in references.",
                      employer_told="The allegation was deliberately false: remove it from her file; consider "
                                    "action against the former colleague.",
                      family_told="No family was involved: the note named no child.")

    def _consultation(self) -> None:
        self.services.consultation_record(actor=self.officer, local_authority=self.la, data={
            "received_on": self.wd(-1), "contact_method": "phone", "caller_name": "Rev. Paul Adeyemi",
            "caller_role": "Safeguarding lead", "organisation": "St Barnabas Church", "sector": "faith",
            "subject_role": "Youth group leader", "question": "A youth leader added teenagers to a group chat "
                                                               "without their parents knowing.",
            "advice": "low_level_concern", "advice_given": "A low-level concern: record it under your own policy, "
                                                           "speak to the leader, and call again if it recurs."})
        self.created["LADO consultations"] += 1


def load(*, la: Agency, teams: dict[str, Team], logins: dict[str, User], say: Say = print) -> Counter:
    return DemoLado(la=la, teams=teams, logins=logins, say=say).load()
