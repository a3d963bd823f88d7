"""State factories for looked-after children and their reviews (issue 10), named after states and built
through the public services (``reviews.services``), so that the deadlines, events and history that go
with each state are there too.

    episode = LookedAfterEpisodeFactory()                 # became looked after 10 days ago, no IRO yet
    episode = AllocatedEpisodeFactory()                   # and an IRO appointed the next working day
    review = ScheduledReviewFactory()                     # the first review booked within its due date
    review = HeldReviewFactory(participation="PN1")       # held: lac_review_second open
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

from reviews import services
from reviews.models import LookedAfterEpisode, Review
from safeguarding.accounts.models import Role, Team
from safeguarding.clock import workdays

from . import make_user
from .states import AllocatedChildFactory

__all__ = [
    "AllocatedEpisodeFactory",
    "EndedEpisodeFactory",
    "HeldReviewFactory",
    "LookedAfterChildFactory",
    "LookedAfterEpisodeFactory",
    "ScheduledReviewFactory",
    "iro_manager_of",
    "iro_of",
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
