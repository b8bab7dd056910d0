"""The timeline chart: one lane per programme, coloured by status, uncertain spans hatched.

Drawn with matplotlib (the `plots` extra), imported only when a chart is asked for.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from typing import TYPE_CHECKING, Any, Literal

from procurement.domain.lifecycle import Status
from procurement.errors import ProcurementError
from procurement.reports.data import ReportData

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["STATUS_COLOURS", "MissingPlotting", "figure", "timeline"]

STATUS_COLOURS: dict[Status, str] = {
    Status.PROPOSED: "#bdbdbd",
    Status.ANNOUNCED: "#9ecae1",
    Status.PLANNED: "#4292c6",
    Status.REQUESTED: "#c6dbef",
    Status.NEGOTIATING: "#fdae6b",
    Status.APPROVED: "#fd8d3c",
    Status.AGREED: "#e6550d",
    Status.CONTRACTED: "#c7e9c0",
    Status.SIGNED: "#31a354",
    Status.IN_PRODUCTION: "#a1d99b",
    Status.DELIVERING: "#74c476",
    Status.IN_SERVICE: "#006d2c",
    Status.IN_FORCE: "#756bb1",
    Status.COMPLETED: "#636363",
    Status.RETIRED: "#969696",
    Status.EXPIRED: "#d9d9d9",
    Status.STALLED: "#fb6a4a",
    Status.CANCELLED: "#a50f15",
}


class MissingPlotting(ProcurementError):
    """Charts need matplotlib: pip install 'procurement[plots]'."""


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise MissingPlotting(
            "the timeline chart needs matplotlib: pip install 'procurement[plots]'"
        ) from None
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "procurement"
    matplotlib.rcParams["svg.fonttype"] = "none"
    import matplotlib.pyplot as plt

    return plt


def figure(data: ReportData) -> Figure:
    """The chart as a matplotlib figure."""
    plt = _pyplot()
    from matplotlib import dates
    from matplotlib.patches import Patch

    mdates: Any = dates  # partly untyped upstream

    lanes: dict[str, list[Any]] = defaultdict(list)
    titles: dict[str, str] = {}
    for change in data.history:
        lanes[change.programme].append(change)
        titles[change.programme] = change.title
    known = [c.effective.earliest for c in data.history if c.effective.earliest is not None]
    low = min([*known, data.as_of - dt.timedelta(days=365)]) - dt.timedelta(days=20)
    high = data.as_of
    first = ("agreement", "initiative")
    order = sorted(
        lanes,
        key=lambda p: (
            lanes[p][0].kind.value not in first,
            lanes[p][0].kind.value,
            lanes[p][0].effective.sort_key(),
            p,
        ),
    )

    fig: Figure
    fig, ax = plt.subplots(figsize=(12, 1.2 + 0.42 * max(len(order), 1)), layout="constrained")
    for row, programme in enumerate(order):
        steps = lanes[programme]
        group = []
        for index, step in enumerate(steps):
            start = step.effective.earliest or low
            end = min(step.effective.latest or high, high)
            following = steps[index + 1].effective.earliest if index + 1 < len(steps) else None
            stop = min(following or high, high)
            colour = STATUS_COLOURS[step.to_status]
            if end > start:
                group.append(
                    ax.barh(
                        row,
                        mdates.date2num(end) - mdates.date2num(start),
                        left=mdates.date2num(start),
                        height=0.6,
                        color=colour,
                        alpha=0.35,
                        hatch="///",
                        edgecolor=colour,
                        linewidth=0,
                    )
                )
            if stop > end:
                group.append(
                    ax.barh(
                        row,
                        mdates.date2num(stop) - mdates.date2num(end),
                        left=mdates.date2num(end),
                        height=0.6,
                        color=colour,
                    )
                )
        patches = [patch for container in group for patch in container]
        for index, patch in enumerate(patches):
            patch.set_gid(f"lane-{programme}--{index}")
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([_short(titles[p]) for p in order], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(mdates.date2num(low), mdates.date2num(high + dt.timedelta(days=10)))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator())
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.axvline(mdates.date2num(data.as_of), color="black", linewidth=1)
    title = f"Programme status over time, as of {data.as_of.isoformat()}"
    if data.known_at is not None:
        ax.axvline(mdates.date2num(data.known_at), color="grey", linewidth=1, linestyle="--")
        title += f", as known on {data.known_at.isoformat()}"
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", color="#eeeeee")
    shown = sorted({c.to_status for c in data.history}, key=list(Status).index)
    handles = [Patch(color=STATUS_COLOURS[s], label=s.value.replace("_", " ")) for s in shown]
    handles.append(Patch(facecolor="white", edgecolor="grey", hatch="///", label="date uncertain"))
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False
    )
    return fig


def _short(title: str, limit: int = 48) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def timeline(data: ReportData, format: Literal["svg", "png"] = "svg") -> bytes:
    """The chart as SVG or PNG bytes."""
    plt = _pyplot()
    fig = figure(data)
    buffer = io.BytesIO()
    metadata = {"Date": None} if format == "svg" else {"Software": "procurement"}
    fig.savefig(buffer, format=format, metadata=metadata, dpi=150)
    plt.close(fig)
    return buffer.getvalue()
