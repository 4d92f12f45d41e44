"""Following a growing file: a writer process appends records (split into
several writes, so the reader sees partial records) while WTAP.follow()
reads; every packet must arrive exactly once, in order."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import wtap_fixtures as fx

from wirepy.lib import wtap

WRITER = r"""
import os, struct, sys, time
sys.path.insert(0, sys.argv[3])
from wtap_fixtures import make_packets, _block
path, kind = sys.argv[1], sys.argv[2]
pkts = make_packets(int(sys.argv[4]), seed=5)
fd = os.open(path, os.O_WRONLY | os.O_APPEND)
for i, p in enumerate(pkts):
    if kind == "pcap":
        sec, frac = divmod(p.ts_ns, 10**9)
        rec = struct.pack("<IIII", sec, frac // 1000, len(p.data), p.orig_len) + p.data
    else:
        ts = p.ts_ns // 1000
        rec = _block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(p.data),
                                    p.orig_len) + p.data)
    # split every third record so the reader meets incomplete ones
    cut = [0, 7, len(rec) // 2, len(rec)] if i % 3 == 0 else [0, len(rec)]
    for a, b in zip(cut, cut[1:]):
        os.write(fd, rec[a:b])
        time.sleep(0.002)
os.close(fd)
"""


@pytest.mark.parametrize("kind", ["pcap", "pcapng"])
def test_follow_growing_file(tmp_path, kind):
    n = 150
    path = tmp_path / f"grow.{kind}"
    # the file starts with just its header(s), as dumpcap's does
    if kind == "pcap":
        fx.write_pcap(path, [])
    else:
        fx.write_pcapng(path, [])
    expected = fx.make_packets(n, seed=5)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), kind,
                               str(fx.__file__).rsplit("/", 1)[0], str(n)])
    got = []
    deadline = time.monotonic() + 60
    try:
        with wtap.WTAP.open_offline(path) as w:
            for h, data in w.follow(poll_interval=0.005, idle_timeout=20,
                                    stop=lambda: writer.poll() is not None):
                got.append((h.ts_ns // 1000, data))
                assert time.monotonic() < deadline
            assert w.records_read == n
    finally:
        writer.wait(timeout=30)
    assert writer.returncode == 0
    assert len(got) == n
    assert got == [(p.ts_ns // 1000, p.data) for p in expected]


def test_follow_idle_timeout(tmp_path, packets=None):
    path = tmp_path / "idle.pcap"
    pkts = fx.make_packets(3)
    fx.write_pcap(path, pkts)
    t0 = time.monotonic()
    with wtap.WTAP.open_offline(path) as w:
        got = [d for _, d in w.follow(poll_interval=0.01, idle_timeout=0.2)]
    assert got == [p.data for p in pkts]
    assert 0.2 <= time.monotonic() - t0 < 5


def test_cleareof_manual(tmp_path):
    path = tmp_path / "manual.pcap"
    pkts = fx.make_packets(6)
    fx.write_pcap(path, pkts[:3])
    full = open(path, "rb").read()
    fx.write_pcap(tmp_path / "all.pcap", pkts)
    rest = open(tmp_path / "all.pcap", "rb").read()[len(full):]
    with wtap.WTAP.open_offline(path) as w:
        assert len(list(w)) == 3
        assert list(w) == []
        with open(path, "ab") as f:
            f.write(rest)
        assert list(w) == []          # still at EOF until cleared
        w.cleareof()
        assert [d for _, d in w] == [p.data for p in pkts[3:]]
