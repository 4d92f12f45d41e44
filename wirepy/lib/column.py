"""Packet-list columns.

Wireshark displays generic information about a packet's content using a set
of columns. Each column has one of several pre-defined column-types which
``libwireshark`` knows about and fills with content while dissecting a
packet. For example, :attr:`Type.PROTOCOL` provides the name of the deepest
protocol found within a frame.

Wireshark reads its column settings from the global preferences; here a
column set (:class:`ColumnInfo`) is built from explicit :class:`Format`
objects instead -- by default Wireshark's default columns.
"""

from __future__ import annotations

from typing import Iterator, List, Optional, Sequence

from . import wireshark
from .interrupts import uninterrupted
from .wireshark import ffi, lib

__all__ = ["ColumnError", "InvalidColumnType", "Type", "Format", "ColumnInfo",
           "DEFAULT_FORMATS"]


class ColumnError(Exception):
    """Base class for all column-related errors."""


class InvalidColumnType(ColumnError):
    """An invalid column-type was provided."""


#: Every column type of the Wireshark series wirepy supports (4.0's, and
#: NUMBER_DIS of 4.6). Each series numbers them differently: the numbers come
#: from the C module, and a name the installed series lacks (VSAN, DCE_CALL,
#: TEI and 8021Q_VLAN_ID since 4.2, NUMBER_DIS before 4.6) has an absent value.
_ALL_COL_NAMES = [
    "8021Q_VLAN_ID", "ABS_YMD_TIME", "ABS_YDOY_TIME", "ABS_TIME", "VSAN",
    "CUMULATIVE_BYTES", "CUSTOM", "DCE_CALL", "DELTA_TIME", "DELTA_TIME_DIS", "RES_DST",
    "UNRES_DST", "RES_DST_PORT", "UNRES_DST_PORT", "DEF_DST", "DEF_DST_PORT", "EXPERT",
    "IF_DIR", "FREQ_CHAN", "DEF_DL_DST", "DEF_DL_SRC", "RES_DL_DST", "UNRES_DL_DST",
    "RES_DL_SRC", "UNRES_DL_SRC", "RSSI", "TX_RATE", "DSCP_VALUE", "INFO", "RES_NET_DST",
    "UNRES_NET_DST", "RES_NET_SRC", "UNRES_NET_SRC", "DEF_NET_DST", "DEF_NET_SRC",
    "NUMBER", "NUMBER_DIS", "PACKET_LENGTH", "PROTOCOL", "REL_TIME", "DEF_SRC",
    "DEF_SRC_PORT", "RES_SRC", "UNRES_SRC", "RES_SRC_PORT", "UNRES_SRC_PORT", "TEI",
    "UTC_YMD_TIME", "UTC_YDOY_TIME", "UTC_TIME", "CLS_TIME",
]
_COL_VALUES = {name: getattr(lib, "COL_" + name) for name in _ALL_COL_NAMES}
#: number -> name, for the types the installed series has
_COL_NAMES = {v: n for n, v in _COL_VALUES.items() if not wireshark.is_absent(v)}
assert sorted(_COL_NAMES) == list(range(lib.NUM_COL_FMTS)), "a COL_ type wirepy does not know"

#: The original wirepy API's names (older Wireshark) that 4.0 calls differently.
_ORIGINAL_API_ALIASES = {
    "ABS_DATE_TIME": "ABS_YMD_TIME", "UTC_DATE_TIME": "UTC_YMD_TIME", "DCE_CTX": "DCE_CALL",
    "REST_DST": "RES_DST", "REST_DST_PORT": "RES_DST_PORT",
}
#: The original wirepy API's column types that 4.0 no longer has.
_ORIGINAL_API_REMOVED = ["BSSGP_TLLI", "CIRCUIT_ID", "COS_VALUE", "FR_DLCI", "HPUX_SUBSYS", "OXID",
                 "RXID", "SRCIDX"]


class Type:
    """A column-type (``COL_*``).

    Class attributes name every type of the Wireshark series wirepy supports
    (``Type.INFO``...); the original wirepy API's older names are aliases where
    4.0 renamed a type, and ``None`` where 4.0 removed it. A type the installed
    series does not have (``Type.VSAN`` on 4.4, ``Type.NUMBER_DIS`` before 4.6)
    is still an attribute; using it raises :class:`InvalidColumnType` naming
    the Wireshark version.
    """

    __slots__ = ("fmt",)
    _instances: dict = {}
    NUM_COL_FMTS: int = lib.NUM_COL_FMTS

    def __new__(cls, fmt) -> Type:
        if isinstance(fmt, Type):
            fmt._require()
            return fmt
        if isinstance(fmt, str):
            wireshark.initialize()
            key = fmt[4:] if fmt.startswith("COL_") else fmt
            if key in _COL_VALUES:
                fmt = _COL_VALUES[key]
                if wireshark.is_absent(fmt):
                    raise InvalidColumnType(wireshark.absent_message("COL_" + key))
            else:
                f = lib.get_column_format_from_str(fmt.encode())
                if f < 0:
                    raise InvalidColumnType(f"{fmt!r} is not a column type")
                fmt = f
        fmt = int(fmt)
        if not 0 <= fmt < lib.NUM_COL_FMTS:
            raise InvalidColumnType(f"{fmt} is not a column type (0..{lib.NUM_COL_FMTS - 1})")
        inst = cls._instances.get(fmt)
        if inst is None:
            inst = object.__new__(cls)
            inst.fmt = fmt
            cls._instances[fmt] = inst
        return inst

    def __init__(self, fmt) -> None:  # noqa: D107 - set up by __new__
        pass

    @classmethod
    def _absent(cls, name: str) -> Type:
        """The attribute for a type the installed series does not have."""
        inst = object.__new__(cls)
        inst.fmt = _COL_VALUES[name]
        return inst

    def _require(self) -> None:
        if wireshark.is_absent(self.fmt):
            raise InvalidColumnType(wireshark.absent_message(f"COL_{self.name}"))

    def __int__(self) -> int:
        self._require()
        return self.fmt

    __index__ = __int__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Type):
            return other.fmt == self.fmt
        if isinstance(other, int):
            return other == self.fmt
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.fmt)

    @property
    def name(self) -> str:
        """The ``COL_*`` name without prefix."""
        name = _COL_NAMES.get(self.fmt)
        if name is None:
            name = next(n for n, v in _COL_VALUES.items() if v == self.fmt)
        return name

    @property
    def format(self) -> str:
        """The format string used in preferences (``%i``)."""
        self._require()
        wireshark.initialize()
        return ffi.string(lib.col_format_to_string(self.fmt)).decode()

    @property
    def description(self) -> str:
        """Human-readable description."""
        self._require()
        wireshark.initialize()
        return ffi.string(lib.col_format_desc(self.fmt)).decode()

    def __repr__(self) -> str:
        return f"<Type COL_{self.name}>"

    @classmethod
    def iter_column_formats(cls) -> Iterator[Type]:
        """Iterate over all available column formats."""
        for i in range(lib.NUM_COL_FMTS):
            yield cls(i)


for _n, _v in _COL_VALUES.items():
    setattr(Type, _n, Type._absent(_n) if wireshark.is_absent(_v) else Type(_v))
for _old, _new in _ORIGINAL_API_ALIASES.items():
    setattr(Type, _old, getattr(Type, _new))
for _old in _ORIGINAL_API_REMOVED:
    setattr(Type, _old, None)
del _n, _v, _old, _new


class Format:
    """A ``fmt_data``: one column of a column set.

    :param type_: the column's type (a :class:`Type`, ``COL_*`` number or
        name).
    :param init: an existing Format to copy.
    :param title: the column's title.
    :param custom_field: field name(s) for custom columns (``"ip.src ||
        ipv6.src"``).
    :param custom_occurrence: optional ordinal of the occurrence shown (0
        for all).
    :param visible: False hides the column in a GUI.
    :param resolved: True to show a more human-readable value.
    """

    __slots__ = ("type_", "title", "custom_field", "custom_occurrence", "visible", "resolved")

    def __init__(self, type_=None, init: Optional[Format] = None, title: Optional[str] = None,
                 custom_field: Optional[str] = None, custom_occurrence: Optional[int] = None,
                 visible: Optional[bool] = None, resolved: Optional[bool] = None) -> None:
        if init is not None:
            type_ = init.type_ if type_ is None else type_
            title = init.title if title is None else title
            custom_field = init.custom_field if custom_field is None else custom_field
            custom_occurrence = (init.custom_occurrence if custom_occurrence is None
                                 else custom_occurrence)
            visible = init.visible if visible is None else visible
            resolved = init.resolved if resolved is None else resolved
        if type_ is None:
            type_ = Type.CUSTOM if custom_field else Type.INFO
        self.type_ = Type(type_)
        if self.type_ == Type.CUSTOM and not custom_field:
            raise ColumnError("a custom column needs a custom_field")
        if custom_field:
            from .epan_registry import Field
            for name in custom_field.replace("||", " ").split():
                Field(name)  # raises InvalidFieldError for unknown names
        self.title = title if title is not None else (custom_field or self.type_.name.title())
        self.custom_field = custom_field
        self.custom_occurrence = custom_occurrence or 0
        self.visible = True if visible is None else bool(visible)
        self.resolved = False if resolved is None else bool(resolved)

    def __repr__(self) -> str:
        return f"Format({self.type_!r}, title={self.title!r}, custom_field={self.custom_field!r})"


#: Wireshark's default columns.
DEFAULT_FORMATS = [
    ("No.", "NUMBER"), ("Time", "CLS_TIME"), ("Source", "DEF_SRC"),
    ("Destination", "DEF_DST"), ("Protocol", "PROTOCOL"), ("Length", "PACKET_LENGTH"),
    ("Info", "INFO"),
]


def default_formats() -> List[Format]:
    """Wireshark's default column set."""
    return [Format(getattr(Type, t), title=title) for title, t in DEFAULT_FORMATS]


class ColumnInfo:
    """A column set (``column_info``) built from :class:`Format` objects."""

    def __init__(self, formats: Optional[Sequence[Format]] = None) -> None:
        wireshark.initialize()
        self.formats = list(formats) if formats is not None else default_formats()
        n = len(self.formats)
        keep = [ffi.new("char[]", (f.title or "").encode()) for f in self.formats]
        cust = [ffi.new("char[]", (f.custom_field or "").encode()) for f in self.formats]
        fmts = ffi.new("int[]", [f.type_.fmt for f in self.formats])
        titles = ffi.new("const char *[]", keep)
        customs = ffi.new("const char *[]", cust)
        occ = ffi.new("int[]", [f.custom_occurrence for f in self.formats])
        with wireshark.lock:
            self.cdata = lib.wirepy_columns_new(n, fmts, titles, customs, occ)
        wireshark.on_exit(self._free)

    @property
    def titles(self) -> List[str]:
        """The column titles."""
        return [f.title for f in self.formats]

    def __len__(self) -> int:
        return len(self.formats)

    @uninterrupted
    def _free(self) -> None:
        if self.cdata is not None and not wireshark.is_finalized():
            with wireshark.lock:
                lib.wirepy_columns_free(self.cdata)
        self.cdata = None

    def __del__(self) -> None:
        try:
            self._free()
        except Exception:
            pass
