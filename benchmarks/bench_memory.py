"""Benchmark of memory on long reads: resident memory (RSS) while reading
1M and 5M packets with five fields, wirepy with and without ``reset_every``
beside ``tshark -T fields`` with and without ``-M``.

Usage: python benchmarks/bench_memory.py [--packets N] [--reset R] [--only udp|http]

Two captures are made once under ``benchmarks/data/`` (git-ignored):

- ``mem-udp-N.pcap``: N small UDP frames with random addresses (10.0.0.0/16
  to 10.1.0.0/16) and ports, so nearly every packet opens a conversation
  (the worst case for Wireshark's per-conversation state);
- ``mem-http-N.pcap``: HTTP/1.1 connections on port 80 (the recipe of
  ``bench_follow.py``, with a 4 kB response: 11 packets a connection), each
  from its own client address and port.

Each tool runs in its own process; its RSS (``VmRSS`` of
``/proc/PID/status``) is read after 100k, 1M and N packets (for tshark,
when its output reaches that line) and its peak (``VmHWM``) at the end.
The table gives MiB; "growth" is RSS at N minus RSS at 1M.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))
from bench_follow import http_connection  # noqa: E402

FIELDS = {
    "udp": ["frame.number", "ip.src", "ip.dst", "udp.srcport", "frame.len"],
    "http": ["frame.number", "ip.src", "ip.dst", "tcp.srcport", "http.request.uri"],
}
MARKS = (100_000, 1_000_000)
BODY = 4 * 1024


def make_udp(n: int) -> Path:
    """*n* Ethernet/IPv4/UDP frames of 58-106 bytes, random addresses,
    ports and payload."""
    DATA.mkdir(exist_ok=True)
    out = DATA / f"mem-udp-{n}.pcap"
    if out.exists():
        return out
    rng = random.Random(16)
    eth = bytes.fromhex("020000000002020000000001") + b"\x08\x00"
    t = 1_600_000_000
    with tempfile.NamedTemporaryFile(dir=DATA, delete=False) as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        buf = []
        for i in range(n):
            payload = rng.randbytes(rng.randrange(16, 64))
            udp = struct.pack("!HHHH", rng.randrange(1024, 65536), rng.randrange(1024, 65536),
                              8 + len(payload), 0) + payload
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                             bytes([10, 0, rng.randrange(256), rng.randrange(1, 255)]),
                             bytes([10, 1, rng.randrange(256), rng.randrange(1, 255)]))
            frame = eth + ip + udp
            buf.append(struct.pack("<IIII", t + i // 1000, (i % 1000) * 1000, len(frame),
                                   len(frame)))
            buf.append(frame)
            if len(buf) > 40000:
                f.write(b"".join(buf))
                buf = []
        f.write(b"".join(buf))
    os.replace(f.name, out)
    return out


def make_http(n: int) -> Path:
    """HTTP/1.1 connections until *n* packets: handshake, GET, a 4 kB
    response in 3 segments, ACK, teardown (11 packets), each from its own
    client address and port to 10.255.0.1:80."""
    DATA.mkdir(exist_ok=True)
    out = DATA / f"mem-http-{n}.pcap"
    if out.exists():
        return out
    rng = random.Random(15)
    body = rng.randbytes(BODY)
    server = 0x0AFF0001
    t = 1_700_000_000.0
    written = 0
    with tempfile.NamedTemporaryFile(dir=DATA, delete=False) as tmp:
        tmp.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        buf = []

        def put(frame: bytes) -> None:
            nonlocal t, written
            if written >= n:
                return
            t += 0.0001
            buf.append(struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(frame), len(frame)))
            buf.append(frame)
            written += 1

        i = 0
        while written < n:
            for frame in http_connection(0x0A000001 + i // 50000, server, 1024 + i % 50000,
                                         i, body):
                put(frame)
            i += 1
            if len(buf) > 40000:
                tmp.write(b"".join(buf))
                buf = []
        tmp.write(b"".join(buf))
    os.replace(tmp.name, out)
    return out


WIREPY = r"""
import json, sys, wirepy
path, every, marks = sys.argv[1], int(sys.argv[2]), {int(m) for m in sys.argv[3].split(",")}
fields = sys.argv[4].split(",")

def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])

rss = {}
n = 0
for pkt in wirepy.FileCapture(path, fields=fields,
                              **({"reset_every": every} if every else {})):
    n += 1
    if n in marks:
        rss[n] = status("VmRSS:")
        hwm = status("VmHWM:")
print(json.dumps({"n": n, "rss_kib": rss, "hwm_kib": hwm}))
"""


def _status(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def run_wirepy(path: Path, fields, every: int, marks) -> dict:
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", WIREPY, str(path), str(every),
                          ",".join(map(str, marks)), ",".join(fields)],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    result["rss_kib"] = {int(k): v for k, v in result["rss_kib"].items()}
    return result


def run_tshark(path: Path, fields, every: int, marks) -> dict:
    """tshark's RSS when its output reaches each mark (-l: a line is
    written once its packet is dissected, so the last one arrives before
    tshark frees anything)."""
    cmd = ["tshark", "-l", "-n", "-r", str(path), "-T", "fields"]
    for name in fields:
        cmd += ["-e", name]
    if every:
        cmd += ["-M", str(every)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    rss, n, hwm = {}, 0, 0
    marks = set(marks)
    for _line in proc.stdout:
        n += 1
        if n in marks:
            rss[n] = _status(proc.pid, "VmRSS:")
            hwm = _status(proc.pid, "VmHWM:")
    proc.wait()
    return {"n": n, "rss_kib": rss, "hwm_kib": hwm}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packets", type=int, default=5_000_000)
    ap.add_argument("--reset", type=int, default=100_000, help="reset_every / tshark -M")
    ap.add_argument("--only", choices=sorted(FIELDS), help="one capture only")
    ap.add_argument("--readers", default="wirepy,wirepy-reset,tshark,tshark-M",
                    help="which of wirepy, wirepy-reset, tshark, tshark-M to run")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args()
    if shutil.which("tshark") is None:
        print("tshark is needed", file=sys.stderr)
        return 1
    marks = sorted({m for m in MARKS if m < args.packets} | {args.packets})
    results = {}
    for kind in ([args.only] if args.only else ["udp", "http"]):
        path = make_udp(args.packets) if kind == "udp" else make_http(args.packets)
        fields = FIELDS[kind]
        readers = {"wirepy": ("wirepy", 0), "wirepy-reset": ("wirepy", args.reset),
                   "tshark": ("tshark", 0), "tshark-M": ("tshark", args.reset)}
        for tool, every in (readers[r] for r in args.readers.split(",")):
            run = run_wirepy if tool == "wirepy" else run_tshark
            r = run(path, fields, every, marks)
            name = (f"{tool} reset_every={every}" if tool == "wirepy" else
                    f"tshark -M {every}") if every else tool
            results[f"{kind}: {name}"] = r
            print(f"{kind:5} {name:30} {r['n']:>9} packets  RSS "
                  + "  ".join(f"{k // 1000}k={v / 1024:.0f}" for k, v in
                              sorted(r["rss_kib"].items()))
                  + f"  peak={r['hwm_kib'] / 1024:.0f} MiB", flush=True)
    n = args.packets
    first = 1_000_000 if n > 1_000_000 else MARKS[0]
    print(f"\nRSS in MiB ({n:,} packets, 5 fields; reset every {args.reset:,})")
    print(f"{'capture: reader':46} {first // 1000:>6}k {n // 1000:>6}k {'growth':>7} "
          f"{'peak':>6} {'B/pkt':>6}")
    for name, r in results.items():
        rss = r["rss_kib"]
        a, b = rss.get(first, 0) / 1024, rss.get(r["n"], 0) / 1024
        per = (b - a) * 1024 * 1024 / max(r["n"] - first, 1)
        print(f"{name:46} {a:7.0f} {b:7.0f} {b - a:7.0f} {r['hwm_kib'] / 1024:6.0f} "
              f"{per:6.0f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
