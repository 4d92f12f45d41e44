"""Preferences: read, apply, copy, write, and get/set any one by name;
decode-as rules, enabled and disabled protocols, name resolution.

Names are Wireshark's ``module.pref`` names (``tcp.desegment_tcp_streams``,
``http.tcp.port``); values are converted as ``tshark -o`` converts them.
Decode-as rules (``decode_as("tcp.port", 8888, "http")``, as ``tshark -d
tcp.port==8888,http``) and protocol switches (``disable_protocol("http")``,
as ``tshark --disable-protocol http``) are process-wide, like preferences:
they hold for every session until undone. Preferences that are tables of
rows (key tables: ``80211_keys``, ``esp_sa``...; ``tshark -o "uat:..."``)
are :mod:`wirepy.lib.uat`'s.
"""

from __future__ import annotations

from typing import Dict, Union

from . import epan as _epan
from . import wireshark
from .wireshark import ffi, lib

__all__ = ["PrefsError", "UnknownPreference", "InvalidPreferenceValue", "read_prefs",
           "apply_all", "copy", "write", "get", "set_pref", "names",
           "DecodeAsError", "UnknownProtocol", "decode_as", "reset_decode_as",
           "disable_protocol", "enable_protocol", "is_protocol_enabled", "set_heuristic",
           "set_name_resolution"]


class PrefsError(ValueError):
    """Base class for preference errors (a ValueError naming the preference)."""


class UnknownPreference(PrefsError):
    """No preference has that name."""


class InvalidPreferenceValue(PrefsError):
    """The value is not valid for the preference."""


def _find(name: str):
    wireshark.initialize()
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        module = lib.prefs_find_module(".".join(parts[:i]).encode())
        if module != ffi.NULL:
            pref = lib.prefs_find_preference(module, ".".join(parts[i:]).encode())
            if pref != ffi.NULL:
                return pref
    raise UnknownPreference(f"unknown preference {name!r}")


def get(name: str) -> str:
    """The current value of preference *name* as text."""
    with wireshark.lock:
        pref = _find(name)
        s = lib.prefs_pref_to_str(pref, lib.pref_current)
        try:
            return ffi.string(s).decode("utf-8", "replace") if s != ffi.NULL else ""
        finally:
            if s != ffi.NULL:
                lib.g_free(s)


def set_pref(name: str, value: Union[str, int, bool], apply: bool = True) -> None:
    """Set preference *name* (bool/int/str, converted as ``-o`` would)."""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    else:
        text = str(value)
    with wireshark.lock:
        pref = _find(name)
        if (lib.prefs_get_type(pref) == lib.PREF_BOOL
                and text.lower() not in ("true", "false", "1", "0")):
            raise InvalidPreferenceValue(f"invalid value {text!r} for boolean preference "
                                         f"{name!r} (TRUE or FALSE)")
        if text in ("1", "0") and lib.prefs_get_type(pref) == lib.PREF_BOOL:
            text = "TRUE" if text == "1" else "FALSE"
        errmsg = ffi.new("char **")
        arg = ffi.new("char[]", f"{name}:{text}".encode())
        rc = lib.prefs_set_pref(arg, errmsg)
        detail = None
        if errmsg[0] != ffi.NULL:
            detail = ffi.string(errmsg[0]).decode("utf-8", "replace")
            lib.g_free(errmsg[0])
        if rc == lib.PREFS_SET_NO_SUCH_PREF or rc == lib.PREFS_SET_OBSOLETE:
            raise UnknownPreference(f"unknown or obsolete preference {name!r}")
        if rc != lib.PREFS_SET_OK:
            raise InvalidPreferenceValue(
                f"invalid value {text!r} for preference {name!r}" + (f": {detail}" if detail
                                                                      else ""))
        if apply:
            lib.prefs_apply_all()
    wireshark.flush_log()


def names() -> list:
    """Every preference name."""
    wireshark.initialize()
    with wireshark.lock:
        arr = lib.wirepy_prefs_names()
        try:
            return [ffi.string(ffi.cast("char *", arr.pdata[i])).decode()
                    for i in range(arr.len)]
        finally:
            lib.g_ptr_array_free(arr, True)


def read_prefs() -> Dict[str, str]:
    """Read the preference files (done once at initialisation) and return
    the current preferences as a mapping of name to text."""
    wireshark.initialize()
    return copy(None)


def apply_all() -> None:
    """Call the "apply"-callback function for each module if any of its
    preferences have changed."""
    wireshark.initialize()
    with wireshark.lock:
        lib.prefs_apply_all()


def copy(src=None) -> Dict[str, str]:
    """Copy a set of preferences: a snapshot ``{name: text}`` (of *src*, a
    mapping, or of the current preferences)."""
    if src is not None:
        return dict(src)
    out = {}
    for n in names():
        try:
            out[n] = get(n)
        except PrefsError:
            pass
    return out


def write(to_stdout: bool = False) -> None:
    """Write the global preferences to the user's preference-file; write to
    stdout if *to_stdout* is True."""
    wireshark.initialize()
    path = ffi.new("char **")
    with wireshark.lock:
        if to_stdout:
            path[0] = ffi.NULL
            rc = lib.write_prefs(ffi.NULL)
        else:
            rc = lib.write_prefs(path)
    if rc != 0:
        raise PrefsError(f"could not write preferences: errno {rc}")


class DecodeAsError(PrefsError):
    """A decode-as rule names no dissector table, a bad selector, or a
    protocol that table cannot hand packets to."""


class UnknownProtocol(PrefsError):
    """No protocol (or heuristic dissector) has that name, or it cannot be
    switched off."""


def _text(p) -> str:
    return ffi.string(p).decode("utf-8", "replace")


_UINT_TABLES = ("FT_UINT8", "FT_UINT16", "FT_UINT24", "FT_UINT32")
_STRING_TABLES = ("FT_STRING", "FT_STRINGZ", "FT_UINT_STRING", "FT_STRINGZPAD",
                  "FT_STRINGZTRUNC")


def _decode_as_target(table: str, protocol: str):
    if not table or lib.find_dissector_table(table.encode()) == ffi.NULL:
        raise DecodeAsError(f"unknown layer type (dissector table) {table!r}")
    handle = ffi.new("void **")
    n = lib.wirepy_decode_as_find(table.encode(), protocol.encode(), handle)
    if n == 0:
        if lib.proto_get_id_by_filter_name(protocol.encode()) == -1:
            raise DecodeAsError(f"unknown protocol {protocol!r}")
        raise DecodeAsError(f"protocol {protocol!r} isn't valid for layer type {table!r}")
    kind = _text(lib.ftype_name(lib.get_dissector_table_selector_type(table.encode())))
    return handle[0], kind


def _selectors(selector: Union[int, str, range]) -> list:
    if isinstance(selector, range):
        return list(selector)
    if isinstance(selector, int):
        return [selector]
    text = str(selector).strip()
    for op in (":", "-"):
        a, sep, b = text.partition(op)
        if sep and a:
            lo, n = int(a, 0), int(b, 0)
            if op == ":":
                if n == 0:
                    raise ValueError(text)
                return list(range(lo, lo + n))
            if n < lo:
                raise ValueError(text)
            return list(range(lo, n + 1))
    return [int(text, 0)]


def decode_as(table: str, selector: Union[int, str, range, None], protocol: str) -> None:
    """Hand the packets that *table* selects with *selector* to *protocol*,
    as ``tshark -d table==selector,protocol``.

    *selector* is an int, a range, a tshark range text (``"8888-8890"``,
    ``"8888:3"``), a string for string tables, or None for payload tables.

    :raises DecodeAsError: (a ValueError) for an unknown table, a bad
        selector or a protocol the table does not offer.
    """
    wireshark.initialize()
    with wireshark.lock:
        handle, kind = _decode_as_target(table, protocol)
        t = table.encode()
        if kind in _UINT_TABLES:
            try:
                values = _selectors(selector)
            except (TypeError, ValueError):
                raise DecodeAsError(f"invalid selector {selector!r} for {table!r}") from None
            if not values or any(not 0 <= v <= 0xFFFFFFFF for v in values):
                raise DecodeAsError(f"invalid selector {selector!r} for {table!r}")
            for v in values:
                lib.dissector_change_uint(t, v, handle)
        elif kind in _STRING_TABLES:
            if not isinstance(selector, str):
                raise DecodeAsError(f"{table!r} selects by string, not {selector!r}")
            lib.dissector_change_string(t, selector.encode(), handle)
        elif kind == "FT_NONE":
            lib.dissector_change_payload(t, handle)
        else:
            raise DecodeAsError(f"dissector table {table!r} ({kind}) has no decode-as")
    wireshark.flush_log()


def reset_decode_as(table: str, selector: Union[int, str, range, None] = None) -> None:
    """Undo :func:`decode_as` for *selector* (back to the built-in choice)."""
    wireshark.initialize()
    with wireshark.lock:
        t = table.encode()
        if lib.find_dissector_table(t) == ffi.NULL:
            raise DecodeAsError(f"unknown layer type (dissector table) {table!r}")
        kind = _text(lib.ftype_name(lib.get_dissector_table_selector_type(t)))
        if kind in _UINT_TABLES:
            for v in _selectors(selector):
                lib.dissector_reset_uint(t, v)
        elif kind in _STRING_TABLES:
            lib.dissector_reset_string(t, str(selector).encode())
        elif kind == "FT_NONE":
            lib.dissector_reset_payload(t)
        else:
            # what decode_as cannot change needs no reset; libwireshark
            # would assert (abort) on the payload reset of e.g. a GUID table
            raise DecodeAsError(f"dissector table {table!r} ({kind}) has no decode-as")


def _proto_id(name: str) -> int:
    wireshark.initialize()
    pid = lib.proto_get_id_by_filter_name(name.encode())
    if pid < 0:
        raise UnknownProtocol(f"unknown protocol {name!r}")
    return pid


def is_protocol_enabled(name: str) -> bool:
    """Whether protocol *name* (its filter name) is dissected."""
    with wireshark.lock:
        return bool(lib.proto_is_protocol_enabled(lib.find_protocol_by_id(_proto_id(name))))


def disable_protocol(name: str) -> None:
    """Stop dissecting protocol *name*, as ``tshark --disable-protocol``.

    :raises UnknownProtocol: for an unknown name or a protocol that
        cannot be disabled.
    """
    with wireshark.lock:
        pid = _proto_id(name)
        if not lib.proto_can_toggle_protocol(pid):
            raise UnknownProtocol(f"protocol {name!r} cannot be disabled")
        lib.proto_disable_proto_by_name(name.encode())


def enable_protocol(name: str) -> None:
    """Dissect protocol *name*: one disabled by default (as ``tshark
    --enable-protocol``) or one :func:`disable_protocol` switched off."""
    with wireshark.lock:
        pid = _proto_id(name)
        if not lib.proto_can_toggle_protocol(pid):
            raise UnknownProtocol(f"protocol {name!r} cannot be switched")
        # proto_enable_proto_by_name only touches protocols off by default
        lib.proto_set_decoding(pid, True)


def set_heuristic(name: str, enabled: bool) -> None:
    """Enable or disable heuristic dissector *name* (``tshark
    --enable-heuristic`` / ``--disable-heuristic``)."""
    wireshark.initialize()
    with wireshark.lock:
        if not lib.wirepy_heuristic_set_enabled(name.encode(), bool(enabled)):
            raise UnknownProtocol(f"no heuristic dissector {name!r}")


def set_name_resolution(mac: bool = False, network: bool = False,
                        transport: bool = False) -> None:
    """Turn name resolution on or off; it is off unless asked for (as
    ``tshark -n``)."""
    _epan.set_name_resolution(mac, network, transport)
