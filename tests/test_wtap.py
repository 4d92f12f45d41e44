"""wtap reading: files, properties, iteration, random access, compression."""

from __future__ import annotations

import datetime
import gzip
import shutil
import subprocess
from pathlib import Path

import pytest
from wtap_fixtures import needs_tshark, tshark_fields, write_pcap

from wirepy.lib import wtap


def test_open_pcap_properties(pcap_file, packets):
    with wtap.WTAP.open_offline(pcap_file) as w:
        assert w.file_type == wtap.FileType("pcap")
        assert w.file_type.name == "pcap"
        assert w.file_encap.name == "ether"
        assert w.file_size == pcap_file.stat().st_size
        assert not w.is_compressed
        assert w.compression is None
        assert w.tsprecision == wtap.lib.WTAP_TSPREC_USEC
        assert w.packetheader is None
        assert w.cdata != wtap.ffi.NULL
        recs = list(w)
        assert w.read_so_far == pcap_file.stat().st_size
        assert w.packetheader.caplen == len(packets[-1].data)
    assert len(recs) == len(packets)
    for (h, data), p in zip(recs, packets):
        assert data == p.data
        assert h.caplen == len(p.data) == h.len
        assert h.ts_ns == p.ts_ns
        assert h.ts == pytest.approx(p.ts_ns / 1e9)
        assert h.datetime == datetime.datetime.fromtimestamp(
            p.ts_ns // 1000 / 1e6, datetime.timezone.utc)
        assert h.pkt_encap == wtap.EncapsulationType("ether")
        assert h.interface_id == 0
        assert h.rec_type == wtap.lib.REC_TYPE_PACKET
        assert h.comment is None and h.comments == ()
        assert h.drop_count is None
    with pytest.raises(ValueError):
        _ = w.cdata


def test_pcapng_comments_and_random(pcapng_file, packets):
    with wtap.WTAP.open_offline(pcapng_file, random=True) as w:
        assert w.file_type.name == "pcapng"
        recs = list(w)
        assert [d for _, d in recs] == [p.data for p in packets]
        assert recs[3][0].comment == "third packet"
        assert recs[7][0].comments == ("hello ünïcode",)
        for i in (7, 0, 39, 3):
            h, d = w.seek_read(recs[i][0].offset)
            assert d == packets[i].data
            assert h.ts_ns == packets[i].ts_ns
            assert h.comments == recs[i][0].comments


def test_seek_read_needs_random(pcap_file):
    with wtap.WTAP.open_offline(pcap_file) as w:
        h, _ = next(iter(w))
        with pytest.raises(wtap.WTAPError):
            w.seek_read(h.offset)


def test_small_batches_and_big_packets(tmp_path):
    pkts = [wtap_fixture_pkt(i, 60000 + i) for i in range(40)]
    path = tmp_path / "big.pcap"
    write_pcap(path, pkts, snaplen=262144)
    with wtap.WTAP.open_offline(path) as w:
        w._data_cap = 1000            # forces the grow-the-buffer path
        got = list(w)
    assert [d for _, d in got] == [p.data for p in pkts]


def wtap_fixture_pkt(i, size):
    from wtap_fixtures import Pkt
    return Pkt(10**18 + i * 1000, bytes([i % 256]) * size, size)


def test_read_next_skip_count(pcap_file, packets):
    with wtap.WTAP.open_offline(pcap_file) as w:
        h, d = w.read()
        assert d == packets[0].data
        assert w.packetheader.offset == h.offset
        assert w.skip(5) == 5
        h, d = next(w)
        assert d == packets[6].data
        assert w.count() == len(packets) - 7
        assert w.read() is None
        assert w.records_read == len(packets)


@pytest.mark.parametrize("tool,ext,name", [("gzip", "gz", "gzip"), ("zstd", "zst", "zstd"),
                                           ("lz4", "lz4", "lz4")])
def test_compressed_input(pcap_file, packets, tmp_path, tool, ext, name):
    dst = tmp_path / f"c.pcap.{ext}"
    if tool == "gzip":
        dst.write_bytes(gzip.compress(pcap_file.read_bytes()))
    else:
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} command not installed (Debian package {tool})")
        args = ([tool, "-q", "-f", str(pcap_file), str(dst)] if tool == "lz4"
                else [tool, "-q", "-f", str(pcap_file), "-o", str(dst)])
        subprocess.run(args, check=True)
    with wtap.WTAP.open_offline(dst, random=True) as w:
        assert w.is_compressed
        assert w.compression == name
        recs = list(w)
        assert [d for _, d in recs] == [p.data for p in packets]
        assert w.seek_read(recs[20][0].offset)[1] == packets[20].data


def test_encapsulation_and_file_types():
    encaps = list(wtap.iter_encapsulation_types())
    assert len(encaps) > 200
    eth = wtap.EncapsulationType("ether")
    assert eth.description == "Ethernet" and int(eth) == wtap.lib.WTAP_ENCAP_ETHERNET
    assert eth in encaps
    with pytest.raises(ValueError):
        wtap.EncapsulationType("no-such-encap")
    types = list(wtap.iter_file_types())
    names = {t.name for t in types}
    assert {"pcap", "pcapng", "snoop", "erf", "k12text"} <= names
    assert len(types) >= 90
    pcapng = wtap.FileType("pcapng")
    assert pcapng == wtap.FileType.pcapng() and pcapng.can_write and pcapng.can_compress
    assert "pcapng" in pcapng.extensions and pcapng.default_extension == "pcapng"
    assert eth in pcapng.writable_encapsulations
    assert pcapng.can_write_encap("ether")
    writable = list(wtap.iter_writable_file_types())
    assert writable and all(t.can_write for t in writable)
    assert all(t.writable_encapsulations for t in writable)
    unwritable = [t for t in types if not t.can_write]
    assert unwritable and unwritable[0].writable_encapsulations == []
    with pytest.raises(ValueError):
        wtap.FileType("not-a-format")
    assert "Wireshark/tcpdump/... - pcap" in list(wtap.iter_open_formats())


@needs_tshark
def test_matches_tshark(pcapng_file):
    rows = tshark_fields(pcapng_file)
    with wtap.WTAP.open_offline(pcapng_file) as w:
        mine = [(h.len, h.caplen, h.ts_ns) for h, _ in w]
    assert len(rows) == len(mine)
    for (ln, cl, t), (l2, c2, t2) in zip(rows, mine):
        assert (int(ln), int(cl)) == (l2, c2)
        sec, frac = t.split(".")
        assert int(sec) * 10**9 + int(frac.ljust(9, "0")) == t2


def test_compression_of_a_fifo_takes_no_bytes_from_it(tmp_path):
    """The compression is told by the file's magic number where the file can
    be read twice; a FIFO cannot (the bytes would be taken from wiretap)."""
    import os
    import threading

    sample = Path(__file__).resolve().parent.parent / "examples" / "sample.pcapng"
    fifo = tmp_path / "capture.pcapng"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(sample.read_bytes()))
    writer.start()
    with wtap.WTAP.open_offline(str(fifo)) as w:
        assert w.compression is None and not w.is_compressed
        assert sum(1 for _ in w) == 26
    writer.join(10)
