"""wirepy.export_objects and ``wirepy export-objects`` against ``tshark
--export-objects`` on SMB and DICOM objects captured here: files read
from impacket's SMB server (SMB2) and datasets sent with a C-STORE to
pynetdicom's Storage SCP, each server in a child process on its own random
127.x.y.z address, captured with dumpcap on lo (as root)."""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Dict, Iterator

import pytest
from follow_fixtures import _address, captured, tshark_export

import wirepy
from wirepy import export_objects

WIREPY = [sys.executable, "-m", "wirepy"]

#: The files the SMB server serves (path under the share: bytes). The sizes
#: are multiples of 8: impacket's server pads a READ response to 8 bytes,
#: and Wireshark exports only the reads whose data fills the rest of the
#: packet (packet-smb2.c, data_tvb_len == olb.len).
SMB_FILES: Dict[str, bytes] = {
    "data.bin": bytes(random.Random(445).randrange(256) for _ in range(150000)),
    "what?<x>.bin": b"\x00\x01odd name\xff\xfe" * 8,
    "sub/inner.txt": b"inner\r\n!",
    "r\u00e9sum\u00e9.txt": b"12345678" * 3,
}
#: The names tshark saves them under: the SMB path, "\\" and the characters
#: Windows refuses written %xx (eo_massage_str).
SMB_SAVED = {"%5cdata.bin": "data.bin", "%5cwhat%3f%3cx%3e.bin": "what?<x>.bin",
             "%5csub%5cinner.txt": "sub/inner.txt", "%5cr\u00e9sum\u00e9.txt": "r\u00e9sum\u00e9.txt"}

_SMB_SERVER = textwrap.dedent("""
    import sys
    from impacket import smbserver
    host, folder = sys.argv[1], sys.argv[2]
    server = smbserver.SimpleSMBServer(listenAddress=host, listenPort=445)
    server.addShare("WIREPY", folder, "wirepy test share")
    server.setSMB2Support(True)
    server.setSMBChallenge("")
    server.setLogFile("")
    server.start()
""")


def files(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def ours_cli(path, proto, folder, *extra):
    return subprocess.run([*WIREPY, "export-objects", "-n", str(path), proto, str(folder),
                           *extra], capture_output=True, text=True, timeout=600)


def wait_listening(host: str, port: int, child: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if child.poll() is not None:
            pytest.fail(f"{what} exited ({child.returncode}): {child.stderr.read()[-2000:]}")
        with socket.socket() as s:
            s.settimeout(1)
            if s.connect_ex((host, port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"{what} does not listen on {host}:{port}")


@contextlib.contextmanager
def child(args, host: str, port: int, what: str) -> Iterator[subprocess.Popen]:
    """A server in a child process, stopped (killed if need be) on leaving."""
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_listening(host, port, proc, what)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        proc.stderr.close()


def make_smb_capture(directory: Path) -> Path:
    """The files of :data:`SMB_FILES`, all opened at once (each its own
    file id) then read in 64 KiB reads over one SMB2 connection."""
    pytest.importorskip("impacket", reason="impacket is not installed (make test-deps)")
    from impacket.smbconnection import SMBConnection

    share = directory / "share"
    for name, data in SMB_FILES.items():
        (share / name).parent.mkdir(parents=True, exist_ok=True)
        (share / name).write_bytes(data)
    host = _address()
    pcap = directory / "smb.pcapng"
    with child([sys.executable, "-c", _SMB_SERVER, host, str(share)], host, 445, "SMB server"):
        with captured(pcap, f"host {host} and tcp port 445"):
            conn = SMBConnection(host, host, sess_port=445, timeout=10)
            conn.login("", "")
            tree = conn.connectTree("WIREPY")
            names = [n.replace("/", "\\") for n in SMB_FILES]
            fids = [conn.openFile(tree, n) for n in names]
            for name, fid in zip(SMB_FILES, fids):
                data = b""
                while True:
                    chunk = conn.readFile(tree, fid, len(data), 65536)
                    data += chunk
                    if len(chunk) < 65536:
                        break
                assert data == SMB_FILES[name]
            for fid in fids:
                conn.closeFile(tree, fid)
            conn.disconnectTree(tree)
            conn.close()
    return pcap


@pytest.fixture(scope="module")
def smb_capture(tmp_path_factory) -> Path:
    return make_smb_capture(tmp_path_factory.mktemp("eo_smb"))


def test_smb_as_tshark(smb_capture, tmp_path):
    mine, theirs = tmp_path / "wirepy", tmp_path / "tshark"
    out = ours_cli(smb_capture, "smb", mine)
    assert out.returncode == 0, out.stderr
    tshark_export(smb_capture, "smb", theirs)
    got = files(theirs)
    assert set(got) == set(SMB_SAVED)
    assert all(got[saved] == SMB_FILES[served] for saved, served in SMB_SAVED.items())
    assert files(mine) == got


def test_smb_objects(smb_capture, tmp_path):
    objects = export_objects.export_objects(smb_capture, "smb").objects
    assert [o.filename for o in objects] == ["\\" + n.replace("/", "\\") for n in SMB_FILES]
    assert [o.data for o in objects] == list(SMB_FILES.values())
    assert all(o.hostname.endswith("\\WIREPY") for o in objects)
    assert objects[0].content_type == "FILE (150000/150000) R [100.00%]"
    written = export_objects.export_objects(smb_capture, "smb", two_pass=True).write(tmp_path)
    assert sorted(Path(p).name for p in written) == sorted(SMB_SAVED)


def test_smb_read_again(smb_capture):
    # SMB keeps the files it is filling in a list of its own (packet-smb.c);
    # a read after the first must start from an empty one
    first = export_objects.export_objects(smb_capture, "smb").objects
    # the same list twice, then a new one
    again = export_objects.ObjectList("smb")
    for _ in range(2):
        for _pkt in wirepy.FileCapture(smb_capture, taps=[again]):
            pass
        assert again.objects == first
    assert export_objects.export_objects(smb_capture, "smb").objects == first


def test_two_smb_lists_in_one_read(smb_capture):
    one, two = export_objects.ObjectList("smb"), export_objects.ObjectList("smb")
    with pytest.raises(export_objects.ExportObjectsError, match="one smb list"):
        for _ in wirepy.FileCapture(smb_capture, taps=[one, two]):
            pass
    # the lists can still read, one at a time
    assert len(export_objects.export_objects(smb_capture, "smb").objects) == len(SMB_FILES)
