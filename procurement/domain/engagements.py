"""Engagements: the calls, meetings, summits and statements where things were decided."""

from __future__ import annotations

from enum import StrEnum

from pydantic import model_validator

from procurement.domain.base import DomainModel, Name, Slug, Text
from procurement.domain.dates import PartialDate
from procurement.domain.sources import Citation

__all__ = ["Engagement", "EngagementKind"]


class EngagementKind(StrEnum):
    """The form an engagement took."""

    CALL = "call"
    MEETING = "meeting"
    VISIT = "visit"
    SUMMIT = "summit"
    DIALOGUE = "dialogue"
    JOINT_STATEMENT = "joint_statement"
    SIGNING = "signing"


class Engagement(DomainModel):
    """An encounter between officials on a date, at a place, that status events may cite."""

    id: Slug
    kind: EngagementKind
    title: Text
    date: PartialDate
    place: Name | None = None
    participants: tuple[Slug, ...] = ()
    citations: tuple[Citation, ...] = ()
    reference: Text | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _evidenced(self) -> Engagement:
        if not self.citations and self.reference is None:
            raise ValueError(
                "an engagement needs citations or a reference saying where it comes from"
            )
        if len(set(self.participants)) != len(self.participants):
            raise ValueError("participants are listed more than once")
        return self
