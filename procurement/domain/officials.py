"""Officials and the titles they hold over time."""

from __future__ import annotations

from pydantic import model_validator

from procurement.domain.base import DomainModel, Name, Slug, Text
from procurement.domain.countries import CountryCode
from procurement.domain.dates import PartialDate
from procurement.domain.sources import Citation

__all__ = ["Official", "Role"]


class Role(DomainModel):
    """A title held from `start` until `end` (None: not known to have ended).

    Backed by citations, or by `reference` naming where a fact the articles do not state
    comes from.
    """

    title: Name
    organisation: Name | None = None
    country: CountryCode | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    citations: tuple[Citation, ...] = ()
    reference: Text | None = None

    @model_validator(mode="after")
    def _evidenced(self) -> Role:
        if not self.citations and self.reference is None:
            raise ValueError("a role needs citations or a reference saying where it comes from")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"role ends ({self.end}) before it starts ({self.start})")
        return self


class Official(DomainModel):
    """A person who speaks or acts for a government."""

    id: Slug
    name: Name
    country: CountryCode | None = None
    roles: tuple[Role, ...] = ()
