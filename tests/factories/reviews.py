"""State factories for looked-after children and their reviews (issue 10), named after states and built
through the public services (``reviews.services``), so that the deadlines, events and history that go
with each state are there too.

    episode = LookedAfterEpisodeFactory()                 # became looked after 10 days ago, no IRO yet
    episode = AllocatedEpisodeFactory()                   # and an IRO appointed the next working day
    review = ScheduledReviewFactory()                     # the first review booked within its due date
    review = HeldReviewFactory(participation="PN1")       # held: lac_review_second open
    review = DecidedReviewFactory()                       # held, its record written, two decisions
    review = CirculatedReviewFactory()                    # and the decisions circulated the next working day
    review = SignedReviewFactory()                        # and the record signed: PDFs, ratification open
    episode = EndedEpisodeFactory()                       # returned home (E4A) today

Everyone a state needs is made in the child's local authority unless passed in: the allocated social
worker and team (``AllocatedChildFactory``), the IRO manager (an IRO and team manager of the Safeguarding
and QA team), who records nothing but allocates, and the IRO.

Times: the factory freezes the clock at the start of the period (and at each later step) as a story test
would; "today" is whatever the clock says when the factory runs.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from freezegun import freeze_time

from cases import services as cases_services
from reviews import services
from reviews.models import LookedAfterEpisode, Review, ReviewDecision, ReviewRecord
from safeguarding.accounts.models import Role, Team
from safeguarding.clock import workdays

from . import PoliceFactory, make_user
from .states import AllocatedChildFactory

__all__ = [
    "AllocatedEpisodeFactory",
    "CirculatedReviewFactory",
    "DecidedReviewFactory",
    "SignedReviewFactory",
    "RECORD_TEXT",
    "write_record",
    "EndedEpisodeFactory",
    "HeldReviewFactory",
    "LookedAfterChildFactory",
    "LookedAfterEpisodeFactory",
    "ScheduledReviewFactory",
    "iro_manager_of",
    "iro_of",
    "jade_world",
    "qa_judgements",
    "QualityAssuredEpisodeFactory",
    "RaisedDisputeFactory",
]


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def iro_manager_of(local_authority):
    """A new IRO manager of an authority (an IRO and team manager of its Safeguarding and QA team)."""
    team, _ = Team.objects.get_or_create(agency=local_authority, name="Safeguarding and QA")
    return make_user(local_authority, Role.IRO, Role.TEAM_MANAGER, team=team)


def iro_of(local_authority, **kwargs):
    return make_user(local_authority, Role.IRO, **kwargs)


class LookedAfterEpisodeFactory(factory.Factory):
    """A child (allocated to a social worker) who became looked after on ``start_date`` (default 10 days
    ago) under a section 20 agreement (V2), category of need N1, in a local authority foster placement
    (U6, PR1); recorded by the social worker. ``iro_appointment`` and ``lac_review_first`` are open."""

    class Meta:
        model = LookedAfterEpisode

    child = factory.SubFactory(AllocatedChildFactory, date_of_birth=datetime.date(2015, 6, 1))
    social_worker = factory.LazyAttribute(lambda o: o.child.allocated_social_worker)
    iro_manager = factory.LazyAttribute(lambda o: iro_manager_of(o.child.local_authority))
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    legal_status = "V2"
    category_of_need = "N1"
    placement_type = "U6"
    provider = "PR1"
    postcode = "NM1 4AB"
    looked_after_parent = None

    @classmethod
    def _create(cls, model_class, **kw):
        return cls._open(**kw)

    @staticmethod
    def _open(*, child, social_worker, start_date, legal_status, category_of_need, placement_type, provider,
              postcode, looked_after_parent, **_):
        with freeze_time(_at(start_date, 17)):
            return services.episode_open(
                actor=social_worker, child=child, start_date=start_date, legal_status=legal_status,
                category_of_need=category_of_need, placement_type=placement_type, provider=provider,
                postcode=postcode, looked_after_parent=looked_after_parent)


class AllocatedEpisodeFactory(LookedAfterEpisodeFactory):
    """Looked after, and an ``iro`` (default a new IRO of the authority) appointed by the IRO manager on
    ``allocated_on`` (default the next working day): ``iro_appointment`` met on time."""

    iro = factory.LazyAttribute(lambda o: iro_of(o.child.local_authority))
    allocated_on = factory.LazyAttribute(lambda o: workdays.add_working_days(o.start_date, 1))

    @classmethod
    def _create(cls, model_class, **kw):
        episode = cls._open(**kw)
        return cls._allocate(episode, **kw)

    @staticmethod
    def _allocate(episode, *, iro_manager, iro, allocated_on, **_):
        with freeze_time(_at(allocated_on, 11)):
            services.iro_allocate(actor=iro_manager, episode=episode, iro=iro, start_date=allocated_on)
        return LookedAfterEpisode.objects.get(pk=episode.pk)


class LookedAfterChildFactory(AllocatedEpisodeFactory):
    """The child of an ``AllocatedEpisodeFactory`` period of care."""

    @classmethod
    def _create(cls, model_class, **kw):
        return super()._create(model_class, **kw).child


class ScheduledReviewFactory(AllocatedEpisodeFactory):
    """Allocated, and the first review booked by the IRO for ``planned_for`` (default the working day
    before the first review is due), the preparation deadlines open."""

    class Meta:
        model = Review

    planned_for = factory.LazyAttribute(lambda o: workdays.add_working_days(o.start_date, 19))

    @classmethod
    def _create(cls, model_class, **kw):
        episode = cls._allocate(cls._open(**kw), **kw)
        return cls._book(episode, **kw)

    @staticmethod
    def _book(episode, *, iro, allocated_on, planned_for, **_):
        with freeze_time(_at(allocated_on, 12)):
            return services.review_schedule(actor=iro, episode=episode, planned_for=planned_for)


class HeldReviewFactory(ScheduledReviewFactory):
    """Booked and held on ``planned_for`` with ``participation`` (default PN1, the child attended and spoke):
    ``lac_review_first`` met, ``lac_review_second`` open. ``planned_for`` must be today or earlier."""

    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=40))
    participation = "PN1"

    @classmethod
    def _create(cls, model_class, **kw):
        review = super()._create(model_class, **kw)
        with freeze_time(_at(kw["planned_for"], 15)):
            return services.review_hold(actor=kw["iro"], review=review, participation=kw["participation"],
                                        held_on=kw["planned_for"])


class EndedEpisodeFactory(AllocatedEpisodeFactory):
    """Allocated, then ended on ``end_date`` (default today) for ``end_reason`` (default E4A, returned home
    as part of the care plan): every open deadline of the period cancelled."""

    end_date = factory.LazyFunction(timezone.localdate)
    end_reason = "E4A"

    @classmethod
    def _create(cls, model_class, **kw):
        episode = super()._create(model_class, **kw)
        with freeze_time(_at(kw["end_date"], 16)):
            return services.episode_end(actor=kw["social_worker"], episode=episode, end_date=kw["end_date"],
                                        reason=kw["end_reason"])


# What a record says, section by section (every section written, so any child's record can be signed)
RECORD_TEXT = {
    "child_wishes": "Jade wants to stay with her foster carers and see her brother every week.",
    "views_of_others": "Her mother agrees with the plan. Her carers say she is settled.",
    "permanence": "Long-term fostering with her current carers, to be confirmed at the second review.",
    "placement": "Settled; the carers meet her needs.",
    "health": "Initial health assessment done; dental check due.",
    "education": "Attending her school; the PEP is up to date.",
    "contact": "Weekly contact with her brother, supervised contact with her mother monthly.",
    "identity": "Her life story work has started.",
    "leaving_care": "Not yet: she is 10.",
    "letter_to_child": "You told us you like living with Sam and Alex. We listened.",
}


def write_record(review: Review, iro, texts: dict | None = None) -> ReviewRecord:
    """Write the sections of the review's record (every one, ``RECORD_TEXT``, unless ``texts`` says which),
    as its IRO, each from its current revision."""
    record = ReviewRecord.objects.filter(review=review).first()
    revisions = record.revisions if record else {}
    for section, text in (RECORD_TEXT if texts is None else texts).items():
        services.review_record_save_section(actor=iro, review=review, section=section, text=text,
                                            base_revision=int(revisions.get(section, 0)))
    return ReviewRecord.objects.get(review=review)


class DecidedReviewFactory(HeldReviewFactory):
    """Held, its record written (``RECORD_TEXT``) and two decisions made by the IRO on the day: the social
    worker to update the care plan (due 10 working days after) and the local authority to arrange a dental
    check (due 20 working days after)."""

    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))

    @classmethod
    def _create(cls, model_class, **kw):
        review = super()._create(model_class, **kw)
        day = review.held_on
        with freeze_time(_at(day, 16)):
            write_record(review, kw["iro"])
            services.review_decision_add(
                actor=kw["iro"], review=review, description="Update the care plan with the permanence plan",
                owner=kw["child"].allocated_social_worker, due_date=workdays.add_working_days(day, 10),
                child_words="Your social worker will write down the plan for you to stay with Sam and Alex.")
            services.review_decision_add(
                actor=kw["iro"], review=review, description="Arrange a dental check",
                owner_agency=kw["child"].local_authority, due_date=workdays.add_working_days(day, 20))
        return Review.objects.get(pk=review.pk)


class CirculatedReviewFactory(DecidedReviewFactory):
    """Decided, and the decisions circulated by the IRO the next working day (on time)."""

    @classmethod
    def _create(cls, model_class, **kw):
        review = super()._create(model_class, **kw)
        day = workdays.add_working_days(review.held_on, 1)
        with freeze_time(_at(day, 10)):
            services.review_decisions_circulate(actor=kw["iro"], review=review, circulated_on=day)
        return Review.objects.get(pk=review.pk)


class SignedReviewFactory(CirculatedReviewFactory):
    """Circulated, and the record signed by the IRO five working days after the review (on time): the record
    and the letter to the child published, ``lac_review_ratification`` open for the child's team manager."""

    @classmethod
    def _create(cls, model_class, **kw):
        review = super()._create(model_class, **kw)
        day = workdays.add_working_days(review.held_on, 5)
        with freeze_time(_at(day, 11)):
            services.review_record_sign(actor=kw["iro"], review=review, contact_for_child="Phone 01632 960 123")
        return Review.objects.get(pk=review.pk)


# --- between reviews (issue 10, section 3; ADR 14) ------------------------------------------------------------
def qa_judgements(grade: str = "good", *, leaving_care: bool = False, **grades) -> dict:
    """The judgements of a quality assurance: every criterion (leaving care only with ``leaving_care``) graded
    ``grade`` unless ``grades`` says otherwise for it, each with a comment."""
    from reviews.models.monitoring import QA_CRITERIA

    return {name: (grades.get(name, grade), f"{label}: what the IRO found.") for name, label, _q in QA_CRITERIA
            if leaving_care or name != "leaving_care"}


class QualityAssuredEpisodeFactory(AllocatedEpisodeFactory):
    """Allocated, and the care plan quality-assured by the IRO on ``judged_on`` (default 10 working days after
    the start) with ``grades`` (default good throughout): ``lac_qa_response`` open for the social worker.
    Returns the quality assurance."""

    judged_on = factory.LazyAttribute(lambda o: workdays.add_working_days(o.start_date, 10))
    grades = factory.LazyFunction(dict)

    @classmethod
    def _create(cls, model_class, **kw):
        episode = super()._create(model_class, **kw)
        with freeze_time(_at(kw["judged_on"], 14)):
            return services.care_plan_qa_record(
                actor=kw["iro"], episode=episode, judgements=qa_judgements(**kw["grades"]), judged_on=kw["judged_on"],
                feedback="Bring the permanence plan to the next review.")


class RaisedDisputeFactory(AllocatedEpisodeFactory):
    """Allocated, and an informal alert raised by the IRO on ``raised_on`` (default 5 working days after the
    start) with the child's social worker: ``iro_alert_response`` open. Returns the dispute."""

    raised_on = factory.LazyAttribute(lambda o: workdays.add_working_days(o.start_date, 5))
    category = "drift"

    @classmethod
    def _create(cls, model_class, **kw):
        episode = super()._create(model_class, **kw)
        with freeze_time(_at(kw["raised_on"], 14)):
            return services.dispute_raise(
                actor=kw["iro"], episode=episode, category=kw["category"], concern="The care plan has drifted.",
                wanted="A permanence plan by the second review.", raised_with=kw["social_worker"],
                raised_on=kw["raised_on"])


def jade_world():
    """A world for the tests between reviews, built once per module (``worlds.shared_world(jade_world)``): Jade
    Holloway (born 1 February 2016, reference LC-JADE) of Northmoor Borough Council, allocated to Sam Worker of
    Assessment Team A (managed by Tess Manager; Cal Colleague works there too), looked after from Monday 2 March
    2026 in local authority foster care, Ira Reviewing her IRO from that day, appointed by the IRO manager;
    and Pat Police, a police officer with no involvement. Tests change it in their own savepoint only: fetch a
    record afresh before changing it in Python."""
    from types import SimpleNamespace

    from . import ChildFactory, LocalAuthorityFactory, PoliceFactory, TeamFactory

    la = LocalAuthorityFactory(name="Northmoor Borough Council")
    team = TeamFactory(agency=la, name="Assessment Team A")
    people = SimpleNamespace(
        social_worker=make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Sam Worker",
                                email="sam.worker@example.org"),
        team_manager=make_user(la, Role.TEAM_MANAGER, team=team, full_name="Tess Manager"),
        colleague=make_user(la, Role.SOCIAL_WORKER, team=team, full_name="Cal Colleague"),
        iro=make_user(la, Role.IRO, full_name="Ira Reviewing"),
        manager=iro_manager_of(la),
        police_officer=make_user(PoliceFactory(name="Northmoor Police"), Role.PARTNER_PRACTITIONER,
                                 full_name="Pat Police"),
    )
    child = ChildFactory(local_authority=la, allocated_social_worker=people.social_worker, allocated_team=team,
                         legal_first_names="Jade", legal_surname="Holloway", date_of_birth=datetime.date(2016, 2, 1),
                         local_child_id="LC-JADE")
    start = datetime.date(2026, 3, 2)
    episode = AllocatedEpisodeFactory(child=child, start_date=start, iro_manager=people.manager, iro=people.iro,
                                      allocated_on=start)
    return SimpleNamespace(la=la, team=team, child=child, episode=episode, **vars(people))
class AgencyDecisionFactory(HeldReviewFactory):
    """A decision owned by ``agency`` (default a new police force), made at a held review and circulated the
    next working day (ADR 16): the agency is given an open involvement with the child first (the agencies a
    decision may name). Due ``due_in`` working days after the review (default 20; a negative number is not
    possible, so an overdue decision is made by moving the clock on). Returns the decision."""

    class Meta:
        model = ReviewDecision

    agency = factory.LazyFunction(lambda: PoliceFactory())
    description = "Share the record of police call-outs to the carers' address"
    due_in = 20

    @classmethod
    def _create(cls, model_class, **kw):
        review = super()._create(Review, **kw)
        day, agency, child = review.held_on, kw["agency"], kw["child"]
        with freeze_time(_at(day, 16)):
            if not child.involvements.filter(agency=agency, end_date__isnull=True,
                                             entered_in_error_at__isnull=True).exists():
                cases_services.involvement_add(child=child, actor=kw["social_worker"], agency=agency,
                                               role="Officer in the case", start_date=kw["start_date"])
            decision = services.review_decision_add(
                actor=kw["iro"], review=review, owner_agency=agency, description=kw["description"],
                due_date=workdays.add_working_days(day, kw["due_in"]))
        circulated = workdays.add_working_days(day, 1)
        with freeze_time(_at(circulated, 10)):
            services.review_decisions_circulate(actor=kw["iro"], review=review, circulated_on=circulated)
        return ReviewDecision.objects.get(pk=decision.pk)


__all__ += ["AgencyDecisionFactory"]
