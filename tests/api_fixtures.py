"""Fixtures of the Pythonic API tests: the bundled sample, the epan layer's
multi-protocol captures, and tshark as the oracle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Sequence

import pytest

import wirepy
from wirepy.cli.fields_format import escape

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample.pcapng"
SEP = "\x1e"
AGG = "\x1f"


def run_python(code: str, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    """Run *code* in a fresh interpreter (what a process does once: start-up,
    signals, fork, a crash that must not take the test run down)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=timeout, **kw)


def tshark_fields(path, fields: Sequence[str], display_filter: Optional[str] = None,
                  extra: Sequence[str] = ()) -> List[List[List[str]]]:
    """Per packet, per field, the occurrences tshark -T fields prints
    (still escaped as tshark escapes them)."""
    args = ["tshark", "-n", "-r", str(path), "-T", "fields", "-E", f"separator={SEP}",
            "-E", f"aggregator={AGG}", *extra]
    if display_filter:
        args += ["-Y", display_filter]
    for f in fields:
        args += ["-e", f]
    out = subprocess.run(args, capture_output=True, check=True, timeout=120).stdout
    rows = []
    for line in out.decode("utf-8", "surrogateescape").split("\n")[:-1]:
        rows.append([col.split(AGG) if col else [] for col in line.split(SEP)])
    return rows


def tshark_count(path, display_filter: str) -> int:
    out = subprocess.run(["tshark", "-n", "-r", str(path), "-Y", display_filter, "-T",
                          "fields", "-e", "frame.number"], capture_output=True, check=True,
                         timeout=120).stdout
    return len(out.splitlines())


@pytest.fixture(params=["sample", "mix.pcap", "mix.pcapng"])
def capture(request, capture_dir):
    """The bundled sample and the epan layer's two mixed captures (the test
    module imports ``capture_dir`` from epan_fixtures)."""
    if request.param == "sample":
        return SAMPLE
    return capture_dir / request.param


def ours(path, fields, tree, **kw) -> List[List[List[str]]]:
    """Per packet, per field, the strings wirepy gives (escaped as tshark
    escapes them), from the full tree or from a field extraction."""
    cap = wirepy.FileCapture(path, fields=None if tree else fields, **kw)
    return [[[escape(s) for s in pkt.field_strings(f)] for f in fields] for pkt in cap]
