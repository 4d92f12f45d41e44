"""pcapng metadata round trip: section header, interface descriptions,
packet comments and flags, name resolution and decryption secrets, checked
with wirepy and with tshark/capinfos."""

from __future__ import annotations

import shutil
import struct
import subprocess

import pytest
import wireshark_series
from wtap_fixtures import TSHARK, _block, _opt, needs_tshark

from wirepy.lib import wtap

KEYLOG = ("CLIENT_RANDOM 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff "
          + "ab" * 48 + "\n")


def run(*args):
    proc = subprocess.run(list(args), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def meta_file(tmp_path_factory, packets):
    tmp = tmp_path_factory.mktemp("meta")
    path = tmp / "meta.pcapng"
    ifaces = [dict(link_type="ether", name="lo0", description="loopback one", snaplen=9000,
                   tsresol=6, os="Linux 6", hardware="virtio"),
              dict(link_type="rawip", name="tun0", description="a tunnel", snaplen=1500,
                   tsresol=9)]
    with wtap.Dumper(path, "pcapng", encap=wtap.lib.WTAP_ENCAP_PER_PACKET,
                     section_comment="section comment ü", hardware="test hw", os="test os",
                     application="wirepy tests", interfaces=ifaces) as d:
        for i, p in enumerate(packets[:10]):
            if i % 2:
                d.write(p.data[14:], ts_ns=p.ts_ns + 7, encap="rawip", interface_id=1,
                        comments=[f"pkt {i}", "second"] if i == 3 else ())
            else:
                d.write(p.data, ts_ns=p.ts_ns, encap="ether", interface_id=0,
                        comments=[f"pkt {i}"] if i == 4 else (), pack_flags=1,
                        drop_count=i)
    if TSHARK is None:
        return path, None
    keylog = tmp / "keys.txt"
    keylog.write_text(KEYLOG)
    with_secrets = tmp / "secrets.pcapng"
    run("editcap", "--inject-secrets", f"tls,{keylog}", str(path), str(with_secrets))
    return path, with_secrets


def check_meta(path, packets, secrets=False):
    with wtap.WTAP.open_offline(path) as w:
        recs = list(w)
        shb = w.section_header
        assert shb.comment == "section comment ü"
        assert (shb.hardware, shb.os, shb.application) == ("test hw", "test os",
                                                            "wirepy tests")
        i0, i1 = w.interfaces
        assert (i0.name, i0.description, i0.link_type.name, i0.snaplen) == (
            "lo0", "loopback one", "ether", 9000)
        assert i0.tsresol in (None, 6) and i0.time_units_per_second == 10**6
        assert (i0.os, i0.hardware) == ("Linux 6", "virtio")
        assert (i1.name, i1.description, i1.link_type.name, i1.snaplen, i1.tsresol) == (
            "tun0", "a tunnel", "rawip", 1500, 9)
        assert i1.time_units_per_second == 10**9
        dsbs = w.decryption_secrets
    assert len(recs) == 10
    for i, ((h, d), p) in enumerate(zip(recs, packets)):
        if i % 2:
            assert (h.interface_id, h.pkt_encap.name, d, h.ts_ns) == (1, "rawip", p.data[14:],
                                                                      p.ts_ns + 7)
        else:
            assert (h.interface_id, h.pkt_encap.name, d, h.ts_ns) == (0, "ether", p.data,
                                                                      p.ts_ns)
            assert h.pack_flags == 1 and h.drop_count == i
    assert recs[3][0].comments == ("pkt 3", "second")
    assert recs[4][0].comment == "pkt 4"
    assert recs[0][0].comments == ()
    if secrets:
        assert len(dsbs) == 1
        assert dsbs[0].secrets_type == 0x544C534B
        assert dsbs[0].data.decode() == KEYLOG
    else:
        assert dsbs == []


def test_metadata_written(meta_file, packets):
    check_meta(meta_file[0], packets)


@needs_tshark
def test_metadata_tshark(meta_file, packets, tmp_path):
    src = meta_file[1]
    check_meta(src, packets, secrets=True)
    out = tmp_path / "copy.pcapng"
    assert wtap.convert(src, out) == 10
    check_meta(out, packets, secrets=True)
    info = run("capinfos", "-k", "-I", "-D", str(out))
    assert "section comment ü" in info
    assert "Number of decryption secrets = 1" in info.replace(":", " =") or \
        "1" in [ln.split(":")[-1].strip() for ln in info.splitlines() if "secrets" in ln]
    for needle in ["lo0", "loopback one", "tun0", "a tunnel", "9000", "1500"]:
        assert needle in info, needle
    rows = run(TSHARK, "-n", "-r", str(out), "-T", "fields", "-E", "separator=|",
               "-e", "frame.interface_name", "-e", "frame.comment", "-e", "frame.len")
    rows = [r.split("|") for r in rows.splitlines()]
    assert [r[0] for r in rows] == ["lo0", "tun0"] * 5
    assert rows[3][1] == "pkt 3,second" and rows[4][1] == "pkt 4" and rows[0][1] == ""
    # dropping secrets on request
    out2 = tmp_path / "nosecrets.pcapng"
    wtap.convert(src, out2, copy_secrets=False)
    check_meta(out2, packets, secrets=False)


def _nrb_pcapng(path, packets):
    shb = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
    idb = struct.pack("<HHI", 1, 0, 65535)
    name4 = b"\x7f\x00\x00\x02" + b"dns.local\0"
    name6 = b"\0" * 15 + b"\x01" + b"six.local\0"
    recs = b""
    for rtype, value in [(1, name4), (2, name6)]:
        recs += struct.pack("<HH", rtype, len(value)) + value + b"\0" * (-len(value) % 4)
    recs += struct.pack("<HH", 0, 0) + _opt(1, b"nrb comment") + _opt(0, b"")
    with open(path, "wb") as f:
        f.write(_block(0x0A0D0D0A, shb))
        f.write(_block(1, idb))
        f.write(_block(4, recs))
        for p in packets[:3]:
            ts = p.ts_ns // 1000
            body = struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(p.data), p.orig_len)
            f.write(_block(6, body + p.data))


def test_name_resolution(tmp_path, packets):
    path = tmp_path / "nrb.pcapng"
    _nrb_pcapng(path, packets)
    with wtap.WTAP.open_offline(path) as w:
        recs = list(w)
        assert len(recs) == 3
        assert ("127.0.0.2", "dns.local") in w.name_resolution
        assert ("::1", "six.local") in w.name_resolution
        assert w.name_resolution_comments == ["nrb comment"]
    if TSHARK and shutil.which("tshark"):
        hosts = run(TSHARK, "-r", str(path), "-q", "-z", "hosts")
        assert "dns.local" in hosts
        # a copy has the NRBs tshark's copy has: Wireshark 4.0 writes only
        # the NRBs known when the output is opened (this one follows the
        # IDB, so both drop it), 4.6 writes them as they come
        out, theirs = tmp_path / "nrb-copy.pcapng", tmp_path / "nrb-tshark.pcapng"
        wtap.convert(path, out)
        run(TSHARK, "-r", str(path), "-w", str(theirs))
        copies = []
        for copy in (out, theirs):
            with wtap.WTAP.open_offline(copy) as w:
                assert len(list(w)) == 3
                copies.append((w.name_resolution_comments, sorted(w.name_resolution)))
        assert copies[0] == copies[1]
        if wireshark_series.SERIES == (4, 0):
            assert copies[0] == ([], [])
