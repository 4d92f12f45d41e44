"""Field types and field values.

Every field Wireshark knows has one of a fixed set of types (``ftenum``):
integers of several widths, addresses, times, strings, bytes. A
:class:`FieldType` names one of them; a :class:`Value` is a value of such a
type, an owning copy taken while the packet it came from was still being
dissected, convertible to the natural Python type:

============================  =============================================
field type                    Python value
============================  =============================================
integers, FRAMENUM, CHAR      :class:`int`
BOOLEAN                       :class:`bool` (masked booleans: the raw int)
FLOAT, DOUBLE, IEEE_11073_*   :class:`float`
ABSOLUTE_TIME                 :class:`datetime.datetime` in UTC
RELATIVE_TIME                 :class:`datetime.timedelta`
STRING* , UINT_STRING         :class:`str`
BYTES, UINT_BYTES, AX25, ...  :class:`bytes`
IPv4, IPv6                    :mod:`ipaddress` address (network if masked)
GUID                          :class:`uuid.UUID`
ETHER, EUI64, OID, REL_OID    :class:`str`, the same text as Wireshark
NONE, PROTOCOL                ``None``
============================  =============================================
"""

from __future__ import annotations

import datetime
import ipaddress
import sys
from typing import Any, Iterator, Optional

from . import wireshark
from .timestamp import far_time_ns
from .wireshark import ffi, lib

__all__ = [
    "FTypesError", "OperationNotPossible", "InvalidFieldType", "FieldType", "Type",
    "Value", "to_python",
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

_INTEGER = frozenset(getattr(lib, "FT_" + n) for n in (
    "CHAR", "UINT8", "UINT16", "UINT24", "UINT32", "UINT40", "UINT48", "UINT56",
    "UINT64", "INT8", "INT16", "INT24", "INT32", "INT40", "INT48", "INT56", "INT64",
    "FRAMENUM"))
_SIGNED = frozenset(getattr(lib, "FT_INT" + n) for n in ("8", "16", "24", "32", "40",
                                                          "48", "56", "64"))
_STRING = frozenset(getattr(lib, "FT_" + n) for n in (
    "STRING", "STRINGZ", "UINT_STRING", "STRINGZPAD", "STRINGZTRUNC"))
_BYTES = frozenset(getattr(lib, "FT_" + n) for n in (
    "BYTES", "UINT_BYTES", "AX25", "VINES", "SYSTEM_ID", "FCWWN"))
_TEXT = frozenset(getattr(lib, "FT_" + n) for n in ("ETHER", "EUI64", "OID", "REL_OID",
                                                     "IPXNET"))
_FLOAT = frozenset(getattr(lib, "FT_" + n) for n in (
    "FLOAT", "DOUBLE", "IEEE_11073_SFLOAT", "IEEE_11073_FLOAT"))



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
            fv = lib.fvalue_from_literal(self.ftenum, s.encode(), bool(allow_partial_value), err)
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

#: The seed's name for the ``ftype_t`` wrapper: here the same as FieldType.
Type = FieldType


def _repr(fv, rtype: int) -> Optional[str]:
    s = lib.fvalue_to_string_repr(ffi.NULL, fv, rtype, lib.BASE_NONE)
    if s == ffi.NULL:
        return None
    try:
        return ffi.string(s).decode("utf-8", "surrogateescape")
    finally:
        lib.wmem_free(ffi.NULL, s)


def _ip(text: str) -> Any:
    if "/" in text:
        return ipaddress.ip_network(text, strict=False)
    return ipaddress.ip_address(text)


def to_python(ftype: int, v1: int = 0, v2: int = 0, raw: Optional[str] = None,
              show: Optional[str] = None, bitmask: int = 0) -> Any:
    """Convert a value extracted by the C shim to its Python type.

    *v1*/*v2* carry integers and times, *raw* the shim's raw text (hex for
    bytes, decimal for floats, Wireshark's filter text for addresses), *show*
    the display text used for MACs, EUI64s and OIDs.
    """
    if ftype in _INTEGER:
        if ftype not in _SIGNED and v1 < 0:
            v1 += 1 << 64
        return v1
    if ftype == lib.FT_BOOLEAN:
        if v1 < 0:
            v1 += 1 << 64
        return bool(v1) if not bitmask else bool(v1)
    if ftype == lib.FT_ABSOLUTE_TIME:
        return far_time_ns(v1, v2)
    if ftype == lib.FT_RELATIVE_TIME:
        return datetime.timedelta(seconds=v1, microseconds=v2 // 1000)
    if ftype in _STRING:
        return raw if raw is not None else show
    if ftype in _BYTES:
        text = raw if raw is not None else show
        try:
            return bytes.fromhex(text) if text is not None else None
        except ValueError:
            return None
    if ftype in _FLOAT:
        try:
            return float(raw if raw is not None else show)
        except (TypeError, ValueError):
            return None
    if ftype in (lib.FT_IPv4, lib.FT_IPv6):
        try:
            return _ip(raw if raw is not None else show)
        except ValueError:
            return raw
    if ftype == lib.FT_GUID:
        try:
            import uuid  # GUIDs are rare: not imported at start-up

            return uuid.UUID(raw if raw is not None else show)
        except (TypeError, ValueError):
            return raw
    if ftype in _TEXT:
        return show
    return None


def _parse_time(ftype: int, text: Optional[str]) -> Any:
    """A time from its filter text (for Values built without the C value):
    ``"2002-12-31 13:55:31.300000000+0000"`` or seconds ``1.5``."""
    if text is None:
        return None
    text = text.strip('"')
    if ftype == lib.FT_RELATIVE_TIME:
        secs, _, frac = text.partition(".")
        neg = secs.startswith("-")
        total = datetime.timedelta(seconds=abs(int(secs or 0)),
                                   microseconds=int((frac + "000000")[:6]))
        return -total if neg else total
    date, _, rest = text.partition(" ")
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
            raw = self._dfilter
            v1 = 0
            if ft in _INTEGER or ft == lib.FT_BOOLEAN:
                v1 = int(raw, 0) if raw is not None else 0
                raw = None
            elif ft in _STRING and raw is not None and raw.startswith('"'):
                raw = self._display
            elif ft in _BYTES and raw is not None:
                raw = raw.replace(":", "").replace(".", "").replace("-", "")
            elif ft in (lib.FT_ABSOLUTE_TIME, lib.FT_RELATIVE_TIME):
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
