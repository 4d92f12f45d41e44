"""Wireshark's own test captures by name, for the data-source, UAT and
HTML tests (fetched by ``make captures``; a test skips without them)."""

import subprocess
from pathlib import Path

import fetch_wireshark_captures
import pytest


def ws_capture(name: str) -> Path:
    """The path of Wireshark's test capture *name*, or a skip."""
    path = fetch_wireshark_captures.captures_dir() / name
    if not path.is_file():
        pytest.skip(f"Wireshark's test capture {name} is not fetched (make captures)")
    return path


def tshark(*args) -> bytes:
    """tshark's standard output (tshark -n unless the caller resolves)."""
    return subprocess.run(["tshark", *map(str, args)], capture_output=True, check=True,
                          timeout=300).stdout


def parse_hex_dump(text: str):
    """The packets of ``tshark -x`` output: per packet a list of
    ``(name, bytes)``, name None where the packet has one data source."""
    packets, current, name, data = [], [], None, bytearray()

    def flush_source():
        nonlocal name, data
        if name is not None or data:
            current.append((name, bytes(data)))
        name, data = None, bytearray()

    for line in text.split("\n"):
        if not line:
            flush_source()
            if current:
                packets.append(current)
            current = []
            continue
        head = line.split("  ", 1)[0]
        if line.endswith(":") and not all(c in "0123456789abcdef" for c in head):
            flush_source()
            name = line[:-1]
            continue
        digits = len(head)
        data += bytes.fromhex(line[digits + 2:digits + 2 + 48])
    flush_source()
    if current:
        packets.append(current)
    return packets
