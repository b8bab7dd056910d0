"""SIPRI's trade register: imported as dated, cited knowledge, updated release by release,
and written back in its own layout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from procurement import (
    DatabaseError,
    InvalidData,
    Kind,
    Programme,
    Status,
    Tracker,
)
from procurement.sipri.deals import category_of, variant_of
from procurement.sipri.export import export_sipri
from procurement.sipri.register import read_register
from procurement.store.schema import EventRow, ProgrammeRow
from tests.sources import add_datasets

DATA = Path(__file__).parent / "data" / "sipri-sample"
OLDER = DATA / "register-2024.csv"
NEWER = DATA / "register-2025.csv"
SHARED = Path(
    os.environ.get(
        "PROCUREMENT_SIPRI_DIR", Path(__file__).resolve().parent.parent.parent / "shared" / "sipri"
    )
)
FULL = SHARED / "trade-register-generated-2024-10-13.csv"


def _by_title(tracker: Tracker) -> dict[str, str]:
    return {p.title: p.id for p in tracker.programmes()}


def _statuses(tracker: Tracker, programme: str) -> list[tuple[str, str]]:
    return [(s.to_status.value, str(s.effective)) for s in tracker.history(programme)]


# -- reading the file ----------------------------------------------------------------------


def test_the_register_is_read_with_its_release_date_and_repaired_rows() -> None:
    """ISO-8859-1, the 11-line preamble, '?' columns, '; ' delivery years, and a comment
    broken over two lines joined back; a malformed row is reported with its line."""
    register = read_register(OLDER)
    assert str(register.generated) == "2024-03-01"
    assert len(register.rows) == 9
    hermes = next(r for r in register.rows if r.designation == "Hermes-900")
    assert hermes.comments == "3-year lease;\nfor use with UN peacekeeping forces in Mali"
    assert hermes.tiv_total == "10.9"
    p8 = register.rows[0]
    assert (p8.order_year, p8.delivery_years, p8.complete) == (2009, (2012, 2013, 2014, 2015), True)
    ai25 = next(r for r in register.rows if r.designation == "AI-25")
    assert ai25.order_year_uncertain and not ai25.number_ordered_uncertain
    [bad] = register.bad_rows
    assert (bad.line, bad.field) == (23, "Year of order")


def test_variants_and_categories_come_from_sipri_text() -> None:
    """'P-8I version' names a variant; descriptions map to SIPRI's categories."""
    register = read_register(OLDER)
    assert variant_of(register.rows[0]) == "P-8I"
    assert variant_of(register.rows[1]) is None
    assert category_of("ASW helicopter").value == "aircraft"
    assert category_of("towed gun").value == "artillery"
    assert category_of("anti-ship missile/SSM").value == "missiles"
    assert category_of("frigate").value == "ships"


# -- importing -----------------------------------------------------------------------------


def test_a_malformed_row_stops_the_import_with_nothing_written(tracker: Tracker) -> None:
    """The error names file, line and field; no programme, source or event is stored."""
    with pytest.raises(InvalidData, match=r"register-2024.csv:23.*'Year of order'"):
        tracker.import_sipri(OLDER)
    assert tracker.programmes() == [] and tracker.sources() == []


def test_a_value_too_long_for_the_store_is_a_bad_row(tracker: Tracker, tmp_path: Path) -> None:
    """Over-long fields, and names that case folding lengthens past a name's width ('ß' is
    matched as 'ss'), stop the import naming the line; --skip-bad-rows leaves those rows out."""
    lines = OLDER.read_bytes().decode("iso-8859-1").split("\n")
    [long_at] = [i for i, line in enumerate(lines) if ",MH-60R Seahawk," in line]
    [folded_at] = [i for i, line in enumerate(lines) if ",MQ-9 Reaper," in line]
    lines[long_at] = lines[long_at].replace("MH-60R Seahawk", "M" * 210)
    lines[folded_at] = lines[folded_at].replace("MQ-9 Reaper", "\u00df" * 101)
    changed = tmp_path / "long.csv"
    changed.write_bytes("\n".join(lines).encode("iso-8859-1"))
    with pytest.raises(InvalidData) as error:
        tracker.import_sipri(changed, skip_bad_rows=False)
    located = {(p.line, p.field) for p in error.value.problems}
    assert (long_at + 1, "Weapon designation") in located
    assert any(line == folded_at + 1 for line, _ in located)
    assert tracker.programmes() == []
    summary = tracker.import_sipri(changed, skip_bad_rows=True)
    skipped = {p.line for p in summary.skipped}
    assert {long_at + 1, folded_at + 1, 23} <= skipped
    assert not [p for p in tracker.platforms() if "\u00df" in p.name or "MMMM" in p.name]


def test_rows_become_programmes_with_parties_platforms_and_statuses(tracker: Tracker) -> None:
    """The sample's deals, as SIPRI states them."""
    summary = tracker.import_sipri(OLDER, skip_bad_rows=True)
    assert (summary.rows_read, len(summary.skipped), summary.programmes_created) == (10, 1, 9)
    ids = _by_title(tracker)

    p8i = tracker.programme(ids["P-8A Poseidon for India from United States, ordered 2009"])
    assert (p8i.platform, p8i.quantity, p8i.buyer, p8i.supplier) == ("p-8i", 8, "IN", "US")
    assert tracker.platform("P-8I").variant_of == "p-8a"
    assert _statuses(tracker, p8i.id) == [
        ("contracted", "2009"),
        ("delivering", "2012"),
        ("in_service", "2015"),
    ]
    later = ids["P-8A Poseidon for India from United States, ordered 2016"]
    assert tracker.programme(later).platform == "p-8a"

    mh60r = ids["MH-60R Seahawk for India from United States, ordered 2020"]
    assert _statuses(tracker, mh60r) == [("contracted", "2020"), ("delivering", "2021")]

    reaper = tracker.programme(ids["MQ-9 Reaper for India from United States, ordered 2020"])
    assert reaper.kind is Kind.LEASE
    assert tracker.platform(reaper.platform or "").reference

    m777 = tracker.programme(ids["UFH/M-777 155mm for India from United Kingdom, ordered 2016"])
    assert (m777.platform, m777.supplier, m777.kind) == ("m777", "GB", Kind.LICENSED_PRODUCTION)

    soviet = tracker.programme(ids["AI-25 for Afghanistan from Soviet Union, ordered 1977"])
    assert (soviet.buyer, soviet.supplier, soviet.supplier_party) == ("AF", None, "Soviet Union")
    assert _statuses(tracker, soviet.id)[0] == ("contracted", "1977?")

    hezbollah = tracker.programme(ids["Fajr-3 for Hezbollah (Lebanon)* from Iran, ordered 2006"])
    assert (hezbollah.buyer, hezbollah.buyer_party) == (None, "Hezbollah (Lebanon)*")
    un = tracker.programme(ids["Hermes-900 for United Nations** from Israel, ordered 2015"])
    assert (un.buyer_party, un.kind, un.notes) == (
        "United Nations**",
        Kind.LEASE,
        "3-year lease;\nfor use with UN peacekeeping forces in Mali",
    )
    unknown = tracker.programme(
        ids["Mi-24 for Cote d'Ivoire from unknown supplier(s), ordered 2011"]
    )
    assert (unknown.buyer, unknown.supplier_party) == ("CI", "unknown supplier(s)")


def test_every_status_cites_the_release_with_the_row_as_quote(tracker: Tracker) -> None:
    """The release is a dataset source published on its release date."""
    summary = tracker.import_sipri(OLDER, skip_bad_rows=True)
    source = tracker.source(summary.source)
    assert (source.kind.value, str(source.published)) == ("dataset", "2024-03-01")
    history = tracker.history("P-8I")
    assert history[0].citations[0].source == summary.source
    assert history[0].citations[0].quote.startswith("India,United States,2009,,8,,P-8A Poseidon")


def test_importing_the_same_release_again_adds_nothing(tracker: Tracker) -> None:
    """Idempotent, like every load: the same file, under any release date, is recognised."""
    first = tracker.import_sipri(OLDER, skip_bad_rows=True)
    again = tracker.import_sipri(OLDER, skip_bad_rows=True, released="2024-03-02")
    assert again.already_imported and again.source == first.source
    assert again.released == first.released and str(again.ignored_release_date) == "2024-03-02"
    assert (again.programmes_created, again.programmes_updated, again.events_added) == (0, 0, 0)
    told = "\n".join(again.lines())
    assert "already imported" in told and "(2024-03-02) was not applied" in told


def test_an_older_release_after_a_newer_one_is_refused(tracker: Tracker) -> None:
    """It would "correct" the newer figures back to stale ones, so nothing is written."""
    tracker.import_sipri(NEWER)
    with tracker.engine.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(EventRow))
    with pytest.raises(InvalidData, match=r"older than .* import releases oldest first") as error:
        tracker.import_sipri(OLDER, skip_bad_rows=True)
    assert (error.value.problems[0].file, error.value.problems[0].field) == (
        str(OLDER),
        "released",
    )
    with tracker.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(EventRow)) == before


def test_a_release_imported_meanwhile_makes_the_import_start_again(
    tracker: Tracker, db_url: str
) -> None:
    """Events are planned against the releases stored when planning began; if another
    import lands before the write, the write is refused whole and a second try succeeds."""
    other = Tracker.open(db_url)

    def meanwhile(stage: str) -> None:
        if stage.startswith("writing") and not other.sources():
            other.import_sipri(OLDER, skip_bad_rows=True)

    with other, pytest.raises(DatabaseError, match="was imported while this one"):
        tracker.import_sipri(NEWER, progress=meanwhile)
    [stored] = tracker.sources()
    assert stored.id.startswith("sipri-2024-03-01")
    summary = tracker.import_sipri(NEWER)
    assert summary.events_added > 0 and summary.corrections > 0


def test_a_newer_release_adds_only_what_changed(tracker: Tracker) -> None:
    """More deliveries complete the MH-60R deal; a new order of six P-8I appears; an earlier
    first delivery corrects the 2016 P-8A deal; a deal no longer listed is reported."""
    tracker.import_sipri(OLDER, skip_bad_rows=True)
    summary = tracker.import_sipri(NEWER)
    assert (summary.programmes_created, summary.events_added, summary.corrections) == (1, 3, 1)
    assert summary.disappeared == ["Cote d'Ivoire|unknown supplier(s)|2011|Mi-24|1"]
    ids = _by_title(tracker)
    assert "Mi-24 for Cote d'Ivoire from unknown supplier(s), ordered 2011" in ids
    mh60r = ids["MH-60R Seahawk for India from United States, ordered 2020"]
    assert _statuses(tracker, mh60r)[-1] == ("in_service", "2024")
    six = ids["P-8A Poseidon for India from United States, ordered 2024"]
    assert (tracker.programme(six).platform, tracker.programme(six).quantity) == ("p-8i", 6)
    assert tracker.import_sipri(NEWER).events_added == 0


def test_known_at_shows_what_each_release_said(tracker: Tracker) -> None:
    """Before the 2025 release the MH-60R deal was still delivering and the 2016 P-8A deal's
    deliveries began in 2020; after it, in service and from 2019."""
    tracker.import_sipri(OLDER, skip_bad_rows=True)
    tracker.import_sipri(NEWER)
    ids = _by_title(tracker)
    mh60r = ids["MH-60R Seahawk for India from United States, ordered 2020"]
    before = tracker.status(mh60r, as_of="2024-12-31", known_at="2024-06-01")
    after = tracker.status(mh60r, as_of="2024-12-31", known_at="2025-06-01")
    assert (before.status, after.status) == (Status.DELIVERING, Status.IN_SERVICE)
    p8a = ids["P-8A Poseidon for India from United States, ordered 2016"]
    before = tracker.status(p8a, as_of="2019-06-30", known_at="2024-06-01")
    after = tracker.status(p8a, as_of="2019-06-30", known_at="2025-06-01")
    assert (before.status, after.status) == (Status.CONTRACTED, Status.DELIVERING)
    assert str(after.since) == "2019"


def test_articles_and_sipri_deals_meet_on_one_platform(tracker: Tracker) -> None:
    """history P-8I lists the articles' programmes and SIPRI's P-8I deal together."""
    tracker.seed()
    tracker.import_sipri(OLDER, skip_bad_rows=True)
    programmes = {change.programme for change in tracker.history("P-8I")}
    assert {"p-8i-in-indian-service", "p-8i-six-more"} < programmes
    assert any(p.startswith("sipri-") for p in programmes)


def test_export_then_import_then_export_is_stable(tracker: Tracker, tmp_path: Path) -> None:
    """The round trip through SIPRI's layout neither loses nor invents anything."""
    tracker.import_sipri(OLDER, skip_bad_rows=True)
    first = export_sipri(tracker, tmp_path / "first.csv")
    exported = read_register(first)
    assert exported.bad_rows == [] and len(exported.rows) == 9
    assert str(exported.generated) == "2024-03-01"
    with Tracker.open(f"sqlite:///{tmp_path / 'copy.db'}", upgrade=True) as copy:
        copy.import_sipri(first)
        second = export_sipri(copy, tmp_path / "second.csv")
    assert first.read_bytes() == second.read_bytes()


def test_the_articles_programmes_export_in_sipri_layout(tracker: Tracker, tmp_path: Path) -> None:
    """Programmes that are not SIPRI's are written from what the tracker knows."""
    tracker.seed()
    register = read_register(export_sipri(tracker, tmp_path / "articles.csv"))
    assert register.bad_rows == []
    six = next(r for r in register.rows if r.designation == "P-8I" and r.number_ordered == 6)
    assert (six.recipient, six.supplier, six.order_year) == ("India", "United States", 2025)


def test_the_export_writes_the_corrected_year_not_the_replaced_one(
    tracker: Tracker, tmp_path: Path
) -> None:
    """A correction replaces the order year the export states; the old claim is history."""
    add_datasets(tracker, {"report": "2020-01-01", "erratum": "2021-01-01"})
    tracker.add_programme(Programme(id="p", title="P", kind="acquisition", buyer="IN"))
    tracker.record_status("p", "contracted", "2018", [("report", "q")])

    def order_year() -> tuple[int | None, bool]:
        [row] = read_register(export_sipri(tracker, tmp_path / "out.csv")).rows
        return row.order_year, row.order_year_uncertain

    assert order_year() == (2018, False)
    tracker.correct_status(
        "p", ("contracted", "2018"), "contracted", "2019", [("erratum", "q")], reason="revised"
    )
    assert order_year() == (2019, False)


# -- the real export ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def full_url(databases: object) -> str:
    """A database seeded with the articles and the whole 2024 SIPRI export."""
    if not FULL.exists():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI=true and the SIPRI export is missing at {FULL}")
        pytest.skip(f"the SIPRI export is not at {FULL} (set PROCUREMENT_SIPRI_DIR)")
    url = databases.new_url()  # type: ignore[attr-defined]
    with Tracker.open(url, upgrade=True) as tracker:
        tracker.seed()
        summary = tracker.import_sipri(FULL)
        assert summary.skipped == []
    return url


@pytest.mark.slow
def test_the_full_export_imports_every_deal(full_url: str) -> None:
    """27,951 deals, none skipped, each a programme with at least its order."""
    with Tracker.open(full_url) as tracker, tracker.engine.connect() as connection:
        deals = connection.execute(text("SELECT count(*) FROM sipri_deals")).scalar()
        assert deals == 27951
        without = connection.execute(
            select(func.count())
            .select_from(ProgrammeRow)
            .where(
                ProgrammeRow.id.like("sipri-%"),
                ~ProgrammeRow.id.in_(select(EventRow.programme_id)),
            )
        ).scalar()
        assert without == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("platform", "year", "quantity", "status"),
    [
        ("P-8I", 2009, 8, Status.IN_SERVICE),
        ("P-8A", 2016, 4, Status.IN_SERVICE),
        ("C-17", 2011, 10, Status.IN_SERVICE),
        ("AH-64E", 2015, 22, Status.IN_SERVICE),
        ("MH-60R", 2020, 24, Status.DELIVERING),
        ("CH-47F", 2015, 15, Status.IN_SERVICE),
        ("Harpoon", 2012, 21, Status.IN_SERVICE),
    ],
)
def test_indias_us_deals_have_the_right_quantities_and_statuses(
    full_url: str, platform: str, year: int, quantity: int, status: Status
) -> None:
    """India's purchases from the United States that the articles mention, as SIPRI has them."""
    with Tracker.open(full_url) as tracker:
        found = [
            p
            for p in tracker.programmes(platform=platform, buyer="India", supplier="US")
            if p.id.startswith("sipri-") and f"ordered {year}" in p.title
        ]
        assert [p.quantity for p in found] == [quantity]
        assert tracker.status(found[0].id, as_of="2024-10-13").status is status


@pytest.mark.slow
def test_the_m777_comes_from_the_united_kingdom_as_sipri_states(full_url: str) -> None:
    """The articles call it US-origin; SIPRI lists the United Kingdom: both are kept."""
    with Tracker.open(full_url) as tracker:
        deals = [p for p in tracker.programmes(platform="M777") if p.id.startswith("sipri-")]
        assert {(p.buyer, p.supplier, p.quantity) for p in deals} >= {("IN", "GB", 145)}
        article = tracker.programme("m777-in-indian-service")
        assert article.supplier == "US"
