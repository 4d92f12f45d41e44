"""Benchmark of the wiretap layer: records/s reading a >= 1M-packet pcap and
pcapng, and converting pcap -> pcapng, side by side with peers.

Run:  .venv/bin/pip install dpkt   (optional peer)
      .venv/bin/python benchmarks/bench_wtap.py [--packets N]

Peers: ``capinfos -c`` and ``tcpdump -r F -w /dev/null`` (C programs reading
the same file; tcpdump uses libpcap, since the libpcap layer of wirepy is
not on this branch), dpkt (pure Python) if installed, and
``editcap -F pcapng`` for conversion. Input files are generated under
benchmarks/data/ (git-ignored) by wirepy's own Dumper-free pcap writer.
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
sys.path.insert(0, os.path.dirname(HERE))

from wirepy.lib import wireshark, wtap  # noqa: E402


def make_pcap(path: str, n: int) -> None:
    """n Ethernet/IPv4/UDP frames of 60..200 bytes (loopback addresses)."""
    hdr = bytes.fromhex("020000000002020000000001") + b"\x08\x00"
    chunks = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    frames = []
    for size in range(60, 201, 7):
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, size - 14, 0, 0, 64, 17, 0,
                         b"\x7f\0\0\1", b"\x7f\0\0\2")
        frames.append(hdr + ip + bytes(size - 14 - 20))
    t = 1_600_000_000
    with open(path, "wb") as f:
        f.write(chunks[0])
        buf = []
        for i in range(n):
            fr = frames[i % len(frames)]
            buf.append(struct.pack("<IIII", t + i // 1000, (i % 1000) * 1000, len(fr), len(fr)))
            buf.append(fr)
            if len(buf) > 20000:
                f.write(b"".join(buf))
                buf = []
        f.write(b"".join(buf))


def timed(fn, repeat=3):
    best = None
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best, result


def run_cmd(*args):
    def go():
        subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return go


def wtap_iter(path):
    def go():
        n = 0
        with wtap.WTAP.open_offline(path) as w:
            for _h, _d in w:
                n += 1
        return n
    return go


def wtap_iter_ts(path):
    def go():
        total = 0
        with wtap.WTAP.open_offline(path) as w:
            for h, d in w:
                total += h.caplen + len(d)
        return total
    return go


def wtap_count(path):
    def go():
        with wtap.WTAP.open_offline(path) as w:
            return w.count()
    return go


def dpkt_iter(path, ng):
    import dpkt

    def go():
        n = 0
        with open(path, "rb") as f:
            reader = dpkt.pcapng.Reader(f) if ng else dpkt.pcap.Reader(f)
            for _ts, _buf in reader:
                n += 1
        return n
    return go


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packets", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    wireshark.initialize()
    os.makedirs(DATA, exist_ok=True)
    n = args.packets
    pcap = os.path.join(DATA, f"wtap-{n}.pcap")
    pcapng = os.path.join(DATA, f"wtap-{n}.pcapng")
    if not os.path.exists(pcap):
        make_pcap(pcap, n)
    if not os.path.exists(pcapng):
        wtap.convert(pcap, pcapng, file_type="pcapng")
    try:
        import dpkt  # noqa: F401
        have_dpkt = True
    except ImportError:
        have_dpkt = False
    rows = []
    for label, path, ng in (("pcap", pcap, False), ("pcapng", pcapng, True)):
        size = os.path.getsize(path) / 1e6
        peers = [
            ("wirepy wtap: iterate (hdr, bytes)", wtap_iter(path)),
            ("wirepy wtap: iterate + read fields", wtap_iter_ts(path)),
            ("wirepy wtap: count() (C loop)", wtap_count(path)),
            ("capinfos -c", run_cmd("capinfos", "-c", path)),
        ]
        if shutil.which("tcpdump"):
            peers.append(("tcpdump -r F -w /dev/null (libpcap)",
                          run_cmd("tcpdump", "-q", "-r", path, "-w", "/dev/null")))
        if have_dpkt:
            peers.append(("dpkt (pure Python)", dpkt_iter(path, ng)))
        base = None
        for name, fn in peers:
            dt, _ = timed(fn, args.repeat)
            base = base or dt
            rows.append((f"read {label} ({size:.0f} MB)", name, n / dt, base / dt))
    out = os.path.join(DATA, "out.pcapng")
    conv = [
        ("wirepy wtap.convert", lambda: wtap.convert(pcap, out, file_type="pcapng")),
        ("editcap -F pcapng", run_cmd("editcap", "-F", "pcapng", pcap, out)),
    ]
    base = None
    for name, fn in conv:
        dt, _ = timed(fn, args.repeat)
        base = base or dt
        rows.append(("convert pcap -> pcapng", name, n / dt, base / dt))
    print(f"\n{n} packets; best of {args.repeat}; ratio = this row's records/s / the "
          "first row's of its task (>1: faster than wirepy's first row)\n")
    print(f"{'task':26} {'peer':40} {'records/s':>12} {'ratio':>7}")
    for task, name, rate, ratio in rows:
        print(f"{task:26} {name:40} {rate:12,.0f} {ratio:7.2f}")


if __name__ == "__main__":
    main()
