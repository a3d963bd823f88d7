"""The LADO's part of the home page (ADR 26), registered from ``ready()``: referrals to evaluate, open cases by
age, and overdue LADO deadlines, from the workbench's selector (three statements) and the clock; and how
deadlines, notifications and history name a LADO record: by its reference, never the adult's or a child's name."""

from __future__ import annotations

from collections import Counter

from django.urls import reverse

from safeguarding.clock import rules
from safeguarding.clock import selectors as clock
from safeguarding.clock.policies import deadline_policy
from safeguarding.home.kernel_parts import deadline_item
from safeguarding.home.parts import Item, Row, add_items, item_from_list
from safeguarding.records.subjects import reference_namer, register_subject

from .policies import case_policy
from .selectors.figures import open_age_labels
from .selectors.pages import workbench

register_subject("lado.referral", reference_namer(
    "lado.referral", text=lambda r: f"LADO referral {r['reference']}", url_name="lado:referral", fields=("reference",)))
register_subject("lado.ladocase", reference_namer(
    "lado.ladocase", text=lambda r: f"LADO case {r['referral__reference']}", url_name="lado:case",
    fields=("referral__reference",)))
register_subject("lado.safetydecision", reference_namer(
    "lado.safetydecision", text=lambda r: f"LADO case {r['case__referral__reference']}", url_name="lado:case",
    public_id="case__public_id", fields=("case__referral__reference",)))


def _case_row(c) -> Row:
    return Row(f"LADO case {c.referral.reference}", reverse("lado:case", args=[c.public_id]),
               f"Received {c.age_days} day{'s' if c.age_days != 1 else ''} ago",
               tags=(("Possible repeat", "orange"),) if c.repeat else ())


@add_items("lado", order=10)
def lado_items(ctx, today):
    url = reverse("lado:workbench")
    bench = workbench(case_policy.visible(ctx, "work"))
    ages = Counter(c.age_bucket for c in bench.open)
    w = clock.window(today=today)
    overdue = clock.deadlines_overdue(clock.for_service(deadline_policy.visible(ctx, "view"), rules.Service.LADO), w=w)
    return [
        item_from_list(bench.new, title="Referrals to evaluate", url=url, row=_case_row,
                       empty="No new referrals are waiting."),
        Item(title="Open cases by age", count=len(bench.open), url=url,
             rows=tuple(Row(label, url, f"{ages[label]} case{'s' if ages[label] != 1 else ''}")
                        for label in open_age_labels() if ages[label]),
             empty="No cases are open."),
        deadline_item(ctx, overdue, title="LADO actions overdue", url=reverse("clock:team_deadlines"), w=w,
                      urgent=True, empty="No LADO actions are overdue."),
    ]
