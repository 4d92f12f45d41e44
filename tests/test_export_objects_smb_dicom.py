"""wirepy.export_objects and ``wirepy export-objects`` against ``tshark
--export-objects`` on SMB and DICOM objects captured here: files read
from impacket's SMB server (SMB2) and datasets sent with a C-STORE to
pynetdicom's Storage SCP, each server in a child process on its own random
127.x.y.z address, captured with dumpcap on lo (as root)."""

from __future__ import annotations

import contextlib
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
             "%5csub%5cinner.txt": "sub/inner.txt",
             "%5cr\u00e9sum\u00e9.txt": "r\u00e9sum\u00e9.txt"}

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
    with socket.socket() as s:
        s.settimeout(1)
        if s.connect_ex((host, port)) == 0:     # another server on every address
            pytest.skip(f"something else listens on {host}:{port}")
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


#: The DICOM datasets sent: (SOP instance UID, patient name, rows = columns).
#: Wireshark exports objects of dicom.export_minsize bytes (4096) or more:
#: the big one (its data over several PDVs, the SCP's PDUs are 16 KiB); with
#: -o dicom.export_minsize:0 the small one too, and the C-STORE commands
#: (the requests and responses, named after the command).
DICOM_SENT = [("1.2.826.0.1.3680043.8.498.1001", "Wirepy^Big", 128),
              ("1.2.826.0.1.3680043.8.498.1002", "Wirepy^Small", 4)]

_DICOM_SCP = textwrap.dedent("""
    import sys
    from pynetdicom import AE, evt, AllStoragePresentationContexts
    ae = AE(ae_title="WIREPYSCP")
    ae.supported_contexts = AllStoragePresentationContexts
    ae.start_server((sys.argv[1], int(sys.argv[2])), block=True,
                    evt_handlers=[(evt.EVT_C_STORE, lambda event: 0x0000)])
""")


def dicom_dataset(uid: str, name: str, side: int):
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage

    ds = Dataset()
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = uid
    ds.PatientName = name
    ds.PatientID = "WIREPY"
    ds.Modality = "OT"
    ds.Rows = ds.Columns = side
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.PixelRepresentation = 0
    ds.PixelData = bytes(random.Random(side).randrange(256) for _ in range(side * side))
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = uid
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    return ds


def make_dicom_capture(directory: Path):
    """:data:`DICOM_SENT` in C-STOREs of one association to a Storage SCP
    on a random port (not DICOM's 104: Wireshark finds it by its heuristic
    dicom_tcp, on by default, which knows the A-ASSOCIATE request, or by
    -d tcp.port==PORT,dicom)."""
    pytest.importorskip("pynetdicom", reason="pynetdicom is not installed (make test-deps)")
    from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage
    from pynetdicom import AE

    host, port = _address(), random.SystemRandom().randrange(20000, 60000)
    pcap = directory / "dicom.pcapng"
    with child([sys.executable, "-c", _DICOM_SCP, host, str(port)], host, port, "DICOM SCP"):
        with captured(pcap, f"host {host} and tcp port {port}"):
            ae = AE(ae_title="WIREPYSCU")
            ae.add_requested_context(SecondaryCaptureImageStorage, ExplicitVRLittleEndian)
            assoc = ae.associate(host, port, ae_title="WIREPYSCP")
            assert assoc.is_established
            try:
                for sent in DICOM_SENT:
                    assert assoc.send_c_store(dicom_dataset(*sent)).Status == 0
            finally:
                assoc.release()
    return pcap, port


@pytest.fixture(scope="module")
def dicom_capture(tmp_path_factory):
    return make_dicom_capture(tmp_path_factory.mktemp("eo_dicom"))


@pytest.mark.parametrize("decode_as, minsize, expect", [(False, None, 1), (True, None, 1),
                                                       (True, "0", 2)])
def test_dicom_as_tshark(dicom_capture, tmp_path, decode_as, minsize, expect):
    """*expect*: how many of the datasets are exported."""
    import pydicom

    pcap, port = dicom_capture
    extra = ["-d", f"tcp.port=={port},dicom"] if decode_as else []
    if minsize is not None:
        extra += ["-o", f"dicom.export_minsize:{minsize}"]
    mine, theirs = tmp_path / "wirepy", tmp_path / "tshark"
    out = ours_cli(pcap, "dicom", mine, *extra)
    assert out.returncode == 0, out.stderr
    tshark_export(pcap, "dicom", theirs, *extra)
    got = files(theirs)
    assert files(mine) == got
    datasets = sorted((k, v) for k, v in got.items() if "-STORE-" not in k)
    commands = sorted(k for k in got if "-STORE-" in k)
    assert len(datasets) == expect
    assert len(commands) == (0 if minsize is None else 2 * len(DICOM_SENT))
    # <packet>-<n>-<SOP instance UID>.dcm, a DICOM file (preamble, DICM, meta)
    for (uid, name, side), (saved, data) in zip(DICOM_SENT, datasets):
        assert saved.endswith(f"-{uid}.dcm") and saved[:6].isdigit()
        ds = pydicom.dcmread(pydicom.filebase.DicomBytesIO(data))
        assert ds.SOPInstanceUID == uid and str(ds.PatientName) == name
        assert ds.PixelData == dicom_dataset(uid, name, side).PixelData


def test_dicom_objects(dicom_capture):
    pcap, port = dicom_capture
    # by the heuristic (the big dataset only) as with the port as DICOM
    found = export_objects.export_objects(pcap, "dicom").objects
    assert len(found) == 1 and found[0].filename.endswith(f"-{DICOM_SENT[0][0]}.dcm")
    assert export_objects.export_objects(pcap, "dicom",
                                         decode_as={f"tcp.port=={port}": "dicom"}).objects == found
    objects = export_objects.export_objects(pcap, "dicom",
                                            decode_as={f"tcp.port=={port}": "dicom"},
                                            prefs={"dicom.export_minsize": "0"}).objects
    assert len(objects) == 3 * len(DICOM_SENT)
    assert [o.filename.split("-", 2)[2] for o in objects[:3]] == [
        "C-STORE-RQ.dcm", f"{DICOM_SENT[0][0]}.dcm", "C-STORE-RSP.dcm"]
    objects = [o for o in objects if "-STORE-" not in o.filename]
    assert [o.filename.split("-", 2)[2] for o in objects] == [f"{uid}.dcm"
                                                               for uid, _, _ in DICOM_SENT]
    assert [o.filename[:6] for o in objects] == [f"{o.packet:06d}" for o in objects]
    assert all(o.content_type == "Secondary Capture Image Storage" for o in objects)
    assert objects[0].size > 128 * 128 > objects[1].size
