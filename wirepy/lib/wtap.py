"""The wiretap-library is used to read capture files of various formats and
encapsulation types, and (beyond the original wirepy) to write them.

:meth:`WTAP.open_offline` opens any file wiretap reads (pcap, pcapng,
snoop, erf, ..., gzip/zstd/lz4 compressed included); iterating the
:class:`WTAP` yields ``(PacketHeader, bytes)`` per record. Records are
read in batches by one C call each (``wirepy_wtap_read_batch``), so the
per-packet cost is building the two Python objects. :meth:`WTAP.follow`
keeps reading a file that is still being written. :class:`Dumper` and
:func:`convert` write (see :mod:`wirepy.lib.wtap_dump`).

All failures raise :class:`FileError` subclasses (see
:mod:`wirepy.lib.wtap_errors`).
"""

from __future__ import annotations

import datetime
import os
import stat
import time
import weakref
from typing import Any, Callable, Container, Iterator, List, NamedTuple, Tuple, Union

from . import cdata, wireshark
from .closing import Closing
from .timestamp import utc_datetime
from .wireshark import ffi, lib
from .wtap_dump import Dumper
from .wtap_errors import *  # noqa: F403 - the original wirepy API has them here
from .wtap_errors import (
    BadFile,
    FileError,
    ShortRead,
    UnknownFormat,
    WTAPError,
    make_error,
    take_err_info,
)
from .wtap_errors import __all__ as _errors_all
from .wtap_types import *  # noqa: F403
from .wtap_types import EncapsulationType, FileType, compression_name
from .wtap_types import __all__ as _types_all

__all__ = list(_errors_all) + list(_types_all) + [
    "PacketHeader", "WTAP", "SectionHeader", "InterfaceDescription", "DecryptionSecrets",
    "Dumper", "convert", "TSPREC_NAMES", "interfaces_of", "open_reader",
]


#: ``WTAP_TSPREC_*`` value -> name.
TSPREC_NAMES = {
    lib.WTAP_TSPREC_SEC: "sec", lib.WTAP_TSPREC_DSEC: "dsec", lib.WTAP_TSPREC_CSEC: "csec",
    lib.WTAP_TSPREC_MSEC: "msec", lib.WTAP_TSPREC_USEC: "usec", lib.WTAP_TSPREC_NSEC: "nsec",
    lib.WTAP_TSPREC_PER_PACKET: "per-packet", lib.WTAP_TSPREC_UNKNOWN: "unknown",
}

_BATCH = 512                 # records per C call
_DATA = 1 << 20              # initial data buffer per batch


class PacketHeader(cdata.CDataObject):
    """A record header (``wtap_rec`` + its ``wtap_packet_header``), as read.

    The timestamp is given as int nanoseconds (:attr:`~PacketHeader.ts_ns`), float
    seconds (:attr:`~PacketHeader.ts`) and a UTC :class:`datetime.datetime`
    (:attr:`~PacketHeader.datetime`,
    microsecond resolution).
    """

    _struct = "wirepy_wtap_hdr"
    __slots__ = ("_comments", "_batch")

    caplen = cdata.ROAttribute(doc="Data length in the file.")
    len = cdata.ROAttribute(doc="Data length on the wire.")
    interface_id = cdata.ROAttribute(doc="Identifier of the interface.")
    presence_flags = cdata.ROAttribute(doc="What stuff do we have? (``WTAP_HAS_*`` bits)")
    offset = cdata.ROAttribute(doc="Offset of the record for random access "
                                   "(:meth:`WTAP.seek_read`).")
    rec_type = cdata.ROAttribute(doc="``REC_TYPE_*`` of the record.")
    section_number = cdata.ROAttribute(doc="pcapng section the record belongs to.")
    tsprec = cdata.ROAttribute(doc="``WTAP_TSPREC_*`` precision of the timestamp.")
    ts_secs = cdata.ROAttribute(doc="Seconds part of the timestamp.")
    ts_nsecs = cdata.ROAttribute(doc="Nanoseconds part of the timestamp.")

    def __init__(self, cdata_obj, comments: Tuple[str, ...] = ()) -> None:
        self.cdata = cdata_obj
        self._comments = comments
        self._batch = None          # keeps the header array cdata points into alive

    @property
    def pkt_encap(self) -> EncapsulationType:
        """The :class:`EncapsulationType` of the current packet."""
        return EncapsulationType(self.cdata.pkt_encap)

    @property
    def drop_count(self) -> int | None:
        """Number of packets lost (pcapng ``epb_dropcount``), None if unknown."""
        return self.cdata.drop_count if self.cdata.has_flags & 2 else None

    @property
    def pack_flags(self) -> int | None:
        """pcapng ``epb_flags`` (direction, reception type, FCS length), or None."""
        return self.cdata.pack_flags if self.cdata.has_flags & 1 else None

    @property
    def comments(self) -> Tuple[str, ...]:
        """All comments of the record."""
        return self._comments

    @property
    def comment(self) -> str | None:
        """Optional comment (the first one)."""
        return self._comments[0] if self._comments else None

    @property
    def ts_ns(self) -> int:
        """Timestamp in nanoseconds since the epoch."""
        c = self.cdata
        return c.ts_secs * 1_000_000_000 + c.ts_nsecs

    @property
    def ts(self) -> float:
        """Timestamp in seconds since the epoch."""
        c = self.cdata
        return c.ts_secs + c.ts_nsecs / 1e9

    @property
    def datetime(self) -> datetime.datetime:
        """Timestamp as an aware UTC datetime (microseconds)."""
        c = self.cdata
        return utc_datetime(c.ts_secs, c.ts_nsecs)

    @property
    def has_ts(self) -> bool:
        """True if the record has a time stamp (``WTAP_HAS_TS``)."""
        return bool(self.cdata.presence_flags & lib.WTAP_HAS_TS)


def _parse_comments(blob: bytes, off: int, length: int) -> Tuple[str, ...]:
    raw = blob[off:off + length - 1]
    return tuple(s.decode("utf-8", "surrogateescape") for s in raw.split(b"\0"))


def _block_string(block, option: int, idx: int = 0) -> str | None:
    value = ffi.new("char **")
    if lib.wirepy_block_get_string(block, option, idx, value) != lib.WTAP_OPTTYPE_SUCCESS:
        return None
    return ffi.string(value[0]).decode("utf-8", "surrogateescape")


def _block_strings(block, option: int) -> List[str]:
    return [s for s in (_block_string(block, option, i)
                        for i in range(lib.wtap_block_count_option(block, option)))
            if s is not None]


def _block_uint(block, option: int, kind: str) -> int | None:
    value = ffi.new(f"{kind} *")
    fn = lib.wirepy_block_get_uint8 if kind == "guint8" else lib.wirepy_block_get_uint64
    if fn(block, option, value) != lib.WTAP_OPTTYPE_SUCCESS:
        return None
    return value[0]


class SectionHeader(NamedTuple):
    """A pcapng section header block (other formats: empty values)."""

    comments: List[str]
    hardware: str | None
    os: str | None
    application: str | None

    @property
    def comment(self) -> str | None:
        """The first section comment, or None."""
        return self.comments[0] if self.comments else None


class InterfaceDescription(NamedTuple):
    """An interface description (pcapng IDB or what wiretap made up)."""

    interface_id: int
    name: str | None
    description: str | None
    link_type: EncapsulationType
    snaplen: int
    tsresol: int | None           # the if_tsresol byte, None: default (usec)
    time_units_per_second: int
    tsprecision: int
    os: str | None
    hardware: str | None
    comments: List[str]
    speed: int | None
    fcslen: int | None


class DecryptionSecrets(NamedTuple):
    """A pcapng decryption secrets block: ``secrets_type`` is e.g.
    0x544c534b (TLS key log), ``data`` the secrets as stored."""

    secrets_type: int
    data: bytes


def _interface(idx: int, block) -> InterfaceDescription:
    mand = lib.wirepy_wtap_idb_mandatory(block)
    return InterfaceDescription(
        interface_id=idx,
        name=_block_string(block, lib.OPT_IDB_NAME),
        description=_block_string(block, lib.OPT_IDB_DESCRIPTION),
        link_type=EncapsulationType(mand.wtap_encap),
        snaplen=mand.snap_len,
        tsresol=_block_uint(block, lib.OPT_IDB_TSRESOL, "guint8"),
        time_units_per_second=mand.time_units_per_second,
        tsprecision=mand.tsprecision,
        os=_block_string(block, lib.OPT_IDB_OS),
        hardware=_block_string(block, lib.OPT_IDB_HARDWARE),
        comments=_block_strings(block, lib.OPT_COMMENT),
        speed=_block_uint(block, lib.OPT_IDB_SPEED, "guint64"),
        fcslen=_block_uint(block, lib.OPT_IDB_FCSLEN, "guint8"),
    )


def interfaces_of(wth, start: int = 0) -> List[InterfaceDescription]:
    """The interface descriptions an open ``wtap *`` *wth* has seen so far
    (pcapng may describe interfaces at any point), from number *start* on:
    one C call when there is nothing new."""
    return [_interface(i, lib.wirepy_wtap_get_idb(wth, i))
            for i in range(start, lib.wirepy_wtap_num_idbs(wth))]


def open_reader(filename: str, random: bool = False, format: str | None = None):
    """Open *filename* with wiretap: the C reader a :class:`WTAP` wraps
    (see :meth:`WTAP.open_offline` for the arguments and errors)."""
    if format is None and _is_empty_regular_file(filename):
        # Wiretap's ERF heuristic accepts zero bytes as an empty ERF
        # file; an empty file holds no format at all.
        raise UnknownFormat("the file is empty", False, filename)
    wireshark.initialize()
    path = os.fsencode(filename)
    if format is None:
        type_ = lib.WTAP_TYPE_AUTO
    else:
        type_ = lib.open_info_name_to_type(format.encode())
        if type_ == lib.WTAP_TYPE_AUTO:
            # Also accept a file type's short name ("erf"): readers are
            # registered under the file type's description.
            ft = lib.wtap_name_to_file_type_subtype(format.encode())
            if ft >= 0:
                type_ = lib.open_info_name_to_type(lib.wtap_file_type_subtype_description(ft))
        if type_ == lib.WTAP_TYPE_AUTO:
            raise ValueError(f"no wiretap reader called {format!r}")
    err = ffi.new("int *")
    err_info = ffi.new("gchar **")
    with wireshark.lock:
        reader = lib.wirepy_wtap_reader_open(path, type_, bool(random), err, err_info)
        wireshark.flush_log()
    if reader == ffi.NULL:
        code = err[0] or lib.WTAP_ERR_CANT_OPEN
        raise make_error(code, err_info, filename)
    return reader


# Files and dumpers still open at interpreter exit are closed before
# libwireshark is cleaned up; weak, so an unreferenced one is collected.
_open_objects: weakref.WeakSet = weakref.WeakSet()


def _close_all_at_exit() -> None:
    for obj in list(_open_objects):
        obj._exit_hook()


wireshark.on_exit(_close_all_at_exit)


def _is_empty_regular_file(filename: str) -> bool:
    try:
        st = os.stat(filename)
    except OSError:
        return False          # wiretap reports the errno itself
    return stat.S_ISREG(st.st_mode) and st.st_size == 0


_UNKNOWN = object()
# The magic numbers of the compressed formats wiretap reads.
_COMPRESSION_MAGIC = ((b"\x1f\x8b", "gzip"), (b"\x28\xb5\x2f\xfd", "zstd"),
                      (b"\x04\x22\x4d\x18", "lz4"))


def _compression_of(filename: str):
    """The compression of a capture file by its first bytes, as wiretap
    tells it when it opens the file; _UNKNOWN for what cannot be read again
    (the standard input, a FIFO). Asking wiretap afterwards aborts the process for
    some damaged lz4 files (an assertion in libwiretap 4.0's
    file_get_compression_type)."""
    # a pipe or FIFO would give its bytes to this read instead of wiretap
    if filename in (None, "-") or not os.path.isfile(filename):
        return _UNKNOWN
    try:
        with open(filename, "rb") as f:
            head = f.read(4)
    except OSError:
        return _UNKNOWN
    for magic, name in _COMPRESSION_MAGIC:
        if head.startswith(magic):
            return name
    return None


class WTAP(Closing):
    """A ``wtap`` from ``wtap.h``: an open capture file.

    Use :meth:`open_offline`. ``cdata`` is the ``wtap *`` (other layers may
    hand it to libwireshark); it stays valid until :meth:`close`.
    """

    def __init__(self, reader, filename: str, random: bool = False,
                 format: str | None = None) -> None:
        self._reader = reader
        self.filename = filename
        self.random = random
        self.format = format
        self._last: PacketHeader | None = None
        self._compression: Any = _UNKNOWN   # see _compression_of
        self._hdr_cap = _BATCH
        self._data_cap = _DATA
        self._data = None
        self._seek_data = None
        self._closed = False
        self._sequential_closed = False
        self._for_dissection = False
        _open_objects.add(self)

    @classmethod
    def open_offline(cls, filename: Union[str, os.PathLike], random: bool = False,
                     format: str | None = None) -> WTAP:
        """Open a file and return a WTAP-instance. If *random* is *True*, the
        file is opened twice; the second open allows the application to do
        random-access I/O without moving the seek offset for sequential I/O,
        which is used by Wireshark to write packets as they arrive.

        :param format: force a reader by name (see
            :func:`iter_open_formats`, or a file type's short name such as
            ``"erf"``) instead of detecting the format.
        :raises FileError: the specific subclass for the failure; an
            empty file raises :class:`UnknownFormat` (wiretap itself would
            open it as an empty ERF file) unless *format* is given.
        """
        filename = os.fspath(filename)
        return cls(open_reader(filename, random, format), filename, random, format)

    # -- lifetime ------------------------------------------------------------
    @property
    def cdata(self):
        """The ``wtap *``."""
        self._check()
        return self._reader.wth

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._closed

    def attach_dissection(self) -> None:
        """Hand libwireshark what the file carries for dissection, as tshark
        does when it opens a capture: the decryption secrets of pcapng DSBs
        (TLS key logs, WireGuard keys...) and the names of its name
        resolution blocks, which then feed Wireshark's name resolution
        instead of :attr:`name_resolution`. The dissecting layers call it when they
        first read the file; once is enough. Outside an epan session it
        does nothing (libwireshark keeps the secrets in the session's
        memory): the first dissection attaches the file then."""
        if not self._for_dissection:
            with wireshark.lock:
                self._for_dissection = bool(lib.wirepy_wtap_attach(self.cdata))

    def _check(self) -> None:
        if self._closed:
            raise ValueError("I/O operation on a closed WTAP")

    def _check_sequential(self) -> None:
        self._check()
        if self._sequential_closed:
            # wiretap would dereference the closed side
            raise ValueError("the sequential side of this WTAP is closed "
                             "(sequential_close); only random access remains")

    def close(self) -> None:
        """Close the current file"""
        if not self._closed:
            self._closed = True
            if not wireshark.is_finalized():
                with wireshark.lock:
                    lib.wirepy_wtap_reader_close(self._reader)
            self._reader = None

    def _exit_hook(self) -> None:
        self.close()

    def fdclose(self) -> None:
        """Close the file descriptor for the current file"""
        self._check()
        lib.wtap_fdclose(self._reader.wth)

    def sequential_close(self) -> None:
        """Close the current file (the sequential side; random access stays
        usable)"""
        self._check()
        lib.wtap_sequential_close(self._reader.wth)
        self._sequential_closed = True


    # -- properties ------------------------------------------------------------
    @property
    def file_encap(self) -> EncapsulationType:
        """The encapsulation-type of the file"""
        return EncapsulationType(lib.wtap_file_encap(self.cdata))

    @property
    def file_size(self) -> int:
        """The file-size as reported by the OS"""
        err = ffi.new("int *")
        size = lib.wtap_file_size(self.cdata, err)
        if size < 0:
            raise make_error(err[0], None, self.filename)
        return size

    @property
    def file_type(self) -> FileType:
        """The type of the file"""
        return FileType(lib.wtap_file_type_subtype(self.cdata))

    @property
    def compression(self) -> str | None:
        """"gzip", "zstd", "lz4" or None."""
        if self._compression is _UNKNOWN:
            self._compression = _compression_of(self.filename)
            if self._compression is _UNKNOWN:
                self._compression = compression_name(
                    lib.wtap_get_compression_type(self.cdata))
        return self._compression

    @property
    def is_compressed(self) -> bool:
        """True if the file is compressed (e.g. via gzip)"""
        return self.compression is not None

    @property
    def packetheader(self) -> PacketHeader | None:
        """The packet header from the current packet"""
        return self._last

    @property
    def read_so_far(self) -> int:
        """The approximate amount of data read sequentially so far"""
        self._check_sequential()
        return lib.wtap_read_so_far(self.cdata)

    @property
    def tsprecision(self) -> int:
        """The timestamp precision, a value like ``WTAP_TSPREC_USEC``"""
        return lib.wtap_file_tsprec(self.cdata)

    @property
    def snapshot_length(self) -> int:
        """The file's snapshot length (0 if unknown)."""
        return lib.wtap_snapshot_length(self.cdata)

    @property
    def records_read(self) -> int:
        """Records delivered so far by iteration."""
        self._check()
        return self._reader.delivered

    # -- pcapng metadata -------------------------------------------------------
    @property
    def sections(self) -> List[SectionHeader]:
        """The section headers (pcapng SHBs) seen so far."""
        wth = self.cdata
        out = []
        for i in range(lib.wtap_file_get_num_shbs(wth)):
            shb = lib.wtap_file_get_shb(wth, i)
            if shb == ffi.NULL:
                continue
            out.append(SectionHeader(
                comments=_block_strings(shb, lib.OPT_COMMENT),
                hardware=_block_string(shb, lib.OPT_SHB_HARDWARE),
                os=_block_string(shb, lib.OPT_SHB_OS),
                application=_block_string(shb, lib.OPT_SHB_USERAPPL)))
        return out

    @property
    def section_header(self) -> SectionHeader | None:
        """The first section header (None when the format has none)."""
        sections = self.sections
        return sections[0] if sections else None

    @property
    def interfaces(self) -> List[InterfaceDescription]:
        """The interface descriptions seen so far (pcapng IDBs)."""
        return interfaces_of(self.cdata)

    @property
    def decryption_secrets(self) -> List[DecryptionSecrets]:
        """The decryption secrets blocks seen so far (pcapng DSBs)."""
        wth = self.cdata
        out = []
        for i in range(lib.wirepy_wtap_num_dsbs(wth)):
            mand = lib.wirepy_wtap_dsb_mandatory(lib.wirepy_wtap_get_dsb(wth, i))
            out.append(DecryptionSecrets(
                mand.secrets_type, bytes(ffi.buffer(mand.secrets_data, mand.secrets_len))))
        return out

    @property
    def name_resolution(self) -> List[Tuple[str, str]]:
        """``(address, name)`` pairs of the name resolution records seen so far."""
        self._check()
        size = ffi.new("gsize *")
        ptr = lib.wirepy_wtap_reader_names(self._reader, size)
        text = ffi.unpack(ptr, size[0]).decode("utf-8", "surrogateescape")
        return [tuple(line.split("\t", 1)) for line in text.splitlines() if "\t" in line]

    @property
    def name_resolution_comments(self) -> List[str]:
        """Comments of the (first) name resolution block."""
        nrb = lib.wirepy_wtap_get_nrb(self.cdata, 0)
        return [] if nrb == ffi.NULL else _block_strings(nrb, lib.OPT_COMMENT)

    # -- reading ---------------------------------------------------------------
    def _read_batch(self, max_records: int):
        """One C call: up to *max_records* records. Returns (hdrs, n, blob,
        error or None)."""
        self._check_sequential()
        reader = self._reader
        hdrs = ffi.new("wirepy_wtap_hdr[]", max_records)
        if self._data is None:
            self._data = ffi.new("guint8[]", self._data_cap)
        used = ffi.new("gsize *")
        need = ffi.new("gsize *")
        err = ffi.new("int *")
        err_info = ffi.new("gchar **")
        while True:
            with wireshark.lock:
                n = lib.wirepy_wtap_read_batch(reader, hdrs, max_records, self._data,
                                               self._data_cap, used, need, err, err_info)
            if n == 0 and need[0]:
                self._data_cap = max(need[0], self._data_cap * 2)
                self._data = ffi.new("guint8[]", self._data_cap)
                continue
            break
        error = make_error(err[0], err_info, self.filename) if err[0] else None
        blob = ffi.buffer(self._data, used[0])[:] if n else b""
        return hdrs, n, blob, error

    def _records(self) -> Iterator[Tuple[PacketHeader, bytes]]:
        self._check_sequential()
        batch = self._hdr_cap
        new = PacketHeader.__new__
        while True:
            hdrs, n, blob, error = self._read_batch(batch)
            h = None
            for i in range(n):
                p = hdrs + i
                off = p.data_off
                h = new(PacketHeader)
                h.cdata = p
                h._batch = hdrs
                h._comments = (_parse_comments(blob, p.comments_off, p.comments_len)
                               if p.n_comments else ())
                yield h, blob[off:off + p.caplen]
            if h is not None:
                self._last = h
            if error is not None:
                wireshark.flush_log()
                raise error
            if n == 0 or self._reader.eof:
                if self._reader.eof and n:
                    continue
                return

    def __iter__(self) -> Iterator[Tuple[PacketHeader, bytes]]:
        """Iterate over ``(PacketHeader, bytes)`` for every record to EOF."""
        return self._records()

    def __next__(self) -> Tuple[PacketHeader, bytes]:
        hdrs, n, blob, error = self._read_batch(1)
        if n:
            p = hdrs + 0
            h = PacketHeader(p, _parse_comments(blob, p.comments_off, p.comments_len)
                             if p.n_comments else ())
            h._batch = hdrs
            self._last = h
            return h, blob[p.data_off:p.data_off + p.caplen]
        if error is not None:
            raise error
        raise StopIteration

    def read(self) -> Tuple[PacketHeader, bytes] | None:
        """The next record, or None at EOF."""
        try:
            return next(self)
        except StopIteration:
            return None

    def skip(self, count: int) -> int:
        """Read and discard up to *count* records (in C); returns how many."""
        self._check_sequential()
        err = ffi.new("int *")
        err_info = ffi.new("gchar **")
        with wireshark.lock:
            done = lib.wirepy_wtap_skip(self._reader, count, err, err_info)
        if err[0]:
            raise make_error(err[0], err_info, self.filename)
        return done

    def count(self) -> int:
        """Read every remaining record (in C) and return how many there were."""
        return self.skip(1 << 62)

    def seek_read(self, offset: int) -> Tuple[PacketHeader, bytes]:
        """Read the record at *offset* (a :attr:`PacketHeader.offset`); the
        file must have been opened with ``random=True``."""
        self._check()
        if not self.random:
            raise WTAPError("seek_read needs a file opened with random=True")
        hdr = ffi.new("wirepy_wtap_hdr *")
        need = ffi.new("gsize *")
        err = ffi.new("int *")
        err_info = ffi.new("gchar **")
        cap = 65536 if self._seek_data is None else len(self._seek_data)
        while True:
            if self._seek_data is None or len(self._seek_data) < cap:
                self._seek_data = ffi.new("guint8[]", cap)
            with wireshark.lock:
                ok = lib.wirepy_wtap_seek_read(self._reader, offset, hdr, self._seek_data,
                                               cap, need, err, err_info)
            if not ok and need[0]:
                cap = need[0]
                continue
            break
        if not ok:
            raise make_error(err[0] or lib.WTAP_ERR_BAD_FILE, err_info, self.filename)
        blob = ffi.buffer(self._seek_data, hdr.data_off + hdr.caplen + hdr.comments_len)[:]
        comments = (_parse_comments(blob, hdr.comments_off, hdr.comments_len)
                    if hdr.n_comments else ())
        return PacketHeader(hdr, comments), blob[hdr.data_off:hdr.data_off + hdr.caplen]

    # -- growing files -----------------------------------------------------------
    def cleareof(self) -> None:
        """Forget EOF so the next read sees data appended since
        (``wtap_cleareof``)."""
        self._check_sequential()
        lib.wirepy_wtap_reader_cleareof(self._reader)

    def follow(self, poll_interval: float = 0.05, idle_timeout: float | None = None,
               stop: Callable[[], bool] | None = None
               ) -> Iterator[Tuple[PacketHeader, bytes]]:
        """Iterate over the records, continuing after EOF as the file grows.

        At EOF the reader waits *poll_interval* seconds, clears EOF and
        reads on. A record that is only partly written yet (a short read)
        is re-read once complete: the file is reopened and the records
        already delivered are skipped in C. Every record is yielded once.

        :param idle_timeout: stop after this many seconds without a new
            record (None: never).
        :param stop: stop at EOF once this returns True (checked after a
            final read, so records written before it turned True are
            delivered).
        """
        idle_since = time.monotonic()
        while True:
            got = False
            try:
                for item in self._records():
                    got = True
                    yield item
            except (ShortRead, BadFile) as exc:
                # The writer has not finished the record yet.
                if idle_timeout is not None and time.monotonic() - idle_since > idle_timeout:
                    raise exc
                self._reopen()
                time.sleep(poll_interval)
                continue
            if got:
                idle_since = time.monotonic()
                continue
            if stop is not None and stop():
                # One last pass so nothing written before stop() is missed.
                self.cleareof()
                yield from self._records()
                return
            if idle_timeout is not None and time.monotonic() - idle_since > idle_timeout:
                return
            time.sleep(poll_interval)
            self.cleareof()

    def _reopen(self) -> None:
        delivered = self._reader.delivered
        old = self._reader
        with wireshark.lock:
            lib.wirepy_wtap_reader_close(old)
        self._reader = None
        self._closed = True
        deadline = time.monotonic() + 10
        while True:
            try:
                self._reader = open_reader(self.filename, self.random, self.format)
                break
            except (ShortRead, BadFile):
                # pcapng's open reads ahead into a block still being written
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.005)
        self._closed = False
        if delivered:
            err = ffi.new("int *")
            err_info = ffi.new("gchar **")
            with wireshark.lock:
                done = lib.wirepy_wtap_skip(self._reader, delivered, err, err_info)
            take_err_info(err_info)
            # The skipped records were delivered before; count them once.
            self._reader.delivered = delivered
            if done < delivered:
                # Fewer complete records than before: cannot happen for an
                # append-only file.
                raise FileError("file shrank while following it", False, self.filename)

    def __repr__(self) -> str:
        state = "closed" if self._closed else repr(self.filename)
        return f"<WTAP {state}>"



def convert(src: Union[str, os.PathLike], dst: Union[str, os.PathLike],
            file_type: Union[str, int, FileType, None] = None,
            compression: str | None = None, copy_secrets: bool = True,
            records: Container[int] | None = None, **kwargs) -> int:
    """Copy capture file *src* to *dst*, as *file_type* (default: the type
    of *src*) with *compression*; section header, interface descriptions,
    name resolution, comments and (with *copy_secrets*) decryption secrets
    are kept where the output type can hold them. *records*: copy only the
    records with these numbers (1-based, as Wireshark's frame numbers).
    Further keyword arguments go to :class:`Dumper`. Returns the number of
    records written.
    """
    with WTAP.open_offline(src) as wtap:
        with Dumper(dst, file_type=file_type, compression=compression, source=wtap,
                    copy_secrets=copy_secrets, **kwargs) as dumper:
            if records is None:
                return dumper.copy_from(wtap)
            return dumper.write_records(rec for number, rec in enumerate(wtap, 1)
                                        if number in records)
