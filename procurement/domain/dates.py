"""Dates as the news gives them: a day, a month, a year, an interval, or "by then".

`PartialDate` keeps the Library of Congress EDTF string (ISO 8601-2) as its written form and
exposes the inclusive bounds `earliest` and `latest` that queries compare against.

The accepted forms are a subset of EDTF levels 0 and 1: a day, month or year with an
optional qualifier, and intervals of those with open (`..`) or unknown (empty) sides. The
bounds of a side are computed with the calendar rather than by the `edtf` package: its
pyparsing grammar costs about ten milliseconds per distinct string, which dominates the
import of a dataset with thousands of dates, and for these forms the results are the same
(the test suite checks ours against `edtf` on generated values). Open and unknown sides
are handled here in any case, because `edtf` guesses a ten-year span for `/2025-07-01`
where the honest answer is "no lower bound".
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from enum import StrEnum
from typing import Any, Final

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

__all__ = ["PartialDate", "Precision"]

_SIDE: Final = re.compile(r"^(?P<date>\d{4}(?:-\d{2}(?:-\d{2})?)?)(?P<qualifier>[?~%])?$")
_OPEN: Final = ".."
_UNKNOWN: Final = ""


class Precision(StrEnum):
    """How much of a date the source pinned down."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    INTERVAL = "interval"
    OPEN_START = "open_start"
    OPEN_END = "open_end"


@functools.lru_cache(maxsize=65536)
def _side(text: str) -> tuple[dt.date, dt.date, Precision, str]:
    """Bounds, precision and qualifier of one closed side such as `2025-07` or `2025?`."""
    match = _SIDE.match(text)
    if match is None:
        raise ValueError(
            f"{text!r} is not a supported EDTF date: use YYYY, YYYY-MM or YYYY-MM-DD, "
            "optionally followed by ? (uncertain), ~ (approximate) or % (both)"
        )
    parts = [int(p) for p in match["date"].split("-")]
    year = parts[0]
    if year == 0:
        raise ValueError(f"{text!r}: year 0000 is outside the supported range 0001-9999")
    try:
        if len(parts) == 1:
            low, high, precision = dt.date(year, 1, 1), dt.date(year, 12, 31), Precision.YEAR
        elif len(parts) == 2:
            last = calendar.monthrange(year, parts[1])[1] if 1 <= parts[1] <= 12 else 0
            low, high = dt.date(year, parts[1], 1), dt.date(year, parts[1], last)
            precision = Precision.MONTH
        else:
            low = high = dt.date(year, parts[1], parts[2])
            precision = Precision.DAY
    except ValueError:
        raise ValueError(f"{text!r} is not a valid calendar date") from None
    return low, high, precision, match["qualifier"] or ""


class PartialDate:
    """A date at the precision a source supports, written in EDTF.

    Forms: `2025-07-01` (day), `2025-02` (month), `2025` (year), each optionally qualified
    with `?`, `~` or `%`; `2025-07/2025-12` (interval); `../2025-07-01` (open start: by
    then at the latest); `/2025-07-01` (unknown start); `2025-07-01/..` (open end).
    Values order by (earliest, latest, text), with open bounds at the extremes.
    """

    __slots__ = ("earliest", "edtf", "latest", "precision", "qualifier")

    edtf: str
    earliest: dt.date | None
    latest: dt.date | None
    precision: Precision
    qualifier: str

    def __init__(self, value: str | dt.date | int | PartialDate) -> None:
        parsed = PartialDate.parse(value)
        for name in self.__slots__:
            object.__setattr__(self, name, getattr(parsed, name))

    @classmethod
    def parse(cls, value: str | dt.date | int | PartialDate) -> PartialDate:
        """Parse an EDTF string (or a `date`, or a bare year) into a `PartialDate`."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            raise ValueError("a PartialDate takes a date, not a datetime")
        if isinstance(value, dt.date):
            return _parse_text(value.isoformat())
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a date")
        if isinstance(value, int):
            return _parse_text(f"{value:04d}")
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not an EDTF date string")
        return _parse_text(value.strip())

    @staticmethod
    @functools.lru_cache(maxsize=65536)
    def cached(text: str) -> PartialDate:
        """Parse EDTF text that is known to be clean (as stored), memoised: a hit costs one
        C-level cache lookup, which matters when a query returns 100,000 dates."""
        return _parse_text(text)

    @classmethod
    def _make(
        cls,
        edtf: str,
        earliest: dt.date | None,
        latest: dt.date | None,
        precision: Precision,
        qualifier: str,
    ) -> PartialDate:
        obj = object.__new__(cls)
        object.__setattr__(obj, "edtf", edtf)
        object.__setattr__(obj, "earliest", earliest)
        object.__setattr__(obj, "latest", latest)
        object.__setattr__(obj, "precision", precision)
        object.__setattr__(obj, "qualifier", qualifier)
        return obj

    @classmethod
    def from_bounds(cls, earliest: dt.date | None, latest: dt.date | None) -> PartialDate:
        """The tightest EDTF value for the inclusive bounds (a day when they are equal)."""
        if earliest is None and latest is None:
            raise ValueError("a PartialDate needs at least one bound")
        if earliest is None:
            assert latest is not None
            return _parse_text(f"../{latest.isoformat()}")
        if latest is None:
            return _parse_text(f"{earliest.isoformat()}/..")
        if earliest == latest:
            return _parse_text(earliest.isoformat())
        return _parse_text(f"{earliest.isoformat()}/{latest.isoformat()}")

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("PartialDate is immutable")

    @property
    def is_exact(self) -> bool:
        """True when the value names a single day with no qualifier."""
        return self.precision is Precision.DAY and not self.qualifier

    def contains(self, day: dt.date) -> bool:
        """True when `day` lies within the inclusive bounds."""
        return (self.earliest is None or self.earliest <= day) and (
            self.latest is None or day <= self.latest
        )

    def sort_key(self) -> tuple[dt.date, dt.date, str]:
        """The total order: earliest bound, then latest bound, then the text."""
        return (self.earliest or dt.date.min, self.latest or dt.date.max, self.edtf)

    def __str__(self) -> str:
        return self.edtf

    def __repr__(self) -> str:
        return f"PartialDate({self.edtf!r})"

    def __hash__(self) -> int:
        return hash(self.edtf)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PartialDate):
            return self.edtf == other.edtf
        return NotImplemented

    def __lt__(self, other: PartialDate) -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: PartialDate) -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: PartialDate) -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: PartialDate) -> bool:
        return self.sort_key() >= other.sort_key()

    def __reduce__(self) -> tuple[Any, ...]:
        return (PartialDate, (self.edtf,))

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="always"),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "edtf", "examples": ["2025-07-01", "../2025-07-01"]}


@functools.lru_cache(maxsize=65536)
def _parse_text(text: str) -> PartialDate:
    if not text:
        raise ValueError("an empty string is not a date")
    if "/" not in text:
        low, high, precision, qualifier = _side(text)
        return PartialDate._make(text, low, high, precision, qualifier)
    if text.count("/") != 1:
        raise ValueError(f"{text!r}: an interval has exactly one '/'")
    start, end = text.split("/")
    if start in (_OPEN, _UNKNOWN) and end in (_OPEN, _UNKNOWN):
        raise ValueError(f"{text!r}: an interval needs at least one known side")
    earliest = None if start in (_OPEN, _UNKNOWN) else _side(start)[0]
    latest = None if end in (_OPEN, _UNKNOWN) else _side(end)[1]
    if earliest is not None and latest is not None and earliest > latest:
        raise ValueError(f"{text!r}: the interval ends before it starts")
    if earliest is None:
        precision = Precision.OPEN_START
    elif latest is None:
        precision = Precision.OPEN_END
    else:
        precision = Precision.INTERVAL
    return PartialDate._make(text, earliest, latest, precision, "")
