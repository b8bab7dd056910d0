"""Reports for people: a Markdown briefing, a self-contained HTML page with a timeline
chart, and the chart alone as SVG or PNG. Each is a string or bytes, or written to a file.

    from procurement import Tracker, reports
    with Tracker.open() as tracker:
        reports.write(tracker, "report.html", as_of="2025-12-31")
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from procurement.errors import InvalidArgument
from procurement.reports.briefing import briefing
from procurement.reports.data import ReportData, gather
from procurement.reports.page import page
from procurement.reports.timeline import MissingPlotting, timeline
from procurement.tracker import Tracker

__all__ = [
    "FORMATS",
    "MissingPlotting",
    "ReportData",
    "gather",
    "html",
    "markdown",
    "png",
    "svg",
    "write",
]

FORMATS = (".md", ".html", ".svg", ".png")

DateLike = dt.date | str


def markdown(
    tracker: Tracker,
    *,
    as_of: DateLike,
    known_at: DateLike | None = None,
    since: DateLike | None = None,
) -> str:
    """The briefing as Markdown."""
    return briefing(gather(tracker, as_of=as_of, known_at=known_at, since=since))


def html(
    tracker: Tracker,
    *,
    as_of: DateLike,
    known_at: DateLike | None = None,
    since: DateLike | None = None,
) -> str:
    """The briefing as one self-contained HTML page with the timeline chart."""
    return page(gather(tracker, as_of=as_of, known_at=known_at, since=since))


def svg(tracker: Tracker, *, as_of: DateLike, known_at: DateLike | None = None) -> str:
    """The timeline chart as SVG text."""
    data = gather(tracker, as_of=as_of, known_at=known_at)
    return timeline(data, "svg").decode("utf-8")


def png(tracker: Tracker, *, as_of: DateLike, known_at: DateLike | None = None) -> bytes:
    """The timeline chart as PNG bytes."""
    return timeline(gather(tracker, as_of=as_of, known_at=known_at), "png")


def write(
    tracker: Tracker,
    out: str | Path,
    *,
    as_of: DateLike,
    known_at: DateLike | None = None,
    since: DateLike | None = None,
) -> Path:
    """Write the report named by `out`'s suffix (.md, .html, .svg or .png); return the path.

    The file is written only once the report is complete.
    """
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidArgument(f"--out: {path.name!r} must end in one of {', '.join(FORMATS)}")
    data = gather(tracker, as_of=as_of, known_at=known_at, since=since)
    content: bytes
    if suffix == ".md":
        content = briefing(data).encode("utf-8")
    elif suffix == ".html":
        content = page(data).encode("utf-8")
    else:
        content = timeline(data, "svg" if suffix == ".svg" else "png")
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(content)
    partial.replace(path)
    return path
