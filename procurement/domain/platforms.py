"""Weapon platforms: what is bought, built or operated, under every name the sources use."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import field_validator, model_validator

from procurement.domain.base import NAME_LENGTH, DomainModel, Name, Slug, Text
from procurement.domain.countries import CountryCode

__all__ = ["Category", "Platform", "UNCategory", "alias_key"]


class Category(StrEnum):
    """SIPRI's armament categories (Arms Transfers Database, sources and methods)."""

    AIRCRAFT = "aircraft"
    AIR_DEFENCE_SYSTEMS = "air-defence systems"
    ANTI_SUBMARINE_WARFARE_WEAPONS = "anti-submarine warfare weapons"
    ARMOURED_VEHICLES = "armoured vehicles"
    ARTILLERY = "artillery"
    ENGINES = "engines"
    MISSILES = "missiles"
    NAVAL_WEAPONS = "naval weapons"
    SATELLITES = "satellites"
    SENSORS = "sensors"
    SHIPS = "ships"
    OTHER = "other"


class UNCategory(StrEnum):
    """Categories I-VII of the UN Register of Conventional Arms."""

    BATTLE_TANKS = "I"
    ARMOURED_COMBAT_VEHICLES = "II"
    LARGE_CALIBRE_ARTILLERY = "III"
    COMBAT_AIRCRAFT = "IV"
    ATTACK_HELICOPTERS = "V"
    WARSHIPS = "VI"
    MISSILES_AND_LAUNCHERS = "VII"


_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def alias_key(name: str) -> str:
    """The form names are matched in: case, hyphens, spaces and dots ignored ('P-8 I' = 'p8i')."""
    return _NOT_ALNUM.sub("", name.casefold())


def _check_key(name: str) -> str:
    """The matching key of `name`, refused if case folding makes it longer than a name may
    be ('ß' folds to 'ss')."""
    key = alias_key(name)
    if len(key) > NAME_LENGTH:
        raise ValueError(
            f"{name[:40]!r}... is matched as {len(key)} characters; at most {NAME_LENGTH}"
        )
    return key


class Platform(DomainModel):
    """A weapon system, with the aliases by which sources name it.

    Fields the articles do not state (category, manufacturer, origin) are reference data:
    `reference` says where they come from.
    """

    id: Slug
    name: Name
    aliases: tuple[Name, ...] = ()
    category: Category | None = None
    un_category: UNCategory | None = None
    role: Name | None = None
    manufacturer: Name | None = None
    origin: CountryCode | None = None
    variant_of: Slug | None = None
    reference: Text | None = None

    @field_validator("name")
    @classmethod
    def _matchable(cls, name: str) -> str:
        _check_key(name)
        return name

    @field_validator("aliases")
    @classmethod
    def _distinct(cls, aliases: tuple[str, ...]) -> tuple[str, ...]:
        seen: dict[str, str] = {}
        for alias in aliases:
            key = _check_key(alias)
            if not key:
                raise ValueError(f"alias {alias!r} has no letters or digits")
            if key in seen:
                raise ValueError(f"aliases {seen[key]!r} and {alias!r} are the same name")
            seen[key] = alias
        return aliases

    @model_validator(mode="after")
    def _not_own_variant(self) -> Platform:
        if self.variant_of == self.id:
            raise ValueError(f"platform {self.id!r} cannot be a variant of itself")
        return self

    def names(self) -> tuple[str, ...]:
        """The canonical name followed by every alias, without repeats."""
        keys = {alias_key(self.name)}
        return (self.name, *(a for a in self.aliases if alias_key(a) not in keys))
