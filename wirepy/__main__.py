"""The ``wirepy`` command line (also ``python -m wirepy``)."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional


def _cmd_version(args: argparse.Namespace) -> int:
    from wirepy import __version__
    from wirepy.lib import wireshark

    versions = wireshark.version()
    print(f"wirepy {__version__}")
    print(f"Wireshark {versions.wireshark}")
    print(versions.libpcap)
    print(f"GLib {versions.glib}")
    return 0


def _cmd_formats(args: argparse.Namespace) -> int:
    from wirepy.lib import wireshark

    wireshark.initialize()
    ffi, lib = wireshark.ffi, wireshark.lib
    writable = lib.wtap_get_writable_file_types_subtypes(lib.FT_SORT_BY_NAME)
    can_write = {ffi.cast("int *", writable.data)[i] for i in range(writable.len)}
    lib.g_array_free(writable, True)
    print(f"{'name':<24} {'write':<5} description")
    ft = 0
    while True:
        name = lib.wtap_file_type_subtype_name(ft)
        description = lib.wtap_file_type_subtype_description(ft)
        if name == ffi.NULL and description == ffi.NULL:
            break
        if name != ffi.NULL:
            print(f"{ffi.string(name).decode():<24} {'yes' if ft in can_write else 'no':<5} "
                  f"{ffi.string(description).decode() if description != ffi.NULL else ''}")
        ft += 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wirepy", description="Wireshark from Python: read, filter, dissect, capture.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    p = sub.add_parser("version", help="show the versions of wirepy and its C libraries")
    p.set_defaults(func=_cmd_version)
    p = sub.add_parser("formats", help="list the capture file formats wiretap knows")
    p.set_defaults(func=_cmd_formats)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        # The reader went away (``| head``): not an error; keep Python from
        # complaining again when it flushes stdout at exit.
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
