"""``wirepy version``, ``formats`` and ``filter-check``."""

from __future__ import annotations

import argparse
import sys

from .common import CommandError


def run_version(args: argparse.Namespace) -> int:
    from .. import __version__
    from ..lib import wireshark

    versions = wireshark.version()
    print(f"wirepy {__version__}")
    print(f"Wireshark {versions.wireshark}")
    print(versions.libpcap)
    print(f"GLib {versions.glib}")
    return 0


def run_formats(args: argparse.Namespace) -> int:
    from ..lib import wtap

    if args.readers:
        for name in wtap.iter_open_formats():
            print(name)
        return 0
    print(f"{'name':<24} {'write':<5} {'gzip':<4} description")
    for ft in wtap.iter_file_types():
        if args.writable and not ft.can_write:
            continue
        print(f"{ft.name:<24} {'yes' if ft.can_write else 'no':<5} "
              f"{'yes' if ft.can_compress else 'no':<4} {ft.description}")
    return 0


def run_filter_check(args: argparse.Namespace) -> int:
    from ..errors import DisplayFilterError
    from ..filters import DisplayFilter

    try:
        df = DisplayFilter(args.expression)
    except DisplayFilterError as exc:
        sys.stderr.write(f"wirepy: {exc.message}\n")
        if exc.location:
            sys.stderr.write(f"    {exc.text}\n    {' ' * exc.location[0]}"
                             f"{'^' * max(exc.location[1], 1)}\n")
        raise CommandError("", 2) from None
    if df.deprecated:
        sys.stderr.write(f"wirepy: deprecated tokens: {', '.join(df.deprecated)}\n")
    print("Filter OK" if not args.quiet else "", end="\n" if not args.quiet else "")
    return 0
