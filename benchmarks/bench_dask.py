"""Benchmark of many captures: wirepy.dask on a local cluster of 1 and 2
worker processes against to_dataframe of each file in turn and tshark +
pandas.read_csv in a loop, measured side by side in one run; then the peak
memory of wirepy.to_parquet against to_dataframe on one big capture.

Usage: python benchmarks/bench_dask.py [--files F] [--packets N] [--repeat R]
                                       [--rss-packets M]

It builds ``benchmarks/data/dask/cap-NN.pcapng``: F copies (default 16) of
bench_api's capture of N packets (default 50,000; the bundled sample and a
raw-IP copy of it, merged). The clusters (``LocalCluster(processes=True,
threads_per_worker=1)``) are started, and their workers have imported
wirepy and dissected a packet, before timing: what is measured is reading
the captures and handing the frame to the client. The best of R runs is
kept, the tools taking turns so a slow spell of the machine hits them all.
The load average is printed at the start and at the end: figures taken on a
busy machine say so. Run it alone (``flock /tmp/wirepy-bench.lock python
benchmarks/bench_dask.py``).

The memory part writes bench_api's capture of M packets (default
1,000,000) with to_parquet and reads it with to_dataframe, each in a fresh
process, and prints each one's peak resident memory (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_api import DATA, FIELDS, SAMPLE, count_packets, make_capture  # noqa: E402


def make_files(files: int, packets: int) -> list:
    """*files* copies of bench_api's capture of *packets* packets."""
    source = make_capture(packets)
    folder = DATA / "dask"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(files):
        path = folder / f"cap-{i:02d}-{source.stem}.pcapng"
        if not path.exists():
            shutil.copy(source, path)
        paths.append(str(path))
    return paths


def warm(fields) -> int:
    """Import wirepy and dissect the sample in a worker (run on each one
    before timing)."""
    import wirepy

    return len(wirepy.to_dataframe(str(SAMPLE), fields))


def tshark_csv(paths, fields):
    import pandas as pd

    e_args = [a for f in fields for a in ("-e", f)]
    frames = []
    for path in paths:
        out = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-E", "header=y",
                              "-E", "separator=,", *e_args], capture_output=True,
                             check=True).stdout
        frames.append(pd.read_csv(io.BytesIO(out)))
    return pd.concat(frames)


def one_by_one(paths, fields):
    import pandas as pd

    import wirepy

    return pd.concat([wirepy.to_dataframe(p, fields) for p in paths])


def peak_rss(code: str) -> float:
    """Peak resident memory (MiB) of a fresh interpreter running *code*:
    its VmHWM (ru_maxrss would not do: Linux carries it over from the
    parent through fork and exec, so every child would report this
    process's peak)."""
    probe = (code + "\nprint([line.split()[1] for line in open('/proc/self/status')\n"
             "       if line.startswith('VmHWM:')][0])")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    return int(out.split()[-1]) / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=16)
    ap.add_argument("--packets", type=int, default=50_000, help="packets per capture")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rss-packets", type=int, default=1_000_000)
    ap.add_argument("--rss-only", action="store_true", help="only the memory part")
    args = ap.parse_args()
    start_load = os.getloadavg()
    print(f"load average at start: {start_load[0]:.2f} {start_load[1]:.2f} "
          f"{start_load[2]:.2f}", flush=True)
    if not args.rss_only:
        timing(args)
    memory(args)
    end_load = os.getloadavg()
    print(f"\nload average at end: {end_load[0]:.2f} {end_load[1]:.2f} {end_load[2]:.2f}")
    return 0


def timing(args) -> None:
    import pandas as pd
    from distributed import Client, LocalCluster

    import wirepy.dask

    paths = make_files(args.files, args.packets)
    per_file = count_packets(Path(paths[0]))
    total = per_file * len(paths)

    clusters = {}
    for workers in (1, 2):
        cluster = LocalCluster(n_workers=workers, processes=True, threads_per_worker=1,
                               dashboard_address=":0")
        client = Client(cluster, set_as_default=False)
        client.run(warm, FIELDS)
        clusters[workers] = (cluster, client)

    def on_cluster(workers):
        client = clusters[workers][1]
        return client.compute(wirepy.dask.read_captures(paths, FIELDS)).result()

    plan = [
        ("tshark -T fields + read_csv, in a loop", lambda: tshark_csv(paths, FIELDS)),
        ("to_dataframe, one file after another", lambda: one_by_one(paths, FIELDS)),
        ("wirepy.dask, 1 worker process", lambda: on_cluster(1)),
        ("wirepy.dask, 2 worker processes", lambda: on_cluster(2)),
    ]
    best = {}
    rows = {}
    for _round in range(args.repeat):
        for name, run in plan:
            t0 = time.perf_counter()
            frame = run()
            secs = time.perf_counter() - t0
            best[name] = min(best.get(name, secs), secs)
            rows[name] = len(frame)
            del frame
    for cluster, client in clusters.values():
        client.close()
        cluster.close()
    for name, count in rows.items():
        if count != total:
            print(f"!! {name}: {count} rows, not {total}", file=sys.stderr)

    print(f"\n{len(paths)} captures of {per_file:,} packets ({total:,}); {os.cpu_count()} CPUs; "
          f"pandas {pd.__version__}; best of {args.repeat} runs, taken in turns\n")
    print(f"| {'tool':<40} | {'seconds':>8} | {'packets/s':>10} | {'ratio':>6} |")
    print(f"|{'-' * 42}|{'-' * 10}:|{'-' * 11}:|{'-' * 7}:|")
    base = None
    for name, _run in plan:
        rate = total / best[name]
        base = base or rate
        print(f"| {name:<40} | {best[name]:8.2f} | {rate:10,.0f} | {rate / base:6.2f} |")
    one, two = best["wirepy.dask, 1 worker process"], best["wirepy.dask, 2 worker processes"]
    print(f"\nratio: packets/s relative to the first row; 1 -> 2 workers: x{one / two:.2f}")


def memory(args) -> None:
    big = make_capture(args.rss_packets)
    big_n = count_packets(big)
    out = DATA / "rss.parquet"
    write = peak_rss(f"import wirepy\nwirepy.to_parquet({str(big)!r}, {str(out)!r}, "
                     f"{FIELDS!r})")
    read = peak_rss(f"import wirepy\nwirepy.to_dataframe({str(big)!r}, {FIELDS!r})")
    baseline = peak_rss(f"import wirepy, pandas, pyarrow.parquet\n"
                        f"wirepy.to_dataframe({str(SAMPLE)!r}, {FIELDS!r})")
    print(f"\npeak RSS, {big_n:,} packets ({big.name}), {len(FIELDS)} fields:\n")
    print(f"| {'what':<44} | {'MiB':>7} |")
    print(f"|{'-' * 46}|{'-' * 8}:|")
    print(f"| {'import wirepy, pandas, pyarrow + the sample':<44} | {baseline:7.0f} |")
    print(f"| {'wirepy.to_parquet (65,536-row batches)':<44} | {write:7.0f} |")
    print(f"| {'wirepy.to_dataframe':<44} | {read:7.0f} |")


if __name__ == "__main__":
    sys.exit(main())
