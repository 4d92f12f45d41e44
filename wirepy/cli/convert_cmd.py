"""``wirepy convert``: copy a capture into another file format."""

from __future__ import annotations

import argparse

from .common import CommandError


def run(args: argparse.Namespace) -> int:
    from ..lib import wtap

    if args.format is not None:
        try:
            wtap.FileType(args.format)
        except ValueError as exc:
            # as tshark -F: status 1, and where the names are
            raise CommandError(f"{exc} (`wirepy formats` lists the file types)", 1) from None
    if args.display_filter:
        from ..capture import FileCapture

        # a bad filter, a missing file: the Pythonic API's errors, one line each
        n = FileCapture(args.input, display_filter=args.display_filter).write(
            args.output, file_type=args.format, compression=args.compression)
    else:
        try:
            n = wtap.convert(args.input, args.output, file_type=args.format,
                             compression=args.compression)
        except wtap.WTAPError as exc:
            raise CommandError(str(exc), 2) from None
    if not args.quiet:
        print(f"{n} records written to {args.output}")
    return 0
