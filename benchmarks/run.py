#!/usr/bin/env python3
"""Benchmark the temporal queries at SIPRI scale against the database's own floor.

    python benchmarks/run.py --db postgresql://postgres@127.0.0.1:5432/bench --programmes 100000
    python benchmarks/run.py --db sqlite:///bench.db

Loads a deterministic synthetic world (procurement.testing.synthetic) into an emptied
database through the public bulk loader, then times each question twice on the same
database in the same run: through the public `Tracker`, and as the best hand-written SQL
for the same answer (the floor), after checking that both give the same answer. Both
read rows from the driver the same way on the same connection, and each run is charged
what its answer costs the process: getting it, the young-generation collection it is
due, and its release. Prints
one JSON document: per query the Tracker's time, the floor's, their ratio; rows per second
for the load; peak memory; and every programme's history read as one list and streamed,
each in a fresh interpreter with its own peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from procurement import Tracker
from procurement.domain.platforms import alias_key
from procurement.store import migrations
from procurement.store.database import make_engine, redact
from procurement.store.fetch import STREAM_CHUNK
from procurement.testing.synthetic import World, synthetic_batches

AS_OF = dt.date(2012, 6, 30)
STATUS_CALLS = 2000
KNOWN_AT = dt.date(2011, 12, 31)


# -- the floor: hand-written SQL ---------------------------------------------------------


def _current(alias: str, known: bool) -> str:
    if not known:
        return f"{alias}.superseded_from IS NULL"
    return (
        f"{alias}.known_from <= :known_at AND ({alias}.superseded_from IS NULL "
        f"OR {alias}.superseded_from > :known_at)"
    )


def _agg(dialect: str) -> str:
    return "string_agg" if dialect == "postgresql" else "group_concat"


def _sources(dialect: str, known: bool, event: str = "e") -> str:
    join = (
        " JOIN sources s ON s.id = c.source_id AND s.published_latest <= :known_at" if known else ""
    )
    return (
        f"(SELECT {_agg(dialect)}(c.source_id, '|') FROM event_citations c{join} "
        f"WHERE c.event_id = {event}.id)"
    )


_ORDER_DESC = "sort_start DESC, rank DESC, sort_end DESC, id DESC"
_COLLATE = {"postgresql": 'COLLATE "C"', "sqlite": "COLLATE BINARY"}


def _latest(dialect: str, known: bool, day: str, programme_filter: str) -> str:
    """The newest current event per programme by `day`: (programme_id, id, status,
    effective, effective_latest). PostgreSQL reads them all from the covering index."""
    if dialect == "postgresql":
        return (
            "SELECT DISTINCT ON (x.programme_id) x.programme_id, x.id, x.status, x.effective, "
            f"x.effective_latest FROM status_events x WHERE x.sort_start <= {day} AND "
            f"{_current('x', known)} {programme_filter.replace('{id}', 'x.programme_id')} "
            "ORDER BY x.programme_id DESC, x.sort_start DESC, x.rank DESC, x.sort_end DESC, "
            "x.id DESC"
        )
    return (
        "SELECT l.programme_id, e.id, e.status, e.effective, e.effective_latest FROM "
        "(SELECT q.id AS programme_id, (SELECT x.id FROM status_events x WHERE "
        f"x.programme_id = q.id AND x.sort_start <= {day} AND {_current('x', known)} "
        f"ORDER BY x.{_ORDER_DESC.replace(', ', ', x.')} LIMIT 1) AS event_id FROM programmes q "
        f"WHERE 1=1 {programme_filter.replace('{id}', 'q.id')}) l "
        "JOIN status_events e ON e.id = l.event_id"
    )


def floor_status(dialect: str, known: bool) -> str:
    return (
        "SELECT p.id, p.title, p.kind, pl.name, p.buyer, p.supplier, p.quantity, e.status, "
        f"e.effective, e.effective_latest, {_sources(dialect, known)} FROM programmes p "
        "LEFT JOIN platforms pl ON pl.id = p.platform_id LEFT JOIN status_events e ON e.id = "
        "(SELECT x.id FROM status_events x WHERE x.programme_id = p.id AND x.sort_start <= "
        f":as_of AND {_current('x', known)} ORDER BY x.sort_start DESC, x.rank DESC, "
        "x.sort_end DESC, x.id DESC LIMIT 1) WHERE p.id = :programme"
    )


def floor_snapshot(dialect: str, known: bool, programme_filter: str = "") -> str:
    return (
        "SELECT p.id, p.title, p.kind, pl.name, p.buyer, p.supplier, p.quantity, e.status, "
        f"e.effective, e.effective_latest, {_sources(dialect, known)} FROM "
        f"({_latest(dialect, known, ':as_of', programme_filter)}) e "
        "JOIN programmes p ON p.id = e.programme_id "
        f"LEFT JOIN platforms pl ON pl.id = p.platform_id ORDER BY p.id {_COLLATE[dialect]}"
    )


def _known_citation(known: bool) -> str:
    """Only citations from sources published by :known_at: a probe per citation."""
    if not known:
        return ""
    return (
        " AND EXISTS (SELECT 1 FROM sources s WHERE s.id = c.source_id "
        "AND s.published_latest <= :known_at)"
    )


def floor_history(dialect: str, known: bool) -> str:
    """The history of what :name names: that programme, else the programmes of the
    platform with that id or alias key (:key) and of all its variants."""
    covered = (
        "WITH RECURSIVE family(id, name) AS (SELECT id, name FROM platforms WHERE id = "
        "COALESCE((SELECT platform_id FROM platform_aliases WHERE key = :key), :name) "
        "UNION ALL SELECT v.id, v.name FROM platforms v JOIN family f ON v.variant_of = f.id), "
        "covered(id, title, kind, platform) AS (SELECT p.id, p.title, p.kind, pl.name "
        "FROM programmes p LEFT JOIN platforms pl ON pl.id = p.platform_id WHERE p.id = :name "
        "UNION ALL SELECT p.id, p.title, p.kind, f.name FROM programmes p JOIN family f "
        "ON f.id = p.platform_id WHERE p.platform_id IN (SELECT id FROM family) "
        "AND NOT EXISTS (SELECT 1 FROM programmes n WHERE n.id = :name)) "
    )
    if dialect == "postgresql":
        # Per step, from the index: PostgreSQL cannot tell how few steps there are.
        citations = (
            "LEFT JOIN LATERAL (SELECT c.id, c.source_id, c.quote FROM event_citations c "
            f"WHERE c.event_id = h.id{_known_citation(known)} OFFSET 0) c ON true"
        )
    else:
        citations = f"LEFT JOIN event_citations c ON c.event_id = h.id{_known_citation(known)}"
    return (
        covered + "SELECT h.id, h.programme_id, v.title, v.kind, v.platform, h.status, "
        "h.from_status, h.effective, c.source_id, c.quote FROM "
        "(SELECT e.id, e.programme_id, e.status, e.effective, e.sort_start, e.rank, e.sort_end, "
        "LAG(e.status) OVER (PARTITION BY e.programme_id ORDER BY e.sort_start, e.rank, "
        f"e.sort_end, e.id) AS from_status FROM status_events e WHERE {_current('e', known)} "
        "AND e.programme_id IN (SELECT id FROM covered)) h "
        f"JOIN covered v ON v.id = h.programme_id {citations} "
        f"ORDER BY h.sort_start, h.rank, h.sort_end, h.programme_id {_COLLATE[dialect]}, h.id, c.id"
    )


def floor_changes(dialect: str, known: bool) -> str:
    citations = (
        " JOIN sources s ON s.id = c.source_id AND s.published_latest <= :known_at" if known else ""
    )
    return (
        "SELECT w.id, w.programme_id, p2.title, p2.kind, pl.name, w.status, w.from_status, "
        "w.effective, c.source_id, c.quote FROM "
        "(SELECT e.id, e.programme_id, e.status, e.effective, e.sort_start, e.rank, e.sort_end, "
        "(SELECT b.status FROM status_events b WHERE b.programme_id = e.programme_id AND "
        f"{_current('b', known)} AND (b.sort_start, b.rank, b.sort_end, b.id) < "
        "(e.sort_start, e.rank, e.sort_end, e.id) ORDER BY b.sort_start DESC, b.rank DESC, "
        "b.sort_end DESC, b.id DESC LIMIT 1) AS from_status FROM status_events e WHERE "
        f"{_current('e', known)} AND e.sort_start <= :until AND e.sort_end >= :since AND "
        "e.effective_earliest IS NOT NULL) w "
        "JOIN programmes p2 ON p2.id = w.programme_id "
        "LEFT JOIN platforms pl ON pl.id = p2.platform_id "
        f"LEFT JOIN (SELECT c.* FROM event_citations c{citations}) c ON c.event_id = w.id "
        "WHERE w.from_status IS NULL OR w.from_status <> w.status "
        f"ORDER BY w.sort_start, w.rank, w.sort_end, w.programme_id {_COLLATE[dialect]}, w.id, c.id"
    )


def floor_diff(dialect: str, known: bool) -> str:
    columns = (
        "SELECT p.id, a.status, b.status, p.title, p.kind, pl.name, a.effective, "
        "a.effective_latest, b.effective, b.effective_latest FROM "
    )
    if dialect == "postgresql":
        pairs = (
            f"({_latest(dialect, known, ':day_a', '')}) a FULL JOIN "
            f"({_latest(dialect, known, ':day_b', '')}) b ON a.programme_id = b.programme_id "
            "JOIN programmes p ON p.id = COALESCE(a.programme_id, b.programme_id)"
        )
    else:
        one = (
            "(SELECT x.id FROM status_events x WHERE x.programme_id = q.id AND x.sort_start <= "
            f"{{day}} AND {_current('x', known)} ORDER BY x.sort_start DESC, x.rank DESC, "
            "x.sort_end DESC, x.id DESC LIMIT 1)"
        )
        pairs = (
            f"(SELECT q.id, {one.format(day=':day_a')} AS event_a, "
            f"{one.format(day=':day_b')} AS event_b FROM programmes q) d "
            "JOIN programmes p ON p.id = d.id "
            "LEFT JOIN status_events a ON a.id = d.event_a "
            "LEFT JOIN status_events b ON b.id = d.event_b"
        )
    return (
        columns + pairs + " LEFT JOIN platforms pl ON pl.id = p.platform_id "
        "WHERE (a.status IS NOT NULL OR b.status IS NOT NULL) AND "
        "(a.status IS NULL OR b.status IS NULL OR a.status <> b.status) "
        f"ORDER BY p.id {_COLLATE[dialect]}"
    )


def _inline(sql: str, params: dict[str, Any]) -> str:
    """`sql` with each :name replaced by its date as an SQL literal."""

    def literal(match: re.Match[str]) -> str:
        value = params[match.group(1)]
        assert isinstance(value, dt.date), match.group(0)
        return f"'{value.isoformat()}'"

    return re.sub(r"(?<!:):(\w+)", literal, sql)


# -- answers in one comparable form -------------------------------------------------------


def _status_rows(rows: list[Any], as_of: dt.date) -> list[tuple[Any, ...]]:
    out = []
    for ident, _t, _k, _p, _b, _s, _q, status, effective, latest, sources in rows:
        if isinstance(latest, str):
            latest = dt.date.fromisoformat(latest)
        certain = status is not None and latest is not None and latest <= as_of
        out.append(
            (
                ident,
                status,
                effective,
                certain,
                tuple(sorted(set((sources or "").split("|")) - {""})),
            )
        )
    return out


def _status_models(models: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (
            m.programme,
            m.status.value if m.status else None,
            str(m.since) if m.since else None,
            m.certain,
            tuple(m.sources),
        )
        for m in models
    ]


def _change_rows(rows: list[Any]) -> list[tuple[Any, ...]]:
    """Steps from rows of one citation each, grouped by event id: two steps of one
    programme may agree in every other column (a status reported again on the same day)."""
    out: list[tuple[Any, ...]] = []
    last = None
    for event, programme, _t, _k, _p, status, before, effective, source, quote in rows:
        if event != last:
            last = event
            out.append(((programme, before, status, effective), []))
        if source is not None:
            out[-1][1].append((source, quote))
    return [(*k, tuple(c)) for k, c in out]


def _change_models(models: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (
            m.programme,
            m.from_status.value if m.from_status else None,
            m.to_status.value,
            str(m.effective),
            tuple((c.source, c.quote) for c in m.citations),
        )
        for m in models
    ]


# -- timing -----------------------------------------------------------------------------


def _cost(ask: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds to get an answer and to bear what it costs the process afterwards: the
    young-generation collection it is due while it is held, and its release. Both sides
    are charged alike, from an empty young generation."""
    gc.collect()
    start = time.perf_counter()
    answer = ask()
    gc.collect(0)
    size = len(answer)
    del answer
    return time.perf_counter() - start, size


def _time_pair(
    mine: Callable[[], Any], theirs: Callable[[], Any], repeat: int
) -> tuple[float, float, int]:
    """Median costs (`_cost`) of the tracker's and the floor's answer, and the answer's
    length. The two alternate, so that a drift in the machine's speed (a shared virtual
    machine's often is) touches both alike; after one warm-up each, at least `repeat`
    runs, more for short questions (about a second's worth, at most 201) since a
    millisecond's timing is noisy."""
    _, size = _cost(mine)
    elapsed = _cost(theirs)[0]
    runs = max(repeat, min(201, int(1.0 / max(elapsed, 1e-6))))
    mine_times, their_times = [], []
    for _ in range(runs):
        mine_times.append(_cost(mine)[0])
        their_times.append(_cost(theirs)[0])
    return statistics.median(mine_times), statistics.median(their_times), size


def _ms(seconds: float) -> float:
    """Milliseconds to three significant figures at least (a lookup takes a few hundredths)."""
    return round(seconds * 1000, 4 if seconds < 0.001 else 2)


def _entry(tracker_s: float, floor_s: float, rows: int) -> dict[str, Any]:
    return {
        "tracker_ms": _ms(tracker_s),
        "floor_ms": _ms(floor_s),
        "ratio": round(tracker_s / floor_s, 3) if floor_s else None,
        "rows": rows,
    }


_WHOLE_HISTORY = """
import json, sys, time
from procurement import Tracker
from run import peak_mb
tracker = Tracker.open(sys.argv[1])
start = time.perf_counter()
if sys.argv[2] == "streamed":
    steps = sum(1 for _ in tracker.iter_history())
else:
    steps = len(tracker.history())
print(json.dumps({
    "seconds": round(time.perf_counter() - start, 1),
    "steps": steps,
    "peak_rss_mb": peak_mb(),
}))
"""


def peak_mb() -> int:
    """This process's peak resident memory. On Linux VmHWM, since ru_maxrss carries a
    parent's peak across fork and exec into the child."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def whole_history(url: str, how: str) -> dict[str, Any]:
    """Every programme's history, as one list or streamed, in a fresh interpreter so that
    its peak memory is its own."""
    root = str(Path(__file__).resolve().parent.parent)
    done = subprocess.run(
        [sys.executable, "-c", _WHOLE_HISTORY, url, how],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([root, str(Path(__file__).parent)])},
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def run(url: str, world: World, repeat: int, reuse: bool) -> dict[str, Any]:
    engine = make_engine(url)
    dialect = engine.dialect.name
    report: dict[str, Any] = {
        "database": redact(url),
        "dialect": dialect,
        "programmes": world.programmes,
        "machine": {
            "python": platform.python_version(),
            "processor": platform.machine(),
            "system": platform.platform(),
        },
    }
    loaded = False
    if reuse and migrations.current_revision(engine) == migrations.head():
        with engine.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM programmes")).scalar()
        loaded = count == world.programmes
    if not loaded:
        if migrations.current_revision(engine) is not None:
            migrations.downgrade(engine, "base")
        migrations.upgrade(engine)
        tracker = Tracker(engine)
        start = time.perf_counter()
        summary = tracker.load_many(synthetic_batches(world))
        elapsed = time.perf_counter() - start
        rows = sum(c.added for c in summary.counts.values())
        report["load"] = {
            "seconds": round(elapsed, 1),
            "rows": rows,
            "events": summary["events"].added,
            "citations": summary["citations"].added,
            "rows_per_second": round(rows / elapsed),
        }
    else:
        report["load"] = "reused an already loaded database"
    if dialect == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))

    tracker = Tracker(engine)
    rng = random.Random(7)
    queries: dict[str, Any] = {}
    # The floor reads on the tracker's own connection for questions: two connections
    # are two server processes, and on a machine of two cores the scheduler places
    # them differently (the same lookup took a quarter longer on one of two).
    driver = tracker._read().connection.driver_connection

    def lookup(sql: str) -> Callable[[dict[str, Any]], list[Any]]:
        """A point lookup, read from the driver as the tracker reads one: with bound
        parameters, so that the driver prepares it once it has seen it a few times."""
        if dialect == "postgresql":
            sql = re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql)

        def fetch(params: dict[str, Any]) -> list[Any]:
            cursor = driver.cursor()
            try:
                cursor.execute(sql, params)
                return list(cursor.fetchall())
            finally:
                cursor.close()

        return fetch

    def floor(sql: str, params: dict[str, Any], inline: bool = True) -> Callable[[], list[Any]]:
        """Hand-written SQL for a question, read as the tracker reads the same one."""
        if not inline:
            fetch = lookup(sql)
            return lambda: fetch(params)
        # A question about every programme: its dates written into the SQL (a prepared
        # statement's generic plan cannot see their selectivity), streamed in chunks on
        # PostgreSQL (as fast as psycopg hands rows over) and fetched in one call on
        # SQLite, with the cyclic garbage collector paused while rows arrive.
        inlined = _inline(sql, params)

        def streamed() -> list[Any]:
            gc.disable()
            try:
                if dialect == "postgresql":
                    with driver.cursor() as cursor:
                        return list(cursor.stream(inlined, size=STREAM_CHUNK))
                return list(driver.execute(inlined).fetchall())
            finally:
                gc.enable()

        return streamed

    for known in (False, True):
        suffix = " known_at" if known else ""
        k = {"known_at": KNOWN_AT} if known else {}
        # status: one programme, many random ids and dates (a call takes a fraction of a
        # millisecond, so a median needs many of them to hold still)
        pairs = [
            (
                f"programme-{rng.randrange(world.programmes)}",
                dt.date(rng.randrange(1995, 2025), rng.randrange(1, 13), 1),
            )
            for _ in range(STATUS_CALLS)
        ]
        status_sql = lookup(floor_status(dialect, known))
        tracker_times, floor_times = [], []
        for programme, day in pairs:
            mine = tracker.status(programme, as_of=day, **k)
            theirs = status_sql({"programme": programme, "as_of": day, **k})
            assert _status_models([mine]) == _status_rows(theirs, day), (programme, day)
        for number, (programme, day) in enumerate(pairs):
            # Whichever runs second finds the programme's pages in the processor's
            # caches: take turns, so that neither side always does.
            params = {"programme": programme, "as_of": day, **k}
            for side in ("tracker", "floor") if number % 2 else ("floor", "tracker"):
                start = time.perf_counter()
                if side == "tracker":
                    tracker.status(programme, as_of=day, **k)
                    tracker_times.append(time.perf_counter() - start)
                else:
                    status_sql(params)
                    floor_times.append(time.perf_counter() - start)
        p50_t, p50_f = statistics.median(tracker_times), statistics.median(floor_times)
        queries["status" + suffix] = {
            **_entry(p50_t, p50_f, 1),
            "tracker_p95_ms": _ms(statistics.quantiles(tracker_times, n=20)[18]),
            "floor_p95_ms": _ms(statistics.quantiles(floor_times, n=20)[18]),
            "calls": len(pairs),
        }

        cases: list[
            tuple[
                str,
                Callable[[], list[Any]],
                Callable[[], list[Any]],
                Callable[[list[Any]], Any],
                Callable[[list[Any]], Any],
            ]
        ] = [
            (
                "snapshot",
                lambda k=k: tracker.snapshot(as_of=AS_OF, **k),
                floor(floor_snapshot(dialect, known), {"as_of": AS_OF, **k}),
                _status_models,
                lambda r: _status_rows(r, AS_OF),
            ),
            (
                "snapshot filtered",
                lambda k=k: tracker.snapshot(as_of=AS_OF, kind="lease", buyer="FR", **k),
                floor(
                    floor_snapshot(
                        dialect,
                        known,
                        "AND {id} IN (SELECT f.id FROM programmes f "
                        "WHERE f.kind = 'lease' AND f.buyer = 'FR')",
                    ),
                    {"as_of": AS_OF, **k},
                ),
                _status_models,
                lambda r: _status_rows(r, AS_OF),
            ),
            (
                "history",
                lambda k=k: tracker.history("platform-7", **k),
                floor(
                    floor_history(dialect, known),
                    {"name": "platform-7", "key": alias_key("platform-7"), **k},
                    inline=False,  # one platform: the prepared plan serves it well
                ),
                _change_models,
                _change_rows,
            ),
            (
                "changes",
                lambda k=k: tracker.changes(since="2012-06-01", until="2012-06-30", **k),
                floor(
                    floor_changes(dialect, known),
                    {"since": dt.date(2012, 6, 1), "until": dt.date(2012, 6, 30), **k},
                ),
                _change_models,
                _change_rows,
            ),
            (
                "diff",
                lambda k=k: tracker.diff("2011-06-30", "2012-06-30", **k),
                floor(
                    floor_diff(dialect, known),
                    {"day_a": dt.date(2011, 6, 30), "day_b": dt.date(2012, 6, 30), **k},
                ),
                lambda ms: [
                    (
                        m.programme,
                        m.status_a.value if m.status_a else None,
                        m.status_b.value if m.status_b else None,
                    )
                    for m in ms
                ],
                lambda rs: [tuple(r)[:3] for r in rs],
            ),
        ]
        for name, mine, theirs, norm_mine, norm_theirs in cases:
            answer, expected = norm_mine(mine()), norm_theirs(theirs())
            assert answer == expected, f"{name}{suffix}: the tracker and the floor disagree"
            tracker_s, floor_s, size = _time_pair(mine, theirs, repeat)
            queries[name + suffix] = _entry(tracker_s, floor_s, size)
    report["queries"] = queries
    report["worst_ratio"] = max(q["ratio"] for q in queries.values())
    report["whole_history"] = {how: whole_history(url, how) for how in ("list", "streamed")}
    report["peak_rss_mb"] = peak_mb()
    engine.dispose()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:///benchmark.db", help="database URL (emptied!)")
    parser.add_argument("--programmes", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per query")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded database")
    args = parser.parse_args()
    world = World(programmes=args.programmes)
    print(json.dumps(run(args.db, world, args.repeat, args.reuse), indent=2))


if __name__ == "__main__":
    main()
