"""Collection years: a return ``--year 2027`` covers 1 April 2026 to 31 March 2027 (its reference date), as
the DfE names its collections (the CIN census 2026 to 2027, ``<Year>2027</Year>``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CollectionYear:
    year: int

    @property
    def start(self) -> date:
        return date(self.year - 1, 4, 1)

    @property
    def end(self) -> date:
        """The reference date (31 March)."""
        return date(self.year, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.year - 1} to {self.year}"

    @classmethod
    def containing(cls, day: date) -> CollectionYear:
        return cls(day.year + 1 if day.month >= 4 else day.year)


def age_on(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
