"""Run every benchmark script in this directory (``make bench``).

Each ``bench_<layer>.py`` measures one layer side by side with its peers
(tshark, other bindings) in one run and prints a ratio table; this runner
runs them one after another so the machine is not shared between them.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if not scripts:
        print("no benchmarks yet")
        return 0
    status = 0
    for script in scripts:
        print(f"==> {script.name}", flush=True)
        status |= subprocess.call([sys.executable, str(script), *sys.argv[1:]])
    return status


if __name__ == "__main__":
    sys.exit(main())
