"""The HTML report: one self-contained file (no network, no external CSS or scripts)."""

from __future__ import annotations

from html import escape

from procurement.queries.results import QuotedCitation, StatusChange
from procurement.reports.data import ReportData
from procurement.reports.timeline import STATUS_COLOURS, timeline

__all__ = ["page"]

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 75rem; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35rem 0.5rem; text-align: left;
         vertical-align: top; }
th { background: #f5f5f5; }
.status { display: inline-block; padding: 0 0.4rem; border-radius: 0.2rem; color: #fff;
          font-size: 0.85rem; }
.uncertain { opacity: 0.6; font-style: italic; }
blockquote { margin: 0.2rem 0 0.2rem 1rem; padding-left: 0.6rem; border-left: 3px solid #ccc;
             color: #444; font-size: 0.9rem; }
figure { margin: 1rem 0; overflow-x: auto; } figure svg { max-width: 100%; height: auto; }
.muted { color: #666; font-size: 0.9rem; }
"""


def _badge(status: object, certain: bool = True) -> str:
    from procurement.domain.lifecycle import Status

    if not isinstance(status, Status):
        return ""
    colour = STATUS_COLOURS[status]
    label = escape(status.value.replace("_", " "))
    extra = "" if certain else ' uncertain" title="the date may not have been reached yet'
    return f'<span class="status{extra}" style="background:{colour}">{label}</span>'


def _quote(citation: QuotedCitation) -> str:
    quote, source = escape(citation.quote.strip()), escape(citation.source)
    return f"<blockquote>“{quote}” <cite>{source}</cite></blockquote>"


def _quotes(change: StatusChange) -> str:
    return "".join(_quote(c) for c in change.citations)


def page(data: ReportData) -> str:
    """The report as one HTML document with the timeline chart inline as SVG."""
    svg = timeline(data, "svg").decode("utf-8")
    svg = svg[svg.index("<svg") :]
    knowledge = f"as known on {data.known_at.isoformat()}" if data.known_at else "from every source"
    rows = "".join(
        "<tr>"
        f"<td>{escape(r.title)}</td><td>{escape(r.kind.value.replace('_', ' '))}</td>"
        f"<td>{escape(r.platform or '')}</td><td>{r.quantity or ''}</td>"
        f"<td>{_badge(r.status, r.certain)}</td><td>{escape(str(r.since or ''))}</td>"
        f"<td>{escape(', '.join(r.sources))}</td></tr>"
        for r in data.ordered_snapshot
    )
    changes = (
        "".join(
            f"<li><strong>{escape(str(c.effective))}</strong> {escape(c.title)}: "
            f"{_badge(c.from_status) or '(none)'} → {_badge(c.to_status)}{_quotes(c)}</li>"
            for c in data.changes
        )
        or "<li>No change of status in this window.</li>"
    )
    conflicts = (
        "".join(
            f"<li><strong>{escape(c.title)}</strong>: {_badge(c.first.status)} "
            f"({escape(str(c.first.effective))}) vs {_badge(c.second.status)} "
            f"({escape(str(c.second.effective))}): {escape(c.explanation)}"
            + "".join(_quote(q) for side in (c.first, c.second) for q in side.citations)
            + "</li>"
            for c in data.conflicts
        )
        or "<li>No two sources disagree.</li>"
    )
    sources = "".join(
        f"<li><strong>{escape(s.id)}</strong>: {escape(s.title)}"
        + (
            f" ({escape(', '.join(x for x in (s.outlet, s.author) if x))})"
            if s.outlet or s.author
            else ""
        )
        + f", published {escape(str(s.published))}"
        + (f'<div class="muted">{escape(s.published_note)}</div>' if s.published_note else "")
        + "</li>"
        for s in data.cited_sources
    )
    start = data.since.isoformat() if data.since else "the first record"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Procurement briefing, {data.as_of.isoformat()}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>Procurement briefing: status as of {data.as_of.isoformat()}</h1>
<p class="muted">Answers {escape(knowledge)}. Hatched spans and faded badges mark statuses
whose date the source gives only roughly.</p>
<figure id="timeline">{svg}</figure>
<h2>Status as of {data.as_of.isoformat()}</h2>
<table><thead><tr><th>Programme</th><th>Kind</th><th>Platform</th><th>Quantity</th>
<th>Status</th><th>Since</th><th>Sources</th></tr></thead><tbody>{rows}</tbody></table>
<h2>Changes from {start} to {data.as_of.isoformat()}</h2>
<ul>{changes}</ul>
<h2>Open conflicts</h2>
<ul>{conflicts}</ul>
<h2>Sources</h2>
<ul>{sources}</ul>
</body>
</html>
"""
