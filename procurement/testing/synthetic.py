"""A deterministic synthetic world at SIPRI scale, for benchmarks and scale tests.

N programmes across ~150 countries and ~2,000 platforms, each with about ten status
events that follow its kind's lifecycle, dates of mixed precision (days, months, years,
intervals, open starts), one or two citing sources published after the event, and about
one correction in a hundred. The same seed gives the same world.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

import pycountry

from procurement.domain.events import EventRef, StatusEvent
from procurement.domain.lifecycle import INTERRUPTIONS, Kind, allowed_statuses
from procurement.domain.platforms import Category, Platform
from procurement.domain.programmes import Programme
from procurement.domain.sources import Citation, Source, SourceKind
from procurement.loading.batch import Batch, Entry, SourceDocument

__all__ = ["World", "synthetic_batches"]

_KINDS = [
    (Kind.ACQUISITION, 70),
    (Kind.LICENSED_PRODUCTION, 8),
    (Kind.LEASE, 5),
    (Kind.CO_PRODUCTION, 6),
    (Kind.CO_DEVELOPMENT, 3),
    (Kind.AGREEMENT, 5),
    (Kind.INITIATIVE, 3),
]
_EPOCH = dt.date(1990, 1, 1)


@dataclass(frozen=True)
class World:
    """The shape of a synthetic world."""

    programmes: int = 100_000
    events_per_programme: int = 10
    platforms: int = 2_000
    sources: int = 20_000
    seed: int = 20251125
    chunk: int = 10_000
    """Programmes per batch: the loader writes each batch in turn, in one transaction."""


def _day(rng: random.Random, start: dt.date, spread: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(spread))


def _date_text(rng: random.Random, day: dt.date) -> str:
    """A date at a random precision: mostly days and months, some years and intervals."""
    roll = rng.random()
    if roll < 0.5:
        return day.isoformat()
    if roll < 0.75:
        return f"{day.year:04d}-{day.month:02d}"
    if roll < 0.88:
        return f"{day.year:04d}" + ("?" if rng.random() < 0.2 else "")
    if roll < 0.97:
        end = day + dt.timedelta(days=rng.randrange(10, 120))
        return f"{day.isoformat()}/{end.isoformat()}"
    return f"../{day.isoformat()}"


def synthetic_batches(world: World = World()) -> Iterator[Batch]:
    """The world as batches: sources and platforms first, then programmes with their events."""
    rng = random.Random(world.seed)
    countries = sorted(c.alpha_2 for c in pycountry.countries)[:150]
    categories = list(Category)
    source_days = [_day(rng, _EPOCH, 35 * 365) for _ in range(world.sources)]
    by_day = sorted(range(world.sources), key=lambda i: source_days[i])
    sorted_days = [source_days[i] for i in by_day]

    first = Batch()
    for index in range(world.sources):
        day = source_days[index]
        published = (
            day.isoformat()
            if rng.random() < 0.8
            else f"{day.isoformat()}/{(day + dt.timedelta(days=6)).isoformat()}"
        )
        source = Source(
            id=f"source-{index}",
            kind=SourceKind.DATASET,
            title=f"Synthetic source {index}",
            published=published,
            sha256=f"{index:064x}",
        )
        first.sources.append(Entry(SourceDocument(source)))
    for index in range(world.platforms):
        first.platforms.append(
            Entry(
                Platform(
                    id=f"platform-{index}",
                    name=f"Platform {index}",
                    aliases=(f"PL-{index}",),
                    category=categories[index % len(categories)],
                    origin=countries[index % len(countries)],
                    reference="synthetic",
                )
            )
        )
    yield first

    import bisect

    kinds, weights = zip(*_KINDS, strict=True)
    for start in range(0, world.programmes, world.chunk):
        batch = Batch()
        for index in range(start, min(start + world.chunk, world.programmes)):
            kind = rng.choices(kinds, weights)[0]
            buyer, supplier = rng.sample(countries, 2)
            ident = f"programme-{index}"
            batch.programmes.append(
                Entry(
                    Programme(
                        id=ident,
                        title=f"Synthetic programme {index}",
                        kind=kind,
                        platform=f"platform-{rng.randrange(world.platforms)}",
                        buyer=buyer,
                        supplier=supplier,
                        quantity=rng.randrange(1, 200),
                    )
                )
            )
            forward = [s for s in allowed_statuses(kind) if s not in INTERRUPTIONS]
            count = min(len(forward), max(1, int(rng.gauss(world.events_per_programme, 1.5))))
            statuses = sorted(rng.sample(range(len(forward)), count))
            day = _day(rng, _EPOCH, 30 * 365)
            events = []
            for position in statuses:
                day += dt.timedelta(days=rng.randrange(20, 300))
                text = _date_text(rng, day)
                # Sources published on or after the event, as news is.
                low = bisect.bisect_left(sorted_days, day)
                cited = {
                    by_day[min(low + rng.randrange(40), world.sources - 1)]
                    for _ in range(rng.choice((1, 1, 2)))
                }
                event = StatusEvent(
                    programme=ident,
                    status=forward[position],
                    effective=text,
                    citations=tuple(
                        Citation(source=f"source-{i}", quote=f"claim {index}")
                        for i in sorted(cited)
                    ),
                )
                events.append(event)
                batch.events.append(Entry(event))
            if events and rng.random() < 0.1:
                target = rng.choice(events)
                moved = target.effective.sort_key()[1] + dt.timedelta(days=rng.randrange(1, 60))
                low = bisect.bisect_left(sorted_days, moved)
                cited_by = by_day[min(low + rng.randrange(40), world.sources - 1)]
                batch.events.append(
                    Entry(
                        StatusEvent(
                            programme=ident,
                            status=target.status,
                            effective=moved.isoformat(),
                            citations=(Citation(source=f"source-{cited_by}", quote="revised"),),
                            supersedes=EventRef(status=target.status, effective=target.effective),
                            reason="a later source corrects the date",
                        )
                    )
                )
        yield batch
