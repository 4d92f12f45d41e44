"""wirepy.compat.pcapy: pcapy's API on wirepy.lib.pcap."""

from __future__ import annotations

import os
import select
import socket
import time

import pytest
from pcap_fixtures import sample_records, tcp_frame, udp_frame, write_pcap

import wirepy.compat.pcapy as pcapy

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
