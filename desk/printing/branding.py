"""The institution's name, logo, desk hours and contact details (resources/branding/)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from desk import resources
from desk.counter.terms import Terms, current_terms


@dataclass(frozen=True)
class Branding:
    institution: str
    desk: str
    address: str
    hours: str
    phone: str
    email: str
    web: str
    logo: Path | None
    terms: Terms

    @property
    def contact(self) -> str:
        return " · ".join(x for x in (self.phone, self.email, self.web) if x)


@lru_cache(maxsize=1)
def load_branding() -> Branding:
    data = resources.load_json("branding", "branding.json")
    logo = resources.path("branding", data["logo"]) if data.get("logo") else None
    return Branding(
        institution=data["institution"], desk=data["desk"], address=data.get("address", ""),
        hours=data.get("hours", ""), phone=data.get("phone", ""), email=data.get("email", ""),
        web=data.get("web", ""), logo=logo if logo and logo.exists() else None, terms=current_terms(),
    )
