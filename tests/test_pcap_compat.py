"""wirepy.compat.pcapy: pcapy's API on wirepy.lib.pcap."""

from __future__ import annotations

import gc
import os
import pickle
import select
import shutil
import socket
import subprocess
import time
import warnings

import pytest
from pcap_fixtures import sample_records, tcp_frame, udp_frame, write_pcap

import wirepy.compat.pcapy as pcapy
from wirepy.lib import pcap
from wirepy.lib.pcap import BpfProgram

ROOT = os.geteuid() == 0


@pytest.fixture(scope="module")
def capfile(tmp_path_factory):
    path = tmp_path_factory.mktemp("pcapy") / "s.pcap"
    recs = sample_records(30, nano=False)
    write_pcap(path, recs)
    return path, recs


def test_offline_reader(capfile, tmp_path):
    path, recs = capfile
    r = pcapy.open_offline(str(path))
    assert r.datalink() == pcapy.DLT_EN10MB == 1
    seen = []
    assert r.dispatch(5, lambda h, d: seen.append((h.getts(), h.getcaplen(), h.getlen(), d))) == 5
    h, d = r.next()
    assert d == recs[5].data
    assert h.getts() == divmod(recs[5].ts_ns // 1000, 10**6)
    assert r.loop(-1, lambda h, d: seen.append((h.getts(), h.getcaplen(), h.getlen(), d))) == 24
    assert [s[3] for s in seen] == [x.data for i, x in enumerate(recs) if i != 5]
    assert all(s[1] == len(s[3]) for s in seen)
    assert r.next() == (None, b"")
    assert r.getnonblock() == 0
    r.close()


def test_filter_dumper(capfile, tmp_path):
    path, recs = capfile
    r = pcapy.open_offline(str(path))
    r.setfilter("tcp")
    out = tmp_path / "tcp.pcap"
    d = r.dump_open(str(out))
    n = r.loop(0, d.dump)
    d.close()
    r.close()
    back = pcapy.open_offline(str(out))
    got = []
    back.loop(-1, lambda h, data: got.append(data))
    assert got == [x.data for x in recs if x.data[23] == 6] and len(got) == n > 0
    with pytest.raises(pcapy.BPFError):
        back.setfilter("bogus (")
    back.close()


def test_compile_bpf():
    bpf = pcapy.compile(pcapy.DLT_EN10MB, 65535, "udp", 1, 0)
    assert bpf.filter(udp_frame(b"hi")) > 0
    assert bpf.filter(tcp_frame()) == 0
    assert len(bpf.get_bpf()) > 2
    with pytest.raises(pcapy.PcapError):
        pcapy.compile(pcapy.DLT_EN10MB, 65535, "udp and (", 1, 0)


def test_errors(tmp_path):
    with pytest.raises(pcapy.PcapError) as ei:
        pcapy.open_offline(str(tmp_path / "missing.pcap"))
    assert "No such file" in str(ei.value)


def test_constants():
    assert pcapy.DLT_NULL == 0 and pcapy.DLT_RAW == 12 and pcapy.DLT_LINUX_SLL == 113
    assert pcapy.DLT_IEEE802_11 == 105 and pcapy.PCAP_D_IN == 1


@pytest.mark.skipif(not ROOT, reason="live capture needs root (CAP_NET_RAW)")
def test_live_reader():
    assert "lo" in pcapy.findalldevs()
    assert isinstance(pcapy.lookupdev(), str)
    r = pcapy.create("lo")
    assert r.set_snaplen(2000) == 0 and r.set_promisc(0) == 0
    assert r.set_timeout(50) == 0 and r.set_buffer_size(1 << 20) == 0
    assert r.activate() == 0
    assert r.getnet() == "127.0.0.0" and r.getmask() == "255.0.0.0"
    port = 43000 + os.getpid() % 1000
    r.setfilter(f"udp dst port {port}")
    fd = r.getfd()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"pcapy-compat", ("127.0.0.1", port))
    assert select.select([fd], [], [], 3.0)[0] == [fd]
    got = []
    end = time.monotonic() + 3
    while not got and time.monotonic() < end:
        r.dispatch(-1, lambda h, d: got.append(d))
    assert got and got[0].endswith(b"pcapy-compat")
    recv, drop, ifdrop = r.stats()
    assert recv >= 1
    r.setnonblock(1)
    assert r.getnonblock() == 1
    assert r.next() == (None, b"")
    r.close()
    with pytest.raises(pcapy.PcapError):
        pcapy.open_live("nosuchdev0", 100, 0, 10)


# -- pcapy's documented behaviour, and pcapy-ng's as its source has it ------------------


def test_bpfprogram_compiles_its_expression():
    # pcapy.BPFProgram("...") compiles for Ethernet (DLT_EN10MB); filter()
    # used to fail with "'str' object has no attribute 'filter'".
    bpf = pcapy.BPFProgram("ip dst host 10.99.0.2")
    assert bpf.filter(udp_frame(b"to")) == 65536          # ret #65536: snaplen 65536
    assert bpf.filter(udp_frame(b"to", dst="10.99.0.3")) == 0
    assert pcapy.Bpf is pcapy.BPFProgram
    raw = pcapy.BPFProgram("udp", pcapy.DLT_RAW)           # the link type, second
    assert raw.filter(udp_frame(b"ip")[14:]) > 0 and raw.filter(tcp_frame()[14:]) == 0
    with pytest.raises(pcapy.BPFError) as ei:
        pcapy.BPFProgram("ip dst host (")
    assert isinstance(ei.value, pcapy.PcapError) and "syntax error" in str(ei.value)
    assert isinstance(pcapy.compile(pcapy.DLT_EN10MB, 1500, "tcp", 1, 0), pcapy.BPFProgram)


def test_bpfprogram_is_unoptimised_as_pcapys():
    # pcapy compiles with pcap_compile_nopcap(65536, linktype, ..., optimize 0,
    # netmask 0): the program tcpdump -O (no optimiser) prints.
    tcpdump = shutil.which("tcpdump")
    if not tcpdump:
        pytest.skip("tcpdump not installed")
    expr = "icmp or udp port 53"
    want = subprocess.run([tcpdump, "-y", "EN10MB", "-s", "65536", "-O", "-ddd", expr],
                          capture_output=True, text=True, check=True).stdout.split("\n")
    got = pcapy.BPFProgram(expr).get_bpf()
    assert [str(len(got))] + [" ".join(map(str, i)) for i in got] == want[:-1]


def test_bpf_filter_result_is_a_c_int():
    # pcapy returns bpf_filter's unsigned result as a C int.
    accept = pcapy.BPFProgram(BpfProgram([(6, 0, 0, 0xFFFFFFFF)]))
    assert accept.filter(b"abc") == -1
    assert pcapy.BPFProgram(BpfProgram([(6, 0, 0, 96)])).filter(b"abc") == 96


def test_pcaperror_carries_the_message_alone(tmp_path):
    with pytest.raises(pcapy.PcapError) as ei:
        pcapy.open_offline(str(tmp_path / "missing.pcap"))
    err = ei.value
    # pcapy raises PcapError(message): code written for it reads args[0].
    assert err.args == (str(err),) and "No such file" in err.args[0]
    assert isinstance(err, pcap.Error) and err.code == pcap.ErrorCode.ERROR
    assert err.filename == str(tmp_path / "missing.pcap")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is pcapy.PcapError and back.args == err.args
    assert back.filename == err.filename
    assert pcapy.PcapError("made by hand").args == ("made by hand",)


def test_reader_closed_and_getnet_offline(capfile):
    path, _ = capfile
    r = pcapy.open_offline(str(path))
    assert (r.getnet(), r.getmask()) == ("0.0.0.0", "0.0.0.0")
    r.close()
    for call in (r.next, r.getnet, r.getmask, r.datalink, r.getfd):
        with pytest.raises(ValueError):
            call()


def test_setters_return_libpcap_status():
    # pcapy's set_* and activate return libpcap's status; they never raise.
    r = pcapy.create("lo")
    assert (r.set_snaplen(2000), r.set_promisc(0), r.set_timeout(50)) == (0, 0, 0)
    assert (r.set_buffer_size(1 << 20), r.set_rfmon(0)) == (0, 0)
    assert r.getnet() == "127.0.0.0" and r.getmask() == "255.0.0.0"
    rc = r.activate()
    if not ROOT:
        assert rc < 0          # PCAP_ERROR_PERM_DENIED, returned, not raised
        return
    assert rc == 0
    activated = int(pcap.ErrorCode.ACTIVATED)
    assert (r.set_snaplen(100), r.set_timeout(10), r.set_rfmon(1)) == (activated,) * 3
    assert r.activate() == activated
    r.close()
    assert pcapy.create("nonexistent0").activate() == pcap.ErrorCode.NO_SUCH_DEVICE


def test_gc_closes_quietly(capfile, tmp_path):
    # pcapy closes Readers and Dumpers at deallocation; `del dumper` is how
    # its users finish a file.
    path, recs = capfile
    out = tmp_path / "copy.pcap"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = pcapy.open_offline(str(path))
        dumper = r.dump_open(str(out))
        hdr, body = r.next()
        while hdr is not None:
            dumper.dump(hdr, body)
            hdr, body = r.next()
        del dumper, r
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    back = pcapy.open_offline(str(out))
    assert [back.next()[1] for _ in recs] == [x.data for x in recs]
    assert back.next() == (None, b"")


def test_dump_after_close_is_pcaperror(capfile, tmp_path):
    path, _ = capfile
    r = pcapy.open_offline(str(path))
    d = r.dump_open(str(tmp_path / "x.pcap"))
    hdr, body = r.next()
    d.close()
    with pytest.raises(pcapy.PcapError, match="already closed"):
        d.dump(hdr, body)
    r.close()
