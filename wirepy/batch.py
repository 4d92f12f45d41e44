"""The output of one C batch call as the Pythonic API reads it:
:class:`Batch` (the integers, strings and raw bytes of a batch of packets,
in the layout of ``cdefs/shim/dissect.h``) and :class:`FieldIndex` (which
field is in which slot). :mod:`wirepy.packet` re-exports them.
"""

from __future__ import annotations

from array import array
from typing import Any, Dict, List, Optional, Sequence, Tuple

from . import values
from .lib.ftypes import types_of_class
from .lib.wireshark import ffi, lib


class FieldIndex:
    """Which fields a capture extracts, in which slot (shared by its packets)."""

    __slots__ = ("names", "slots", "requested", "n_tree", "columns")

    def __init__(self, requested: Sequence[str], extras: Sequence[str]) -> None:
        names: List[str] = []
        for name in list(requested) + list(extras):
            if name not in names:
                names.append(name)
        self.names = names
        self.slots = {name: i for i, name in enumerate(names)}
        self.requested = list(requested)
        #: slots below this come from the tree; the others are column texts
        self.n_tree = len(names)
        #: slot -> column index, for the ``_ws.col.*`` fields
        self.columns: Dict[int, int] = {}


class Batch:
    """The output of one C call for a batch of packets: the integers (an
    ``array('q')``), the strings (NUL-terminated, UTF-8) and the raw bytes,
    plus what every packet of the batch shares (the field index, the
    columns' layout, the interface names). The packets of the batch read
    their header and fields from it on demand, so it lives as long as any
    of them."""

    __slots__ = ("ints", "strs", "raw", "column_set", "index", "interfaces", "starts",
                 "firsts", "_c")

    def __init__(self, ints, strs: bytes, raw: bytes, column_set,
                 index: Optional[FieldIndex] = None,
                 interfaces: Optional[Dict[int, Optional[str]]] = None,
                 starts: Sequence[int] = ()) -> None:
        self.ints = ints
        self.strs = strs
        self.raw = raw
        self.column_set = column_set
        self.index = index
        self.interfaces = interfaces
        #: where each packet starts in ints
        self.starts = starts
        #: field name -> the typed value of its first occurrence in every
        #: packet (_NO_VALUE where missing), or None where get() must take
        #: the packet-by-packet path
        self.firsts: Dict[str, Optional[list]] = {}
        self._c: Optional[tuple] = None

    def first_values(self, name: str) -> Optional[list]:
        """The typed value of the first occurrence of *name* in each packet
        of the batch, located in C in one call (cached); None when the
        field is not a typed tree field of this batch."""
        index = self.index
        slot = index.slots.get(name) if index is not None else None
        column = None
        if slot is not None and slot < index.n_tree and self.starts:
            column = self._decode_first(slot)
        self.firsts[name] = column
        return column

    def locate_first(self, slot: int) -> List[array]:
        """Where the first occurrence of the tree field in *slot* is, for
        every packet, found in C: five ``array('q')`` -- its field type
        (``WIREPY_COLUMN_ABSENT`` / ``_UNTYPED`` when there is none / no
        typed value), its two integers, and the byte offset and length in
        :attr:`strs` of its text."""
        n = len(self.starts)
        if self._c is None:
            self._c = (ffi.from_buffer("gint64[]", self.ints),
                       ffi.from_buffer("char[]", self.strs or b"\0"),
                       ffi.new("gint64[]", self.starts))
        c_ints, c_strs, c_starts = self._c
        out = [array("q", bytes(8 * n)) for _ in range(5)]
        if lib.wirepy_batch_first(c_ints, len(self.ints), c_strs, len(self.strs), c_starts, n,
                                  slot, *[ffi.from_buffer("gint64[]", a) for a in out]) < 0:
            raise RuntimeError("malformed field batch (a wirepy bug)")
        return out

    def _decode_first(self, slot: int) -> Optional[list]:
        strs = self.strs
        fts, v1s, v2s, positions, lengths = self.locate_first(slot)
        kinds = set(fts)
        if _UNTYPED in kinds:
            return None
        if kinds <= _PLAIN_INTS_OR_ABSENT:
            # the common case, at C speed: the values are the integers
            column = v1s.tolist()
            if _ABSENT in kinds:
                for i in [i for i, ft in enumerate(fts) if ft == _ABSENT]:
                    column[i] = _NO_VALUE
            return column
        raw = self.raw
        column: list = []
        append = column.append
        decoder_for = values.decoder_for
        addresses: Dict[bytes, Any] = {}
        for ft, v1, v2, pos, length in zip(fts, v1s, v2s, positions, lengths):
            if ft == _ABSENT:
                append(_NO_VALUE)
            elif ft in _PLAIN_INTS:
                append(v1)
            elif ft in _DIRECT_TYPES:
                text = (raw[v1:v1 + v2] if v1 >= 0 else None) if ft in _BYTES_TYPES else None
                append(decoder_for(ft)(v1, v2, text, None))
            elif ft in _ADDRESS_TYPES:
                # captures repeat their addresses: decoded once per batch
                key = strs[pos:pos + length]
                address = addresses.get(key)
                if address is None:
                    text = key.decode("utf-8", "surrogateescape")
                    address = addresses[key] = decoder_for(ft)(v1, v2, text, text)
                append(address)
            else:
                text = strs[pos:pos + length].decode("utf-8", "surrogateescape")
                append(decoder_for(ft)(v1, v2, text, text))
        return column

    def string(self, pos: int) -> Tuple[str, int]:
        """The string at byte *pos* and the position after it."""
        end = self.strs.index(b"\0", pos)
        return self.strs[pos:end].decode("utf-8", "surrogateescape"), end + 1


_HEADER = lib.WIREPY_PKT_INTS
_ABSENT = lib.WIREPY_COLUMN_ABSENT
_UNTYPED = lib.WIREPY_COLUMN_UNTYPED
_NO_VALUE = object()     # in a Batch.firsts column: the packet has no such field
#: Types whose value is the first integer as it is.
_PLAIN_INTS = types_of_class(lib.WIREPY_VC_UINT, lib.WIREPY_VC_INT)
_PLAIN_INTS_OR_ABSENT = _PLAIN_INTS | {_ABSENT}
_ADDRESS_TYPES = types_of_class(lib.WIREPY_VC_ADDRESS)
_BYTES_TYPES = values.BYTES_TYPES
_NODE_INTS = lib.WIREPY_NODE_INTS
_HAS_RAW = lib.WIREPY_NODE_HAS_RAW
_HAS_TEXT = lib.WIREPY_NODE_HAS_TEXT
# an indexed packet's directory (see dissect.h)
_D_RAW_AT, _D_RAW_LEN = lib.WIREPY_D_RAW_AT, lib.WIREPY_D_RAW_LEN
_D_N_COLUMNS, _D_COLUMNS_AT = lib.WIREPY_D_N_COLUMNS, lib.WIREPY_D_COLUMNS_AT
_D_N_LAYERS, _D_LAYERS_AT = lib.WIREPY_D_N_LAYERS, lib.WIREPY_D_LAYERS_AT
#: Types whose value needs no text: decoded from the ints (and raw bytes).
_DIRECT_TYPES = types_of_class(
    lib.WIREPY_VC_NONE, lib.WIREPY_VC_UINT, lib.WIREPY_VC_UINT64, lib.WIREPY_VC_INT,
    lib.WIREPY_VC_BOOL, lib.WIREPY_VC_FLOAT, lib.WIREPY_VC_ABS_TIME, lib.WIREPY_VC_REL_TIME,
    lib.WIREPY_VC_BYTES)


