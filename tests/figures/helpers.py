"""What the figures' tests share: a page's text, the rows of one figure's table as the page shows them, and a
deadline due on a given day in a given state."""

from __future__ import annotations

import html
import re

from safeguarding.clock import services as clock
from safeguarding.clock.models import Deadline
from tests.factories import ChildFactory

ROW = re.compile(r'<th scope="row" class="govuk-table__header">(?:<a class="govuk-link" href="([^"]*)">)?'
                 r"([^<]+)(?:</a>)?</th> ((?:<td[^>]*>[^<]*</td> ?)+)")


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def rows_of(page: str, figure: str, *, key=lambda label: label) -> dict[str, tuple[str, tuple]]:
    """``{key(label): (the row's link, its cells' texts)}`` of the table of figure ``figure`` on ``page``."""
    table = page.split(f'id="figure-{figure}-table"')[1].split("</table>")[0]
    return {key(html.unescape(label)): (html.unescape(href), tuple(re.findall(r">([^<]*)</td>", cells)))
            for href, label, cells in ROW.findall(table)}


def due_on(rule_key, due, *, team, status="open", met_on=None):
    """A deadline of ``rule_key`` due on ``due`` (anchored so that the rule gives that date), then met or
    cancelled as ``status`` says."""
    child = ChildFactory(local_authority=team.agency, allocated_team=team)
    d = clock.deadline_open(subject=child, rule_key=rule_key, anchor_date=due, label="x", responsible_team=team)
    Deadline.objects.filter(pk=d.pk).update(due_date=due)  # the rule's arithmetic is tested elsewhere
    d.refresh_from_db()
    if status == "cancelled":
        clock.deadline_cancel(deadline=d, reason="Not needed")
    elif status in ("met_on_time", "met_late"):
        clock.deadline_meet(deadline=d, met_on=met_on, late_reason="Met late" if status == "met_late" else "")
    return d
