"""Template tags of the looked-after reviews app.

    {% load review_tags %}
    {% child_looked_after child %}    the "Looked after" panel on the child's page (one statement)
"""

from __future__ import annotations

from django import template
from django.utils import timezone

from ..policies import decision_policy, episode_policy, review_summary_policy
from ..selectors.child_panel import PERIODS_LIST, looked_after_panel

register = template.Library()


@register.inclusion_tag("reviews/_child_panel.html", takes_context=True)
def child_looked_after(context, child):
    """The child's latest period of care as the person may see it: the period, what is current and its open
    decisions for those who see the period (``episode_policy`` "view"); the reviews' summaries
    (``review_summary_policy``) and the decisions their agency owns (``decision_policy``) for a partner
    agency. Nothing at all for a child never looked after, or for someone who may see none of it. The
    policies scope each part; the selector reads them in one statement, and none when the page's own lists
    show the child was never looked after."""
    ctx = context["request"].access
    # case staff may record that the child became looked after (again, after a period ended): the child page
    # has asked child_policy whether they may edit the child already (``can_edit``)
    may_start = episode_policy.can_open_for(ctx, child, may_edit_child=bool(context.get("can_edit")))
    periods = context.get(PERIODS_LIST)  # loaded with the child page's lists: none, nothing to ask
    if periods is not None and not periods:
        return {"child": child, "panel": None, "may_start": may_start}
    panel = looked_after_panel(child=child, seen_whole=episode_policy.visible(ctx, "view"),
                               reviews=review_summary_policy.visible(ctx),
                               decisions=decision_policy.visible(ctx, "view"),
                               theirs=decision_policy.owned_by_agency_q(ctx))
    return {"child": child, "panel": panel, "today": timezone.localdate(),
            "may_start": may_start and (panel is None or not panel.is_open)}
