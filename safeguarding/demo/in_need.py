"""The demo's episodes of need (``cases.ChildInNeedEpisode``, the CIN census's referral, ADR 27): every demo child
with a conference or a child protection plan was referred, and is in need from the referral.

The referral is dated the day before the child's first child protection record (the strategy discussion that
started the enquiry, the other authority's transfer notification, the conference request or the plan), never
more than 40 weeks before an unborn child's expected birth (the census's rule 8606); its source is one of a few
usual ones, chosen by the child's id; the primary need is abuse or neglect (N1). Made through
``cases.services.cin_episode_open``, so the child's history has it. Idempotent: a child with an episode already
has its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

from django.db.models import Min

from cases import services as case_services
from cases.models import Child, ChildInNeedEpisode
from safeguarding.accounts.models import Agency

SOURCES = ("6", "2A", "3B", "5A", "1A", "3A")  # police, school, health visitor, social care, family, GP
BEFORE_BIRTH = timedelta(weeks=40)


def load(*, la: Agency, say: Callable[[str], None] = print) -> Counter:
    from conferences.models import ChildProtectionPlan, Conference

    created: Counter = Counter()
    first: dict[int, date] = {}

    def earliest(child_id: int, *days) -> None:
        for day in days:
            if day is not None:
                first[child_id] = min(first.get(child_id, day), day)

    for row in (Conference.objects.live().filter(child__local_authority=la).values("child_id")
                .annotate(s=Min("strategy_discussion_date"), t=Min("transfer_notification_date"),
                          r=Min("requested_at"))):
        earliest(row["child_id"], row["s"], row["t"], row["r"] and row["r"].date())
    for row in (ChildProtectionPlan.objects.live().filter(child__local_authority=la).values("child_id")
                .annotate(p=Min("started_on"))):
        earliest(row["child_id"], row["p"])
    has = set(ChildInNeedEpisode.objects.filter(child_id__in=first).values_list("child_id", flat=True))
    children = Child.objects.filter(pk__in=set(first) - has).select_related("allocated_social_worker")
    for child in children.order_by("pk"):
        referred = first[child.pk] - timedelta(days=1)
        if child.date_of_birth is None and child.expected_date_of_birth:
            referred = max(referred, child.expected_date_of_birth - BEFORE_BIRTH + timedelta(days=1))
        actor = child.allocated_social_worker
        if actor is None:
            continue
        case_services.cin_episode_open(child=child, actor=actor, referral_date=referred,
                                       referral_source=SOURCES[child.pk % len(SOURCES)], primary_need="N1")
        created["children in need"] += 1
    if created:
        say(f"  recorded {created['children in need']} episodes of need (the referrals behind the conferences)")
    return created
