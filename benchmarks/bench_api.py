"""Benchmark of the Pythonic API and the ``wirepy`` command against tshark,
pyshark and tshark + pandas, measured side by side in one run.

Usage: python benchmarks/bench_api.py [--packets N] [--repeat R] [--pyshark-packets M]
       python benchmarks/bench_api.py --corpus wireshark [--copies K] [--repeat R]

By default it builds ``benchmarks/data/mix.pcapng``: the bundled sample (ARP,
DHCP, DNS, ICMP, TCP/HTTP with reassembly, IPv6 on Ethernet) plus a raw-IP
copy (a second link type), concatenated with ``mergecap -a`` to >= N packets.
``--corpus wireshark`` measures a corpus nobody here wrote instead: every
capture file of the installed Wireshark's own ``test/captures`` (fetched by
``make test`` into the cache) that ``editcap`` can rewrite, each shifted in
time to start after the previous one ends, concatenated with ``mergecap -a``
(ten link types and more: Ethernet, 802.11 with radiotap, Linux SLL, NULL,
raw IP...), K times over (8 by default: 110,384 packets with Wireshark
4.0.17's captures; 40 for 551,920).
Every measurement is the wall time of a whole process (start-up included,
as for tshark), and its CPU time (user + system, every process of the run);
the best of R runs is kept for each, the tools of a task taking turns
so that a slow spell of a shared machine hits them all. pyshark (if installed) is
measured on the first M packets only -- it is that slow -- and its rate
extrapolated.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
SAMPLE = ROOT / "examples" / "sample.pcapng"
FIELDS = ["ip.src", "ip.dst", "tcp.srcport", "udp.dstport", "frame.len"]
FILTER = "tcp.port == 80 || dns"


def make_capture(packets: int) -> Path:
    DATA.mkdir(exist_ok=True)
    out = DATA / f"mix{packets}.pcapng"
    if out.exists():
        return out
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.pcapng"
        subprocess.run(["editcap", "-C", "14", "-T", "rawip", str(SAMPLE), str(raw)],
                       check=True, capture_output=True)
        unit = Path(tmp) / "unit.pcapng"
        subprocess.run(["mergecap", "-a", "-w", str(unit), *[str(SAMPLE)] * 40, str(raw)],
                       check=True, capture_output=True)
        per_unit = 40 * 26 + 26
        copies = -(-packets // per_unit)
        subprocess.run(["mergecap", "-a", "-w", str(out), *[str(unit)] * copies],
                       check=True, capture_output=True)
    return out


def make_wireshark_corpus(copies: int) -> Path:
    """The Wireshark test-capture corpus, *copies* times over (see the
    module's description); built once per Wireshark version."""
    sys.path.insert(0, str(ROOT / "tests"))
    from fetch_wireshark_captures import captures_dir, fetched_captures_dir

    source = captures_dir()
    if not source.is_dir():
        source = fetched_captures_dir()
    DATA.mkdir(exist_ok=True)
    unit = DATA / f"{source.parent.name}-captures.pcapng"
    if not unit.exists():
        with tempfile.TemporaryDirectory() as tmp:
            parts, end = [], None
            for path in sorted(source.iterdir()):
                if not any(path.name.endswith(ext) for ext in
                           (".pcap", ".pcapng", ".pcap.gz", ".pcapng.gz", ".cap")):
                    continue
                times = subprocess.run(["capinfos", "-T", "-r", "-S", "-a", "-e", str(path)],
                                       capture_output=True, text=True)
                try:
                    first, last = (float(v) for v in times.stdout.split("\t")[1:3])
                except ValueError:
                    continue     # unreadable here, or no packets
                shift = 0.0 if end is None else end + 1.0 - first
                part = Path(tmp) / f"{len(parts):04d}.pcapng"
                done = subprocess.run(["editcap", "-F", "pcapng", "-t", f"{shift:.6f}",
                                       str(path), str(part)], capture_output=True)
                if done.returncode != 0:
                    continue
                parts.append(str(part))
                end = last + shift
            subprocess.run(["mergecap", "-a", "-w", str(unit), *parts], check=True,
                           capture_output=True)
    if copies == 1:
        return unit
    out = DATA / f"{unit.stem}-x{copies}.pcapng"
    if not out.exists():
        subprocess.run(["mergecap", "-a", "-w", str(out), *[str(unit)] * copies],
                       check=True, capture_output=True)
    return out


def timed(cmd, repeat: int, stdout=subprocess.DEVNULL, shell=False) -> Tuple[float, float]:
    """Best (wall, CPU) seconds of *repeat* runs; CPU is user + system time
    of every process the command made (both ends of a pipeline)."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, stdout=stdout, stderr=subprocess.DEVNULL, check=True, shell=shell)
        best_wall = min(best_wall, time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best_cpu = min(best_cpu, after.ru_utime - before.ru_utime
                       + after.ru_stime - before.ru_stime)
    return best_wall, best_cpu


def py(code: str) -> list:
    return [sys.executable, "-c", code]


def count_packets(path: Path) -> int:
    out = subprocess.run(["capinfos", "-c", "-M", str(path)], capture_output=True,
                         text=True, check=True).stdout
    return int(out.strip().splitlines()[-1].split()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packets", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pyshark-packets", type=int, default=1000)
    ap.add_argument("--corpus", choices=["mix", "wireshark"], default="mix",
                    help="mix: the sample and a raw-IP copy (default); wireshark: "
                         "Wireshark's own test captures")
    ap.add_argument("--copies", type=int, default=8,
                    help="with --corpus wireshark: how many times over (8: ~110,000 "
                         "packets with Wireshark 4.0's captures; 40: ~550,000)")
    args = ap.parse_args()
    if args.corpus == "wireshark":
        cap = make_wireshark_corpus(args.copies)
    else:
        cap = make_capture(args.packets)
    n = count_packets(cap)
    wirepy_bin = shutil.which("wirepy", path=os.path.dirname(sys.executable)) or "wirepy"
    e_args = [a for f in FIELDS for a in ("-e", f)]
    columns = ",".join(f'"{f}","%Cus:{f}"' for f in FIELDS)
    plan = []      # (task, tool, command, shell, repeats, packets)

    def add(task, name, cmd, shell=False, repeats=None, packets=n):
        plan.append((task, name, cmd, shell, args.repeat if repeats is None else repeats,
                     packets))

    # 1. five fields
    add("5 fields", "tshark -T fields", ["tshark", "-n", "-r", cap, "-T", "fields", *e_args])
    add("5 fields", "tshark custom columns",
        ["tshark", "-n", "-r", cap, "-o", f"gui.column.format:{columns}"])
    add("5 fields", "wirepy fields (CLI)", [wirepy_bin, "fields", cap, *e_args])
    add("5 fields", "FileCapture(fields=5)", py(
        f"import wirepy\nfor p in wirepy.FileCapture({str(cap)!r}, fields={FIELDS!r}):\n"
        f"    p.get('ip.src'); p.get('tcp.srcport')"))
    # 2. full tree
    add("full tree", "tshark -T json", ["tshark", "-n", "-r", cap, "-T", "json"])
    add("full tree", "tshark -T pdml", ["tshark", "-n", "-r", cap, "-T", "pdml"])
    add("full tree", "FileCapture() (trees not walked)", py(
        f"import wirepy\nfor p in wirepy.FileCapture({str(cap)!r}, columns=False):\n"
        f"    p.tree"))
    add("full tree", "FileCapture() + walk tree (label, show)", py(
        f"import wirepy\nfor p in wirepy.FileCapture({str(cap)!r}, columns=False):\n"
        f"    for node in p.tree: node.label; node.show"))
    try:
        import pyshark  # noqa: F401
        m = args.pyshark_packets
        add("full tree", f"pyshark JSON ({m} pkts)", py(
            "import pyshark\n"
            f"c = pyshark.FileCapture({str(cap)!r}, use_json=True, keep_packets=False)\n"
            f"for i, p in zip(range({m}), c):\n    p.layers\nc.close()"), repeats=1, packets=m)
        add("full tree", f"pyshark PDML ({m} pkts)", py(
            "import pyshark\n"
            f"c = pyshark.FileCapture({str(cap)!r}, keep_packets=False)\n"
            f"for i, p in zip(range({m}), c):\n    p.layers\nc.close()"), repeats=1, packets=m)
    except ImportError:
        print("(pyshark not installed: pip install pyshark)", file=sys.stderr)
    # 3. filter counting
    add("filter count", f"tshark -Y '{FILTER}'",
        ["tshark", "-n", "-r", cap, "-Y", FILTER, "-T", "fields", "-e", "frame.number"])
    add("filter count", "FileCapture(display_filter)", py(
        f"import wirepy\nprint(sum(1 for _ in wirepy.FileCapture({str(cap)!r}, "
        f"display_filter={FILTER!r}, fields=[])))"))
    # 4. DataFrame (tab-separated: a field that occurs twice in a packet is
    # printed with a comma between its values)
    csv_fields = " ".join(e_args)
    add("DataFrame", "tshark -T fields + read_csv",
        f"tshark -n -r {cap} -T fields -E header=y -E separator=/t {csv_fields} | "
        f"{sys.executable} -c 'import pandas,sys; pandas.read_csv(sys.stdin, sep=\"\\t\")'",
        shell=True)
    add("DataFrame", "wirepy.to_dataframe", py(
        f"import wirepy\nwirepy.to_dataframe({str(cap)!r}, {FIELDS!r})"))

    # round-robin within each task: a slow spell of the shared machine hits
    # every tool of the task, not one of them
    best: Dict[str, float] = {}
    best_cpu: Dict[str, float] = {}
    for task in dict.fromkeys(entry[0] for entry in plan):
        entries = [e for e in plan if e[0] == task]
        for round_ in range(max(e[4] for e in entries)):
            for _task, name, cmd, shell, repeats, _packets in entries:
                if round_ < repeats:
                    secs, cpu = timed(cmd, 1, shell=shell)
                    best[name] = min(best.get(name, secs), secs)
                    best_cpu[name] = min(best_cpu.get(name, cpu), cpu)
    rows = [(task, name, best[name], best_cpu[name], packets / best[name],
             packets / best_cpu[name])
            for task, name, _cmd, _shell, _repeats, packets in plan]

    versions = subprocess.run([wirepy_bin, "version"], capture_output=True,
                              text=True).stdout.split("\n")
    print(f"\n{n:,} packets ({cap.name}); {os.cpu_count()} CPUs; "
          f"{versions[1]}; best of {args.repeat} runs, taken in turns; whole processes\n")
    print(f"| {'task':<13} | {'tool':<32} | {'seconds':>8} | {'packets/s':>10} | {'ratio':>6} "
          f"| {'CPU s':>6} | {'CPU ratio':>9} |")
    print(f"|{'-' * 15}|{'-' * 34}|{'-' * 10}:|{'-' * 11}:|{'-' * 7}:|{'-' * 7}:|{'-' * 10}:|")
    first: Dict[str, Tuple[float, float]] = {}
    for task, name, secs, cpu, rate, cpu_rate in rows:
        base, cpu_base = first.setdefault(task, (rate, cpu_rate))
        print(f"| {task:<13} | {name:<32} | {secs:8.2f} | {rate:10,.0f} | {rate / base:6.2f} "
              f"| {cpu:6.2f} | {cpu_rate / cpu_base:9.2f} |")
    print("\nratio: packets/s relative to the first row of the same task (wall clock);\n"
          "CPU ratio: the same with user + system time of all the run's processes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
