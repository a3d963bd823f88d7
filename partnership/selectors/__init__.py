"""Every read of the partnership app that crosses relations, shaped for a page or a command."""

from .rapid_review import dashboard, rapid_review_page, step_is_open, timeline
from .submissions import information_due, merged_chronology, my_requests, request_entries

__all__ = ["dashboard", "information_due", "merged_chronology", "my_requests", "rapid_review_page", "request_entries",
           "step_is_open", "timeline"]
