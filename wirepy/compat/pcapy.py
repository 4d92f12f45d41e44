"""pcapy (and pcapy-ng) on top of :mod:`wirepy.lib.pcap`.

``import wirepy.compat.pcapy as pcapy`` and the code written for pcapy runs
unchanged: :func:`open_live`, :func:`open_offline`, :func:`lookupdev`,
:func:`findalldevs`, :func:`compile`, :func:`create`, the :class:`Reader`,
:class:`Dumper`, :class:`Bpf` and ``Pkthdr`` objects, the ``DLT_*`` and
``PCAP_D_*`` constants and :class:`PcapError`. Where pcapy's documentation
and pcapy itself differ, this follows pcapy: :meth:`Reader.getnet` and
:meth:`Reader.getmask` return dotted strings, :meth:`Reader.next` returns
``(None, b"")`` when no packet is there, :meth:`Bpf.filter` returns the
accepted length (0: rejected). ``dispatch`` and ``loop`` return the number
of packets processed; they, iteration and ``next`` inherit wirepy's
behaviour (batches, breakloop, Ctrl-C, exceptions from callbacks).
"""

from __future__ import annotations

import socket
import sys
from typing import Callable, List, Tuple

from ..lib import pcap as _pcap
from ..lib.pcap import Pkthdr

__all__ = [
    "open_live", "open_offline", "lookupdev", "findalldevs", "compile", "create",
    "Reader", "Dumper", "Bpf", "BPFProgram", "Pkthdr", "PcapError", "BPFError",
    "PCAP_D_INOUT", "PCAP_D_IN", "PCAP_D_OUT",
]


class PcapError(_pcap.Error):
    """pcapy's error: a :class:`wirepy.lib.pcap.Error` as well."""


class BPFError(PcapError):
    """A filter failed to compile."""


def _wrap(exc: _pcap.Error, cls=PcapError) -> PcapError:
    return cls(exc.code, exc.msg)


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


class Bpf:
    """A compiled filter (pcapy's ``Bpf``/``BPFProgram``)."""

    def __init__(self, program: _pcap.BpfProgram) -> None:
        self._program = program

    def filter(self, packet: bytes) -> int:
        """Run the filter on *packet*: the accepted length, 0 when rejected."""
        return self._program.filter(packet)

    def get_bpf(self) -> List[Tuple[int, int, int, int]]:
        """The program's instructions as ``(code, jt, jf, k)``."""
        return list(self._program)


BPFProgram = Bpf


class Dumper:
    """A savefile being written (from :meth:`Reader.dump_open`)."""

    def __init__(self, dumper: _pcap.Dumper) -> None:
        self._dumper = dumper

    def dump(self, header: Pkthdr, data: bytes) -> None:
        """Write one packet."""
        try:
            self._dumper.dump(header, data)
        except _pcap.Error as exc:
            raise _wrap(exc) from None

    def flush(self) -> None:
        self._dumper.flush()

    def close(self) -> None:
        """Close the savefile."""
        self._dumper.close()


class Reader:
    """A capture handle, pcapy style."""

    def __init__(self, handle: _pcap.Pcap) -> None:
        self._p = handle

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
        """Compile and set a filter expression."""
        try:
            self._p.setfilter(filter)
        except _pcap.Error as exc:
            raise _wrap(exc, BPFError) from None

    def getfd(self) -> int:
        """A descriptor to ``select`` on, -1 if none."""
        return self._p.get_selectable_fd()

    def set_snaplen(self, snaplen: int) -> int:
        self._call(self._p.set_snaplen, snaplen)
        return 0

    def set_promisc(self, promisc: int) -> int:
        self._call(self._p.set_promisc, bool(promisc))
        return 0

    def set_timeout(self, timeout: int) -> int:
        """Set the read timeout, in milliseconds."""
        self._call(self._p.set_timeout, timeout / 1000.0)
        return 0

    def set_buffer_size(self, buffer_size: int) -> int:
        self._call(self._p.set_buffer_size, buffer_size)
        return 0

    def set_immediate_mode(self, mode: int) -> int:
        self._call(self._p.set_immediate_mode, bool(mode))
        return 0

    def activate(self) -> int:
        """Activate the handle; 0 (warnings are issued as wirepy Warnings)."""
        self._call(self._p.activate)
        return 0

    def _net(self) -> Tuple[int, int]:
        try:
            return _pcap.lookupnet(self._p.source)
        except _pcap.Error:
            return (0, 0)

    def getnet(self) -> str:
        """The device's IPv4 network number, dotted."""
        return socket.inet_ntoa(self._net()[0].to_bytes(4, sys.byteorder))

    def getmask(self) -> str:
        """The device's IPv4 netmask, dotted."""
        return socket.inet_ntoa(self._net()[1].to_bytes(4, sys.byteorder))

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


def open_live(device: str, snaplen: int, promisc: int, to_ms: int) -> Reader:
    """Open *device* for capturing; *to_ms* is the read timeout in milliseconds."""
    try:
        return Reader(_pcap.open_live(device, snaplen, bool(promisc), to_ms))
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
    try:
        return Reader(_pcap.create(device))
    except _pcap.Error as exc:
        raise _wrap(exc) from None


def lookupdev() -> str:
    """A device suitable for :func:`open_live`."""
    try:
        return _pcap.lookupdev()
    except _pcap.Error as exc:
        raise _wrap(exc) from None


def findalldevs() -> List[str]:
    """The names of the capture devices."""
    try:
        return [d.name for d in _pcap.findalldevs()]
    except _pcap.Error as exc:
        raise _wrap(exc) from None


def compile(linktype: int, snaplen: int, filter: str, optimize: int,  # noqa: A001,A002
            netmask: int) -> Bpf:
    """Compile a filter expression for *linktype*."""
    try:
        return Bpf(_pcap.compile(linktype, snaplen, filter, bool(optimize), netmask))
    except _pcap.Error as exc:
        raise _wrap(exc, BPFError) from None
