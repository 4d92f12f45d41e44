"""``wirepy read``: one summary line per packet, or the full tree (``-V``)."""

from __future__ import annotations

import argparse
import sys

from ..capture import FileCapture
from ..show import print_tree, summary_line
from .common import resolve_names


def run(args: argparse.Namespace) -> int:
    out = sys.stdout
    cap = FileCapture(args.file, display_filter=args.display_filter, two_pass=args.two_pass,
                      resolve_names=resolve_names(args),
                      columns=True, fields=None if args.verbose else [])
    kinds = None
    count = 0
    for pkt in (cap if args.verbose else cap._summaries()):
        if args.verbose:
            print_tree(pkt, out)
        else:
            cols = pkt.columns
            if kinds is None:
                kinds = cols.kinds
            out.write(summary_line(kinds, cols.texts) + "\n")
        count += 1
        if args.count and count >= args.count:
            break
    return 0
