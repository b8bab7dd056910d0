"""Programme kinds, the one status vocabulary, and the lifecycle each kind may follow.

Statuses are ranked in lifecycle order. A programme's statuses may only move forward in
that order, except that `stalled` and `cancelled` may come at any point and that an
explicit correction, or a change with a stated reason, may move backwards. The rank also
breaks ties between events that share an effective date.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

__all__ = [
    "INTERRUPTIONS",
    "LIFECYCLES",
    "Kind",
    "Status",
    "allowed_statuses",
    "is_backwards",
    "rank",
]


class Kind(StrEnum):
    """What sort of programme: a purchase, a joint production line, a pact, ..."""

    ACQUISITION = "acquisition"
    LEASE = "lease"
    CO_PRODUCTION = "co_production"
    CO_DEVELOPMENT = "co_development"
    LICENSED_PRODUCTION = "licensed_production"
    AGREEMENT = "agreement"
    INITIATIVE = "initiative"


class Status(StrEnum):
    """Where a programme stands; members are declared in lifecycle order."""

    PROPOSED = "proposed"
    ANNOUNCED = "announced"
    PLANNED = "planned"
    REQUESTED = "requested"
    NEGOTIATING = "negotiating"
    APPROVED = "approved"
    AGREED = "agreed"
    CONTRACTED = "contracted"
    SIGNED = "signed"
    IN_PRODUCTION = "in_production"
    DELIVERING = "delivering"
    IN_SERVICE = "in_service"
    IN_FORCE = "in_force"
    COMPLETED = "completed"
    RETIRED = "retired"
    EXPIRED = "expired"
    STALLED = "stalled"
    CANCELLED = "cancelled"


_RANK: Final[dict[Status, int]] = {status: index for index, status in enumerate(Status)}

# Statuses that may follow any other, whatever the lifecycle order.
INTERRUPTIONS: Final = frozenset({Status.STALLED, Status.CANCELLED})

_S = Status
_EARLY = (_S.PROPOSED, _S.ANNOUNCED, _S.PLANNED)
_FORWARD: Final[dict[Kind, tuple[Status, ...]]] = {
    Kind.ACQUISITION: (
        *_EARLY,
        _S.REQUESTED,
        _S.NEGOTIATING,
        _S.APPROVED,
        _S.AGREED,
        _S.CONTRACTED,
        _S.IN_PRODUCTION,
        _S.DELIVERING,
        _S.IN_SERVICE,
        _S.COMPLETED,
        _S.RETIRED,
    ),
    Kind.LEASE: (
        *_EARLY,
        _S.REQUESTED,
        _S.NEGOTIATING,
        _S.APPROVED,
        _S.AGREED,
        _S.CONTRACTED,
        _S.DELIVERING,
        _S.IN_SERVICE,
        _S.COMPLETED,
        _S.EXPIRED,
    ),
    Kind.CO_PRODUCTION: (
        *_EARLY,
        _S.NEGOTIATING,
        _S.APPROVED,
        _S.AGREED,
        _S.CONTRACTED,
        _S.SIGNED,
        _S.IN_PRODUCTION,
        _S.DELIVERING,
        _S.COMPLETED,
    ),
    Kind.CO_DEVELOPMENT: (
        *_EARLY,
        _S.NEGOTIATING,
        _S.APPROVED,
        _S.AGREED,
        _S.CONTRACTED,
        _S.SIGNED,
        _S.IN_PRODUCTION,
        _S.COMPLETED,
    ),
    Kind.LICENSED_PRODUCTION: (
        *_EARLY,
        _S.REQUESTED,
        _S.NEGOTIATING,
        _S.APPROVED,
        _S.AGREED,
        _S.CONTRACTED,
        _S.IN_PRODUCTION,
        _S.DELIVERING,
        _S.IN_SERVICE,
        _S.COMPLETED,
        _S.RETIRED,
    ),
    Kind.AGREEMENT: (
        *_EARLY,
        _S.NEGOTIATING,
        _S.APPROVED,
        _S.AGREED,
        _S.SIGNED,
        _S.IN_FORCE,
        _S.EXPIRED,
    ),
    Kind.INITIATIVE: (
        *_EARLY,
        _S.NEGOTIATING,
        _S.AGREED,
        _S.SIGNED,
        _S.IN_FORCE,
        _S.COMPLETED,
        _S.EXPIRED,
    ),
}
LIFECYCLES: Final[dict[Kind, tuple[Status, ...]]] = {
    kind: (*statuses, Status.STALLED, Status.CANCELLED) for kind, statuses in _FORWARD.items()
}


def rank(status: Status) -> int:
    """Position of `status` in lifecycle order (0 for `proposed`)."""
    return _RANK[status]


def allowed_statuses(kind: Kind) -> tuple[Status, ...]:
    """The statuses a programme of `kind` may take, in lifecycle order."""
    return LIFECYCLES[kind]


def is_backwards(previous: Status, following: Status) -> bool:
    """True when `following` would move a programme back from `previous`.

    Moving to `stalled` or `cancelled` is never backwards; moving on from them is judged
    against the last status before the interruption, so callers pass that one.
    """
    if following in INTERRUPTIONS:
        return False
    return _RANK[following] < _RANK[previous]
