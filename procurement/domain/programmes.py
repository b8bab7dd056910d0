"""Programmes: an acquisition, a co-production plan, an agreement or an initiative."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, PositiveInt, model_validator

from procurement.domain.base import DomainModel, Name, Slug, Text
from procurement.domain.countries import CountryCode, CurrencyCode
from procurement.domain.lifecycle import Kind

__all__ = ["Money", "Programme"]


class Money(DomainModel):
    """An amount in a stated currency, as a source gives it."""

    amount: Decimal = Field(gt=0, max_digits=18, decimal_places=2)
    currency: CurrencyCode


class Programme(DomainModel):
    """One thing whose status changes over time.

    For acquisitions the buyer receives from the supplier; for agreements and initiatives
    the two are the parties. A party that is not a country today (a historical state, a
    rebel group, an international organisation, "unknown supplier(s)") is kept by name in
    `buyer_party`/`supplier_party` instead. A programme with no platform covers several
    (e.g. "pending major US defence sales").
    """

    id: Slug
    title: Text
    kind: Kind
    platform: Slug | None = None
    buyer: CountryCode | None = None
    supplier: CountryCode | None = None
    buyer_party: Name | None = None
    supplier_party: Name | None = None
    quantity: PositiveInt | None = None
    value: Money | None = None
    notes: Text | None = None

    @model_validator(mode="after")
    def _parties(self) -> Programme:
        if self.buyer is not None and self.buyer == self.supplier:
            raise ValueError(f"buyer and supplier are both {self.buyer!r}")
        if self.buyer is not None and self.buyer_party is not None:
            raise ValueError("give buyer (an ISO code) or buyer_party (a name), not both")
        if self.supplier is not None and self.supplier_party is not None:
            raise ValueError("give supplier (an ISO code) or supplier_party (a name), not both")
        return self
