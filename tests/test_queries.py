"""The temporal query API, specified by the story of the five articles."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from procurement import (
    InvalidArgument,
    Kind,
    NotFound,
    Platform,
    Programme,
    Status,
    Tracker,
    jsonable,
)
from tests.sources import add_datasets

FRAMEWORK = "us-india-defence-framework-2025"


def test_before_the_february_announcement_the_framework_has_no_status(seeded: Tracker) -> None:
    """Nothing is known to have happened before February 2025."""
    status = seeded.status(FRAMEWORK, as_of="2025-01-15")
    assert (status.status, status.since, status.sources) == (None, None, ())


def test_between_february_and_july_an_agreement_is_only_possible(seeded: Tracker) -> None:
    """Articles 003 and 004 date the agreement to sign no closer than February-July:
    in March it may already have been agreed, so the answer is not certain."""
    status = seeded.status(FRAMEWORK, as_of=dt.date(2025, 3, 1))
    assert status.status is Status.AGREED
    assert not status.certain
    assert str(status.since) == "2025-02/2025-07-07"
    assert status.sources == ("article-003",)


def test_from_the_first_of_july_the_framework_is_agreed_for_certain(seeded: Tracker) -> None:
    """'They agreed to sign ... later this year' on the call of 1 July 2025."""
    status = seeded.status(FRAMEWORK, as_of="2025-07-15")
    assert status.status is Status.AGREED
    assert status.certain
    assert str(status.since) == "2025-07-01"
    assert status.sources == ("article-000", "article-001")


def test_on_the_day_of_the_signing_it_is_possibly_signed_then_certainly(seeded: Tracker) -> None:
    """The signing on the sidelines of ADMM-Plus is dated 31 October-1 November 2025."""
    on_the_31st = seeded.status(FRAMEWORK, as_of="2025-10-31")
    assert (on_the_31st.status, on_the_31st.certain) == (Status.SIGNED, False)
    after = seeded.status(FRAMEWORK, as_of="2025-12-31")
    assert (after.status, after.certain, after.sources) == (Status.SIGNED, True, ("article-002",))


def test_as_known_in_july_the_end_of_year_status_is_agreed_not_signed(seeded: Tracker) -> None:
    """The signing is invisible before the article that reports it."""
    in_july = seeded.status(FRAMEWORK, as_of="2025-12-31", known_at="2025-07-15")
    assert (in_july.status, str(in_july.since)) == (Status.AGREED, "2025-07-01")
    # Article 002 is dated 31 October-1 November and counts from its latest day.
    assert seeded.status(FRAMEWORK, as_of="2025-12-31", known_at="2025-10-31").status == (
        Status.AGREED
    )
    assert seeded.status(FRAMEWORK, as_of="2025-12-31", known_at="2025-11-01").status == (
        Status.SIGNED
    )


def test_before_any_article_was_published_nothing_is_known(seeded: Tracker) -> None:
    """Knowledge time hides every claim until its source exists."""
    assert seeded.snapshot(as_of="2025-12-31", known_at="2025-06-30") == []


def test_the_p8i_programmes_are_found_under_any_of_its_names(seeded: Tracker) -> None:
    """One in service by July 2025, six more planned."""
    for name in ("P-8I", "p8i", "Poseidon", "p-8 i", "P-8I Poseidon"):
        assert [p.id for p in seeded.programmes(platform=name)] == [
            "p-8i-in-indian-service",
            "p-8i-six-more",
        ]
    snapshot = seeded.snapshot(as_of="2025-12-31", platform="Poseidon")
    assert [(s.programme, s.status, s.quantity) for s in snapshot] == [
        ("p-8i-in-indian-service", Status.IN_SERVICE, None),
        ("p-8i-six-more", Status.PLANNED, 6),
    ]


def test_a_platform_includes_its_variants(seeded: Tracker) -> None:
    """The MQ-9B family includes the Sky Guardian India operates."""
    assert [p.id for p in seeded.programmes(platform="MQ-9B")] == [
        "mq-9b-skyguardian-in-indian-service"
    ]


def test_a_platform_is_also_found_by_its_id(tracker: Tracker) -> None:
    """An id that is none of its names still selects the platform and its variants."""
    tracker.add_platform(Platform(id="guardian-1", name="Sea Guardian"))
    tracker.add_platform(Platform(id="guardian-2", name="Sea Guardian B", variant_of="guardian-1"))
    tracker.add_programme(
        Programme(id="b", title="B", kind=Kind.ACQUISITION, platform="guardian-2")
    )
    assert [p.id for p in tracker.programmes(platform="guardian-1")] == ["b"]
    assert [p.id for p in tracker.programmes(platform="guardian-2")] == ["b"]
    assert tracker.history("guardian-1") == []


def test_the_co_production_plans_were_announced(seeded: Tracker) -> None:
    """Javelin and Stryker co-production, announced in 2025 by 2 July."""
    plans = seeded.snapshot(as_of="2025-12-31", kind="co_production")
    assert [(s.platform, s.status, str(s.since)) for s in plans] == [
        ("Javelin", Status.ANNOUNCED, "2025/2025-07-02"),
        ("Stryker", Status.ANNOUNCED, "2025/2025-07-02"),
    ]


def test_history_of_a_programme_lists_every_claim_with_its_quotes(seeded: Tracker) -> None:
    """Announced, planned, agreed (three claims), signed: each step with its sources."""
    steps = seeded.history(FRAMEWORK)
    assert [(s.from_status, s.to_status, str(s.effective)) for s in steps] == [
        (None, Status.ANNOUNCED, "2025-02"),
        (Status.ANNOUNCED, Status.PLANNED, "2025-02"),
        (Status.PLANNED, Status.AGREED, "2025-02/2025-07-01"),
        (Status.AGREED, Status.AGREED, "2025-02/2025-07-07"),
        (Status.AGREED, Status.AGREED, "2025-07-01"),
        (Status.AGREED, Status.SIGNED, "2025-10-31/2025-11-01"),
    ]
    signed = steps[-1]
    assert signed.citations[0].source == "article-002"
    assert signed.citations[0].quote.startswith("Following the discussions, both sides signed")


def test_history_as_known_at_a_date_omits_later_sources(seeded: Tracker) -> None:
    """In mid-July the signing had not been reported."""
    steps = seeded.history(FRAMEWORK, known_at="2025-07-15")
    assert Status.SIGNED not in {s.to_status for s in steps}


def test_what_changed_between_june_and_november(seeded: Tracker) -> None:
    """The framework moved from planned to agreed and from agreed to signed. Claims dated
    "2025, by 2 July" may fall in June and are listed; claims dated only "by July" (systems
    already in service) have no place in a bounded window."""
    changes = seeded.changes(since="2025-06-01", until="2025-11-30")
    assert [(c.programme, c.from_status, c.to_status, str(c.effective)) for c in changes] == [
        ("javelin-co-production", None, Status.ANNOUNCED, "2025/2025-07-02"),
        ("stryker-co-production", None, Status.ANNOUNCED, "2025/2025-07-02"),
        ("us-india-compact", None, Status.ANNOUNCED, "2025/2025-07-02"),
        ("p-8i-six-more", None, Status.PLANNED, "2025/2025-07-02"),
        (FRAMEWORK, Status.PLANNED, Status.AGREED, "2025-02/2025-07-01"),
        (FRAMEWORK, Status.AGREED, Status.SIGNED, "2025-10-31/2025-11-01"),
    ]


def test_changes_up_to_a_date_include_claims_dated_by_then(seeded: Tracker) -> None:
    """Without a start, the window includes what was in service "by 2 July"."""
    changes = seeded.changes(until="2025-07-02", kind="acquisition")
    assert {c.programme for c in changes} >= {"c-17-in-indian-service", "p-8i-six-more"}


def test_diff_between_june_and_december(seeded: Tracker) -> None:
    """Only the framework changed status in the second half of 2025."""
    diff = seeded.diff("2025-06-30", "2025-12-31")
    assert [(d.programme, d.status_a, d.status_b, d.certain_a, d.certain_b) for d in diff] == [
        (FRAMEWORK, Status.AGREED, Status.SIGNED, False, True)
    ]


def test_conflicting_claims_about_february_are_reported(seeded: Tracker) -> None:
    """004 has the framework announced in February 2025; 003 has it only anticipated."""
    conflicts = seeded.conflicts()
    assert [
        (c.programme, c.kind.value, c.first.status, c.second.status, str(c.first.effective))
        for c in conflicts
    ] == [(FRAMEWORK, "status", Status.PLANNED, Status.ANNOUNCED, "2025-02")]
    sources = {
        c.source for side in (conflicts[0].first, conflicts[0].second) for c in side.citations
    }
    assert sources == {"article-003", "article-004"}


def test_a_source_citing_both_claims_settles_a_conflict_only_once_published(
    tracker: Tracker,
) -> None:
    """Two claims backed by one source are one account, not a disagreement; before that
    source was published, they were two sources disagreeing."""
    add_datasets(tracker, {"a": "2020-01-01", "b": "2020-06-01", "both": "2021-01-01"})
    tracker.add_programme(Programme(id="p", title="P", kind="acquisition", buyer="IN"))
    tracker.record_status("p", "planned", "2019-05", [("a", "q"), ("both", "q")])
    tracker.record_status("p", "announced", "2019-05", [("b", "q"), ("both", "q")])
    assert tracker.conflicts() == []
    [before] = tracker.conflicts(known_at="2020-12-31")
    assert (before.first.status, before.second.status) == (Status.PLANNED, Status.ANNOUNCED)
    assert tracker.conflicts(known_at="2021-01-01") == []


def test_filters_by_buyer_and_supplier_accept_names_and_codes(seeded: Tracker) -> None:
    """'India', 'IN' and 'ind' name the same buyer; nobody else buys here."""
    everything = seeded.snapshot(as_of="2025-12-31")
    assert len(everything) == 19
    assert seeded.snapshot(as_of="2025-12-31", buyer="India") == everything
    assert seeded.snapshot(as_of="2025-12-31", buyer="ind", supplier="US") == everything
    assert seeded.snapshot(as_of="2025-12-31", buyer="FR") == []


def test_snapshot_filters_by_status(seeded: Tracker) -> None:
    """Nine US-origin systems are in Indian service."""
    assert len(seeded.snapshot(as_of="2025-12-31", status="in_service")) == 9


@pytest.mark.parametrize("batch", [1, 2, 3, 10_000])
@pytest.mark.parametrize("name", [None, "Poseidon", FRAMEWORK])
@pytest.mark.parametrize("known_at", [None, "2025-07-15"])
def test_a_streamed_history_is_the_history(
    seeded: Tracker, batch: int, name: str | None, known_at: str | None
) -> None:
    """iter_history() yields the steps history() returns, in the same order, however the
    rows fall into batches (a step's citations may straddle two)."""
    expected = seeded.history(name, known_at=known_at)
    assert expected
    assert list(seeded.iter_history(name, known_at=known_at, batch=batch)) == expected


def test_a_streamed_history_checks_its_arguments_before_the_first_step(seeded: Tracker) -> None:
    """An unknown name or a batch of no rows fails at the call, not at the first next()."""
    with pytest.raises(NotFound, match="P-8I"):
        seeded.iter_history("P-8J")
    for batch in (0, 2.5):
        with pytest.raises(InvalidArgument, match="batch"):
            seeded.iter_history(batch=batch)  # type: ignore[arg-type]


@pytest.mark.filterwarnings("error")
def test_a_stream_left_unfinished_releases_its_connection(seeded: Tracker) -> None:
    """Closing a partly read stream closes its cursor (PostgreSQL's lives on the server)
    and gives its connection back to the pool."""
    pool = seeded.engine.pool
    before = pool.checkedout()  # type: ignore[attr-defined]
    steps = seeded.iter_history(batch=1)
    next(steps)
    assert pool.checkedout() == before + 1  # type: ignore[attr-defined]
    steps.close()
    assert pool.checkedout() == before  # type: ignore[attr-defined]


def test_an_unknown_programme_is_an_error_listing_the_closest(seeded: Tracker) -> None:
    """A typo gets a suggestion."""
    with pytest.raises(NotFound, match="us-india-defence-framework-2025"):
        seeded.status("us-india-defence-framework-2052")


def test_an_unknown_platform_or_programme_in_history_lists_the_closest(seeded: Tracker) -> None:
    """history() accepts both, so its suggestions come from both."""
    with pytest.raises(NotFound, match="P-8I"):
        seeded.history("P-8J")


def test_invalid_dates_and_kinds_are_clear_errors(seeded: Tracker) -> None:
    """A malformed date names the argument and the expected form."""
    with pytest.raises(InvalidArgument, match=r"as_of: '2025-13-01' is not a date; use YYYY-MM-DD"):
        seeded.status(FRAMEWORK, as_of="2025-13-01")
    with pytest.raises(InvalidArgument, match="known_at"):
        seeded.snapshot(known_at="July 2025")
    with pytest.raises(InvalidArgument, match="kind: 'purchase' is not one of"):
        seeded.snapshot(kind="purchase")
    with pytest.raises(InvalidArgument, match="buyer: 'Atlantis'"):
        seeded.snapshot(buyer="Atlantis")


def test_results_serialise_to_the_json_contract(seeded: Tracker) -> None:
    """Field names and EDTF strings as the CLI's --format json prints them."""
    status = jsonable(seeded.status(FRAMEWORK, as_of="2025-07-15"))
    assert status == {
        "programme": FRAMEWORK,
        "title": "Framework for the US-India Major Defence Partnership (2025)",
        "kind": "agreement",
        "platform": None,
        "buyer": "IN",
        "supplier": "US",
        "quantity": None,
        "status": "agreed",
        "since": "2025-07-01",
        "certain": True,
        "sources": ["article-000", "article-001"],
    }
    change = jsonable(seeded.history("p-8i-six-more")[0])
    assert set(change) == {
        "programme",
        "title",
        "kind",
        "platform",
        "from_status",
        "to_status",
        "effective",
        "citations",
    }
    assert change["citations"][0]["source"] == "article-000"


def test_nested_results_and_dates_serialise_as_objects_and_iso_text(seeded: Tracker) -> None:
    """A conflict's claims and their citations become objects; a diff's dates ISO text."""
    [conflict] = jsonable(seeded.conflicts())
    assert conflict["kind"] == "status"
    assert set(conflict["first"]) == {"event", "status", "effective", "citations"}
    assert conflict["first"]["effective"] == "2025-02"
    assert all(set(c) == {"source", "quote"} for c in conflict["second"]["citations"])
    [diff] = jsonable(seeded.diff("2025-06-30", "2025-12-31"))
    assert (diff["a"], diff["b"], diff["status_b"]) == ("2025-06-30", "2025-12-31", "signed")
    assert json.loads(json.dumps([conflict, diff])) == [conflict, diff]
