"""wirepy.export_objects and ``wirepy export-objects`` against ``tshark
--export-objects PROTO,DIR``: the same files with the same names and bytes,
on HTTP, IMF (SMTP) and TFTP captured here and on Wireshark's HTTP
captures; the objects' fields against what was served; bad input."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
import wireshark_series
from api_fixtures import SAMPLE
from follow_fixtures import HTTP_FILES, MAIL, TFTP_FILE, tshark_export

import wirepy
from wirepy import export_objects

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fetch_wireshark_captures  # noqa: E402

WIREPY = [sys.executable, "-m", "wirepy"]


def files(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def ours_cli(path, proto, folder, *extra):
    return subprocess.run([*WIREPY, "export-objects", "-n", str(path), proto, str(folder),
                           *extra], capture_output=True, text=True, timeout=600)


def assert_same_files(path, proto, tmp_path, *extra, expect=1):
    mine, theirs = tmp_path / "wirepy", tmp_path / "tshark"
    out = ours_cli(path, proto, mine, *extra)
    assert out.returncode == 0, out.stderr
    tshark_export(path, proto, theirs, *extra)
    assert files(mine) == files(theirs)
    assert len(files(mine)) >= expect
    return files(mine)


@pytest.fixture(params=["", "-2"])
def passes(request):
    return [request.param] if request.param else []


def test_http_made_here(http_capture, tmp_path, passes):
    got = assert_same_files(http_capture, "http", tmp_path, *passes, expect=6)
    assert got["big.bin"] == HTTP_FILES["big.bin"]
    assert got["index.html"] == got["index(1).html"] == HTTP_FILES["index.html"]
    # the "?" Windows refuses is written %3f (the URL escaped "<" and ">" itself)
    assert got["notes.txt%3fx=1&y=%3C2%3E"] == HTTP_FILES["notes.txt"]


def test_imf_made_here(smtp_capture, tmp_path, passes):
    got = assert_same_files(smtp_capture, "imf", tmp_path, *passes, expect=2)
    assert set(got) == {"wirepy export objects.eml", "wirepy export objects(1).eml"}
    assert all(MAIL.split(b"\r\n\r\n", 1)[1] in data for data in got.values())


def test_tftp_made_here(tftp_capture, tmp_path, passes):
    if wireshark_series.TSHARK_TFTP_EXPORT_ABORTS and not passes:
        # no oracle: this tshark dies; what was served is the expectation
        out = ours_cli(tftp_capture, "tftp", tmp_path / "wirepy")
        assert out.returncode == 0, out.stderr
        got = files(tmp_path / "wirepy")
        theirs = subprocess.run(["tshark", "-n", "-r", str(tftp_capture), "--export-objects",
                                 f"tftp,{tmp_path / 'tshark'}"], capture_output=True)
        assert theirs.returncode == -signal.SIGABRT, "tshark exports TFTP again: compare"
    else:
        got = assert_same_files(tftp_capture, "tftp", tmp_path, *passes, expect=1)
    assert got == {"firmware.bin": TFTP_FILE}


def test_display_filter_as_tshark(http_capture, tmp_path):
    # as tshark: -Y decides what is printed, the objects of every packet are saved
    assert_same_files(http_capture, "http", tmp_path, "-Y", "frame.number < 5", expect=6)


@pytest.mark.parametrize("name, proto", [("http-ooo.pcap", "http"), ("http-ooo2.pcap", "http"),
                                         ("http-brotli.pcapng", "http"),
                                         ("tftp.pcap", "tftp"), ("http.pcap", "http"),
                                         # no objects in these: registration and an empty
                                         # export, as tshark's
                                         ("smb311-aes-128-gcm.pcap.gz", "smb"),
                                         ("dhcp.pcap", "dicom"), ("sip.pcapng", "imf")])
def test_wireshark_captures(name, proto, tmp_path):
    path = fetch_wireshark_captures.captures_dir() / name
    if not path.exists():
        pytest.skip(f"{name} is not among this Wireshark's test captures")
    assert_same_files(path, proto, tmp_path, expect=0)


def test_objects_fields(http_capture):
    objects = export_objects.export_objects(http_capture, "http").objects
    assert [o.filename for o in objects] == ["index.html", "big.bin", "notes.txt?x=1&y=%3C2%3E",
                                             "data.json", "index.html", "notes.txt"]
    assert [o.data for o in objects] == [HTTP_FILES[n] for n in ("index.html", "big.bin",
                                                                  "notes.txt", "data.json",
                                                                  "index.html", "notes.txt")]
    assert objects[0].content_type == "text/html"
    assert objects[1].size == len(HTTP_FILES["big.bin"])
    host = objects[0].hostname
    assert host.startswith("127.") and all(o.hostname == host for o in objects)
    # the packet that completed each object: the last of its HTTP response
    frames = subprocess.run(["tshark", "-n", "-r", str(http_capture), "-Y", "http.response",
                             "-T", "fields", "-e", "frame.number"], capture_output=True,
                            text=True, check=True).stdout.split()
    assert [o.packet for o in objects] == [int(f) for f in frames]


def test_listener_in_an_iteration(http_capture, tmp_path):
    http = export_objects.ObjectList("http")
    n = sum(1 for _ in wirepy.FileCapture(http_capture, taps=[http]))
    assert n > 10 and len(http) == 6
    first = http.objects
    for _ in wirepy.FileCapture(http_capture, taps=[http], fields=["frame.number"]):
        pass
    assert http.objects == first and len(http) == 6     # the last read's, not both
    paths = http.write(tmp_path / "a" / "b")
    assert [Path(p).name for p in paths][:2] == ["index.html", "big.bin"]
    # written again: every name taken, numbered as tshark numbers
    again = http.write(tmp_path / "a" / "b")
    assert Path(again[0]).name == "index(2).html" and Path(again[1]).name == "big(1).bin"


def test_the_folder_already_holding_files_is_numbered_as_tshark(http_capture, tmp_path):
    mine, theirs = tmp_path / "wirepy", tmp_path / "tshark"
    for folder in (mine, theirs):
        folder.mkdir()
        (folder / "big.bin").write_bytes(b"old")
    assert ours_cli(http_capture, "http", mine).returncode == 0
    tshark_export(http_capture, "http", theirs)
    assert files(mine) == files(theirs) and files(mine)["big.bin"] == b"old"


def test_protocols():
    assert {"http", "smb", "imf", "tftp", "dicom"} <= set(export_objects.protocols())


def test_unknown_protocol(tmp_path):
    with pytest.raises(export_objects.UnknownObjectProtocolError, match="'nosuch'.*http"):
        export_objects.ObjectList("nosuch")
    out = ours_cli(SAMPLE, "nosuch", tmp_path / "x")
    assert out.returncode == 1 and out.stderr.startswith("wirepy: no export objects")
    assert not (tmp_path / "x").exists()


def test_bad_filter_and_missing_file(tmp_path):
    out = ours_cli(SAMPLE, "http", tmp_path / "x", "-Y", "http.request ==")
    assert out.returncode == 2 and out.stderr.startswith("wirepy: ")
    assert "Traceback" not in out.stderr
    out = ours_cli(tmp_path / "none.pcap", "http", tmp_path / "x")
    assert out.returncode == 2 and "doesn't exist" in out.stderr
