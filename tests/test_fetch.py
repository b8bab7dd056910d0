"""How questions read their rows: straight from the driver, streamed where it can, and
assembled into results that hold exactly their declared types."""

from __future__ import annotations

import datetime as dt
import pickle
import threading
import time
from typing import Any

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import (
    Date,
    Integer,
    bindparam,
    column,
    create_engine,
    event,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError, InvalidRequestError

from procurement import (
    Conflict,
    Kind,
    ProgrammeStatus,
    QuotedCitation,
    Status,
    StatusChange,
    StatusDiff,
    Tracker,
)
from procurement.queries.temporal import _status_statement
from procurement.store import fetch
from procurement.store.database import make_engine

FRAMEWORK = "us-india-defence-framework-2025"


def _answers(tracker: Tracker) -> dict[str, Any]:
    """Every kind of answer, as JSON, for comparing two ways of reading them."""
    return {
        "snapshot": tracker.snapshot(as_of="2025-12-31"),
        "known": tracker.snapshot(as_of="2025-12-31", known_at="2025-07-15"),
        "filtered": tracker.snapshot(as_of="2025-12-31", platform="P-8I"),
        "changes": tracker.changes(since="2025-06-01", until="2025-11-30"),
        "diff": tracker.diff("2025-06-30", "2025-12-31"),
        "history": tracker.history(),
        "named": tracker.history("Poseidon"),
        "status": tracker.status(FRAMEWORK, as_of="2025-07-15", known_at="2025-07-15"),
    }


def test_answers_are_the_same_where_the_driver_cannot_stream(
    seeded: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without chunked streaming (psycopg on a libpq older than 17), rows are fetched in
    one call and every answer is unchanged."""
    streamed = _answers(seeded)
    monkeypatch.setattr(fetch, "can_stream", lambda dialect: False)
    assert _answers(seeded) == streamed


def test_a_driver_error_is_raised_as_sqlalchemy_raises_it(seeded: Tracker) -> None:
    """A failing statement raises SQLAlchemy's DBAPIError naming the SQL, streamed or
    not, and the connection answers the next question."""
    missing = select(column("x")).select_from(table("no_such_table"))
    for streamed in (False, True):
        with seeded.engine.connect() as connection:
            with pytest.raises(DBAPIError, match="no_such_table"):
                list(fetch.rows(connection, missing, {}, streamed=streamed))
            connection.rollback()
            assert connection.execute(text("SELECT 1")).scalar() == 1


def test_a_stream_stopped_early_leaves_its_connection_usable(seeded: Tracker) -> None:
    """Closing a stream after its first row cancels the rest; the connection goes on."""
    every = select(column("n")).select_from(
        text("(SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) AS three")
    )
    with seeded.engine.connect() as connection:
        stream = iter(fetch.rows(connection, every, {}, streamed=True))
        assert next(stream) == (1,)
        if hasattr(stream, "close"):
            stream.close()
        assert connection.execute(text("SELECT 42")).scalar() == 42


def test_a_lost_connection_is_replaced_at_the_next_question(seeded: Tracker, backend: str) -> None:
    """When PostgreSQL ends the session under a tracker, the question that finds out fails
    with an invalidated connection, and the next one opens a new session."""
    if backend != "postgresql":
        pytest.skip("only a server can end a session")
    assert seeded.status(FRAMEWORK, as_of="2025-07-15").status == "agreed"
    admin = create_engine(seeded.engine.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        ended = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    admin.dispose()
    assert ended
    with pytest.raises(DBAPIError) as lost:
        seeded.status(FRAMEWORK, as_of="2025-07-15")
    assert lost.value.connection_invalidated
    assert seeded.status(FRAMEWORK, as_of="2025-07-15").status == "agreed"


def test_a_lost_connection_is_let_go_when_the_next_question_replaces_it(
    seeded: Tracker,
) -> None:
    """The connection a question found lost is closed and dropped by the tracker when
    the next question opens a new one, rather than held until the tracker closes."""
    before = seeded.status(FRAMEWORK, as_of="2025-07-15")
    kept = seeded._questions()  # as a traceback kept by the caller would hold them
    lost = kept.connection
    lost.invalidate()
    assert seeded.status(FRAMEWORK, as_of="2025-07-15") == before
    assert lost.closed
    assert seeded._connections == [seeded._read()]


def test_a_closed_tracker_answers_its_next_question_on_a_new_connection(
    seeded: Tracker,
) -> None:
    """Closing a tracker closes every thread's connection for questions; a question
    asked afterwards opens a new one rather than failing on the closed one."""
    before = seeded.status(FRAMEWORK, as_of="2025-07-15")
    used = seeded._read()
    seeded.close()
    assert used.closed
    assert seeded.status(FRAMEWORK, as_of="2025-07-15") == before
    assert seeded._read() is not used


def test_a_threads_connection_is_released_when_the_thread_ends(seeded: Tracker) -> None:
    """Each thread asks on a connection of its own; when the thread ends, its connection
    is closed and dropped, so that a server with a thread per request does not gather
    one open connection per request until the tracker closes."""
    mine = seeded._read()
    asked: list[tuple[Any, Any, int]] = []  # (status, connection, connections open)

    def ask() -> None:
        status = seeded.status(FRAMEWORK, as_of="2025-07-15").status
        asked.append((status, seeded._read(), len(seeded._connections)))

    for _ in range(3):
        thread = threading.Thread(target=ask)
        thread.start()
        thread.join()
    assert [(status, opened) for status, _, opened in asked] == [("agreed", 2)] * 3
    theirs = [connection for _, connection, _ in asked]
    assert all(c.closed and c is not mine for c in theirs)
    assert seeded._connections == [mine]
    assert not mine.closed


def test_a_thread_waiting_for_the_pool_gets_the_connection_an_ending_thread_releases(
    seeded_url: str,
) -> None:
    """With a pool of one connection, a thread that asks while another holds it waits,
    and gets it when that thread ends, rather than both stalling until the pool's
    timeout."""
    tracker = Tracker(make_engine(seeded_url, pool_size=1, max_overflow=0, pool_timeout=10))
    try:
        holding, finish = threading.Event(), threading.Event()
        answers: list[Any] = []

        def first() -> None:
            answers.append(tracker.status(FRAMEWORK, as_of="2025-07-15").status)
            holding.set()
            finish.wait()

        def second() -> None:
            try:
                answers.append(tracker.status(FRAMEWORK, as_of="2025-07-15").status)
            except Exception as failure:  # shown by the assertion below
                answers.append(failure)

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        threads[0].start()
        holding.wait()
        threads[1].start()
        time.sleep(0.3)  # the second is waiting for the pool by now
        started = time.perf_counter()
        finish.set()
        for thread in threads:
            thread.join()
        assert answers == ["agreed", "agreed"]
        assert time.perf_counter() - started < 5  # not the pool's timeout
    finally:
        tracker.close()


def test_assembled_results_hold_exactly_their_declared_types(seeded: Tracker) -> None:
    """Results are built from rows without validation, yet every field holds the type it
    declares (enums, partial dates, tuples, bools; strict validation changes nothing), and
    they behave as values: equal to the same fields passed to the constructor, hashable,
    picklable, and refusing assignment."""
    results: list[Any] = [
        seeded.status(FRAMEWORK, as_of="2025-07-15"),
        *seeded.snapshot(as_of="2025-12-31"),
        *seeded.history(FRAMEWORK),
        *seeded.diff("2025-06-30", "2025-12-31"),
        *seeded.conflicts(),
    ]
    assert {type(r) for r in results} == {ProgrammeStatus, StatusChange, StatusDiff, Conflict}
    for built in results:
        model = type(built)
        strict = pydantic.TypeAdapter(model, config=pydantic.ConfigDict(strict=True))
        assert strict.validate_python(built) == built
        assert model(**built._asdict()) == built
        assert hash(built) == hash(model(*built))
        assert repr(built).startswith(f"{model.__name__}(programme=")
        assert pickle.loads(pickle.dumps(built)) == built
        with pytest.raises(AttributeError):
            built.title = "changed"  # type: ignore[misc]
    step = seeded.history(FRAMEWORK)[0]
    assert step.citations and all(isinstance(c, QuotedCitation) for c in step.citations)


def test_strict_validation_would_catch_a_field_of_the_wrong_type() -> None:
    """The check above can fail: a status left as text, a list for a tuple, an int for a
    bool are each refused."""
    strict = pydantic.TypeAdapter(ProgrammeStatus, config=pydantic.ConfigDict(strict=True))
    good = ProgrammeStatus(
        "p", "t", Kind.ACQUISITION, None, "IN", "US", 6, Status.SIGNED, None, True, ("s",)
    )
    assert strict.validate_python(good) == good
    for wrong in (
        good._replace(status="signed"),
        good._replace(sources=["s"]),
        good._replace(certain=1),
    ):
        with pytest.raises(pydantic.ValidationError):
            strict.validate_python(wrong)


def test_a_lookup_asked_again_sends_the_values_sqlalchemy_would(seeded: Tracker) -> None:
    """A point lookup records its placeholders at its first call; every later call sends
    what SQLAlchemy's own execution would: its values, converted (dates to text on
    SQLite), in the driver's order, an optional value's default where it is left out,
    and SQLAlchemy's error where a required one is."""
    optional = select(
        bindparam("n", 5, type_=Integer) + bindparam("m", type_=Integer),
        bindparam("day", type_=Date),
    )
    asks: list[tuple[Any, dict[str, Any]]] = [
        (statement, params)
        for statement, sequence in (
            (
                _status_statement(True),
                [
                    {"programme": FRAMEWORK, "as_of": dt.date(2025, 7, 15), "known_at": None},
                    {
                        "programme": "javelin-co-production",
                        "as_of": dt.date(2026, 1, 1),
                        "known_at": dt.date(2025, 7, 1),
                    },
                ],
            ),
            (
                optional,
                [
                    {"m": 1, "day": dt.date(2025, 1, 2)},
                    {"n": 7, "m": 1, "day": dt.date(2025, 1, 3)},
                    {"m": 2, "day": dt.date(2025, 1, 4)},
                ],
            ),
            (select(bindparam("only", type_=Date)), [{"only": dt.date(2025, 1, 5)}]),
            (select(literal_column("1")), [{}]),
        )
        for params in sequence * 2
    ]
    by_sqlalchemy: list[tuple[str, Any]] = []
    by_lookup: list[tuple[str, Any]] = []

    def as_sent(sql: str, values: Any) -> tuple[str, Any]:
        """Positional values as a list, whichever sequence carries them."""
        return sql, list(values) if isinstance(values, tuple | list) else dict(values)

    def capture(conn: Any, cursor: Any, sql: str, values: Any, *_: Any) -> None:
        by_sqlalchemy.append(as_sent(sql, values))

    class Recorded:
        """A DBAPI connection whose cursors note what they are sent."""

        def __init__(self, driver: Any) -> None:
            self.driver = driver

        def cursor(self) -> Any:
            real = self.driver.cursor()

            class Cursor:
                def execute(self, sql: str, values: Any) -> Any:
                    by_lookup.append(as_sent(sql, values))
                    return real.execute(sql, values)

                def __getattr__(self, name: str) -> Any:
                    return getattr(real, name)

            return Cursor()

    reader = seeded.engine.execution_options(isolation_level="AUTOCOMMIT")
    event.listen(seeded.engine, "before_cursor_execute", capture)
    try:
        with reader.connect() as connection:
            lookups = {id(s): fetch.Lookup(connection, s) for s, _ in asks}
            for statement, params in asks:
                lookup = lookups[id(statement)]
                lookup(params)
                assert lookup._driver is not None  # from its first call on, straight
                if not isinstance(lookup._driver, Recorded):
                    lookup._driver = Recorded(lookup._driver)
                    continue  # the first call went through `rows`
                connection.execute(statement, params).all()
                assert by_lookup[-1] == by_sqlalchemy[-1]
            assert len(by_lookup) == len(asks) - len(lookups)
            with pytest.raises(
                InvalidRequestError, match="value is required for bind parameter 'm'"
            ):
                lookups[id(optional)]({"n": 1, "day": dt.date(2025, 1, 2)})
    finally:
        event.remove(seeded.engine, "before_cursor_execute", capture)


_STATUS_ASKS = [
    {"programme": FRAMEWORK, "as_of": dt.date(2025, 7, 15), "known_at": dt.date(2025, 7, 15)},
    {"programme": "javelin-co-production", "as_of": dt.date(2026, 1, 1), "known_at": None},
    {"programme": "no-such-programme", "as_of": dt.date(2026, 1, 1), "known_at": None},
    {"programme": FRAMEWORK, "as_of": dt.date(2024, 1, 1), "known_at": dt.date(2025, 7, 1)},
]


def test_a_lookup_answers_as_rows_does_on_an_autocommit_connection(
    seeded: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a connection in autocommit (the Tracker's for questions) a lookup goes through
    `rows` only at its first call and then straight to the driver, with the same answers,
    and SQLAlchemy's error where a required value is missing."""
    reader = seeded.engine.execution_options(isolation_level="AUTOCOMMIT")
    with reader.connect() as connection:
        asks = [(_status_statement(p["known_at"] is not None), p) for p in _STATUS_ASKS]
        expected = [fetch.rows(connection, s, p, streamed=False) for s, p in asks]
        assert all(expected[:2]) and not expected[2]  # found, and a programme not found
        through_rows = []
        rows = fetch.rows

        def counted(*args: Any, **kwargs: Any) -> Any:
            through_rows.append(args[1])
            return rows(*args, **kwargs)

        monkeypatch.setattr(fetch, "rows", counted)
        lookups = {s: fetch.Lookup(connection, s) for s, _ in asks}
        for _ in range(2):
            assert [list(lookups[s](p)) for s, p in asks] == [list(e) for e in expected]
        assert sorted(map(id, through_rows)) == sorted(map(id, lookups))  # once each
        with pytest.raises(InvalidRequestError, match="bind parameter 'programme'"):
            lookups[asks[1][0]]({"as_of": dt.date(2026, 1, 1), "known_at": None})


def test_a_lookup_in_a_transaction_begins_one_as_execute_would(seeded: Tracker) -> None:
    """On a connection with transactions, a lookup after a commit begins the next one in
    SQLAlchemy's bookkeeping, not only in the driver's."""
    statement = _status_statement(False)
    with seeded.engine.connect() as connection:
        lookup = fetch.Lookup(connection, statement)
        for params in _STATUS_ASKS:
            assert lookup(params) == fetch.rows(connection, statement, params, streamed=False)
            connection.commit()
            assert not connection.in_transaction()
            lookup(params)
            assert connection.in_transaction()
            connection.commit()


_SQLITE_DATE = Date().dialect_impl(sqlite.dialect()).bind_processor(sqlite.dialect())


def _sent(statement: Any, values: list[Any]) -> list[Any]:
    """What a `Lookup` of `statement` in autocommit sends to SQLite for each of `values`
    as :day once its placeholders are recorded (at a first call with some other day),
    checked to be what SQLAlchemy works out for the same value."""
    compiled = fetch._Compiled(statement, sqlite.dialect())
    sent = [compiled.sql({"day": value})[1][0] for value in values]
    engine = create_engine("sqlite://").execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            lookup = fetch.Lookup(connection, statement)
            lookup({"day": dt.date(2000, 1, 1)})
            assert lookup._driver is not None  # from here on, straight to the driver
            assert [lookup({"day": value})[0][0] for value in values] == sent
    finally:
        engine.dispose()
    return sent


@given(st.lists(st.dates() | st.datetimes() | st.none(), min_size=1, max_size=5))
def test_a_date_is_sent_to_sqlite_as_sqlalchemy_writes_it(values: list[Any]) -> None:
    """The quick conversion of a date parameter gives exactly what SQLAlchemy's SQLite
    date type gives, for any date, a datetime (which SQLAlchemy cuts to its day) or None."""
    assert _SQLITE_DATE is not None
    sent = _sent(select(bindparam("day", type_=Date)), values)
    assert sent == [_SQLITE_DATE(value) for value in values]


def test_a_date_stored_in_another_format_keeps_sqlalchemys_conversion() -> None:
    """A date column stored day first is converted by SQLAlchemy itself, not as ISO."""
    day_first = sqlite.DATE(storage_format="%(day)02d/%(month)02d/%(year)04d")
    convert = day_first.bind_processor(sqlite.dialect())
    assert convert is not None
    assert not fetch._writes_iso(convert)
    assert _SQLITE_DATE is not None and fetch._writes_iso(_SQLITE_DATE)
    statement = select(bindparam("day", type_=day_first))
    assert _sent(statement, [dt.date(2025, 7, 2)]) == ["02/07/2025"]
