"""Sources for tests that need knowledge dates but no article text."""

from __future__ import annotations

from procurement import Source, SourceKind, Tracker


def add_datasets(tracker: Tracker, published: dict[str, str]) -> None:
    """One text-less dataset source per id, published on the given EDTF date (without a
    text, quotes citing them are not checked)."""
    for ident, day in published.items():
        tracker.add_source(
            Source(
                id=ident,
                kind=SourceKind.DATASET,
                title=ident,
                published=day,
                sha256=ident.encode().hex().ljust(64, "0"),
            )
        )
