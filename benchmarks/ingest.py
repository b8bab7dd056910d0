#!/usr/bin/env python3
"""Measure the ingester on the five seed articles against the curated fixtures.

    python benchmarks/ingest.py

Starts from a store holding only the platform catalogue, ingests each seed article with
its recorded publication date, and compares the (platform or programme, status) pairs it
proposes with those the fixtures record for that article. A proposed programme with no
platform (an agreement, an initiative) is matched to the curated programme whose title
shares most of its words, since the ingester must invent ids for programmes it has not
seen. Prints one JSON document: precision and recall per article and overall, and
articles per second.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from procurement import Tracker
from procurement.resources import resource_path

STOP = {"the", "of", "for", "and", "next", "new", "a", "us", "india", "in", "to"}


def _words(title: str) -> set[str]:
    text = title.lower().replace("defense", "defence")
    return set(re.findall(r"[a-z0-9+]+", text)) - STOP


def gold() -> tuple[dict[str, set[tuple[str, str]]], dict[str, str]]:
    """The curated (platform or programme, status) pairs per article, and titles by id."""
    fixtures = resource_path("fixtures")
    programmes = yaml.safe_load((fixtures / "programmes.yaml").read_text())["programmes"]
    platform_of = {p["id"]: p.get("platform") for p in programmes}
    titles = {p["id"]: p["title"] for p in programmes if not p.get("platform")}
    pairs: dict[str, set[tuple[str, str]]] = {}
    for path in sorted((fixtures / "claims").glob("*.yaml")):
        document = yaml.safe_load(path.read_text())
        for claim in document["claims"]:
            sources = {c.get("source", document["source"]) for c in claim.get("citations", [{}])}
            subject = platform_of[claim["programme"]] or claim["programme"]
            for source in sources:
                pairs.setdefault(source, set()).add((subject, claim["status"]))
    return pairs, titles


def _match(title: str, titles: dict[str, str]) -> str:
    """The curated programme whose title shares most words with `title`, if any does."""
    words = _words(title)
    best, score = title, 0.0
    for ident, other in titles.items():
        overlap = len(words & _words(other)) / max(1, min(len(words), len(_words(other))))
        if overlap > score:
            best, score = ident, overlap
    return best if score >= 0.5 else f"(new) {title}"


def run() -> dict[str, Any]:
    seeds = resource_path("seeds")
    index = yaml.safe_load((seeds / "index.yaml").read_text())["sources"]
    expected, titles = gold()
    report: dict[str, Any] = {"articles": {}}
    found_all = expected_all = matched_all = 0
    with tempfile.TemporaryDirectory() as folder:
        tracker = Tracker.open(f"sqlite:///{Path(folder) / 'ingest.db'}", upgrade=True)
        tracker.seed([resource_path("fixtures") / "platforms.yaml"])
        start = time.perf_counter()
        results = {
            source["id"]: tracker.ingest(
                [seeds / source["file"]], published=str(source["published"])
            )[0]
            for source in index
        }
        elapsed = time.perf_counter() - start
        tracker.close()
    for ident, result in results.items():
        proposed = {
            (c.platform or _match(c.title, titles), c.status.value) for c in result.candidates
        }
        wanted = expected.get(ident, set())
        hits = proposed & wanted
        found_all += len(proposed)
        expected_all += len(wanted)
        matched_all += len(hits)
        report["articles"][ident] = {
            "precision": round(len(hits) / len(proposed), 3) if proposed else None,
            "recall": round(len(hits) / len(wanted), 3) if wanted else None,
            "proposed": len(proposed),
            "expected": len(wanted),
            "missed": sorted(map(list, wanted - proposed)),
            "extra": sorted(map(list, proposed - wanted)),
            "near_duplicate_of": result.closest[0]
            if result.near_duplicate and result.closest
            else None,
        }
    report["overall"] = {
        "precision": round(matched_all / found_all, 3) if found_all else None,
        "recall": round(matched_all / expected_all, 3) if expected_all else None,
        "articles_per_second": round(len(results) / elapsed, 1),
        "targets": {"precision": 0.8, "recall": 0.9},
    }
    return report


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
