"""``wirepy capture`` and ``wirepy interfaces`` (through dumpcap)."""

from __future__ import annotations

import argparse
import sys

from ..show import print_tree, summary_line
from .common import CommandError, resolve_names


def _autostop(values) -> dict:
    args = {}
    for value in values or []:
        key, _, number = value.partition(":")
        if key != "duration" or not number:
            raise CommandError(f'invalid -a "{value}": use duration:SECONDS', 1)
        try:
            args["timeout"] = float(number)
        except ValueError:
            raise CommandError(f'invalid -a "{value}": not a number', 1) from None
    return args


def run(args: argparse.Namespace) -> int:
    from ..live import LiveCapture

    cap = LiveCapture(args.interface, capture_filter=args.capture_filter,
                      display_filter=args.display_filter, packet_count=args.count,
                      output_file=args.write, columns=True, resolve_names=resolve_names(args),
                      fields=None if args.verbose else [], **_autostop(args.autostop))
    out = sys.stdout
    try:
        for pkt in cap:
            if args.verbose:
                print_tree(pkt, out)
            else:
                out.write(summary_line(pkt.columns.kinds, pkt.columns.texts) + "\n")
            out.flush()
    except KeyboardInterrupt:
        pass
    return 0


def run_interfaces(args: argparse.Namespace) -> int:
    from ..lib import dumpcap

    for iface in dumpcap.Interface.list_interfaces():
        extra = []
        if iface.friendly_name:
            extra.append(iface.friendly_name)
        if iface.loopback:
            extra.append("loopback")
        if iface.addresses:
            extra.append(", ".join(iface.addresses))
        print(f"{iface.number}. {iface.name}" + (f" ({'; '.join(extra)})" if extra else ""))
    return 0
