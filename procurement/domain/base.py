"""The shared base of every domain model, and the identifier types they use."""

from __future__ import annotations

import re
from typing import Annotated, Final

from pydantic import AfterValidator, BaseModel, ConfigDict

__all__ = ["DomainModel", "Slug", "Text"]

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


Slug = Annotated[str, AfterValidator(_slug)]
"""A stable, human-readable identifier such as `p-8i`."""

Text = Annotated[str, AfterValidator(_text)]
"""Non-empty text, stripped of surrounding white space."""


class DomainModel(BaseModel):
    """Immutable, strictly-shaped model: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)
