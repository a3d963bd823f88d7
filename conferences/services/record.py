"""The live record, scaling, and holding the conference."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_event
from safeguarding.clock import services as clock
from safeguarding.records import stamp

from .. import events
from ..models import Conference, ConferenceRecord, Invitation, Kind, ScalingScore
from ..rules import DEADLINE_RULE_FOR_KIND, REVIEW_RULES
from ..selectors.invitations import quorum
from ._common import S, _lock, _today, _transition
from .reports import _report_deadlines


class StaleSection(Exception):
    """Someone else saved this section since the caller last loaded it."""

    def __init__(self, section: str, text: str, revision: int):
        super().__init__(f"{section} changed (now revision {revision})")
        self.section, self.text, self.revision = section, text, revision


@transaction.atomic
def record_save_section(*, actor: User, conference: Conference, section: str, text: str,
                        base_revision: int) -> tuple[ConferenceRecord, int]:
    """Save one section of the live record. ``base_revision`` is the revision the text was edited from;
    if someone saved the section since, ``StaleSection`` carries their text (nothing is overwritten)."""
    if section not in ConferenceRecord.section_names():
        raise ValidationError({"section": "No such section"})
    conference = Conference.objects.select_related("child").get(pk=conference.pk)
    if conference.status not in (S.SCHEDULED, S.HELD):
        raise ValidationError("The record can be written only while the conference is booked or held, before "
                              "the decision")
    record = ConferenceRecord.objects.select_for_update().get(conference=conference)
    current = int(record.revisions.get(section, 0))
    if getattr(record, section) == text:
        return record, current
    if base_revision != current:
        raise StaleSection(section, getattr(record, section), current)
    setattr(record, section, text)
    record.revisions = {**record.revisions, section: current + 1}
    record.updated_by = actor
    stamp(record, actor, f"Saved {section}")
    record.save()
    return record, current + 1


@transaction.atomic
def scaling_record(*, actor: User, conference: Conference, participant: str, score: int, reason: str = "",
                   invitation: Invitation | None = None) -> ScalingScore:
    conference = _lock(conference)
    if conference.status not in (S.SCHEDULED, S.HELD):
        raise ValidationError("Scaling is recorded during the conference")
    if not participant.strip():
        raise ValidationError({"participant": "Enter who gave the score"})
    whole = isinstance(score, int) and not isinstance(score, bool)
    if isinstance(score, str) and score.strip().isdigit():
        score, whole = int(score.strip()), True
    if not whole or not 0 <= score <= 10:
        raise ValidationError({"score": "The score must be a whole number from 0 to 10"})
    s = ScalingScore(conference=conference, participant=participant.strip(), score=int(score), reason=reason.strip(),
                     invitation=invitation, created_by=actor)
    stamp(s, actor)
    s.save()
    record_event(events.SCALING, actor=actor, subject=conference, payload={"score": int(score)})
    return s


@transaction.atomic
def conference_hold(*, actor: User, conference: Conference, held_on: date, quorum_override_reason: str = "",
                    late_reason: str = "") -> Conference:
    """Record that the conference took place. Not quorate needs the chair's reason for going ahead.
    Meets the deadline it was held for (late needs a reason: the booking's, or one given now)."""
    conference = _lock(conference)
    if conference.status == S.HELD and conference.held_on == held_on:
        return conference
    _transition(conference, S.HELD)
    if held_on > _today():
        raise ValidationError({"held_on": "The date held must be today or in the past"})
    if held_on < timezone.localdate(conference.requested_at):
        raise ValidationError({"held_on": "The conference cannot have been held before it was requested"})
    q = quorum(conference=conference)
    if not q.quorate and not quorum_override_reason.strip():
        raise ValidationError({"quorum_override_reason": q.explanation + ". Record why the conference went ahead"})
    conference.held_on = held_on
    conference.quorate = q.quorate
    conference.quorum_override_reason = "" if q.quorate else quorum_override_reason.strip()
    reason = late_reason.strip() or conference.late_reason
    stamp(conference, actor, "Held")
    conference.save()
    if conference.kind == Kind.REVIEW:
        clock.deadline_meet_open(subject=conference.plan, rule_keys=REVIEW_RULES, met_on=held_on, actor=actor,
                                 late_reason=reason)
    else:
        clock.deadline_meet_open(subject=conference, rule_keys=(DEADLINE_RULE_FOR_KIND[conference.kind],),
                                 met_on=held_on, actor=actor, late_reason=reason)
    # reports not in by the conference are no longer chased
    for d in _report_deadlines(conference):
        if d.rule_key == "conference_reports":
            clock.deadline_cancel(deadline=d, reason="The conference has been held", actor=actor)
    record_event(events.HELD, actor=actor, subject=conference, payload={"held_on": held_on.isoformat(),
                                                                       "quorate": q.quorate})
    if not q.quorate:
        record_event(events.QUORUM_OVERRIDDEN, actor=actor, subject=conference,
                     payload={"reason": conference.quorum_override_reason, "explanation": q.explanation})
    return conference
