"""The field registry: protocols, fields and their value strings.

Every protocol and field libwireshark knows is a ``header_field_info``;
:class:`Field` wraps one (looked up by its filter name or id) and
:class:`Protocol` a protocol. Value strings (the names Wireshark gives
numeric values) are copied into :class:`StringValue`, :class:`RangeValue`,
:class:`TrueFalseString` and :class:`ExtValueString` objects.

``header_field_info`` structs live until libwireshark is cleaned up at
interpreter exit, so Field objects stay valid as long as wirepy runs.
"""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional, Union

from . import wireshark
from .cdata import CDataObject
from .ftypes import FieldType
from .wireshark import ffi, lib

__all__ = [
    "RegistryError", "InvalidFieldError", "Field", "Protocol", "FieldValue",
    "StringValue", "RangeValue", "TrueFalseString", "ExtValueString",
    "iter_protocols", "iter_fields", "field_by_id",
]


class RegistryError(Exception):
    """Base class for registry errors."""


class InvalidFieldError(RegistryError, KeyError):
    """No field or protocol has that name (or id)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "invalid field"


def _s(ptr) -> Optional[str]:
    if ptr == ffi.NULL:
        return None
    return ffi.string(ptr).decode("utf-8", "surrogateescape")


class FieldValue:
    """Base class of the value-string entries."""

    __slots__ = ()


class StringValue(FieldValue):
    """A ``value_string`` entry: *value* is called *string*."""

    __slots__ = ("value", "string")

    def __init__(self, value: int, string: str) -> None:
        self.value = value
        self.string = string

    def __repr__(self) -> str:
        return f"StringValue({self.value!r}, {self.string!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StringValue):
            return (self.value, self.string) == (other.value, other.string)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.value, self.string))

    def __lt__(self, other: StringValue) -> bool:
        return self.value < other.value

    def __le__(self, other: StringValue) -> bool:
        return self.value <= other.value

    def __gt__(self, other: StringValue) -> bool:
        return self.value > other.value

    def __ge__(self, other: StringValue) -> bool:
        return self.value >= other.value


class RangeValue(FieldValue):
    """A ``range_string`` entry: values from *value_min* to *value_max*
    (inclusive) are called *string*."""

    __slots__ = ("value_min", "value_max", "string")

    def __init__(self, value_min: int, value_max: int, string: str) -> None:
        self.value_min = value_min
        self.value_max = value_max
        self.string = string

    def __repr__(self) -> str:
        return f"RangeValue({self.value_min!r}, {self.value_max!r}, {self.string!r})"

    def __contains__(self, value: int) -> bool:
        return self.value_min <= value <= self.value_max

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RangeValue):
            return ((self.value_min, self.value_max, self.string)
                    == (other.value_min, other.value_max, other.string))
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.value_min, self.value_max, self.string))

    def __lt__(self, other: RangeValue) -> bool:
        return (self.value_min, self.value_max) < (other.value_min, other.value_max)

    def __le__(self, other: RangeValue) -> bool:
        return (self.value_min, self.value_max) <= (other.value_min, other.value_max)

    def __gt__(self, other: RangeValue) -> bool:
        return (self.value_min, self.value_max) > (other.value_min, other.value_max)

    def __ge__(self, other: RangeValue) -> bool:
        return (self.value_min, self.value_max) >= (other.value_min, other.value_max)


class TrueFalseString(FieldValue):
    """A ``true_false_string``: how a boolean field names its two values."""

    __slots__ = ("true_string", "false_string")

    def __init__(self, true_string: str, false_string: str) -> None:
        self.true_string = true_string
        self.false_string = false_string

    def __repr__(self) -> str:
        return f"TrueFalseString({self.true_string!r}, {self.false_string!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TrueFalseString):
            return (self.true_string, self.false_string) == (other.true_string,
                                                            other.false_string)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.true_string, self.false_string))


class ExtValueString(FieldValue, CDataObject):
    """A ``value_string_ext``: an indexed value_string.

    Iterating gives its :class:`StringValue` entries; :meth:`lookup` uses
    Wireshark's own (binary or direct) search.
    """

    _struct = "value_string_ext"

    def __init__(self, cdata) -> None:
        self.cdata = cdata
        self.name = _s(cdata._vs_name)
        vs = cdata._vs_p
        self.values = [StringValue(vs[i].value, _s(vs[i].strptr))
                       for i in range(cdata._vs_num_entries)]

    def __iter__(self) -> Iterator[StringValue]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def lookup(self, value: int) -> Optional[str]:
        """The name of *value*, or None."""
        for sv in self.values:
            if sv.value == value:
                return sv.string
        return None

    def __repr__(self) -> str:
        return f"<ExtValueString {self.name!r} ({len(self.values)} values)>"


def _value_strings(cdata, type_: int, display: int):
    strings = cdata.strings
    if strings == ffi.NULL:
        return None
    if type_ == lib.FT_PROTOCOL:
        return None  # a protocol_t, not a value string
    if type_ == lib.FT_BOOLEAN:
        tfs = ffi.cast("const true_false_string *", strings)
        return TrueFalseString(_s(tfs.true_string), _s(tfs.false_string))
    if (display & lib.FIELD_DISPLAY_E_MASK) == lib.BASE_CUSTOM:
        return None  # a formatting function
    if display & (lib.BASE_UNIT_STRING | lib.BASE_PROTOCOL_INFO):
        return None
    if display & lib.BASE_EXT_STRING:
        return ExtValueString(ffi.cast("value_string_ext *", strings))
    result: List[FieldValue] = []
    if display & lib.BASE_RANGE_STRING:
        rs = ffi.cast("const range_string *", strings)
        i = 0
        while rs[i].strptr != ffi.NULL:
            result.append(RangeValue(rs[i].value_min, rs[i].value_max, _s(rs[i].strptr)))
            i += 1
        return result
    if display & lib.BASE_VAL64_STRING:
        vs64 = ffi.cast("const val64_string *", strings)
        i = 0
        while vs64[i].strptr != ffi.NULL:
            result.append(StringValue(vs64[i].value, _s(vs64[i].strptr)))
            i += 1
        return result
    if FieldType(type_).is_integer:
        vs = ffi.cast("const value_string *", strings)
        i = 0
        while vs[i].strptr != ffi.NULL:
            result.append(StringValue(vs[i].value, _s(vs[i].strptr)))
            i += 1
        return result
    return None


_by_id: Dict[int, Field] = {}


class Field(CDataObject):
    """A ``_header_field_info``: a registered field or protocol.

    ``Field("ip.src")`` looks a field up by its filter name; an unknown
    name raises :class:`InvalidFieldError`. Fields sharing one filter name
    are chained through :attr:`same_name_prev` / :attr:`same_name_next`.
    """

    _struct = "header_field_info"

    def __new__(cls, init: Union[str, int, object]) -> Field:
        wireshark.initialize()
        if isinstance(init, str):
            with wireshark.lock:
                cdata = lib.proto_registrar_get_byname(init.encode())
                if cdata == ffi.NULL:
                    cdata = lib.proto_registrar_get_byalias(init.encode())
            if cdata == ffi.NULL:
                raise InvalidFieldError(f"{init!r} is neither a field nor a protocol name")
        elif isinstance(init, int):
            return field_by_id(init)
        else:
            cdata = init
        fid = cdata.id
        inst = _by_id.get(fid)
        if inst is None:
            inst = object.__new__(cls)
            inst.cdata = cdata
            _by_id[fid] = inst
        return inst

    def __init__(self, init: Union[str, int, object]) -> None:  # noqa: D107
        pass

    def __repr__(self) -> str:
        return f"<Field {self.abbrev} ({self.type_.name})>"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Field):
            return other.id_ == self.id_
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.id_)

    @property
    def abbrev(self) -> str:
        """Abbreviated name of this field (its filter name)."""
        return _s(self.cdata.abbrev)

    @property
    def name(self) -> str:
        """Full name of this field."""
        return _s(self.cdata.name)

    @property
    def blurb(self) -> Optional[str]:
        """Brief description of field."""
        return _s(self.cdata.blurb)

    @property
    def bitmask(self) -> int:
        """Bitmask of interesting fields."""
        return self.cdata.bitmask

    @property
    def bitshift(self) -> int:
        """Bits to shift (the trailing zero bits of :attr:`bitmask`)."""
        m = self.cdata.bitmask
        return (m & -m).bit_length() - 1 if m else 0

    @property
    def display(self) -> int:
        """One of ``BASE_*`` or field bit-width if ``FT_BOOLEAN`` and
        non-zero bitmask."""
        return self.cdata.display

    @property
    def id_(self) -> int:
        """Field ID."""
        return self.cdata.id

    @property
    def parent(self) -> Optional[Protocol]:
        """The parent protocol (None for a protocol)."""
        pid = self.cdata.parent
        return Protocol(pid) if pid >= 0 else None

    @property
    def same_name_next(self) -> Optional[Field]:
        """Next Field with same abbrev."""
        nxt = self.cdata.same_name_next
        return Field(nxt) if nxt != ffi.NULL else None

    @property
    def same_name_prev(self) -> Optional[Field]:
        """Previous Field with same abbrev."""
        pid = self.cdata.same_name_prev_id
        return field_by_id(pid) if pid >= 0 else None

    @property
    def same_name_chain(self) -> List[Field]:
        """Every Field with this abbrev, first registered first."""
        head = self
        while head.same_name_prev is not None:
            head = head.same_name_prev
        chain = []
        f: Optional[Field] = head
        while f is not None:
            chain.append(f)
            f = f.same_name_next
        return chain

    @property
    def strings(self):
        """The value strings: a list of :class:`StringValue` or
        :class:`RangeValue`, a :class:`TrueFalseString`, an
        :class:`ExtValueString`, or None."""
        return _value_strings(self.cdata, self.cdata.type, self.cdata.display)

    @property
    def type_(self) -> FieldType:
        """Field type."""
        return FieldType(self.cdata.type)

    @property
    def type_is_integer(self) -> bool:
        """True if type is one of FT_INT or FT_UINT."""
        return self.type_.is_integer

    @property
    def is_protocol(self) -> bool:
        """True if this is a protocol, not a field."""
        return self.cdata.type == lib.FT_PROTOCOL and self.cdata.parent == -1


_known_ids: set = set()


def _register_known(fid: int) -> None:
    _known_ids.add(fid)


def field_by_id(fid: int) -> Field:
    """The Field with id *fid*.

    Only ids wirepy has seen come from libwireshark (in a tree, a chain or
    a registry walk) are accepted: ``proto_registrar_get_nth`` aborts the
    process on an unknown id, so ids are never probed.
    """
    inst = _by_id.get(fid)
    if inst is not None:
        return inst
    if fid not in _known_ids:
        _load_all_ids()
        if fid not in _known_ids:
            raise InvalidFieldError(f"no field has id {fid}")
    with wireshark.lock:
        cdata = lib.proto_registrar_get_nth(fid)
    return Field(cdata)


_all_loaded = False


def _load_all_ids() -> None:
    global _all_loaded
    if _all_loaded:
        return
    for proto in iter_protocols():
        _known_ids.add(proto.id_)
        for f in proto.iter_field_infos():
            _known_ids.add(f.id)
    _all_loaded = True


class Protocol:
    """A registered protocol (the id of its ``FT_PROTOCOL`` field)."""

    __slots__ = ("id_",)

    def __init__(self, init: Union[int, str]) -> None:
        wireshark.initialize()
        if isinstance(init, str):
            pid = lib.proto_get_id_by_filter_name(init.encode())
            if pid < 0:
                raise InvalidFieldError(f"{init!r} is not a protocol")
            init = pid
        elif int(init) not in _protocol_ids():
            # libwireshark asserts (aborts the process) on any other id
            raise InvalidFieldError(f"{init!r} is not the id of a protocol")
        self.id_ = int(init)

    def __repr__(self) -> str:
        return f"<Protocol {self.filter_name}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Protocol) and other.id_ == self.id_

    def __hash__(self) -> int:
        return hash(self.id_)

    @property
    def name(self) -> str:
        """The protocol's long name."""
        return _s(lib.proto_get_protocol_name(self.id_))

    @property
    def short_name(self) -> str:
        """The protocol's short name (``IPv4``)."""
        return _s(lib.proto_get_protocol_short_name(lib.find_protocol_by_id(self.id_)))

    @property
    def filter_name(self) -> str:
        """The protocol's filter name (``ip``)."""
        return _s(lib.proto_get_protocol_filter_name(self.id_))

    @property
    def field(self) -> Field:
        """The protocol's own ``FT_PROTOCOL`` field."""
        _known_ids.add(self.id_)
        return field_by_id(self.id_)

    @property
    def is_enabled(self) -> bool:
        """Whether the protocol is dissected."""
        return bool(lib.proto_is_protocol_enabled(lib.find_protocol_by_id(self.id_)))

    @property
    def can_toggle(self) -> bool:
        """Whether the protocol can be disabled."""
        return bool(lib.proto_can_toggle_protocol(self.id_))

    def iter_field_infos(self):
        cookie = ffi.new("void **")
        hfi = lib.proto_get_first_protocol_field(self.id_, cookie)
        while hfi != ffi.NULL:
            yield hfi
            hfi = lib.proto_get_next_protocol_field(self.id_, cookie)

    def iter_fields(self) -> Iterator[Field]:
        """Iterate over the fields of this protocol."""
        for hfi in self.iter_field_infos():
            _known_ids.add(hfi.id)
            yield Field(hfi)


_PROTOCOL_IDS: Optional[frozenset] = None


def _protocol_ids() -> frozenset:
    """The ids of every registered protocol (protocols are registered once,
    at initialisation)."""
    global _PROTOCOL_IDS
    if _PROTOCOL_IDS is None:
        ids = []
        cookie = ffi.new("void **")
        pid = lib.proto_get_first_protocol(cookie)
        while pid != -1:
            ids.append(pid)
            pid = lib.proto_get_next_protocol(cookie)
        _PROTOCOL_IDS = frozenset(ids)
    return _PROTOCOL_IDS


def iter_protocols() -> Iterator[Protocol]:
    """Iterate over all registered protocols."""
    wireshark.initialize()
    cookie = ffi.new("void **")
    pid = lib.proto_get_first_protocol(cookie)
    while pid != -1:
        _known_ids.add(pid)
        yield Protocol(pid)
        pid = lib.proto_get_next_protocol(cookie)


def iter_fields() -> Iterator[Field]:
    """Iterate over all fields of all protocols (protocols excluded)."""
    for proto in iter_protocols():
        yield from proto.iter_fields()
