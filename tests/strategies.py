"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

QUALIFIERS = st.sampled_from(["", "", "", "?", "~", "%"])


def _side(day: dt.date, precision: str, qualifier: str) -> str:
    text = {
        "year": f"{day.year:04d}",
        "month": f"{day.year:04d}-{day.month:02d}",
        "day": day.isoformat(),
    }[precision]
    return text + qualifier


PRECISIONS = st.sampled_from(["year", "month", "day"])
DAYS = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
RECENT_DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31))


@st.composite
def single_dates(draw: st.DrawFn, days: st.SearchStrategy[dt.date] = DAYS) -> str:
    """A day, month or year, possibly qualified: '2025-07-01', '2025-02~', '2025?'."""
    return _side(draw(days), draw(PRECISIONS), draw(QUALIFIERS))


@st.composite
def intervals(draw: st.DrawFn, days: st.SearchStrategy[dt.date] = DAYS) -> str:
    """A closed interval whose sides may differ in precision: '2025-07/2025-12-31'."""
    first, second = sorted([draw(days), draw(days)])
    return f"{_side(first, draw(PRECISIONS), '')}/{_side(second, draw(PRECISIONS), '')}"


@st.composite
def open_intervals(draw: st.DrawFn, days: st.SearchStrategy[dt.date] = DAYS) -> str:
    """'../X' (open start), '/X' (unknown start), 'X/..' (open end) or 'X/' (unknown end)."""
    side = _side(draw(days), draw(PRECISIONS), "")
    return draw(st.sampled_from([f"../{side}", f"/{side}", f"{side}/..", f"{side}/"]))


def edtf_strings(days: st.SearchStrategy[dt.date] = DAYS) -> st.SearchStrategy[str]:
    """Any EDTF value procurement supports."""
    return st.one_of(single_dates(days), intervals(days), open_intervals(days))


# -- fixture documents -------------------------------------------------------------------

DROP = object()
"""Marks a mutation that removes a field."""

WRONG_VALUES = st.sampled_from(
    [None, 42, -1, 0, 3.5, True, [], ["a", "b"], {}, {"x": 1}, "", "no-such-id", "2025-13"]
)


@st.composite
def mutations(draw: st.DrawFn, documents: dict[str, object]) -> tuple[str, list[object], object]:
    """A place in a set of fixture documents and a bad value for it: (file, path, value).

    The value `DROP` removes the field instead. Paths lead to a field of a record.
    """
    name = draw(st.sampled_from(sorted(documents)))
    node = documents[name]
    path: list[object] = []
    while isinstance(node, dict | list) and node:
        if isinstance(node, dict):
            key = draw(st.sampled_from(sorted(node, key=str)))
            path.append(key)
            node = node[key]
        else:
            index = draw(st.integers(min_value=0, max_value=len(node) - 1))
            path.append(index)
            node = node[index]
        if not isinstance(node, dict | list) or draw(st.booleans()):
            break
    value = draw(st.one_of(st.just(DROP), WRONG_VALUES))
    return name, path, value


# -- temporal worlds ---------------------------------------------------------------------

WORLD_DAYS = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2025, 4, 30))
"""A narrow span, so that imprecise dates overlap, tie and nest often."""


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, object]:
    """Sources with publication dates; programmes; events citing sources; corrections.

    Returned as plain data for the test to load through the public API.
    """
    from procurement import Kind, allowed_statuses

    sources = [
        {
            "id": f"s{i}",
            "published": draw(st.one_of(single_dates(WORLD_DAYS), intervals(WORLD_DAYS))),
        }
        for i in range(draw(st.integers(min_value=1, max_value=4)))
    ]
    source_ids = [s["id"] for s in sources]
    programmes = []
    events = []
    corrections = []
    for index in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(list(Kind)))
        ident = f"p{index}"
        programmes.append({"id": ident, "kind": kind.value})
        seen: set[tuple[str, str]] = set()
        for _ in range(draw(st.integers(min_value=0, max_value=5))):
            status = draw(st.sampled_from(allowed_statuses(kind))).value
            effective = draw(edtf_strings(WORLD_DAYS))
            if (status, effective) in seen:
                continue
            seen.add((status, effective))
            cited = draw(st.lists(st.sampled_from(source_ids), min_size=1, max_size=2, unique=True))
            events.append(
                {"programme": ident, "status": status, "effective": effective, "sources": cited}
            )
        own = [e for e in events if e["programme"] == ident]
        if own and draw(st.booleans()):
            target = draw(st.sampled_from(own))
            status = draw(st.sampled_from(allowed_statuses(kind))).value
            effective = draw(edtf_strings(WORLD_DAYS))
            if (status, effective) == (target["status"], target["effective"]):
                continue
            corrections.append(
                {
                    "programme": ident,
                    "supersedes": (target["status"], target["effective"]),
                    "status": status,
                    "effective": effective,
                    "sources": draw(
                        st.lists(st.sampled_from(source_ids), min_size=1, max_size=2, unique=True)
                    ),
                }
            )
    return {
        "sources": sources,
        "programmes": programmes,
        "events": events,
        "corrections": corrections,
    }


QUERY_DAYS = st.dates(min_value=dt.date(2024, 12, 1), max_value=dt.date(2025, 6, 1))
