"""Countries by ISO 3166-1 alpha-2 code, and currencies by ISO 4217 code, from pycountry."""

from __future__ import annotations

import functools
from typing import Annotated

import pycountry
from pydantic import AfterValidator

from procurement.domain.base import DomainModel

__all__ = ["Country", "CountryCode", "CurrencyCode", "country_name", "lookup_country"]


@functools.cache
def _country(code: str) -> str | None:
    found = pycountry.countries.get(alpha_2=code)
    return None if found is None else str(found.name)


def _country_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or _country(code) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. 'IN', 'US')")
    return code


def _currency_code(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code (e.g. 'USD', 'INR')")
    return code


CountryCode = Annotated[str, AfterValidator(_country_code)]
"""An ISO 3166-1 alpha-2 code, upper case."""

CurrencyCode = Annotated[str, AfterValidator(_currency_code)]
"""An ISO 4217 alphabetic code, upper case."""


def country_name(code: str) -> str:
    """The ISO short name of a country code, e.g. 'India' for 'IN'."""
    name = _country(_country_code(code))
    assert name is not None
    return name


def lookup_country(text: str) -> str | None:
    """The alpha-2 code for a code, name or official name ('India', 'IND', 'in'), or None."""
    try:
        found = pycountry.countries.lookup(text.strip())
    except LookupError:
        return None
    return str(found.alpha_2)


class Country(DomainModel):
    """A sovereign state as ISO 3166-1 knows it today."""

    code: CountryCode
    name: str

    @classmethod
    def of(cls, code: str) -> Country:
        """The country with this alpha-2 code, named as ISO names it."""
        return cls(code=code, name=country_name(code))
