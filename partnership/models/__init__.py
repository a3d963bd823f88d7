"""The safeguarding children partnership's records (issue 12). One module per topic; each new module's models
are re-exported here so that ``partnership.models.X`` keeps working.

- ``rapid_review``: referrals for a case review, their triage, notifications to the National Panel and Ofsted,
  the seats (partners' delegates, agency leads) and the rapid review day by day (ADR 20).

Nothing here is deleted: a referral is triaged, a rapid review is submitted or closed, a seat is ended.
"""

from ._base import NotDeletable, _Kept  # noqa: F401
from .escalations import Escalation, EscalationStep  # noqa: F401
from .rapid_review import (  # noqa: F401
    AgencyRequest,
    ChronologyEntry,
    CriteriaDecision,
    MeetingAttendance,
    Notification,
    PartnershipSeat,
    RapidReview,
    Referral,
    ReferredChild,
    ReportIssue,
)
from .reviews import (  # noqa: F401  (practice reviews and action plans: ADR 24)
    LearningTheme,
    Methodology,
    PracticeReview,
    Recommendation,
    ReviewAction,
    ReviewDraft,
)
