"""procurement: track defence procurement programmes and their status over time.

Every status is an event with an effective date at the precision its source supports,
the source that reported it and the verbatim quote. Open a `Tracker` on SQLite or
PostgreSQL, migrate it, seed it and ask what was true, and known, when.
"""

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
from procurement.store.migrations import current_revision, downgrade, upgrade
from procurement.tracker import Tracker

__version__ = "0.1.0"

__all__ = [
    "Category",
    "Citation",
    "Country",
    "DatabaseError",
    "DatabaseUnavailable",
    "Engagement",
    "EngagementKind",
    "EventRef",
    "IntegrityMismatch",
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
    "QuoteNotFound",
    "Role",
    "SchemaOutOfDate",
    "Source",
    "SourceKind",
    "Status",
    "StatusEvent",
    "Tracker",
    "UNCategory",
    "UnknownReference",
    "__version__",
    "allowed_statuses",
    "current_revision",
    "downgrade",
    "upgrade",
]
