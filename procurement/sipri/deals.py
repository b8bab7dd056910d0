"""What a trade-register row means in the tracker's terms: a deal key, a programme kind,
the statuses the row implies, and the platform designations it names.

The deal key identifies a deal across releases: recipient, supplier, year of order and
weapon designation, which SIPRI does not revise for an existing deal, plus an ordinal when
one release holds several deals with the same four values (India's two Canberra B-2 orders
of 1968, say). Ordinals follow the rest of each row's content (quantities, delivery years,
comments, ...), never its place in the file, so a re-export in another order keeps them;
but they can pair up the wrong deals when a newer release revises one of several deals
that share the four values, which then shows as a revision of both.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from procurement.domain.lifecycle import Kind, Status
from procurement.domain.platforms import Category
from procurement.sipri.register import RegisterRow

__all__ = [
    "Claim",
    "category_of",
    "deal_keys",
    "implied_claims",
    "kind_of",
    "programme_id",
    "variant_of",
]

_LEASE = re.compile(r"\blease[ds]?\b", re.IGNORECASE)
_LICENCE = re.compile(
    r"under licen[cs]e|licen[cs]ed production|licen[cs]e[- ]produced", re.IGNORECASE
)
_VERSION = re.compile(r"^(?P<name>[A-Za-z0-9][\w()/.+-]*(?: [\w()/.+-]+){0,3}) version\b")


def deal_keys(rows: Iterable[RegisterRow]) -> dict[int, str]:
    """The deal key of every row, by line number."""
    groups: dict[str, list[RegisterRow]] = defaultdict(list)
    for row in rows:
        base = "|".join(
            [row.recipient, row.supplier, str(row.order_year), " ".join(row.designation.split())]
        )
        groups[base].append(row)
    keys: dict[int, str] = {}
    for base, members in groups.items():
        members.sort(key=_content)
        for ordinal, row in enumerate(members, start=1):
            keys[row.line] = f"{base}|{ordinal}"
    return keys


def _content(row: RegisterRow) -> tuple[object, ...]:
    """Everything a row says except where it stands in the file."""
    return (
        row.number_ordered or 0,
        row.number_ordered_uncertain,
        row.order_year_uncertain,
        row.number_delivered or 0,
        row.number_delivered_uncertain,
        row.delivery_years,
        row.description,
        row.status,
        row.comments,
        row.tiv_unit,
        row.tiv_total,
        row.tiv_delivered,
    )


def programme_id(deal_key: str) -> str:
    """A stable programme id for a deal."""
    return "sipri-" + hashlib.sha256(deal_key.encode("utf-8")).hexdigest()[:16]


def kind_of(row: RegisterRow) -> Kind:
    """Licensed production or lease where the comment says so, else an acquisition."""
    if _LICENCE.search(row.comments):
        return Kind.LICENSED_PRODUCTION
    if _LEASE.search(row.comments):
        return Kind.LEASE
    return Kind.ACQUISITION


def variant_of(row: RegisterRow) -> str | None:
    """The variant a comment names ("P-8I version"), if any."""
    for clause in re.split(r";\s*", row.comments):
        found = _VERSION.match(clause.strip())
        if found and found.group("name").lower() not in ("second-hand", "modernized"):
            name = found.group("name")
            if any(c.isdigit() or c.isupper() for c in name) and len(name) <= 60:
                return name
    return None


_CATEGORY_WORDS: list[tuple[Category, tuple[str, ...]]] = [
    (Category.SATELLITES, ("satellite",)),
    (Category.ENGINES, ("engine", "turbofan", "turbojet", "turboshaft", "turboprop", "diesel")),
    (Category.SENSORS, ("radar", "sonar", "sensor", "eo system", "ew system", "sigint")),
    (Category.AIR_DEFENCE_SYSTEMS, ("sam system", "air defence system", "aa gun")),
    (Category.ANTI_SUBMARINE_WARFARE_WEAPONS, ("asw mortar", "asw rocket", "depth charge")),
    (Category.NAVAL_WEAPONS, ("naval gun",)),
    (Category.AIRCRAFT, ("aircraft", "helicopter", "uav", "airship")),
    (
        Category.SHIPS,
        (
            "frigate",
            "corvette",
            "submarine",
            "destroyer",
            "ship",
            "boat",
            "carrier",
            "cruiser",
            "minesweeper",
            "minehunter",
            "landing craft",
            "opv",
            "fac",
            "patrol craft",
        ),
    ),
    (
        Category.ARMOURED_VEHICLES,
        (
            "tank",
            "apc",
            "ifv",
            "armoured",
            "av",
            "arv",
            "aev",
            "reconnaissance av",
            "tank destroyer",
        ),
    ),
    (Category.ARTILLERY, ("gun", "howitzer", "mortar", "mrl", "rocket launcher")),
    (
        Category.MISSILES,
        (
            "missile",
            "sam",
            "ssm",
            "asm",
            "aam",
            "torpedo",
            "guided bomb",
            "guided shell",
            "guided rocket",
            "atgm",
            "srbm",
            "bvraam",
            "sraam",
        ),
    ),
]


def category_of(description: str) -> Category:
    """SIPRI's armament category for one of its weapon descriptions, by keyword: a phrase
    anywhere ("SAM system"), else the head noun ("anti-ship missile" is a missile), else any
    word."""
    words = description.lower().split("/")[0]
    tokens = [t for t in re.split(r"[^a-z]+", words) if t]
    for category, keys in _CATEGORY_WORDS:
        if any(" " in key and key in words for key in keys):
            return category
    for candidates in (tokens[-1:], tokens):
        for category, keys in _CATEGORY_WORDS:
            if any(key in candidates for key in keys):
                return category
    return Category.OTHER


@dataclass(frozen=True)
class Claim:
    """A status the row implies, dated as the row dates it."""

    status: Status
    effective: str
    reason: str | None = None


def implied_claims(row: RegisterRow) -> list[Claim]:
    """Contracted in the order year; delivering from the first delivery year; in service in
    the last delivery year once everything ordered has been delivered."""
    assert row.order_year is not None
    reason = None
    if row.delivery_years and row.delivery_years[0] < row.order_year:
        reason = (
            f"as SIPRI records it: first delivery in {row.delivery_years[0]}, before the "
            f"order year {row.order_year}"
        )
    ordered = f"{row.order_year}" + ("?" if row.order_year_uncertain else "")
    claims = [Claim(Status.CONTRACTED, ordered, reason)]
    if row.delivery_years:
        claims.append(Claim(Status.DELIVERING, str(row.delivery_years[0]), reason))
        if row.complete:
            claims.append(Claim(Status.IN_SERVICE, str(row.delivery_years[-1]), reason))
    return claims
