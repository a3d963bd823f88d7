"""State factories for the LADO (issue 11), named after states and built through the public services
(``lado.services``), so the deadlines, events, index matches and history of each state are there too.

    officer, manager = lado_officer_of(la), lado_manager_of(la)    # the LADO team (team "LADO service")
    referrer = RegisteredReferrerFactory(local_authority=la)        # a verified portal account (a User)
    referral = ReceivedReferralFactory(referrer=referrer)           # referred the day the employer knew
    case = IdentifiedCaseFactory()                                  # and its subject added to the index
    case = EvaluatedCaseFactory()                                   # evaluated: a meeting, the case open
    case = ConcludedCaseFactory(category="unsubstantiated")         # and its outcome: closed
    consultation = ConsultationFactory()                            # advice given, counted

``referrer`` defaults to a new portal referrer registered with the authority; ``officer`` to a new LADO
officer of it. Times: "today" is whatever the clock says; ``knew_on`` defaults to today.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from lado import services
from lado.codes import ConsultationAdvice, EmploymentType, ReferrerRole, Sector
from lado.models import Consultation, LadoCase, Referral
from safeguarding.accounts.models import Role, Team, User

from . import LocalAuthorityFactory, make_user

__all__ = [
    "ConcludedCaseFactory", "ConsultationFactory", "EvaluatedCaseFactory", "IdentifiedCaseFactory",
    "ReceivedReferralFactory", "RegisteredReferrerFactory", "REFERRAL", "lado_manager_of", "lado_officer_of",
]

LADO_TEAM = "LADO service"


def _team(la):
    team, _ = Team.objects.get_or_create(agency=la, name=LADO_TEAM)
    return team


def lado_officer_of(la, **kwargs) -> User:
    """A new LADO officer of an authority, in its LADO team."""
    return make_user(la, Role.LADO_OFFICER, team=_team(la), **kwargs)


def lado_manager_of(la, **kwargs) -> User:
    """A new LADO manager of an authority (a LADO officer and team manager of its LADO team)."""
    return make_user(la, Role.LADO_OFFICER, Role.TEAM_MANAGER, team=_team(la), **kwargs)


# what a referrer tells the LADO (the subject, the setting, what happened), without dates
REFERRAL = {
    "organisation": "Northmoor Primary School", "sector": Sector.SCHOOL,
    "subject_first_names": "Gareth", "subject_surname": "Pemberton", "subject_role": "Class teacher",
    "subject_employment_type": EmploymentType.PAID, "subject_employer": "Northmoor Primary School",
    "subject_regulated_body": "tra", "subject_date_of_birth": datetime.date(1984, 3, 14),
    "allegation": "A pupil said the teacher grabbed her arm hard enough to bruise it.",
    "actions_taken": "The head teacher spoke to the pupil's parents; no one has spoken to the teacher.",
}
CHILD = {"first_names": "Ella", "surname": "Price", "date_of_birth": datetime.date(2017, 5, 2),
         "details": "Year 4"}


class RegisteredReferrerFactory(factory.Factory):
    """A portal referrer who registered with ``local_authority``'s LADO and verified their email: the ``User``
    (no membership of any agency; ``user.lado_referrer`` is the profile)."""

    class Meta:
        model = User

    local_authority = factory.SubFactory(LocalAuthorityFactory, name="Northmoor Borough Council")
    email = factory.Sequence(lambda n: f"dsl{n}@school.example")
    full_name = factory.Faker("name")
    organisation = "Northmoor Primary School"
    sector = Sector.SCHOOL
    role = ReferrerRole.DSL
    password = "a long referrer pass phrase"

    @classmethod
    def _create(cls, model_class, *, local_authority, email, full_name, organisation, sector, role, password):
        _, token = services.referrer_register(data={
            "email": email, "full_name": full_name, "local_authority": local_authority,
            "organisation": organisation, "sector": sector, "role": role})
        return services.referrer_verify(token=token, password=password)


class ReceivedReferralFactory(factory.Factory):
    """A referral received through the portal from ``referrer`` on the day the employer knew (``knew_on``,
    default today): ``lado_referral`` met on time, the case new, ``lado_resolution`` open. ``data`` and
    ``children`` override the defaults (``REFERRAL``, one child)."""

    class Meta:
        model = Referral

    local_authority = factory.SubFactory(LocalAuthorityFactory, name="Northmoor Borough Council")
    referrer = factory.LazyAttribute(lambda o: RegisteredReferrerFactory(local_authority=o.local_authority))
    knew_on = factory.LazyFunction(timezone.localdate)
    data = factory.Dict({})
    children = factory.LazyFunction(lambda: [dict(CHILD)])
    late_reason = ""

    @classmethod
    def _create(cls, model_class, *, local_authority, referrer, knew_on, data, children, late_reason):
        return services.referral_submit(actor=referrer, local_authority=local_authority, children=children,
                                        data={**REFERRAL, "employer_knew_on": knew_on, **data},
                                        late_reason=late_reason)


class IdentifiedCaseFactory(ReceivedReferralFactory):
    """A received referral's case, its subject identified by ``officer`` (``entry``: an existing index entry,
    default None: a new one made from the referral)."""

    class Meta:
        model = LadoCase

    officer = factory.LazyAttribute(lambda o: lado_officer_of(o.local_authority))
    entry = None

    @classmethod
    def _create(cls, model_class, *, officer, entry, **kw):
        referral = super()._create(Referral, **kw)
        return services.case_subject_identify(actor=officer, case=referral.case, entry=entry)


class EvaluatedCaseFactory(IdentifiedCaseFactory):
    """Identified, and evaluated by ``officer`` today: ``decision`` (default an allegations management
    meeting) with the first harm criterion met, the employer telling the subject: the case open."""

    decision = "meeting"
    criteria = factory.Dict({"harmed": True})

    @classmethod
    def _create(cls, model_class, *, decision, criteria, **kw):
        case = super()._create(model_class, **kw)
        services.case_evaluate(actor=kw["officer"], case=case, evaluated_on=timezone.localdate(), criteria=criteria,
                               decision=decision, rationale="The pupil has a bruise; the threshold is met.",
                               subject_informed_by="employer", police_involved=True)
        return LadoCase.objects.get(pk=case.pk)


class ConcludedCaseFactory(EvaluatedCaseFactory):
    """Evaluated, and its outcome (``category``, default unsubstantiated) recorded today: the case closed."""

    category = "unsubstantiated"

    @classmethod
    def _create(cls, model_class, *, category, **kw):
        case = super()._create(model_class, **kw)
        services.case_outcome_record(
            actor=kw["officer"], case=case, category=category, decided_on=timezone.localdate(),
            rationale="Not enough evidence either way.", subject_told="Told by the head teacher, in writing.",
            employer_told="The outcome and that no reference should mention it.", dbs_referral="not_needed")
        return LadoCase.objects.get(pk=case.pk)


class ConsultationFactory(factory.Factory):
    """Advice given by ``officer`` today (a threshold question from a school: below the threshold)."""

    class Meta:
        model = Consultation

    local_authority = factory.SubFactory(LocalAuthorityFactory, name="Northmoor Borough Council")
    officer = factory.LazyAttribute(lambda o: lado_officer_of(o.local_authority))
    advice = ConsultationAdvice.BELOW_THRESHOLD

    @classmethod
    def _create(cls, model_class, *, local_authority, officer, advice):
        return services.consultation_record(actor=officer, local_authority=local_authority, data={
            "received_on": timezone.localdate(), "contact_method": "phone", "caller_name": "Dee Lead",
            "caller_role": "DSL", "organisation": "Northmoor Primary School", "sector": Sector.SCHOOL,
            "subject_role": "Teaching assistant", "question": "A teaching assistant shouted at a class.",
            "advice": advice, "advice_given": "The employer's own procedures: not a LADO matter."})
