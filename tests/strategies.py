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
