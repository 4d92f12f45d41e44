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

Addresses are their text (``192.0.2.1``), as Wireshark writes them. A time
column holding a time stamp outside the years 1678 to 2262 (what int64
nanoseconds hold; captures have such times) is in microseconds instead
(``datetime64[us, UTC]``, ``timestamp[us, UTC]``).
Missing values are ``<NA>``/``NaT``/null. The packets are dissected in
batches by the C fast path (an invisible tree primed with the fields).

A column's type is that of the field's first occurrence in the capture (a
field absent from the whole capture is a ``string`` column of nulls).
Where the types must be known before any packet is read -- Parquet files
written batch by batch (:func:`wirepy.to_parquet`), a Dask DataFrame's
``meta`` (:mod:`wirepy.dask`) -- they come from the field's registered type
instead (:func:`declared_kind`; the same table), times are always in
nanoseconds and a time stamp outside the years 1678 to 2262 is missing.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import struct
import sys
import threading
from array import array
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from ._engine import COLUMN_PREFIX
from .capture import FileCapture
from .lib.ftypes import types_of_class, value_class
from .lib.wireshark import lib

__all__ = ["to_dataframe", "to_arrow", "collect", "declared_kind"]

#: Column kinds by value class (cdefs/shim/typed_value.h); "string" otherwise.
_KINDS = {lib.WIREPY_VC_UINT: "uint", lib.WIREPY_VC_UINT64: "uint", lib.WIREPY_VC_INT: "int",
          lib.WIREPY_VC_BOOL: "bool", lib.WIREPY_VC_NONE: "bool", lib.WIREPY_VC_FLOAT: "float",
          lib.WIREPY_VC_ABS_TIME: "abstime", lib.WIREPY_VC_REL_TIME: "reltime",
          lib.WIREPY_VC_BYTES: "bytes"}
_ABSENT = lib.WIREPY_COLUMN_ABSENT
_ERROR = lib.WIREPY_FT_ERROR
_NONE = lib.FT_NONE
_SHOWN = types_of_class(lib.WIREPY_VC_SHOWN)
_d = struct.Struct("<d")
_q = struct.Struct("<q")


def _kind(ftype: int) -> str:
    return _KINDS.get(value_class(ftype), "string")


def declared_kind(name: str) -> str:
    """The column kind of field *name* by its registered type, without
    reading a capture: ``"uint"``, ``"int"``, ``"bool"``, ``"float"``,
    ``"abstime"``, ``"reltime"``, ``"bytes"`` or ``"string"`` (the rows of
    the module table). A name Wireshark registers several times with types
    of different kinds (137 names in Wireshark 4.0, ``can.reserved``...) and
    the ``_ws.col.*`` columns are ``"string"``: the text of each value.

    :raises UnknownFieldError: for a field Wireshark does not know.
    """
    if name.startswith(COLUMN_PREFIX):
        return "string"
    from .lib import epan

    try:
        chain = epan.Field(name).same_name_chain
    except epan.InvalidFieldError:
        from . import fields as registry

        raise registry.unknown(name) from None
    kinds = {_kind(f.type_) for f in chain}
    return kinds.pop() if len(kinds) == 1 else "string"


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
    if o[1] in _SHOWN or o[4] is None:
        return o[0]
    return o[4]


class _Column:
    """One field's first occurrence in every packet, as parallel arrays
    filled batch by batch by the C shim (``wirepy_batch_first``): the
    occurrence's field type (-1: absent), its two integers, and for text
    and bytes kinds the decoded values."""

    __slots__ = ("ft", "v1", "v2", "objects", "kind")

    def __init__(self, kind: Optional[str] = None) -> None:
        self.ft, self.v1, self.v2 = array("q"), array("q"), array("q")
        self.objects: list = []
        self.kind = kind

    def add(self, batch, slot: int) -> None:
        ft, v1, v2, pos, length = batch.locate_first(slot)
        if _ERROR in ft:
            # a value Wireshark threw on while rendering it: missing here
            ft = array("q", [_ABSENT if f == _ERROR else f for f in ft])
        n = len(ft)
        kind = self.kind
        if kind is None:
            first = next((f for f in ft if f != _ABSENT), None)
            if first is not None:
                kind = self.kind = _kind(first)
        if kind == "string":
            strs = batch.strs
            self.objects += [strs[p:p + k].decode("utf-8", "surrogateescape") if f != _ABSENT
                             else None for f, p, k in zip(ft, pos, length)]
        elif kind == "bytes":
            raw = batch.raw
            self.objects += [raw[a:a + b] if f != _ABSENT and a >= 0 else None
                             for f, a, b in zip(ft, v1, v2)]
        elif kind is None:
            self.objects += [None] * n
        self.ft += ft
        self.v1 += v1
        self.v2 += v2

    def values(self) -> list:
        """Plain Python values (None where absent), as :func:`collect` gives."""
        kind = self.kind or "string"
        if kind in ("string", "bytes"):
            return self.objects
        present = [f != _ABSENT for f in self.ft]
        if kind == "uint":
            return [(v + (1 << 64) if v < 0 else v) if p else None
                    for p, v in zip(present, self.v1)]
        if kind == "int":
            return [v if p else None for p, v in zip(present, self.v1)]
        if kind == "bool":
            return [(f == _NONE or v != 0) if f != _ABSENT else None
                    for f, v in zip(self.ft, self.v1)]
        if kind == "float":
            floats = array("d", self.v1.tobytes())
            return [v if p else None for p, v in zip(present, floats)]
        return [a * 1_000_000_000 + b if p else None
                for p, a, b in zip(present, self.v1, self.v2)]


def _fast_chunks(cap: FileCapture, names: List[str], kinds: Optional[Dict[str, str]],
                 rows: Optional[int]) -> Iterator[Dict[str, _Column]]:
    """The first occurrence of each tree field, located in C batch by batch,
    in chunks of at least *rows* packets (None: one chunk, the whole
    capture, even if empty); *kinds* fixes the columns' kinds."""
    kinds = kinds or {}

    def new_columns() -> Dict[str, _Column]:
        return {n: _Column(kinds.get(n)) for n in names}

    columns, count = new_columns(), 0
    with cap._opened(packet_fields=False) as (engine, wtap):
        slots = [(n, engine.index.slots[n]) for n in names]
        flags = engine.fast_flags() & ~lib.WIREPY_RAW
        for batch, starts in engine.batches(wtap, None, flags, engine.batch, ahead=True):
            if not starts:
                continue
            for name, slot in slots:
                columns[name].add(batch, slot)
            count += len(starts)
            if rows is not None and count >= rows:
                yield columns
                columns, count = new_columns(), 0
    if count or rows is None:
        yield columns


def _fast_columns(cap: FileCapture, names: List[str]) -> Dict[str, _Column]:
    """The first occurrence of each tree field, located in C batch by batch."""
    return next(_fast_chunks(cap, names, None, None))


def _can_go_fast(names: List[str], occurrence: str) -> bool:
    return occurrence == "first" and not any(n.startswith(COLUMN_PREFIX) for n in names)


def _slow_chunks(cap: FileCapture, names: List[str], occurrence: str,
                 kinds: Optional[Dict[str, str]],
                 rows: Optional[int]) -> Iterator[Dict[str, tuple]]:
    """Packet by packet: every occurrence, and ``_ws.col.*`` columns, as
    ``{name: (kind, values)}`` chunks of *rows* packets (None: one chunk,
    even if empty); *kinds* fixes the columns' kinds."""
    fixed = dict(kinds or {})

    def new_columns() -> Dict[str, list]:
        return {n: [] for n in names}

    def chunk() -> Dict[str, tuple]:
        return {n: (found_kinds[n] or "string", columns[n]) for n in names}

    columns, count = new_columns(), 0
    found_kinds: Dict[str, Optional[str]] = {n: fixed.get(n) for n in names}
    slots = None
    for pkt in cap:
        if slots is None:
            slots = [(n, pkt._index.slots[n]) for n in names]
        for name, slot in slots:
            values = columns[name]
            found = pkt._field(slot)
            if not found:
                values.append(None if occurrence == "first" else [])
                continue
            kind = found_kinds[name]
            if kind is None:
                kind = found_kinds[name] = _kind(found[0][1])
            if occurrence == "first":
                values.append(_plain(kind, found[0]))
            else:
                values.append([_plain(kind, o) for o in found])
        count += 1
        if rows is not None and count >= rows:
            yield chunk()
            columns, count = new_columns(), 0
    if count or rows is None:
        yield chunk()


def _slow_collect(cap: FileCapture, names: List[str], occurrence: str) -> Dict[str, tuple]:
    """Packet by packet: every occurrence, and ``_ws.col.*`` columns."""
    return next(_slow_chunks(cap, names, occurrence, None, None))


def _chunks(cap: FileCapture, names: List[str], occurrence: str,
            kinds: Optional[Dict[str, str]] = None,
            rows: Optional[int] = None) -> Iterator[Tuple[bool, Dict[str, Any]]]:
    """``(fast, data)`` of *rows* packets at a time (None: all in one
    chunk): *data* maps each name to a :class:`_Column` when *fast*, else
    to ``(kind, values)``. What every table maker reads through."""
    fast = _can_go_fast(names, occurrence)
    chunks = (_fast_chunks(cap, names, kinds, rows) if fast
              else _slow_chunks(cap, names, occurrence, kinds, rows))
    for data in chunks:
        yield fast, data


def _prepare(path, fields, display_filter, occurrence, capture_args):
    if occurrence not in ("first", "all"):
        raise ValueError("occurrence is 'first' or 'all'")
    names = list(dict.fromkeys(fields))
    cap = FileCapture(path, fields=names, display_filter=display_filter, **capture_args)
    return names, cap


def collect(path, fields: Sequence[str], *, display_filter: Optional[str] = None,
            occurrence: str = "first", **capture_args: Any) -> Dict[str, tuple]:
    """Read *fields* of every packet: ``{name: (kind, values)}`` where
    *kind* says how the values are typed (see the module table) and times
    are integer nanoseconds."""
    names, cap = _prepare(path, fields, display_filter, occurrence, capture_args)
    if not _can_go_fast(names, occurrence):
        return _slow_collect(cap, names, occurrence)
    return {n: (c.kind or "string", c.values()) for n, c in _fast_columns(cap, names).items()}


def _numbers(column: _Column, unit: Optional[str] = None):
    """(values, missing mask) as numpy arrays of a numeric column; times in
    *unit* (by default the column's own, :func:`_time_unit`), those that
    *unit* cannot hold being missing."""
    import numpy as np

    ft = np.frombuffer(column.ft, dtype=np.int64)
    missing = ft == _ABSENT
    v1 = np.frombuffer(column.v1, dtype=np.int64)
    kind = column.kind
    if kind == "uint":
        return v1.view(np.uint64), missing
    if kind == "int":
        return v1, missing
    if kind == "bool":
        return (v1 != 0) | (ft == _NONE), missing
    if kind == "float":
        return v1.view(np.float64), missing
    v2 = np.frombuffer(column.v2, dtype=np.int64)
    if (unit or _time_unit(column)) == "us":
        return v1 * 1_000_000 + v2 // 1000, missing
    low, high = _NS_SECONDS
    outside = (v1 < low) | (v1 > high)
    if outside.any():
        # a fixed schema's nanoseconds cannot hold these (they would wrap)
        missing = missing | outside
        v1 = np.where(outside, 0, v1)
    return v1 * 1_000_000_000 + v2, missing


# Seconds a nanosecond count in int64 holds (years 1678 to 2262).
_NS_SECONDS = (-(1 << 63) // 1_000_000_000 + 1, (1 << 63) // 1_000_000_000 - 1)


def _plain_times(values: list, fixed: bool = False) -> tuple:
    """``(values, unit)`` of a column of nanosecond counts: microseconds if
    one of them is beyond what an int64 of nanoseconds holds (with *fixed*,
    nanoseconds still, and such times missing)."""
    def fits(v):
        return -(1 << 63) < v < 1 << 63

    if all(v is None or fits(v) for v in values):
        return values, "ns"
    if fixed:
        return [v if v is not None and fits(v) else None for v in values], "ns"
    return [v // 1000 if v is not None else None for v in values], "us"


def _time_unit(column: _Column) -> str:
    """"ns" for a time column, or "us" if one of its times lies outside the
    years nanoseconds cover (a capture's time stamps can be anything)."""
    import numpy as np

    present = np.frombuffer(column.ft, dtype=np.int64) != _ABSENT
    secs = np.frombuffer(column.v1, dtype=np.int64)[present]
    low, high = _NS_SECONDS
    return "ns" if not secs.size or (secs.min() >= low and secs.max() <= high) else "us"


_PANDAS_DTYPES = {"uint": "UInt64", "int": "Int64", "bool": "boolean", "float": "float64",
                  "string": "string"}


def _import_meanwhile(module: str) -> Optional[threading.Thread]:
    """Start importing *module* in a thread, to overlap it with reading the
    capture (dissection runs in C without the GIL; importing pandas takes
    about half a second). After joining, import as usual: an ImportError is
    then raised in the caller's thread."""
    if module in sys.modules:
        return None
    if importlib.util.find_spec(module) is None:
        raise ImportError(f"{module} is not installed (pip install {module})", name=module)
    thread = threading.Thread(target=_try_import, args=(module,), daemon=True)
    thread.start()
    return thread


def _try_import(module: str) -> None:
    with contextlib.suppress(Exception):
        imported = importlib.import_module(module)
        if module == "pandas":
            # pandas imports its string storage (pyarrow, when installed)
            # at the first string column: about 0.15 s that would otherwise
            # come after the read instead of during it
            imported.array(["x"], dtype="string")


def _pandas_time(pd, kind: str, ns: int):
    """One time of an ``occurrence="all"`` list, as pandas types a column of
    them (microseconds where nanoseconds cannot hold it)."""
    low, high = -(1 << 63), 1 << 63
    unit, value = ("ns", ns) if low < ns < high else ("us", ns // 1000)
    if kind == "abstime":
        return pd.Timestamp(value, unit=unit, tz="UTC")
    return pd.Timedelta(value, unit=unit)


def _pandas_column(pd, kind: str, values: list, occurrence: str, fixed: bool = False):
    if occurrence == "all":
        # every occurrence, typed as the single-occurrence columns are; a
        # packet without the field has none (an empty list)
        if kind in ("abstime", "reltime"):
            values = [[_pandas_time(pd, kind, v) for v in vs] for vs in values]
        return pd.Series(values, dtype="object")
    if kind == "bytes":
        return pd.Series(values, dtype="object")
    if kind in ("abstime", "reltime"):
        values, unit = _plain_times(values, fixed)
        if kind == "abstime":
            return pd.to_datetime(pd.array(values, dtype="Int64"), unit=unit, utc=True)
        return pd.to_timedelta(pd.array(values, dtype="Int64"), unit=unit)
    return pd.array(values, dtype=_PANDAS_DTYPES[kind])


def _pandas_fast_column(pd, column: _Column, fixed: bool = False):
    """A :class:`_Column` as pandas types it, straight from its arrays."""
    kind = column.kind or "string"
    if kind in ("string", "bytes"):
        return _pandas_column(pd, kind, column.objects, "first")
    unit = "ns" if fixed else None
    values, missing = _numbers(column, unit)
    if kind == "abstime":
        return pd.to_datetime(pd.arrays.IntegerArray(values, missing),
                              unit=unit or _time_unit(column), utc=True)
    if kind == "reltime":
        return pd.to_timedelta(pd.arrays.IntegerArray(values, missing),
                               unit=unit or _time_unit(column))
    if kind == "bool":
        return pd.arrays.BooleanArray(values, missing)
    if kind == "float":
        values = values.copy()
        values[missing] = float("nan")
        return pd.array(values, dtype="float64")
    return pd.arrays.IntegerArray(values, missing)


def pandas_frame(names: List[str], fast: bool, data: Dict[str, Any], occurrence: str,
                 fixed: bool = False):
    """The :class:`pandas.DataFrame` of one chunk of :func:`_chunks`; with
    *fixed*, times are in nanoseconds whatever they hold (the columns'
    kinds were fixed by the reader)."""
    import pandas as pd

    frame: Dict[str, Any] = {}
    for name in names:
        if fast:
            frame[name] = _pandas_fast_column(pd, data[name], fixed)
        else:
            kind, values = data[name]
            frame[name] = _pandas_column(pd, kind, values, occurrence, fixed)
    return pd.DataFrame(frame, columns=names)


def empty_frame(names: List[str], kinds: Dict[str, str], occurrence: str):
    """A frame of no rows with the columns :func:`pandas_frame` makes of
    fields of *kinds* (a Dask ``meta``)."""
    import pandas as pd

    return pd.DataFrame({n: _pandas_column(pd, kinds[n], [], occurrence, True) for n in names},
                        columns=names)


def arrow_type(kind: str, occurrence: str = "first", unit: str = "ns"):
    """The :mod:`pyarrow` type of a column of *kind* (see the module table):
    a list of it with ``occurrence="all"``."""
    import pyarrow as pa

    if kind == "abstime":
        typ = pa.timestamp(unit, tz="UTC")
    elif kind == "reltime":
        typ = pa.duration(unit)
    else:
        typ = {"uint": pa.uint64(), "int": pa.int64(), "bool": pa.bool_(),
               "float": pa.float64(), "bytes": pa.binary(), "string": pa.string()}[kind]
    return pa.list_(typ) if occurrence == "all" else typ


def arrow_arrays(fast: bool, data: Dict[str, Any], occurrence: str,
                 fixed: bool = False) -> list:
    """The :mod:`pyarrow` arrays of one chunk of :func:`_chunks`, in the
    order of *data*; with *fixed*, times are in nanoseconds whatever they
    hold (the columns' kinds were fixed by the reader)."""
    import pyarrow as pa

    arrays: List[Any] = []
    if not fast:
        for kind, values in data.values():
            unit = "ns"
            if kind in ("abstime", "reltime") and occurrence != "all":
                values, unit = _plain_times(values, fixed)
            arrays.append(pa.array(values, type=arrow_type(kind, occurrence, unit)))
        return arrays
    for column in data.values():
        kind = column.kind or "string"
        if kind in ("string", "bytes") or importlib.util.find_spec("numpy") is None:
            values = column.values()
            unit = "ns"
            if kind in ("abstime", "reltime"):
                values, unit = _plain_times(values, fixed)
            arrays.append(pa.array(values, type=arrow_type(kind, "first", unit)))
            continue
        unit = "ns" if fixed else _time_unit(column) if kind in ("abstime", "reltime") \
            else "ns"
        values, missing = _numbers(column, unit)
        arrays.append(pa.array(values, mask=missing, type=arrow_type(kind, "first", unit)))
    return arrays


def _read_for(module: str, path, fields, display_filter, occurrence, capture_args):
    """``(names, fast, data)`` for a table made by *module* (imported
    meanwhile): *data* maps each name to a :class:`_Column` when *fast*,
    else to ``(kind, values)``."""
    importing = _import_meanwhile(module)
    names, cap = _prepare(path, fields, display_filter, occurrence, capture_args)
    fast, data = next(_chunks(cap, names, occurrence))
    if importing is not None:
        importing.join()
    return names, fast, data


def to_dataframe(path, fields: Sequence[str], *, display_filter: Optional[str] = None,
                 occurrence: str = "first", value_names: bool = False,
                 **capture_args: Any):
    """The values of *fields* in every packet of *path* as a
    :class:`pandas.DataFrame`, one row per packet (that passes
    *display_filter*), typed columns (see the module table).

    :param value_names: integer fields that Wireshark names by a value
        table (``_ws.expert.severity``, ``ip.proto``) get those names
        (``"Warning"``, ``"UDP"``) as a categorical column; a value the
        table lacks keeps its number, as text."""
    names, fast, data = _read_for("pandas", path, fields, display_filter, occurrence,
                                  capture_args)
    frame = pandas_frame(names, fast, data, occurrence)
    if value_names and occurrence == "first":
        _name_values(frame)
    return frame


def _name_values(frame) -> None:
    """Integer columns of fields with a value table: their names (in place)."""
    from . import fields as registry

    for name in frame.columns:
        if str(frame[name].dtype) not in ("UInt64", "Int64") or name.startswith(COLUMN_PREFIX):
            continue
        table = registry.describe(name).value_strings
        if table:
            frame[name] = frame[name].map(
                lambda v, t=table: t.get(int(v), str(v)) if v is not None and v == v else None,
                na_action="ignore").astype("category")


def to_arrow(path, fields: Sequence[str], *, display_filter: Optional[str] = None,
             occurrence: str = "first", **capture_args: Any):
    """The values of *fields* in every packet of *path* as a
    :class:`pyarrow.Table` (see the module table for the types)."""
    names, fast, data = _read_for("pyarrow", path, fields, display_filter, occurrence,
                                  capture_args)
    import pyarrow as pa

    return pa.Table.from_arrays(arrow_arrays(fast, data, occurrence), names=names)
