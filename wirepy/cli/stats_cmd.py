"""``wirepy stats``: tshark's ``-z`` statistics of a capture file, printed
as ``tshark -q -z SPEC`` prints them (follow streams too:
``-z follow,PROTO,MODE,N``, from :mod:`wirepy.follow`)."""

from __future__ import annotations

import argparse
import sys

from ..capture import FileCapture
from ..errors import CaptureFileError
from .common import CommandError, dissection_options


def _listener(spec: str):
    """The listener of one ``-z`` spec: a follow stream or a statistic."""
    from .. import follow, stats

    if spec.startswith("follow,"):
        try:
            return follow.from_spec(spec)
        except follow.FollowError as exc:
            raise CommandError(str(exc), 1) from None
    try:
        return stats.from_spec(spec)
    except stats.StatsError as exc:
        raise CommandError(str(exc), 1) from None


def run(args: argparse.Namespace) -> int:
    from .. import stats
    from ..lib import epan

    listeners = [_listener(spec) for spec in args.specs]
    plotted = [s for s in listeners if isinstance(s, stats.IOStatistics)]
    if getattr(args, "plot", None) and not plotted:
        raise CommandError("--plot draws the I/O graph: give an io,stat spec too", 1)
    # tshark before 4.6 keeps one expert level for the process: the last one
    # given applies to every expert listener
    levels = [s.severity for s, spec in zip(listeners, args.specs)
              if stats.TSHARK_SHARES_EXPERT_LEVEL and isinstance(s, stats.ExpertInfo)
              and spec.lower().startswith(tuple(f"expert,{name}"
                                                for name in stats.EXPERT_LEVELS))]
    for listener in listeners:
        if levels and isinstance(listener, stats.ExpertInfo):
            listener.severity = levels[-1]
    options = dissection_options(args)
    names = options["resolve_names"]
    for listener in listeners:
        if hasattr(listener, "resolve_names"):
            listener.resolve_names = names is not False
    cap = FileCapture(args.file, display_filter=args.display_filter, two_pass=args.two_pass,
                      fields=[], taps=listeners, **options)
    failure = None
    try:
        cap._read_for_taps()
    except CaptureFileError as exc:
        failure = exc       # as tshark: what was read is shown, then the error
    # tshark draws the listeners last registered first; addresses and ports
    # are named as the read named them
    saved = epan.name_resolution_state()
    epan.resolve_names(names)
    try:
        out = sys.stdout
        for listener in reversed(listeners):
            out.write(listener.text())
    except stats.StatsError as exc:
        raise CommandError(str(exc), 1) from None
    finally:
        epan.restore_name_resolution(saved)
    if getattr(args, "plot", None):
        from .. import plot
        try:
            plot.io_graph_png(plotted, args.plot)
        except plot.PlotError as exc:
            raise CommandError(str(exc), 1) from None
    if failure is not None:
        raise failure
    return 0
