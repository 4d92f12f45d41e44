"""Capture files for the libpcap layer's tests, written by our own writers.

Packets are small Ethernet/IPv4/UDP frames with known contents and time
stamps, so a reader can be checked to the byte and to the nanosecond.
"""

from __future__ import annotations

import socket
import struct
from typing import List, NamedTuple

MAGIC_MICRO = 0xA1B2C3D4
MAGIC_NANO = 0xA1B23C4D


class Record(NamedTuple):
    ts_ns: int
    data: bytes
    wirelen: int


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp_frame(payload: bytes, src: str = "10.99.0.1", dst: str = "10.99.0.2",
              sport: int = 40000, dport: int = 40001,
              smac: bytes = b"\x02\0\0\0\0\x01", dmac: bytes = b"\x02\0\0\0\0\x02") -> bytes:
    """An Ethernet II / IPv4 / UDP frame carrying *payload*."""
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return dmac + smac + b"\x08\x00" + ip + udp


def tcp_frame() -> bytes:
    """An Ethernet / IPv4 / TCP SYN frame (for filters that must reject UDP's)."""
    tcp = struct.pack("!HHIIBBHHH", 1234, 80, 1, 0, 0x50, 0x02, 1024, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0,
                     socket.inet_aton("10.99.0.1"), socket.inet_aton("10.99.0.2"))
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + tcp


def sample_records(n: int = 50, nano: bool = True) -> List[Record]:
    """*n* records: UDP frames of growing size, a TCP frame every 7th, one
    truncated (caplen < len) every 5th; nanosecond-distinct time stamps."""
    out = []
    base = 1_700_000_000 * 10**9
    for i in range(n):
        frame = tcp_frame() if i % 7 == 3 else udp_frame(bytes([i % 256]) * (i + 1))
        ts = base + i * 1_000_123_457 + (i * 7919 if nano else 0)
        if not nano:
            ts -= ts % 1000
        wirelen = len(frame)
        if i % 5 == 4:
            frame = frame[:40]
        out.append(Record(ts, frame, wirelen))
    return out


def write_pcap(path, records, nano: bool = False, big_endian: bool = False,
               linktype: int = 1, snaplen: int = 65535) -> None:
    """A classic pcap file (micro or nano time stamps, either byte order)."""
    e = ">" if big_endian else "<"
    with open(path, "wb") as f:
        f.write(struct.pack(e + "IHHiIII", MAGIC_NANO if nano else MAGIC_MICRO, 2, 4, 0, 0,
                            snaplen, linktype))
        for r in records:
            sec, ns = divmod(r.ts_ns, 10**9)
            frac = ns if nano else ns // 1000
            f.write(struct.pack(e + "IIII", sec, frac, len(r.data), r.wirelen))
            f.write(r.data)


def _block(btype: int, body: bytes) -> bytes:
    pad = (-len(body)) % 4
    total = 12 + len(body) + pad
    return struct.pack("<II", btype, total) + body + b"\0" * pad + struct.pack("<I", total)


def write_pcapng(path, records, tsresol: int = 9) -> None:
    """A pcapng file: SHB, one Ethernet IDB with ``if_tsresol`` 10^-tsresol, EPBs."""
    shb = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
    opts = struct.pack("<HHB3x", 9, 1, tsresol) + struct.pack("<HH", 0, 0)
    idb = struct.pack("<HHI", 1, 0, 65535) + opts
    blocks = [_block(0x0A0D0D0A, shb), _block(1, idb)]
    for r in records:
        units = r.ts_ns // (10 ** (9 - tsresol))
        pad = (-len(r.data)) % 4
        body = struct.pack("<IIIII", 0, units >> 32, units & 0xFFFFFFFF, len(r.data),
                           r.wirelen) + r.data + b"\0" * pad
        blocks.append(_block(6, body))
    with open(path, "wb") as f:
        f.write(b"".join(blocks))
