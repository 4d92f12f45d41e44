"""Fields of a capture as a pandas DataFrame or a pyarrow Table.

One column per requested field, holding the field's first occurrence in
each packet (``occurrence="all"`` gives lists of every occurrence), with a
type that follows Wireshark's field type:

========================  =======================  ======================
field type                pandas dtype             arrow type
========================  =======================  ======================
unsigned integers         ``UInt64``/``Int64``     ``uint64`` / ``int64``
signed integers           ``Int64``                ``int64``
BOOLEAN, NONE (presence)  ``boolean``              ``bool``
FLOAT, DOUBLE             ``float64``              ``float64``
ABSOLUTE_TIME             ``datetime64[ns, UTC]``  ``timestamp[ns, UTC]``
RELATIVE_TIME             ``timedelta64[ns]``      ``duration[ns]``
BYTES and the like        ``object`` (bytes)       ``binary``
everything else           ``string``               ``string``
========================  =======================  ======================

Addresses are their text (``192.0.2.1``), as Wireshark writes them.
Missing values are ``<NA>``/``NaT``/null. The packets are dissected in
batches by the C fast path (an invisible tree primed with the fields).
"""

from __future__ import annotations

import struct
from typing import Any, Dict, List, Optional, Sequence

from .capture import FileCapture
from .lib.wireshark import lib
from .values import BYTES_TYPES, TEXT_TYPES

__all__ = ["to_dataframe", "to_arrow", "collect"]

_SIGNED = {lib.FT_INT8, lib.FT_INT16, lib.FT_INT24, lib.FT_INT32, lib.FT_INT40,
           lib.FT_INT48, lib.FT_INT56, lib.FT_INT64}
_UNSIGNED = {lib.FT_CHAR, lib.FT_UINT8, lib.FT_UINT16, lib.FT_UINT24, lib.FT_UINT32,
             lib.FT_FRAMENUM, lib.FT_UINT40, lib.FT_UINT48, lib.FT_UINT56, lib.FT_UINT64}
_BOOL = {lib.FT_BOOLEAN, lib.FT_NONE}
_FLOAT = {lib.FT_FLOAT, lib.FT_DOUBLE}
_ABS = lib.FT_ABSOLUTE_TIME
_REL = lib.FT_RELATIVE_TIME
_d = struct.Struct("<d")
_q = struct.Struct("<q")


def _kind(ftype: Optional[int]) -> str:
    if ftype in _UNSIGNED:
        return "uint"
    if ftype in _SIGNED:
        return "int"
    if ftype in _BOOL:
        return "bool"
    if ftype in _FLOAT:
        return "float"
    if ftype == _ABS:
        return "abstime"
    if ftype == _REL:
        return "reltime"
    if ftype in BYTES_TYPES and ftype not in TEXT_TYPES:
        return "bytes"
    return "string"


def _plain(kind: str, o: tuple) -> Any:
    """One occurrence ``(shown, ftype, v1, v2, text)`` as a plain value."""
    if kind in ("uint", "int"):
        v = o[2]
        return v + (1 << 64) if kind == "uint" and v < 0 else v
    if kind == "bool":
        return True if o[1] == lib.FT_NONE else o[2] != 0
    if kind == "float":
        return _d.unpack(_q.pack(o[2]))[0]
    if kind in ("abstime", "reltime"):
        return o[2] * 1_000_000_000 + o[3]
    if kind == "bytes":
        return o[4]
    if o[1] in TEXT_TYPES or o[4] is None:
        return o[0]
    return o[4]


def _first(kind: str, batch, base: int) -> Any:
    """The first occurrence of the field whose directory entry is at
    *base*, read straight from the batch: numbers without decoding any
    text."""
    ints = batch.ints
    ip = ints[base + 1]
    ft, v1, v2 = ints[ip], ints[ip + 1], ints[ip + 2]
    if kind == "uint":
        return v1 + (1 << 64) if v1 < 0 else v1
    if kind == "int":
        return v1
    if kind == "bool":
        return True if ft == lib.FT_NONE else v1 != 0
    if kind == "float":
        return _d.unpack(_q.pack(v1))[0]
    if kind in ("abstime", "reltime"):
        return v1 * 1_000_000_000 + v2
    if kind == "bytes":
        return batch.raw[v1:v1 + v2] if v1 >= 0 else None
    shown, pos = batch.string(ints[base + 2])
    if v2 == -1 and ft not in TEXT_TYPES:
        return batch.string(pos)[0]
    return shown


def collect(path, fields: Sequence[str], *, display_filter: Optional[str] = None,
            occurrence: str = "first", **capture_args: Any) -> Dict[str, tuple]:
    """Read *fields* of every packet: ``{name: (kind, values)}`` where
    *kind* says how the values are typed (see the module table) and times
    are integer nanoseconds."""
    if occurrence not in ("first", "all"):
        raise ValueError("occurrence is 'first' or 'all'")
    names = list(dict.fromkeys(fields))
    cap = FileCapture(path, fields=names, display_filter=display_filter, **capture_args)
    columns: Dict[str, list] = {n: [] for n in names}
    kinds: Dict[str, Optional[str]] = {n: None for n in names}
    slots = None
    for pkt in cap:
        if slots is None:
            index = pkt._index
            slots = [(n, index.slots[n], columns[n], index.slots[n] < index.n_tree)
                     for n in names]
        batch, at = pkt._batch, pkt._at
        ints = batch.ints
        for name, slot, values, direct in slots:
            if direct and occurrence == "first":
                base = at + 7 + 3 * slot
                if not ints[base]:
                    values.append(None)
                    continue
                kind = kinds[name]
                if kind is None:
                    kind = kinds[name] = _kind(ints[ints[base + 1]])
                values.append(_first(kind, batch, base))
                continue
            found = pkt._field(slot)
            if not found:
                values.append(None)
                continue
            kind = kinds[name]
            if kind is None:
                kind = kinds[name] = _kind(found[0][1])
            if occurrence == "first":
                values.append(_plain(kind, found[0]))
            else:
                values.append([_plain(kind, o) for o in found])
    return {n: (kinds[n] or "string", columns[n]) for n in names}


_PANDAS_DTYPES = {"uint": "UInt64", "int": "Int64", "bool": "boolean", "float": "float64",
                  "string": "string"}


def to_dataframe(path, fields: Sequence[str], *, display_filter: Optional[str] = None,
                 occurrence: str = "first", **capture_args: Any):
    """The values of *fields* in every packet of *path* as a
    :class:`pandas.DataFrame`, one row per packet (that passes
    *display_filter*), typed columns (see the module table)."""
    import pandas as pd

    data = collect(path, fields, display_filter=display_filter, occurrence=occurrence,
                   **capture_args)
    frame: Dict[str, Any] = {}
    for name, (kind, values) in data.items():
        if occurrence == "all":
            frame[name] = pd.Series(values, dtype="object")
        elif kind == "abstime":
            frame[name] = pd.to_datetime(pd.array(values, dtype="Int64"), unit="ns", utc=True)
        elif kind == "reltime":
            frame[name] = pd.to_timedelta(pd.array(values, dtype="Int64"), unit="ns")
        elif kind == "bytes":
            frame[name] = pd.Series(values, dtype="object")
        else:
            frame[name] = pd.array(values, dtype=_PANDAS_DTYPES[kind])
    return pd.DataFrame(frame, columns=list(data))


def to_arrow(path, fields: Sequence[str], *, display_filter: Optional[str] = None,
             occurrence: str = "first", **capture_args: Any):
    """The values of *fields* in every packet of *path* as a
    :class:`pyarrow.Table` (see the module table for the types)."""
    import pyarrow as pa

    types = {"uint": pa.uint64(), "int": pa.int64(), "bool": pa.bool_(),
             "float": pa.float64(), "abstime": pa.timestamp("ns", tz="UTC"),
             "reltime": pa.duration("ns"), "bytes": pa.binary(), "string": pa.string()}
    data = collect(path, fields, display_filter=display_filter, occurrence=occurrence,
                   **capture_args)
    arrays: List[Any] = []
    for _name, (kind, values) in data.items():
        typ = types[kind]
        if occurrence == "all":
            typ = pa.list_(typ)
        arrays.append(pa.array(values, type=typ))
    return pa.Table.from_arrays(arrays, names=list(data))
