"""``wirepy read``: one summary line per packet, the full tree (``-V``),
the hex dump of every data source (``-x``), or the packets that pass the
filter written to a file (``-w``)."""

from __future__ import annotations

import argparse
import sys

from ..capture import FileCapture
from ..show import data_source_lines, print_tree, summary_line
from .common import CommandError, dissection_options


def run(args: argparse.Namespace) -> int:
    out = sys.stdout
    trees = args.verbose or args.hex
    cap = FileCapture(args.file, display_filter=args.display_filter, two_pass=args.two_pass,
                      columns=True, fields=None if trees else [], **dissection_options(args))
    if args.write:
        if trees:
            raise CommandError("-w writes the packets, -V and -x print them: use one", 1)
        cap.write(args.write, file_type=args.file_type, count=args.count or None)
        return 0
    kinds = None
    count = 0
    for pkt in (cap if trees else cap._summaries()):
        if args.verbose:
            print_tree(pkt, out, data_hex=not args.hex)
        elif not args.hex:
            cols = pkt.columns
            if kinds is None:
                kinds = cols.kinds
            out.write(summary_line(kinds, cols.texts) + "\n")
        if args.hex:
            for line in data_source_lines(pkt):
                out.write(line + "\n")
            out.write("\n")
        count += 1
        if args.count and count >= args.count:
            break
    return 0
