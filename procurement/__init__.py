"""procurement: track defence procurement programmes and their status over time.

Every status is an event with an effective date at the precision its source supports,
the source that reported it and the verbatim quote. Open a `Tracker` on SQLite or
PostgreSQL, migrate it, seed it and ask what was true, and known, when.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from procurement.domain import (
        Category,
        Citation,
        Country,
        Engagement,
        EngagementKind,
        EventRef,
        Kind,
        Money,
        Official,
        Outlook,
        PartialDate,
        Platform,
        Precision,
        Programme,
        Role,
        Source,
        SourceKind,
        Status,
        StatusEvent,
        UNCategory,
        allowed_statuses,
    )
    from procurement.errors import (
        DatabaseError,
        DatabaseUnavailable,
        IntegrityMismatch,
        InvalidArgument,
        InvalidData,
        InvalidTransition,
        NotFound,
        Problem,
        ProcurementError,
        QuoteNotFound,
        SchemaOutOfDate,
        UnknownReference,
    )
    from procurement.loading.writer import LoadSummary
    from procurement.queries import (
        Conflict,
        ConflictKind,
        ProgrammeStatus,
        QuotedCitation,
        StatusChange,
        StatusDiff,
        jsonable,
    )
    from procurement.store.migrations import current_revision, downgrade, upgrade
    from procurement.tracker import Tracker

# Names are imported on first use, so that `procurement --help` starts fast.
_EXPORTS = {
    "Category": "procurement.domain",
    "Citation": "procurement.domain",
    "Conflict": "procurement.queries",
    "ConflictKind": "procurement.queries",
    "Country": "procurement.domain",
    "DatabaseError": "procurement.errors",
    "DatabaseUnavailable": "procurement.errors",
    "Engagement": "procurement.domain",
    "EngagementKind": "procurement.domain",
    "EventRef": "procurement.domain",
    "IntegrityMismatch": "procurement.errors",
    "InvalidArgument": "procurement.errors",
    "InvalidData": "procurement.errors",
    "InvalidTransition": "procurement.errors",
    "Kind": "procurement.domain",
    "LoadSummary": "procurement.loading.writer",
    "Money": "procurement.domain",
    "NotFound": "procurement.errors",
    "Official": "procurement.domain",
    "Outlook": "procurement.domain",
    "PartialDate": "procurement.domain",
    "Platform": "procurement.domain",
    "Precision": "procurement.domain",
    "Problem": "procurement.errors",
    "ProcurementError": "procurement.errors",
    "Programme": "procurement.domain",
    "ProgrammeStatus": "procurement.queries",
    "QuoteNotFound": "procurement.errors",
    "QuotedCitation": "procurement.queries",
    "Role": "procurement.domain",
    "SchemaOutOfDate": "procurement.errors",
    "Source": "procurement.domain",
    "SourceKind": "procurement.domain",
    "Status": "procurement.domain",
    "StatusChange": "procurement.queries",
    "StatusDiff": "procurement.queries",
    "StatusEvent": "procurement.domain",
    "Tracker": "procurement.tracker",
    "UNCategory": "procurement.domain",
    "UnknownReference": "procurement.errors",
    "allowed_statuses": "procurement.domain",
    "current_revision": "procurement.store.migrations",
    "downgrade": "procurement.store.migrations",
    "jsonable": "procurement.queries",
    "upgrade": "procurement.store.migrations",
}

__version__ = "0.1.0"

__all__ = [
    "Category",
    "Citation",
    "Conflict",
    "ConflictKind",
    "Country",
    "DatabaseError",
    "DatabaseUnavailable",
    "Engagement",
    "EngagementKind",
    "EventRef",
    "IntegrityMismatch",
    "InvalidArgument",
    "InvalidData",
    "InvalidTransition",
    "Kind",
    "LoadSummary",
    "Money",
    "NotFound",
    "Official",
    "Outlook",
    "PartialDate",
    "Platform",
    "Precision",
    "Problem",
    "ProcurementError",
    "Programme",
    "ProgrammeStatus",
    "QuoteNotFound",
    "QuotedCitation",
    "Role",
    "SchemaOutOfDate",
    "Source",
    "SourceKind",
    "Status",
    "StatusChange",
    "StatusDiff",
    "StatusEvent",
    "Tracker",
    "UNCategory",
    "UnknownReference",
    "__version__",
    "allowed_statuses",
    "current_revision",
    "downgrade",
    "jsonable",
    "upgrade",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'procurement' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
