"""Ingest new articles: register them as sources, spot rewrites of stored ones, and propose
citation-backed claims as a draft for review.

    reports = tracker.ingest(["article.txt"], published="2025-07-02")
    Path("draft.yaml").write_text(reports[0].draft)

The draft is a fixture file whose claims are all `review: pending`: the loader refuses
them until an analyst accepts (or rejects) each, then loads the accepted ones through the
normal validated path (`procurement seed draft.yaml`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from procurement.domain.dates import PartialDate
from procurement.domain.sources import Source, SourceKind, sha256_hex
from procurement.errors import InvalidData, Problem, validation_problems
from procurement.ingest.claims import Candidate, Catalogue, KnownProgramme, read_claims
from procurement.ingest.cleaning import clean, decode
from procurement.ingest.draft import draft
from procurement.ingest.text import resemblance, sentences, vocabulary
from procurement.loading.batch import Batch, Entry, Origin, SourceDocument

if TYPE_CHECKING:
    from procurement.tracker import Tracker

__all__ = ["DUPLICATE_THRESHOLD", "Ingested", "ingest"]

DUPLICATE_THRESHOLD = 0.15
"""Vocabulary resemblance from which an article counts as a rewrite of a stored one.
Rewrites of one wire story score 0.2-0.3; unrelated articles under 0.1."""


@dataclass
class Ingested:
    """What ingesting one file did and found."""

    path: Path
    source: str
    stored_already: bool
    encoding: str
    cleaned: str
    candidates: list[Candidate]
    unknown_platforms: list[str]
    closest: tuple[str, float] | None
    draft: str
    notes: list[str] = field(default_factory=list)

    @property
    def near_duplicate(self) -> bool:
        """True when a stored source resembles this one enough to be the same story."""
        return self.closest is not None and self.closest[1] >= DUPLICATE_THRESHOLD


def _title(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "Untitled")
    return first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "..."


def _source(path: Path, **fields: Any) -> Source:
    """The article's source record; a value the model refuses names the file and field."""
    try:
        return Source.model_validate(fields)
    except ValidationError as error:
        raise InvalidData(
            validation_problems(error, file=str(path), record=f"source {fields['id']!r}")
        ) from None


def ingest(
    tracker: Tracker,
    paths: Iterable[Path | str],
    *,
    published: str | dt.date | None = None,
    outlet: str | None = None,
) -> list[Ingested]:
    """Read, clean and register each article; propose its claims as a review draft.

    Every file is read and checked before any is stored, and all are stored in one
    transaction: a bad file stores nothing. `published` (EDTF, default today) dates the
    articles and anchors their relative dates ("on Tuesday").
    """
    when = PartialDate.parse(published or dt.date.today())
    if when.latest is None:
        raise InvalidData(Problem(f"{when} has no latest day", field="published"))
    notes = [] if published else [f"no publication date given: taken as today ({when})"]
    sources = {s.sha256: s for s in tracker.sources()}
    stored_texts = {
        s.id: vocabulary(clean(tracker.source_text(s.id) or ""))
        for s in sources.values()
        if s.kind is SourceKind.ARTICLE
    }
    catalogue = Catalogue(
        tracker.platforms(),
        [KnownProgramme(p.id, p.title, p.kind, p.platform) for p in tracker.programmes()],
    )
    results: list[Ingested] = []
    batch = Batch()
    for path in (Path(p) for p in paths):
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InvalidData(Problem(f"cannot read: {error.strerror}", file=str(path))) from None
        text, encoding = decode(data, str(path))
        cleaned = clean(text)
        digest = sha256_hex(data)
        existing = sources.get(digest)
        source_id = existing.id if existing else f"article-{digest[:12]}"
        own = vocabulary(cleaned)
        others = [
            (ident, resemblance(own, words))
            for ident, words in stored_texts.items()
            if ident != source_id
        ]
        closest = max(others, key=lambda pair: pair[1], default=None)
        reading = read_claims(
            sentences(cleaned), cleaned, existing.published if existing else when, catalogue
        )
        file_notes = list(notes)
        if encoding != "utf-8":
            file_notes.append(f"read as {encoding}")
        if not catalogue.platforms_in(cleaned):
            file_notes.append("no platform of the catalogue is named")
        if existing is None:
            source = _source(
                path,
                id=source_id,
                title=_title(cleaned),
                outlet=outlet,
                published=when,
                published_note="given on ingest" if published else "the day of ingest",
                sha256=digest,
            )
            batch.sources.append(Entry(SourceDocument(source, text), Origin(str(path))))
            sources[digest] = source
            stored_texts[source_id] = own
        results.append(
            Ingested(
                path=path,
                source=source_id,
                stored_already=existing is not None,
                encoding=encoding,
                cleaned=cleaned,
                candidates=reading.candidates,
                unknown_platforms=reading.unknown_platforms,
                closest=(closest[0], round(closest[1], 3)) if closest else None,
                draft=draft(path, source_id, reading, file_notes),
                notes=file_notes,
            )
        )
    if len(batch):
        tracker.load(batch)
    return results
