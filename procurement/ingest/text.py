"""Sentences and vocabularies of article text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["Sentence", "resemblance", "sentences", "vocabulary"]

_ABBREVIATIONS: Final = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Col|Gen|Lt|Maj|Capt|Adm|Sgt|St|Jr|Sr|No|vs|etc|Inc|Ltd|Co|Corp"
    r"|U\.S|U\.K|U\.N|e\.g|i\.e|[A-Z])\.$"
)
_QUOTES = "\"'\u2018\u2019\u201c\u201d"
_END: Final = re.compile(rf"[.!?][{_QUOTES})]*(?=\s+[{_QUOTES}(]?[A-Z0-9])")
_STOP: Final = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "as",
        "at",
        "is",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "that",
        "this",
        "it",
        "its",
        "their",
        "from",
        "which",
        "will",
        "would",
        "or",
        "but",
        "not",
        "are",
        "also",
        "two",
        "both",
        "said",
        "he",
        "she",
        "they",
        "his",
        "her",
        "our",
        "we",
        "who",
        "what",
        "when",
        "where",
        "while",
        "after",
        "before",
        "over",
        "under",
        "more",
        "than",
        "into",
        "about",
    ]
)


@dataclass(frozen=True)
class Sentence:
    """A sentence of the clean text and where it stands."""

    text: str
    start: int


def sentences(text: str) -> list[Sentence]:
    """Split clean text into sentences: at line breaks and at sentence ends, keeping
    abbreviations such as "U.S." and "Mr." and initials such as "S. Jaishankar" whole."""
    found: list[Sentence] = []
    offset = 0
    for line in text.split("\n"):
        start = 0
        for end in _END.finditer(line):
            piece = line[start : end.end()]
            if _ABBREVIATIONS.search(piece.rstrip(_QUOTES + ")")):
                continue
            if piece.strip():
                found.append(
                    Sentence(piece.strip(), offset + start + len(piece) - len(piece.lstrip()))
                )
            start = end.end()
        rest = line[start:]
        if rest.strip():
            found.append(Sentence(rest.strip(), offset + start + len(rest) - len(rest.lstrip())))
        offset += len(line) + 1
    return found


def vocabulary(text: str) -> frozenset[str]:
    """The content words of a text, normalised for comparing rewrites of one story:
    lower case, American spellings of "defense" folded, plural "s" dropped."""
    text = text.lower().replace("defense", "defence").replace("u.s.", "us")
    words = re.findall(r"[a-z0-9]+", text)
    return frozenset(w.rstrip("s") for w in words if len(w) > 2 and w not in _STOP)


def resemblance(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard resemblance of two vocabularies (what MinHash estimates), computed exactly."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
