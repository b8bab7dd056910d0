"""The domain: pydantic models of platforms, programmes, events and their evidence.

Nothing here knows about databases; the store converts rows to and from these models.
"""

from procurement.domain.countries import Country, CountryCode, CurrencyCode, lookup_country
from procurement.domain.dates import PartialDate, Precision
from procurement.domain.engagements import Engagement, EngagementKind
from procurement.domain.events import EventRef, Outlook, StatusEvent
from procurement.domain.lifecycle import Kind, Status, allowed_statuses
from procurement.domain.officials import Official, Role
from procurement.domain.platforms import Category, Platform, UNCategory, alias_key
from procurement.domain.programmes import Money, Programme
from procurement.domain.sources import Citation, Source, SourceKind

__all__ = [
    "Category",
    "Citation",
    "Country",
    "CountryCode",
    "CurrencyCode",
    "Engagement",
    "EngagementKind",
    "EventRef",
    "Kind",
    "Money",
    "Official",
    "Outlook",
    "PartialDate",
    "Platform",
    "Precision",
    "Programme",
    "Role",
    "Source",
    "SourceKind",
    "Status",
    "StatusEvent",
    "UNCategory",
    "alias_key",
    "allowed_statuses",
    "lookup_country",
]
