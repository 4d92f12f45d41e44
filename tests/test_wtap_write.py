"""wtap writing: Dumper, convert, and the matrix of every writable file type.

Every writable file type that can hold Ethernet gets the fixture packets
(and a gzip-compressed copy where the type allows it). Each result is read
back by wirepy and by tshark (``tshark -T json -x``), comparing packet
count, lengths, timestamps (to the precision the format keeps) and bytes;
wirepy and tshark must agree exactly.
"""

from __future__ import annotations

import datetime
import json
import subprocess

import pytest
import wireshark_series
from wtap_fixtures import TSHARK, needs_tshark, write_pcap

from wirepy.lib import wtap, wtap_errors

# Wireshark's own writers that produce files its readers reject (editcap -F
# gives byte-identical output): both wirepy and tshark must then report the
# damage. 4.4 reads back its Observer files.
BROKEN_WRITERS = wireshark_series.BROKEN_WRITERS
# Where the written file differs from the input by design or by a Wireshark
# 4.0 bug; wirepy and tshark must still agree exactly on what it holds.
DEVIATES = {
    ("erf", None): "the ERF writer adds provenance metadata records and re-encapsulates",
    ("visual", None): "Visual Networks stores the wire length minus a 4-byte FCS",
}
# Wireshark 4.0 bugs that make a compressed write fail: gzwfile_write()
# returns 0 for a zero-length write (snoop's padding), which
# wtap_dump_file_write() takes for an error; the ERF writer cannot finish a
# gzip stream.
WRITE_FAILS = {("snoop", "gzip"): wtap.CantWrite, ("erf", "gzip"): wtap.CantClose}
WRITE_FAILS.update({key: wtap_errors.InternalError
                    for key in wireshark_series.WRITE_FAILS_IN_SERIES})
# Formats whose clock ticks are not a power of ten.
TICK_NS = {"ngsniffer": 1001, "ngwsniffer_1_1": 1001, "ngwsniffer_2_0": 1001}


def _writable_ether_types():
    return [ft.name for ft in wtap.iter_writable_file_types() if ft.can_write_encap("ether")]


def _epoch_ns(text):
    """frame.time_epoch of tshark's JSON: seconds ("1600000001.5") up to
    4.4, ISO 8601 UTC ("2020-09-13T12:26:41.500000000Z") in 4.6."""
    if "T" not in text:
        sec, _, frac = text.partition(".")
        return int(sec) * 10**9 + int(frac.ljust(9, "0")[:9])
    clock, _, frac = text.rstrip("Z").partition(".")
    whole = datetime.datetime.strptime(clock, "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc)
    return int(whole.timestamp()) * 10**9 + int(frac.ljust(9, "0")[:9])


def tshark_read(path, tmp_path):
    """What tshark reads from *path*: [(ts_ns, caplen, len, bytes)]."""
    proc = subprocess.run([TSHARK, "-n", "-r", str(path), "-T", "json", "-x", "-j", "frame"],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        return proc, None
    out = []
    for pkt in json.loads(proc.stdout or "[]"):
        layers = pkt["_source"]["layers"]
        frame = layers["frame"]
        ts = _epoch_ns(frame["frame.time_epoch"])
        raw = bytes.fromhex(layers["frame_raw"][0])
        out.append((ts, int(frame["frame.cap_len"]), int(frame["frame.len"]), raw))
    return proc, out


def check_records(records, packets, prec_ns, what):
    assert len(records) == len(packets), what
    t0_got, t0_exp = records[0][0], packets[0].ts_ns
    for (ts, caplen, length, data), p in zip(records, packets):
        assert data == p.data, what
        assert caplen == len(p.data) and length == p.orig_len, what
        # absolute time to the format's precision; formats that store
        # times relative to the first packet keep the deltas exactly
        assert abs(ts - p.ts_ns) < prec_ns or \
            abs((ts - t0_got) - (p.ts_ns - t0_exp)) < prec_ns, (what, ts, p.ts_ns)


def test_matrix_covers_many_types():
    names = _writable_ether_types()
    assert {"pcap", "pcapng", "snoop", "k12text", "nsecpcap"} <= set(names)
    assert len(names) >= 20


@needs_tshark
@pytest.mark.parametrize("name", _writable_ether_types() if wtap.lib else [])
def test_matrix(name, pcap_file, packets, tmp_path):
    ft = wtap.FileType(name)
    variants = [None] + (["gzip"] if ft.can_compress else [])
    for compression in variants:
        out = tmp_path / f"out.{name}{'.gz' if compression else ''}"
        what = f"{name}/{compression}"
        if (name, compression) in WRITE_FAILS:
            with pytest.raises(WRITE_FAILS[name, compression]):
                wtap.convert(pcap_file, out, file_type=ft, compression=compression)
            continue
        n = wtap.convert(pcap_file, out, file_type=ft, compression=compression)
        assert n == len(packets)
        proc, theirs = tshark_read(out, tmp_path)
        if name in BROKEN_WRITERS:
            assert proc.returncode != 0 and theirs is None
            with pytest.raises(wtap.BadFile):
                with wtap.WTAP.open_offline(out) as w:
                    list(w)
            continue
        with wtap.WTAP.open_offline(out) as w:
            assert w.file_type == ft, what
            assert w.is_compressed == bool(compression)
            recs = list(w)
            precs = {h.tsprec for h, _ in recs} | {w.tsprecision}
        mine = [(h.ts_ns, h.caplen, h.len, d) for h, d in recs]
        prec = min([p for p in precs if 0 <= p <= 9] or [9])
        prec_ns = 10 ** (9 - prec)
        prec_ns = max(prec_ns, TICK_NS.get(name, 1))
        assert proc.returncode == 0, proc.stderr
        # wirepy and tshark agree on everything
        assert mine == theirs, what
        if (name, compression) in DEVIATES:
            assert mine != [(p.ts_ns, len(p.data), p.orig_len, p.data) for p in packets]
            continue
        check_records(mine, packets, prec_ns, what + " (wirepy)")
        check_records(theirs, packets, prec_ns, what + " (tshark)")


def test_dumper_keywords_and_headers(tmp_path, packets):
    out = tmp_path / "kw.pcapng"
    with wtap.Dumper(out, "pcapng", encap="ether") as d:
        for i, p in enumerate(packets[:5]):
            d.write(p.data, ts_ns=p.ts_ns + 123, length=p.orig_len + 4,
                    comments=[f"c{i}"] if i == 2 else ())
        assert d.records_written == 5
        assert d.bytes_dumped > 0
    with wtap.WTAP.open_offline(out) as w:
        got = list(w)
    assert [d for _, d in got] == [p.data for p in packets[:5]]
    assert [h.ts_ns for h, _ in got] == [p.ts_ns + 123 for p in packets[:5]]
    assert [h.len for h, _ in got] == [p.orig_len + 4 for p in packets[:5]]
    assert got[2][0].comments == ("c2",) and got[1][0].comments == ()
    # headers from one file into another, in batches
    out2 = tmp_path / "copy.pcap"
    with wtap.WTAP.open_offline(out) as w, wtap.Dumper(out2, "pcap") as d:
        assert d.write_records(w, batch=2) == 5
    with wtap.WTAP.open_offline(out2) as w:
        assert [(h.ts_ns // 1000, d) for h, d in w] == [
            ((p.ts_ns + 123) // 1000, p.data) for p in packets[:5]]


def test_unwritable_encap(tmp_path):
    # snoop cannot hold 802.11 radiotap
    with pytest.raises(wtap.UnsupportedEncap) as info:
        wtap.Dumper(tmp_path / "x.snoop", "snoop", encap="ieee-802-11-radiotap")
    assert info.value.for_writing
    assert not (tmp_path / "x.snoop").exists()


def test_uncompressible_type(tmp_path):
    no_gzip = [ft for ft in wtap.iter_writable_file_types()
               if not ft.can_compress and ft.can_write_encap("ether")]
    assert no_gzip
    with pytest.raises(wtap.CompressionUnsupported):
        wtap.Dumper(tmp_path / "x", no_gzip[0], encap="ether", compression="gzip")


def test_unwritable_type(tmp_path):
    ro = next(ft for ft in wtap.iter_file_types() if not ft.can_write)
    with pytest.raises(wtap.UnsupportedFileType):
        wtap.Dumper(tmp_path / "x", ro, encap="ether")
    with pytest.raises(ValueError):
        wtap.Dumper(tmp_path / "x", "pcap", compression="xz")


def test_write_to_missing_dir(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        wtap.Dumper(tmp_path / "no" / "x.pcap", "pcap", encap="ether")
    assert isinstance(info.value, wtap.FileError) and info.value.for_writing


def test_per_packet_encap_needs_encap(tmp_path, packets):
    with wtap.Dumper(tmp_path / "pp.pcapng", "pcapng", encap=wtap.lib.WTAP_ENCAP_PER_PACKET,
                     interfaces=[{"link_type": "ether"}, {"link_type": "rawip"}]) as d:
        with pytest.raises(wtap.WTAPError):
            d.write(packets[0].data)
        d.write(packets[0].data, encap="ether", interface_id=0, ts=1.5)
        d.write(packets[0].data[14:], encap="rawip", interface_id=1, ts=2.5)
    with wtap.WTAP.open_offline(tmp_path / "pp.pcapng") as w:
        got = list(w)
        assert [h.pkt_encap.name for h, _ in got] == ["ether", "rawip"]
        assert [h.interface_id for h, _ in got] == [0, 1]
        assert [h.ts for h, _ in got] == [1.5, 2.5]


def test_write_pcap_helper_matches(tmp_path, packets):
    # our fixture writer and wtap's pcap writer produce identical files
    mine = tmp_path / "mine.pcap"
    write_pcap(mine, packets)
    theirs = tmp_path / "theirs.pcap"
    with wtap.Dumper(theirs, "pcap", encap="ether", snaplen=65535) as d:
        for p in packets:
            d.write(p.data, ts_ns=p.ts_ns)
    assert mine.read_bytes() == theirs.read_bytes()
