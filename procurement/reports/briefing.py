"""The Markdown briefing: the snapshot, the changes with their quotes, the open conflicts."""

from __future__ import annotations

from collections.abc import Sequence

from procurement.queries.results import Conflict, ProgrammeStatus, StatusChange
from procurement.reports.data import ReportData

__all__ = ["briefing", "markdown_table"]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = [
        "| " + " | ".join(_cell(h) for h in headers) + " |",
        "| " + " | ".join("---" for _ in headers) + " |",
    ]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _status_value(row: ProgrammeStatus) -> str:
    status = row.status.value.replace("_", " ") if row.status else ""
    return status if row.certain else f"{status} (uncertain)"


def _window(data: ReportData) -> str:
    start = data.since.isoformat() if data.since else "the first record"
    return f"from {start} to {data.as_of.isoformat()}"


def _change(change: StatusChange) -> list[str]:
    before = change.from_status.value.replace("_", " ") if change.from_status else "(none)"
    lines = [
        f"- **{change.effective}**, {change.title}: {before} → "
        f"**{change.to_status.value.replace('_', ' ')}**"
    ]
    lines += [f"  > “{c.quote.strip()}” — {c.source}" for c in change.citations]
    return lines


def _conflict(conflict: Conflict) -> list[str]:
    first, second = conflict.first, conflict.second
    lines = [
        f"- **{conflict.title}**: {first.status.value} ({first.effective}) vs "
        f"{second.status.value} ({second.effective}): {conflict.explanation}"
    ]
    for side in (first, second):
        lines += [f"  > “{c.quote.strip()}” — {c.source}" for c in side.citations]
    return lines


def briefing(data: ReportData) -> str:
    """The whole briefing as Markdown."""
    knowledge = (
        f"as known on {data.known_at.isoformat()} (sources published by then)"
        if data.known_at
        else "from every recorded source"
    )
    parts = [
        f"# Procurement briefing: status as of {data.as_of.isoformat()}",
        "",
        f"Answers {knowledge}. A status marked *uncertain* rests on a date the source gives "
        "only roughly, which may not have been reached yet.",
        "",
        f"## Status as of {data.as_of.isoformat()}",
        "",
        markdown_table(
            ["Programme", "Kind", "Platform", "Quantity", "Status", "Since", "Sources"],
            [
                [
                    row.title,
                    row.kind.value.replace("_", " "),
                    row.platform,
                    row.quantity,
                    _status_value(row),
                    row.since,
                    ", ".join(row.sources),
                ]
                for row in data.ordered_snapshot
            ],
        )
        if data.snapshot
        else "No programme has a known status on this date.",
        "",
        f"## Changes {_window(data)}",
        "",
    ]
    changes = [line for change in data.changes for line in _change(change)]
    parts += changes or ["No change of status in this window."]
    parts += ["", "## Open conflicts", ""]
    conflicts = [line for conflict in data.conflicts for line in _conflict(conflict)]
    parts += conflicts or ["No two sources disagree."]
    parts += ["", "## Sources", ""]
    for source in data.cited_sources:
        by = ", ".join(x for x in (source.outlet, source.author) if x)
        parts.append(
            f"- **{source.id}**: {source.title}"
            + (f" ({by})" if by else "")
            + f", published {source.published}"
        )
    return "\n".join(parts) + "\n"
