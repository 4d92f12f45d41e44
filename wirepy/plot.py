"""Plots of the statistics, through pandas and matplotlib (the optional
extra ``wirepy[plot]``): the I/O graph of an :class:`~wirepy.stats.IOStatistics`
and the bar chart of a conversation or endpoint table, one call each::

    import wirepy.plot, wirepy.stats

    results = wirepy.stats.compute("capture.pcapng", ["io,stat,1,tcp,udp", "conv,tcp"])
    ax = wirepy.plot.io_graph(results["io,stat,1,tcp,udp"])   # a matplotlib Axes
    wirepy.plot.conversations(results["conv,tcp"], top=10)
    wirepy.plot.save(ax, "io.png")

Each function draws on the Axes it is given (``ax=``) or on a new figure,
and returns the Axes; the data plotted are the statistic's own rows
(:meth:`~wirepy.stats.Statistic.to_dataframe`), nothing recomputed.
"""

from __future__ import annotations

import os
from typing import Any, List, Optional, Sequence, Union

from .errors import WirepyError

__all__ = ["PlotError", "io_graph", "conversations", "save", "io_graph_png"]


class PlotError(WirepyError, ValueError):
    """Nothing to plot: matplotlib is missing, or the statistic has no
    columns of that name."""


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise PlotError("plotting needs matplotlib: pip install 'wirepy[plot]'") from None
    if "matplotlib.pyplot" not in __import__("sys").modules:
        matplotlib.use("Agg")       # no display needed; an interactive session picks its own
    import matplotlib.pyplot as plt
    return plt


def _axes(ax):
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(figsize=(10, 4.5))
    return ax


def io_graph(stat: Any, ax: Any = None, columns: Optional[Sequence[str]] = None,
             title: Optional[str] = None) -> Any:
    """Draw the I/O graph of *stat* (a :class:`~wirepy.stats.IOStatistics`
    after its read): one line per column, the value of each interval at
    the interval's start (seconds since the first frame), as Wireshark's
    I/O Graphs draws them.

    :param columns: the columns of its DataFrame to draw (by default the
        frame counts and computed values, not the byte counts, which a
        second scale would need: ask for them by name).
    :returns: the matplotlib Axes.
    """
    frame = stat.to_dataframe()
    names: List[str] = list(columns) if columns else [
        c for c in frame.columns if c not in ("start", "end") and not c.endswith("bytes")]
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise PlotError(f"{stat.spec or 'the statistic'} has no column "
                        f"{', '.join(map(repr, missing))}; it has: "
                        f"{', '.join(c for c in frame.columns if c not in ('start', 'end'))}")
    ax = _axes(ax)
    for name in names:
        ax.plot(frame["start"].to_numpy(), frame[name].to_numpy(), marker=".", label=name)
    ax.set_xlabel("time (s since the first frame)")
    ax.set_ylabel("per interval" if len(names) > 1 else names[0] + " per interval")
    ax.set_title(title or stat.spec or "I/O graph")
    ax.grid(True, alpha=0.3)
    if names:
        ax.legend(loc="best")
    return ax


def conversations(stat: Any, ax: Any = None, top: int = 10, by: str = "bytes",
                  title: Optional[str] = None) -> Any:
    """Draw a conversation (or endpoint) table as horizontal bars: the
    *top* rows with the most *by* (``"bytes"`` or ``"frames"``), each
    direction's share stacked for a conversation.

    :returns: the matplotlib Axes.
    """
    if by not in ("bytes", "frames"):
        raise PlotError(f"by must be 'bytes' or 'frames', not {by!r}")
    frame = stat.to_dataframe()
    column = "packets" if by == "frames" and "packets" in frame.columns else by
    if len(frame):
        frame = frame.sort_values(column, ascending=False, kind="stable").head(top)
    ax = _axes(ax)

    def end(address, port) -> str:
        return f"{address}:{port}" if port is not None and port == port else str(address)

    if "address_a" in frame.columns:
        labels = [f"{end(a, pa)} <-> {end(b, pb)}" for a, pa, b, pb in
                  zip(frame["address_a"], frame["port_a"], frame["address_b"], frame["port_b"])]
        ab, ba = frame[f"{by}_a_to_b"].to_numpy(), frame[f"{by}_b_to_a"].to_numpy()
        ax.barh(labels, ab, label="A → B")
        ax.barh(labels, ba, left=ab, label="B → A")
        ax.legend(loc="best")
    else:
        port = frame["port"] if "port" in frame.columns else [None] * len(frame)
        labels = [end(a, p) for a, p in zip(frame["address"], port)]
        ax.barh(labels, frame[column].to_numpy())
    ax.invert_yaxis()                   # the biggest on top
    ax.set_xlabel(by)
    ax.set_title(title or stat.spec or "Conversations")
    return ax


def save(ax: Any, path: Union[str, os.PathLike], dpi: int = 100) -> str:
    """Write the figure of *ax* to *path* (PNG, SVG, PDF... by the
    extension) and close it; returns the path."""
    fig = ax.figure
    fig.tight_layout()
    fig.savefig(os.fspath(path), dpi=dpi)
    _pyplot().close(fig)
    return os.fspath(path)


def io_graph_png(stats: Sequence[Any], path: Union[str, os.PathLike]) -> str:
    """Write the I/O graphs of *stats* (:class:`~wirepy.stats.IOStatistics`)
    into one PNG, one graph under the other (``wirepy stats --plot``)."""
    if not stats:
        raise PlotError("no I/O statistics to plot (give an io,stat spec)")
    plt = _pyplot()
    fig, axes = plt.subplots(len(stats), 1, figsize=(10, 4.5 * len(stats)), squeeze=False)
    for stat, row in zip(stats, axes):
        io_graph(stat, ax=row[0])
    return save(axes[0][0], path)
