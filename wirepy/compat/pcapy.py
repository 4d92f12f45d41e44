"""pcapy (and pcapy-ng) on top of :mod:`wirepy.lib.pcap`.

``import wirepy.compat.pcapy as pcapy`` and the code written for pcapy runs
unchanged: :func:`open_live`, :func:`open_offline`, :func:`lookupdev`,
:func:`findalldevs`, :func:`compile`, :func:`create`, the :class:`Reader`,
:class:`Dumper`, :class:`BPFProgram` (``Bpf`` in pcapy's documentation) and
``Pkthdr`` objects, the ``DLT_*`` and ``PCAP_D_*`` constants, and
:class:`PcapError` and :class:`BPFError`. Where pcapy's documentation and
pcapy itself differ, this follows pcapy: :meth:`Reader.getnet` and
:meth:`Reader.getmask` return dotted strings, :meth:`Reader.next` returns
``(None, b"")`` when no packet is there, :meth:`BPFProgram.filter` returns
the accepted length (0: rejected), the ``set_*`` methods and
:meth:`Reader.activate` return libpcap's status instead of raising, and
errors carry only their message (``e.args == (message,)``). Readers and
Dumpers are closed when they are garbage-collected, silently, as pcapy's.
``dispatch`` and ``loop`` return the number of packets processed (pcapy's
``loop`` returns None); they, iteration and ``next`` inherit wirepy's
behaviour (batches, Ctrl-C, exceptions from callbacks). pcapy-ng's own
additions (``loop_filtered``, ``next_batch``, ``set_fanout``...) are not
here.
"""

from __future__ import annotations

import socket
import sys
from typing import Callable, List, Tuple, Union

from ..lib import pcap as _pcap
from ..lib.pcap import Pkthdr

__all__ = [
    "open_live", "open_offline", "lookupdev", "findalldevs", "compile", "create",
    "Reader", "Dumper", "Bpf", "BPFProgram", "Pkthdr", "PcapError", "BPFError",
    "PCAP_D_INOUT", "PCAP_D_IN", "PCAP_D_OUT",
]


class PcapError(_pcap.Error):
    """pcapy's error, made like pcapy's from its message alone
    (``e.args == (message,)``); a :class:`wirepy.lib.pcap.Error` as well,
    with its :attr:`code` and :attr:`filename`."""

    def __init__(self, msg: str, code: int = _pcap.ErrorCode.ERROR, **kw) -> None:
        super().__init__(code, msg, **kw)
        self.args = (self.msg,)


class BPFError(PcapError):
    """A filter failed to compile."""


def _wrap(exc: _pcap.Error, cls=PcapError) -> PcapError:
    return cls(exc.msg, exc.code, filename=getattr(exc, "filename", None))


PCAP_D_INOUT = int(_pcap.Direction.INOUT)
PCAP_D_IN = int(_pcap.Direction.IN)
PCAP_D_OUT = int(_pcap.Direction.OUT)

for _member in _pcap.DatalinkType:
    _name = "DLT_NULL" if _member.name == "NULL_" else "DLT_" + _member.name
    setattr(sys.modules[__name__], _name, int(_member))
    __all__.append(_name)
for _alias, _member in _pcap.DatalinkType.__members__.items():
    _name = "DLT_NULL" if _alias == "NULL_" else "DLT_" + _alias
    if not hasattr(sys.modules[__name__], _name):
        setattr(sys.modules[__name__], _name, int(_member))
        __all__.append(_name)


class BPFProgram:
    """A compiled filter: ``BPFProgram(filter, linktype=DLT_EN10MB)``.

    As pcapy's, the constructor compiles *filter* for *linktype* (snapshot
    length 65536, not optimised, netmask 0) and raises :class:`BPFError`
    when it does not compile; :func:`compile` returns one too. A
    :class:`wirepy.lib.pcap.BpfProgram` may be passed instead of the text.
    """

    def __init__(self, filter: Union[str, _pcap.BpfProgram],  # noqa: A002 - pcapy's name
                 linktype: int = int(_pcap.DatalinkType.EN10MB)) -> None:
        if isinstance(filter, _pcap.BpfProgram):
            self._program = filter
            return
        try:
            self._program = _pcap.compile(linktype, 1 << 16, filter, False, 0)
        except _pcap.Error as exc:
            raise BPFError(f"Couldn't compile BPF program: {exc.msg}") from None

    def filter(self, packet: bytes) -> int:
        """Run the filter on *packet*: the accepted length, 0 when rejected.

        The length is ``bpf_filter``'s as a C ``int``, as pcapy returns it
        (a program returning 0xffffffff accepts with -1).
        """
        n = self._program.filter(packet)
        return n - (1 << 32) if n >= 1 << 31 else n

    def get_bpf(self) -> List[Tuple[int, int, int, int]]:
        """The program's instructions as ``(code, jt, jf, k)``."""
        return list(self._program)


#: The name pcapy's documentation gives :class:`BPFProgram`.
Bpf = BPFProgram


class Dumper:
    """A savefile being written (from :meth:`Reader.dump_open`); closed when
    garbage-collected, as pcapy's."""

    def __init__(self, dumper: _pcap.Dumper) -> None:
        self._dumper = dumper

    def dump(self, header: Pkthdr, data: bytes) -> None:
        """Write one packet."""
        if self._dumper.closed:
            raise PcapError("Dumper is already closed.")
        try:
            self._dumper.dump(header, data)
        except _pcap.Error as exc:
            raise _wrap(exc) from None

    def flush(self) -> None:
        """Write buffered packets to the file (a wirepy addition)."""
        if self._dumper.closed:
            raise PcapError("Dumper is already closed.")
        try:
            self._dumper.flush()
        except _pcap.Error as exc:
            raise _wrap(exc) from None

    def close(self) -> None:
        """Close the savefile."""
        self._dumper.close()

    def __del__(self) -> None:
        dumper = getattr(self, "_dumper", None)
        if dumper is not None:
            dumper.close()


class Reader:
    """A capture handle, pcapy style; closed when garbage-collected, as
    pcapy's.

    *net* and *mask* are the device's IPv4 network and netmask (as
    :func:`wirepy.lib.pcap.lookupnet` gives them), looked up when the
    handle is opened, 0 for savefiles and where there are none.
    """

    def __init__(self, handle: _pcap.Pcap, net: int = 0, mask: int = 0) -> None:
        self._p = handle
        self._net = net
        self._mask = mask

    def __del__(self) -> None:
        p = getattr(self, "_p", None)
        if p is not None:
            p.close()

    def _status(self, fn, *args) -> int:
        """Call a setter; libpcap's status, as pcapy returns it (0, or
        e.g. PCAP_ERROR_ACTIVATED) instead of raising."""
        try:
            fn(*args)
        except _pcap.Error as exc:
            return int(exc.code)
        return 0

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except _pcap.Error as exc:
            raise _wrap(exc) from None

    def dispatch(self, maxcant: int, callback: Callable[[Pkthdr, bytes], None]) -> int:
        """Process one bufferful of packets (at most *maxcant*); the count."""
        return self._call(self._p.dispatch, maxcant, callback)

    def loop(self, maxcant: int, callback: Callable[[Pkthdr, bytes], None]) -> int:
        """Process *maxcant* packets (negative: until the end); the count."""
        return self._call(self._p.loop, maxcant, callback)

    def next(self) -> Tuple[Pkthdr | None, bytes]:
        """``(header, data)`` of the next packet, ``(None, b"")`` when there is none."""
        pkt = self._call(self._p.next)
        if pkt is None or pkt[0] is None:
            return (None, b"")
        return pkt

    def __iter__(self):
        return iter(self._p)

    def stats(self) -> Tuple[int, int, int]:
        """``(recv, drop, ifdrop)``."""
        return tuple(self._call(self._p.stats))

    def setfilter(self, filter: str) -> None:  # noqa: A002 - pcapy's name
        """Compile (optimised, with the device's netmask) and set a filter."""
        try:
            self._p.setfilter(filter, netmask=self._mask)
        except _pcap.Error as exc:
            raise _wrap(exc, BPFError) from None

    def getfd(self) -> int:
        """A descriptor to ``select`` on, -1 if none."""
        return self._p.get_selectable_fd()

    def set_snaplen(self, snaplen: int) -> int:
        """Set the snapshot length before :meth:`activate`; libpcap's status."""
        return self._status(self._p.set_snaplen, snaplen)

    def set_promisc(self, promisc: int) -> int:
        """Set promiscuous mode before :meth:`activate`; libpcap's status."""
        return self._status(self._p.set_promisc, bool(promisc))

    def set_timeout(self, timeout: int) -> int:
        """Set the read timeout (milliseconds) before :meth:`activate`;
        libpcap's status."""
        return self._status(self._p.set_timeout, timeout / 1000.0)

    def set_buffer_size(self, buffer_size: int) -> int:
        """Set the buffer size before :meth:`activate`; libpcap's status."""
        return self._status(self._p.set_buffer_size, buffer_size)

    def set_rfmon(self, rfmon: int) -> int:
        """Set monitor mode before :meth:`activate`; libpcap's status."""
        return self._status(self._p.set_rfmon, bool(rfmon))

    def set_immediate_mode(self, mode: int) -> int:
        """Set immediate mode before :meth:`activate` (a wirepy addition);
        libpcap's status."""
        return self._status(self._p.set_immediate_mode, bool(mode))

    def activate(self) -> int:
        """Activate the handle: 0, a positive ``PCAP_WARNING*`` or a negative
        ``PCAP_ERROR*`` status, as pcapy returns it (nothing is raised)."""
        return self._p._activate()

    def getnet(self) -> str:
        """The device's IPv4 network number, dotted (``"0.0.0.0"``: none)."""
        self._p._handle()
        return socket.inet_ntoa(self._net.to_bytes(4, sys.byteorder))

    def getmask(self) -> str:
        """The device's IPv4 netmask, dotted (``"0.0.0.0"``: none)."""
        self._p._handle()
        return socket.inet_ntoa(self._mask.to_bytes(4, sys.byteorder))

    def datalink(self) -> int:
        return int(self._call(self._p.datalink))

    def getnonblock(self) -> int:
        return int(self._call(self._p.getnonblock))

    def setnonblock(self, state: int) -> None:
        self._call(self._p.setnonblock, bool(state))

    def setdirection(self, direction: int) -> None:
        self._call(self._p.setdirection, direction)

    def sendpacket(self, data: bytes) -> None:
        self._call(self._p.sendpacket, data)

    def dump_open(self, filename: str) -> Dumper:
        """Open a savefile for writing (``"-"``: standard output)."""
        return Dumper(self._call(self._p.dump_open, filename))

    def close(self) -> None:
        """Close the handle."""
        self._p.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _lookupnet(device: str) -> Tuple[int, int]:
    try:
        return _pcap.lookupnet(device)
    except _pcap.Error:
        return (0, 0)


def open_live(device: str, snaplen: int, promisc: int, to_ms: int) -> Reader:
    """Open *device* for capturing; *to_ms* is the read timeout in milliseconds."""
    net, mask = _lookupnet(device)
    try:
        return Reader(_pcap.open_live(device, snaplen, bool(promisc), to_ms), net, mask)
    except _pcap.Error as exc:
        raise _wrap(exc) from None


def open_offline(filename: str) -> Reader:
    """Open a savefile (``"-"``: standard input)."""
    try:
        return Reader(_pcap.open_offline(filename))
    except _pcap.Error as exc:
        raise _wrap(exc) from None


def create(device: str) -> Reader:
    """A capture handle to configure, then :meth:`Reader.activate`."""
    net, mask = _lookupnet(device)
    try:
        return Reader(_pcap.create(device), net, mask)
    except _pcap.Error as exc:
        raise _wrap(exc) from None


def lookupdev() -> str:
    """A device suitable for :func:`open_live`."""
    try:
        return _pcap.lookupdev()
    except _pcap.Error as exc:
        raise _wrap(exc) from None


def findalldevs() -> List[str]:
    """The names of the capture devices (none: :class:`PcapError`, as pcapy)."""
    try:
        names = [d.name for d in _pcap.findalldevs()]
    except _pcap.Error as exc:
        raise _wrap(exc) from None
    if not names:
        raise PcapError("No valid interfaces to open")
    return names


def compile(linktype: int, snaplen: int, filter: str, optimize: int,  # noqa: A001,A002
            netmask: int) -> BPFProgram:
    """Compile a filter expression for *linktype*."""
    try:
        return BPFProgram(_pcap.compile(linktype, snaplen, filter, bool(optimize), netmask))
    except _pcap.Error as exc:
        raise _wrap(exc, BPFError) from None
