"""Every read of the partnership app that crosses relations, shaped for a page or a command."""

from .rapid_review import dashboard, rapid_review_page, step_is_open, timeline
from .submissions import information_due, merged_chronology, my_requests, request_entries

__all__ = ["dashboard", "information_due", "merged_chronology", "my_requests", "rapid_review_page", "request_entries",
           "step_is_open", "timeline"]

# practice reviews and their action plans (ADR 24)
from .reviews import (  # noqa: E402
    TrackerFilters,
    agency_for_filter,
    library,
    my_actions,
    review_page,
    reviews_list,
    startable_referral,
    themes_by_year,
    tracker,
)

__all__ += ["TrackerFilters", "agency_for_filter", "library", "my_actions", "review_page", "reviews_list",
            "startable_referral", "themes_by_year", "tracker"]
