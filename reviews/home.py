"""Looked-after children on the home page (ADR 26), registered from ``ready()``: the IRO's part (reviews due,
decisions overdue, children not seen since their last review, care plan checks due, disputes open) read from
the caseload's one query, the reviews a partner's agency is invited to and the decisions it owns, the
service's count of looked-after children, a child's "looked after since" tag (with the legal status), and how
deadlines, notifications and history name a review's child."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from cases.status import register_status
from cases.subjects import RESTRICTED, register_child_subjects
from safeguarding.accounts.models import Role
from safeguarding.clock import selectors as clock
from safeguarding.home.parts import Figures, Row, add_items, item_from_list, item_of
from safeguarding.pages import day
from safeguarding.records.subjects import reference_namer, register_subject

from . import selectors
from .codes import LegalStatus
from .models import LIVE, OPEN, LegalStatusPeriod, LookedAfterEpisode, Review, ReviewDecision
from .policies import decision_policy, episode_policy, review_policy

register_child_subjects({
    "reviews.lookedafterepisode": "child", "reviews.review": "episode__child",
    "reviews.reviewpaper": "review__episode__child", "reviews.reviewdecision": "review__episode__child",
    "reviews.careplanqa": "episode__child", "reviews.dispute": "episode__child",
    "reviews.disputestage": "dispute__episode__child", "reviews.statutoryvisit": "episode__child",
    "reviews.placement": "episode__child", "reviews.reviewinvitation": "review__episode__child",
})
register_subject("reviews.fosteringhousehold", reference_namer(
    "reviews.fosteringhousehold", text=lambda r: f"Fostering household {r['reference']}", url_name="reviews:household",
    fields=("reference",)))
register_subject("reviews.fostercarerreview", reference_namer(
    "reviews.fostercarerreview", text=lambda r: f"Foster carers' review, household {r['household__reference']}",
    url_name="reviews:foster_review", fields=("household__reference",)))


# --- a child's status: looked after since, with the legal status --------------------------------------------


def _episode_annotations() -> dict:
    episode = LookedAfterEpisode.objects.filter(OPEN, child=OuterRef("pk")).order_by("-start_date")
    legal = LegalStatusPeriod.objects.filter(OPEN, episode__child=OuterRef("pk"), episode__end_date__isnull=True)
    return {"lac_since": Subquery(episode.values("start_date")[:1]),
            "lac_legal_status": Subquery(legal.order_by("-start_date").values("legal_status")[:1])}


def _episode_tags(values: dict) -> list[tuple[str, str]]:
    if not values.get("lac_since"):
        return []
    status = values.get("lac_legal_status")
    label = LegalStatus(status).label if status in LegalStatus.values else ""
    return [(f"Looked after since {day(values['lac_since'])}" + (f" ({label})" if label else ""), "turquoise")]


register_status("looked_after", _episode_annotations, _episode_tags)


# --- the IRO ----------------------------------------------------------------------------------------------------


def _name(child) -> str:
    return RESTRICTED if child.restricted else child.full_name


def _episode_row(hint):
    def row(e) -> Row:
        return Row(_name(e.child), reverse("reviews:monitoring", args=[e.public_id]),
                   f"{hint(e)}, {e.child.local_child_id}")
    return row


@add_items("iro", order=10)
def iro_items(ctx, today):
    w = clock.window(today=today)
    url = reverse("reviews:caseload")
    caseload = list(selectors.my_caseload(episode_policy.visible(ctx, "review"), iro=ctx.user)[:selectors.ROWS])
    soon = w.due_soon_until
    due = [e for e in caseload if e.review_due and e.review_due <= soon]
    not_seen = [e for e in caseload if e.last_review and (not e.last_contact or e.last_contact < e.last_review)]
    qa_due = [e for e in caseload if e.qa_due and e.qa_due <= soon]
    disputes = [e for e in caseload if e.open_disputes]
    overdue = (decision_policy.visible(ctx, "view")
               .filter(LIVE, status=ReviewDecision.Status.OPEN, due_date__lt=today,
                       review__episode_id__in=[e.pk for e in caseload], review__iro_id=ctx.user_id)
               .select_related("review__episode__child").order_by("due_date", "pk"))
    return [
        item_from_list(due, title="Reviews due", url=url, row=_episode_row(lambda e: f"Review due {day(e.review_due)}"),
                       empty="No reviews are due soon."),
        item_of(overdue, title="Review decisions overdue", url=url, urgent=True, empty="No decisions are overdue.",
                row=lambda d: Row(_name(d.review.episode.child), reverse("reviews:review", args=[d.review.public_id]),
                                  f"{d.description[:80]}, due {day(d.due_date)}", tags=(("Overdue", "red"),))),
        item_from_list(not_seen, title="Children you have not seen since their last review", url=url,
                       row=_episode_row(lambda e: f"Last review {day(e.last_review)}"),
                       empty="You have seen every child since their last review."),
        item_from_list(qa_due, title="Care plan checks (quality assurance) due", url=url,
                       row=_episode_row(lambda e: f"Due {day(e.qa_due)}"), empty="No checks are due soon."),
        item_from_list(disputes, title="Children with a dispute open", url=reverse("reviews:disputes"),
                       row=_episode_row(lambda e: f"{e.open_disputes} open"), empty="No disputes are open."),
    ]


# --- partners: reviews they are invited to, decisions their agency owns ------------------------------------------


@add_items("partner", order=15)
def partner_reviews(ctx, today):
    invited = (review_policy.visible(ctx, "invited")
               .filter(status__in=(Review.Status.REQUESTED, Review.Status.SCHEDULED))
               .select_related("episode__child").order_by("planned_for", "pk"))
    decisions = (decision_policy.visible(ctx, "view").filter(LIVE, status=ReviewDecision.Status.OPEN)
                 .filter(decision_policy.owned_by_agency_q(ctx))
                 .select_related("review__episode__child").order_by("due_date", "pk"))
    return [
        item_of(invited, title="Looked-after reviews your agency is invited to", url="",
                row=lambda r: Row(_name(r.episode.child), reverse("reviews:review", args=[r.public_id]),
                                  f"Review on {day(r.planned_for)}" if r.planned_for else "Review not yet booked"),
                empty="Your agency is not invited to any review at the moment."),
        item_of(decisions, title="Review decisions for your agency to do", url="",
                row=lambda d: Row(_name(d.review.episode.child),
                                  reverse("reviews:decision_complete", args=[d.public_id]),
                                  f"{d.description[:80]}, due {day(d.due_date)}",
                                  tags=(("Overdue", "red"),) if d.due_date < today else ()),
                empty="No review decisions are waiting for your agency."),
    ]


@add_items("service", order=30)
def service_looked_after(ctx, today):
    figures = Figures()
    n = episode_policy.visible(ctx, "view").filter(
        OPEN, child__local_authority_id__in=ctx.agency_ids_with_role(Role.SERVICE_MANAGER)).count()
    figures.add("Looked-after children", n, reverse("reviews:preparation"))
    return figures.items
