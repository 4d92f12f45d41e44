"""Benchmark of wirepy.stats against tshark -q -z, and of statistics
computed during an iteration against the iteration alone, side by side in
one run.

Usage: python benchmarks/bench_stats.py [--packets N] [--repeat R]

Python rows are read with ``rows()`` (``to_dataframe()`` adds the import of
pandas, about half a second). The capture is bench_api.py's
(``benchmarks/data/mix<N>.pcapng``). Every measurement is the wall time of a
whole process (start-up included, as for tshark); the best of R runs is kept,
the tools of a task taking turns.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_api import count_packets, make_capture, py, timed  # noqa: E402

FIELDS = ["ip.src", "ip.dst", "tcp.srcport", "udp.dstport", "frame.len"]
CONV = ["conv,tcp"]
FOUR = ["conv,tcp", "endpoints,ip", "io,stat,1,tcp,AVG(frame.len)frame", "expert"]
WITH_PHS = [*FOUR, "io,phs"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packets", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    cap = str(make_capture(args.packets))
    n = count_packets(Path(cap))
    wirepy_bin = shutil.which("wirepy", path=os.path.dirname(sys.executable)) or "wirepy"
    plan = []

    def add(task, name, cmd):
        plan.append((task, name, cmd))

    def z(specs):
        return [a for s in specs for a in ("-z", s)]

    def iterate(specs):
        taps = f"[wirepy.stats.from_spec(s) for s in {specs!r}]" if specs else "[]"
        return py("import wirepy, wirepy.stats\n"
                  f"taps = {taps}\n"
                  f"for p in wirepy.FileCapture({cap!r}, fields={FIELDS!r}, taps=taps):\n"
                  "    p.get('ip.src'); p.get('tcp.srcport')\n"
                  "for t in taps: t.rows()")

    for task, specs in (("conv,tcp", CONV), ("4 stats", FOUR), ("4 stats + phs", WITH_PHS)):
        add(task, "tshark -q -z", ["tshark", "-n", "-q", "-r", cap, *z(specs)])
        add(task, "wirepy stats (CLI)", [wirepy_bin, "stats", "-n", cap, *z(specs)])
        add(task, "stats.compute -> rows", py(
            "import wirepy.stats\n"
            f"for s in wirepy.stats.compute({cap!r}, {specs!r}).values(): s.rows()"))
        add(task, "iteration (5 fields) alone", iterate([]))
        add(task, "iteration (5 fields) + stats", iterate(specs))

    best = {}
    for task in dict.fromkeys(entry[0] for entry in plan):
        entries = [e for e in plan if e[0] == task]
        for _ in range(args.repeat):
            for _task, name, cmd in entries:
                secs = timed(cmd, 1)
                best[task, name] = min(best.get((task, name), secs), secs)

    print(f"\n{n:,} packets ({Path(cap).name}); {os.cpu_count()} CPUs; best of "
          f"{args.repeat} runs, taken in turns; whole processes")
    print(f"specs: {CONV} / {FOUR} / + io,phs\n")
    print(f"| {'task':<13} | {'tool':<30} | {'seconds':>8} | {'packets/s':>10} | {'ratio':>6} |")
    print(f"|{'-' * 15}|{'-' * 32}|{'-' * 10}:|{'-' * 11}:|{'-' * 7}:|")
    first = {}
    for task, name, _cmd in plan:
        secs = best[task, name]
        rate = n / secs
        base = first.setdefault(task, rate)
        print(f"| {task:<13} | {name:<30} | {secs:8.2f} | {rate:10,.0f} | {rate / base:6.2f} |")
    print("\nratio: packets/s relative to tshark -q -z for the same statistics")
    return 0


if __name__ == "__main__":
    sys.exit(main())
