"""What a capture asks of Wireshark's dissection, checked once.

:class:`~wirepy.FileCapture`, :class:`~wirepy.LiveCapture`,
:class:`~wirepy.Dissector` and :func:`~wirepy.dissect` take the same
settings -- a display filter, the fields to extract, preferences, decode-as
rules, columns -- and check them the same way when they are made (the
filter compiled, the field names looked up, the rules parsed), so a mistake
is raised before any file is read or capture started.
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from . import _engine
from .errors import PreferenceError, SessionResetWarning
from .filters import DisplayFilter
from .lib import epan
from .lib import prefs as _prefs
from .lib import uat as _uat
from .lib.wireshark import lib

__all__ = ["DissectionSettings", "Configured", "preferences", "parse_decode_as", "decoding",
           "field_list", "uat_rows", "check_uat", "check_reset_every", "cross_packet_reason",
           "CROSS_PACKET_FIELDS"]

_STREAM = "stream indexes count from 0 again after each reset"
_TCP_RELATIVE = ("relative to the first segment of the connection seen since the last "
                 "reset")
#: Fields whose value depends on earlier packets in a way a reset
#: (``reset_every``) breaks, each with the reason: a name, or a prefix
#: ending in ``"."``. Besides these, every field that holds another frame's
#: number (``FT_FRAMENUM``: ``dns.response_in``, ``tcp.reassembled_in``,
#: ``ip.fragment``...) and every response time (an ``FT_RELATIVE_TIME``
#: named ``*.time``: ``dns.time``, ``http.time``), see
#: :func:`cross_packet_reason`. Per-packet fields (addresses, ports,
#: lengths, flags, ``frame.*``) are not affected.
CROSS_PACKET_FIELDS: Dict[str, str] = {
    "tcp.stream": _STREAM,
    "udp.stream": _STREAM,
    "tcp.seq": _TCP_RELATIVE,
    "tcp.ack": _TCP_RELATIVE,
    "tcp.nxtseq": _TCP_RELATIVE,
    "tcp.time_relative": _TCP_RELATIVE,
    "tcp.time_delta": "the time since the previous segment of the connection, forgotten "
                      "at a reset",
    "tcp.completeness": "the handshake and teardown seen since the last reset only",
    "tcp.analysis.": "TCP analysis (retransmissions, duplicate ACKs, RTT, bytes in "
                     "flight) compares with earlier segments, forgotten at a reset",
    "tcp.reassembled.": "a PDU whose segments straddle a reset is not reassembled",
}


def cross_packet_reason(name: str) -> Optional[str]:
    """Why a reset of the epan session (``reset_every``) changes the values
    of field *name*, or None for a field each packet carries on its own.

    >>> cross_packet_reason("tcp.stream")
    'stream indexes count from 0 again after each reset'
    >>> cross_packet_reason("ip.src") is None
    True
    """
    reason = CROSS_PACKET_FIELDS.get(name)
    if reason is not None:
        return reason
    for prefix, why in CROSS_PACKET_FIELDS.items():
        if prefix.endswith(".") and name.startswith(prefix):
            return why
    try:
        ftype = epan.Field(name).type_
    except (epan.InvalidFieldError, KeyError, ValueError):
        return None
    if ftype == lib.FT_FRAMENUM:
        return ("the number of another frame (a request, a response, the frame that "
                "completes a reassembly): one before the last reset is forgotten")
    if ftype == lib.FT_RELATIVE_TIME and name.endswith(".time"):
        return "a response time, measured from a request the last reset may have forgotten"
    return None


def check_reset_every(reset_every: Any) -> Optional[int]:
    """*reset_every* checked: None (no resets) or a number of packets > 0.

    :raises ValueError: for 0, a negative number or anything but an int.
    """
    if reset_every is None:
        return None
    if isinstance(reset_every, bool) or not isinstance(reset_every, int):
        raise ValueError(f"reset_every must be a number of packets (an int > 0), "
                         f"not {reset_every!r}")
    if reset_every <= 0:
        raise ValueError(f"reset_every must be > 0 (a number of packets), not {reset_every}")
    return reset_every


def warn_cross_packet(fields: Optional[Sequence[str]], stacklevel: int) -> None:
    """Warn (:class:`~wirepy.errors.SessionResetWarning`) about the fields
    of *fields* that a reset breaks."""
    broken = [(name, why) for name in fields or ()
              if (why := cross_packet_reason(name)) is not None]
    if broken:
        details = "; ".join(f"{name}: {why}" for name, why in broken)
        warnings.warn(f"reset_every resets the dissection state, which these fields depend "
                      f"on: {details}", SessionResetWarning, stacklevel=stacklevel + 1)


@contextlib.contextmanager
def preferences(settings: Mapping[str, Any]) -> Iterator[None]:
    """Apply Wireshark preferences for the duration of a block, then put the
    previous values back (preferences are process-wide in libwireshark)."""
    saved: Dict[str, str] = {}
    try:
        for name, value in settings.items():
            try:
                saved[name] = _prefs.get(name)
                _prefs.set_pref(name, value)
            except _prefs.PrefsError as exc:
                raise PreferenceError(str(exc)) from None
        yield
    finally:
        for name, value in saved.items():
            with contextlib.suppress(Exception):
                _prefs.set_pref(name, value)


UatRows = Mapping[str, Sequence[_uat.Row]]


def check_uat(tables: Optional[UatRows]) -> Dict[str, List[_uat.Row]]:
    """*tables* (``{"80211_keys": [("wpa-pwd", "Induction:Coherer")]}``) as a
    dict of lists, each table known to Wireshark and each row a string or a
    sequence of values.

    :raises ~wirepy.errors.PreferenceError: for an unknown table or a row
        that is neither.
    """
    checked: Dict[str, List[_uat.Row]] = {}
    for table, rows in dict(tables or {}).items():
        if isinstance(rows, (str, bytes)):
            raise PreferenceError(f"uat[{table!r}]: a list of rows, not one "
                                  f"{type(rows).__name__}")
        try:
            _uat.rows(table)
            checked[table] = [r if isinstance(r, str) else tuple(r) for r in rows]
            for row in checked[table]:
                _uat.row_text(row)
        except (_uat.UatError, TypeError) as exc:
            raise PreferenceError(str(exc)) from None
    return checked


@contextlib.contextmanager
def uat_rows(tables: UatRows) -> Iterator[None]:
    """Add rows to Wireshark's UAT tables (key tables and the like) for the
    duration of a block, then take them back (tables are process-wide in
    libwireshark, like preferences). A row Wireshark refuses raises
    :class:`~wirepy.errors.PreferenceError` naming the table and the row,
    and the rows added before it are taken back."""
    kept: Dict[str, int] = {}
    try:
        for table, rows in tables.items():
            try:
                if table not in kept:
                    kept[table] = _uat.rows(table)
                for row in rows:
                    _uat.add_row(table, row)
            except _uat.UatError as exc:
                raise PreferenceError(str(exc)) from None
        yield
    finally:
        for table, keep in kept.items():
            with contextlib.suppress(Exception):
                _uat.truncate(table, keep)


def parse_decode_as(rules: Mapping[str, str]) -> List[tuple]:
    """``{"tcp.port==8888": "http"}`` (pyshark's form) as
    ``[(table, selector, protocol)]``; selectors as tshark's ``-d`` takes them."""
    parsed = []
    for rule, protocol in rules.items():
        table, sep, selector = rule.partition("==")
        if not sep or not table.strip() or not selector.strip():
            raise PreferenceError(f"decode_as rule {rule!r}: use 'table==selector' "
                                  "(e.g. 'tcp.port==8888')")
        value: Any = selector.strip()
        if value.isdigit():
            value = int(value)
        parsed.append((table.strip(), value, protocol))
    return parsed


@contextlib.contextmanager
def decoding(rules: Sequence[tuple]) -> Iterator[None]:
    """Apply decode-as rules for the duration of a block, then undo them."""
    applied = []
    try:
        for table, selector, protocol in rules:
            try:
                _prefs.decode_as(table, selector, protocol)
            except _prefs.PrefsError as exc:
                raise PreferenceError(str(exc)) from None
            applied.append((table, selector))
        yield
    finally:
        for table, selector in applied:
            with contextlib.suppress(Exception):
                _prefs.reset_decode_as(table, selector)


def field_list(fields: Optional[Sequence[str]]) -> Optional[List[str]]:
    """*fields* as a list (a single name is a list of one), each name known
    to Wireshark; None stays None (the full tree).

    :raises ~wirepy.errors.UnknownFieldError: for a name Wireshark does not know.
    """
    if isinstance(fields, str):
        fields = [fields]
    if fields is None:
        return None
    names = list(fields)
    _engine.check_fields(names)
    return names


class DissectionSettings:
    """The dissection settings of one capture or dissector.

    :ivar display_filter: the filter text (None for none).
    :ivar dfilter: the compiled :class:`~wirepy.filters.DisplayFilter`.
    :ivar fields: the fields to extract, or None for the full tree.
    :ivar prefs: Wireshark preferences applied while dissecting.
    :ivar decode_as: ``{"tcp.port==8888": "http"}``; :ivar decode_rules: the
        same as ``(table, selector, protocol)``.
    :ivar columns: fill the packet-list columns (default: with the full tree).
    :ivar uat: rows added to UAT tables while dissecting
        (``{"80211_keys": [("wpa-pwd", "Induction:Coherer")]}``).
    :ivar reset_every: a new epan session every that many packets (None:
        one session), see :func:`check_reset_every`.
    """

    def __init__(self, display_filter: Optional[str] = None,
                 fields: Optional[Sequence[str]] = None,
                 prefs: Optional[Mapping[str, Any]] = None,
                 decode_as: Optional[Mapping[str, str]] = None,
                 columns: Optional[bool] = None,
                 resolve_names: Union[None, bool, str] = None,
                 uat: Optional[UatRows] = None, reset_every: Optional[int] = None) -> None:
        self.reset_every = check_reset_every(reset_every)
        if isinstance(resolve_names, str):
            unknown = set(resolve_names) - set(epan.RESOLUTION_LETTERS)
            if unknown:
                raise ValueError(f"resolve_names: {''.join(sorted(unknown))!r} are not tshark "
                                 f"-N letters ({''.join(epan.RESOLUTION_LETTERS)})")
        #: None/False: no names (tshark -n); True: tshark's; str: tshark -N letters
        self.resolve_names = resolve_names
        self.display_filter = display_filter
        self.dfilter = DisplayFilter(display_filter) if display_filter else None
        self.fields = field_list(fields)
        self.prefs: Dict[str, Any] = dict(prefs or {})
        self.decode_as: Dict[str, str] = dict(decode_as or {})
        self.decode_rules = parse_decode_as(self.decode_as)
        self.columns = (self.fields is None) if columns is None else bool(columns)
        self.uat = check_uat(uat)
        if self.reset_every is not None:
            # the caller's caller: the FileCapture(...) or Dissector(...) line
            warn_cross_packet(self.fields, stacklevel=3)

    @contextlib.contextmanager
    def applied(self) -> Iterator[None]:
        """The preferences, UAT rows, decode-as rules and name resolution
        in force for a block."""
        saved = epan.name_resolution_state()
        epan.resolve_names(self.resolve_names)
        try:
            with preferences(self.prefs), uat_rows(self.uat), decoding(self.decode_rules):
                yield
        finally:
            epan.restore_name_resolution(saved)

    def engine(self, **options: Any) -> _engine.Engine:
        """A new :class:`~wirepy._engine.Engine` (the process's one epan
        session) with these settings; call inside :meth:`applied`."""
        options.setdefault("reset_every", self.reset_every)
        return _engine.Engine(self.fields, self.dfilter, self.columns, **options)


def _setting(name: str, doc: str) -> property:
    return property(lambda self: getattr(self.settings, name), doc=doc)


class Configured:
    """What a capture or dissector shows of its :attr:`settings`."""

    settings: DissectionSettings
    display_filter = _setting("display_filter", "The display filter's text, or None.")
    fields = _setting("fields", "The fields extracted, or None (the full tree).")
    prefs = _setting("prefs", "The Wireshark preferences applied while dissecting.")
    decode_as = _setting("decode_as", "The decode-as rules (``{'tcp.port==8888': 'http'}``).")
    columns = _setting("columns", "Whether the packet-list columns are filled.")
    uat = _setting("uat", "The rows added to UAT tables while dissecting.")
