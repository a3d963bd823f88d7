"""The deployment's letterhead, shown at the top of the first page of every PDF (ADR 28).

It comes only from settings (``LETTERHEAD_*``, from the environment): the authority's name, the service,
the postal address, a telephone number, an email address and a logo (a file under ``static/``, served to
WeasyPrint by the kernel's fetcher like any other static file). Outside production the defaults are the
demo authority's, Northmoor Borough Council, with its small committed logo; in production there are no
defaults, and whatever is not set is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

__all__ = ["Letterhead", "letterhead"]


@dataclass(frozen=True)
class Letterhead:
    name: str
    service: str
    address: tuple[str, ...]
    telephone: str
    email: str
    logo: str  # the static path, e.g. "img/letterhead/northmoor-borough-council.svg"; "" for none

    @property
    def logo_url(self) -> str:
        """The logo's address for a PDF template: a source path under /static/ (ADR 6)."""
        return f"/static/{self.logo.lstrip('/')}" if self.logo else ""

    @property
    def contact(self) -> str:
        """One line: "Telephone 01632 960000 · safeguarding@…" (what is set of the two)."""
        parts = [f"Telephone {self.telephone}" if self.telephone else "", self.email]
        return " · ".join(p for p in parts if p)

    def __bool__(self) -> bool:
        return bool(self.name or self.address or self.contact or self.logo)


def letterhead() -> Letterhead:
    return Letterhead(
        name=settings.LETTERHEAD_NAME.strip(),
        service=settings.LETTERHEAD_SERVICE.strip(),
        address=tuple(line.strip() for line in settings.LETTERHEAD_ADDRESS.split(";") if line.strip()),
        telephone=settings.LETTERHEAD_TELEPHONE.strip(),
        email=settings.LETTERHEAD_EMAIL.strip(),
        logo=settings.LETTERHEAD_LOGO.strip(),
    )
