"""Every domain model goes into the store and comes back unchanged, on both databases."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procurement import (
    Citation,
    Engagement,
    EventRef,
    Money,
    Official,
    Outlook,
    Platform,
    Programme,
    Role,
    Source,
    Tracker,
)
from procurement.domain.sources import sha256_hex
from procurement.store import sql
from tests.strategies import RECENT_DAYS, edtf_strings

TEXT = (
    "Hegseth met Singh. They agreed to sign the framework later this year. "
    "India also plans to acquire six more P-8I maritime patrol aircraft."
)
SOURCE = Source(
    id="article-1",
    title="A report",
    outlet="A wire",
    author="A. Writer",
    url="https://example.org/report",
    published="2025-07-01/2025-07-07",
    published_note="no dateline; reports a call of 1 July 2025",
    sha256=sha256_hex(TEXT.encode("utf-8")),
)


def _with_basics(tracker: Tracker) -> None:
    tracker.add_source(SOURCE, TEXT)
    tracker.add_platform(Platform(id="p-8", name="P-8A Poseidon", origin="US"))


def test_a_source_and_its_text_round_trip(tracker: Tracker) -> None:
    """A source keeps every field, and its text is kept byte for byte."""
    assert tracker.add_source(SOURCE, TEXT) == SOURCE
    assert tracker.source_text(SOURCE.id) == TEXT


def test_a_platform_with_every_field_round_trips(tracker: Tracker) -> None:
    """Aliases keep their order; reference data keeps its note."""
    _with_basics(tracker)
    platform = Platform(
        id="p-8i",
        name="P-8I",
        aliases=("P-8I Poseidon", "Poseidon"),
        category="aircraft",
        un_category="IV",
        role="maritime patrol aircraft",
        manufacturer="Boeing",
        origin="US",
        variant_of="p-8",
        reference="manufacturer and categories: SIPRI Arms Transfers Database",
    )
    assert tracker.add_platform(platform) == platform


def test_a_programme_with_a_value_round_trips(tracker: Tracker) -> None:
    """Quantities and money come back exact."""
    _with_basics(tracker)
    programme = Programme(
        id="p8i-six-more",
        title="Six more P-8I",
        kind="acquisition",
        platform="p-8",
        buyer="IN",
        supplier="US",
        quantity=6,
        value=Money(amount=Decimal("2420000000.50"), currency="USD"),
        notes="follow-on order",
    )
    assert tracker.add_programme(programme) == programme


def test_an_official_whose_title_changes_round_trips(tracker: Tracker) -> None:
    """Roles keep their order, dates, citations and references."""
    _with_basics(tracker)
    official = Official(
        id="pete-hegseth",
        name="Pete Hegseth",
        country="US",
        roles=(
            Role(
                title="Secretary of Defense",
                organisation="US Department of Defense",
                country="US",
                start="2025-01",
                end="2025-09-05",
                citations=(Citation(source="article-1", quote="Hegseth met Singh."),),
            ),
            Role(title="Secretary of War", country="US", start="2025-09-05", reference="EO"),
        ),
    )
    assert tracker.add_official(official) == official


def test_an_engagement_round_trips(tracker: Tracker) -> None:
    """Participants keep their order; citations come back."""
    _with_basics(tracker)
    for ident, name in [("pete-hegseth", "Pete Hegseth"), ("rajnath-singh", "Rajnath Singh")]:
        tracker.add_official(Official(id=ident, name=name))
    engagement = Engagement(
        id="call-2025-07-01",
        kind="call",
        title="Hegseth-Singh call",
        date="2025-07-01",
        place="by telephone",
        participants=("rajnath-singh", "pete-hegseth"),
        citations=(Citation(source="article-1", quote="Hegseth met Singh."),),
        note="the articles disagree on whether it came before or after a meeting",
    )
    assert tracker.add_engagement(engagement) == engagement


def test_status_events_and_corrections_round_trip(tracker: Tracker) -> None:
    """An event keeps outlook and note; a correction names what it supersedes."""
    _with_basics(tracker)
    tracker.add_programme(
        Programme(id="framework", title="Framework", kind="agreement", buyer="IN", supplier="US")
    )
    quote = "They agreed to sign the framework later this year."
    first = tracker.record_status(
        "framework",
        "agreed",
        "2025-07-01",
        [("article-1", quote)],
        outlook=Outlook(status="signed", by="2025-07/2025-12"),
        note="'on Tuesday': 1 July 2025",
    )
    assert first.outlook == Outlook(status="signed", by="2025-07/2025-12")
    assert first.recorded_at is not None and first.recorded_at.tzinfo is not None
    fixed = tracker.correct_status(
        "framework",
        ("agreed", "2025-07-01"),
        "agreed",
        "2025-06-30",
        [("article-1", quote)],
        reason="a later report dates the call to 30 June",
    )
    assert fixed.supersedes == EventRef(status="agreed", effective="2025-07-01")
    assert tracker.events("framework") == [first, fixed]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    effective=edtf_strings(RECENT_DAYS),
    quantity=st.one_of(st.none(), st.integers(min_value=1, max_value=2**31 - 1)),
    title=st.text(min_size=1, max_size=60).filter(lambda t: t.strip() and "\x00" not in t),
)
def test_any_valid_event_round_trips(
    tracker: Tracker, effective: str, quantity: int | None, title: str
) -> None:
    """Whatever the date form, quantity or title, what is read back is what was written."""
    _with_basics(tracker)
    programme = Programme(
        id="prop", title=title, kind="acquisition", buyer="IN", supplier="US", quantity=quantity
    )
    assert tracker.add_programme(programme) == programme
    event = tracker.record_status(
        "prop", "planned", effective, [Citation(source="article-1", quote="Hegseth met Singh.")]
    )
    assert str(event.effective) == effective
    # Examples share the database: the same claim made twice is the same event.
    assert [e for e in tracker.events("prop") if e.id == event.id] == [event]


def test_seeding_and_reading_in_small_chunks_give_the_same_records(
    tracker: Tracker, seeded: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long id lists go to the database in chunks; two ids per statement must store and
    read exactly what one statement does, in the same order."""
    monkeypatch.setattr(sql, "CHUNK", 2)
    tracker.seed()
    for read in ("programmes", "platforms", "sources", "officials", "engagements"):
        assert getattr(tracker, read)() == getattr(seeded, read)(), read
    for programme in seeded.programmes():
        mine, theirs = tracker.events(programme.id), seeded.events(programme.id)
        assert [e.model_dump(exclude={"recorded_at"}) for e in mine] == [
            e.model_dump(exclude={"recorded_at"}) for e in theirs
        ]
    assert tracker.history() == seeded.history()
