"""Write programmes in SIPRI's trade-register layout, so that SIPRI's own tooling can read
the tracker's data.

A programme imported from SIPRI is written back from the fields its latest release gave,
so import -> export -> import changes nothing. Any other transfer (an acquisition, lease,
licensed production, co-production or co-development; agreements and initiatives are not
transfers and are left out) is written from what the tracker knows: its parties, its
platform, its quantity, and the year of its first contracted, signed or agreed status
(else of its first status), with "?" where that year is uncertain. Claims a correction
replaced are left out: the export states what the tracker holds now.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from procurement.domain.dates import PartialDate
from procurement.domain.lifecycle import Kind, Status
from procurement.sipri.parties import sipri_name
from procurement.sipri.register import COLUMNS
from procurement.store.schema import (
    EventRow,
    PlatformRow,
    ProgrammeRow,
    SipriDealRow,
    SourceRow,
)
from procurement.store.sql import binary
from procurement.tracker import Tracker

__all__ = ["export_sipri", "sipri_text"]

_PREAMBLE = [
    "Transfers of major conventional arms, written by procurement in the layout of the SIPRI "
    "trade register",
    "A '?' in a column indicates uncertain data.",
    "Rows imported from SIPRI are written as the latest imported release states them; other "
    "rows come from the tracker's own records.",
    "An empty field for 'Number ordered' indicates that data is not yet available.",
    "SIPRI trend-indicator values (TIVs) are in millions; they are empty for rows that do "
    "not come from SIPRI.",
    "Figures may not add up to stated totals due to the conventions of rounding.",
    "",
    "",
    "",
    "Source: SIPRI Arms Transfers Database (c) SIPRI, and the sources recorded in procurement.",
]
_FIRST = (Status.CONTRACTED, Status.SIGNED, Status.AGREED)


def _party(code: str | None, name: str | None) -> str:
    if code is not None:
        return sipri_name(code)
    return name or "unknown"


def _own_row(programme: ProgrammeRow, platform: PlatformRow | None, events: list[Any]) -> list[str]:
    dated = [e for e in events if Status(e.status) in _FIRST] or events
    first = min(dated, key=lambda e: (e.sort_start, e.rank, e.id)) if dated else None
    year, uncertain = "", ""
    if first is not None:
        when = PartialDate(first.effective)
        day = when.earliest or when.latest
        if day is not None:
            year = str(day.year)
            one_year = when.earliest and when.latest and when.earliest.year == when.latest.year
            uncertain = "" if one_year and not when.qualifier else "?"
    delivered = [PartialDate(e.effective).earliest for e in events if e.status == "delivering"]
    deliveries = sorted({day.year for day in delivered if day is not None})
    return [
        _party(programme.buyer, programme.buyer_party),
        _party(programme.supplier, programme.supplier_party),
        year,
        uncertain,
        str(programme.quantity or ""),
        "",
        platform.name if platform else programme.title,
        (platform.role or "") if platform else "",
        "",
        "",
        "; ".join(str(y) for y in deliveries),
        "New",
        programme.notes or programme.title,
        "",
        "",
        "",
    ]


def _sipri_row(deal: SipriDealRow) -> list[str]:
    return [
        deal.recipient,
        deal.supplier,
        str(deal.order_year),
        "?" if deal.order_year_uncertain else "",
        "" if deal.number_ordered is None else str(deal.number_ordered),
        "?" if deal.number_ordered_uncertain else "",
        deal.designation,
        deal.description,
        "" if deal.number_delivered is None else str(deal.number_delivered),
        "?" if deal.number_delivered_uncertain else "",
        deal.delivery_years,
        deal.status,
        deal.comments,
        deal.tiv_unit,
        deal.tiv_total,
        deal.tiv_delivered,
    ]


def sipri_text(tracker: Tracker, *, generated: dt.date | None = None) -> str:
    """Every programme as a trade register (the text, with SIPRI's 11-line preamble)."""
    with Session(tracker.engine) as session:
        deals = {d.programme_id: d for d in session.scalars(select(SipriDealRow))}
        if generated is None:
            released = session.scalars(
                select(SourceRow.published_latest).where(
                    SourceRow.id.in_(select(SipriDealRow.source_id))
                )
            ).all()
            generated = max(released, default=dt.date.today())
        platforms = {p.id: p for p in session.scalars(select(PlatformRow))}
        events: dict[str, list[Any]] = {}
        own = select(ProgrammeRow.id).where(
            ProgrammeRow.id.not_in(select(SipriDealRow.programme_id))
        )
        current = select(EventRow).where(
            EventRow.programme_id.in_(own), EventRow.superseded_from.is_(None)
        )
        for event in session.scalars(current):
            events.setdefault(event.programme_id, []).append(event)
        buffer = io.StringIO()
        for line in _PREAMBLE:
            buffer.write(line + "\n")
        buffer.write(f"Data generated: {generated.day} {generated.strftime('%b %Y')} 12:00:00 AM\n")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        transfers = select(ProgrammeRow).where(
            ProgrammeRow.kind.not_in([Kind.AGREEMENT.value, Kind.INITIATIVE.value])
        )
        for programme in session.scalars(transfers.order_by(binary(ProgrammeRow.id))):
            deal = deals.get(programme.id)
            if deal is not None:
                writer.writerow(_sipri_row(deal))
            else:
                platform = platforms.get(programme.platform_id) if programme.platform_id else None
                writer.writerow(_own_row(programme, platform, events.get(programme.id, [])))
        return buffer.getvalue()


def export_sipri(tracker: Tracker, out: Path | str, *, generated: dt.date | None = None) -> Path:
    """Write every programme to `out` as an ISO-8859-1 trade register, as SIPRI does.

    Characters that ISO-8859-1 cannot hold are replaced by '?'.
    """
    path = Path(out)
    text = sipri_text(tracker, generated=generated)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(text.encode("iso-8859-1", errors="replace"))
    partial.replace(path)
    return path
