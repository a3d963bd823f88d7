"""Every read of the partnership app that crosses relations, shaped for a page or a command."""

from .rapid_review import dashboard, rapid_review_page, step_is_open, timeline

__all__ = ["dashboard", "rapid_review_page", "step_is_open", "timeline"]
