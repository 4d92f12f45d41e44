"""Instructions per packet of wirepy and tshark on the same work, counted
by valgrind's callgrind: a measure the load of a shared machine cannot move.

Timings on a shared virtual machine vary by a third between two runs of
the same command; instruction counts do not. Each tool runs once on the
Wireshark test-capture corpus of ``bench_api.py --corpus wireshark`` (one
copy) and once on two copies; the difference is the cost of the second
copy's packets alone, start-up and exit cancelled out::

    per packet = (instructions(2 copies) - instructions(1 copy)) / packets
    start-up   = instructions(1 copy) - per packet * packets

Not part of ``make bench`` (callgrind runs a program about fifty times
slower: a few minutes per tool, full trees far longer). Needs valgrind
(``apt-get install valgrind``)::

    .venv/bin/python benchmarks/count_instructions.py [--tools fields,tree] [--jobs 2]

Instructions are not time (cache misses, branch mispredictions and locked
instructions cost more than others), but two programs running the same
libwireshark calls in the same order differ in time mostly by what they
execute; see docs/benchmarks.rst for what the counts showed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, Tuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_api import FIELDS, count_packets, make_wireshark_corpus  # noqa: E402

COLLECTED = re.compile(r"Collected : (\d+)")


def tools(python: str, wirepy_bin: str) -> Dict[str, Tuple[str, List[str]]]:
    """Name -> (group, command with {cap} for the capture)."""
    e_args = [a for f in FIELDS for a in ("-e", f)]
    columns = ",".join(f'"{f}","%Cus:{f}"' for f in FIELDS)
    return {
        "tshark custom columns": (
            "fields", ["tshark", "-n", "-r", "{cap}", "-o", f"gui.column.format:{columns}"]),
        "tshark -T fields": ("fields", ["tshark", "-n", "-r", "{cap}", "-T", "fields", *e_args]),
        "wirepy fields (CLI)": ("fields", [wirepy_bin, "fields", "{cap}", *e_args]),
        "FileCapture(fields=5)": ("fields", [python, "-c", (
            "import sys, wirepy\n"
            f"for p in wirepy.FileCapture(sys.argv[1], fields={FIELDS!r}):\n"
            "    p.get('ip.src'); p.get('tcp.srcport')"), "{cap}"]),
        "wirepy.to_dataframe": ("dataframe", [python, "-c", (
            f"import sys, wirepy\nwirepy.to_dataframe(sys.argv[1], {FIELDS!r})"), "{cap}"]),
        "tshark -T pdml": ("tree", ["tshark", "-n", "-r", "{cap}", "-T", "pdml"]),
        "FileCapture() + walk tree (label, show)": ("tree", [python, "-c", (
            "import sys, wirepy\n"
            "for p in wirepy.FileCapture(sys.argv[1], columns=False):\n"
            "    for node in p.tree: node.label; node.show"), "{cap}"]),
    }


def count(cmd: List[str], cap: Path, out_dir: str) -> int:
    """Instructions callgrind counted for *cmd* on *cap*."""
    argv = [a.replace("{cap}", str(cap)) for a in cmd]
    done = subprocess.run(
        ["valgrind", "--tool=callgrind",
         f"--callgrind-out-file={out_dir}/callgrind.%p.out", *argv],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = COLLECTED.findall(done.stderr)
    if done.returncode != 0 or not found:
        raise RuntimeError(f"{argv[0]} failed under callgrind:\n{done.stderr[-2000:]}")
    return int(found[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tools", default="fields",
                    help="comma-separated groups: fields, dataframe, tree (slow)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="callgrind runs at a time (counts do not depend on it)")
    args = ap.parse_args()
    groups = set(args.tools.split(","))
    wirepy_bin = str(Path(sys.executable).with_name("wirepy"))
    every = tools(sys.executable, wirepy_bin)
    chosen = {name: cmd for name, (group, cmd) in every.items() if group in groups}
    one, two = make_wireshark_corpus(1), make_wireshark_corpus(2)
    n = count_packets(one)
    with tempfile.TemporaryDirectory() as out_dir, ThreadPoolExecutor(args.jobs) as pool:
        runs = {(name, cap): pool.submit(count, cmd, cap, out_dir)
                for name, cmd in chosen.items() for cap in (one, two)}
        counts = {key: future.result() for key, future in runs.items()}
    versions = subprocess.run([wirepy_bin, "version"], capture_output=True,
                              text=True).stdout.split("\n")
    print(f"\n{n:,} packets per copy ({one.name}); {versions[1]}; callgrind instruction "
          "counts\n")
    print(f"| {'tool':<28} | {'per packet':>10} | {'start-up (M)':>12} | {'ratio':>6} |")
    print(f"|{'-' * 30}|{'-' * 11}:|{'-' * 13}:|{'-' * 7}:|")
    first: Dict[str, float] = {}
    for name in chosen:
        per_packet = (counts[(name, two)] - counts[(name, one)]) / n
        startup = counts[(name, one)] - per_packet * n
        base = first.setdefault(every[name][0], per_packet)
        print(f"| {name:<28} | {per_packet:10,.0f} | {startup / 1e6:12,.0f} | "
              f"{base / per_packet:6.2f} |")
    print("\nratio: instructions per packet of the group's first row / this row's "
          "(>1: fewer)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
