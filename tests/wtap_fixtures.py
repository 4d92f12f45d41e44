"""Capture files for the wtap tests, written by our own writers (pcap,
pcapng) so the expected packets are known exactly."""

from __future__ import annotations

import random
import shutil
import struct
import subprocess
from typing import List, NamedTuple

import pytest

TSHARK = shutil.which("tshark")


class Pkt(NamedTuple):
    ts_ns: int
    data: bytes
    orig_len: int


def make_packets(n: int = 40, seed: int = 1) -> List[Pkt]:
    """Ethernet/IPv4/UDP frames on loopback addresses, varied lengths and
    timestamps with microsecond resolution."""
    rnd = random.Random(seed)
    out = []
    t = 1_600_000_000 * 10**9
    for i in range(n):
        payload = bytes(rnd.randrange(256) for _ in range(rnd.choice([0, 1, 18, 100, 600, 1400])))
        udp = struct.pack("!HHHH", 40000 + i, 53, 8 + len(payload), 0) + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                         bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2])) + udp
        eth = bytes.fromhex("020000000002020000000001") + b"\x08\x00" + ip
        t += rnd.randrange(1, 3_000_000) * 1000      # whole microseconds
        out.append(Pkt(t, eth, len(eth)))
    return out


def write_pcap(path, pkts: List[Pkt], nsec: bool = False, linktype: int = 1,
               snaplen: int = 65535) -> None:
    magic = 0xA1B23C4D if nsec else 0xA1B2C3D4
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype))
        for p in pkts:
            sec, frac = divmod(p.ts_ns, 10**9)
            f.write(struct.pack("<IIII", sec, frac if nsec else frac // 1000,
                                len(p.data), p.orig_len))
            f.write(p.data)


def _block(btype: int, body: bytes) -> bytes:
    body += b"\0" * (-len(body) % 4)
    total = 12 + len(body)
    return struct.pack("<II", btype, total) + body + struct.pack("<I", total)


def _opt(code: int, value: bytes) -> bytes:
    return struct.pack("<HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def write_pcapng(path, pkts: List[Pkt], comments=None) -> None:
    """A minimal pcapng: SHB, one Ethernet IDB (usec), EPBs."""
    shb = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
    idb = struct.pack("<HHI", 1, 0, 65535)
    with open(path, "wb") as f:
        f.write(_block(0x0A0D0D0A, shb))
        f.write(_block(1, idb))
        for i, p in enumerate(pkts):
            ts = p.ts_ns // 1000
            body = struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(p.data), p.orig_len)
            body += p.data + b"\0" * (-len(p.data) % 4)
            if comments and comments.get(i):
                body += _opt(1, comments[i].encode()) + _opt(0, b"")
            f.write(_block(6, body))


def tshark_fields(path, fields=("frame.len", "frame.cap_len", "frame.time_epoch")):
    """Rows of tshark -T fields output for *path*."""
    cmd = [TSHARK, "-n", "-r", str(path), "-T", "fields", "-E", "separator=\t"]
    for f in fields:
        cmd += ["-e", f]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return [line.split("\t") for line in proc.stdout.splitlines()]


def tshark_bytes(path) -> List[bytes]:
    """Packet bytes as tshark sees them (-x hex via the data field)."""
    proc = subprocess.run([TSHARK, "-n", "-r", str(path), "-T", "fields", "-e", "frame.len",
                           "-o", "gui.max_export_objects:0", "-x"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


needs_tshark = pytest.mark.skipif(TSHARK is None, reason="tshark not installed")


@pytest.fixture(scope="session")
def packets() -> List[Pkt]:
    return make_packets()


@pytest.fixture(scope="session")
def pcap_file(tmp_path_factory, packets):
    path = tmp_path_factory.mktemp("wtap") / "fixture.pcap"
    write_pcap(path, packets)
    return path


@pytest.fixture(scope="session")
def pcapng_file(tmp_path_factory, packets):
    path = tmp_path_factory.mktemp("wtap") / "fixture.pcapng"
    write_pcapng(path, packets, comments={3: "third packet", 7: "hello ünïcode"})
    return path
