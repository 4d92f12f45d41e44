"""Preferences: read, apply, copy, write, and get/set any one by name.

Names are Wireshark's ``module.pref`` names (``tcp.desegment_tcp_streams``,
``http.tcp.port``); values are converted as ``tshark -o`` converts them.
"""

from __future__ import annotations

from typing import Dict, Union

from . import wireshark
from .wireshark import ffi, lib

__all__ = ["PrefsError", "UnknownPreference", "InvalidPreferenceValue", "read_prefs",
           "apply_all", "copy", "write", "get", "set_pref", "names"]


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
        if (lib.prefs_get_type(pref) & lib.PREF_BOOL
                and text.lower() not in ("true", "false", "1", "0")):
            raise InvalidPreferenceValue(f"invalid value {text!r} for boolean preference "
                                         f"{name!r} (TRUE or FALSE)")
        if text in ("1", "0") and lib.prefs_get_type(pref) & lib.PREF_BOOL:
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
