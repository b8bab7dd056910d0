"""A plain-Python model of the temporal queries, written from their definitions.

The property tests load random worlds into the store and check that the SQL answers equal
what this model computes from the same recorded facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from procurement import PartialDate, Status
from procurement.domain.lifecycle import rank


@dataclass(frozen=True)
class Event:
    id: int
    programme: str
    status: Status
    effective: PartialDate
    citations: tuple[tuple[str, str], ...]
    supersedes: int | None


@dataclass(frozen=True)
class Programme:
    id: str
    title: str
    kind: str
    platform: str | None
    buyer: str | None
    supplier: str | None
    quantity: int | None


@dataclass
class World:
    programmes: dict[str, Programme]
    events: list[Event]
    published: dict[str, dt.date]
    """Latest publication day of each source."""

    def known(self, event: Event, known_at: dt.date | None) -> bool:
        return known_at is None or any(self.published[s] <= known_at for s, _ in event.citations)

    def current(self, known_at: dt.date | None) -> list[Event]:
        return [
            e
            for e in self.events
            if self.known(e, known_at)
            and not any(f.supersedes == e.id and self.known(f, known_at) for f in self.events)
        ]

    @staticmethod
    def order(event: Event) -> tuple[dt.date, int, dt.date, int]:
        start, end, _ = event.effective.sort_key()
        return (start, rank(event.status), end, event.id)

    def _row(self, programme: Programme) -> dict[str, object]:
        return {
            "programme": programme.id,
            "title": programme.title,
            "kind": programme.kind,
            "platform": programme.platform,
        }

    def status(self, programme: str, as_of: dt.date, known_at: dt.date | None) -> dict[str, object]:
        candidates = [
            e
            for e in self.current(known_at)
            if e.programme == programme and e.effective.sort_key()[0] <= as_of
        ]
        p = self.programmes[programme]
        chosen = max(candidates, key=self.order) if candidates else None
        return {
            **self._row(p),
            "buyer": p.buyer,
            "supplier": p.supplier,
            "quantity": p.quantity,
            "status": chosen.status.value if chosen else None,
            "since": chosen.effective.edtf if chosen else None,
            "certain": bool(
                chosen and chosen.effective.latest is not None and chosen.effective.latest <= as_of
            ),
            "sources": sorted(
                {
                    s
                    for s, _ in (chosen.citations if chosen else ())
                    if known_at is None or self.published[s] <= known_at
                }
            ),
        }

    def snapshot(
        self, as_of: dt.date, known_at: dt.date | None, status: Status | None = None
    ) -> list[dict[str, object]]:
        rows = [self.status(p, as_of, known_at) for p in sorted(self.programmes)]
        return [
            r
            for r in rows
            if r["status"] is not None and (status is None or r["status"] == status.value)
        ]

    def history(self, known_at: dt.date | None) -> list[dict[str, object]]:
        current = self.current(known_at)
        previous: dict[int, Status | None] = {}
        for programme in self.programmes:
            last: Status | None = None
            for event in sorted((e for e in current if e.programme == programme), key=self.order):
                previous[event.id] = last
                last = event.status
        ordered = sorted(current, key=lambda e: (*self.order(e)[:3], e.programme, e.id))
        return [
            {
                **self._row(self.programmes[e.programme]),
                "from_status": previous[e.id].value if previous[e.id] else None,
                "to_status": e.status.value,
                "effective": e.effective.edtf,
                "citations": [
                    {"source": s, "quote": q}
                    for s, q in e.citations
                    if known_at is None or self.published[s] <= known_at
                ],
            }
            for e in ordered
        ]

    def changes(
        self, since: dt.date | None, until: dt.date | None, known_at: dt.date | None
    ) -> list[dict[str, object]]:
        out = []
        for row in self.history(known_at):
            effective = PartialDate(str(row["effective"]))
            start, end, _ = effective.sort_key()
            if row["from_status"] == row["to_status"]:
                continue
            if until is not None and start > until:
                continue
            if since is not None and (end < since or effective.earliest is None):
                continue
            out.append(row)
        return out

    def diff(
        self, a: dt.date, b: dt.date, known_at: dt.date | None
    ) -> list[tuple[str, object, object]]:
        out = []
        for programme in sorted(self.programmes):
            at_a, at_b = self.status(programme, a, known_at), self.status(programme, b, known_at)
            if at_a["status"] != at_b["status"]:
                out.append((programme, at_a["status"], at_b["status"]))
        return out
