"""The shared base of every domain model, and the identifier types they use."""

from __future__ import annotations

import re
from typing import Annotated, Final

from pydantic import AfterValidator, BaseModel, ConfigDict

__all__ = ["NAME_LENGTH", "DomainModel", "Name", "Slug", "Text"]

NAME_LENGTH: Final = 200
"""The longest name, title or place a record may carry (the store's column width)."""

_SLUG: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _slug(value: str) -> str:
    if not _SLUG.match(value) or len(value) > 120:
        raise ValueError(
            f"{value!r} is not a valid id: use lowercase letters, digits and single hyphens "
            "(e.g. 'p-8i', 'us-india-framework-2025'), at most 120 characters"
        )
    return value


def _text(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _name(value: str) -> str:
    value = _text(value)
    if len(value) > NAME_LENGTH:
        raise ValueError(
            f"is {len(value)} characters long; a name holds at most {NAME_LENGTH}: "
            "put longer text in a note"
        )
    return value


Slug = Annotated[str, AfterValidator(_slug)]
"""A stable, human-readable identifier such as `p-8i`."""

Text = Annotated[str, AfterValidator(_text)]
"""Non-empty text, stripped of surrounding white space."""

Name = Annotated[str, AfterValidator(_name)]
"""Non-empty text of at most `NAME_LENGTH` characters: a name, a title, a place."""


class DomainModel(BaseModel):
    """Immutable, strictly-shaped model: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)
