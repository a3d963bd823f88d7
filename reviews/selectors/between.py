"""Reads for the IRO's work between reviews (issue 10, section 3; ADR 14): a child's monitoring page, one
quality assurance, one dispute, the disputes register, the quality assurance themes and the social worker's
feedback to answer. Each is a fixed number of queries however long its lists. Callers pass records or
querysets the policy has already scoped (``oversight_policy``, ``quality_policy``, ``dispute_policy``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from safeguarding.accounts.models import Role, User
from safeguarding.clock.models import Deadline

from ..models import (
    LIVE,
    OPEN,
    CarePlanQA,
    Dispute,
    DisputeStage,
    IroAllocation,
    LookedAfterEpisode,
    MonitoringContact,
    Placement,
    QAJudgement,
    StatutoryVisit,
)
from ..models.monitoring import QA_CRITERIA, Grade
from ..oversight import ALERT_RULE, DISPUTE_RULE, MIDPOINT_RULES, QA_RESPONSE_RULE, VISIT_RULES
from ..rules import REVIEW_RULES

ROWS = 200  # rows on the register and the feedback page; more and the page says it shows the first ROWS


def childs_workers(episode: LookedAfterEpisode) -> list[User]:
    """The child's social worker and the team managers of their allocated team (active accounts; one query):
    who are told of the IRO's feedback and disputes and answer them, and with whom a stage may be raised."""
    child = episode.child
    q = Q(pk=child.allocated_social_worker_id) if child.allocated_social_worker_id else Q(pk__in=[])
    if child.allocated_team_id:
        q |= Q(memberships__team_id=child.allocated_team_id, memberships__is_active=True,
               memberships__roles__contains=[Role.TEAM_MANAGER])
    return list(User.objects.filter(q, is_active=True, is_api_client=False).distinct().order_by("full_name", "pk"))


def _open_deadlines(model, ids, *rule_keys: str) -> dict[int, Deadline]:
    """The open deadline of each of these subjects (under ``rule_keys``), by subject id (one query)."""
    ct = ContentType.objects.get_for_model(model)
    out: dict[int, Deadline] = {}
    for d in (Deadline.objects.filter(subject_type=ct, subject_id__in=list(ids), rule_key__in=rule_keys,
                                      status__in=Deadline.OPEN_STATUSES).order_by("due_date", "id")):
        out.setdefault(d.subject_id, d)
    return out


# --- a child's monitoring page -------------------------------------------------------------------------------
@dataclass
class MonitoringPage:
    iro: object
    placement: Placement | None
    review_due: Deadline | None
    midpoint_due: Deadline | None
    visit_due: Deadline | None
    contacts: list[MonitoringContact]
    visits: list[StatutoryVisit]
    qas: list[CarePlanQA]  # each with good, requires_improvement, inadequate (counts)
    disputes: list[Dispute]
    last_contact: date | None = field(default=None)


def monitoring_page(episode: LookedAfterEpisode) -> MonitoringPage:
    """Everything a child's monitoring page shows (seven queries, however many records)."""
    deadlines = list(Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(LookedAfterEpisode), subject_id=episode.pk,
        rule_key__in=(*REVIEW_RULES, *MIDPOINT_RULES, *VISIT_RULES), status__in=Deadline.OPEN_STATUSES,
    ).order_by("due_date", "id"))

    def first(rules):
        return next((d for d in deadlines if d.rule_key in rules), None)

    allocation = IroAllocation.objects.filter(OPEN, episode=episode).select_related("iro").first()
    contacts = list(MonitoringContact.objects.live().filter(episode=episode).select_related("iro")
                    .order_by("-contacted_on", "-id"))
    grades = {g: Count("judgements", filter=Q(judgements__grade=g)) for g in Grade.values}
    return MonitoringPage(
        iro=allocation.iro if allocation else None,
        placement=Placement.objects.filter(OPEN, episode=episode).first(),
        review_due=first(REVIEW_RULES), midpoint_due=first(MIDPOINT_RULES), visit_due=first(VISIT_RULES),
        contacts=contacts,
        visits=list(StatutoryVisit.objects.live().filter(episode=episode).select_related("placement")
                    .order_by("-visited_on", "-id")),
        qas=list(CarePlanQA.objects.live().filter(episode=episode).select_related("iro").annotate(**grades)
                 .order_by("-judged_on", "-id")),
        disputes=list(Dispute.objects.live().filter(episode=episode).order_by("closed_on", "-raised_on", "-id")),
        last_contact=next((c.contacted_on for c in contacts if c.kind in MonitoringContact.WITH_CHILD), None),
    )


def visits_so_far(episode: LookedAfterEpisode, rows: int = 5) -> tuple[list[StatutoryVisit], Deadline | None]:
    """The latest visits (``rows`` of them) and the open visit deadline, for the page that records a visit."""
    visits = list(StatutoryVisit.objects.live().filter(episode=episode).order_by("-visited_on", "-id")[:rows])
    deadline = _open_deadlines(LookedAfterEpisode, [episode.pk], *VISIT_RULES).get(episode.pk)
    return visits, deadline


def midpoint_deadline(episode: LookedAfterEpisode) -> Deadline | None:
    return _open_deadlines(LookedAfterEpisode, [episode.pk], *MIDPOINT_RULES).get(episode.pk)


# --- one quality assurance --------------------------------------------------------------------------------------
def qa_for_page(qs: QuerySet) -> QuerySet:
    return qs.select_related("episode__child", "iro", "responded_by", "care_plan")


def judgements_of(qa: CarePlanQA) -> list[QAJudgement]:
    return list(QAJudgement.objects.filter(qa=qa).order_by("position"))


def qa_response_deadline(qa: CarePlanQA) -> Deadline | None:
    return _open_deadlines(CarePlanQA, [qa.pk], QA_RESPONSE_RULE).get(qa.pk)


# --- the quality assurance themes (the IRO manager) --------------------------------------------------------------
@dataclass
class ThemeRow:
    criterion: str
    label: str
    counts: dict  # grade -> count
    total: int

    def share(self, grade: str, scale: int) -> int:
        """The bar's length for ``grade`` as a whole percentage of ``scale`` (the largest count on the chart)."""
        return round(100 * self.counts[grade] / scale) if scale else 0


def themes(qs: QuerySet, *, start: date, end: date) -> tuple[list[ThemeRow], int]:
    """For the quality assurances in ``qs`` made from ``start`` to ``end`` (inclusive): how many judgements of
    each grade each criterion had, in the criteria's order, and how many quality assurances there were (two
    queries)."""
    in_period = qs.filter(judged_on__gte=start, judged_on__lte=end)
    counts = {(row["criterion"], row["grade"]): row["n"] for row in (
        QAJudgement.objects.filter(qa__in=in_period.values("pk")).order_by()
        .values("criterion", "grade").annotate(n=Count("pk")))}
    rows = []
    for name, label, _hint in QA_CRITERIA:
        by_grade = {g: counts.get((name, g), 0) for g in Grade.values}
        rows.append(ThemeRow(criterion=name, label=label, counts=by_grade, total=sum(by_grade.values())))
    return rows, in_period.count()


# --- one dispute, and the register ----------------------------------------------------------------------------------
def dispute_for_page(qs: QuerySet) -> QuerySet:
    return qs.select_related("episode__child", "raised_by")


@dataclass
class StageRow:
    stage: DisputeStage
    deadline: Deadline | None


def stages_of(dispute: Dispute) -> list[StageRow]:
    """The dispute's stages in order, each with its open deadline (two queries)."""
    stages = list(DisputeStage.objects.live().filter(dispute=dispute).select_related("raised_with")
                  .order_by("number", "id"))
    open_ = _open_deadlines(DisputeStage, [s.pk for s in stages], ALERT_RULE, DISPUTE_RULE)
    return [StageRow(stage=s, deadline=open_.get(s.pk)) for s in stages]


def _current_stage(field_name: str) -> Subquery:
    return Subquery(DisputeStage.objects.filter(LIVE, dispute=OuterRef("pk"), number=OuterRef("stage"))
                    .values(field_name)[:1])


def register(qs: QuerySet, *, show: str = "open") -> tuple[list[Dispute], bool]:
    """The disputes in ``qs`` (``show``: "open", "closed" or "all"), each with its child, who raised it, and
    the stage it is at (``stage_started_on``, ``stage_answered_on``): the oldest open first, then the latest
    closed (one query), and whether there were more than ``ROWS``."""
    if show == "open":
        qs = qs.filter(closed_on__isnull=True)
    elif show == "closed":
        qs = qs.filter(closed_on__isnull=False)
    rows = list(qs.select_related("episode__child", "raised_by")
                .annotate(stage_started_on=_current_stage("started_on"),
                          stage_answered_on=_current_stage("responded_on"))
                .order_by(F("closed_on").desc(nulls_first=True), "raised_on", "id")[:ROWS + 1])
    return rows[:ROWS], len(rows) > ROWS


def age_in_days(dispute: Dispute, today: date) -> int:
    """Calendar days from raising the dispute to closing it (or to today, while it is open)."""
    return ((dispute.closed_on or today) - dispute.raised_on).days


# --- the social worker's and team manager's feedback to answer --------------------------------------------------------
def feedback_to_answer(qas: QuerySet, disputes: QuerySet) -> tuple[list[CarePlanQA], list[Dispute], bool]:
    """The quality assurances in ``qas`` not answered yet, each with ``answer_due`` (its open deadline's date),
    and the open disputes in ``disputes``, each with the stage's ``stage_answered_on``: the oldest first (two
    queries), and whether either list had more than ``ROWS``."""
    ct = ContentType.objects.get_for_model(CarePlanQA)
    due = Subquery(Deadline.objects.filter(subject_type=ct, subject_id=OuterRef("pk"), rule_key=QA_RESPONSE_RULE,
                                           status__in=Deadline.OPEN_STATUSES).values("due_date")[:1])
    qa_rows = list(qas.filter(responded_on__isnull=True).select_related("episode__child", "iro")
                   .annotate(answer_due=due).order_by("judged_on", "id")[:ROWS + 1])
    dispute_rows = list(disputes.filter(closed_on__isnull=True).select_related("episode__child", "raised_by")
                        .annotate(stage_answered_on=_current_stage("responded_on"))
                        .order_by("raised_on", "id")[:ROWS + 1])
    more = len(qa_rows) > ROWS or len(dispute_rows) > ROWS
    return qa_rows[:ROWS], dispute_rows[:ROWS], more
