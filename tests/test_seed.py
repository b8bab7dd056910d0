"""Seeding: the five articles and their curated fixtures load completely, once, or not at all."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, select

from procurement import (
    IntegrityMismatch,
    InvalidData,
    InvalidTransition,
    QuoteNotFound,
    Tracker,
    UnknownReference,
)
from procurement.domain.platforms import alias_key
from procurement.domain.sources import quote_occurs
from procurement.loading.fixtures import read_fixtures
from procurement.resources import resource_path
from procurement.store.schema import metadata

FIXTURES = resource_path("fixtures")
SEEDS = resource_path("seeds")


def _documents() -> dict[Path, Any]:
    return {p: yaml.safe_load(p.read_text()) for p in sorted(FIXTURES.rglob("*.yaml"))}


def _seed_texts() -> dict[str, str]:
    index = yaml.safe_load((SEEDS / "index.yaml").read_text())
    return {s["id"]: (SEEDS / s["file"]).read_text(encoding="utf-8") for s in index["sources"]}


def _all_citations() -> list[tuple[str, str, str]]:
    """(file, source, quote) for every citation in the fixtures, wherever it stands."""
    found: list[tuple[str, str, str]] = []

    def walk(node: Any, default: str | None, where: str) -> None:
        if isinstance(node, dict):
            if "quote" in node and isinstance(node["quote"], str):
                found.append((where, node.get("source", default), node["quote"]))
            for key, value in node.items():
                if key != "quote":
                    walk(value, default, where)
        elif isinstance(node, list):
            for item in node:
                walk(item, default, where)

    for path, document in _documents().items():
        walk(document, document.get("source"), path.name)
    return found


def test_every_quote_occurs_verbatim_in_its_seed_article() -> None:
    """Quotes match their article up to white space and typographic quotes and dashes."""
    texts = _seed_texts()
    citations = _all_citations()
    assert len(citations) > 30
    missing = [(f, s, q) for f, s, q in citations if not quote_occurs(q, texts[s])]
    assert missing == []


def test_an_edited_quote_is_refused_naming_source_and_quote(
    tracker: Tracker, tmp_path: Path
) -> None:
    """Change one word of one quote and the load fails, showing that quote."""
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, copy)
    claims = copy / "claims" / "article-000.yaml"
    claims.write_text(claims.read_text().replace("six more P-8I", "seven more P-8I"))
    with pytest.raises(QuoteNotFound, match=r"article-000.*seven more P-8I"):
        tracker.seed([SEEDS, copy])


def _named_platforms(text: str, names: dict[str, str]) -> set[str]:
    """Platform ids an article names, taking the longest name at each place, so that
    "P-8I Poseidon" counts for the P-8I and not also for a platform called "Poseidon"."""
    pattern = "|".join(
        re.escape(name).replace(r"\-", "-?").replace(r"\ ", r"\s*")
        for name in sorted(names, key=len, reverse=True)
    )
    keyed = {alias_key(name): ident for name, ident in names.items()}
    return {keyed[alias_key(m.group(0))] for m in re.finditer(pattern, text, re.IGNORECASE)}


def test_every_platform_an_article_names_has_a_claim_citing_that_article() -> None:
    """No platform mention is left without a claim from the article that mentions it."""
    documents = _documents()
    names = {
        name: platform["id"]
        for platform in documents[FIXTURES / "platforms.yaml"]["platforms"]
        for name in [platform["name"], *platform.get("aliases", [])]
    }
    platform_of = {
        p["id"]: p.get("platform") for p in documents[FIXTURES / "programmes.yaml"]["programmes"]
    }
    claimed: dict[str, set[str]] = {}
    for path, document in documents.items():
        for claim in document.get("claims", []) if path.parent.name == "claims" else []:
            for citation in claim.get("citations", [{}]):
                source = citation.get("source", document["source"])
                claimed.setdefault(source, set()).add(platform_of[claim["programme"]])
    texts = _seed_texts()
    assert _named_platforms(texts["article-000"], names) >= {"p-8i", "javelin", "m777"}
    for source, article in texts.items():
        assert _named_platforms(article, names) <= claimed.get(source, set()), source


def test_every_article_is_cited() -> None:
    """Each of the five articles backs at least one claim."""
    cited = {source for _, source, _ in _all_citations()}
    assert cited == set(_seed_texts())


def test_the_seed_tells_the_framework_story_with_a_citation_behind_every_status(
    tracker: Tracker,
) -> None:
    """Announced in February, agreed on 1 July, signed in Kuala Lumpur; each cited."""
    tracker.seed()
    events = tracker.events("us-india-defence-framework-2025")
    assert {(e.status.value, str(e.effective)) for e in events} >= {
        ("announced", "2025-02"),
        ("agreed", "2025-07-01"),
        ("signed", "2025-10-31/2025-11-01"),
    }
    agreed = next(e for e in events if str(e.effective) == "2025-07-01")
    assert {c.source for c in agreed.citations} == {"article-000", "article-001"}
    assert all(e.citations for e in events)
    signing = tracker.engagement("framework-signing-kuala-lumpur-2025")
    assert signing.place == "Kuala Lumpur, Malaysia"


def test_a_title_that_changes_during_2025_is_recorded(tracker: Tracker) -> None:
    """Hegseth is Secretary of Defense in July and Secretary of War in October."""
    tracker.seed()
    roles = tracker.official("pete-hegseth").roles
    assert [r.title for r in roles] == ["Secretary of Defense", "Secretary of War"]
    assert roles[0].end == roles[1].start


def _dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in metadata.sorted_tables
        }


def test_seeding_twice_changes_nothing(tracker: Tracker) -> None:
    """The second seed adds nothing and reports so; every row is as it was."""
    first = tracker.seed()
    assert first["events"].added > 20
    before = _dump(tracker.engine)
    second = tracker.seed()
    assert not second.changed
    assert _dump(tracker.engine) == before


def test_one_bad_record_in_the_last_file_writes_nothing(tracker: Tracker, tmp_path: Path) -> None:
    """All or nothing: the bad record is found before any write, and named."""
    bad = tmp_path / "zz-last.yaml"
    bad.write_text(
        "source: article-000\n"
        "claims:\n"
        "  - programme: p-8i-six-more\n"
        "    status: contracted\n"
        "    effective: 2025-13\n"
        "    quote: India also plans to acquire six more P-8I\n"
    )
    before = _dump(tracker.engine)
    with pytest.raises(InvalidData, match=r"zz-last.yaml:3.*'effective'"):
        tracker.seed([SEEDS, FIXTURES, bad])
    assert _dump(tracker.engine) == before


def test_a_failure_in_the_middle_of_writing_rolls_everything_back(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a failure no validation foresees, after some rows are written, leaves none."""
    from procurement.loading import writer

    before = _dump(tracker.engine)

    def explode(self: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer._Writer, "_events", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        tracker.seed()
    assert _dump(tracker.engine) == before


def test_a_yaml_syntax_error_names_file_and_line(tracker: Tracker, tmp_path: Path) -> None:
    """A data editor is sent to the line to fix."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("claims:\n  - programme: x\n    status: [unclosed\n")
    with pytest.raises(InvalidData, match=r"broken.yaml:\d+: YAML syntax error"):
        read_fixtures([broken])


def test_an_unknown_platform_suggests_the_closest_id(tracker: Tracker, tmp_path: Path) -> None:
    """'P-8I' is an alias, not an id: the error says which id was meant."""
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "programmes:\n  - {id: more-p8i, title: More, kind: acquisition, platform: p8i}\n"
    )
    with pytest.raises(UnknownReference, match=r"unknown platform 'p8i'; did you mean 'p-8i'"):
        tracker.seed([SEEDS, FIXTURES, extra])


def test_an_invalid_transition_names_programme_and_both_statuses(
    tracker: Tracker, tmp_path: Path
) -> None:
    """Planned after signed is refused unless it is a correction or has a reason."""
    tracker.seed()
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "source: article-003\n"
        "claims:\n"
        "  - programme: us-india-defence-framework-2025\n"
        "    status: planned\n"
        "    effective: 2025-12\n"
        "    quote: are set to sign a new 10-year defense framework\n"
    )
    with pytest.raises(
        InvalidTransition, match=r"us-india-defence-framework-2025.*'signed'.*'planned'"
    ):
        tracker.seed([extra])


def test_a_seed_text_that_changed_is_refused(tracker: Tracker, tmp_path: Path) -> None:
    """The loader checks every article against its recorded digest."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    article = seeds / "000_94553069ad6e2a2a.txt"
    article.write_text(article.read_text().replace("six more", "seven more"))
    with pytest.raises(IntegrityMismatch, match=r"000_94553069ad6e2a2a\.txt no longer matches"):
        tracker.seed([seeds, FIXTURES])


def test_a_changed_publication_date_of_a_stored_source_is_refused(
    tracker: Tracker, tmp_path: Path
) -> None:
    """Knowledge time rests on publication: re-dating a stored article would rewrite what
    the store knew when, so the second seed is refused naming the field, and nothing moves."""
    tracker.seed()
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    index = seeds / "index.yaml"
    index.write_text(index.read_text().replace("published: 2025-07-02", "published: 2025-06-30", 1))
    with pytest.raises(IntegrityMismatch, match=r"index\.yaml.*field 'published'") as caught:
        tracker.seed([seeds, FIXTURES])
    assert "stored as published 2025-07-02, not 2025-06-30" in str(caught.value)
    [article] = [s for s in tracker.sources() if s.id == "article-000"]
    assert str(article.published) == "2025-07-02"


def test_pending_claims_are_refused_and_rejected_ones_skipped(
    tracker: Tracker, tmp_path: Path
) -> None:
    """Drafts must be reviewed before they load."""
    tracker.seed()
    draft = tmp_path / "draft.yaml"
    claim = (
        "  - programme: p-8i-six-more\n    status: planned\n    effective: 2025\n"
        "    quote: India also plans to acquire six more P-8I\n"
    )
    draft.write_text(f"source: article-000\nclaims:\n{claim}    review: pending\n")
    with pytest.raises(InvalidData, match="review: pending"):
        tracker.seed([draft])
    draft.write_text(f"source: article-000\nclaims:\n{claim}    review: rejected\n")
    assert not tracker.seed([draft]).changed
    draft.write_text(f"source: article-000\nclaims:\n{claim}    review: accepted\n")
    assert tracker.seed([draft])["events"].added == 1


def _counts(engine: Engine) -> dict[str, int]:
    return {table: len(rows) for table, rows in _dump(engine).items()}


def test_two_processes_seeding_one_empty_database_leave_one_copy(
    db_url: str, empty_url: str
) -> None:
    """Concurrent seeds serialise on the write lock: both succeed, one copy of everything."""
    with Tracker.open(empty_url, upgrade=True) as reference:
        reference.seed()
        expected = _counts(reference.engine)
    script = "import sys; from procurement import Tracker; Tracker.open(sys.argv[1]).seed()"
    runs = [
        subprocess.Popen([sys.executable, "-c", script, db_url], stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err.decode()
    with Tracker.open(db_url) as tracker:
        assert _counts(tracker.engine) == expected
        assert not tracker.seed().changed
