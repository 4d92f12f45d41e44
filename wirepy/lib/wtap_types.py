"""Encapsulation types, file types and compression types of wiretap.

File-type numbers are assigned at run time by Wireshark 4.0 (plugins and
Lua scripts register their own), so :class:`FileType` objects are looked
up by name (``FileType.from_name("pcapng")``) or enumerated with
:func:`iter_file_types`; no number is hard-coded here.
"""

from __future__ import annotations

import functools
from typing import Iterator, List, Union

from . import wireshark
from .wireshark import ffi, from_gchar_static, lib

__all__ = [
    "EncapsulationType", "FileType", "iter_encapsulation_types", "iter_file_types",
    "iter_writable_file_types", "iter_open_formats", "COMPRESSION_TYPES",
    "compression_type", "compression_name",
]


class EncapsulationType:
    """An encapsulation type like "ether".

    :param encap: the ``WTAP_ENCAP_*`` number, or its short name.
    """

    __slots__ = ("encap", "__weakref__")

    def __init__(self, encap: Union[int, str, EncapsulationType]) -> None:
        wireshark.initialize()
        if isinstance(encap, EncapsulationType):
            encap = encap.encap
        elif isinstance(encap, str):
            number = lib.wtap_name_to_encap(encap.encode())
            if number < 0:
                raise ValueError(_unknown_encapsulation(encap))
            encap = number
        self.encap = int(encap)

    @property
    def name(self) -> str | None:
        """The short name (e.g. ``"ether"``)."""
        return from_gchar_static(lib.wtap_encap_name(self.encap))

    @property
    def description(self) -> str | None:
        """The description (e.g. ``"Ethernet"``)."""
        return from_gchar_static(lib.wtap_encap_description(self.encap))

    def __int__(self) -> int:
        return self.encap

    __index__ = __int__

    def __eq__(self, other) -> bool:
        if isinstance(other, EncapsulationType):
            return self.encap == other.encap
        if isinstance(other, int):
            return self.encap == other
        if isinstance(other, str):
            return self.name == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.encap)

    def __repr__(self) -> str:
        return f"<EncapsulationType {self.encap} {self.name!r} ({self.description})>"


def _unknown_encapsulation(name: str) -> str:
    """The message for a link-type name wiretap does not know: the names
    nearest to it, by name and by description ("ethernet": "ether")."""
    import difflib

    by_name = {}
    for encap in range(1, lib.wtap_get_num_encap_types()):
        short = from_gchar_static(lib.wtap_encap_name(encap))
        if short:
            by_name[short] = from_gchar_static(lib.wtap_encap_description(encap)) or ""
    lower = name.lower()
    close = [n for n, d in by_name.items() if d.lower() == lower or lower in (n, d.lower())]
    close += difflib.get_close_matches(lower, list(by_name), n=3)
    close = list(dict.fromkeys(close))[:3]
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return (f"unknown encapsulation type {name!r}{hint} (every name: "
            "wirepy.lib.wtap.iter_encapsulation_types())")


def iter_encapsulation_types() -> Iterator[EncapsulationType]:
    """Iterates over all encapsulation-types wireshark can understand."""
    wireshark.initialize()
    for encap in range(lib.wtap_get_num_encap_types()):
        yield EncapsulationType(encap)


# -- compression -----------------------------------------------------------

COMPRESSION_TYPES = {
    None: lib.WTAP_UNCOMPRESSED,
    "none": lib.WTAP_UNCOMPRESSED,
    "gzip": lib.WTAP_GZIP_COMPRESSED,
    "zstd": lib.WTAP_ZSTD_COMPRESSED,
    "lz4": lib.WTAP_LZ4_COMPRESSED,
}


def compression_type(name: str | None) -> int:
    """The ``wtap_compression_type`` for *name* (None, "gzip", "zstd", "lz4")."""
    try:
        return COMPRESSION_TYPES[name.lower() if isinstance(name, str) else name]
    except KeyError:
        raise ValueError(f"unknown compression type {name!r}") from None


def compression_name(ct: int) -> str | None:
    """The name of ``wtap_compression_type`` *ct* (None when uncompressed)."""
    for name, value in COMPRESSION_TYPES.items():
        if value == ct and name not in (None, "none"):
            return name
    return None


# -- file types ------------------------------------------------------------

class FileType:
    """A capture file type/subtype that wiretap reads and maybe writes.

    :param ft: the run-time file-type number, a name (``"pcapng"``) or a
        :class:`FileType`.
    """

    __slots__ = ("ft", "__weakref__")

    def __init__(self, ft: Union[int, str, FileType]) -> None:
        wireshark.initialize()
        if isinstance(ft, FileType):
            ft = ft.ft
        elif isinstance(ft, str):
            number = lib.wtap_name_to_file_type_subtype(ft.encode())
            if number < 0:
                raise ValueError(f"unknown file type {ft!r}")
            ft = number
        self.ft = int(ft)

    @classmethod
    def from_name(cls, name: str) -> FileType:
        """The file type called *name* (``"pcap"``, ``"pcapng"``, ...)."""
        return cls(name)

    @classmethod
    def pcap(cls) -> FileType:
        return cls(lib.wtap_pcap_file_type_subtype())

    @classmethod
    def pcapng(cls) -> FileType:
        return cls(lib.wtap_pcapng_file_type_subtype())

    @property
    def name(self) -> str | None:
        """The short name (``"pcapng"``)."""
        return from_gchar_static(lib.wtap_file_type_subtype_name(self.ft))

    @property
    def description(self) -> str | None:
        """A description (``"Wireshark/... - pcapng"``)."""
        return from_gchar_static(lib.wtap_file_type_subtype_description(self.ft))

    @property
    def default_extension(self) -> str | None:
        """The default file-name extension, without the dot."""
        return from_gchar_static(lib.wtap_default_file_extension(self.ft))

    @property
    def extensions(self) -> List[str]:
        """All file-name extensions for this type, default first."""
        return self._extensions(False)

    @property
    def compressed_extensions(self) -> List[str]:
        """The extensions including compressed variants (``"pcap.gz"``)."""
        return self._extensions(True)

    def _extensions(self, compressed: bool) -> List[str]:
        lst = lib.wtap_get_file_extensions_list(self.ft, compressed)
        out = []
        node = lst
        while node != ffi.NULL:
            out.append(ffi.string(ffi.cast("char *", node.data)).decode())
            node = node.next
        if lst != ffi.NULL:
            lib.wtap_free_extensions_list(lst)
        return out

    @property
    def can_write(self) -> bool:
        """True if wiretap can write files of this type."""
        return bool(lib.wtap_dump_can_open(self.ft))

    @property
    def can_compress(self) -> bool:
        """True if files of this type can be written gzip-compressed."""
        return bool(lib.wtap_dump_can_compress(self.ft))

    def can_write_encap(self, encap: Union[int, str, EncapsulationType]) -> bool:
        """True if this type can hold packets of encapsulation *encap*."""
        return bool(lib.wtap_dump_can_write_encap(self.ft, int(EncapsulationType(encap))))

    @property
    def writable_encapsulations(self) -> List[EncapsulationType]:
        """The encapsulations this type can be written with (empty if the
        type is not writable); per-packet first if supported."""
        return [EncapsulationType(e) for e in _writable_encaps(self.ft)]

    def supports_block(self, block_type: int) -> int:
        """``block_support_t`` for a ``WTAP_BLOCK_*`` type (0: not supported)."""
        return lib.wtap_file_type_subtype_supports_block(self.ft, block_type)

    def supports_option(self, block_type: int, option: int) -> int:
        """``option_support_t`` for an option of a block type (0: not supported)."""
        return lib.wtap_file_type_subtype_supports_option(self.ft, block_type, option)

    def __int__(self) -> int:
        return self.ft

    __index__ = __int__

    def __eq__(self, other) -> bool:
        if isinstance(other, FileType):
            return self.ft == other.ft
        if isinstance(other, int):
            return self.ft == other
        if isinstance(other, str):
            return self.name == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.ft)

    def __repr__(self) -> str:
        return f"<FileType {self.name!r} ({self.description})>"


@functools.cache
def _writable_encaps(ft: int) -> tuple:
    if not lib.wtap_dump_can_open(ft):
        return ()
    encaps = [e for e in [lib.WTAP_ENCAP_PER_PACKET] + list(range(lib.wtap_get_num_encap_types()))
              if lib.wtap_dump_can_write_encap(ft, e)]
    return tuple(encaps)


def iter_file_types() -> Iterator[FileType]:
    """Iterates over all file-types wireshark can understand.

    4.0 has no count of file types: numbers are walked until both name and
    description are NULL (holes left by deregistered Lua types are skipped).
    """
    wireshark.initialize()
    ft = 0
    misses = 0
    while misses < 16:
        name = lib.wtap_file_type_subtype_name(ft)
        desc = lib.wtap_file_type_subtype_description(ft)
        if name == ffi.NULL and desc == ffi.NULL:
            misses += 1
        else:
            misses = 0
            yield FileType(ft)
        ft += 1


def iter_writable_file_types(sort_by_description: bool = False) -> Iterator[FileType]:
    """The file types wiretap can write, pcap and pcapng first."""
    wireshark.initialize()
    order = lib.FT_SORT_BY_DESCRIPTION if sort_by_description else lib.FT_SORT_BY_NAME
    arr = lib.wtap_get_writable_file_types_subtypes(order)
    try:
        ints = ffi.cast("int *", arr.data)
        fts = [ints[i] for i in range(arr.len)]
    finally:
        lib.g_array_free(arr, True)
    for ft in fts:
        yield FileType(ft)


def iter_open_formats() -> Iterator[str]:
    """Names of the readers that ``open_offline(format=...)`` accepts."""
    wireshark.initialize()
    routines = lib.open_routines
    i = 0
    while routines[i].name != ffi.NULL:
        yield ffi.string(routines[i].name).decode()
        i += 1
