"""Reads for looked-after children and their reviews, by topic. Selectors never decide who may see what:
callers pass records or querysets the policy has already scoped (``reviews.policies``)."""

from .allocation import (
    CaseloadRow,
    IroSuggestion,
    caseload,
    current_iro_id,
    eligible_iros,
    iro_suggestions,
    iros_of,
    parent_child_iro_ids,
    sibling_iro_ids,
)
from .episodes import (
    current_allocation,
    current_legal_status,
    current_placement,
    current_plans,
    episode_deadlines,
    held_reviews,
    legal_statuses_of,
    open_episode_of,
    open_review,
    placements_of,
    review_deadline,
)
from .lists import ROWS, awaiting_iro, my_caseload
from .pages import ROWS as PREPARATION_ROWS
from .pages import (
    PreparationRow,
    ReviewPageData,
    paper_of,
    plans_for_episodes,
    review_for_page,
    review_page,
    to_prepare,
)
from .record import (
    decision_of,
    decision_owner_agencies,
    decision_owner_people,
    decisions_of,
    document_of,
    latest_documents,
    open_deadline,
    record_of,
)
from .voice import consultations_of, link_for_token, live_links_of

__all__ = [
    "CaseloadRow", "IroSuggestion", "caseload", "current_iro_id", "eligible_iros", "iro_suggestions", "iros_of",
    "parent_child_iro_ids", "sibling_iro_ids",
    "ROWS", "awaiting_iro", "my_caseload",
    "current_allocation", "current_legal_status", "current_placement", "current_plans", "episode_deadlines",
    "held_reviews", "legal_statuses_of", "open_episode_of", "open_review", "placements_of", "review_deadline",
    "decision_of", "decision_owner_agencies", "decision_owner_people", "decisions_of", "document_of",
    "latest_documents", "record_of", "open_deadline",
    "PREPARATION_ROWS", "PreparationRow", "ReviewPageData", "paper_of", "plans_for_episodes", "review_for_page",
    "review_page", "to_prepare",
    "consultations_of", "link_for_token", "live_links_of",
]

# preparing a review (ADR 15)
from .invitations import (  # noqa: E402
    ADVOCACY_FIELDS,
    Introduction,
    Invitable,
    advocacy_expected,
    advocacy_of,
    consultation_link_for_token,
    introduction_letter_of,
    introduction_of,
    invitable_agencies,
    invitable_people,
    invitation_of,
    invitations_of,
    invitee_consultations_of,
    iro_profile_of,
    meeting_of,
    to_send,
    with_preparation,
)

__all__ += [
    "ADVOCACY_FIELDS", "Introduction", "Invitable", "advocacy_expected", "advocacy_of", "consultation_link_for_token",
    "introduction_letter_of", "introduction_of", "invitable_agencies", "invitable_people", "invitation_of",
    "invitations_of", "invitee_consultations_of", "iro_profile_of", "meeting_of", "to_send", "with_preparation",
]
