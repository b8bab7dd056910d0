"""Read SIPRI's trade register export: one row per deal, as SIPRI writes it.

The file is ISO-8859-1 text: a preamble whose "Data generated:" line dates the release,
a header, then one CSV row per deal with 16 columns. Three unnamed columns hold "?" when
the value to their left is uncertain; delivery years are separated by "; ". Comments may
contain a line break that is not quoted, which splits a row over two lines: such rows are
joined back. A row that cannot be repaired is reported with its line number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from procurement.domain.base import NAME_LENGTH
from procurement.errors import InvalidData, Problem

__all__ = ["COLUMNS", "Register", "RegisterRow", "read_register"]

COLUMNS = (
    "Recipient",
    "Supplier",
    "Year of order",
    " ",
    "Number ordered",
    " ",
    "Weapon designation",
    "Weapon description",
    "Number delivered",
    " ",
    "Year(s) of delivery",
    "status",
    "Comments",
    "SIPRI TIV per unit",
    "SIPRI TIV for total order",
    "SIPRI TIV of delivered weapons",
)
_WIDTHS = {
    **dict.fromkeys((0, 1, 6, 7), NAME_LENGTH),
    **{10: 400, 11: 60},
    **dict.fromkeys((13, 14, 15), 40),
}
"""The longest value each column may hold (the columns of `sipri_deals`), by position."""
_GENERATED = re.compile(r"Data generated:\s*(\d{1,2} \w{3} \d{4})")


@dataclass(frozen=True)
class RegisterRow:
    """One deal as the register states it, with where it stands in the file."""

    line: int
    text: str
    recipient: str
    supplier: str
    order_year: int | None
    order_year_uncertain: bool
    number_ordered: int | None
    number_ordered_uncertain: bool
    designation: str
    description: str
    number_delivered: int | None
    number_delivered_uncertain: bool
    delivery_years: tuple[int, ...]
    status: str
    comments: str
    tiv_unit: str
    tiv_total: str
    tiv_delivered: str

    @property
    def complete(self) -> bool:
        """Everything ordered has been delivered."""
        return (
            self.number_ordered is not None
            and self.number_delivered is not None
            and self.number_delivered >= self.number_ordered
        )


@dataclass(frozen=True)
class Register:
    """A whole release: its date, its rows, and the rows that could not be read."""

    path: Path
    generated: dt.date | None
    rows: list[RegisterRow]
    bad_rows: list[Problem]
    data: bytes


def _int(text: str, line: int, column: str, problems: list[Problem], name: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        problems.append(
            Problem(
                f"{column} {text!r} is not a whole number",
                file=name,
                line=line,
                record=f"row at line {line}",
                field=column,
            )
        )
        return None


def _logical_rows(lines: list[str], start: int) -> Iterator[tuple[int, str, list[str]]]:
    """(first line number, raw text, fields), joining a row that a bare line break split."""
    index = start
    while index < len(lines):
        number = index + 1
        text = lines[index]
        index += 1
        if not text.strip():
            continue
        fields = next(csv.reader([text]))
        while len(fields) < len(COLUMNS) and index < len(lines) and lines[index].strip():
            joined = text + "\n" + lines[index]
            candidate = next(csv.reader(io.StringIO(joined.replace("\n", "\x00"))))
            if len(candidate) > len(COLUMNS):
                break
            text, index = joined, index + 1
            fields = [f.replace("\x00", "\n") for f in candidate]
        yield number, text, fields


def read_register(path: Path | str) -> Register:
    """Parse a trade register export; bad rows are collected, not raised."""
    path = Path(path)
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidData(Problem(f"cannot read the file: {error.strerror}", file=name)) from None
    text = data.decode("iso-8859-1")
    lines = text.replace("\r\n", "\n").split("\n")
    header_at = next(
        (i for i, line in enumerate(lines[:40]) if line.startswith("Recipient,Supplier,")), None
    )
    if header_at is None:
        raise InvalidData(
            Problem(
                "not a SIPRI trade register: no 'Recipient,Supplier,...' header in the first "
                "40 lines",
                file=name,
            )
        )
    header = next(csv.reader([lines[header_at]]))
    if tuple(header) != COLUMNS:
        raise InvalidData(
            Problem(
                f"unexpected columns {header}; expected SIPRI's 16", file=name, line=header_at + 1
            )
        )
    generated = None
    for line in lines[:header_at]:
        found = _GENERATED.search(line)
        if found:
            generated = dt.datetime.strptime(found.group(1), "%d %b %Y").date()
    rows: list[RegisterRow] = []
    bad: list[Problem] = []
    for number, raw, fields in _logical_rows(lines, header_at + 1):
        if len(fields) != len(COLUMNS):
            bad.append(
                Problem(
                    f"{len(fields)} fields instead of {len(COLUMNS)}",
                    file=name,
                    line=number,
                    record=f"row at line {number}",
                )
            )
            continue
        problems: list[Problem] = []
        recipient, supplier = fields[0].strip(), fields[1].strip()
        designation = fields[6].strip()
        for column, value in (
            ("Recipient", recipient),
            ("Supplier", supplier),
            ("Weapon designation", designation),
        ):
            if not value:
                problems.append(
                    Problem(
                        f"{column} is empty",
                        file=name,
                        line=number,
                        record=f"row at line {number}",
                        field=column,
                    )
                )
        for index, width in _WIDTHS.items():
            if len(fields[index].strip()) > width:
                problems.append(
                    Problem(
                        f"{COLUMNS[index]} is {len(fields[index].strip())} characters long; "
                        f"at most {width}",
                        file=name,
                        line=number,
                        record=f"row at line {number}",
                        field=COLUMNS[index],
                    )
                )
        order_year = _int(fields[2], number, "Year of order", problems, name)
        years: list[int] = []
        for part in fields[10].split(";"):
            year = _int(part, number, "Year(s) of delivery", problems, name)
            if year is not None:
                years.append(year)
        row = RegisterRow(
            line=number,
            text=raw,
            recipient=recipient,
            supplier=supplier,
            order_year=order_year,
            order_year_uncertain=fields[3].strip() == "?",
            number_ordered=_int(fields[4], number, "Number ordered", problems, name),
            number_ordered_uncertain=fields[5].strip() == "?",
            designation=designation,
            description=fields[7].strip(),
            number_delivered=_int(fields[8], number, "Number delivered", problems, name),
            number_delivered_uncertain=fields[9].strip() == "?",
            delivery_years=tuple(sorted(years)),
            status=fields[11].strip(),
            comments=fields[12].strip(),
            tiv_unit=fields[13].strip(),
            tiv_total=fields[14].strip(),
            tiv_delivered=fields[15].strip(),
        )
        if order_year is None and "Year of order" not in {p.field for p in problems}:
            problems.append(
                Problem(
                    "Year of order is empty",
                    file=name,
                    line=number,
                    record=f"row at line {number}",
                    field="Year of order",
                )
            )
        if problems:
            bad.extend(problems)
        else:
            rows.append(row)
    return Register(path=path, generated=generated, rows=rows, bad_rows=bad, data=data)
