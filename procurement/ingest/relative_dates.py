"""Dates in a sentence, resolved against the article's publication date.

News writes "on Tuesday", "later this year", "in February 2025", "On 1 July" or
"today". Each is resolved to a PartialDate at the precision the words support, relative
to when the article was published (the latest day of its publication window, since the
text was written by then), with a note saying how. Rules:

- "today": the publication date, with its precision;
- "yesterday": the day before; "on <weekday>": the last such day before publication;
- "<day> <month> [<year>]" / "<month> <day>[, <year>]": that day (the publication year
  when none is given; the year before if that would be after publication);
- "<month> <year>" / "in <month>": that month; "in <year>": that year;
- "earlier this year": from the start of the year to publication; "later this year":
  from publication to the end of the year; "this year": the year; "next year", "last
  year": that year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from procurement.domain.dates import PartialDate

__all__ = ["Resolved", "resolve"]

_MONTHS: Final = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAYS: Final = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"


@dataclass(frozen=True)
class Resolved:
    """A date found in a sentence: the words, the PartialDate, and how it was resolved."""

    words: str
    date: PartialDate
    note: str


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve(sentence: str, published: PartialDate) -> list[Resolved]:
    """Every date the sentence states, in the order they appear."""
    assert published.latest is not None
    now = published.latest
    year = now.year
    found: list[tuple[int, Resolved]] = []
    lower = sentence.lower()

    def add(match: re.Match[str], date: PartialDate, note: str) -> None:
        found.append((match.start(), Resolved(match.group(0).strip(), date, note)))

    taken: list[tuple[int, int]] = []

    def free(match: re.Match[str]) -> bool:
        span = match.span()
        if any(a < span[1] and span[0] < b for a, b in taken):
            return False
        taken.append(span)
        return True

    for m in re.finditer(rf"\b(?P<day>\d{{1,2}}) {_MONTH},? (?P<year>\d{{4}})\b", lower):
        when = _day(int(m["year"]), _MONTHS[m["month"]], int(m["day"]))
        if when and free(m):
            add(m, PartialDate(when), "a date in full")
    for m in re.finditer(rf"\b{_MONTH} (?P<day>\d{{1,2}}),? (?P<year>\d{{4}})\b", lower):
        when = _day(int(m["year"]), _MONTHS[m["month"]], int(m["day"]))
        if when and free(m):
            add(m, PartialDate(when), "a date in full")
    for pattern in (rf"\b(?P<day>\d{{1,2}}) {_MONTH}\b", rf"\b{_MONTH} (?P<day>\d{{1,2}})\b"):
        for m in re.finditer(pattern, lower):
            when = _day(year, _MONTHS[m["month"]], int(m["day"]))
            if when and when > now:
                when = _day(year - 1, _MONTHS[m["month"]], int(m["day"]))
            if when and free(m):
                add(m, PartialDate(when), f"day and month; the year of publication ({when.year})")
    for m in re.finditer(rf"\b{_MONTH},? (?P<year>\d{{4}})\b", lower):
        if free(m):
            add(m, PartialDate(f"{int(m['year']):04d}-{_MONTHS[m['month']]:02d}"), "month and year")
    for m in re.finditer(r"\btoday\b", lower):
        if free(m):
            add(m, published, "'today': the publication date, at its precision")
    for m in re.finditer(r"\byesterday\b", lower):
        if free(m):
            add(
                m,
                PartialDate(now - dt.timedelta(days=1)),
                "'yesterday': the day before publication",
            )
    for m in re.finditer(r"\bon (?P<weekday>" + "|".join(_WEEKDAYS) + r")\b", lower):
        back = (now.weekday() - _WEEKDAYS.index(m["weekday"])) % 7 or 7
        when = now - dt.timedelta(days=back)
        if free(m):
            add(
                m,
                PartialDate(when),
                f"'{m.group(0)}': the last {m['weekday'].title()} before publication",
            )
    for m in re.finditer(r"\bearlier this year\b", lower):
        if free(m):
            add(
                m,
                PartialDate(f"{year:04d}/{now.isoformat()}"),
                "'earlier this year': from January to publication",
            )
    for m in re.finditer(r"\blater this year\b", lower):
        if free(m):
            start = f"{now.year:04d}-{now.month:02d}"
            add(
                m,
                PartialDate(f"{start}/{year:04d}-12"),
                "'later this year': from publication to December",
            )
    for m in re.finditer(r"\bthis year\b", lower):
        if free(m):
            add(m, PartialDate(f"{year:04d}"), "'this year': the year of publication")
    for m in re.finditer(r"\bnext year\b", lower):
        if free(m):
            add(m, PartialDate(f"{year + 1:04d}"), "'next year'")
    for m in re.finditer(r"\blast year\b", lower):
        if free(m):
            add(m, PartialDate(f"{year - 1:04d}"), "'last year'")
    for m in re.finditer(rf"\bin {_MONTH}\b(?! \d)", lower):
        month = _MONTHS[m["month"]]
        when_year = year if month <= now.month else year - 1
        if free(m):
            add(
                m,
                PartialDate(f"{when_year:04d}-{month:02d}"),
                "a month; the latest one by publication",
            )
    for m in re.finditer(r"\b(?:in|since|by|from) (?P<year>(?:19|20)\d{2})\b(?![-/]\d)", lower):
        if free(m):
            add(m, PartialDate(m["year"]), "a year")
    return [resolved for _, resolved in sorted(found, key=lambda pair: pair[0])]
