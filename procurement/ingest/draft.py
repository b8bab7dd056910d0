"""The review draft: candidate claims written as a fixture file, every one pending."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from procurement.ingest.claims import Reading

__all__ = ["draft"]


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100)


def draft(path: Path, source: str, reading: Reading, notes: list[str]) -> str:
    """A fixture file proposing `reading`'s claims, each `review: pending`."""
    buyer, supplier = reading.parties
    header = [
        f"# Draft claims from {path.name}, ingested {dt.date.today().isoformat()}.",
        "# Review each claim: set `review: accepted` or `review: rejected`, correct what is",
        "# wrong, delete what is not worth keeping, then load it with:",
        f"#     procurement seed {path.stem}.draft.yaml",
        "# Pending claims are refused by the loader.",
    ]
    header += [f"# Note: {note}" for note in notes]
    if reading.unknown_platforms:
        header.append(
            "# Designations not in the platform catalogue (add them to load claims about them): "
            + ", ".join(reading.unknown_platforms)
        )
    document: dict[str, Any] = {"source": source}
    new = {}
    for candidate in reading.candidates:
        if candidate.is_new and candidate.programme not in new:
            programme: dict[str, Any] = {
                "id": candidate.programme,
                "title": candidate.title,
                "kind": candidate.kind.value,
            }
            if candidate.platform:
                programme["platform"] = candidate.platform
            if buyer:
                programme["buyer"] = buyer
            if supplier and supplier != buyer:
                programme["supplier"] = supplier
            if candidate.quantity:
                programme["quantity"] = candidate.quantity
            new[candidate.programme] = programme
    if new:
        document["programmes"] = list(new.values())
    document["claims"] = [
        {
            "programme": c.programme,
            "status": c.status.value,
            "effective": c.effective.edtf,
            "quote": c.quote,
            "note": c.date_note,
            "confidence": c.confidence,
            "review": "pending",
        }
        for c in reading.candidates
    ]
    return "\n".join(header) + "\n\n" + _dump(document)
