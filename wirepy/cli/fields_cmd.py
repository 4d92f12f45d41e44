"""``wirepy fields``: byte-identical to ``tshark -n -r FILE -T fields -e ...``."""

from __future__ import annotations

import argparse
import sys

from ..capture import FileCapture
from .common import CommandError, Progress
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
    cap = FileCapture(args.file, display_filter=args.display_filter, fields=fmt.fields,
                      typed=False)
    out = sys.stdout
    write = out.write
    write(fmt.preamble())
    names = list(dict.fromkeys(fmt.fields))
    progress = Progress(args.file)
    count = 0
    line = fmt.line
    for pkt in cap:
        write(line({name: pkt.field_strings(name) for name in names}))
        count += 1
        if count % 4096 == 0:
            progress.update(count, cap.read_so_far())
        if args.count and count >= args.count:
            break
    progress.done()
    return 0
