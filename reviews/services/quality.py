"""The IRO's quality assurance of the care plan (issue 10, section 3; ADR 14): a structured judgement (good,
requires improvement or inadequate, with a comment, on each criterion: the child's lived experience first),
feedback to the child's social worker and their team manager, who answer it within ``lac_qa_response`` (a
local rule). A quality assurance is also the IRO's mid-point check: it meets the open mid-point deadline.
The themes roll up for the IRO manager (``reviews.selectors.quality.themes``).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.notify.services import notify_many
from safeguarding.records import stamp

from .. import events
from ..models import OPEN, CarePlanQA, IroAllocation, LookedAfterEpisode, Plan, QAJudgement
from ..models.monitoring import Grade
from ..oversight import MIDPOINT_RULES, QA_RESPONSE_RULE, criteria_for
from ..policies import oversight_policy, quality_policy
from ..rules import deadline_label
from ..selectors.between import childs_workers
from ._common import _ctx, _lock_episode, _not_future, _require, _today, _url
from .monitoring import _meet_from


def grade_field(criterion: str) -> str:
    return f"grade_{criterion}"


def comment_field(criterion: str) -> str:
    return f"comment_{criterion}"


def _the_childs_workers(episode: LookedAfterEpisode) -> list[int]:
    """The child's social worker and the team managers of their team (who are told and answer)."""
    return [u.pk for u in childs_workers(episode)]


@transaction.atomic
def care_plan_qa_record(
    *, actor: User, episode: LookedAfterEpisode, judgements: dict[str, tuple[str, str]], feedback: str,
    judged_on: date | None = None, late_reason: str = "",
) -> CarePlanQA:
    """The child's IRO judges the care plan: ``judgements`` maps each criterion (``criteria_for`` the child's
    age) to (grade, comment); ``feedback`` is what the social worker and their team manager are told. Opens
    ``lac_qa_response`` for the social worker, tells them and the team's managers, and meets the open mid-point
    deadline (late: ``late_reason``). The same judgement twice on the same day changes nothing."""
    episode = _lock_episode(episode)
    _require(oversight_policy.can(_ctx(actor), "monitor", episode), "quality-assure this child's care plan")
    if not episode.is_open:
        raise ValidationError("This child is no longer looked after")
    judged_on = judged_on or _today()
    errors: dict[str, str] = {}
    _not_future(judged_on, "judged_on", "date of the judgement", errors)
    if "judged_on" not in errors and judged_on < episode.start_date:
        errors["judged_on"] = f"The child became looked after on {episode.start_date:%-d %B %Y}"
    criteria = criteria_for(episode.child.date_of_birth, judged_on)
    names = {name for name, _label, _hint in criteria}
    unknown = set(judgements) - names
    if unknown:
        raise ValidationError(f"Not a criterion for this child: {', '.join(sorted(unknown))}")
    rows = []
    for position, (name, label, _hint) in enumerate(criteria):
        grade, comment = judgements.get(name, ("", ""))
        comment = (comment or "").strip()
        if grade not in Grade.values:
            errors[grade_field(name)] = f"Choose your judgement of {label[0].lower()}{label[1:]}"
        if not comment:
            errors[comment_field(name)] = f"Say what you found about {label[0].lower()}{label[1:]}"
        rows.append((position, name, grade, comment))
    feedback = feedback.strip()
    if not feedback:
        errors["feedback"] = "Write your feedback to the social worker and their team manager"
    if errors:
        raise ValidationError(errors)
    same = CarePlanQA.objects.live().filter(episode=episode, iro=actor, judged_on=judged_on, feedback=feedback).first()
    if same is not None and {(j.criterion, j.grade, j.comment) for j in same.judgements.all()} == {
            (name, grade, comment) for _p, name, grade, comment in rows}:
        return same
    care_plan = (Plan.objects.live().filter(episode=episode, kind=Plan.Kind.CARE_PLAN).order_by("-version").first())
    qa = CarePlanQA(episode=episode, care_plan=care_plan, iro=actor, judged_on=judged_on, feedback=feedback,
                    created_by=actor)
    stamp(qa, actor, "Care plan quality-assured")
    qa.save()
    bulk_create_with_history([QAJudgement(qa=qa, position=position, criterion=name, grade=grade, comment=comment)
                              for position, name, grade, comment in rows], QAJudgement, default_user=actor,
                             default_change_reason="Care plan quality-assured")
    _meet_from(episode, MIDPOINT_RULES, judged_on, actor, late_reason)
    child = episode.child
    deadline = clock.deadline_open(subject=qa, rule_key=QA_RESPONSE_RULE, anchor_date=judged_on,
                                   label=deadline_label(QA_RESPONSE_RULE), actor=actor,
                                   responsible_person=child.allocated_social_worker,
                                   responsible_team=child.allocated_team)
    record_event(events.QA_RECORDED, actor=actor, subject=qa, payload={
        "episode": str(episode.public_id), "on": judged_on.isoformat(),
        "grades": {name: grade for _p, name, grade, _c in rows}})
    url = _url("reviews:qa", public_id=qa.public_id)
    notify_many([(pk, "The IRO's feedback on a care plan",
                  f"Reference {child.local_child_id}: please answer by {deadline.due_date:%-d %B %Y}.", url, qa)
                 for pk in _the_childs_workers(episode) if pk != actor.pk])
    return qa


@transaction.atomic
def care_plan_qa_answer(*, actor: User, qa: CarePlanQA, response: str, late_reason: str = "") -> CarePlanQA:
    """The child's social worker or team manager answers the IRO's feedback: meets ``lac_qa_response`` (late:
    ``late_reason``); the IRO is told. Once given, the answer stands."""
    qa = CarePlanQA.objects.select_for_update(of=("self",)).select_related("episode__child").get(pk=qa.pk)
    _require(quality_policy.can(_ctx(actor), "respond", qa), "answer this feedback")
    response = response.strip()
    if qa.is_answered:
        if qa.response == response:
            return qa
        raise ValidationError(f"This feedback was answered on {qa.responded_on:%-d %B %Y}")
    if not response:
        raise ValidationError({"response": "Write your answer to the IRO"})
    today = _today()
    clock.deadline_meet_open(subject=qa, rule_keys=(QA_RESPONSE_RULE,), met_on=today, actor=actor,
                             late_reason=late_reason)
    qa.response, qa.responded_on, qa.responded_by = response, today, actor
    stamp(qa, actor, "Feedback answered")
    qa.save()
    record_event(events.QA_ANSWERED, actor=actor, subject=qa, payload={"on": today.isoformat()})
    current_iro = (IroAllocation.objects.filter(OPEN, episode_id=qa.episode_id)
                   .values_list("iro_id", flat=True).first())
    url = _url("reviews:qa", public_id=qa.public_id)
    notify_many([(pk, "Your feedback on a care plan was answered",
                  f"Reference {qa.episode.child.local_child_id}.", url, qa)
                 for pk in sorted({qa.iro_id, current_iro} - {None, actor.pk})])
    return qa
