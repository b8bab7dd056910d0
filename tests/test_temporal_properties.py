"""The SQL answers equal a plain-Python model of the definitions, for random worlds."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procurement import (
    Citation,
    EventRef,
    Platform,
    Programme,
    Source,
    SourceKind,
    StatusEvent,
    Tracker,
    jsonable,
)
from procurement.loading.batch import Batch, Entry, SourceDocument
from tests import reference
from tests.conftest import clear
from tests.strategies import QUERY_DAYS, worlds

EXAMPLES = int(os.environ.get("PROCUREMENT_PROPERTY_EXAMPLES", "0")) or (
    300 if os.environ.get("CI", "").lower() in ("1", "true", "yes") else 40
)


PLATFORM_OF = {"p0": "c", "p1": "base", "p2": "variant"}


def _load(tracker: Tracker, world: dict[str, Any]) -> reference.World:
    """Write the world through the public write path; read back what was recorded."""
    batch = Batch()
    for s in world["sources"]:
        source = Source(
            id=s["id"],
            kind=SourceKind.DATASET,
            title=s["id"],
            published=s["published"],
            sha256=hashlib.sha256(s["id"].encode()).hexdigest(),
        )
        batch.sources.append(Entry(SourceDocument(source)))
    # A platform with a variant, and one more: p0 is of "c", p1 of the base, p2 of the
    # variant. Names that mean two things: "c" is the third platform's id and an alias of
    # the base (the alias wins); "p1" is a programme and an alias of the variant (the
    # programme wins).
    batch.platforms.append(Entry(Platform(id="base", name="Base", aliases=("Base Mk1", "c"))))
    batch.platforms.append(
        Entry(Platform(id="variant", name="Variant", aliases=("p1",), variant_of="base"))
    )
    batch.platforms.append(Entry(Platform(id="c", name="Charlie")))
    for p in world["programmes"]:
        platform = PLATFORM_OF.get(p["id"])
        batch.programmes.append(
            Entry(
                Programme(
                    id=p["id"], title=p["id"].upper(), kind=p["kind"], buyer="IN", platform=platform
                )
            )
        )
    for e in world["events"] + world["corrections"]:
        supersedes = None
        if "supersedes" in e:
            supersedes = EventRef(status=e["supersedes"][0], effective=e["supersedes"][1])
        batch.events.append(
            Entry(
                StatusEvent(
                    programme=e["programme"],
                    status=e["status"],
                    effective=e["effective"],
                    citations=tuple(Citation(source=s, quote=f"q{s}") for s in e["sources"]),
                    supersedes=supersedes,
                    reason="generated",
                )
            )
        )
    tracker.load(batch)
    published = {s.id: s.published.latest for s in tracker.sources()}
    names = {p.id: p.name for p in tracker.platforms()}
    programmes = {
        p.id: reference.Programme(
            p.id,
            p.title,
            p.kind.value,
            names[p.platform] if p.platform else None,
            p.buyer,
            p.supplier,
            None,
        )
        for p in tracker.programmes()
    }
    events = []
    for programme in programmes:
        recorded = tracker.events(programme)
        ids = {(e.status, e.effective): e.id for e in recorded if e.supersedes is None}
        for e in recorded:
            assert e.id is not None
            target = ids[(e.supersedes.status, e.supersedes.effective)] if e.supersedes else None
            events.append(
                reference.Event(
                    e.id,
                    programme,
                    e.status,
                    e.effective,
                    tuple((c.source, c.quote) for c in e.citations),
                    target,
                )
            )
    return reference.World(programmes, events, published)  # type: ignore[arg-type]


def _dump(results: Iterable[Any]) -> list[dict[str, Any]]:
    return [jsonable(r) for r in results]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    world=worlds(),
    as_of=QUERY_DAYS,
    other=QUERY_DAYS,
    known_at=st.one_of(st.none(), QUERY_DAYS),
)
def test_sql_answers_match_the_reference_model(
    tracker: Tracker,
    world: dict[str, Any],
    as_of: dt.date,
    other: dt.date,
    known_at: dt.date | None,
) -> None:
    """status, snapshot, history, changes and diff agree with the definitions."""
    clear(tracker.engine)
    model = _load(tracker, world)
    for programme in model.programmes:
        assert jsonable(tracker.status(programme, as_of=as_of, known_at=known_at)) == model.status(
            programme, as_of, known_at
        )
    assert _dump(tracker.snapshot(as_of=as_of, known_at=known_at)) == model.snapshot(
        as_of, known_at
    )
    history = model.history(known_at)
    for name, covered in [
        ("p0", {"p0"}),
        ("Base Mk1", {"p1", "p2"}),  # an alias of the base: its variant's programmes too
        ("variant", {"p2"}),
        ("c", {"p1", "p2"}),
        ("Charlie", {"p0"}),
        ("p1", {"p1"}),
    ]:
        expected = [row for row in history if row["programme"] in covered]
        assert _dump(tracker.history(name, known_at=known_at)) == expected, name
        assert _dump(tracker.iter_history(name, known_at=known_at, batch=2)) == expected, name
    since, until = sorted([as_of, other])
    assert _dump(tracker.changes(since=since, until=until, known_at=known_at)) == model.changes(
        since, until, known_at
    )
    assert _dump(tracker.changes(until=until, known_at=known_at)) == model.changes(
        None, until, known_at
    )
    assert [
        (d.programme, d.status_a, d.status_b) for d in tracker.diff(as_of, other, known_at=known_at)
    ] == model.diff(as_of, other, known_at)
