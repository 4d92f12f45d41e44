"""Shared helpers for the dumpcap tests: loopback traffic, /proc checks and
reading capture files back.

Capture files are read back with ``tshark`` for now; :func:`read_udp_payloads`
is the one place to switch to :mod:`wirepy.lib.wtap` once that layer exists.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest

TSHARK = shutil.which("tshark")
DUMPCAP = shutil.which("dumpcap")


def _can_capture_on_lo() -> str | None:
    """Why this machine can not capture on ``lo``, or None."""
    if DUMPCAP is None:
        return "dumpcap is not installed (Debian package wireshark-common)"
    try:
        out = subprocess.run([DUMPCAP, "-Z", "none", "-i", "lo", "-L"], capture_output=True,
                             timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"dumpcap does not run: {exc}"
    if out.returncode != 0:
        return f"dumpcap can not open lo: {out.stderr[4:200]!r}"
    return None


_WHY_NOT = _can_capture_on_lo()
needs_capture = pytest.mark.skipif(_WHY_NOT is not None, reason=_WHY_NOT or "")
needs_tshark = pytest.mark.skipif(TSHARK is None, reason="tshark is not installed")


class UdpPeer:
    """A bound UDP receiver on 127.0.0.1 and a sender to it.

    The receiver's port is chosen by the kernel, so concurrent test runs do
    not see each other's datagrams through the capture filter.
    """

    def __init__(self) -> None:
        self.rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rx.bind(("127.0.0.1", 0))
        self.port = self.rx.getsockname()[1]
        self.tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sent: list[bytes] = []

    @property
    def capture_filter(self) -> str:
        return f"udp and dst port {self.port}"

    def send(self, n: int, size: int = 16, pause: float = 0.0) -> list[bytes]:
        batch = []
        for _ in range(n):
            payload = (b"wirepy%06d-" % (len(self.sent)) + b"x" * size)[:max(size, 13)]
            self.tx.sendto(payload, ("127.0.0.1", self.port))
            self.sent.append(payload)
            batch.append(payload)
            if pause:
                time.sleep(pause)
        return batch

    def close(self) -> None:
        self.rx.close()
        self.tx.close()


@pytest.fixture
def udp_peer():
    peer = UdpPeer()
    yield peer
    peer.close()


def read_udp_payloads(path: str, port: int | None = None) -> list[bytes]:
    """The UDP payloads (over IPv4 on Ethernet) in a capture file, in order,
    read back with wirepy's wiretap layer."""
    from wirepy.lib import wtap

    payloads = []
    with wtap.WTAP.open_offline(path) as capture:
        for _header, data in capture:
            if len(data) < 42 or data[12:14] != b"\x08\x00" or data[23] != 17:
                continue
            ihl = (data[14] & 0x0F) * 4
            udp = 14 + ihl
            if port is not None and int.from_bytes(data[udp + 2:udp + 4], "big") != port:
                continue
            length = int.from_bytes(data[udp + 4:udp + 6], "big")
            payloads.append(bytes(data[udp + 8:udp + length]))
    return payloads


def file_comments(path: str) -> list[str]:
    out = subprocess.run(["capinfos", "-k", path], capture_output=True, check=True,
                         timeout=60).stdout.decode()
    return [line.split(":", 1)[1].strip() for line in out.splitlines()
            if line.startswith("Capture comment")]


def proc_state(pid: int) -> str | None:
    """The state letter of a process in /proc, None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except FileNotFoundError:
        return None
    return stat[stat.rindex(b")") + 2:][:1].decode()


def child_dumpcaps() -> list[int]:
    """Pids of dumpcap processes whose parent is this process (live or zombie)."""
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index(b"(") + 1:stat.rindex(b")")]
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        if comm == b"dumpcap" and ppid == me:
            found.append(int(entry))
    return found


def assert_gone(pid: int, timeout: float = 10.0) -> None:
    """*pid* must vanish: reaped, neither a zombie nor left running (orphaned)."""
    deadline = time.monotonic() + timeout
    while proc_state(pid) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc_state(pid) is None, f"dumpcap {pid} still exists, state {proc_state(pid)}"


@pytest.fixture
def no_leftover_dumpcap():
    """Fails the test if it leaves a dumpcap child (zombie or running) behind."""
    yield
    deadline = time.monotonic() + 10
    while child_dumpcaps() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert child_dumpcaps() == []
