"""The IRO's introduction letter to the child (issue 10, section 1; ADR 15), a PDF through the kernel's
locked-down renderer (``safeguarding.documents.pdf``), as ``reviews.documents`` renders the review's PDFs.

Written to the child in plain words: who their IRO is (their name, their photo if they gave one), what an IRO
does, when their first review is due or booked, how to reach their IRO, and their right to an advocate.

The photo is the one thing a PDF here loads that is not a static file: the renderer's fetcher is given it,
at one address under the renderer's own unreachable origin, and still refuses everything else.
"""

from __future__ import annotations

from django.utils import timezone
from weasyprint.urls import URLFetcherResponse

from safeguarding.documents.pdf import ASSET_ORIGIN, StaticFileFetcher, render_pdf

from .documents import first_name
from .models import IroAllocation, IroProfile, LookedAfterEpisode, Review
from .rules import ADVOCACY_FROM_AGE, age_on

TEMPLATE = "reviews/pdf/introduction.html"
TITLE = "Your Independent Reviewing Officer"


class PhotoFetcher(StaticFileFetcher):
    """The kernel's fetcher, serving besides the static files the IRO's photo at ``url`` (and only there)."""

    def __init__(self, url: str, body: bytes, content_type: str) -> None:
        super().__init__()
        self.photo_url, self.body, self.content_type = url, body, content_type

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url == self.photo_url:
            self.served.append(url)
            return URLFetcherResponse(url, body=self.body, headers={"Content-Type": self.content_type})
        return super().fetch(url, headers)


def photo_url(profile: IroProfile) -> str:
    extension = "png" if profile.photo_type == "image/png" else "jpg"
    return f"{ASSET_ORIGIN}/iro-photo/{profile.photo_sha256}.{extension}"


def introduction_context(*, episode: LookedAfterEpisode, allocation: IroAllocation,
                         profile: IroProfile | None) -> dict:
    child = episode.child
    booked = (Review.objects.live().filter(episode=episode, status=Review.Status.SCHEDULED)
              .order_by("planned_for").first())
    age = age_on(child.date_of_birth, timezone.localdate())
    return {"child": child, "name": first_name(child), "iro": allocation.iro, "profile": profile,
            "photo_url": photo_url(profile) if profile and profile.has_photo else "", "review": booked,
            "advocacy": age is None or age >= ADVOCACY_FROM_AGE}


def render_introduction(*, episode: LookedAfterEpisode, allocation: IroAllocation,
                        profile: IroProfile | None) -> bytes:
    fetcher = None
    if profile is not None and profile.has_photo:
        fetcher = PhotoFetcher(photo_url(profile), bytes(profile.photo), profile.photo_type)
    # The letter is the child's own: their name in the page margins as on every PDF, their reference not.
    return render_pdf(TEMPLATE, introduction_context(episode=episode, allocation=allocation, profile=profile),
                      title=TITLE, subject_line=episode.child.full_name, fetcher=fetcher)
