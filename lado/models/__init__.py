"""Allegations against adults who work with children (issue 11): the LADO's records.

- ``Referrer``, ``Registration``: the referral portal's own accounts (people of any organisation that works
  with children, most of them not partner-agency users), registered with a verified email; the LADO team can
  suspend one. A ``Registration`` is a request waiting for its email to be verified.
- ``Consultation``: advice given by the LADO (threshold questions, "speak to your DSL first", advice about a
  low-level concern, which the employer holds), counted, and able to become a referral.
- ``Referral``: what an employer (or anyone) told the LADO: the referrer and the setting, the person the
  allegation is about, the children (``ReferralChild``, matched to existing child records by the LADO), what
  happened and when the employer knew (``lado_referral`` measures the employer's one working day), what they
  have done already. ``SharedUpdate``: what the LADO chooses to share with the referrer.
- ``PersonIndexEntry``: the person index, one entry per adult who has been the subject of an allegation, with
  their identifiers; ``IndexMatch``: an entry a new referral resembles (found when it arrives).
- ``LadoCase``: the LADO's record of one referral: the subject (an index entry), the officer, the status;
  ``CaseInvitation``: the police officers and children's social care staff invited into it;
  ``Evaluation``, ``SafetyDecision``, ``Outcome`` and ``RegulatorReferral``: what was decided.

Nothing is ever hard-deleted; everything keeps its history. Vocabularies are in ``lado.codes``.
"""

from .casework import (  # noqa: F401
    LIVE_INVITATION,
    CaseInvitation,
    Evaluation,
    LadoCase,
    Outcome,
    RegulatorReferral,
    SafetyDecision,
)
from .index import IndexMatch, PersonIndexEntry  # noqa: F401
from .meetings import Meeting, MeetingInvitee  # noqa: F401
from .portal import Referrer, Registration  # noqa: F401

# minutes and actions of the meetings, and the parallel processes (ADR 21)
from .processes import MeetingAction, MeetingMinutes, ParallelProcess  # noqa: F401,E402
from .referrals import LIVE, Consultation, Referral, ReferralChild, SharedUpdate  # noqa: F401

# cross-border transfers, retention and legal hold, evidence shared with the people invited into a case
from .retention import HOLD_IN_FORCE, Disposal, LegalHold, PersonnelRecordAdvice  # noqa: F401, E402
from .sharing import LIVE_SHARE, EvidenceShare  # noqa: F401, E402
from .transfers import Transfer  # noqa: F401, E402
