"""The "Looked after" panel on the child's page: the child's latest period of care with what is current
(legal status, placement, IRO, the next review due and the review booked), its reviews and its open
decisions, in one statement whatever their number (a never looked-after child: one statement that finds
nothing).

The caller passes what the policies scoped (``reviews.templatetags.review_tags``): the periods of care the
person sees whole, the reviews whose summary they see and the decisions they see, with the condition that
marks the decisions they see as their agency's. The panel shows the period and its open decisions only to
those who see the period; the reviews' summaries and their agency's decisions to the partner agencies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject

from safeguarding.access.policies import flag
from safeguarding.clock.models import Deadline

from ..codes import LegalStatus, ParticipationCode, PlacementType, ReasonEpisodeCeased
from ..models import OPEN, IroAllocation, LegalStatusPeriod, LookedAfterEpisode, Placement, Review, ReviewDecision
from ..rules import REVIEW_RULES
from .record import overdue_decision_q

REVIEWS_SHOWN = 10  # the period's latest reviews; the review pages hold the rest


def _day(value) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class PanelReview:
    public_id: str
    status: str
    number: str
    early: bool
    planned_for: date | None
    held_on: date | None
    participation: str

    @property
    def status_label(self) -> str:
        return Review.Status(self.status).label

    @property
    def label(self) -> str:
        if self.number:
            return Review.Number(self.number).label
        return "Early review" if self.early else "Review"

    @property
    def participation_label(self) -> str:
        return ParticipationCode(self.participation).label if self.participation else ""


@dataclass(frozen=True)
class PanelDecision:
    public_id: str
    number: int
    description: str
    owner_name: str
    due_date: date
    review_id: str
    theirs: bool  # the person's agency owns it (they may mark it done)
    overdue: bool = False  # open and past its due date (reviews.selectors.record.overdue_decision_q)


@dataclass
class LookedAfterPanel:
    whole: bool  # the person sees the period of care (the IRO, the IRO manager, case staff)
    start_date: date
    end_date: date | None
    end_reason: str
    legal_status: str = ""
    legal_status_since: date | None = None
    placement_type: str = ""
    placement_since: date | None = None
    iro_name: str = ""
    iro_due: date | None = None  # iro_appointment, while no IRO is appointed
    review_due: date | None = None  # the open review deadline (first, second or next)
    reviews: list[PanelReview] = field(default_factory=list)
    decisions: list[PanelDecision] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    @property
    def booked(self) -> PanelReview | None:
        """The review requested or booked and not yet held, if any."""
        return next((r for r in self.reviews if r.status in (Review.Status.REQUESTED, Review.Status.SCHEDULED)),
                    None)

    @property
    def legal_status_label(self) -> str:
        return LegalStatus(self.legal_status).label if self.legal_status else ""

    @property
    def placement_label(self) -> str:
        return PlacementType(self.placement_type).label if self.placement_type else ""

    @property
    def end_reason_label(self) -> str:
        return ReasonEpisodeCeased(self.end_reason).label if self.end_reason else ""

    @property
    def shows_anything(self) -> bool:
        return self.whole or bool(self.reviews) or bool(self.decisions)


def _open_deadline_due(*rule_keys: str) -> Subquery:
    ct = ContentType.objects.get_for_model(LookedAfterEpisode)
    return Subquery(Deadline.objects.filter(
        subject_type=ct, subject_id=OuterRef("pk"), rule_key__in=rule_keys, status__in=Deadline.OPEN_STATUSES,
    ).order_by("due_date", "id").values("due_date")[:1])


PERIODS_LIST = "looked_after_periods"  # the child page's list of the child's periods of care (their ids)


def periods_of_child(child) -> tuple[QuerySet, tuple[str, ...]]:
    """The child's periods of care, their ids only: a list the child's page loads with its others
    (``cases.selectors.register_page_list``, in ``reviews.apps``), so that the panel of a child never looked
    after costs no statement."""
    return LookedAfterEpisode.objects.live().filter(child_id=child.pk).order_by("-start_date", "-id"), ("id",)


def looked_after_panel(*, child, seen_whole: QuerySet, reviews: QuerySet, decisions: QuerySet,
                       theirs: Q) -> LookedAfterPanel | None:
    """The panel for ``child``'s latest period of care (None when the child was never looked after, or the
    person may see nothing of it). ``seen_whole``: the periods of care the person sees; ``reviews``: the
    reviews whose summary they see; ``decisions``: the decisions they see, ``theirs`` marking those their
    agency owns. One statement."""
    current = (LegalStatusPeriod.objects.filter(OPEN, episode=OuterRef("pk")),
               Placement.objects.filter(OPEN, episode=OuterRef("pk")))
    status, placement = current
    review_rows = (reviews.filter(episode=OuterRef("pk"))
                   .order_by(F("planned_for").desc(nulls_first=True), "-id")
                   .values(row=JSONObject(public_id="public_id", status="status", number="number",
                                          early_trigger="early_trigger", planned_for="planned_for",
                                          held_on="held_on", participation="participation"))[:REVIEWS_SHOWN])
    decision_rows = (decisions.filter(review__episode=OuterRef("pk"), status=ReviewDecision.Status.OPEN)
                     .order_by("due_date", "number", "id")
                     .values(row=JSONObject(public_id="public_id", number="number", description="description",
                                            owner_name="owner_name", due_date="due_date",
                                            review_id="review__public_id", theirs=flag(theirs),
                                            overdue=flag(overdue_decision_q()))))
    episode = (LookedAfterEpisode.objects.live().filter(child_id=child.pk)
               .order_by("-start_date", "-id")
               .annotate(
                   whole=Exists(seen_whole.filter(pk=OuterRef("pk"))),
                   legal_status=Subquery(status.values("legal_status")[:1]),
                   legal_status_since=Subquery(status.values("start_date")[:1]),
                   placement_type=Subquery(placement.values("placement_type")[:1]),
                   placement_since=Subquery(placement.values("start_date")[:1]),
                   iro_name=Subquery(IroAllocation.objects.filter(OPEN, episode=OuterRef("pk"))
                                     .values("iro__full_name")[:1]),
                   iro_due=_open_deadline_due("iro_appointment"),
                   review_due=_open_deadline_due(*REVIEW_RULES),
                   review_rows=ArraySubquery(review_rows),
                   decision_rows=ArraySubquery(decision_rows),
               )
               .values("start_date", "end_date", "end_reason", "whole", "legal_status", "legal_status_since",
                       "placement_type", "placement_since", "iro_name", "iro_due", "review_due", "review_rows",
                       "decision_rows")
               .first())
    if episode is None:
        return None
    whole = episode["whole"]
    panel = LookedAfterPanel(
        whole=whole, start_date=episode["start_date"], end_date=episode["end_date"], end_reason=episode["end_reason"],
        reviews=[PanelReview(public_id=r["public_id"], status=r["status"], number=r["number"],
                             early=bool(r["early_trigger"]), planned_for=_day(r["planned_for"]),
                             held_on=_day(r["held_on"]), participation=r["participation"])
                 for r in episode["review_rows"] or ()],
        decisions=[PanelDecision(public_id=d["public_id"], number=d["number"], description=d["description"],
                                 owner_name=d["owner_name"], due_date=_day(d["due_date"]), review_id=d["review_id"],
                                 theirs=bool(d["theirs"]), overdue=bool(d["overdue"]))
                   for d in episode["decision_rows"] or ()],
    )
    if whole:  # what is current in the period: for those who see the period only
        for name in ("legal_status", "legal_status_since", "placement_type", "placement_since", "iro_due",
                     "review_due"):
            setattr(panel, name, episode[name])
        panel.iro_name = episode["iro_name"] or ""
    return panel if panel.shows_anything else None

