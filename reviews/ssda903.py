"""The SSDA903 rows of a period of care, written from its records: the proof that the return can be
produced from what is kept (the return itself, with its header and the other tables, comes later).

A period of care is a chain of SSDA903 episodes: a new one begins on every day the placement or the
legal status changes (both on one day: one episode, RNE B or U). Each episode ends the day the next
begins (``REC`` X1, with ``REASON_PLACE_CHANGE`` when the placement changed), and the last one when the
period ended (``DEC``, ``REC``) or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .codes import ReasonEpisodeCeased, ReasonNewEpisode
from .models import LegalStatusPeriod, LookedAfterEpisode, Placement, Review


@dataclass(frozen=True)
class EpisodeRow:
    DECOM: date
    RNE: str
    LS: str
    CIN: str
    PLACE: str
    PLACE_PROVIDER: str
    DEC: date | None
    REC: str
    REASON_PLACE_CHANGE: str
    HOME_POST: str
    PL_POST: str
    URN: str


@dataclass(frozen=True)
class ReviewRow:
    REVIEW: date
    REVIEW_CODE: str


def _covering(rows, day: date):
    """The row in force on ``day``: the latest that started on or before it (a row that starts on a day is
    the one in force that day)."""
    return max((r for r in rows if r.start_date <= day), key=lambda r: (r.start_date, r.pk))


def episodes(period: LookedAfterEpisode) -> list[EpisodeRow]:
    placements = list(Placement.objects.live().filter(episode=period))
    statuses = list(LegalStatusPeriod.objects.live().filter(episode=period))
    days = sorted({r.start_date for r in placements} | {r.start_date for r in statuses})
    out = []
    for i, day in enumerate(days):
        placement, status = _covering(placements, day), _covering(statuses, day)
        starting = [r for r in (placement, status) if r.start_date == day]
        rne = ReasonNewEpisode.S if day == period.start_date else starting[0].reason_for_new_episode
        following = days[i + 1] if i + 1 < len(days) else None
        if following is not None:
            dec, rec = following, ReasonEpisodeCeased.X1
            moved = any(p.start_date == following for p in placements)
            reason_place_change = placement.change_reason if moved else ""
        else:
            dec, rec, reason_place_change = period.end_date, period.end_reason, ""
        out.append(EpisodeRow(
            DECOM=day, RNE=str(rne), LS=status.legal_status, CIN=period.category_of_need,
            PLACE=placement.placement_type, PLACE_PROVIDER=placement.provider, DEC=dec, REC=str(rec or ""),
            REASON_PLACE_CHANGE=reason_place_change, HOME_POST=period.home_postcode, PL_POST=placement.postcode,
            URN=placement.urn,
        ))
    return out


def reviews(period: LookedAfterEpisode) -> list[ReviewRow]:
    held = Review.objects.live().filter(episode=period, status=Review.Status.HELD).order_by("held_on", "id")
    return [ReviewRow(REVIEW=r.held_on, REVIEW_CODE=r.participation) for r in held]
