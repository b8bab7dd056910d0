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
