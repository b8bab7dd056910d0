"""SIPRI's names for recipients and suppliers, mapped to ISO 3166-1 codes where a country
exists today; every other party is kept by the name SIPRI gives it."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum

from procurement.domain.countries import lookup_country

__all__ = ["Party", "PartyKind", "party", "sipri_name"]


class PartyKind(StrEnum):
    """What sort of party SIPRI names."""

    STATE = "state"
    HISTORICAL_STATE = "historical_state"
    NON_STATE_ACTOR = "non_state_actor"
    ORGANISATION = "organisation"
    UNKNOWN = "unknown"


# Reference data: SIPRI's short names for states whose ISO 3166-1 name differs.
_SIPRI_NAMES = {
    "Bosnia-Herzegovina": "BA",
    "Brunei": "BN",
    "Cote d'Ivoire": "CI",
    "DR Congo": "CD",
    "Micronesia": "FM",
    "Palestine": "PS",
    "Russia": "RU",
    "Saint Vincent": "VC",
    "Turkiye": "TR",
    "UAE": "AE",
}


@dataclass(frozen=True)
class Party:
    """A recipient or supplier: an ISO code when it is a country today, else its name."""

    name: str
    kind: PartyKind
    code: str | None


@functools.cache
def party(name: str) -> Party:
    """Classify a SIPRI party name: '*' ends a non-state actor, '**' an organisation."""
    if name.endswith("**"):
        return Party(name, PartyKind.ORGANISATION, None)
    if name.endswith("*"):
        return Party(name, PartyKind.NON_STATE_ACTOR, None)
    if name.lower().startswith("unknown"):
        return Party(name, PartyKind.UNKNOWN, None)
    code = _SIPRI_NAMES.get(name) or lookup_country(name)
    if code is None:
        return Party(name, PartyKind.HISTORICAL_STATE, None)
    return Party(name, PartyKind.STATE, code)


def sipri_name(code: str) -> str:
    """The name SIPRI gives the country with this ISO code."""
    from procurement.domain.countries import country_name

    for name, known in _SIPRI_NAMES.items():
        if known == code:
            return name
    return country_name(code)
