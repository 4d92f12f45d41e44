"""Read a big classic pcap with wirepy.lib.pcap and its peers, side by side.

Writes (once) ``benchmarks/data/udp_1m.pcap``: 1,000,000 small Ethernet/IPv4/
UDP frames (60 to 90 bytes), half of them to port 53, then measures packets
per second for each reader, without and with the BPF filter ``udp dst port
53`` set on the file, best of ``--repeat`` interleaved rounds, in one process. Peers that
are not installed are shown as missing. Install them for the benchmark only::

    .venv/bin/pip install cypcap pcapy-ng pypcap dpkt
    .venv/bin/python benchmarks/bench_pcap.py [--packets N] [--repeat R]

Targets: wirepy iteration >= 1.5x cypcap's iterator; wirepy loop >= 1.0x
the fastest peer's loop.
"""

from __future__ import annotations

import argparse
import gc
import os
import socket
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
FILTER = "udp dst port 53"


def frame(i: int) -> bytes:
    payload = bytes([i & 0xFF]) * (4 + i % 32)
    dport = 53 if i % 2 == 0 else 5353
    udp = struct.pack("!HHHH", 40000 + i % 1000, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0,
                     socket.inet_aton("10.0.0.1"), socket.inet_aton("10.0.0.2"))
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + udp


def write_file(path: str, n: int) -> None:
    """A classic pcap (microseconds, little-endian) of *n* frames."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        chunk = []
        for i in range(n):
            fr = frame(i)
            chunk.append(struct.pack("<IIII", 1_700_000_000 + i // 1000, (i % 1000) * 997,
                                     len(fr), len(fr)))
            chunk.append(fr)
            if len(chunk) >= 20000:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))
    os.replace(tmp, path)


def cb(h, d):
    pass


# Each runner returns the number of packets it saw.

def wirepy_iter(path, flt):
    from wirepy.lib import pcap
    n = 0
    with pcap.open_offline(path) as p:
        if flt:
            p.setfilter(flt)
        for _h, _d in p:
            n += 1
    return n


def wirepy_loop(path, flt):
    from wirepy.lib import pcap
    with pcap.open_offline(path) as p:
        if flt:
            p.setfilter(flt)
        return p.loop(-1, cb)


def cypcap_iter(path, flt):
    import cypcap
    n = 0
    with cypcap.open_offline(path) as p:
        if flt:
            p.setfilter(flt)
        for _h, _d in p:
            n += 1
    return n


def cypcap_loop(path, flt):
    import cypcap
    count = [0]

    def counting(h, d):
        count[0] += 1

    with cypcap.open_offline(path) as p:
        if flt:
            p.setfilter(flt)
        p.loop(-1, counting)
    return count[0]


def pcapy_loop(path, flt):
    import pcapy
    count = [0]

    def counting(h, d):
        count[0] += 1

    r = pcapy.open_offline(path)
    if flt:
        r.setfilter(flt)
    r.loop(-1, counting)
    return count[0]


def pcapy_next(path, flt):
    import pcapy
    r = pcapy.open_offline(path)
    if flt:
        r.setfilter(flt)
    n = 0
    nxt = r.next
    while True:
        h, _d = nxt()
        if h is None:
            return n
        n += 1


def pypcap_iter(path, flt):
    import pcap
    p = pcap.pcap(path)
    if flt:
        p.setfilter(flt)
    n = 0
    for _ts, _d in p:
        n += 1
    return n


def pypcap_loop(path, flt):
    import pcap
    count = [0]

    def counting(ts, d):
        count[0] += 1

    p = pcap.pcap(path)
    if flt:
        p.setfilter(flt)
    p.loop(0, counting)
    return count[0]


def dpkt_iter(path, flt):
    if flt:
        return None  # dpkt has no BPF engine of its own
    import dpkt
    n = 0
    with open(path, "rb") as f:
        for _ts, _buf in dpkt.pcap.Reader(f):
            n += 1
    return n


def wirepy_loop_counting(path, flt):
    """wirepy loop with the same counting callback the peers' loops use."""
    from wirepy.lib import pcap
    count = [0]

    def counting(h, d):
        count[0] += 1

    with pcap.open_offline(path) as p:
        if flt:
            p.setfilter(flt)
        p.loop(-1, counting)
    return count[0]


RUNNERS = [
    ("wirepy iteration", "wirepy", wirepy_iter),
    ("wirepy loop (pass)", "wirepy", wirepy_loop),
    ("wirepy loop (count)", "wirepy", wirepy_loop_counting),
    ("cypcap iterator", "cypcap", cypcap_iter),
    ("cypcap loop (count)", "cypcap", cypcap_loop),
    ("pcapy-ng loop (count)", "pcapy", pcapy_loop),
    ("pcapy-ng next()", "pcapy", pcapy_next),
    ("pypcap iteration", "pcap", pypcap_iter),
    ("pypcap loop (count)", "pcap", pypcap_loop),
    ("dpkt Reader", "dpkt", dpkt_iter),
]


def available(module: str) -> bool:
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def measure_all(runners, path, repeat):
    """Best time of each (runner, filter) over *repeat* rounds; the rounds
    interleave the runners so that load from elsewhere hits them alike."""
    results = {}
    for _ in range(repeat):
        for label, fn in runners:
            for flt in (None, FILTER):
                gc.collect()
                t0 = time.perf_counter()
                n = fn(path, flt)
                dt = time.perf_counter() - t0
                old = results.get((label, flt))
                if n is None:
                    results[(label, flt)] = (None, None)
                elif old is None or dt < old[1]:
                    results[(label, flt)] = (n, dt)
    return results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--packets", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, f"udp_{args.packets}.pcap")
    if not os.path.exists(path):
        print(f"writing {path} ...", flush=True)
        write_file(path, args.packets)
    print(f"file: {path} ({os.path.getsize(path) / 1e6:.1f} MB, {args.packets} packets); "
          f"best of {args.repeat}; filter: {FILTER!r}")
    runners = []
    for label, module, fn in RUNNERS:
        if available(module):
            runners.append((label, fn))
        else:
            print(f"  {label:24s} not installed")
    results = measure_all(runners, path, args.repeat)
    print()
    print(f"{'reader':26s}{'packets':>10s}{'Mpkt/s':>9s}{'ns/pkt':>9s}"
          f"{'filtered':>10s}{'Mpkt/s':>9s}{'ns/pkt':>9s}")
    for label, _, _ in RUNNERS:
        if (label, None) not in results:
            continue
        row = f"{label:26s}"
        for flt in (None, FILTER):
            n, dt = results[(label, flt)]
            if n is None:
                row += f"{'n/a':>10s}{'':>9s}{'':>9s}"
            else:
                row += f"{n:>10d}{n / dt / 1e6:>9.2f}{dt / args.packets * 1e9:>9.0f}"
        print(row)

    def rate(label, flt=None):
        n, dt = results.get((label, flt), (None, None))
        return None if not n else args.packets / dt  # input packets per second

    print()
    for flt in (None, FILTER):
        tag = "" if flt is None else " [filtered]"
        wi, wl = rate("wirepy iteration", flt), rate("wirepy loop (count)", flt)
        cy = rate("cypcap iterator", flt)
        peers = {lbl: rate(lbl, flt) for lbl in ("cypcap loop (count)", "pcapy-ng loop (count)",
                                                 "pypcap loop (count)")}
        peers = {k: v for k, v in peers.items() if v}
        if wi and cy:
            print(f"wirepy iteration / cypcap iterator{tag}: {wi / cy:.2f}x  (target 1.5x)")
        if wl and peers:
            best = max(peers, key=peers.get)
            print(f"wirepy loop / fastest peer loop ({best}){tag}: {wl / peers[best]:.2f}x  "
                  f"(target 1.0x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
