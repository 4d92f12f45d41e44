"""The ``wirepy`` command line (console script and ``python -m wirepy``).

Every subcommand has ``--help``. User mistakes (a missing file, a bad
filter, an unknown field) print one line on stderr and exit non-zero;
they never show a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import warnings
from typing import List, Optional

from . import common


def _pref_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", dest="prefs", action="append", metavar="NAME:VALUE",
                   help="set a preference, as tshark -o (repeat for more); "
                        "-o 'uat:TABLE:ROW' adds a row to a UAT table (key tables: "
                        "uat:80211_keys:\"wpa-pwd\",\"PASSWORD:SSID\")")
    p.add_argument("-d", dest="decode_as", action="append", metavar="LAYER==SELECTOR,PROTO",
                   help="decode as, as tshark -d (e.g. tcp.port==8888,http)")


def _resolution_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("-n", dest="no_names", action="store_true",
                   help="resolve no names (as tshark -n)")
    p.add_argument("-N", dest="names", metavar="LETTERS",
                   help="resolve these names only, as tshark -N: m MAC, n network, "
                        "N external resolvers, t transport, d DNS packets, v VLAN, "
                        "s SS7 point codes, g GeoIP (default: tshark's, MAC names)")


def _file_arg(p: argparse.ArgumentParser) -> None:
    _resolution_args(p)
    p.add_argument("file", metavar="FILE", help="capture file (any format wiretap reads)")
    p.add_argument("-Y", "--display-filter", metavar="FILTER",
                   help="only packets matching this display filter")
    p.add_argument("-c", "--count", type=int, metavar="N", help="stop after N packets")
    p.add_argument("-2", "--two-pass", action="store_true",
                   help="dissect in two passes, as tshark -2 (fields that refer to later "
                        "packets are filled)")
    _reset_arg(p)
    _pref_args(p)


def _reset_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("-M", dest="reset_every", type=common.positive_int, metavar="N",
                   help="a new dissection session every N packets, as tshark -M: memory "
                        "stays bounded on long files; conversations, reassembly and "
                        "request/response links start afresh (not with -2)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``wirepy`` command (the CLI reference is
    generated from it)."""
    parser = argparse.ArgumentParser(
        prog="wirepy",
        description="Wireshark from Python: read, filter, dissect, capture and convert "
                    "packet captures with Wireshark's own dissectors.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("read", help="one summary line per packet (like tshark), or the "
                       "full tree with -V", description="Print one line per packet, laid "
                       "out as tshark's default output, or every packet's protocol tree.")
    _file_arg(p)
    p.add_argument("-V", "--verbose", action="store_true",
                   help="print the full protocol tree of each packet (like tshark -V)")
    p.add_argument("-x", dest="hex", action="store_true",
                   help="print each packet's bytes as a hex dump, every data source "
                        "(reassembled, decrypted...) under its name (like tshark -x)")
    p.add_argument("-w", dest="write", metavar="OUT",
                   help="write the packets that pass -Y to this capture file instead of "
                        "printing them (like tshark -r IN -Y FILTER -w OUT; -c N: the first N "
                        "of them)")
    p.add_argument("-F", dest="file_type", default="pcapng", metavar="TYPE",
                   help="the file type of -w (default pcapng, as tshark; see 'wirepy "
                        "formats')")
    p.set_defaults(module="read_cmd")

    p = sub.add_parser("fields", help="print field values, byte-identical to tshark -T fields",
                       description="Print the values of the given fields, one line per "
                       "packet, exactly as 'tshark -r FILE -T fields -e ...' does.")
    _file_arg(p)
    p.add_argument("-e", dest="fields", action="append", metavar="FIELD",
                   help="a field to print (repeat for more)")
    p.add_argument("-E", dest="options", action="append", metavar="OPTION=VALUE",
                   help="output option as tshark: header=y|n, separator=/t|/s|C, "
                   "occurrence=f|l|a, aggregator=,|/s|C, quote=d|s|n, bom=y|n")
    p.set_defaults(module="fields_cmd")

    p = sub.add_parser("parquet", help="write field values of captures to a Parquet file, "
                       "typed, batch by batch", description="Write the values of the given "
                       "fields in every packet of the capture files to one Parquet file, "
                       "typed as wirepy.to_arrow types them, one row group per batch of "
                       "packets (the whole table is never held in memory). With several "
                       "files, a first column 'capture' names each row's file.")
    _resolution_args(p)
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="capture files (any format wiretap reads), read in this order")
    p.add_argument("-e", dest="fields", action="append", metavar="FIELD",
                   help="a field to write as a column (repeat for more)")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="the Parquet file to write (replaced if it exists)")
    p.add_argument("-Y", "--display-filter", metavar="FILTER",
                   help="only packets matching this display filter")
    p.add_argument("-2", "--two-pass", action="store_true",
                   help="dissect in two passes, as tshark -2")
    _reset_arg(p)
    p.add_argument("--occurrence", choices=["first", "all"], default="first",
                   help="first: each field's first occurrence (default); all: a list of "
                        "every occurrence")
    p.add_argument("--batch-rows", type=int, default=65536, metavar="N",
                   help="rows of one batch, and so of one row group (default 65536)")
    p.add_argument("-d", dest="decode_as", action="append", metavar="LAYER==SELECTOR,PROTO",
                   help="decode as, as tshark -d (e.g. tcp.port==8888,http)")
    p.add_argument("--progress", action="store_true",
                   help="show progress on stderr even when it is not a terminal")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print nothing on stderr but errors (no progress, no summary)")
    p.set_defaults(module="parquet_cmd")

    p = sub.add_parser("json", help="one JSON object per packet (JSON lines), typed values",
                       description="Print each packet as a JSON object on its own line: "
                       "number, time, lengths, protocols and typed field values.")
    _file_arg(p)
    p.add_argument("-e", dest="fields", action="append", metavar="FIELD",
                   help="only these fields (default: every field of the packet)")
    p.set_defaults(module="json_cmd")

    p = sub.add_parser("stats", help="Wireshark's statistics (-z), printed as tshark prints "
                       "them", description="Compute tshark's -z statistics over a capture "
                       "file in one pass and print them exactly as 'tshark -q -r FILE -z "
                       "SPEC' does: conversations, endpoints, the protocol hierarchy, I/O "
                       "intervals and the expert summary.")
    _resolution_args(p)
    p.add_argument("file", metavar="FILE", help="capture file (any format wiretap reads)")
    p.add_argument("-z", dest="specs", action="append", required=True, metavar="SPEC",
                   help="a statistic, as tshark's -z (repeat for more): conv,TYPE[,FILTER], "
                        "endpoints,TYPE[,FILTER] (TYPE: eth, ip, ipv6, tcp, udp...), "
                        "io,phs[,FILTER], io,stat,INTERVAL[,EXPR...], expert[,LEVEL][,FILTER], "
                        "follow,PROTO,raw|ascii|hex|yaml,N[,SUB][,RANGE] (PROTO: tcp, udp, tls, "
                        "http, http2, quic...; SUB: HTTP/2's and QUIC's stream id)")
    p.add_argument("-Y", "--display-filter", metavar="FILTER",
                   help="a display filter, as tshark's -Y: checked, but as with tshark the "
                        "statistics count every packet (give a filter in the spec)")
    p.add_argument("-2", "--two-pass", action="store_true",
                   help="dissect in two passes, as tshark -2 (the statistics count the "
                        "second)")
    p.add_argument("--plot", metavar="FILE.png",
                   help="also draw the I/O graph of the io,stat specs into this PNG "
                        "(needs matplotlib: wirepy[plot])")
    _pref_args(p)
    p.set_defaults(module="stats_cmd")

    p = sub.add_parser("export-objects", help="save the objects a protocol carried, as "
                       "tshark --export-objects", description="Save the objects of PROTO "
                       "(http, smb, imf, tftp, dicom...) in a capture file into DIR, under "
                       "the names and with the bytes 'tshark -r FILE --export-objects "
                       "PROTO,DIR' writes.")
    _resolution_args(p)
    p.add_argument("file", metavar="FILE", help="capture file (any format wiretap reads)")
    p.add_argument("protocol", metavar="PROTO", help="the protocol whose objects to save")
    p.add_argument("folder", metavar="DIR", help="the folder to save them in (made if missing)")
    p.add_argument("-Y", "--display-filter", metavar="FILTER",
                   help="a display filter, as tshark's -Y (as with tshark, objects of every "
                        "packet are saved)")
    p.add_argument("-2", "--two-pass", action="store_true",
                   help="dissect in two passes, as tshark -2")
    _pref_args(p)
    p.set_defaults(module="export_objects_cmd")

    p = sub.add_parser("capture", help="capture live through dumpcap and dissect",
                       description="Capture on an interface through dumpcap and print "
                       "each packet as it arrives (summary lines, or -V trees).")
    p.add_argument("-i", "--interface", required=True, metavar="IFACE")
    p.add_argument("-f", "--capture-filter", metavar="BPF", help="capture filter (BPF)")
    p.add_argument("-Y", "--display-filter", metavar="FILTER")
    p.add_argument("-c", "--count", type=int, metavar="N", help="stop after N packets")
    p.add_argument("-a", "--autostop", action="append", metavar="duration:S",
                   help="stop condition, as dumpcap: duration:SECONDS")
    p.add_argument("-w", "--write", metavar="OUT", help="keep the capture in this file")
    p.add_argument("-V", "--verbose", action="store_true", help="print full trees")
    _resolution_args(p)
    p.set_defaults(module="capture_cmd")

    p = sub.add_parser("interfaces", help="list the capture interfaces (through dumpcap)")
    p.set_defaults(module="capture_cmd", func_name="run_interfaces")

    p = sub.add_parser("formats", help="list the capture file formats wiretap knows")
    p.add_argument("--writable", action="store_true", help="only the types it can write")
    p.add_argument("--readers", action="store_true",
                   help="list the names of the readers instead (for forcing a format)")
    p.set_defaults(module="info_cmd", func_name="run_formats")

    p = sub.add_parser("convert", help="copy a capture into another format",
                       description="Copy a capture file into another file type "
                       "(and compression), keeping comments, interfaces and secrets "
                       "where the output type can hold them.")
    p.add_argument("input", metavar="IN")
    p.add_argument("output", metavar="OUT")
    p.add_argument("-F", "--format", default="pcapng", metavar="TYPE",
                   help="output file type (default pcapng; see 'wirepy formats')")
    p.add_argument("--compression", choices=["gzip"], help="compress the output")
    p.add_argument("-Y", "--display-filter", metavar="FILTER",
                   help="copy only the packets this display filter passes (as tshark -Y -w)")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(module="convert_cmd")

    p = sub.add_parser("filter-check", help="check a display filter (exit 0, or 2 with "
                       "Wireshark's message)")
    p.add_argument("expression", metavar="EXPR")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing when valid")
    p.set_defaults(module="info_cmd", func_name="run_filter_check")

    p = sub.add_parser("version", help="versions of wirepy and its C libraries")
    p.set_defaults(module="info_cmd", func_name="run_version")
    return parser


def _user_error(exc: BaseException) -> Optional[common.CommandError]:
    """The one-line message and status for an exception caused by the user's
    input, or None for a bug (which keeps its traceback)."""
    from ..errors import (
        CaptureFileError,
        CaptureFileNotFoundError,
        DisplayFilterError,
        PreferenceError,
        SessionBusyError,
        UnknownFieldError,
    )
    if isinstance(exc, common.CommandError):
        return exc
    if isinstance(exc, CaptureFileNotFoundError):
        return common.CommandError(f'The file "{exc.filename}" doesn\'t exist.', 2)
    if isinstance(exc, DisplayFilterError):
        return common.CommandError(exc.message, 2)
    if isinstance(exc, UnknownFieldError):
        return common.CommandError(f"Some fields aren't valid: {exc}", 1)
    if isinstance(exc, (CaptureFileError, PreferenceError, SessionBusyError)):
        return common.CommandError(str(exc), 2)
    if isinstance(exc, OSError) and exc.filename:
        return common.CommandError(f"{exc.filename}: {exc.strerror}", 2)
    try:
        from ..lib import dumpcap, wtap
        if isinstance(exc, (dumpcap.DumpcapError, wtap.WTAPError)):
            return common.CommandError(str(exc), 2)
    except ImportError:
        pass
    return None


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """wirepy's own warnings as a line of the command (not the Python
    source line that raised them); others as Python shows them."""
    from ..errors import SessionResetWarning

    if issubclass(category, SessionResetWarning):
        sys.stderr.write(f"wirepy: warning: {message}\n")
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def main(argv: Optional[List[str]] = None) -> int:
    """Run the ``wirepy`` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    import importlib
    module = importlib.import_module(f"{__package__}.{args.module}")
    func = getattr(module, getattr(args, "func_name", "run"))
    # Text a capture holds that is not UTF-8 (decoded with surrogateescape)
    # goes out as its bytes, as tshark writes it.
    with contextlib.suppress(AttributeError, ValueError):
        sys.stdout.reconfigure(errors="surrogateescape")
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            status = func(args)
        # what is still buffered goes out here, where a reader that went
        # away is caught, not in the interpreter's exit (which prints it)
        sys.stdout.flush()
        return status
    except KeyboardInterrupt:
        return 128 + signal.SIGINT
    except BrokenPipeError:
        # The reader went away (``| head``): not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        err = _user_error(exc)
        if err is None:
            raise
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            pass
        if str(err):
            sys.stderr.write(f"wirepy: {err}\n")
        return err.status
