"""Every read of the LADO app that crosses relations, shaped for its page: ``index`` (matching and searching
the person index), ``pages`` (the workbench, the referral and case pages, the portal, the access log)."""

from .index import IndexCandidate, index_candidates, index_search, referral_index_candidates, with_history

__all__ = ["IndexCandidate", "index_candidates", "index_search", "referral_index_candidates", "with_history"]
