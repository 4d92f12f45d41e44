"""Wireshark's UAT tables ("user access tables"): the key tables and other
preferences that are lists of rows -- Wi-Fi keys (``80211_keys``), ESP
security associations (``esp_sa``), TLS RSA keys (``ssl_keys``), ... --
as ``tshark -o "uat:TABLE:ROW"`` sets them.

A table is named by its file name (``80211_keys``, what ``-o uat:`` takes)
or its title; a row is a sequence of field values (strings are quoted and
escaped as a UAT file writes them, ``bytes`` written as hex) or the text of
one line of a UAT file (``'"wpa-pwd","Induction:Coherer"'``). Rows are
process-wide, like preferences: :func:`add_row` adds one for every later
dissection; :func:`truncate` takes rows back (what
:func:`wirepy.settings.uat_rows` does after a capture).
"""

from __future__ import annotations

from typing import Any, List, Sequence, Union

from . import wireshark
from .wireshark import ffi, lib

__all__ = ["UatError", "UnknownUatTable", "InvalidUatRow", "tables", "rows", "add_row",
           "truncate", "row_text", "Row"]

#: A row: one line of a UAT file, or its field values.
Row = Union[str, Sequence[Any]]


class UatError(ValueError):
    """Base class for UAT errors (a ValueError naming the table)."""


class UnknownUatTable(UatError):
    """No UAT table has that name."""


class InvalidUatRow(UatError):
    """Wireshark refused a row (its message says which field and why)."""


def _quote(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, bool):
        value = "TRUE" if value else "FALSE"
    out = ['"']
    for ch in str(value):
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or code == 0x7f:
            out.append(f"\\x{code:02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def row_text(row: Row) -> str:
    """*row* as one line of a UAT file: a string as it is, a sequence of
    values quoted and escaped (bytes as hex)."""
    if isinstance(row, str):
        return row
    if isinstance(row, (bytes, bytearray)) or not isinstance(row, Sequence):
        raise TypeError(f"a UAT row is a string or a sequence of values, not "
                        f"{type(row).__name__}")
    return ",".join(_quote(v) for v in row)


def _c_name(table: str) -> bytes:
    if not isinstance(table, str) or not table:
        raise UnknownUatTable(f"unknown UAT table {table!r}")
    return table.encode("utf-8")


def tables() -> List[str]:
    """The file names of every UAT table (what ``-o uat:TABLE:...`` takes)."""
    wireshark.initialize()
    with wireshark.lock:
        arr = lib.wirepy_uat_tables()
        try:
            return sorted(ffi.string(ffi.cast("char *", arr.pdata[i])).decode()
                          for i in range(arr.len))
        finally:
            lib.g_ptr_array_free(arr, True)


def _unknown(table: str) -> UnknownUatTable:
    import difflib
    near = difflib.get_close_matches(table, tables(), n=3)
    hint = f" (did you mean {', '.join(near)}?)" if near else ""
    return UnknownUatTable(f"unknown UAT table {table!r}{hint}")


def rows(table: str) -> int:
    """The number of rows of *table* (the valid and the invalid ones)."""
    wireshark.initialize()
    with wireshark.lock:
        n = lib.wirepy_uat_rows(_c_name(table))
    if n < 0:
        raise _unknown(table)
    return n


def add_row(table: str, row: Row) -> None:
    """Add *row* at the end of *table*, as ``tshark -o "uat:TABLE:ROW"``.

    :raises UnknownUatTable: for a table that does not exist.
    :raises InvalidUatRow: for a row Wireshark refuses (the table is left
        as it was); the message names the table and the row.
    """
    text = row_text(row)
    if "\n" in text or "\r" in text:
        raise InvalidUatRow(f"UAT table {table!r}: one row at a time, without line breaks "
                            f"(row {text!r})")
    wireshark.initialize()
    err = ffi.new("char **")
    with wireshark.lock:
        rc = lib.wirepy_uat_add(_c_name(table), text.encode("utf-8"), err)
        detail = None
        if err[0] != ffi.NULL:
            detail = ffi.string(err[0]).decode("utf-8", "replace")
            lib.g_free(err[0])
    wireshark.flush_log()
    if rc < 0:
        raise _unknown(table)
    if rc == 0:
        raise InvalidUatRow(f"UAT table {table!r}: invalid row {text!r}"
                            + (f": {detail}" if detail else ""))


def truncate(table: str, keep: int) -> None:
    """Keep the first *keep* rows of *table*, removing the others (the
    dissector is told, as after editing the table in Wireshark)."""
    if keep < 0:
        raise ValueError(f"keep must be >= 0, not {keep}")
    wireshark.initialize()
    with wireshark.lock:
        rc = lib.wirepy_uat_truncate(_c_name(table), keep)
    wireshark.flush_log()
    if rc < 0:
        raise _unknown(table)
    if rc == 0:
        raise UatError(f"UAT table {table!r}: Wireshark failed to take rows back")
