"""A batch: everything one load writes, each record remembering where it was read from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from procurement.domain.engagements import Engagement
from procurement.domain.events import StatusEvent
from procurement.domain.officials import Official
from procurement.domain.platforms import Platform
from procurement.domain.programmes import Programme
from procurement.domain.sources import Source

__all__ = ["Batch", "Entry", "Origin", "SourceDocument"]

T = TypeVar("T")


@dataclass(frozen=True)
class Origin:
    """Where a record came from: a file and line, or an API call."""

    file: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Entry(Generic[T]):
    """A record and its origin."""

    value: T
    origin: Origin = Origin()


@dataclass(frozen=True)
class SourceDocument:
    """A source with its full text (None for datasets, which are cited row by row)."""

    source: Source
    text: str | None = None


@dataclass
class Batch:
    """Records to validate together and write in one transaction."""

    sources: list[Entry[SourceDocument]] = field(default_factory=list)
    platforms: list[Entry[Platform]] = field(default_factory=list)
    officials: list[Entry[Official]] = field(default_factory=list)
    engagements: list[Entry[Engagement]] = field(default_factory=list)
    programmes: list[Entry[Programme]] = field(default_factory=list)
    events: list[Entry[StatusEvent]] = field(default_factory=list)
    also: list[Callable[[Session], None]] = field(default_factory=list)
    """Further writes (an importer's own tables) run last, in the same transaction."""

    def extend(self, other: Batch) -> None:
        """Append every record of `other`."""
        self.sources += other.sources
        self.platforms += other.platforms
        self.officials += other.officials
        self.engagements += other.engagements
        self.programmes += other.programmes
        self.events += other.events
        self.also += other.also

    def __len__(self) -> int:
        return (
            len(self.sources)
            + len(self.platforms)
            + len(self.officials)
            + len(self.engagements)
            + len(self.programmes)
            + len(self.events)
        )
