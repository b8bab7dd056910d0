"""Ingesting new articles: clean text, one source per text, rewrites spotted, and claims
proposed for review with their quotes, dates and confidence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from procurement import InvalidData, PartialDate, Tracker
from procurement.ingest.cleaning import clean, decode
from procurement.ingest.relative_dates import resolve
from procurement.ingest.text import resemblance, sentences, vocabulary
from procurement.resources import resource_path

SEEDS = resource_path("seeds")
FIXTURES = resource_path("fixtures")
INDEX = yaml.safe_load((SEEDS / "index.yaml").read_text())["sources"]
ARTICLES = {s["id"]: SEEDS / s["file"] for s in INDEX}
PUBLISHED = {s["id"]: str(s["published"]) for s in INDEX}

UNRELATED = (
    "The monsoon arrived early in Kerala this year, the India Meteorological Department said "
    "on Tuesday. Farmers welcomed the rain after a hot summer, and reservoirs in the south are "
    "expected to fill by August.\n"
)


def _quotes(source: str) -> list[str]:
    quotes = []
    for path in sorted((FIXTURES / "claims").glob("*.yaml")):
        document = yaml.safe_load(path.read_text())
        for claim in document["claims"]:
            for citation in claim.get("citations", [{"quote": claim.get("quote")}]):
                if citation.get("source", document["source"]) == source:
                    quotes.append(citation["quote"])
    return quotes


# -- cleaning -------------------------------------------------------------------------------


@pytest.mark.parametrize("source", sorted(ARTICLES))
def test_cleaning_removes_furniture_keeps_quoted_sentences_and_is_idempotent(source: str) -> None:
    """Also-read links, wire credits, bylines and blank runs go; every quoted sentence stays."""
    text, _ = decode(ARTICLES[source].read_bytes(), source)
    cleaned = clean(text)
    assert clean(cleaned) == cleaned
    for furniture in ("Also Read", "Based On A PTI Report", "ANDALIB AKHTER", "\n\n\n"):
        assert furniture not in cleaned
    flat = " ".join(cleaned.replace("\u2019", "'").split())
    for quote in _quotes(source):
        assert " ".join(quote.replace("\u2019", "'").split()) in flat, quote


def test_sentences_keep_abbreviations_and_initials_whole() -> None:
    """'U.S.' and 'S. Jaishankar' do not end sentences."""
    found = [s.text for s in sentences("The U.S. and India met. Minister S. Jaishankar spoke.\n")]
    assert found == ["The U.S. and India met.", "Minister S. Jaishankar spoke."]


# -- dates ----------------------------------------------------------------------------------


def _one(sentence: str, published: str) -> str:
    [found] = resolve(sentence, PartialDate(published))
    return str(found.date)


def test_relative_dates_resolve_against_the_publication_date() -> None:
    """'on Tuesday' in an article of 2 July 2025 is 1 July; 'later this year' ends in
    December; 'today' is the publication date with its precision."""
    assert _one("They spoke on Tuesday.", "2025-07-02") == "2025-07-01"
    later = PartialDate(_one("They will sign later this year.", "2025-07-02"))
    assert (later.earliest, later.latest) == (dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    assert _one("They met today.", "2025-10-31/2025-11-01") == "2025-10-31/2025-11-01"
    assert _one("They met today.", "2025-07-02") == "2025-07-02"
    assert _one("It was announced in February 2025.", "2025-07-02") == "2025-02"
    assert _one("On 1 July, they spoke.", "2025-07-02") == "2025-07-01"
    assert _one("at the Pentagon on July 1, 2025, he said", "2025-07-03") == "2025-07-01"
    assert _one("announced earlier this year", "2025-07-02") == "2025/2025-07-02"


# -- similarity -----------------------------------------------------------------------------


def test_rewrites_of_one_wire_story_resemble_each_other_and_unrelated_text_does_not() -> None:
    """The four July rewrites pair up; a weather report pairs with none of them."""
    from procurement.ingest import DUPLICATE_THRESHOLD

    words = {s: vocabulary(clean(p.read_text())) for s, p in ARTICLES.items()}
    july = ["article-000", "article-001", "article-003", "article-004"]
    for a in july:
        for b in july:
            if a < b:
                assert resemblance(words[a], words[b]) >= DUPLICATE_THRESHOLD, (a, b)
    weather = vocabulary(UNRELATED)
    assert max(resemblance(weather, w) for w in words.values()) < DUPLICATE_THRESHOLD / 2


# -- ingesting ------------------------------------------------------------------------------


@pytest.fixture
def catalogue_only(tracker: Tracker) -> Tracker:
    """A store holding the platform catalogue and nothing else."""
    tracker.seed([FIXTURES / "platforms.yaml"])
    return tracker


def test_an_article_becomes_a_source_and_a_pending_draft(
    catalogue_only: Tracker, tmp_path: Path
) -> None:
    """Article 000: platforms, six more P-8I, the agreement of 1 July; nothing loads
    until reviewed, and accepted claims load through the normal path."""
    [result] = catalogue_only.ingest([ARTICLES["article-000"]], published="2025-07-02")
    assert catalogue_only.source(result.source).published == PartialDate("2025-07-02")
    claims = {(c.platform or c.programme, c.status.value) for c in result.candidates}
    assert {("p-8i", "planned"), ("c-17", "in_service"), ("m777", "in_service")} <= claims
    six = next(c for c in result.candidates if c.platform == "p-8i" and c.status.value == "planned")
    assert six.quantity == 6
    assert six.quote.startswith("India also plans to acquire six more P-8I")
    agreed = next(c for c in result.candidates if c.status.value == "agreed")
    assert (str(agreed.effective), agreed.date_note) == (
        "../2025-07-02",
        "no date in the sentence: by publication",
    )
    draft = tmp_path / "draft.yaml"
    draft.write_text(result.draft)
    with pytest.raises(InvalidData, match="review: pending"):
        catalogue_only.seed([draft])
    document = yaml.safe_load(draft.read_text())
    for claim in document["claims"]:
        claim["review"] = "accepted"
    draft.write_text(yaml.safe_dump(document))
    loaded = catalogue_only.seed([draft])
    assert loaded["events"].added == len(
        {(c["programme"], c["status"], c["effective"]) for c in document["claims"]}
    )


def test_a_date_in_the_sentence_dates_the_claim(catalogue_only: Tracker) -> None:
    """Article 004: the pending sales were discussed "on July 1, 2025"."""
    [result] = catalogue_only.ingest([ARTICLES["article-004"]], published="2025-07-01/2025-07-07")
    pending = next(c for c in result.candidates if c.status.value == "negotiating")
    assert str(pending.effective) == "2025-07-01"
    assert pending.quote.startswith("US Defence Secretary Pete Hegseth, during a meeting")


def test_the_same_text_twice_is_one_source_and_a_rewrite_is_flagged(
    catalogue_only: Tracker,
) -> None:
    """Ingesting a file again reuses its source; another rewrite names the closest one."""
    [first] = catalogue_only.ingest([ARTICLES["article-000"]], published="2025-07-02")
    [again] = catalogue_only.ingest([ARTICLES["article-000"]], published="2025-07-02")
    assert (again.source, again.stored_already) == (first.source, True)
    assert len(catalogue_only.sources()) == 1
    [rewrite] = catalogue_only.ingest([ARTICLES["article-004"]], published="2025-07-03")
    assert rewrite.near_duplicate and rewrite.closest is not None
    assert rewrite.closest[0] == first.source


def test_unknown_designations_are_reported(catalogue_only: Tracker, tmp_path: Path) -> None:
    """A platform missing from the catalogue is named for the analyst to add."""
    article = tmp_path / "rafale.txt"
    article.write_text(
        "India plans to acquire 26 Rafale-M fighters and more Su-30MKI aircraft, the "
        "ministry said on Monday.\n"
    )
    [result] = catalogue_only.ingest([article], published="2025-07-02")
    assert "Su-30MKI" in result.unknown_platforms
    assert "no platform of the catalogue is named" in result.notes


def test_a_catalogue_platform_named_without_a_claim_is_not_reported_missing(
    catalogue_only: Tracker, tmp_path: Path
) -> None:
    """The note about missing platforms looks at the text, not only at the claims found."""
    article = tmp_path / "background.txt"
    article.write_text("The P-8I is a maritime patrol aircraft built by Boeing.\n")
    [result] = catalogue_only.ingest([article], published="2025-07-02")
    assert result.candidates == []
    assert "no platform of the catalogue is named" not in result.notes


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00" * 10, "binary"),
        (b"x" * (50 * 1024 * 1024), "are refused"),
    ],
    ids=["empty", "binary", "50 MB"],
)
def test_hostile_files_are_refused_and_nothing_is_stored(
    catalogue_only: Tracker, tmp_path: Path, content: bytes, message: str
) -> None:
    """A clear message naming the file; no source is stored, not even for good files
    ingested alongside."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(InvalidData, match=rf"bad.txt.*{message}"):
        catalogue_only.ingest([ARTICLES["article-000"], bad], published="2025-07-02")
    assert catalogue_only.sources() == []


def test_text_in_another_encoding_is_read(catalogue_only: Tracker, tmp_path: Path) -> None:
    """Windows-1252 and UTF-16 articles are read, and the draft says how."""
    text = "India\u2019s navy operates the P-8I Poseidon, the ministry said today.\n"
    for encoding in ("cp1252", "utf-16"):
        article = tmp_path / f"{encoding}.txt"
        article.write_bytes(text.encode(encoding))
        [result] = catalogue_only.ingest([article], published="2025-07-02")
        assert f"read as {encoding}" in result.notes
        assert any(c.platform == "p-8i" for c in result.candidates)
