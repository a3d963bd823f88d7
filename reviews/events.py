"""The CaseEvent codes the looked-after reviews app records."""

from safeguarding.audit.events import register

EPISODE_OPENED = register("lac.episode_opened", "Child became looked after")
EPISODE_UPDATED = register("lac.episode_updated", "Looked-after details changed")
EPISODE_ENDED = register("lac.episode_ended", "Child stopped being looked after")
PLACEMENT_CHANGED = register("lac.placement_changed", "Placement changed")
LEGAL_STATUS_CHANGED = register("lac.legal_status_changed", "Legal status changed")
PLAN_RECORDED = register("lac.plan_recorded", "Care, health, education or pathway plan recorded")
IRO_ALLOCATED = register("lac.iro_allocated", "IRO allocated")
IRO_ALLOCATION_ENDED = register("lac.iro_allocation_ended", "IRO allocation ended")
REVIEW_REQUESTED = register("lac.review_requested", "Early looked-after review requested")
REVIEW_SCHEDULED = register("lac.review_scheduled", "Looked-after review scheduled")
REVIEW_RESCHEDULED = register("lac.review_rescheduled", "Looked-after review moved")
REVIEW_SESSION = register("lac.review_session", "Looked-after review session held")
REVIEW_HELD = register("lac.review_held", "Looked-after review held")
REVIEW_CANCELLED = register("lac.review_cancelled", "Looked-after review cancelled")
REVIEW_PREPARED = register("lac.review_prepared", "Preparation for a looked-after review recorded")
