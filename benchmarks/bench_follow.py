"""Benchmark of following a stream and exporting objects against tshark
(``-q -z follow,...`` and ``--export-objects``), side by side in one run.

Usage: python benchmarks/bench_follow.py [--connections N] [--repeat R]

The capture (``benchmarks/data/http<N>.pcap``, made once) holds N HTTP/1.1
connections, each a GET and a 16 kB response in 12 segments (about 20
packets a connection). Every measurement is the wall time of a whole
process (start-up included, as for tshark); the best of R runs is kept,
the tools of a task taking turns.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import shutil
import struct
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_api import count_packets, py, timed  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
BODY = 16 * 1024
MSS = 1400


def _frame(src: int, dst: int, sport: int, dport: int, seq: int, ack: int, flags: int,
           payload: bytes = b"") -> bytes:
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    total = 20 + len(tcp) + len(payload)
    ip = struct.pack("!BBHHHBBHII", 0x45, 0, total, 0, 0x4000, 64, 6, 0, src, dst)
    eth = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00"
    return eth + ip + tcp + payload


def http_connection(client: int, server: int, sport: int, i: int, body: bytes,
                    mss: int = MSS) -> list:
    """The frames of one HTTP/1.1 connection from *client*:*sport* to
    *server*:80: handshake, ``GET /file<i>.bin``, the response (headers and
    *body*) in *mss*-byte segments, the ACK and the teardown."""
    syn, ack_f, psh, fin = 0x02, 0x10, 0x08, 0x01
    c, s = 1000, 5000
    request = (f"GET /file{i}.bin HTTP/1.1\r\nHost: bench.example\r\n"
               "User-Agent: wirepy-bench\r\n\r\n").encode()
    response = (f"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    frames = [_frame(client, server, sport, 80, c, 0, syn),
              _frame(server, client, 80, sport, s, c + 1, syn | ack_f)]
    c, s = c + 1, s + 1
    frames += [_frame(client, server, sport, 80, c, s, ack_f),
               _frame(client, server, sport, 80, c, s, psh | ack_f, request)]
    c += len(request)
    for k in range(0, len(response), mss):
        seg = response[k:k + mss]
        last = k + mss >= len(response)
        frames.append(_frame(server, client, 80, sport, s, c, ack_f | (psh if last else 0), seg))
        s += len(seg)
    frames += [_frame(client, server, sport, 80, c, s, ack_f),
               _frame(client, server, sport, 80, c, s, fin | ack_f),
               _frame(server, client, 80, sport, s, c + 1, fin | ack_f),
               _frame(client, server, sport, 80, c + 1, s + 1, ack_f)]
    return frames


def make_capture(connections: int) -> Path:
    """N HTTP connections (client 10.0.0.1, server 10.0.0.2:80), written as
    a pcap with Python: no live capture needed."""
    DATA.mkdir(exist_ok=True)
    out = DATA / f"http{connections}.pcap"
    if out.exists():
        return out
    rng = random.Random(15)
    body = bytes(rng.randrange(256) for _ in range(BODY))
    client, server = 0x0A000001, 0x0A000002
    t = 1_700_000_000.0
    with tempfile.NamedTemporaryFile(dir=DATA, delete=False) as tmp:
        tmp.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(connections):
            for frame in http_connection(client, server, 1024 + i % 60000, i, body):
                t += 0.0001
                tmp.write(struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(frame),
                                      len(frame)))
                tmp.write(frame)
    os.replace(tmp.name, out)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--connections", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    cap = str(make_capture(args.connections))
    n = count_packets(Path(cap))
    wirepy_bin = shutil.which("wirepy", path=os.path.dirname(sys.executable)) or "wirepy"
    middle = args.connections // 2
    out = tempfile.mkdtemp(prefix="wirepy-bench-eo-")
    plan = []

    def add(task, name, cmd, shell=False):
        plan.append((task, name, cmd, shell))

    for task, spec in ((f"follow tcp {middle}", f"follow,tcp,raw,{middle}"),
                       (f"follow http {middle}", f"follow,http,raw,{middle}")):
        proto = spec.split(",")[1]
        add(task, "tshark -q -z follow", ["tshark", "-n", "-q", "-r", cap, "-z", spec])
        add(task, "wirepy stats -z follow (CLI)", [wirepy_bin, "stats", "-n", cap, "-z", spec])
        add(task, "follow.stream -> bytes", py(
            "import wirepy.follow\n"
            f"s = wirepy.follow.stream({cap!r}, {proto!r}, {middle})\n"
            "s.client_bytes, s.server_bytes"))
    task = "export-objects http"
    add(task, "tshark --export-objects", f"rm -rf {out}/t && tshark -n -r {cap} "
        f"--export-objects http,{out}/t > /dev/null", True)
    add(task, "wirepy export-objects (CLI)", f"rm -rf {out}/w && {wirepy_bin} export-objects "
        f"-n {cap} http {out}/w", True)
    add(task, "export_objects().write", f"rm -rf {out}/p && " + " ".join(
        shlex.quote(a) for a in py("import wirepy.export_objects as e\n"
                             f"e.export_objects({cap!r}, 'http').write({out + '/p'!r})")), True)

    best = {}
    try:
        for task in dict.fromkeys(entry[0] for entry in plan):
            entries = [e for e in plan if e[0] == task]
            for _ in range(args.repeat):
                for _task, name, cmd, shell in entries:
                    secs = timed(cmd, 1, shell=shell)
                    best[task, name] = min(best.get((task, name), secs), secs)
        written = {p.name for p in Path(out, "w").iterdir()}
        assert written == {p.name for p in Path(out, "t").iterdir()} and len(written) == \
            args.connections, "wirepy and tshark wrote different objects"
    finally:
        shutil.rmtree(out, ignore_errors=True)

    print(f"\n{n:,} packets, {args.connections:,} HTTP connections ({Path(cap).name}); "
          f"{os.cpu_count()} CPUs; best of {args.repeat} runs, taken in turns; whole processes\n")
    print(f"| {'task':<19} | {'tool':<30} | {'seconds':>8} | {'packets/s':>10} | {'ratio':>6} |")
    print(f"|{'-' * 21}|{'-' * 32}|{'-' * 10}:|{'-' * 11}:|{'-' * 7}:|")
    first = {}
    for task, name, _cmd, _shell in plan:
        secs = best[task, name]
        rate = n / secs
        base = first.setdefault(task, rate)
        print(f"| {task:<19} | {name:<30} | {secs:8.2f} | {rate:10,.0f} | {rate / base:6.2f} |")
    print("\nratio: packets/s relative to tshark for the same task")
    return 0


if __name__ == "__main__":
    sys.exit(main())
