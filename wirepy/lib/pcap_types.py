"""Plain value types of the libpcap layer: errors, packet headers, statistics,
interfaces and their addresses."""

from __future__ import annotations

import builtins
import datetime
import socket
import struct
from typing import List, NamedTuple, Tuple

from .pcap_constants import ErrorCode, PcapIfFlags, TstampPrecision
from .wireshark import ffi, lib

__all__ = ["Error", "Warning", "Pkthdr", "Stat", "PcapIf", "PcapAddr"]

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def _code(value: int):
    try:
        return ErrorCode(value)
    except ValueError:
        return value


class Error(Exception):
    """Raised when an error occurs in libpcap.

    :attr:`code` is an :class:`ErrorCode` (``ERROR`` for plain failures,
    ``NO_SUCH_DEVICE``, ``ACTIVATED``, ``BREAK``...), :attr:`msg` libpcap's
    message. :attr:`filename` is the capture file an error of opening,
    reading or writing it is about (as :class:`OSError`'s), None
    otherwise; the message then starts with it. :attr:`count` is set where
    a ``BREAK`` ended :meth:`~wirepy.lib.pcap.Pcap.loop` or
    :meth:`~wirepy.lib.pcap.Pcap.dispatch`: the packets processed before.
    """

    def __init__(self, code: int, msg: str, *, filename: str | None = None,
                 count: int | None = None) -> None:
        if filename and not msg.startswith(f"{filename}: "):
            # libpcap names the file only where fopen failed.
            msg = f"{filename}: {msg}"
        super().__init__(_code(code), msg)
        self.code = _code(code)
        self.msg = msg
        self.filename = filename
        self.count = count

    def __str__(self) -> str:
        return self.msg


class Warning(builtins.Warning):  # noqa: A001 - cypcap's name
    """Warning category for libpcap warnings (``PCAP_WARNING*`` from activate)."""

    def __init__(self, code: int, msg: str) -> None:
        super().__init__(_code(code), msg)
        self.code = _code(code)
        self.msg = msg

    def __str__(self) -> str:
        return self.msg


_NS = (1000, 1)       # nanoseconds per unit of ts_frac, by precision


def _load_pkthdr() -> type:
    out: list = []
    # CPython: id() is the list's address; the C side appends the type to it.
    if lib.wirepy_pcap_types_init(ffi.cast("void *", id(out))) != 0:
        raise ImportError("wirepy: cannot create the Pkthdr type")
    return out[0]


Pkthdr = _load_pkthdr()
Pkthdr.__doc__ = """Pcap packet header (a C type: one allocation per packet).

``Pkthdr(ts=0.0, caplen=0, len=0, *, ts_ns=None, precision=0)``. The raw
fields are :attr:`ts_sec` and :attr:`ts_frac`, the fraction in units of
:attr:`precision` (microseconds or nanoseconds) exactly as libpcap
delivered it; :attr:`ts` (float seconds), :attr:`ts_ns` (exact int
nanoseconds), :attr:`ts_datetime` and :attr:`ts_utcdatetime` derive from
them. As in cypcap, :attr:`ts`, :attr:`ts_ns`, :attr:`ts_datetime`,
:attr:`ts_utcdatetime`, :attr:`caplen` and :attr:`len` can be set (the time
stamp keeps the header's precision). Headers compare by value; being
mutable, they are not hashable.
"""


def _precision(self) -> TstampPrecision:
    """Unit of :attr:`ts_frac`: MICRO or NANO."""
    return TstampPrecision(self._precision)


def _ts_ns(self) -> int:
    """Time stamp as an exact integer of nanoseconds since the Epoch."""
    return self.ts_sec * 1_000_000_000 + self.ts_frac * _NS[self._precision]


def _ts_usec(self) -> int:
    """Microseconds past :attr:`ts_sec` (truncated in NANO precision)."""
    return self.ts_frac // 1000 if self._precision else self.ts_frac


def _ts_utcdatetime(self) -> datetime.datetime:
    """Time stamp as a UTC-aware datetime (microsecond resolution)."""
    return _EPOCH + datetime.timedelta(seconds=self.ts_sec, microseconds=_ts_usec(self))


def _ts_datetime(self) -> datetime.datetime:
    """Time stamp as a naive local datetime (microsecond resolution)."""
    return _ts_utcdatetime(self).astimezone().replace(tzinfo=None)


def _set_ts_ns(self, ts_ns: int) -> None:
    sec, ns = divmod(ts_ns, 1_000_000_000)
    self._sec, self._frac = sec, ns if self._precision else ns // 1000


def _set_ts_utcdatetime(self, value: datetime.datetime) -> None:
    # Exact to the microsecond, where going through a float timestamp may
    # be one off. A naive datetime is taken as UTC, as cypcap does.
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    sec, usec = divmod((value - _EPOCH) // datetime.timedelta(microseconds=1), 1_000_000)
    self._sec, self._frac = sec, usec * 1000 if self._precision else usec


def _set_ts_datetime(self, value: datetime.datetime) -> None:
    # astimezone() reads a naive datetime as local time.
    _set_ts_utcdatetime(self, value.astimezone(datetime.timezone.utc))


def _with_precision(self, precision: TstampPrecision):
    """The same header with :attr:`ts_frac` in *precision* (micro truncates)."""
    precision = int(TstampPrecision(precision))
    if precision == self._precision:
        return self
    return Pkthdr(ts_ns=_ts_ns(self), caplen=self.caplen, len=self.len, precision=precision)


def _key(self) -> tuple:
    return (self.ts_sec, self.ts_frac, self.caplen, self.len, self._precision)


def _eq(self, other):
    if type(other) is not Pkthdr:
        return NotImplemented
    return _key(self) == _key(other)


def _ne(self, other):
    if type(other) is not Pkthdr:
        return NotImplemented
    return _key(self) != _key(other)


def _repr(self) -> str:
    return (f"Pkthdr(ts_sec={self.ts_sec}, ts_frac={self.ts_frac}, caplen={self.caplen}, "
            f"len={self.len}, precision={TstampPrecision(self._precision).name})")


def _reduce(self):
    return (_make_pkthdr, (_ts_ns(self), self.caplen, self.len, self._precision))


def _make_pkthdr(ts_ns: int, caplen: int, len: int, precision: int):  # noqa: A002
    return Pkthdr(ts_ns=ts_ns, caplen=caplen, len=len, precision=precision)


Pkthdr.precision = property(_precision)
Pkthdr.ts_ns = property(_ts_ns, _set_ts_ns, doc=_ts_ns.__doc__)
Pkthdr.ts_usec = property(_ts_usec)
Pkthdr.ts_utcdatetime = property(_ts_utcdatetime, _set_ts_utcdatetime,
                                 doc=_ts_utcdatetime.__doc__)
Pkthdr.ts_datetime = property(_ts_datetime, _set_ts_datetime, doc=_ts_datetime.__doc__)
Pkthdr.with_precision = _with_precision
Pkthdr.getts = lambda self: (self.ts_sec, _ts_usec(self))
Pkthdr.getts.__doc__ = "``(seconds, microseconds)``, as pcapy's Pkthdr gives it."
Pkthdr.getcaplen = lambda self: self.caplen
Pkthdr.getlen = lambda self: self.len
Pkthdr.getcaplen.__doc__ = "The captured length, as pcapy's Pkthdr gives it."
Pkthdr.getlen.__doc__ = "The length on the wire, as pcapy's Pkthdr gives it."
Pkthdr.__eq__ = _eq
Pkthdr.__ne__ = _ne
Pkthdr.__hash__ = None
Pkthdr.__repr__ = _repr
Pkthdr.__reduce__ = _reduce


class Stat(NamedTuple):
    """Capture statistics (``struct pcap_stat``)."""

    recv: int
    drop: int
    ifdrop: int


Address = Tuple[socket.AddressFamily, tuple]


def sockaddr(sa) -> Address | None:
    """A ``struct sockaddr *`` as the socket module writes addresses, or None."""
    if sa == ffi.NULL:
        return None
    buf = ffi.new("unsigned char[]", 32)
    size = lib.wirepy_pcap_sockaddr(sa, buf, 32)
    raw = bytes(ffi.buffer(buf, size))
    family = sa.sa_family
    try:
        family = socket.AddressFamily(family)
    except ValueError:
        pass
    if family == socket.AF_INET:
        port, = struct.unpack_from("!H", raw, 2)
        return (family, (socket.inet_ntop(socket.AF_INET, raw[4:8]), port))
    if family == socket.AF_INET6:
        port, flow = struct.unpack_from("!HI", raw, 2)
        scope, = struct.unpack_from("=I", raw, 24)
        return (family, (socket.inet_ntop(socket.AF_INET6, raw[8:24]), port, flow, scope))
    if family == getattr(socket, "AF_PACKET", -1):
        proto, = struct.unpack_from("!H", raw, 2)
        ifindex, hatype, pkttype, halen = struct.unpack_from("=iHBB", raw, 4)
        try:
            ifname = socket.if_indextoname(ifindex)
        except OSError:
            ifname = str(ifindex)
        return (family, (ifname, proto, pkttype, hatype, raw[12:12 + min(halen, 8)]))
    return (family, (raw,))


class PcapAddr:
    """Pcap interface address; addresses are in the socket module's format."""

    __slots__ = ("addr", "netmask", "broadaddr", "dstaddr")

    def __init__(self, addr: Address | None, netmask: Address | None = None,
                 broadaddr: Address | None = None,
                 dstaddr: Address | None = None) -> None:
        self.addr = addr
        self.netmask = netmask
        self.broadaddr = broadaddr
        self.dstaddr = dstaddr

    def __repr__(self) -> str:
        return (f"PcapAddr(addr={self.addr!r}, netmask={self.netmask!r}, "
                f"broadaddr={self.broadaddr!r}, dstaddr={self.dstaddr!r})")


class PcapIf:
    """A capture interface; pass it, or its :attr:`name`, where a device is wanted."""

    __slots__ = ("name", "description", "addresses", "flags")

    def __init__(self, name: str, description: str | None, addresses: List[PcapAddr],
                 flags: PcapIfFlags) -> None:
        self.name = name
        self.description = description
        self.addresses = addresses
        self.flags = flags

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return (f"PcapIf(name={self.name!r}, description={self.description!r}, "
                f"flags={self.flags!r})")
