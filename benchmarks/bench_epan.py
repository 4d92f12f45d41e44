"""Benchmark of the epan layer against tshark, side by side in one run.

Input: a mixed capture of >= 100k packets (Ethernet, raw IP and Linux
cooked link types; ARP, ICMP, DNS, DHCP, IPv6, TCP/HTTP with reassembly,
many conversations), generated under ``benchmarks/data/`` with the test
fixtures' packet builders and ``mergecap -a``.

Rows (packets/s; ratio = wirepy speed / tshark speed, > 1 is faster):

* 5 primed fields via ``Dissect.iter_fields`` vs ``tshark`` custom
  columns and vs ``tshark -T fields -e ...``;
* the full visible tree of every packet copied into Python
  (``Dissect.iter_trees``; every node's depth, abbrev, label and show as
  Python objects through ``ProtoTree.iter_items``, and as ``ProtoNode``
  objects) vs ``tshark -T json``;
* display-filter counting (``Dissect.count``) vs ``tshark -Y FILTER``
  with its output counted.

tshark is timed as the wall clock of the whole process (start-up
included); wirepy as the loop from opening the file to its end, in one
process whose one-time start-up (libwireshark initialisation) is printed
separately.

Usage: ``python benchmarks/bench_epan.py [--packets N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import struct
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE.parent / "tests"))

import epan_fixtures as fx  # noqa: E402

FIELDS = ["ip.src", "ip.dst", "ip.proto", "tcp.dstport", "dns.qry.name"]
FILTER = "tcp.port == 80 || dns || icmp"


def _copy(i: int) -> list:
    """One copy of the fixture traffic, with its own TCP/UDP conversations."""
    cport = 10000 + (i * 7) % 50000
    out = []
    for _ts, frame in fx.packets():
        out.append(frame)
    # new client ports: rewrite the TCP/UDP source/destination 51000/52000/40000
    res = []
    for frame in out:
        b = bytearray(frame)
        if len(b) > 34 and b[12:14] == b"\x08\x00" and b[23] in (6, 17):
            for off in (34, 36):
                port = struct.unpack_from("!H", b, off)[0]
                if port in (51000, 52000, 40000, 40001):
                    struct.pack_into("!H", b, off, (cport + port - 40000) % 60000 + 1024)
            if b[23] == 17:
                struct.pack_into("!H", b, 40, 0)  # no UDP checksum
        res.append(bytes(b))
    return res


def _write(path: Path, linktype: int, frames: list, strip: int, prefix: bytes = b"") -> None:
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        t = 1700000000.0
        for frame in frames:
            data = prefix + frame[strip:] if strip or prefix else frame
            sec = int(t)
            f.write(struct.pack("<IIII", sec, int((t - sec) * 1e6), len(data), len(data)))
            f.write(data)
            t += 0.0001


def make_capture(n_packets: int) -> Path:
    """Ethernet, raw-IP and Linux-cooked pieces merged (pcapng)."""
    DATA.mkdir(exist_ok=True)
    out = DATA / f"epan_mix_{n_packets}.pcapng"
    if out.exists():
        return out
    sample = _copy(0)
    per_copy = len(sample) + sum(f[12:14] in (b"\x08\x00", b"\x86\xdd") for f in sample) \
        + sum(f[12:14] == b"\x08\x00" for f in sample)
    copies = n_packets // per_copy + 1
    eth_frames, ip_frames = [], []
    for i in range(copies):
        c = _copy(i)
        eth_frames += c
        ip_frames += [f for f in _copy(i + copies) if f[12:14] in (b"\x08\x00", b"\x86\xdd")]
    sll = struct.pack("!HHH8sH", 0, 1, 6, fx.MAC_A + b"\0\0", 0x0800)
    pieces = [DATA / "epan_eth.pcap", DATA / "epan_raw.pcap", DATA / "epan_sll.pcap"]
    _write(pieces[0], 1, eth_frames, 0)
    _write(pieces[1], 101, ip_frames, 14)
    v4 = [f for i in range(copies) for f in _copy(i + 2 * copies) if f[12:14] == b"\x08\x00"]
    _write(pieces[2], 113, v4, 14, sll)
    subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", str(out)] + [str(p) for p in pieces],
                   check=True)
    for p in pieces:
        p.unlink()
    return out


def run_tshark(args: list) -> tuple:
    """(wall seconds, output lines) of one tshark process."""
    t0 = time.perf_counter()
    p = subprocess.run(["tshark", "-n", *args], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, check=True)
    dt = time.perf_counter() - t0
    return dt, p.stdout.count(b"\n")


def best(fn, repeat: int):
    results = [fn() for _ in range(repeat)]
    return min(results, key=lambda r: r[0])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packets", type=int, default=100000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-json", action="store_true", help="skip the slow full-tree row")
    opts = ap.parse_args()

    path = make_capture(opts.packets)
    t0 = time.perf_counter()
    from wirepy.lib import dfilter, epan
    epan.init_dissection()
    init_s = time.perf_counter() - t0
    n_total = int(run_tshark(["-r", str(path), "-T", "fields", "-e", "frame.number"])[1])
    print(f"capture: {path} ({n_total} packets); wirepy one-time start-up {init_s:.2f} s")

    def w_fields():
        t = time.perf_counter()
        n = 0
        with epan.Session() as s, epan.OfflineFile(str(path)) as wt:
            d = epan.Dissect(session=s, proto_tree_visible=False)
            d.prime_fields(FIELDS)
            for _p in d.iter_fields(wt):
                n += 1
        return time.perf_counter() - t, n

    def w_trees():
        """Every node's (depth, abbrev, label, show) as Python objects."""
        t = time.perf_counter()
        n = 0
        with epan.Session() as s, epan.OfflineFile(str(path)) as wt:
            d = epan.Dissect(session=s)
            for tree in d.iter_trees(wt):
                for _depth, _abbrev, _label, _show in tree.iter_items():
                    n += 1
        return time.perf_counter() - t, n

    def w_nodes():
        """Every node as a ProtoNode, reading its abbrev and show."""
        t = time.perf_counter()
        n = 0
        with epan.Session() as s, epan.OfflineFile(str(path)) as wt:
            d = epan.Dissect(session=s)
            for tree in d.iter_trees(wt):
                for node in tree:
                    _item = (node.abbrev, node.show)
                    n += 1
        return time.perf_counter() - t, n

    def w_count():
        t = time.perf_counter()
        df = dfilter.DisplayFilter(FILTER)
        with epan.Session() as s, epan.OfflineFile(str(path)) as wt:
            d = epan.Dissect(session=s, proto_tree_visible=False)
            d.prime_dfilter(df)
            n = d.count(wt)
        return time.perf_counter() - t, n

    cols = []
    for f in FIELDS:
        cols += [f'"{f}"', f'"%Cus:{f}:0:R"']
    colfmt = "gui.column.format:" + ",".join(cols)
    efields = []
    for f in FIELDS:
        efields += ["-e", f]

    rows = []
    r = opts.repeat
    wf = best(w_fields, r)
    tc = best(lambda: run_tshark(["-r", str(path), "-o", colfmt]), r)
    tf = best(lambda: run_tshark(["-r", str(path), "-T", "fields", *efields]), r)
    rows.append(("5 primed fields", "iter_fields", wf, "tshark custom columns", tc))
    rows.append(("5 primed fields", "iter_fields", wf, "tshark -T fields", tf))
    if not opts.skip_json:
        wt_ = best(w_trees, max(1, r - 1))
        wn = best(w_nodes, max(1, r - 1))
        tj = best(lambda: run_tshark(["-r", str(path), "-T", "json"]), max(1, r - 1))
        rows.append(("full visible tree", "iter_items", wt_, "tshark -T json", tj))
        rows.append(("full visible tree", "ProtoNodes", wn, "tshark -T json", tj))
    wc = best(w_count, r)
    ty = best(lambda: run_tshark(["-r", str(path), "-Y", FILTER]), r)
    if wc[1] != ty[1]:
        print(f"WARNING: filter count differs: wirepy {wc[1]} tshark {ty[1]}")
    rows.append((f"filter count ({wc[1]})", "count", wc, "tshark -Y | wc -l", ty))

    print(f"\n{'task':<24} {'wirepy':<12} {'pkt/s':>10} {'s':>7}   {'peer':<22} "
          f"{'pkt/s':>10} {'s':>7}  {'ratio':>6}")
    for task, wname, (ws, _), peer, (ps, _) in rows:
        wr, pr = n_total / ws, n_total / ps
        print(f"{task:<24} {wname:<12} {wr:>10,.0f} {ws:>7.2f}   {peer:<22} {pr:>10,.0f} "
              f"{ps:>7.2f}  {wr / pr:>5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
