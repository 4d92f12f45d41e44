"""Run the test suite one test file per pytest process (what ``make test`` does).

The suite opens hundreds of epan sessions, and what each leaves behind
(libwireshark 4.0's name tables, of which wirepy now frees most, and the
state of dissectors that runs for the life of the process) adds up: a
process per file keeps each under a few hundred MB, and makes every file
independent of the others' order.

Usage: python tests/run_per_file.py [PYTEST ARGS...] [TEST FILES...]
Files named on the command line are run instead of all of ``tests/test_*.py``;
every other argument is passed to each pytest run. The exit status is 0 when
every file passed (a file whose tests were all deselected counts as passed).
"""

import importlib.util
import os
import re
import subprocess
import sys
import time
from pathlib import Path

NO_TESTS_COLLECTED = 5

# Files of many independent tests that each wait on child processes
# (wirepy and tshark on Wireshark's test captures): run on every core with
# pytest-xdist, each capture's tests on one worker (their xdist_group).
PARALLEL = {"test_wireshark_captures.py": ["-n", str(min(os.cpu_count() or 1, 4)),
                                           "--dist", "loadgroup"]}


def split_args(argv):
    files, args = [], []
    for a in argv:
        (files if a.endswith(".py") and Path(a.split("::")[0]).is_file() else args).append(a)
    return files, args


def run(path, args):
    """pytest on one file: (exit status, its summary line, peak RSS in MiB)."""
    extra = PARALLEL.get(Path(path.split("::")[0]).name, [])
    if extra and importlib.util.find_spec("xdist") is None:
        extra = []
    proc = subprocess.Popen([sys.executable, "-m", "pytest", "-q", *extra, *args, path],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    proc.stdout.close()
    # reaped here rather than by Popen, for the child's own peak RSS
    _, status, usage = os.wait4(proc.pid, 0)
    rc = proc.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in out.splitlines() if line.strip()]
    summary = lines[-1] if lines else ""
    if rc not in (0, NO_TESTS_COLLECTED):
        sys.stdout.write(out)
    peak = usage.ru_maxrss // 1024
    return rc, summary, peak


def main(argv):
    here = Path(__file__).resolve().parent
    files, args = split_args(argv)
    if not files:
        files = [str(p.relative_to(Path.cwd())) if p.is_relative_to(Path.cwd()) else str(p)
                 for p in sorted(here.glob("test_*.py"))]
    failed, totals = [], {}
    start = time.monotonic()
    for path in files:
        rc, summary, peak = run(path, args)
        print(f"{path}: {summary} (peak RSS {peak} MiB)", flush=True)
        for count, what in re.findall(r"(\d+) (passed|failed|skipped|errors?|deselected)",
                                      summary):
            totals[what] = totals.get(what, 0) + int(count)
        if rc not in (0, NO_TESTS_COLLECTED):
            failed.append(path)
    took = time.monotonic() - start
    counts = ", ".join(f"{n} {what}" for what, n in sorted(totals.items()))
    print(f"== {len(files)} files: {counts} in {took:.0f}s ==")
    if failed:
        print("failed: " + " ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
