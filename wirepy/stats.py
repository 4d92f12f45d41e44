"""Wireshark's statistics, as DataFrames: conversations, endpoints, the
protocol hierarchy, I/O intervals and the expert summary.

Each statistic is a tap listener (:mod:`wirepy.lib.taps`): Wireshark's
dissectors feed it during a read, in C, and its numbers are Wireshark's own
-- the conversation tables are libwireshark's, the others compute what
tshark's ``-z`` listeners compute. Hand any number of them to one read,
together with the loop over the packets if there is one::

    import wirepy.stats

    convs = wirepy.stats.Conversations("tcp")
    phs = wirepy.stats.ProtocolHierarchy()
    for pkt in wirepy.FileCapture("examples/sample.pcapng", taps=[convs, phs]):
        ...                                   # the packets, as ever
    convs.to_dataframe()                      # one row per TCP conversation
    print(phs.text())                         # as tshark -z io,phs prints it

or let :func:`compute` read the file for them, from tshark's ``-z`` specs::

    results = wirepy.stats.compute("examples/sample.pcapng", ["conv,ip", "io,stat,1"])
    results["conv,ip"].to_dataframe()

The listeners see every packet dissected, whatever the capture's display
filter (as ``tshark -Y FILTER -z ...``); each has a filter of its own. Their
results are those of the last read they took part in. The protocol
hierarchy counts the protocols at the top of each packet's tree, so it
depends on the tree the read builds: a full-tree iteration shows every
protocol item, as ``tshark -V -z io,phs`` does.
"""

from __future__ import annotations

import os
import struct
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Union

from .errors import WirepyError
from .lib import taps as _taps
from .lib.taps import CListener, Registration, TapListener
from .lib.wireshark import ffi, lib

__all__ = ["StatsError", "UnsupportedStatisticError", "StatisticSpecError",
           "StatisticFilterError", "Statistic", "Conversations", "Endpoints",
           "ProtocolHierarchy", "IOStatistics", "ExpertInfo", "from_spec", "compute",
           "SUPPORTED_SPECS"]

#: The ``-z`` specs this module reads (tshark's syntax).
SUPPORTED_SPECS = ("conv,TYPE[,FILTER]", "endpoints,TYPE[,FILTER]", "io,phs[,FILTER]",
                   "io,stat,INTERVAL[,EXPR...]", "expert[,LEVEL][,FILTER]")
_RULE80 = "=" * 80
#: The layout of the series' tshark (cdefs/shim/stats.h): 4.6 changed the
#: endpoint tables and io,stat's labels.
_LAYOUT_46 = bool(lib.WIREPY_TSHARK_STATS_46)
#: Whether the series' tshark applies the last ``-z expert`` level given to
#: every expert listener (a process-wide level before 4.6; one per listener
#: from 4.6). ``wirepy stats`` does as that tshark does; :class:`ExpertInfo`
#: always keeps its own.
TSHARK_SHARES_EXPERT_LEVEL = not _LAYOUT_46


class StatsError(WirepyError):
    """Base class of the statistics' errors."""


class UnsupportedStatisticError(StatsError, ValueError):
    """A ``-z`` spec this module does not compute."""


class StatisticSpecError(StatsError, ValueError):
    """A statistic's arguments are wrong: a protocol without a conversation
    table, a bad interval, an unknown field, a calculation the field's type
    does not allow."""


class StatisticFilterError(StatsError, ValueError):
    """A statistic's display filter does not compile (Wireshark's message)."""


def _check_filter(text: Optional[str]) -> Optional[str]:
    if not text:
        return None
    from .lib.dfilter import DisplayFilter, DisplayFilterError
    try:
        DisplayFilter(text)
    except DisplayFilterError as exc:
        raise StatisticFilterError(f"Filter {text!r} is invalid - {exc}") from None
    return text


def _text(cdata) -> str:
    return ffi.string(cdata).decode("utf-8", "replace") if cdata != ffi.NULL else ""


def _frame_dataframe(rows: List[dict], columns: Sequence[str]):
    import pandas as pd
    return pd.DataFrame(rows, columns=list(columns))


class Statistic(TapListener):
    """A statistic: a tap listener with a table (:meth:`rows`), a DataFrame
    (:meth:`to_dataframe`) and tshark's text (:meth:`text`)."""

    #: the ``-z`` spec the statistic answers (tshark's syntax)
    spec: str = ""

    def rows(self) -> List[dict]:
        """The results of the last read, one dict per row."""
        raise NotImplementedError

    def _columns(self) -> Sequence[str]:
        raise NotImplementedError

    def to_dataframe(self):
        """The results of the last read as a pandas DataFrame."""
        return _frame_dataframe(self.rows(), self._columns())

    def text(self) -> str:
        """The results as ``tshark -q -z SPEC`` prints them."""
        raise NotImplementedError

    def __init__(self, tap: str, filter: Optional[str] = None, flags: int = 0) -> None:
        try:
            super().__init__(tap, _check_filter(filter), flags)
        except _taps.TapRegistrationError as exc:
            raise StatisticSpecError(str(exc)) from None


# -- conversations and endpoints ------------------------------------------------------

def _table(kind: str) -> Tuple[str, str]:
    """(tap name, title) of the conversation table of protocol *kind*."""
    _taps.init_dissection()
    tap, title, hide = ffi.new("const char **"), ffi.new("const char **"), ffi.new("gboolean *")
    with _taps._guard:
        found = lib.wirepy_conv_table(kind.encode(), tap, title, hide)
        if not found:
            names = lib.wirepy_conv_tables()
            try:
                known = sorted(_text(names).split(","))
            finally:
                lib.g_free(names)
            raise StatisticSpecError(f"{kind!r} has no conversation table; the protocols "
                                     f"with one: {', '.join(known)}")
        return _text(tap[0]), _text(title[0])


def _port(text: str) -> Union[int, str, None]:
    if not text:
        return None
    return int(text) if text.isdigit() else text


def _by_frames(rows: List[dict]) -> List[dict]:
    """tshark's order: most frames first, the table's order among equals."""
    return sorted(rows, key=lambda r: -r["frames"])


class _Table(Statistic):
    endpoints = False
    _noun = ""

    def __init__(self, kind: str, filter: Optional[str] = None, *,
                 resolve_names: bool = False) -> None:
        tap, self.title = _table(kind)
        super().__init__(tap, filter)
        self.kind = kind
        self.resolve_names = bool(resolve_names)
        #: tshark shows ports for TCP, UDP and SCTP
        self.ports = self.title.startswith(("TCP", "UDP", "SCTP"))
        self._data = ffi.gc(lib.wirepy_conv_new(kind.encode(), self.endpoints),
                            lib.wirepy_conv_free)
        self.spec = f"{self._noun},{kind}" + (f",{filter}" if filter else "")

    def _c_listener(self) -> CListener:
        return CListener(ffi.cast("void *", self._data),
                         lib.wirepy_conv_packet_func(self._data), lib.wirepy_conv_reset)

    def _raw_rows(self) -> List[Any]:
        out = []
        with self._reading():
            for i in range(lib.wirepy_conv_count(self._data)):
                row = ffi.new("wirepy_conv_row *")
                lib.wirepy_conv_get(self._data, i, self.resolve_names, row)
                out.append(row)
        return out


class Conversations(_Table):
    """Conversations of one protocol (``-z conv,TYPE``): pairs of addresses
    (and ports for TCP, UDP, SCTP) with the frames and bytes each way.

    :param kind: the protocol's filter name: ``"eth"``, ``"ip"``,
        ``"ipv6"``, ``"tcp"``, ``"udp"`` and every other protocol with a
        conversation table in Wireshark.
    :param filter: count only packets this display filter matches.
    :param resolve_names: addresses and ports as names, as Wireshark
        resolves them (the capture's name-resolution settings).
    :raises StatisticSpecError: for a protocol without a conversation table.
    :raises StatisticFilterError: for a filter that does not compile.

    Rows (:meth:`to_dataframe`), most frames first: ``address_a``,
    ``port_a``, ``address_b``, ``port_b`` (ports None where the protocol
    has none), ``frames_a_to_b``, ``bytes_a_to_b``, ``frames_b_to_a``,
    ``bytes_b_to_a``, ``frames``, ``bytes``, ``rel_start`` (seconds since
    the first frame), ``duration`` (seconds), ``start`` (UTC ``datetime``
    of its first frame).
    """

    _noun = "conv"
    _COLUMNS = ("address_a", "port_a", "address_b", "port_b", "frames_a_to_b",
                "bytes_a_to_b", "frames_b_to_a", "bytes_b_to_a", "frames", "bytes",
                "rel_start", "duration", "start")

    def _columns(self) -> Sequence[str]:
        return self._COLUMNS

    def rows(self) -> List[dict]:
        import datetime
        out = []
        for r in self._raw_rows():
            start = r.start_secs + r.start_nsecs / 1e9
            stop = r.stop_secs + r.stop_nsecs / 1e9
            out.append({
                "address_a": _text(r.addr_a), "port_a": _port(_text(r.port_a)),
                "address_b": _text(r.addr_b), "port_b": _port(_text(r.port_b)),
                "frames_a_to_b": r.tx_frames, "bytes_a_to_b": r.tx_bytes,
                "frames_b_to_a": r.rx_frames, "bytes_b_to_a": r.rx_bytes,
                "frames": r.tx_frames + r.rx_frames, "bytes": r.tx_bytes + r.rx_bytes,
                "rel_start": start, "duration": stop - start,
                "start": datetime.datetime.fromtimestamp(r.abs_secs, datetime.timezone.utc)
                + datetime.timedelta(microseconds=r.abs_nsecs // 1000),
            })
        if not self.ports:
            for row in out:
                row["port_a"] = row["port_b"] = None
        return _by_frames(out)

    def text(self) -> str:
        lines = [_RULE80, f"{self.title} Conversations",
                 f"Filter:{self.filter or '<No Filter>'}"]
        pad = " " * 12 if self.ports else ""
        lines.append(pad + " " * 47 + "|       <-      | |       ->      | |     Total     |"
                     "    Relative    |   Duration   |")
        lines.append(pad + " " * 47 + "| Frames  Bytes | | Frames  Bytes | | Frames  Bytes |"
                     "      Start     |              |")
        width = 26 if self.ports else 20
        for r in _by_frames([self._text_row(r) for r in self._raw_rows()]):
            a = r["a"] + (":" + r["pa"] if self.ports else "")
            b = r["b"] + (":" + r["pb"] if self.ports else "")
            lines.append(f"{a:<{width}} <-> {b:<{width}}  {r['rxf']:6d} {_size(r['rxb']):<9}"
                         f"  {r['txf']:6d} {_size(r['txb']):<9}"
                         f"  {r['frames']:6d} {_size(r['rxb'] + r['txb']):<9}  "
                         f"{r['start']:14.9f}   {r['stop'] - r['start']:12.4f}")
        lines.append(_RULE80)
        return "\n".join(lines) + "\n"

    @staticmethod
    def _text_row(r) -> dict:
        return {"a": _text(r.addr_a), "b": _text(r.addr_b), "pa": _text(r.port_a),
                "pb": _text(r.port_b), "rxf": r.rx_frames, "rxb": r.rx_bytes,
                "txf": r.tx_frames, "txb": r.tx_bytes, "frames": r.rx_frames + r.tx_frames,
                "start": r.start_secs + r.start_nsecs / 1e9,
                "stop": r.stop_secs + r.stop_nsecs / 1e9}


def _size(n: int) -> str:
    """A byte count as Wireshark's format_size shows it ("1865 bytes", "12 kB")."""
    buf = ffi.new("char[]", 64)
    lib.wirepy_format_bytes(n, buf, 64)
    return ffi.string(buf).decode()


class Endpoints(_Table):
    """Endpoints of one protocol (``-z endpoints,TYPE``): each address (and
    port for TCP, UDP, SCTP) with the frames and bytes it sent and received.

    Parameters as :class:`Conversations`. Rows, most packets first:
    ``address``, ``port`` (None where the protocol has none), ``packets``,
    ``bytes``, ``tx_packets``, ``tx_bytes``, ``rx_packets``, ``rx_bytes``.
    """

    endpoints = True
    _noun = "endpoints"
    _COLUMNS = ("address", "port", "packets", "bytes", "tx_packets", "tx_bytes",
                "rx_packets", "rx_bytes")

    def _columns(self) -> Sequence[str]:
        return self._COLUMNS

    def rows(self) -> List[dict]:
        return [{k: v for k, v in r.items() if k in self._COLUMNS} for r in self._full_rows()]

    def _full_rows(self) -> List[dict]:
        out = [{"address": _text(r.addr_a),
                "port": _port(_text(r.port_a)) if self.ports else None,
                "packets": r.tx_frames + r.rx_frames, "bytes": r.tx_bytes + r.rx_bytes,
                "tx_packets": r.tx_frames, "tx_bytes": r.tx_bytes,
                "rx_packets": r.rx_frames, "rx_bytes": r.rx_bytes,
                "frames": r.tx_frames + r.rx_frames, "_port_text": _text(r.port_a)}
               for r in self._raw_rows()]
        return _by_frames(out)

    def text(self) -> str:
        lines = [_RULE80, f"{self.title} Endpoints", f"Filter:{self.filter or '<No Filter>'}"]
        if _LAYOUT_46:
            lines.append("                       |" + ("  Port  | |" if self.ports else "")
                         + " Packets | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets |"
                         " | Rx Bytes |")
        else:
            lines.append("                       |  " + ("Port  ||  " if self.ports else "")
                         + "Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets |"
                         " | Rx Bytes |")
        for r in self._full_rows():
            port = f"{r['_port_text']:>5}" if self.ports else ""
            if _LAYOUT_46:
                lines.append(f"{r['address']:<20}{'      ' + port if port else ''}"
                             f"      {r['packets']:7d}   {_size(r['bytes']):<10}"
                             f" {r['tx_packets']:10d}      {_size(r['tx_bytes']):<10}"
                             f" {r['rx_packets']:11d}      {_size(r['rx_bytes']):<10}  ")
                continue
            port = port + "     " if port else ""
            lines.append(f"{r['address']:<20}      {port}{r['packets']:6d}     {r['bytes']:9d}"
                         f"     {r['tx_packets']:6d}       {r['tx_bytes']:9d}"
                         f"      {r['rx_packets']:6d}       {r['rx_bytes']:9d}   ")
        lines.append(_RULE80)
        return "\n".join(lines) + "\n"


# -- protocol hierarchy ------------------------------------------------------------

class ProtocolHierarchy(Statistic):
    """The protocol hierarchy (``-z io,phs``): the protocols at the top of
    each packet's tree, nested in the order they follow one another, with
    the frames and bytes of the packets that carry them.

    :param filter: count only packets this display filter matches.

    Rows, in tshark's order (a protocol, then what it carries):
    ``protocol`` (its filter name), ``depth`` (0 at the top), ``path``
    (``"eth:ip:tcp"``), ``frames``, ``bytes``.
    """

    _COLUMNS = ("protocol", "depth", "path", "frames", "bytes")

    def __init__(self, filter: Optional[str] = None) -> None:
        super().__init__("frame", filter,
                         _taps.REQUIRES_PROTO_TREE | _taps.REQUIRES_PROTOCOLS)
        self._data = ffi.gc(lib.wirepy_phs_new(), lib.wirepy_phs_free)
        self.spec = "io,phs" + (f",{filter}" if filter else "")

    def _c_listener(self) -> CListener:
        return CListener(ffi.cast("void *", self._data), lib.wirepy_phs_packet,
                         lib.wirepy_phs_reset)

    def _columns(self) -> Sequence[str]:
        return self._COLUMNS

    def rows(self) -> List[dict]:
        depth, abbrev = ffi.new("int *"), ffi.new("const char **")
        frames, nbytes = ffi.new("guint64 *"), ffi.new("guint64 *")
        out: List[dict] = []
        path: List[str] = []
        with self._reading():
            for i in range(lib.wirepy_phs_flatten(self._data)):
                lib.wirepy_phs_row(self._data, i, depth, abbrev, frames, nbytes)
                name = _text(abbrev[0])
                del path[depth[0]:]
                path.append(name)
                out.append({"protocol": name, "depth": depth[0], "path": ":".join(path),
                            "frames": frames[0], "bytes": nbytes[0]})
        return out

    def text(self) -> str:
        lines = ["", "=" * 67, "Protocol Hierarchy Statistics",
                 f"Filter: {self.filter or ''}", ""]
        for row in self.rows():
            indent = ""
            for i in range(row["depth"]):
                if i > 15:
                    indent += "..."
                    break
                indent += "  "
            label = (indent + row["protocol"])[:79]
            lines.append(f"{label:<40} frames:{row['frames']} bytes:{row['bytes']}")
        lines.append("=" * 67)
        return "\n".join(lines) + "\n"


# -- expert information ------------------------------------------------------------

#: Severities from the highest, with tshark's titles and -z expert level names.
_SEVERITIES = (("error", "Errors"), ("warn", "Warns"), ("note", "Notes"), ("chat", "Chats"),
               ("comment", "Comments"))
_SEVERITY_VALUE = {"error": lib.PI_ERROR, "warn": lib.PI_WARN, "note": lib.PI_NOTE,
                   "chat": lib.PI_CHAT, "comment": lib.PI_COMMENT}


class ExpertInfo(Statistic):
    """The expert information summary (``-z expert``): each distinct item
    (severity, protocol, summary) with how often it was raised.

    :param severity: the lowest severity kept: ``"comment"`` (all, the
        default), ``"chat"``, ``"note"``, ``"warn"``, ``"error"``.
    :param filter: count only packets this display filter matches.

    Rows, the highest severity first, in the order first seen: ``severity``
    (``"error"``...), ``group`` (Wireshark's name: ``"Sequence"``,
    ``"Malformed"``...), ``protocol``, ``summary``, ``count``.
    """

    _COLUMNS = ("severity", "group", "protocol", "summary", "count")

    def __init__(self, severity: Optional[str] = None, filter: Optional[str] = None) -> None:
        level = (severity or "comment").lower()
        if level not in _SEVERITY_VALUE:
            raise StatisticSpecError(f"{severity!r} is not an expert severity "
                                     f"({', '.join(n for n, _ in _SEVERITIES)})")
        super().__init__("expert", filter)
        self.severity = level
        self._data = ffi.gc(lib.wirepy_expert_new(), lib.wirepy_expert_free)
        self.spec = "expert" + (f",{severity}" if severity else "") + (
            f",{filter}" if filter else "")

    def _c_listener(self) -> CListener:
        return CListener(ffi.cast("void *", self._data), lib.wirepy_expert_packet,
                         lib.wirepy_expert_reset)

    def _columns(self) -> Sequence[str]:
        return self._COLUMNS

    def rows(self) -> List[dict]:
        sev, group = ffi.new("int *"), ffi.new("int *")
        proto, summary = ffi.new("const char **"), ffi.new("const char **")
        freq = ffi.new("guint64 *")
        names = {value: name for name, value in _SEVERITY_VALUE.items()}
        lowest = _SEVERITY_VALUE[self.severity]
        found = []
        with self._reading():
            for i in range(lib.wirepy_expert_count(self._data)):
                lib.wirepy_expert_get(self._data, i, sev, group, proto, summary, freq)
                if sev[0] < lowest or sev[0] not in names:
                    continue
                group_name = lib.wirepy_expert_group_name(group[0])
                found.append({"severity": names[sev[0]],
                              "group": (_text(group_name) if group_name != ffi.NULL
                                        else f"Unknown ({group[0]})"),
                              "protocol": _text(proto[0]), "summary": _text(summary[0]),
                              "count": freq[0]})
        order = {name: i for i, (name, _) in enumerate(_SEVERITIES)}
        return sorted(found, key=lambda r: order[r["severity"]])

    def text(self) -> str:
        rows = self.rows()
        lines: List[str] = []
        for name, title in _SEVERITIES:
            items = [r for r in rows if r["severity"] == name]
            if not items:
                continue
            lines += ["", f"{title} ({sum(r['count'] for r in items)})", "=============",
                      "   Frequency      Group           Protocol  Summary"]
            lines += [f"{r['count']:12d} {r['group']:>10} {r['protocol']:>18}  {r['summary']}"
                      for r in items]
        return "".join(line + "\n" for line in lines)


# -- I/O intervals -----------------------------------------------------------------

_CALCS = ("FRAMES", "BYTES", "FRAMES BYTES", "COUNT", "SUM", "MIN", "MAX", "AVG", "LOAD")
_CALC_CODE = {name: getattr(lib, "WIREPY_IO_" + name.replace(" ", "_")) for name in _CALCS}
_MAX64 = 2 ** 64 - 1
_INTEGERS = {"FT_UINT8", "FT_UINT16", "FT_UINT24", "FT_UINT32", "FT_UINT64", "FT_INT8",
             "FT_INT16", "FT_INT24", "FT_INT32", "FT_INT64"}
_SIGNED = {"FT_INT8", "FT_INT16", "FT_INT24", "FT_INT32", "FT_INT64"}


def _ftype_name(ftype: int) -> str:
    for name in ("FT_FLOAT", "FT_DOUBLE", "FT_RELATIVE_TIME", *_INTEGERS):
        if getattr(lib, name) == ftype:
            return name
    return "other"


class _IOColumn(NamedTuple):
    expression: Optional[str]     # as given (None: frames and bytes)
    calc: str                     # one of _CALCS
    field: Optional[str]
    hfid: int
    ftype: str                    # FT_* name of the field, "" without one
    filter: Optional[str]         # the tap's filter


def _io_column(expr: Optional[str]) -> _IOColumn:
    """One column of ``io,stat``, read as tshark reads it."""
    calc, flt, field, hfid, ftype = "FRAMES BYTES", expr, None, -1, ""
    if expr is not None:
        for name in _CALCS:
            if not expr.startswith(name):
                if calc in ("FRAMES", "BYTES"):
                    flt = ""
                continue
            calc = name
            if expr[len(name):len(name) + 1] != "(":
                continue
            inside_at = len(name) + 1
            close = expr.find(")", inside_at)
            if close < 0:
                raise StatisticSpecError("Closing parenthesis missing from calculated "
                                         "expression.")
            field = expr[inside_at:close]
            if calc in ("FRAMES", "BYTES") and field:
                raise StatisticSpecError(f"{calc} does not require or allow a field name "
                                         "within the parens.")
            if calc not in ("FRAMES", "BYTES") and not field:
                raise StatisticSpecError(f"You didn't specify a field name for {calc}(*).")
            flt = expr[close + 1:]
            if calc in ("FRAMES", "BYTES"):
                field = None
                break
            from .lib import epan
            try:
                f = epan.Field(field)
            except (epan.InvalidFieldError, KeyError, ValueError):
                raise StatisticSpecError(f"There is no field named '{field}'.") from None
            hfid, ftype = f.id_, _ftype_name(int(f.type_))
            break
    if field is not None and calc not in ("FRAMES", "BYTES", "FRAMES BYTES", "COUNT"):
        if ftype in ("FT_FLOAT", "FT_DOUBLE"):
            if calc == "LOAD":
                raise StatisticSpecError(f"{field} is a float field, so {calc}(*) "
                                         "calculations are not supported on it.")
        elif ftype == "FT_RELATIVE_TIME":
            pass
        elif ftype not in _INTEGERS:
            raise StatisticSpecError(f"{field} doesn't have integral values, so {calc}(*) "
                                     "calculations are not supported on it.")
        elif calc == "LOAD":
            raise StatisticSpecError("LOAD() is only supported for relative-time fields "
                                     "such as smb.time")
    return _IOColumn(expr, calc, field, hfid, ftype, _check_filter(flt) if flt else None)


def _interval(text: str) -> Tuple[int, int]:
    """(microseconds, decimals shown) of an ``io,stat`` interval; 0
    seconds is the whole capture (microseconds 2**64-1)."""
    try:
        seconds = float(text)
    except ValueError:
        raise StatisticSpecError('invalid "-z io,stat,<interval>[,<filter>][,<filter>]..." '
                                 f"argument: {text!r} is not a number of seconds") from None
    if seconds == 0:
        return _MAX64, 0
    if seconds < 0 or seconds != seconds or seconds == float("inf"):
        raise StatisticSpecError('"-z" interval must be >=0.000001 seconds or "0" for the '
                                 "entire capture duration.")
    us = int(seconds * 1000000.0 + 0.5)
    if us < 1:
        raise StatisticSpecError('"-z" interval must be >=0.000001 seconds or "0" for the '
                                 "entire capture duration.")
    prec = 6
    for i in (10, 100, 1000, 10000, 100000, 1000000):
        if us % i:
            break
        prec -= 1
    if prec == 0 and "." in text:
        decimals = len(text) - text.index(".") - 1
        if decimals:
            prec = min(decimals, 6)
    return us, prec


def _magnitude(value: int, max_w: int) -> int:
    mag = 0
    for _ in range(max_w):
        mag += 1
        value //= 10
        if value == 0:
            break
    return mag


def _float32(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


def _center(label: str, width: int, numpad: int = 1) -> str:
    """A column label centred as tshark's io,stat centres it."""
    gap = width - len(label)
    half = int(gap / 2)                     # C division: towards zero
    n = 6 - (half + numpad)
    spaces = "      "
    if 0 < n < 6:
        pad = spaces[n:]
        left = pad if gap % 2 == 0 else spaces[n - 1:]
        return f"{left}{label}{pad}|"
    if 0 < n <= 15:
        return f"{label}|"
    return ""


class IOStatistics(Statistic):
    """Frames, bytes and field statistics per time interval (``-z
    io,stat,INTERVAL,EXPR...``).

    :param interval: the interval in seconds (``0``: the whole capture as
        one interval). A string keeps tshark's reading of its decimals
        (``"1.0"`` shows one decimal).
    :param columns: one expression per column, as tshark takes them: a
        display filter (frames and bytes of the packets it matches; ``""``
        or None for all packets), or ``FUNC(field)filter`` with FUNC one of
        ``COUNT`` (occurrences of the field), ``SUM``, ``MIN``, ``MAX``,
        ``AVG``, ``LOAD`` (relative-time fields) and ``FRAMES()``/``BYTES()``.
        By default one column of all frames and bytes.
    :raises StatisticSpecError: for an interval, field or calculation tshark
        refuses (its message).

    Rows, one per interval: ``start`` and ``end`` (seconds since the first
    frame), then per column ``frames`` and ``bytes`` (named ``EXPR frames``,
    ``EXPR bytes`` with an expression) or the computed value (named as the
    expression): an integer, a float, or seconds for relative times.
    """

    def __init__(self, interval: Union[float, str] = 0,
                 columns: Optional[Sequence[Optional[str]]] = None) -> None:
        text = interval if isinstance(interval, str) else repr(float(interval))
        self.interval_us, self.decimals = _interval(text.strip())
        exprs = list(columns) if columns else [None]
        self.columns = [_io_column(e) for e in exprs]
        self._tracker = None
        super().__init__("frame", None, _taps.REQUIRES_PROTO_TREE)
        self._data = ffi.gc(lib.wirepy_io_new(self.interval_us, len(self.columns)),
                            lib.wirepy_io_free)
        self._cols = [lib.wirepy_io_column_at(self._data, i, _CALC_CODE[c.calc], c.hfid)
                      for i, c in enumerate(self.columns)]
        self.spec = f"io,stat,{text}" + "".join(f",{e or ''}" for e in exprs if columns)

    def _registrations(self) -> List[Registration]:
        regs = [Registration("frame", None, 0,
                             CListener(ffi.cast("void *", self._data), lib.wirepy_io_packet,
                                       lib.wirepy_io_reset))]
        for col, c in zip(self._cols, self.columns):
            regs.append(Registration("frame", c.filter, _taps.REQUIRES_PROTO_TREE,
                                     CListener(ffi.cast("void *", col),
                                               lib.wirepy_io_column_packet,
                                               lib.wirepy_io_column_reset)))
        return regs

    def _c_listener(self) -> CListener:  # pragma: no cover - _registrations says all
        raise NotImplementedError

    # the numbers out of C

    def _read(self) -> Tuple[int, List[List[Any]], List[Tuple[int, int]]]:
        secs, nsecs = ffi.new("gint64 *"), ffi.new("gint64 *")
        mv, mf = ffi.new("guint64 *"), ffi.new("guint64 *")
        cells, maxes = [], []
        with self._reading():
            if lib.wirepy_io_overflow(self._data):
                raise StatisticSpecError(
                    f"{self.spec}: the capture spans more than {lib.WIREPY_IO_MAX_CELLS} "
                    f"intervals of {self.interval_us / 1e6:g} s; choose a longer interval")
            lib.wirepy_io_elapsed(self._data, secs, nsecs)
            duration = secs[0] * 1000000 + (nsecs[0] + 500) // 1000
            for j in range(len(self.columns)):
                column = []
                for i in range(lib.wirepy_io_cells(self._data, j)):
                    cell = ffi.new("wirepy_io_cell *")
                    lib.wirepy_io_cell_get(self._data, j, i, cell)
                    column.append((cell.frames, cell.num, cell.counter, cell.float_counter,
                                   cell.double_counter))
                cells.append(column)
                lib.wirepy_io_column_max(self._data, j, mv, mf)
                maxes.append((mv[0], mf[0]))
        return duration, cells, maxes

    def _value(self, c: _IOColumn, cell, interval: int, span: int) -> Any:
        """A cell's value as a Python number (relative times in seconds)."""
        frames, num, counter, fl, db = cell
        if c.calc in ("FRAMES", "FRAMES BYTES"):
            return frames
        if c.calc in ("BYTES", "COUNT"):
            return counter
        signed = counter - 2 ** 64 if c.ftype in _SIGNED and counter >= 2 ** 63 else counter
        if c.calc in ("SUM", "MIN", "MAX"):
            if c.ftype == "FT_FLOAT":
                return fl
            if c.ftype == "FT_DOUBLE":
                return db
            if c.ftype == "FT_RELATIVE_TIME":
                return ((counter + 500) // 1000) / 1e6
            return signed
        if c.calc == "AVG":
            n = num or 1
            if c.ftype == "FT_FLOAT":
                return _float32(fl / _float32(float(n)))
            if c.ftype == "FT_DOUBLE":
                return db / n
            if c.ftype == "FT_RELATIVE_TIME":
                return ((counter // n + 500) // 1000) / 1e6
            avg = counter // n
            return avg - 2 ** 64 if c.ftype in _SIGNED and avg >= 2 ** 63 else avg
        if c.calc == "LOAD":
            return counter / span if span else 0.0
        return counter

    def _layout(self) -> dict:
        """What the table's layout depends on: the duration and interval in
        microseconds as tshark rounds them, the number of rows."""
        duration, cells, maxes = self._read()
        whole = self.interval_us == _MAX64 or self.interval_us > duration
        interval = duration if whole else self.interval_us
        return {"duration": duration, "interval": interval, "whole": whole,
                "cells": cells, "maxes": maxes}

    def _columns(self) -> Sequence[str]:
        names = ["start", "end"]
        for c in self.columns:
            if c.calc == "FRAMES BYTES":
                prefix = f"{c.expression} " if c.expression else ""
                names += [f"{prefix}frames", f"{prefix}bytes"]
            else:
                names.append(c.expression or c.calc)
        return names

    def rows(self) -> List[dict]:
        lay = self._layout()
        duration, interval = lay["duration"], lay["interval"]
        n_rows = 0 if not interval or not duration else -(-duration // interval)
        names = self._columns()
        out = []
        for i in range(n_rows):
            start = i * interval
            end = min(start + interval, duration)
            row: Dict[str, Any] = {"start": start / 1e6, "end": end / 1e6}
            k = 2
            for c, column in zip(self.columns, lay["cells"]):
                cell = column[i] if i < len(column) else (0, 0, 0, 0.0, 0.0)
                if c.calc == "FRAMES BYTES":
                    row[names[k]], row[names[k + 1]] = cell[0], cell[2]
                    k += 2
                else:
                    row[names[k]] = self._value(c, cell, interval, end - start)
                    k += 1
            out.append(row)
        return out

    def text(self) -> str:  # noqa: C901 - one table, laid out as tshark lays it out
        lay = self._layout()
        duration, interval = lay["duration"], lay["interval"]
        cells, maxes = lay["cells"], lay["maxes"]
        whole = lay["whole"]
        dur_secs_orig, dur_usecs_orig = duration // 1000000, duration % 1000000
        dur_secs, dur_usecs = dur_secs_orig, dur_usecs_orig
        dur_mag = _magnitude(dur_secs, 5)
        fmt_mag = dur_mag                     # the formats keep the unrounded width
        invl_mag = _magnitude(interval // 1000000, 5)
        if interval == duration:
            prec = 1 if dur_mag >= 2 else 3 if dur_mag == 1 else 6
            border = 30 + dur_mag + (prec + 1 if prec else 0)
        else:
            prec = self.decimals
            border = 25 + max(invl_mag, dur_mag) + (prec + 1 if prec else 0)
        dv = 1000000 // 10 ** prec
        if duration % dv > 5 * (dv // 10):
            duration = (duration + 5 * (dv // 10)) // dv * dv
            dur_secs, dur_usecs = duration // 1000000, duration % 1000000
            dur_mag = _magnitude(dur_secs, 5)
        if whole:
            interval = duration
        invl_w = 2 * dur_mag + 8 if prec == 0 else 2 * dur_mag + 2 * prec + 10
        invl_w = max(invl_w, 12)
        border = max(border, invl_w)

        # each column's width and how a value is written
        row_w = invl_w
        widths, writers = [], []
        for c, (max_value, max_frames) in zip(self.columns, maxes):
            namelen = 5 if c.calc == "FRAMES BYTES" else len(c.calc)
            if c.calc in ("FRAMES", "FRAMES BYTES"):
                fr = max(6, _magnitude(max_frames, 15))
                row_w += fr + 3
                if c.calc == "FRAMES":
                    widths.append((fr, 0))
                    writers.append(lambda cell, *_, fr=fr: f" {cell[0]:{fr}d} |")
                else:
                    val = max(5, _magnitude(max_value, 15))
                    row_w += val + 3
                    widths.append((fr, val))
                    writers.append(lambda cell, *_, fr=fr, val=val:
                                   f" {cell[0]:{fr}d} | {cell[2]:{val}d} |")
                continue
            if c.calc in ("BYTES", "COUNT"):
                val = max(5, _magnitude(max_value, 15))
                writers.append(lambda cell, *_, val=val: f" {cell[2]:{val}d} |")
            elif c.ftype in ("FT_FLOAT", "FT_DOUBLE"):
                mag = _magnitude(max_value, 15)
                val = mag + 7
                writers.append(lambda cell, last, span, c=c, mag=mag:
                               f" {self._value(c, cell, interval, span):{mag}.6f} |")
            elif c.ftype == "FT_RELATIVE_TIME":
                if c.calc == "LOAD":
                    max_value = max_value // interval if interval else 0
                elif c.calc != "AVG":
                    max_value = (max_value + 500000000) // 1000000000
                mag = _magnitude(max_value, 15)
                val = mag + 7
                writers.append(lambda cell, last, span, c=c, mag=mag:
                               self._time_cell(c, cell, interval, span, last, mag))
            else:
                val = max(namelen, _magnitude(max_value, 15))
                writers.append(lambda cell, last, span, c=c, val=val:
                               f" {self._value(c, cell, interval, span):{val}d} |")
            widths.append((0, val))
            row_w += val + 3
        border = max(border, row_w)
        widest = max(len(c.expression) + 11 if c.expression else 26 for c in self.columns)
        if widest > border and border < 102:
            border = min(widest, 102)
        if border - row_w == 1:
            border += 1

        spaces = " " * border
        out = ["\n", "=" * border, "\n", f"| IO Statistics{spaces[16:]}|\n", f"|{spaces[2:]}|\n"]
        if prec == 0:
            out.append(f"| Duration: {dur_secs_orig:{fmt_mag}d}.{dur_usecs_orig:6d} secs"
                       f"{spaces[25 + dur_mag:]}|\n")
            out.append(f"| Interval: {interval // 1000000:{fmt_mag}d} secs"
                       f"{spaces[18 + dur_mag:]}|\n")
        else:
            pad = spaces[19 + dur_mag + prec:]
            out.append(f"| Duration: {dur_secs:{fmt_mag}d}.{dur_usecs // dv:0{prec}d} secs"
                       f"{pad}|\n")
            out.append(f"| Interval: {interval // 1000000:{fmt_mag}d}."
                       f"{(interval % 1000000) // dv:0{prec}d} secs{pad}|\n")
        out.append(f"|{spaces[2:]}|\n")
        out.append("| Col")
        num_w, lead = (3, 11) if _LAYOUT_46 else (2, 10)   # 4.6: numbers 3 wide
        for j, c in enumerate(self.columns):
            out.append(f"{j + 1:{num_w}d}: " if j == 0 else f"|    {j + 1:{num_w}d}: ")
            if c.expression is None:
                out.append(f"Frames and bytes{spaces[16 + lead:]}|\n")
                continue
            expr = c.expression
            if len(expr) + 11 <= border:
                out.append(f"{expr}{spaces[len(expr) + lead:]}|\n")
                continue
            max_w = border - 1 - lead
            while True:
                if len(expr) > max_w:
                    head = expr[:max_w]
                    cut = head.rfind(" ")
                    n, nxt = (cut, cut + 1) if cut >= 0 else (len(head), len(head))
                    out.append(f"{head[:n]}{spaces[n + lead:]}|\n|" + " " * (lead - 2))
                    expr = expr[nxt:]
                else:
                    out.append(f"{expr}{spaces[len(expr) + lead:]}|\n")
                    break
        out.append("|-" + "-" * (border - 3) + "|\n")
        out.append(f"|{spaces[border - (invl_w - 2):]}|")
        for j, (c, (fr, val)) in enumerate(zip(self.columns, widths)):
            span = fr + val + 3 if c.calc == "FRAMES BYTES" else fr if c.calc == "FRAMES" else val
            out.append(f"{j + 1:<2d}{spaces[border - span:]}|")
        filler = spaces[row_w + 1:] if row_w < border else None
        if filler is not None:
            out.append(f"{filler}|")
        out.append(f"\n| Interval{spaces[border - (invl_w - 11):]}|")
        for c, (fr, val) in zip(self.columns, widths):
            if c.calc == "FRAMES":
                out.append(_center("FRAMES", fr))
            elif c.calc == "FRAMES BYTES":
                out.append(_center("Frames", fr) + _center("Bytes", val))
            else:
                out.append(_center(c.calc, val))
        if filler is not None:
            out.append(f"{filler}|")
        out.append("\n|-" + "-" * (row_w - 3) + "|")
        if filler is not None:
            out.append(f"{filler}|")
        out.append("\n")

        n_rows = 0 if not interval or not duration else (
            duration // interval + (1 if duration % interval else 0))
        t = 0
        for i in range(n_rows):
            last = i == n_rows - 1
            # 4.6 ends the last interval a whole interval after its start
            end = duration if last and not _LAYOUT_46 else t + interval
            if prec == 0:
                lead = "|  " if dur_mag == 1 else "| "
                if last:
                    maxw = dur_mag + 1 if dur_mag >= 3 else 3
                    out.append(f"{lead}{t // 1000000:{fmt_mag}d} <> {'Dur':<{maxw}}|")
                else:
                    tail = "  |" if dur_mag == 1 else " |"
                    out.append(f"{lead}{t // 1000000:{fmt_mag}d} <> "
                               f"{self._end(str(end // 1000000), fmt_mag)}{tail}")
            else:
                end_text = f"{end // 1000000:{fmt_mag}d}.{(end % 1000000) // dv:0{prec}d}"
                if _LAYOUT_46:
                    end_text = f"{end // 1000000}.{(end % 1000000) // dv:0{prec}d}"
                out.append(f"| {t // 1000000:{fmt_mag}d}.{(t % 1000000) // dv:0{prec}d} <> "
                           f"{self._end(end_text, fmt_mag + 1 + prec)} |")
            for column, write in zip(cells, writers):
                cell = column[i] if i < len(column) else (0, 0, 0, 0.0, 0.0)
                out.append(write(cell, last, end - t))
            if filler is not None:
                out.append(f"{filler}|")
            out.append("\n")
            t += interval
        out.append("=" * border + "\n")
        return "".join(out)

    @staticmethod
    def _end(text: str, width: int) -> str:
        """An interval's end: right-aligned, left-aligned by 4.6."""
        return f"{text:<{width}}" if _LAYOUT_46 else f"{text:>{width}}"

    def _time_cell(self, c: _IOColumn, cell, interval: int, span: int, last: bool,
                   mag: int) -> str:
        """A relative-time cell: seconds and microseconds."""
        frames, num, counter, _, _ = cell
        if c.calc == "LOAD":
            div = span if last else interval
            if not div:
                whole_part, frac = 0, 0
            else:
                whole_part, frac = counter // div, (counter % div) * 1000000 // div
        else:
            if c.calc == "AVG":
                counter = counter // (num or 1)
            us = (counter + 500) // 1000
            whole_part, frac = us // 1000000, us % 1000000
        return f" {whole_part:{mag}d}.{frac:06d} |"


# -- specs ---------------------------------------------------------------------------

#: The expert levels of ``-z expert,LEVEL``, the highest first.
EXPERT_LEVELS = ("error", "warn", "note", "chat", "comment")


def from_spec(spec: str) -> Statistic:
    """The statistic of a tshark ``-z`` spec: ``conv,TYPE[,FILTER]``,
    ``endpoints,TYPE[,FILTER]``, ``io,phs[,FILTER]``,
    ``io,stat,INTERVAL[,EXPR...]``, ``expert[,LEVEL][,FILTER]``.

    :raises UnsupportedStatisticError: for another spec (the message lists
        the supported ones).
    :raises StatisticSpecError: for bad arguments.
    :raises StatisticFilterError: for a filter that does not compile.
    """
    head, _, rest = spec.partition(",")
    if head in ("conv", "endpoints") and rest:
        kind, _, flt = rest.partition(",")
        cls = Conversations if head == "conv" else Endpoints
        stat: Statistic = cls(kind, flt or None)
    elif spec == "io,phs" or spec.startswith("io,phs,"):
        stat = ProtocolHierarchy(spec[len("io,phs,"):] or None)
    elif spec.startswith("io,stat,"):
        if spec.endswith(","):
            raise StatisticSpecError('invalid "-z io,stat,<interval>[,<filter>][,<filter>]..." '
                                     "argument")
        interval, sep, columns = spec[len("io,stat,"):].partition(",")
        exprs: List[Optional[str]] = []
        if sep:
            parts = columns.split(",")
            for k, part in enumerate(parts):
                if part == "" and k < len(parts) - 1:
                    exprs.append(None)
                else:
                    exprs.append(part.strip() or (None if k == len(parts) - 1 else ""))
        stat = IOStatistics(interval, exprs or None)
        stat.spec = spec
    elif spec == "expert" or spec.startswith("expert,"):
        args = spec[len("expert"):]
        level = None
        for name in EXPERT_LEVELS:
            if args[:len(name) + 1].lower() == "," + name:
                level, args = name, args[len(name) + 1:]
                break
        stat = ExpertInfo(level, args[1:] if args.startswith(",") else None)
    else:
        raise UnsupportedStatisticError(f"unsupported statistic {spec!r}; supported: "
                                        f"{', '.join(SUPPORTED_SPECS)}")
    stat.spec = spec
    return stat


def compute(path: Union[str, os.PathLike], specs: Iterable[Union[str, Statistic]],
            display_filter: Optional[str] = None, **capture_options: Any
            ) -> Dict[str, Statistic]:
    """Compute statistics over a capture file in one pass.

    :param specs: tshark ``-z`` specs (see :func:`from_spec`) or statistic
        objects.
    :param display_filter: count only the packets this display filter
        matches (every statistic's own filter applies too).
    :param capture_options: more :class:`~wirepy.FileCapture` arguments
        (``prefs``, ``decode_as``, ``two_pass``...).
    :returns: ``{spec: statistic}`` in the order given.
    """
    from .capture import FileCapture

    stats = [s if isinstance(s, Statistic) else from_spec(s) for s in specs]
    if display_filter:
        _check_filter(display_filter)
        for stat in stats:
            _restrict(stat, display_filter)
    FileCapture(path, fields=[], taps=stats, **capture_options)._read_for_taps()
    return {s.spec: s for s in stats}


def _restrict(stat: Statistic, display_filter: str) -> None:
    """Add *display_filter* to every filter of *stat* (and-ed)."""
    def both(flt: Optional[str]) -> str:
        return f"({display_filter}) && ({flt})" if flt else display_filter

    if isinstance(stat, IOStatistics):
        stat.columns = [c._replace(filter=both(c.filter)) for c in stat.columns]
    else:
        stat.filter = both(stat.filter)

