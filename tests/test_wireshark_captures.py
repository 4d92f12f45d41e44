"""Every capture of Wireshark's own test/captures, read in every mode, against tshark.

These are the captures nobody here wrote (fetched from the installed
Wireshark's source package by tests/fetch_wireshark_captures.py, which
``make test`` runs first). Each capture is read by a child process
(tests/world_modes.py) in every mode of the API -- full trees with every
node touched, fields, a display filter, two passes, the wiretap layer --
so a crash fails that capture's tests and names it. tshark is the oracle:
the trees against its PDML item for item, the fields against -T fields,
the filter against -Y, the CLI's output against tshark's byte for byte.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, List

import pytest
from api_fixtures import tshark_fields

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fetch_wireshark_captures  # noqa: E402
import wireshark_series  # noqa: E402
import world_modes  # noqa: E402

HERE = Path(__file__).resolve().parent
WIREPY = [sys.executable, "-m", "wirepy"]
CAPTURES_DIR = fetch_wireshark_captures.fetched_captures_dir()
CAPTURES = sorted(p.name for p in CAPTURES_DIR.iterdir())


def _tshark(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["tshark", "-n", *args], capture_output=True, timeout=600)


SEP, AGG = "\x1e", "\x1f"
#: What -T fields is asked for: the compared fields, then the record lengths.
ORACLE_FIELDS = [*world_modes.FIELDS, "frame.cap_len"]


@functools.cache
def _tshark_fields_output(path: Path) -> subprocess.CompletedProcess:
    """tshark -T fields with wirepy's separators (\\x1e, \\x1f): read once
    per capture, for the fields, the wiretap records and ``wirepy fields``
    (asked for the same, byte for byte)."""
    args = [a for f in ORACLE_FIELDS for a in ("-e", f)]
    return _tshark("-r", str(path), "-T", "fields", "-E", f"separator={SEP}",
                   "-E", f"aggregator={AGG}", *args)


def _tshark_rows(path: Path) -> List[List[List[str]]]:
    out = _tshark_fields_output(path).stdout.decode("utf-8", "surrogateescape")
    return [[col.split(AGG) if col else [] for col in line.split(SEP)]
            for line in out.split("\n")[:-1]]


def _tshark_reads(path: Path) -> bool:
    return _tshark_fields_output(path).returncode == 0


def _died(rc: int) -> str:
    return f"killed by {signal.Signals(-rc).name}" if rc < 0 else f"exit status {rc}"


_RESULTS: Dict[str, dict] = {}


def wirepy_modes(name: str) -> dict:
    """What the child process read from capture *name* in every mode."""
    if name not in _RESULTS:
        path = CAPTURES_DIR / name
        proc = subprocess.run([sys.executable, str(HERE / "world_modes.py"), str(path)],
                              capture_output=True, timeout=900)
        assert proc.returncode == 0, (
            f"{name}: reading it in wirepy's modes {_died(proc.returncode)}\n"
            + proc.stderr.decode(errors="replace")[-3000:])
        _RESULTS[name] = json.loads(proc.stdout)
    return _RESULTS[name]


def _mode(name: str, mode: str):
    result = wirepy_modes(name)[mode]
    path = CAPTURES_DIR / name
    if not _tshark_reads(path):
        # a file wiretap cannot read: a clear error naming it, in every mode
        assert "error" in result, f"{name}: read in mode {mode} although tshark cannot"
        module, cls, message = result["error"]
        assert module.startswith("wirepy") and str(path) in message, result["error"]
        return None
    assert "ok" in result, f"{name}, mode {mode}: {result.get('error')}"
    return result["ok"]


# tests of one capture share its child's results: on one xdist worker
@pytest.fixture(params=[pytest.param(c, marks=pytest.mark.xdist_group(c)) for c in CAPTURES])
def capture(request) -> str:
    return request.param


_PDML_CONTROLS = {c: f"\\x{c:x}" for c in [*range(0x20), 0x7F] if chr(c) not in "\t\n\r"}


def _xml_ws(text: str) -> str:
    """A text as it reads back from PDML: tshark writes ASCII control
    characters as \\xN (XML cannot hold them); XML parsers turn CR, LF and
    TAB in attributes into spaces."""
    text = text.translate(_PDML_CONTROLS)
    return text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")


def _pdml(path: Path) -> List[ET.Element]:
    proc = _tshark("-r", str(path), "-T", "pdml")
    assert proc.returncode == 0, proc.stderr
    return ET.fromstring(proc.stdout).findall("packet")


_GENINFO = {("num", "Number"), ("len", "Frame Length"), ("caplen", "Captured Length"),
            ("timestamp", "Captured Time")}


def _pdml_items(packet: ET.Element):
    """A PDML packet's (name, show) of each field and its labels (showname),
    as wirepy's tree has them: no geninfo; protocol-typed fields (data,
    _ws.expert) have no show."""
    fields, labels = [], []
    for el in packet.iter():
        if el.tag == "proto" and el.get("name") in ("geninfo", "fake-field-wrapper"):
            continue
        if el.tag == "field" and (el.get("name"), el.get("showname")) in _GENINFO:
            continue
        if el.tag == "field":
            fields.append((el.get("name"), el.get("show")))
        if el.tag in ("field", "proto") and el.get("showname") is not None:
            labels.append(el.get("showname"))
    return fields, labels


def _wirepy_items(nodes: list):
    fields, labels = [], []
    for abbrev, show, label, is_proto, proto_typed, *_ in nodes:
        if not is_proto:
            fields.append((abbrev, None if proto_typed else _xml_ws(show)))
        if abbrev and abbrev != "data":
            labels.append(_xml_ws(label))
    return fields, labels


def test_full_trees_equal_tshark_pdml(capture):
    trees = _mode(capture, "tree")
    if trees is None:
        return
    pdml = _pdml(CAPTURES_DIR / capture)
    assert len(trees) == len(pdml)
    for num, (tree, packet) in enumerate(zip(trees, pdml), 1):
        marked = [node[2] for node in tree["nodes"] if node[6]]
        assert tree["render_errors"] == 0 and not marked, f"packet {num}: {marked}"
        want_fields, want_labels = _pdml_items(packet)
        got_fields, got_labels = _wirepy_items(tree["nodes"])
        mask = wireshark_series.mask_run_dependent
        assert mask(got_fields) == mask(want_fields), f"{capture} packet {num}"
        assert mask(got_labels) == mask(want_labels), f"{capture} packet {num}"


def test_epan_layer_trees_equal_the_api_trees(capture):
    """The epan layer's one-packet and batch tree paths read the same trees
    as the Pythonic API, whose trees equal tshark's PDML (above)."""
    got = _mode(capture, "epan_trees")
    if got is None:
        return
    mask = wireshark_series.mask_run_dependent
    api = mask([[node[:3] for node in packet["nodes"]] for packet in _mode(capture, "tree")])
    single, batched = got
    assert mask(single) == api
    assert mask(batched) == api


def test_fields_equal_tshark(capture):
    fields = _mode(capture, "fields")
    if fields is None:
        return
    mask = wireshark_series.mask_run_dependent
    expected = mask([row[:-1] for row in _tshark_rows(CAPTURES_DIR / capture)])
    assert mask(fields) == expected
    tree = [p["fields"] for p in _mode(capture, "tree")]
    assert mask(tree) == expected


def test_tree_and_fields_give_the_same_typed_values(capture):
    """One table of field types (cdefs/shim/typed_value.h) decodes the
    values of both paths: every field of the full trees, extracted as a
    field, has the same Python values, of the same types."""
    got = _mode(capture, "typed_values")
    if got is None:
        return
    assert got["mismatches"] == []
    trees = _mode(capture, "tree")
    assert got["compared"] > 0 or not any(p["nodes"] for p in trees)


def test_display_filter_equals_tshark(capture):
    got = _mode(capture, "filter")
    if got is None:
        return
    rows = tshark_fields(CAPTURES_DIR / capture, ["frame.number"],
                         world_modes.DISPLAY_FILTER)
    expected = [int(row[0][0]) for row in rows]
    assert got == {"fields": expected, "tree": expected}


def test_two_pass_equals_tshark(capture):
    got = _mode(capture, "two_pass")
    if got is None:
        return
    assert got == tshark_fields(CAPTURES_DIR / capture, world_modes.TWO_PASS_FIELDS,
                                extra=["-2"])


def test_indexing_is_random_access_into_the_two_pass_read(capture):
    """capture[i] re-reads frame i at its offset after a first pass: the
    same packets as a two-pass read (which equals tshark -2, above)."""
    got = _mode(capture, "indexed")
    if got is None:
        return
    rows = _mode(capture, "two_pass")
    assert got["count"] == len(rows)
    assert {int(i): row for i, row in got["rows"].items()} == \
        {i: rows[i] for i in sorted({0, len(rows) // 2, len(rows) - 1}) if rows}


def test_wiretap_reads_every_record(capture):
    records = _mode(capture, "wiretap")
    if records is None:
        return
    rows = _tshark_rows(CAPTURES_DIR / capture)
    assert [r[0] for r in records] == [int(row[-1][0]) for row in rows]
    assert all(caplen == n for caplen, n in records)


def test_libpcap_layer_reads_as_libpcap_does(capture):
    # wirepy.lib.pcap does not go through wiretap: libpcap's own reader is
    # its oracle (and tshark's record lengths where libpcap reads it all)
    got = wirepy_modes(capture)["libpcap"]
    assert "ok" in got, got.get("error")
    by_name, oracle = got["ok"]["by_name"], got["ok"]["libpcap"]
    assert by_name == oracle
    if oracle["error"] is None and _tshark_reads(CAPTURES_DIR / capture):
        rows = _tshark_rows(CAPTURES_DIR / capture)
        lengths = [[int(row[-1][0]), int(row[1][0])] for row in rows]   # cap_len, len
        assert [[p[2], p[3]] for p in oracle["packets"]] == lengths


def test_libpcap_fast_reader_ran_on_the_classic_pcap_files():
    # the test above compares the fast reader only where it is used
    used = [name for name in CAPTURES if name.endswith(".pcap")
            and wirepy_modes(name)["libpcap"]["ok"]["fast_reader"]]
    assert len(used) >= 20, used


def _cli(command: str, *args: str) -> subprocess.CompletedProcess:
    # -n as the oracle's tshark -n (the defaults are compared in test_cli.py)
    return subprocess.run([*WIREPY, command, "-n", *args], capture_output=True, timeout=900,
                          env={**os.environ, "PYTHONPATH": str(HERE.parent)})


@pytest.mark.parametrize("args", [["read"], ["read", "-V"]], ids=["read", "read-V"])
def test_cli_read_equals_tshark(capture, args):
    path = str(CAPTURES_DIR / capture)
    ours = _cli(*args, path)
    theirs = _tshark(*args[1:], "-r", path)
    assert ours.returncode >= 0, f"{capture}: wirepy {' '.join(args)} {_died(ours.returncode)}"
    if theirs.returncode != 0:
        assert ours.returncode != 0 and path in ours.stderr.decode(), ours.stderr
        assert b"Traceback" not in ours.stderr
        return
    assert ours.returncode == 0, ours.stderr.decode()[-2000:]
    mask = wireshark_series.mask_run_dependent
    assert mask(ours.stdout) == mask(theirs.stdout)


def test_cli_fields_and_json(capture):
    path = CAPTURES_DIR / capture
    args = ["-E", f"separator={SEP}", "-E", f"aggregator={AGG}",
            *[a for f in ORACLE_FIELDS for a in ("-e", f)]]
    ours = _cli("fields", str(path), *args)
    theirs = _tshark_fields_output(path)
    assert ours.returncode >= 0, f"{capture}: wirepy fields {_died(ours.returncode)}"
    js = _cli("json", str(path))
    assert js.returncode >= 0, f"{capture}: wirepy json {_died(js.returncode)}"
    if theirs.returncode != 0:
        for proc in (ours, js):
            assert proc.returncode != 0 and str(path) in proc.stderr.decode(), proc.stderr
            assert b"Traceback" not in proc.stderr
        return
    assert ours.returncode == 0, ours.stderr.decode()[-2000:]
    mask = wireshark_series.mask_run_dependent
    assert mask(ours.stdout) == mask(theirs.stdout)
    assert js.returncode == 0, js.stderr.decode()[-2000:]
    lines = js.stdout.decode().splitlines()
    assert len(lines) == len(theirs.stdout.splitlines())
    for line in lines:
        json.loads(line)
