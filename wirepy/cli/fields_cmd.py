"""``wirepy fields``: byte-identical to ``tshark -n -r FILE -T fields -e ...``."""

from __future__ import annotations

import argparse
import sys

from ..capture import FileCapture
from .common import CommandError, Progress, dissection_options
from .fields_format import FieldsFormat, FieldsOptionError


def run(args: argparse.Namespace) -> int:
    if not args.fields:
        raise CommandError("fields: at least one -e FIELD is needed", 1)
    fmt = FieldsFormat(fields=list(args.fields))
    for option in args.options or []:
        try:
            fmt.set_option(option)
        except FieldsOptionError:
            raise CommandError(f'"{option}" is not a valid field output option=value pair.',
                               1) from None
    cap = FileCapture(args.file, display_filter=args.display_filter, two_pass=args.two_pass,
                      fields=fmt.fields, typed=False, **dissection_options(args))
    out = sys.stdout.buffer
    out.write(fmt.preamble().encode("utf-8", "surrogateescape"))
    progress = Progress(args.file)
    if args.count:
        # -c: stop after N lines; the per-packet path knows where to stop
        count = 0
        for pkt in cap:
            out.write(fmt.line({name: pkt.field_strings(name)
                                for name in dict.fromkeys(fmt.fields)}).encode(
                "utf-8", "surrogateescape"))
            count += 1
            if count >= args.count:
                break
        return 0
    lines = 0
    for chunk in cap.field_lines(fmt):
        out.write(chunk)
        lines += chunk.count(b"\n")
        progress.update(lines, cap.read_so_far())
    progress.done()
    return 0
