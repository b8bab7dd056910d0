"""At scale: the bulk load path, the derived knowledge columns, and index use."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from sqlalchemy import text

from procurement import Programme, Tracker, jsonable
from procurement.store import bulk, fetch
from procurement.testing.synthetic import World, synthetic_batches
from tests.sources import add_datasets

SMALL = World(programmes=300, platforms=50, sources=400, chunk=150)


def _answers(tracker: Tracker) -> dict[str, Any]:
    """A fingerprint of what the tracker answers about a synthetic world."""
    return {
        "snapshot": jsonable(tracker.snapshot(as_of="2012-06-30")),
        "known": jsonable(tracker.snapshot(as_of="2012-06-30", known_at="2011-12-31")),
        "changes": jsonable(tracker.changes(since="2005-01-01", until="2012-12-31")),
    }


def test_the_bulk_path_loads_what_row_by_row_inserts_load(
    tracker: Tracker, empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """COPY (PostgreSQL) and plain inserts store the same facts and the same answers;
    loading the world again adds nothing."""
    summary = tracker.load_many(synthetic_batches(SMALL))
    assert summary["events"].added > 2 * bulk.COPY_THRESHOLD
    assert not tracker.load_many(synthetic_batches(SMALL)).changed
    monkeypatch.setattr(bulk, "COPY_THRESHOLD", 10**9)
    with Tracker.open(empty_url, upgrade=True) as plain:
        plain.load_many(synthetic_batches(SMALL))
        assert json.dumps(_answers(plain)) == json.dumps(_answers(tracker))


def _setup(tracker: Tracker) -> None:
    add_datasets(tracker, {"early": "2020-01-01", "late": "2022-01-01", "fix": "2023"})
    tracker.add_programme(Programme(id="p", title="P", kind="acquisition", buyer="IN"))


def test_an_earlier_source_added_later_makes_the_event_known_earlier(tracker: Tracker) -> None:
    """Knowledge time follows the earliest source, whatever order sources arrive in."""
    _setup(tracker)
    tracker.record_status("p", "contracted", "2019", [("late", "q")])
    assert tracker.status("p", as_of="2021-01-01", known_at="2021-01-01").status is None
    tracker.record_status("p", "contracted", "2019", [("early", "q")])
    assert tracker.status("p", as_of="2021-01-01", known_at="2021-01-01").status == "contracted"


def test_a_correction_hides_what_it_corrects_from_when_it_became_known(tracker: Tracker) -> None:
    """Before the correction's source, the old claim stands; after it, the new one."""
    _setup(tracker)
    tracker.record_status("p", "contracted", "2019", [("early", "q")])
    tracker.correct_status(
        "p", ("contracted", "2019"), "contracted", "2018", [("fix", "q")], reason="revised"
    )
    before = tracker.status("p", as_of="2024-01-01", known_at="2022-06-01")
    after = tracker.status("p", as_of="2024-01-01", known_at="2024-01-01")
    assert (str(before.since), str(after.since)) == ("2019", "2018")
    with tracker.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT effective, known_from, superseded_from FROM status_events ORDER BY id")
        ).all()
    assert [(r[0], str(r[1]), str(r[2])) for r in rows] == [
        ("2019", "2020-01-01", "2023-12-31"),
        ("2018", "2023-12-31", "None"),
    ]


def _generic_plan(connection: Any, statement: Any, params: dict[str, Any]) -> str:
    """EXPLAIN of `statement` as the driver prepares it, in the plan PostgreSQL may switch
    to after a few runs: the generic one, which cannot see the parameters' values."""
    sql, values = fetch._compiled(statement, connection.dialect).sql(params)
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", sql)))
    numbered = re.sub(r"%\((\w+)\)s", lambda m: f"${names.index(m.group(1)) + 1}", sql)
    connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
    connection.exec_driver_sql(f"PREPARE asked AS {numbered.replace('%%', '%')}")
    literals = ", ".join("NULL" if values[n] is None else f"'{values[n]}'" for n in names)
    plan = connection.exec_driver_sql(f"EXPLAIN EXECUTE asked({literals})").all()
    connection.exec_driver_sql("DEALLOCATE asked")
    return "\n".join(row[0] for row in plan)


@pytest.mark.slow
def test_the_as_of_query_for_one_programme_uses_the_index(db_url: str, backend: str) -> None:
    """At 100,000 status events, PostgreSQL answers "status of X on D" and "history of a
    platform" from the index, even in the generic plan of the statement the driver
    prepares: EXPLAIN shows no sequential scan over status_events, nor over the citations
    of a platform's history."""
    if backend != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    from procurement.domain.platforms import alias_key
    from procurement.queries.temporal import _named_history_statement, _status_statement

    with Tracker.open(db_url) as tracker:
        tracker.load_many(synthetic_batches(World(programmes=10_000, platforms=500, sources=5000)))
        with tracker.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM status_events")).scalar() >= 90_000
            connection.execute(text("ANALYZE"))
            plans = [
                _generic_plan(
                    connection,
                    _status_statement(known),
                    {"programme": "programme-42", "as_of": dt.date(2012, 6, 30), "known_at": at},
                )
                for known, at in ((False, None), (True, dt.date(2011, 12, 31)))
            ]
            history_plan = _generic_plan(
                connection,
                _named_history_statement("postgresql", False),
                {"name": "platform-7", "key": alias_key("platform-7"), "known_at": None},
            )
    for lines in (*plans, history_plan):
        assert "Seq Scan on status_events" not in lines, lines
        assert "ix_status_events_programme_order" in lines, lines
    assert "Seq Scan on event_citations" not in history_plan, history_plan
