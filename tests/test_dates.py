"""PartialDate: dates at the precision the news gives them, in EDTF."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from procurement import PartialDate, Precision
from tests.strategies import edtf_strings, intervals, single_dates

D = dt.date


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("2025-07-01", D(2025, 7, 1), D(2025, 7, 1), Precision.DAY),
        ("2025-02", D(2025, 2, 1), D(2025, 2, 28), Precision.MONTH),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), Precision.MONTH),
        ("2025", D(2025, 1, 1), D(2025, 12, 31), Precision.YEAR),
        ("2025-07/2025-12", D(2025, 7, 1), D(2025, 12, 31), Precision.INTERVAL),
        ("2025-10-31/2025-11-01", D(2025, 10, 31), D(2025, 11, 1), Precision.INTERVAL),
        ("../2025-07-01", None, D(2025, 7, 1), Precision.OPEN_START),
        ("2025-07-01/..", D(2025, 7, 1), None, Precision.OPEN_END),
        ("2019?", D(2019, 1, 1), D(2019, 12, 31), Precision.YEAR),
    ],
)
def test_bounds_follow_the_precision_of_the_text(
    text: str, earliest: D | None, latest: D | None, precision: Precision
) -> None:
    """Each form exposes inclusive bounds and says how precise it is."""
    value = PartialDate(text)
    assert (value.earliest, value.latest, value.precision) == (earliest, latest, precision)
    assert str(value) == text


def test_unknown_start_has_no_lower_bound_rather_than_a_guessed_decade() -> None:
    """'/2025-07-01' says nothing of its start; edtf would guess ten years earlier."""
    value = PartialDate("/2025-07-01")
    assert value.earliest is None
    assert value.latest == D(2025, 7, 1)


def test_a_question_mark_is_kept_as_uncertainty() -> None:
    """SIPRI's '?' becomes EDTF's uncertain qualifier, kept with the value."""
    assert PartialDate("2019?").qualifier == "?"
    assert PartialDate("2019").qualifier == ""


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "2025-13",
        "2025-02-30",
        "2025-7-1",
        "1/7/2025",
        "../..",
        "2025/2024",
        "2025-07-01T10:00",
        "0000",
        "-0100",
        "[2025,2026]",
        "2025/2026/2027",
    ],
)
def test_malformed_dates_are_rejected_with_the_offending_text(text: str) -> None:
    """A malformed date raises ValueError naming what was wrong."""
    with pytest.raises(ValueError, match=r".+"):
        PartialDate(text)


def test_dates_and_bare_years_are_accepted_as_input() -> None:
    """A datetime.date is a day; an int is a year (YAML reads 2025 as a number)."""
    assert PartialDate(D(2025, 7, 1)) == PartialDate("2025-07-01")
    assert PartialDate(2025) == PartialDate("2025")


def test_within_a_pydantic_model_it_validates_and_serialises_as_its_edtf_text() -> None:
    """Models take and give the EDTF string; errors name the field."""

    class Holder(BaseModel):
        when: PartialDate

    assert Holder(when="2025-02").model_dump(mode="json") == {"when": "2025-02"}
    assert Holder.model_validate_json('{"when": "../2025-07-01"}').when.earliest is None
    with pytest.raises(ValueError, match="when"):
        Holder(when="2025-02-30")


def test_values_are_immutable_and_hashable() -> None:
    """A PartialDate can key a dict and cannot be altered."""
    value = PartialDate("2025")
    assert {value: 1}[PartialDate("2025")] == 1
    with pytest.raises(AttributeError):
        value.edtf = "2026"  # type: ignore[misc]


def test_a_month_sorts_before_its_year_and_open_starts_sort_first() -> None:
    """Order is earliest bound, then latest bound, then text."""
    values = [PartialDate(t) for t in ["2025", "2025-02", "../2025-07-01", "2024", "2025-01"]]
    assert [str(v) for v in sorted(values)] == [
        "../2025-07-01",
        "2024",
        "2025-01",
        "2025",
        "2025-02",
    ]


@given(edtf_strings())
def test_parse_and_format_round_trip(text: str) -> None:
    """Formatting a parsed value gives back the text, and parsing that gives the value."""
    value = PartialDate(text)
    assert str(value) == text
    assert PartialDate(str(value)) == value


@given(edtf_strings())
def test_earliest_is_never_after_latest(text: str) -> None:
    """Bounds are ordered and the value contains its own bounds."""
    value = PartialDate(text)
    if value.earliest is not None and value.latest is not None:
        assert value.earliest <= value.latest
    for bound in (value.earliest, value.latest):
        if bound is not None:
            assert value.contains(bound)


@given(edtf_strings(), edtf_strings(), edtf_strings())
def test_ordering_is_total_and_consistent(a_text: str, b_text: str, c_text: str) -> None:
    """Exactly one of a<b, a==b, a>b holds; the order is transitive; disjoint values order
    by time."""
    a, b, c = PartialDate(a_text), PartialDate(b_text), PartialDate(c_text)
    assert [a < b, a == b, a > b].count(True) == 1
    assert (a <= b) == (a < b or a == b)
    if a <= b and b <= c:
        assert a <= c
    if a.latest is not None and b.earliest is not None and a.latest < b.earliest:
        assert a < b


@given(st.lists(edtf_strings(), max_size=8))
def test_sorting_is_deterministic(texts: list[str]) -> None:
    """Sorting any permutation gives the same sequence."""
    values = [PartialDate(t) for t in texts]
    assert sorted(values) == sorted(reversed(values))


def _edtf_bounds(text: str) -> tuple[D, D]:
    from edtf import parse_edtf

    parsed = parse_edtf(text)
    low, high = parsed.lower_strict(), parsed.upper_strict()
    return D(low.tm_year, low.tm_mon, low.tm_mday), D(high.tm_year, high.tm_mon, high.tm_mday)


@given(st.one_of(single_dates(), intervals()))
def test_bounds_agree_with_the_edtf_package_on_closed_values(text: str) -> None:
    """The calendar computes the same bounds as the edtf package's parser, for every form
    both accept (ours is the faster path; edtf is the reference)."""
    value = PartialDate(text)
    assert (value.earliest, value.latest) == _edtf_bounds(text)


def test_the_edtf_package_would_guess_a_decade_for_an_unknown_start() -> None:
    """Why open and unknown starts are ours: edtf invents a lower bound ten years back."""
    assert _edtf_bounds("/2025-07-01")[0] == D(2015, 7, 1)
    assert PartialDate("/2025-07-01").earliest is None
