"""Where facts come from: sources (articles, datasets) and verbatim citations of them."""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

from procurement.domain.base import DomainModel, Name, Slug, Text
from procurement.domain.dates import PartialDate

__all__ = ["Citation", "Source", "SourceKind", "normalise_quote_text", "quote_occurs", "sha256_hex"]

_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)


class SourceKind(StrEnum):
    """An article quotes prose; a dataset quotes a row."""

    ARTICLE = "article"
    DATASET = "dataset"


def sha256_hex(data: bytes) -> str:
    """The SHA-256 digest of `data` as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


def normalise_quote_text(text: str) -> str:
    """Text as quotes are matched: typographic quotes and dashes made plain, white space
    collapsed. Nothing else changes: case, spelling and punctuation must match."""
    return " ".join(text.translate(_TYPOGRAPHY).split())


def quote_occurs(quote: str, text: str) -> bool:
    """True when `quote` appears in `text`, up to white space and typography."""
    return normalise_quote_text(quote) in normalise_quote_text(text)


def _sha256(value: str) -> str:
    value = value.lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise ValueError("must be 64 hexadecimal digits (a SHA-256 digest)")
    return value


def _bounded(value: PartialDate) -> PartialDate:
    if value.latest is None:
        raise ValueError(
            f"{value} has no latest bound: a publication date must say when, at the latest"
        )
    return value


class Source(DomainModel):
    """A published text or dataset, identified by the digest of its bytes."""

    id: Slug
    kind: SourceKind = SourceKind.ARTICLE
    title: Text
    outlet: Name | None = None
    author: Name | None = None
    url: Text | None = None
    published: Annotated[PartialDate, AfterValidator(_bounded)]
    published_note: Text | None = None
    note: Text | None = None
    sha256: Annotated[str, AfterValidator(_sha256)]


class Citation(DomainModel):
    """A verbatim quote from a source that supports a claim."""

    source: Slug
    quote: Text = Field(max_length=4000)
