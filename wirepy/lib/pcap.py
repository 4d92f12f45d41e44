"""libpcap 1.10 from Python: cypcap's API, faster, and always stoppable.

The module mirrors `cypcap <https://cypcap.readthedocs.io>`_ name for name
(:func:`findalldevs`, :func:`lookupnet`, :func:`create`, :func:`open_live`,
:func:`open_dead`, :func:`open_offline`, :func:`compile`,
:func:`lib_version`, :data:`NETMASK_UNKNOWN`, :class:`Pcap`,
:class:`Dumper`, :class:`BpfProgram`, the enums, :class:`Error` and
:class:`Warning`), so a cypcap user switches by changing one import. libpcap
does not need :func:`wirepy.lib.wireshark.initialize`.

What it does that other bindings do not:

* Packets are read in batches: one C call (``wirepy_pcap_collect``) reads
  up to :data:`BATCH` packets with ``pcap_dispatch`` and builds their
  :class:`Pkthdr` and ``bytes`` objects, so iteration runs at C speed and
  ``loop``/``dispatch`` call the Python callback from a C-level ``map``.
  Classic pcap 2.4 regular files opened by path are read by a C reader of
  their own (``wirepy_pcap_collect_file``: unlocked stdio, a 1 MiB buffer,
  data read straight into the ``bytes``, filters run with ``bpf_filter``);
  at the first record it does not handle exactly like libpcap (short read,
  caplen over the snapshot) it rewinds and libpcap reads on, so errors and
  edge cases are libpcap's.
* A savefile that is not a regular file (a pipe, a FIFO, standard input)
  is read as its writer writes: libpcap reads it without the GIL into a C
  buffer (so other threads run, and a writer in the same process can
  write), packets are handed over as they arrive rather than a batch at a
  time, and waiting for the writer is a ``poll`` that :meth:`Pcap.breakloop`
  and Ctrl-C end, as for a live capture.
* A live capture can always be stopped. A live handle is put in libpcap's
  non-blocking mode at activation; waiting is a ``poll`` on the selectable
  fd and a private wake-up pipe, without the GIL, in slices of at most
  :data:`POLL_SLICE` seconds. :meth:`Pcap.breakloop` (from a callback or any
  thread) and Ctrl-C (``KeyboardInterrupt``) end ``loop``, ``dispatch``,
  ``next`` and iteration promptly even when no packet ever arrives.
  :meth:`Pcap.setnonblock` only changes what wirepy does when nothing is
  there (return at once instead of waiting).
* Exceptions raised by a callback propagate to the caller of ``loop`` or
  ``dispatch``; both return the number of packets processed, and when
  ``breakloop`` ends them they raise :class:`Error` with code
  ``ErrorCode.BREAK`` (libpcap's ``PCAP_ERROR_BREAK``, as cypcap does) that
  tells the number in :attr:`Error.count`. Packets read but not yet
  delivered when a callback raises or calls ``breakloop`` are kept and
  delivered first by the next read.
* :class:`Pkthdr` keeps libpcap's time stamp fraction in its own precision
  and gives :attr:`~Pkthdr.ts`, :attr:`~Pkthdr.ts_ns` and datetimes right
  in both MICRO and NANO precision.
* ``async for hdr, data in pcap`` reads a live capture from asyncio, driven
  by the selectable fd (:meth:`Pcap.__aiter__`).

Left out of pcap.h on purpose: what exists only on Windows or MS-DOS
(``pcap_getevent``, ``pcap_setbuff``, ``pcap_setmode``,
``pcap_setmintocopy``, send queues, ``pcap_stats_ex``, AirPcap, OID
requests, ``pcap_hopen_offline``, ``pcap_dump_hopen``, ``pcap_wsockinit``,
``pcap_set_wait``, ``pcap_mac_packets``), remote capture (``pcap_open``,
``pcap_findalldevs_ex``, ``pcap_createsrcstr``, ``pcap_parsesrcstr``,
``pcap_setsampling``, ``pcap_remoteact_*``: rpcap is not built into
Linux distributions' libpcap), ``pcap_file``/``pcap_dump_file`` (a
``FILE *`` means nothing in Python: file objects are accepted by
:func:`open_offline` and :meth:`Pcap.dump_open` instead),
``pcap_next``/``pcap_next_ex``/``pcap_loop`` as such (their job is done by
the batch reader; :meth:`Pcap.next` is there), ``pcap_perror`` (errors are
exceptions) and ``bpf_dump`` (:meth:`BpfProgram.dumps` returns its text).
Everything else is a method or function here, or reachable as ``lib.pcap_*``.

Types, constants and BPF programs live in :mod:`wirepy.lib.pcap_types`,
:mod:`wirepy.lib.pcap_constants` and :mod:`wirepy.lib.pcap_bpf`; this module
is long because :class:`Pcap` mirrors the whole ``pcap_t`` API (as cypcap's
``Pcap`` does, which it replaces): one class, one C handle.
"""

from __future__ import annotations

import asyncio
import os
import stat
import time
import warnings
from collections import deque
from itertools import chain, starmap
from operator import length_hint
from typing import Any, Callable, Iterator, List, Optional, Tuple, Union

from .closing import Closing
from .pcap_bpf import BpfProgram
from .pcap_constants import (
    NETMASK_UNKNOWN,
    BpfDumpType,
    DatalinkType,
    Direction,
    ErrorCode,
    PcapIfFlags,
    PcapType,
    TstampPrecision,
    TstampType,
)
from .pcap_types import (
    Error,
    PcapAddr,
    PcapIf,
    Pkthdr,
    Stat,
    Warning,
    sockaddr,
)
from .wireshark import ffi, lib

__all__ = [
    "findalldevs", "lookupnet", "lookupdev", "create", "open_live", "open_dead", "open_offline",
    "compile", "lib_version", "init", "statustostr", "strerror", "NETMASK_UNKNOWN",
    "Pcap", "PcapIf", "PcapAddr", "Pkthdr", "BpfProgram", "Dumper", "Stat", "Error", "Warning",
    "PcapIfFlags", "PcapType", "DatalinkType", "Direction", "TstampType", "TstampPrecision",
    "ErrorCode", "BpfDumpType", "BATCH", "POLL_SLICE", "READ_BUFFER",
]

#: Packets read per C call.
BATCH = 1024
#: stdio buffer of a capture file being read (bytes).
READ_BUFFER = 1 << 20
#: Longest time (seconds) a wait runs in C before Python checks signals.
POLL_SLICE = 0.1

#: Packet buffer timeout given to libpcap when the user sets none (0).
_KERNEL_TIMEOUT_MS = 50
_TIMEOUT = -1000            # internal status: a live read timed out
_BREAK = lib.PCAP_ERROR_BREAK
_NOMEM = lib.WIREPY_PCAP_NOMEM
_FALLBACK = lib.WIREPY_PCAP_FALLBACK
Callback = Callable[[Pkthdr, bytes], Any]
Device = Union[str, PcapIf, None]
Packet = Tuple[Optional[Pkthdr], Optional[bytes]]


def _addr(obj) -> Any:
    # CPython: id() is the object's address; the caller keeps obj alive.
    return ffi.cast("void *", id(obj))




def _str(ptr) -> str:
    return ffi.string(ptr).decode("utf-8", "replace") if ptr != ffi.NULL else ""


def _device(device: Device) -> Any:
    if device is None:
        return ffi.NULL
    if isinstance(device, PcapIf):
        device = device.name
    return os.fsencode(device)


def _path(fname) -> bytes:
    return os.fsencode(fname)


def _dlt(value: int):
    try:
        return DatalinkType(value)
    except ValueError:
        return value


def lib_version() -> str:
    """The version text of libpcap (``pcap_lib_version``)."""
    return _str(lib.pcap_lib_version())


def init(utf8: bool = True) -> None:
    """``pcap_init``: strings in UTF-8 (or the local encoding).

    Optional on Linux; once called, the deprecated :func:`lookupdev` fails.
    """
    errbuf = ffi.new("char[]", lib.PCAP_ERRBUF_SIZE)
    opts = lib.PCAP_CHAR_ENC_UTF_8 if utf8 else lib.PCAP_CHAR_ENC_LOCAL
    if lib.pcap_init(opts, errbuf) != 0:
        raise Error(ErrorCode.ERROR, _str(errbuf))


def statustostr(code: int) -> str:
    """libpcap's text for a status code."""
    return _str(lib.pcap_statustostr(code))


def strerror(errnum: int) -> str:
    """``pcap_strerror``: the text of an errno value."""
    return _str(lib.pcap_strerror(errnum))


def findalldevs() -> List[PcapIf]:
    """The capture devices libpcap can open."""
    errbuf = ffi.new("char[]", lib.PCAP_ERRBUF_SIZE)
    head = ffi.new("pcap_if_t **")
    if lib.pcap_findalldevs(head, errbuf) != 0:
        raise Error(ErrorCode.ERROR, _str(errbuf))
    devices = []
    try:
        dev = head[0]
        while dev != ffi.NULL:
            addresses = []
            a = dev.addresses
            while a != ffi.NULL:
                addresses.append(PcapAddr(sockaddr(a.addr), sockaddr(a.netmask),
                                          sockaddr(a.broadaddr), sockaddr(a.dstaddr)))
                a = a.next
            devices.append(PcapIf(_str(dev.name),
                                  _str(dev.description) if dev.description != ffi.NULL else None,
                                  addresses, PcapIfFlags(dev.flags)))
            dev = dev.next
    finally:
        if head[0] != ffi.NULL:
            lib.pcap_freealldevs(head[0])
    return devices


def lookupdev() -> str:
    """Deprecated ``pcap_lookupdev``: the first device :func:`findalldevs` lists."""
    errbuf = ffi.new("char[]", lib.PCAP_ERRBUF_SIZE)
    name = lib.pcap_lookupdev(errbuf)
    if name == ffi.NULL:
        raise Error(ErrorCode.ERROR, _str(errbuf))
    return _str(name)


def lookupnet(device: Device) -> Tuple[int, int]:
    """The IPv4 network number and netmask of *device* (host byte order values)."""
    errbuf = ffi.new("char[]", lib.PCAP_ERRBUF_SIZE)
    net = ffi.new("bpf_u_int32 *")
    mask = ffi.new("bpf_u_int32 *")
    if lib.pcap_lookupnet(_device(device), net, mask, errbuf) != 0:
        raise Error(ErrorCode.ERROR, _str(errbuf))
    return net[0], mask[0]


def create(source: Device) -> Pcap:
    """A live capture on *source*, not yet activated: configure, then :meth:`Pcap.activate`."""
    errbuf = ffi.new("char[]", lib.PCAP_ERRBUF_SIZE)
    p = lib.pcap_create(_device(source), errbuf)
    if p == ffi.NULL:
        raise Error(ErrorCode.ERROR, _str(errbuf))
    name = source.name if isinstance(source, PcapIf) else (source or "any")
    return Pcap._new(p, PcapType.LIVE, str(name), activated=False)


def open_live(device: Device, snaplen: int, promisc: bool, to_ms: float) -> Pcap:
    """Open *device* for capturing (``create`` + settings + ``activate``).

    *to_ms* is the packet buffer timeout in milliseconds.
    """
    pcap = create(device)
    try:
        pcap.set_snaplen(snaplen)
        pcap.set_promisc(promisc)
        pcap.set_timeout(to_ms / 1000.0)
        pcap.activate()
    except BaseException:
        pcap.close()
        raise
    return pcap


def open_dead(linktype: DatalinkType, snaplen: int,
              precision: TstampPrecision = TstampPrecision.MICRO) -> Pcap:
    """A fake Pcap for compiling filters or writing a capture file."""
    p = lib.pcap_open_dead_with_tstamp_precision(int(linktype), snaplen, int(precision))
    if p == ffi.NULL:
        raise Error(ErrorCode.ERROR, "pcap_open_dead failed")
    return Pcap._new(p, PcapType.DEAD, "", activated=True)


def open_offline(fname, precision: TstampPrecision = TstampPrecision.MICRO) -> Pcap:
    """Open a capture file (pcap or pcapng) for reading.

    *fname* is a path (``"-"``: standard input) or a binary file object with a
    ``fileno()``. Time stamps are delivered in *precision*.
    """
    errbuf = ffi.new("char[]", lib.PCAP_ERRBUF_SIZE)
    path = None
    # Opening reads the file header: on a pipe or FIFO that waits for the
    # writer, without the GIL (CFFI releases it around the call).
    if hasattr(fname, "fileno") and not isinstance(fname, (str, bytes, os.PathLike)):
        name = getattr(fname, "name", None)
        # os.fdopen's file objects are named by their descriptor: no file name.
        filename = os.fsdecode(name) if isinstance(name, (str, bytes, os.PathLike)) else None
        source = filename if filename is not None else str(name or "")
        p = lib.wirepy_pcap_fdopen_offline(fname.fileno(), int(precision), errbuf)
    else:
        filename = source = os.fsdecode(fname)
        if os.path.isdir(fname):
            raise Error(ErrorCode.ERROR, "Is a directory", filename=filename)
        path = _path(fname)
        if path == b"-":
            p = lib.pcap_open_offline_with_tstamp_precision(path, int(precision), errbuf)
        else:
            p = lib.wirepy_pcap_open_offline_buffered(path, int(precision), READ_BUFFER, errbuf)
    if p == ffi.NULL:
        raise Error(ErrorCode.ERROR, _str(errbuf), filename=filename)
    pcap = Pcap._new(p, PcapType.OFFLINE, source, activated=True)
    pcap._filename = filename
    try:
        if stat.S_ISREG(os.fstat(lib.wirepy_pcap_savefile_fd(p)).st_mode):
            if path not in (None, b"-"):
                pcap._fast = _classic_pcap(path)
        else:
            # Not a regular file: never opened a second time (that would
            # take bytes from a FIFO), and read after a wait that can be
            # stopped.
            pcap._open_stream()
    except BaseException:
        pcap.close()
        raise
    return pcap


_CLASSIC = {b"\xd4\xc3\xb2\xa1": 0, b"\xa1\xb2\xc3\xd4": 0,
            b"\x4d\x3c\xb2\xa1": 1, b"\xa1\xb2\x3c\x4d": 1}


def _classic_pcap(path: bytes) -> int | None:
    """1 (nanosecond) or 0 (microsecond) for a classic pcap 2.4 file the C
    fast reader may read, None for anything else (pcapng, older formats)."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return None
    nano = _CLASSIC.get(head[:4])
    if nano is None:
        return None
    order = "little" if head[:1] in (b"\xd4", b"\x4d") else "big"
    major = int.from_bytes(head[4:6], order)
    minor = int.from_bytes(head[6:8], order)
    return nano if (major, minor) == (2, 4) else None


def compile(linktype: DatalinkType, snaplen: int, filter_: str, optimize: bool,  # noqa: A001
            netmask: int) -> BpfProgram:
    """Compile a filter expression without a capture."""
    with open_dead(linktype, snaplen) as pcap:
        return pcap.compile(filter_, optimize, netmask)


class _Closable(Closing):
    """A context manager over a C handle kept in the attribute ``_HANDLE``
    names; a handle still open at garbage collection is closed with a
    :class:`ResourceWarning`, as cypcap does."""

    _HANDLE = ""

    @property
    def closed(self) -> bool:
        """True once closed."""
        return getattr(self, self._HANDLE, None) is None

    def __del__(self) -> None:
        if getattr(self, self._HANDLE, None) is not None:
            warnings.warn(f"unclosed {self!r}", ResourceWarning, source=self, stacklevel=2)
            try:
                self.close()
            except Exception:  # noqa: BLE001 - nothing to report to at collection time
                pass


class Pcap(_Closable):
    """A packet capture, made by :func:`create`, :func:`open_live`,
    :func:`open_dead` or :func:`open_offline`.

    Close it (or use ``with``): a handle garbage-collected while open warns
    with a ``ResourceWarning``. Iterate it for ``(Pkthdr, bytes)`` pairs;
    a live capture yields ``(None, None)`` when its packet buffer timeout
    passes without a packet. Iteration reads ahead by up to :data:`BATCH`
    packets; :meth:`loop`, :meth:`dispatch` and :meth:`next` do not see
    packets an iterator has already read.
    """

    _HANDLE = "_p"

    type: PcapType
    source: str

    def __init__(self, *args, **kwargs) -> None:
        raise TypeError("cannot create 'Pcap' instances directly; use create(), open_live(), "
                        "open_dead() or open_offline()")

    @classmethod
    def _new(cls, p, type_: PcapType, source: str, activated: bool) -> Pcap:
        self = object.__new__(cls)
        self._p = p
        self.type = type_
        self.source = source
        self._activated = False
        self._timeout_ms = 0
        self._nonblock = False
        self._break = False
        self._pending: Tuple[list, list] | None = None
        self._cur: list | None = None
        self._cur_it: Iterator | None = None
        self._cur_datas: list | None = None
        self._broken_at: int | None = None
        self._iter: Iterator | None = None
        self._fd = -1
        self._wake_r = self._wake_w = -1
        self._prec = 0
        self._fast: int | None = None      # see _classic_pcap
        self._stream = False               # a savefile on a pipe, FIFO... (_open_stream)
        self._deferred: BaseException | None = None     # see read_batch
        self._busy = False                 # in _collect: a close waits for its end
        self._close_requested = False
        self._filename: str | None = None  # a savefile's name, for its errors
        self._filter: BpfProgram | None = None
        if activated:
            self._activated_now()
        return self

    def _activated_now(self) -> None:
        self._activated = True
        prec = lib.pcap_get_tstamp_precision(self._p)
        self._prec = prec if prec in (0, 1) else 0
        if self.type != PcapType.LIVE:
            return
        self._fd = lib.pcap_get_selectable_fd(self._p)
        errbuf = ffi.new("char[]", lib.PCAP_ERRBUF_SIZE)
        # Reads never block in libpcap: waiting is wirepy's poll, which
        # breakloop and signals can interrupt.
        if lib.pcap_setnonblock(self._p, 1, errbuf) < 0:
            raise Error(ErrorCode.ERROR, _str(errbuf))
        self._wake_r, self._wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    def _open_stream(self) -> None:
        """A savefile that is not a regular file (pipe, FIFO, socket,
        terminal): reading it waits for a writer, so that wait is a poll on
        its descriptor and a wake-up pipe, as a live capture's."""
        self._stream = True
        self._fd = lib.wirepy_pcap_savefile_fd(self._p)
        self._wake_r, self._wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    # -- life cycle -------------------------------------------------------------------

    def close(self) -> None:
        """Close the Pcap (idempotent).

        Called from another thread while this Pcap is reading, it ends that
        read as :meth:`breakloop` does, and the handle is closed as the
        read returns: libpcap is using it there, without the GIL.
        """
        if getattr(self, "_busy", False) and self._p is not None:
            self._close_requested = True
            self.breakloop()
            return
        p, self._p = getattr(self, "_p", None), None
        if p is not None:
            lib.pcap_close(p)
        for fd in (self._wake_r, self._wake_w):
            if fd >= 0:
                os.close(fd)
        self._wake_r = self._wake_w = -1
        self._iter = None

    def __repr__(self) -> str:
        state = "closed" if self._p is None else self.type.name.lower()
        return f"<Pcap {state} {self.source!r}>"

    def _handle(self):
        if self._p is None:
            raise ValueError("operation on closed Pcap")
        return self._p

    def _err(self, rc: int) -> Error:
        msg = _str(lib.pcap_geterr(self._p)) if self._p is not None else ""
        return Error(rc, msg or statustostr(rc))

    def _check(self, rc: int) -> int:
        if rc < 0:
            # pcap_geterr holds a stale message for codes set without text.
            if rc in (lib.PCAP_ERROR_ACTIVATED, lib.PCAP_ERROR_NOT_ACTIVATED):
                raise Error(rc, statustostr(rc))
            raise self._err(rc)
        return rc

    # -- configuration before activation ---------------------------------------------

    def activate(self) -> None:
        """Activate a capture made by :func:`create`.

        Warnings (``PCAP_WARNING*``) are issued as :class:`Warning`.
        """
        rc = self._activate()
        if rc < 0:
            if rc == lib.PCAP_ERROR_ACTIVATED:
                raise Error(rc, statustostr(rc))
            msg = _str(lib.pcap_geterr(self._p))
            raise Error(rc, msg or statustostr(rc))
        if rc > 0:
            msg = _str(lib.pcap_geterr(self._p))
            warnings.warn(Warning(rc, msg or statustostr(rc)), stacklevel=2)

    def _activate(self) -> int:
        """``pcap_activate`` and wirepy's set-up of an activated capture;
        libpcap's status (pcapy's ``activate`` returns it as it is)."""
        p = self._handle()
        if self._timeout_ms <= 0:
            # "No timeout" (wait for packets) is wirepy's wait; the kernel
            # still needs a block timeout or it may hold packets back.
            lib.pcap_set_timeout(p, _KERNEL_TIMEOUT_MS)
        rc = lib.pcap_activate(p)
        if rc >= 0:
            self._activated_now()
        return rc

    def set_snaplen(self, snaplen: int) -> None:
        """Set the snapshot length of a not-yet-activated Pcap."""
        self._check(lib.pcap_set_snaplen(self._handle(), snaplen))

    def set_promisc(self, promisc: bool) -> None:
        """Set promiscuous mode of a not-yet-activated Pcap."""
        self._check(lib.pcap_set_promisc(self._handle(), bool(promisc)))

    def can_set_rfmon(self) -> bool:
        """Whether monitor mode can be set on a not-yet-activated Pcap."""
        return bool(self._check(lib.pcap_can_set_rfmon(self._handle())))

    def set_rfmon(self, rfmon: bool) -> None:
        """Set monitor mode of a not-yet-activated Pcap."""
        self._check(lib.pcap_set_rfmon(self._handle(), bool(rfmon)))

    def set_timeout(self, timeout: float) -> None:
        """Set the packet buffer timeout (seconds) of a not-yet-activated Pcap."""
        ms = int(round(timeout * 1000))
        self._check(lib.pcap_set_timeout(self._handle(), ms))
        self._timeout_ms = ms

    def set_immediate_mode(self, immediate_mode: bool) -> None:
        """Set immediate mode of a not-yet-activated Pcap."""
        self._check(lib.pcap_set_immediate_mode(self._handle(), bool(immediate_mode)))

    def set_buffer_size(self, buffer_size: int) -> None:
        """Set the buffer size (bytes) of a not-yet-activated Pcap."""
        self._check(lib.pcap_set_buffer_size(self._handle(), buffer_size))

    def set_tstamp_type(self, tstamp_type: TstampType) -> None:
        """Set the time stamp type of a not-yet-activated Pcap."""
        rc = lib.pcap_set_tstamp_type(self._handle(), int(tstamp_type))
        if rc > 0:
            warnings.warn(Warning(rc, statustostr(rc)), stacklevel=2)
        self._check(rc)

    def set_tstamp_precision(self, tstamp_precision: TstampPrecision) -> None:
        """Set the time stamp precision of a not-yet-activated Pcap."""
        self._check(lib.pcap_set_tstamp_precision(self._handle(), int(tstamp_precision)))

    def set_protocol_linux(self, protocol: int) -> None:
        """Set the ``socket(PF_PACKET)`` protocol of a not-yet-activated Pcap."""
        self._check(lib.pcap_set_protocol_linux(self._handle(), protocol))

    def set_pre_config(self, *, snaplen: int | None = None, promisc: bool | None = None,
                       timeout: float | None = None, rfmon: bool | None = None,
                       immediate_mode: bool | None = None,
                       buffer_size: int | None = None,
                       tstamp_type: TstampType | None = None,
                       tstamp_precision: TstampPrecision | None = None,
                       protocol_linux: int | None = None) -> None:
        """Set pre-activation configuration from keyword arguments (None: unchanged)."""
        for value, setter in ((snaplen, self.set_snaplen), (promisc, self.set_promisc),
                              (timeout, self.set_timeout), (rfmon, self.set_rfmon),
                              (immediate_mode, self.set_immediate_mode),
                              (buffer_size, self.set_buffer_size),
                              (tstamp_type, self.set_tstamp_type),
                              (tstamp_precision, self.set_tstamp_precision),
                              (protocol_linux, self.set_protocol_linux)):
            if value is not None:
                setter(value)

    def set_config(self, *, filter: Union[BpfProgram, str, None] = None,  # noqa: A002
                   direction: Direction | None = None,
                   datalink: DatalinkType | None = None,
                   nonblock: bool | None = None) -> None:
        """Set post-activation configuration from keyword arguments (None: unchanged)."""
        if filter is not None:
            self.setfilter(filter)
        if direction is not None:
            self.setdirection(direction)
        if datalink is not None:
            self.set_datalink(datalink)
        if nonblock is not None:
            self.setnonblock(nonblock)

    # -- queries ----------------------------------------------------------------------

    def get_tstamp_precision(self) -> TstampPrecision:
        """The time stamp precision of captured packets."""
        return TstampPrecision(lib.pcap_get_tstamp_precision(self._handle()))

    def list_tstamp_types(self) -> List[TstampType]:
        """The time stamp types the device supports (empty: only the default)."""
        arr = ffi.new("int **")
        n = self._check(lib.pcap_list_tstamp_types(self._handle(), arr))
        try:
            return [TstampType(arr[0][i]) for i in range(n)]
        finally:
            if n > 0:
                lib.pcap_free_tstamp_types(arr[0])

    def datalink(self) -> DatalinkType:
        """The link-layer header type."""
        return _dlt(self._check(lib.pcap_datalink(self._handle())))

    def datalink_ext(self) -> int:
        """The link-layer header type with its extension bits (``pcap_datalink_ext``)."""
        return self._check(lib.pcap_datalink_ext(self._handle()))

    def list_datalinks(self) -> List[DatalinkType]:
        """The link-layer header types the Pcap supports."""
        arr = ffi.new("int **")
        n = self._check(lib.pcap_list_datalinks(self._handle(), arr))
        try:
            return [_dlt(arr[0][i]) for i in range(n)]
        finally:
            lib.pcap_free_datalinks(arr[0])

    def set_datalink(self, dlt: DatalinkType) -> None:
        """Set the link-layer header type."""
        self._check(lib.pcap_set_datalink(self._handle(), int(dlt)))

    def snapshot(self) -> int:
        """The snapshot length."""
        return self._check(lib.pcap_snapshot(self._handle()))

    def is_swapped(self) -> bool:
        """Whether a savefile's byte order differs from the host's."""
        return bool(self._check(lib.pcap_is_swapped(self._handle())))

    def major_version(self) -> int:
        """The savefile's format major version."""
        return self._check(lib.pcap_major_version(self._handle()))

    def minor_version(self) -> int:
        """The savefile's format minor version."""
        return self._check(lib.pcap_minor_version(self._handle()))

    def bufsize(self) -> int:
        """The capture buffer size."""
        return lib.pcap_bufsize(self._handle())

    def fileno(self) -> int:
        """``pcap_fileno``: the descriptor of the device or savefile (-1 for dead)."""
        return lib.pcap_fileno(self._handle())

    def get_selectable_fd(self) -> int:
        """A descriptor to ``select``/``poll`` for a live capture (-1: none)."""
        return lib.pcap_get_selectable_fd(self._handle())

    def get_required_select_timeout(self) -> float | None:
        """A timeout to use with ``select`` on :meth:`get_selectable_fd`, or None."""
        tv = lib.pcap_get_required_select_timeout(self._handle())
        if tv == ffi.NULL:
            return None
        return tv.tv_sec + tv.tv_usec / 1e6

    def getnonblock(self) -> bool:
        """Whether reads return at once when nothing is there."""
        if self.type == PcapType.LIVE:
            return self._nonblock
        errbuf = ffi.new("char[]", lib.PCAP_ERRBUF_SIZE)
        rc = lib.pcap_getnonblock(self._handle(), errbuf)
        if rc < 0:
            raise Error(rc, _str(errbuf))
        return bool(rc)

    def setnonblock(self, nonblock: bool) -> None:
        """Make reads return at once (True) or wait (False) when nothing is there."""
        if self.type == PcapType.LIVE:
            self._handle()
            self._nonblock = bool(nonblock)
            return
        errbuf = ffi.new("char[]", lib.PCAP_ERRBUF_SIZE)
        rc = lib.pcap_setnonblock(self._handle(), bool(nonblock), errbuf)
        if rc < 0:
            raise Error(rc, _str(errbuf))

    def stats(self) -> Stat:
        """Capture statistics."""
        st = ffi.new("struct pcap_stat *")
        self._check(lib.pcap_stats(self._handle(), st))
        return Stat(st.ps_recv, st.ps_drop, st.ps_ifdrop)

    def geterr(self) -> str:
        """libpcap's last error message for this Pcap."""
        return _str(lib.pcap_geterr(self._handle()))

    # -- filters, direction, sending ---------------------------------------------------

    def compile(self, filter_: str, optimize: bool = True,
                netmask: int | None = None) -> BpfProgram:
        """Compile a filter expression for this Pcap's link type.

        Without *netmask*, a live capture uses :func:`lookupnet` (falling back
        to :data:`NETMASK_UNKNOWN`), others :data:`NETMASK_UNKNOWN`.
        """
        p = self._handle()
        if netmask is None:
            netmask = NETMASK_UNKNOWN
            if self.type == PcapType.LIVE:
                try:
                    netmask = lookupnet(self.source)[1] or NETMASK_UNKNOWN
                except Error:
                    pass
        prog = ffi.new("struct bpf_program *")
        if lib.pcap_compile(p, prog, filter_.encode(), bool(optimize), netmask) != 0:
            raise Error(ErrorCode.ERROR, _str(lib.pcap_geterr(p)))
        return BpfProgram._take(prog)

    def setfilter(self, filter: Union[BpfProgram, str], *, optimize: bool = True,  # noqa: A002
                  netmask: int | None = None) -> None:
        """Set the BPF filter: a :class:`BpfProgram` or an expression to compile."""
        if isinstance(filter, str):
            filter = self.compile(filter, optimize, netmask)
        if not isinstance(filter, BpfProgram):
            raise TypeError(f"setfilter takes a BpfProgram or a str, not {type(filter).__name__}")
        self._check(lib.pcap_setfilter(self._handle(), filter._prog))
        self._filter = filter

    def setdirection(self, d: Direction) -> None:
        """Capture packets in direction *d* only."""
        self._check(lib.pcap_setdirection(self._handle(), int(d)))

    def inject(self, buf) -> int:
        """Transmit a packet; the number of bytes written."""
        data = ffi.from_buffer(buf)
        return self._check(lib.pcap_inject(self._handle(), data, len(data)))

    def sendpacket(self, buf) -> None:
        """Transmit a packet."""
        data = ffi.from_buffer(buf)
        self._check(lib.pcap_sendpacket(self._handle(), data, len(data)))

    # -- dumpers -----------------------------------------------------------------------

    def dump_open(self, fname) -> Dumper:
        """Open a savefile (path, ``"-"`` for stdout, or binary file object) for writing."""
        p = self._handle()
        if hasattr(fname, "fileno") and not isinstance(fname, (str, bytes, os.PathLike)):
            name = getattr(fname, "name", None)
            filename = os.fsdecode(name) if isinstance(name, (str, bytes, os.PathLike)) else None
            fname.flush()
            d = lib.wirepy_pcap_dump_fdopen(p, fname.fileno())
        else:
            filename = os.fsdecode(fname)
            d = lib.pcap_dump_open(p, _path(fname))
        if d == ffi.NULL:
            msg = _str(lib.pcap_geterr(p)) or f"cannot open for writing: {os.strerror(ffi.errno)}"
            raise Error(ErrorCode.ERROR, msg, filename=filename)
        return Dumper._new(d, lib.pcap_get_tstamp_precision(p), filename)

    def dump_open_append(self, fname) -> Dumper:
        """Open a savefile for appending (same link type, snaplen and precision)."""
        p = self._handle()
        d = lib.pcap_dump_open_append(p, _path(fname))
        if d == ffi.NULL:
            raise Error(ErrorCode.ERROR, _str(lib.pcap_geterr(p)), filename=os.fsdecode(fname))
        return Dumper._new(d, lib.pcap_get_tstamp_precision(p), os.fsdecode(fname))

    # -- reading ----------------------------------------------------------------------

    def breakloop(self) -> None:
        """Make :meth:`loop`, :meth:`dispatch`, :meth:`next` or iteration return.

        Safe from a callback (the loop ends after the current packet) and
        from any other thread (a waiting read wakes up at once). ``loop``
        and ``dispatch`` then raise :class:`Error` with code
        ``ErrorCode.BREAK``; iteration stops, :meth:`next` returns as on a
        timeout.
        """
        self._break = True
        cur, it = self._cur, self._cur_it
        if cur is not None and it is not None:
            done = len(cur) - length_hint(it)
            if self._broken_at is None:
                self._broken_at = done
                self._pending = (cur[done:], self._cur_datas[done:])
                del cur[done:]
        if self._wake_w >= 0:
            try:
                os.write(self._wake_w, b"b")
            except (BlockingIOError, OSError):
                pass

    def _take_break(self) -> bool:
        if self._break:
            self._break = False
            if self._wake_r >= 0:
                lib.wirepy_pcap_drain(self._wake_r)
            return True
        return False

    def _collect(self, maxcnt: int, out_a: list, out_b: list | None, wait: bool,
                 timeout_ms: int) -> int:
        """Read up to *maxcnt* packets into the lists; pcap_dispatch's status,
        or _TIMEOUT / _BREAK. Offline: 0 at end of file.

        The C calls of a read run without the GIL: a :meth:`close` from
        another thread meanwhile is done here, once they have returned
        (freeing the handle under them would be a use after free), and the
        read then ends as on :meth:`breakloop`.
        """
        self._handle()
        self._busy = True
        try:
            rc = self._read(maxcnt, out_a, out_b, wait, timeout_ms)
        finally:
            self._busy = False
            closing = self._close_requested
            if closing:
                self._close_requested = self._break = False
                self.close()
        # Closed meanwhile: what was read is delivered, then the read ends
        # as on breakloop.
        return _BREAK if closing else rc

    def _read(self, maxcnt: int, out_a: list, out_b: list | None, wait: bool,
              timeout_ms: int) -> int:
        p = self._handle()
        a = _addr(out_a)
        b = _addr(out_b) if out_b is not None else ffi.NULL
        cls = self._prec
        if self.type != PcapType.LIVE:
            if self._take_break():
                return _BREAK
            if self._fast is not None:
                prog = self._filter._prog if self._filter is not None else ffi.NULL
                rc = lib.wirepy_pcap_collect_file(p, maxcnt, self._fast, prog, a, b)
                if rc != _FALLBACK:
                    return rc
                self._fast = None       # libpcap reads on from that record
            if self._stream:
                rc = self._wait_stream(wait)
                if rc is not None:
                    return rc
            return lib.wirepy_pcap_collect(p, maxcnt, cls, a, b)
        if not self._activated:
            return lib.wirepy_pcap_collect(p, maxcnt, cls, a, b)
        deadline = time.monotonic() + timeout_ms / 1000.0 if timeout_ms > 0 else None
        wait = wait and not self._nonblock
        while True:
            if self._take_break():
                return _BREAK
            rc = lib.wirepy_pcap_collect(p, maxcnt, cls, a, b)
            if rc != 0 or not wait:
                return rc
            slice_ms = int(POLL_SLICE * 1000)
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return _TIMEOUT
                slice_ms = max(1, min(slice_ms, int(remaining * 1000) + 1))
            r = lib.wirepy_pcap_wait(self._fd, self._wake_r, slice_ms)
            if r < 0:
                raise Error(ErrorCode.ERROR, f"poll: {os.strerror(-r)}")
            if r & 2 and not self._break:
                # A wake-up left by a breakloop already taken: it would
                # make every poll return at once.
                lib.wirepy_pcap_drain(self._wake_r)

    def _wait_stream(self, wait: bool) -> int | None:
        """Wait until a stream savefile can be read: None then, _BREAK on
        breakloop, _TIMEOUT when *wait* is false and nothing is there.

        The wait runs in C without the GIL, in slices of :data:`POLL_SLICE`
        between which Python runs signal handlers (Ctrl-C). The read that
        follows may still wait for the rest of a record a writer sent in
        pieces; it too runs without the GIL, and a signal interrupts it."""
        slice_ms = int(POLL_SLICE * 1000) if wait else 0
        while True:
            r = lib.wirepy_pcap_file_wait(self._p, self._wake_r, slice_ms)
            if r < 0:
                raise Error(ErrorCode.ERROR, f"poll: {os.strerror(-r)}")
            if self._take_break():
                return _BREAK
            if r & 1:
                return None
            if r & 2:
                lib.wirepy_pcap_drain(self._wake_r)
            if not wait:
                return _TIMEOUT

    def _raise_status(self, rc: int) -> None:
        if rc == _NOMEM:
            raise MemoryError("out of memory reading packets")
        if rc < 0 and rc not in (_BREAK, _TIMEOUT):
            err = self._err(rc)
            if self._filename:
                err = Error(err.code, err.msg, filename=self._filename)
            raise err

    def batches(self) -> Iterator[List[Packet]]:
        """The packets read, a batch (one C call's worth) at a time."""
        for hdrs, datas in self._batch_columns():
            yield list(zip(hdrs, datas))

    def _batch_columns(self) -> Iterator[Tuple[list, list]]:
        """Each batch as two lists: the headers and the packets' bytes."""
        timeout = self._timeout_ms
        while True:
            pending = self._pending
            if pending is not None:
                self._pending = None
                yield pending
            hdrs: list = []
            datas: list = []
            rc = self._collect(BATCH, hdrs, datas, True, timeout)
            if hdrs:
                yield hdrs, datas
            if rc == _TIMEOUT or (rc == 0 and not hdrs and self.type == PcapType.LIVE):
                # A timeout, or nothing there in non-blocking mode: pcap_next_ex's
                # 0, which cypcap's iteration gives as (None, None).
                yield [None], [None]
                continue
            if rc == _BREAK or (rc == 0 and self.type != PcapType.LIVE):
                # The next ``for`` starts afresh (a live capture goes on).
                self._iter = None
                return
            self._raise_status(rc)

    def __iter__(self) -> Iterator[Packet]:
        # The C-level chain itself, not self: a Python __next__ per packet
        # would cost more than reading the packet. zip makes the pairs: it
        # reuses its tuple when the loop has let go of the last one, where
        # a tuple made and freed per packet was a fifth of the cost.
        if self._iter is None:
            self._handle()
            self._iter = chain.from_iterable(starmap(zip, self._batch_columns()))
        return self._iter

    def __next__(self) -> Packet:
        it = self._iter
        if it is None:
            self.__iter__()
            it = self._iter
        try:
            return next(it)
        except StopIteration:
            self._iter = None
            raise

    def read_batch(self, n: int = BATCH) -> List[Packet]:
        """Up to *n* packets in one C call, waiting at most the packet buffer
        timeout on a live capture; ``[]`` at end of file, timeout or break."""
        pending = self._pending
        if pending is not None:
            self._pending = None
            out = list(zip(*pending))
            if len(out) > n:
                self._pending = (pending[0][n:], pending[1][n:])
                out = out[:n]
            return out
        deferred, self._deferred = self._deferred, None
        if deferred is not None:
            raise deferred
        out = []
        rc = self._collect(n, out, None, True, self._timeout_ms)
        if not out:
            self._raise_status(rc)
        elif rc < 0:
            # An error after packets (a truncated record): theirs first, the
            # error at the next read, which would otherwise see end of file.
            try:
                self._raise_status(rc)
            except (Error, MemoryError) as exc:
                self._deferred = exc
        return out

    def _deliver(self, callback: Callback, hdrs: list, datas: list) -> Tuple[int, bool]:
        """Call *callback* for each packet, C-driven; (count delivered, broken)."""
        it = iter(hdrs)
        self._cur, self._cur_it, self._cur_datas = hdrs, it, datas
        self._broken_at = None
        try:
            deque(map(callback, it, datas), 0)
        except BaseException:
            done = len(hdrs) - length_hint(it)
            if self._broken_at is None and done < len(hdrs):
                self._pending = (hdrs[done:], datas[done:])
            raise
        finally:
            self._cur = self._cur_it = self._cur_datas = None
        if self._broken_at is not None:
            return self._broken_at, True
        return len(hdrs), False

    def _run(self, cnt: int, callback: Callback, once: bool) -> int:
        n = 0
        while cnt <= 0 or n < cnt:
            want = BATCH if cnt <= 0 else min(BATCH, cnt - n)
            pending = self._pending
            if pending is not None:
                self._pending = None
                hdrs, datas = pending
                if len(hdrs) > want:
                    self._pending = (hdrs[want:], datas[want:])
                    hdrs, datas = hdrs[:want], datas[:want]
                rc = len(hdrs)
            else:
                hdrs, datas = [], []
                rc = self._collect(want, hdrs, datas, True,
                                   self._timeout_ms if once else 0)
            if hdrs:
                done, broken = self._deliver(callback, hdrs, datas)
                n += done
                if broken:
                    self._take_break()
                    raise self._broken(n)
            if rc == _BREAK:
                raise self._broken(n)
            if rc == _TIMEOUT or (rc == 0 and self.type != PcapType.LIVE):
                return n
            self._raise_status(rc)
            if once and (self.type == PcapType.LIVE or cnt > 0):
                return n
            if rc == 0 and self._nonblock:
                return n
        return n

    @staticmethod
    def _broken(n: int) -> Error:
        return Error(ErrorCode.BREAK, f"PCAP_ERROR_BREAK: ended by breakloop() after {n} "
                     f"packet{'s' if n != 1 else ''}", count=n)

    def loop(self, cnt: int, callback: Callable[[Pkthdr, bytes], None]) -> int:
        """Call *callback(hdr, data)* for *cnt* packets (<= 0: until end of file
        or an exception); the number of packets processed.

        Unlike :meth:`dispatch`, live packet buffer timeouts do not end it.
        Ended by :meth:`breakloop`, it raises :class:`Error` with code
        ``ErrorCode.BREAK`` (libpcap's ``PCAP_ERROR_BREAK``, as cypcap does);
        the error's :attr:`~Error.count` is the number of packets processed.
        """
        return self._run(cnt, callback, once=False)

    def dispatch(self, cnt: int, callback: Callable[[Pkthdr, bytes], None]) -> int:
        """Process one bufferful of packets (at most *cnt*; <= 0: no limit for
        a live capture, the whole file offline); the number processed.

        Ended by :meth:`breakloop`, it raises :class:`Error` with code
        ``ErrorCode.BREAK``, as :meth:`loop` does.
        """
        return self._run(cnt, callback, once=True)

    def next(self) -> Packet | None:
        """The next packet; ``(None, None)`` on a live timeout, None at end of file."""
        batch = self.read_batch(1)
        if batch:
            return batch[0]
        return (None, None) if self.type == PcapType.LIVE else None

    # -- asyncio ----------------------------------------------------------------------

    def __aiter__(self):
        """``async for hdr, data in pcap``: packets without blocking the event loop.

        A live capture waits on its selectable fd (``loop.add_reader``); it
        ends on :meth:`breakloop`. Live timeouts yield nothing.
        """
        return self._aiterate()

    async def _aiterate(self):
        loop = asyncio.get_running_loop()
        live = self.type == PcapType.LIVE and self._activated
        while True:
            pending = self._pending
            if pending is not None:
                self._pending = None
                for item in zip(*pending):
                    yield item
            out: List[Packet] = []
            rc = self._collect(BATCH, out, None, False, 0)
            for item in out:
                yield item
            if rc == _BREAK:
                return
            if rc == 0 and not live:
                return
            self._raise_status(rc)
            if out or rc > 0:
                if not live:
                    await asyncio.sleep(0)
                continue
            fut = loop.create_future()

            def ready(fut=fut):
                if not fut.done():
                    fut.set_result(None)

            loop.add_reader(self._fd, ready)
            loop.add_reader(self._wake_r, ready)
            try:
                await fut
            finally:
                loop.remove_reader(self._fd)
                loop.remove_reader(self._wake_r)


class Dumper(_Closable):
    """A savefile being written, from :meth:`Pcap.dump_open`.

    Close it (or use ``with``); an unclosed Dumper garbage-collected warns
    with a ``ResourceWarning``.
    """

    _HANDLE = "_d"

    def __init__(self, *args, **kwargs) -> None:
        raise TypeError("cannot create 'Dumper' instances directly; use Pcap.dump_open() "
                        "or Pcap.dump_open_append()")

    @classmethod
    def _new(cls, d, precision: int, filename: str | None) -> Dumper:
        self = object.__new__(cls)
        self._d = d
        self._precision = TstampPrecision(precision)
        self._filename = filename
        return self

    def _handle(self):
        if self._d is None:
            raise ValueError("operation on closed Dumper")
        return self._d

    def dump(self, pkt_header: Pkthdr, pkt_data) -> None:
        """Write a packet; the header's time stamp is converted to the file's
        precision, a ``caplen`` beyond *pkt_data* is cut to it."""
        d = self._handle()
        if not isinstance(pkt_header, Pkthdr):
            pkt_header = Pkthdr(pkt_header.ts, pkt_header.caplen, pkt_header.len)
        if pkt_header._precision != self._precision:
            pkt_header = pkt_header.with_precision(self._precision)
        data = ffi.from_buffer(pkt_data)
        caplen = min(pkt_header.caplen, len(data))
        lib.wirepy_pcap_dump1(d, pkt_header.ts_sec, pkt_header.ts_frac, caplen, pkt_header.len,
                              data)

    def flush(self) -> None:
        """Flush written packets to the file."""
        if lib.pcap_dump_flush(self._handle()) != 0:
            raise Error(ErrorCode.ERROR, f"cannot write: {os.strerror(ffi.errno)}",
                        filename=self._filename)

    def ftell(self) -> int:
        """The current file offset."""
        return lib.pcap_dump_ftell64(self._handle())

    def close(self) -> None:
        """Close the Dumper (idempotent)."""
        d, self._d = getattr(self, "_d", None), None
        if d is not None:
            lib.pcap_dump_close(d)

    def __repr__(self) -> str:
        return f"<Dumper {'closed' if self._d is None else 'open'}>"
