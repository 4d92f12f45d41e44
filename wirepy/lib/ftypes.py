"""Field types and field values.

Every field Wireshark knows has one of a fixed set of types (``ftenum``):
integers of several widths, addresses, times, strings, bytes. A
:class:`FieldType` names one of them; a :class:`Value` is a value of such a
type, an owning copy taken while the packet it came from was still being
dissected, convertible to the natural Python type:

==============================  ==========================================
field type                      Python value
==============================  ==========================================
integers, FRAMENUM, CHAR        :class:`int`
BOOLEAN                         :class:`bool`
FLOAT, DOUBLE, IEEE_11073_*     :class:`float`
ABSOLUTE_TIME                   :class:`datetime.datetime` (UTC); beyond
                                the years 1 to 9999, :class:`int`
                                nanoseconds since the epoch
RELATIVE_TIME                   :class:`datetime.timedelta`; beyond its
                                range, :class:`int` nanoseconds
STRING and its variants         :class:`str`
BYTES, UINT_BYTES, AX25, ...    :class:`bytes`
IPv4, IPv6                      :mod:`ipaddress` address (network if masked)
GUID                            :class:`uuid.UUID`
ETHER, EUI64, OID, REL_OID,     :class:`str`: Wireshark's text
IPXNET, PROTOCOL
NONE                            ``True`` (the field is present)
==============================  ==========================================

The table is the shim's (``cdefs/shim/typed_value.h``): for each field type
a *value class* says what C hands over and how :func:`decode` turns it into
the Python value, the same way for field extraction and for trees.
"""

from __future__ import annotations

import datetime
import ipaddress
import struct
import sys
from typing import Any, Callable, Dict, FrozenSet, Iterator, Optional

from . import wireshark
from .timestamp import far_delta_ns, far_time_ns
from .wireshark import ffi, lib

__all__ = [
    "FTypesError", "OperationNotPossible", "InvalidFieldType", "FieldType", "Type",
    "Value", "to_python", "decode", "decoder_for", "value_class", "types_of_class",
]


class FTypesError(Exception):
    """Base class for all ftypes-related errors."""


class OperationNotPossible(FTypesError):
    """The value cannot be represented the way that was asked for."""


class InvalidFieldType(FTypesError, ValueError):
    """Not a field type of this Wireshark."""


#: FT_* names of Wireshark 4.0, in ``enum ftenum`` order.
_FT_NAMES = [
    "NONE", "PROTOCOL", "BOOLEAN", "CHAR", "UINT8", "UINT16", "UINT24", "UINT32",
    "UINT40", "UINT48", "UINT56", "UINT64", "INT8", "INT16", "INT24", "INT32",
    "INT40", "INT48", "INT56", "INT64", "IEEE_11073_SFLOAT", "IEEE_11073_FLOAT",
    "FLOAT", "DOUBLE", "ABSOLUTE_TIME", "RELATIVE_TIME", "STRING", "STRINGZ",
    "UINT_STRING", "ETHER", "BYTES", "UINT_BYTES", "IPv4", "IPv6", "IPXNET",
    "FRAMENUM", "GUID", "OID", "EUI64", "AX25", "VINES", "REL_OID", "SYSTEM_ID",
    "STRINGZPAD", "FCWWN", "STRINGZTRUNC",
]


# -- the value table ------------------------------------------------------------

def value_class(ftype: int) -> int:
    """The value class of field type *ftype* (``lib.WIREPY_VC_*``, see
    ``cdefs/shim/typed_value.h``): what the shim hands over for its values."""
    return _CLASS.get(ftype, lib.WIREPY_VC_UNKNOWN)


_CLASS: Dict[int, int] = {ft: lib.wirepy_value_class(ft) for ft in range(lib.FT_NUM_TYPES)}


def types_of_class(*classes: int) -> FrozenSet[int]:
    """The field types whose value class is one of *classes*."""
    return frozenset(ft for ft, vc in _CLASS.items() if vc in classes)


_INTEGER = types_of_class(lib.WIREPY_VC_UINT, lib.WIREPY_VC_UINT64, lib.WIREPY_VC_INT)
_pack_q = struct.Struct("<q").pack
_unpack_d = struct.Struct("<d").unpack


def _int(v1, v2, text, shown):
    return v1


def _uint64(v1, v2, text, shown):
    return v1 + (1 << 64) if v1 < 0 else v1


def _bool(v1, v2, text, shown):
    return v1 != 0


def _float(v1, v2, text, shown):
    return _unpack_d(_pack_q(v1))[0]


def _abs_time(v1, v2, text, shown):
    return far_time_ns(v1, v2)


def _rel_time(v1, v2, text, shown):
    return far_delta_ns(v1, v2)


def _text(v1, v2, text, shown):
    return text if text is not None else shown


def _bytes(v1, v2, text, shown):
    return text


class _TextEquality:
    """Mixin: an address that also compares equal to its text, as pyshark's
    string values do (``pkt.ip.src == "192.0.2.1"``); hashed as its text,
    so it finds and is found by that text in sets and dicts (and not by a
    plain :mod:`ipaddress` object in a set, though equal to it). Field
    values of type IPv4 and IPv6 are :class:`IPv4Address`,
    :class:`IPv6Address` (or, masked, :class:`IPv4Network`,
    :class:`IPv6Network`) of this module: subclasses of :mod:`ipaddress`'s,
    left out of its ``__all__`` (their documentation is Python's)."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            if str(self) == other:
                return True
            try:
                return super().__eq__(type(self)(other.strip()))  # other spellings
            except ValueError:
                return False
        return super().__eq__(other)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(str(self))


class IPv4Address(_TextEquality, ipaddress.IPv4Address):
    """An :class:`ipaddress.IPv4Address` equal to its text too."""

    __slots__ = ()


class IPv6Address(_TextEquality, ipaddress.IPv6Address):
    """An :class:`ipaddress.IPv6Address` equal to its text too."""

    __slots__ = ()


class IPv4Network(_TextEquality, ipaddress.IPv4Network):
    """An :class:`ipaddress.IPv4Network` (a masked address) equal to its text too."""


class IPv6Network(_TextEquality, ipaddress.IPv6Network):
    """An :class:`ipaddress.IPv6Network` (a masked address) equal to its text too."""


def _ip(text: str) -> Any:
    if "/" in text:
        net = ipaddress.ip_network(text, strict=False)
        return (IPv4Network if net.version == 4 else IPv6Network)(net)
    if ":" in text:
        return IPv6Address(text)
    return IPv4Address(text)


_ADDRESSES: dict = {}


def _address(v1, v2, text, shown):
    # Captures repeat their addresses: the (immutable) objects are shared.
    if text is None:
        text = shown
    address = _ADDRESSES.get(text)
    if address is None:
        try:
            address = _ip(text)
        except (TypeError, ValueError):
            return text
        if len(_ADDRESSES) >= 65536:
            _ADDRESSES.clear()
        _ADDRESSES[text] = address
    return address


def _guid(v1, v2, text, shown):
    import uuid  # GUIDs are rare: not imported at start-up

    try:
        return uuid.UUID(text if text is not None else shown)
    except (TypeError, ValueError):
        return text


def _decimal(v1, v2, text, shown):
    try:
        return float(text if text is not None else shown)
    except (TypeError, ValueError):
        return None


def _shown(v1, v2, text, shown):
    return shown


def _present(v1, v2, text, shown):
    return True


def _error(v1, v2, text, shown):
    return None


_BY_CLASS: Dict[int, Callable] = {
    lib.WIREPY_VC_NONE: _present,
    lib.WIREPY_VC_SHOWN: _shown,
    lib.WIREPY_VC_UINT: _int,
    lib.WIREPY_VC_UINT64: _uint64,
    lib.WIREPY_VC_INT: _int,
    lib.WIREPY_VC_BOOL: _bool,
    lib.WIREPY_VC_FLOAT: _float,
    lib.WIREPY_VC_ABS_TIME: _abs_time,
    lib.WIREPY_VC_REL_TIME: _rel_time,
    lib.WIREPY_VC_STRING: _text,
    lib.WIREPY_VC_BYTES: _bytes,
    lib.WIREPY_VC_ADDRESS: _address,
    lib.WIREPY_VC_GUID: _guid,
    lib.WIREPY_VC_DECIMAL: _decimal,
    lib.WIREPY_VC_UNKNOWN: _shown,
}
assert len(_BY_CLASS) == lib.WIREPY_VC_COUNT
_DECODERS: Dict[int, Callable] = {ft: _BY_CLASS[vc] for ft, vc in _CLASS.items()}
# a value whose rendering threw in Wireshark (see dissect.h)
_DECODERS[lib.WIREPY_FT_ERROR] = _error


def decode(ftype: int, v1: int, v2: int, text: Any, shown: Optional[str]) -> Any:
    """The Python value of one field occurrence, from what the shim handed
    over: *v1*/*v2* (integers, times, a double's bits), *text* (the string
    of string-like classes, the :class:`bytes` of bytes-like ones, or None)
    and *shown*, the occurrence as ``tshark -T fields`` writes it."""
    return _DECODERS.get(ftype, _shown)(v1, v2, text, shown)


def decoder_for(ftype: int) -> Callable:
    """The decoding function of *ftype* (see :func:`decode`)."""
    return _DECODERS.get(ftype, _shown)


class FieldType:
    """A ``ftenum_t``: one of Wireshark's field types.

    Class attributes name every type of Wireshark 4.0 (``FieldType.UINT8``,
    ``FieldType.IPv4``...); ``*_LEN`` attributes are the fixed lengths in
    bytes of address types. Instances compare equal to each other and to
    the plain ``ftenum`` integer.
    """

    __slots__ = ("ftenum",)
    _instances: dict = {}

    NUM_TYPES: int = lib.FT_NUM_TYPES
    ETHER_LEN: int = lib.FT_ETHER_LEN
    GUID_LEN: int = lib.FT_GUID_LEN
    IPv4_LEN: int = lib.FT_IPv4_LEN
    IPv6_LEN: int = lib.FT_IPv6_LEN
    IPXNET_LEN: int = lib.FT_IPXNET_LEN
    EUI64_LEN: int = lib.FT_EUI64_LEN
    AX25_ADDR_LEN: int = lib.FT_AX25_ADDR_LEN
    VINES_ADDR_LEN: int = lib.FT_VINES_ADDR_LEN
    FCWWN_LEN: int = lib.FT_FCWWN_LEN
    #: Wireshark < 3.6 had a field type for compiled regexes; 4.0 has none.
    PCRE: Optional[FieldType] = None

    def __new__(cls, ftenum: int) -> FieldType:
        ftenum = int(ftenum)
        inst = cls._instances.get(ftenum)
        if inst is None:
            if not 0 <= ftenum < lib.FT_NUM_TYPES:
                raise InvalidFieldType(f"{ftenum} is not a field type (0..{lib.FT_NUM_TYPES - 1})")
            inst = object.__new__(cls)
            inst.ftenum = ftenum
            cls._instances[ftenum] = inst
        return inst

    def __init__(self, ftenum: int) -> None:  # noqa: D107 - set up by __new__
        pass

    def __int__(self) -> int:
        return self.ftenum

    __index__ = __int__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FieldType):
            return other.ftenum == self.ftenum
        if isinstance(other, int):
            return other == self.ftenum
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.ftenum)

    def __repr__(self) -> str:
        return f"<FieldType {self.name}>"

    @property
    def name(self) -> str:
        """The name of this FieldType (``FT_UINT8``)."""
        wireshark.initialize()
        return ffi.string(lib.ftype_name(self.ftenum)).decode()

    @property
    def pretty_name(self) -> str:
        """A more human-friendly name of this FieldType."""
        wireshark.initialize()
        return ffi.string(lib.ftype_pretty_name(self.ftenum)).decode()

    @property
    def is_integer(self) -> bool:
        """True for the integer types (FT_INT*, FT_UINT*, FT_CHAR, FT_FRAMENUM)."""
        return self.ftenum in _INTEGER

    def value_from_unparsed(self, s: str, allow_partial_value: bool = False) -> Value:
        """Create a new Value from an unparsed string representation.

        :raises OperationNotPossible: with Wireshark's message if *s* is no
            valid value of this type.
        """
        wireshark.initialize()
        err = ffi.new("gchar **")
        with wireshark.lock:
            fv = lib.wirepy_fvalue_from_literal(self.ftenum, s.encode(),
                                                bool(allow_partial_value), err)
            if fv == ffi.NULL:
                msg = ffi.string(err[0]).decode("utf-8", "replace") if err[0] else s
                if err[0]:
                    lib.g_free(err[0])
                raise OperationNotPossible(msg)
            # fvalue_free is not exported by 4.0: the small fvalue_t is left
            # to libwireshark (one per call; use sparingly in loops)
            display = _repr(fv, lib.FTREPR_DISPLAY)
            dfilter = _repr(fv, lib.FTREPR_DFILTER)
            if self.ftenum in (lib.FT_ABSOLUTE_TIME, lib.FT_RELATIVE_TIME):
                t = lib.fvalue_get_time(fv)
                value = to_python(self.ftenum, t.secs, t.nsecs)
                return Value(self, display, dfilter, value, True)
        return Value(self, display, dfilter)

    @classmethod
    def iter_types(cls) -> Iterator[FieldType]:
        """Iterate over all field types."""
        for i in range(lib.FT_NUM_TYPES):
            yield cls(i)


for _i, _n in enumerate(_FT_NAMES):
    assert getattr(lib, "FT_" + _n) == _i
    setattr(FieldType, _n, FieldType(_i))
del _i, _n

#: The original wirepy API's name for the ``ftype_t`` wrapper: here the same as FieldType.
Type = FieldType


def _repr(fv, rtype: int) -> Optional[str]:
    s = lib.fvalue_to_string_repr(ffi.NULL, fv, rtype, lib.BASE_NONE)
    if s == ffi.NULL:
        return None
    try:
        return ffi.string(s).decode("utf-8", "surrogateescape")
    finally:
        lib.wmem_free(ffi.NULL, s)


def to_python(ftype: int, v1: int = 0, v2: int = 0, raw: Optional[str] = None,
              show: Optional[str] = None, shown: Optional[str] = None) -> Any:
    """Convert a value with its text forms to its Python type (see
    :func:`decode`): *raw* is the shim's raw text (hex for bytes, the string
    itself, the filter text of addresses), *show* Wireshark's display text,
    taken where *raw* is None; *shown* (default: *show*) is the text that is
    the value of types valued by their text."""
    text = raw if raw is not None else show
    if value_class(ftype) == lib.WIREPY_VC_BYTES:
        try:
            text = bytes.fromhex(text) if text is not None else None
        except ValueError:
            text = None
    return decode(ftype, v1, v2, text, show if shown is None else shown)


def _parse_time(ftype: int, text: Optional[str]) -> Any:
    """A time from its filter text (for Values built without the C value):
    ``"2002-12-31 13:55:31.300000000+0000"`` (up to Wireshark 4.4),
    ``2002-12-31T13:55:31.300000000+0000`` (ISO 8601, 4.6) or seconds
    ``1.5``."""
    if text is None:
        return None
    text = text.strip().strip('"')
    if ftype == lib.FT_RELATIVE_TIME:
        secs, _, frac = text.partition(".")
        neg = secs.startswith("-")
        total = datetime.timedelta(seconds=abs(int(secs or 0)),
                                   microseconds=int((frac + "000000")[:6]))
        return -total if neg else total
    date, _, rest = text.replace("T", " ", 1).partition(" ")
    clock = rest[:-5] if rest[-5:-4] in "+-" else rest
    hms, _, frac = clock.partition(".")
    dt = datetime.datetime.strptime(f"{date} {hms}", "%Y-%m-%d %H:%M:%S")
    dt = dt.replace(microsecond=int((frac + "000000")[:6]), tzinfo=datetime.timezone.utc)
    if rest[-5:-4] in "+-" and len(rest) > 5:
        off = rest[-5:]
        delta = datetime.timedelta(hours=int(off[1:3]), minutes=int(off[3:5]))
        dt = dt - delta if off[0] == "+" else dt + delta
    return dt


class Value:
    """A ``fvalue_t``, copied out of libwireshark.

    Holds the display and filter representations Wireshark gave the value
    and its Python conversion (:attr:`value`); nothing points into C memory.
    """

    __slots__ = ("type_", "_display", "_dfilter", "_value", "_converted")

    def __init__(self, type_: FieldType, display: Optional[str], dfilter: Optional[str],
                 value: Any = None, converted: bool = False) -> None:
        self.type_ = FieldType(type_)
        self._display = display
        self._dfilter = dfilter
        self._value = value
        self._converted = converted

    @classmethod
    def new(cls, type_: FieldType, text: str) -> Value:
        """Allocate and initialize a Value of *type_* from its text."""
        return FieldType(type_).value_from_unparsed(text)

    @property
    def value(self) -> Any:
        """The value as a Python object (see the module documentation)."""
        if not self._converted:
            ft = self.type_.ftenum
            vc = value_class(ft)
            raw = self._dfilter
            v1 = 0
            if vc in (lib.WIREPY_VC_UINT, lib.WIREPY_VC_UINT64, lib.WIREPY_VC_INT,
                      lib.WIREPY_VC_BOOL):
                if raw is not None and raw.startswith("'"):
                    # FT_CHAR's filter text is a C character literal ('A', '\\x01')
                    import ast
                    v1 = ord(ast.literal_eval(raw))
                elif raw in ("True", "False"):
                    # a boolean's filter text from Wireshark 4.2 on (1/0 before)
                    v1 = int(raw == "True")
                else:
                    v1 = int(raw, 0) if raw is not None else 0
                raw = None
            elif vc == lib.WIREPY_VC_FLOAT:
                # a float built from its text has no bits from the shim
                self._value = _decimal(0, 0, raw, self._display)
                self._converted = True
                return self._value
            elif vc == lib.WIREPY_VC_STRING and raw is not None and raw.startswith('"'):
                raw = self._display
            elif vc == lib.WIREPY_VC_BYTES and raw is not None:
                raw = raw.replace(":", "").replace(".", "").replace("-", "")
            elif vc in (lib.WIREPY_VC_ABS_TIME, lib.WIREPY_VC_REL_TIME):
                self._value = _parse_time(ft, raw)
                self._converted = True
                return self._value
            self._value = to_python(ft, v1, 0, raw, self._display)
            self._converted = True
        return self._value

    def to_string_repr(self, rtype: Optional[int] = None) -> str:
        """A human-readable string representation of this value.

        *rtype* is ``FTREPR_DISPLAY`` (default) or ``FTREPR_DFILTER``.

        :raises OperationNotPossible: if the value has no representation of
            that kind.
        """
        text = self._dfilter if rtype == lib.FTREPR_DFILTER else self._display
        if text is None:
            raise OperationNotPossible(f"{self.type_.name} value has no such representation")
        return text

    def len_string_repr(self, rtype: Optional[int] = None) -> int:
        """Length of :meth:`to_string_repr` (without a terminating NUL), -1
        if it cannot be represented in *rtype*."""
        try:
            return len(self.to_string_repr(rtype).encode("utf-8", "surrogateescape"))
        except OperationNotPossible:
            return -1

    def __len__(self) -> int:
        """The length in bytes of this value (of its wire form where known)."""
        v = self.value
        if isinstance(v, (bytes, str)):
            return len(v)
        if isinstance(v, (ipaddress.IPv4Address, ipaddress.IPv4Network)):
            return 4
        if isinstance(v, (ipaddress.IPv6Address, ipaddress.IPv6Network)):
            return 16
        uuid = sys.modules.get("uuid")     # a UUID exists only once it is imported
        if uuid is not None and isinstance(v, uuid.UUID):
            return 16
        return 0

    def __repr__(self) -> str:
        return f"<Value {self.type_.name} {self._display!r}>"

    def __str__(self) -> str:
        return self._display or ""

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Value):
            return self.type_ == other.type_ and self._dfilter == other._dfilter
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.type_.ftenum, self._dfilter))
