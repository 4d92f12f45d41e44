"""wirepy.lib.pcap on capture files: reading, writing, BPF, errors."""

from __future__ import annotations

import datetime
import gc
import os
import pickle
import shutil
import subprocess
import warnings

import pytest
from pcap_fixtures import sample_records, tcp_frame, udp_frame, write_pcap, write_pcapng

from wirepy.lib import pcap
from wirepy.lib.pcap import (
    BpfDumpType,
    BpfProgram,
    DatalinkType,
    Error,
    ErrorCode,
    Pkthdr,
    TstampPrecision,
)

MICRO, NANO = TstampPrecision.MICRO, TstampPrecision.NANO


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("pcapfiles")
    recs_n = sample_records(50, nano=True)
    recs_u = sample_records(50, nano=False)
    paths = {
        "micro": d / "micro.pcap", "nano": d / "nano.pcap", "be": d / "be.pcap",
        "ng": d / "ng.pcapng", "ng6": d / "ng6.pcapng",
    }
    write_pcap(paths["micro"], recs_u)
    write_pcap(paths["nano"], recs_n, nano=True)
    write_pcap(paths["be"], recs_u, big_endian=True)
    write_pcapng(paths["ng"], recs_n, tsresol=9)
    write_pcapng(paths["ng6"], recs_u, tsresol=6)
    return paths, recs_n, recs_u, d


def read_all(path, precision=MICRO):
    with pcap.open_offline(path, precision) as p:
        return list(p)


@pytest.mark.parametrize("name,nano_file", [("micro", False), ("nano", True), ("be", False),
                                            ("ng", True), ("ng6", False)])
@pytest.mark.parametrize("precision", [MICRO, NANO])
def test_read_exact(files, name, nano_file, precision):
    paths, recs_n, recs_u, _ = files
    recs = recs_n if nano_file else recs_u
    got = read_all(paths[name], precision)
    assert len(got) == len(recs)
    for (h, data), r in zip(got, recs):
        assert data == r.data
        assert h.caplen == len(r.data) and h.len == r.wirelen
        assert h.precision == precision
        want_ns = r.ts_ns if precision == NANO else r.ts_ns - r.ts_ns % 1000
        assert h.ts_ns == want_ns
        assert h.ts_sec == r.ts_ns // 10**9
        assert abs(h.ts - r.ts_ns / 1e9) < 2e-6
        assert h.ts_utcdatetime.timestamp() == pytest.approx(r.ts_ns / 1e9, abs=1e-6)
        assert h.ts_usec == (r.ts_ns % 10**9) // 1000


def test_nano_not_divided_by_1e6(files):
    """cypcap's bug: a nanosecond fraction divided by 1e6 gives ts off by up to 1000 s."""
    paths, recs_n, _, _ = files
    h, _ = read_all(paths["nano"], NANO)[1]
    assert h.ts_frac >= 10**6 or h.ts_frac == recs_n[1].ts_ns % 10**9
    assert h.ts == pytest.approx(recs_n[1].ts_ns / 1e9, abs=1e-6)


def test_file_properties(files):
    paths = files[0]
    with pcap.open_offline(paths["be"]) as p:
        assert p.type == pcap.PcapType.OFFLINE
        assert p.source == str(paths["be"])
        assert p.datalink() == DatalinkType.EN10MB
        assert p.datalink().description == "Ethernet"
        assert p.snapshot() == 65535
        assert p.is_swapped() is (os.sys.byteorder == "little")
        assert (p.major_version(), p.minor_version()) == (2, 4)
        assert p.get_tstamp_precision() == MICRO
        assert p.getnonblock() is False
        with pytest.raises(Error):
            p.stats()


def test_file_object(files):
    paths, _, recs_u, _ = files
    with open(paths["micro"], "rb") as f, pcap.open_offline(f) as p:
        assert [d for _, d in p] == [r.data for r in recs_u]


def test_loop_dispatch_next_read_batch(files):
    paths, _, recs_u, _ = files
    datas = [r.data for r in recs_u]
    with pcap.open_offline(paths["micro"]) as p:
        seen = []
        assert p.dispatch(3, lambda h, d: seen.append(d)) == 3
        assert p.next()[1] == datas[3]
        assert [d for _, d in p.read_batch(2)] == datas[4:6]
        assert p.loop(10, lambda h, d: seen.append(d)) == 10
        assert p.loop(-1, lambda h, d: seen.append(d)) == 50 - 16
        assert seen == datas[:3] + datas[6:]
        assert p.next() is None
        assert p.read_batch(5) == []
        assert p.dispatch(-1, seen.append) == 0


def test_dispatch_all(files):
    paths = files[0]
    with pcap.open_offline(paths["micro"]) as p:
        assert p.dispatch(0, lambda h, d: None) == 50


def test_loop_large_file_batches(files, monkeypatch):
    paths, _, recs_u, _ = files
    monkeypatch.setattr(pcap, "BATCH", 7)
    with pcap.open_offline(paths["micro"]) as p:
        n = []
        assert p.loop(-1, lambda h, d: n.append(h.len)) == 50
        assert n == [r.wirelen for r in recs_u]
    assert len(read_all(paths["micro"])) == 50


def test_callback_exception_propagates_and_keeps_rest(files):
    paths, _, recs_u, _ = files
    seen = []

    def cb(h, d):
        seen.append(d)
        if len(seen) == 5:
            raise ZeroDivisionError("boom")

    with pcap.open_offline(paths["micro"]) as p:
        with pytest.raises(ZeroDivisionError):
            p.loop(-1, cb)
        assert len(seen) == 5
        # The packets read but not delivered come next, none lost or repeated.
        assert p.loop(-1, lambda h, d: seen.append(d)) == 45
    assert seen == [r.data for r in recs_u]


def test_breakloop_from_callback(files):
    paths, _, recs_u, _ = files
    with pcap.open_offline(paths["micro"]) as p:
        seen = []

        def cb(h, d):
            seen.append(d)
            if len(seen) == 4:
                p.breakloop()

        with pytest.raises(Error, match="BREAK") as ei:
            p.loop(-1, cb)
        assert ei.value.code == ErrorCode.BREAK and ei.value.count == 4
        assert len(seen) == 4
        assert p.dispatch(-1, cb) == 46
        assert seen == [r.data for r in recs_u]


def test_iteration_persists(files):
    paths, _, recs_u, _ = files
    with pcap.open_offline(paths["micro"]) as p:
        first = []
        for _h, d in p:
            first.append(d)
            if len(first) == 10:
                break
        rest = [d for _, d in p]
    assert first + rest == [r.data for r in recs_u]


def test_kept_packets_survive_reads_that_reuse_freed_headers(files):
    # Freed headers are kept for reuse and the iteration's tuple is reused
    # once let go of: what the caller holds must never change under it.
    paths, _, recs_u, _ = files
    with pcap.open_offline(paths["micro"]) as p:
        kept = list(p)
    expected = [(h.ts_sec, h.ts_frac, h.caplen, h.len, d) for h, d in kept]
    for _ in range(3):
        with pcap.open_offline(paths["nano"]) as p:
            for _h, _d in p:     # freed at once, kept for the next headers
                pass
        with pcap.open_offline(paths["micro"]) as p:
            again = [(h.ts_sec, h.ts_frac, h.caplen, h.len, d) for h, d in p]
    assert [(h.ts_sec, h.ts_frac, h.caplen, h.len, d) for h, d in kept] == expected == again
    assert len({id(pair) for pair in kept}) == len(kept) == len(recs_u)
    assert [d for _, d in kept] == [r.data for r in recs_u]


def test_setfilter_on_file(files):
    paths, _, recs_u, _ = files
    with pcap.open_offline(paths["micro"]) as p:
        p.setfilter("tcp")
        got = list(p)
    want = [r.data for r in recs_u if r.data[23:24] == b"\x06"]
    assert [d for _, d in got] == want and len(want) >= 5
    with pcap.open_offline(paths["micro"]) as p:
        p.setfilter(p.compile("udp and len >= 60"))
        n = p.loop(-1, lambda h, d: None)
    assert n == sum(1 for r in recs_u if r.data[23:24] == b"\x11" and r.wirelen >= 60)


def test_pkthdr_value_type():
    h = Pkthdr(1.5, 10, 20)
    assert (h.ts_sec, h.ts_frac, h.caplen, h.len, h.precision) == (1, 500000, 10, 20, MICRO)
    assert h.ts == 1.5 and h.ts_ns == 1_500_000_000
    n = Pkthdr(ts_ns=1_700_000_000_123_456_789, caplen=1, len=2, precision=NANO)
    assert n.ts_frac == 123_456_789 and n.ts_ns == 1_700_000_000_123_456_789
    assert n.with_precision(MICRO).ts_ns == 1_700_000_000_123_456_000
    assert n.getts() == (1_700_000_000, 123456)
    assert pickle.loads(pickle.dumps(n)) == n
    assert n != n.with_precision(MICRO)
    with pytest.raises(ValueError):
        Pkthdr(precision=5)
    assert Pkthdr(1577836800.123456, 0, 0).ts_frac == 123456


def test_pkthdr_settable_as_cypcaps():
    # cypcap's Pkthdr is mutable: code written for it sets ts, the
    # datetimes and the lengths, e.g. before Dumper.dump.
    h = Pkthdr(1.5, 10, 20)
    h.ts = 1636819043.182649
    assert (h.ts_sec, h.ts_frac) == (1636819043, 182649)
    h.caplen, h.len = 3, 2**32 - 1
    assert (h.caplen, h.len) == (3, 2**32 - 1)
    for bad in (2**32, -1):
        with pytest.raises(OverflowError):
            h.len = bad
    with pytest.raises(TypeError):
        h.caplen = 1.5
    with pytest.raises(AttributeError):
        del h.ts
    assert h.len == 2**32 - 1
    # Datetimes are set exactly (a float timestamp may be a microsecond off).
    aware = datetime.datetime(2031, 5, 6, 7, 8, 9, 999999, tzinfo=datetime.timezone.utc)
    h.ts_utcdatetime = aware
    assert h.ts_utcdatetime == aware and h.ts_frac == 999999
    h.ts_utcdatetime = aware.replace(tzinfo=None)        # naive: UTC, as cypcap
    assert h.ts_utcdatetime == aware
    local = datetime.datetime(2019, 1, 2, 3, 4, 5, 678901)
    h.ts_datetime = local
    assert h.ts_datetime == local and h.ts == local.timestamp()
    # A NANO header keeps its precision.
    n = Pkthdr(ts_ns=5, precision=NANO)
    n.ts_utcdatetime = aware
    assert n.ts_frac == 999_999_000 and n.precision == NANO
    n.ts_ns = 1_700_000_000_123_456_789
    assert (n.ts_sec, n.ts_frac) == (1_700_000_000, 123_456_789)
    n.ts = 2.25
    assert (n.ts_sec, n.ts_frac) == (2, 250_000_000)
    with pytest.raises(ValueError):
        n.ts = float("nan")
    # Mutable and compared by value: not hashable.
    with pytest.raises(TypeError):
        hash(n)
    assert n == Pkthdr(ts_ns=2_250_000_000, precision=NANO)


def test_dumper_round_trip(files, tmp_path):
    paths, recs_n, _, _ = files
    for prec in (MICRO, NANO):
        src = read_all(paths["nano"], prec)
        out = tmp_path / f"out{int(prec)}.pcap"
        with pcap.open_dead(DatalinkType.EN10MB, 65535, prec) as dead:
            with dead.dump_open(out) as dumper:
                for h, d in src:
                    dumper.dump(h, d)
                dumper.flush()
                assert dumper.ftell() == os.path.getsize(out)
        assert read_all(out, prec) == src
    # A NANO header into a MICRO file is converted, not misread.
    nano_hdrs = read_all(paths["nano"], NANO)
    out = tmp_path / "conv.pcap"
    with pcap.open_dead(DatalinkType.EN10MB, 65535) as dead, dead.dump_open(out) as dumper:
        for h, d in nano_hdrs:
            dumper.dump(h, d)
    back = read_all(out, NANO)
    assert [h.ts_ns for h, _ in back] == [r.ts_ns - r.ts_ns % 1000 for r in recs_n]


def test_dumper_caplen_clamped(tmp_path):
    out = tmp_path / "clamp.pcap"
    with pcap.open_dead(DatalinkType.EN10MB, 65535) as dead, dead.dump_open(out) as d:
        d.dump(Pkthdr(1.0, 1000, 1000), b"abc")
    (h, data), = read_all(out)
    assert h.caplen == 3 and h.len == 1000 and data == b"abc"


def test_dump_open_append(files, tmp_path):
    paths, _, recs_u, _ = files
    out = tmp_path / "app.pcap"
    shutil.copy(paths["micro"], out)
    with pcap.open_offline(paths["micro"]) as src:
        with src.dump_open_append(out) as d:
            for h, data in src:
                d.dump(h, data)
    assert [d for _, d in read_all(out)] == [r.data for r in recs_u] * 2


def test_dump_to_file_object(files, tmp_path):
    paths = files[0]
    out = tmp_path / "fobj.pcap"
    src = read_all(paths["micro"])
    with open(out, "wb") as f:
        with pcap.open_dead(DatalinkType.EN10MB, 65535) as dead, dead.dump_open(f) as d:
            for h, data in src:
                d.dump(h, data)
    assert read_all(out) == src


def test_tshark_agrees(files):
    tshark = shutil.which("tshark")
    if not tshark:
        pytest.skip("tshark not installed")
    paths, recs_n, _, _ = files
    out = subprocess.run([tshark, "-r", str(paths["ng"]), "-T", "fields", "-e",
                          "frame.time_epoch", "-e", "frame.len"],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    got = read_all(paths["ng"], NANO)
    for line, (h, _) in zip(out, got):
        epoch, flen = line.split("\t")
        sec, frac = epoch.split(".")
        assert int(sec) * 10**9 + int(frac.ljust(9, "0")) == h.ts_ns
        assert int(flen) == h.len


# -- BPF ---------------------------------------------------------------------------


def test_compile_dumps_matches_tcpdump(files):
    tcpdump = shutil.which("tcpdump")
    if not tcpdump:
        pytest.skip("tcpdump not installed")
    expr = "udp port 53 or (tcp and host 10.1.2.3)"
    prog = pcap.compile(DatalinkType.EN10MB, 262144, expr, True, pcap.NETMASK_UNKNOWN)
    for flag, kind in (("-d", BpfDumpType.DISASSEMBLY), ("-dd", BpfDumpType.C_ARRAY),
                       ("-ddd", BpfDumpType.MULTILINE)):
        want = subprocess.run([tcpdump, "-y", "EN10MB", flag, expr], capture_output=True,
                              text=True, check=True).stdout
        # tcpdump's lines, as cypcap returns them: without the last newline
        assert prog.dumps(kind) + "\n" == want
    text = prog.dumps()
    assert text.startswith(f"{len(prog)},") and "\n" not in text
    assert BpfProgram.loads(text) == prog
    assert BpfProgram.loads(prog.dumps(BpfDumpType.MULTILINE)) == prog
    assert prog.validate()


def test_program_from_tuples_and_offline_filter():
    prog = pcap.compile(DatalinkType.EN10MB, 65535, "udp", True, pcap.NETMASK_UNKNOWN)
    same = BpfProgram(list(prog))
    assert same == prog and len(same) == len(prog) and same[0] == prog[0]
    udp, tcp = udp_frame(b"x" * 10), tcp_frame()
    assert prog.offline_filter(Pkthdr(0.0, len(udp), len(udp)), udp) is True
    assert prog.offline_filter(Pkthdr(0.0, len(tcp), len(tcp)), tcp) is False
    # caplen beyond the data: clamped, never read past it.
    assert prog.offline_filter(Pkthdr(0.0, 10**6, 10**6), udp[:20]) is False
    assert prog.filter(udp) > 0 and prog.filter(tcp) == 0
    accept_all = BpfProgram([(6, 0, 0, 65535)])
    assert accept_all.dumps() == "1,6 0 0 65535"
    two = BpfProgram([(40, 0, 0, 12), (6, 0, 0, 65536)])
    assert two.dumps(BpfDumpType.MULTILINE) == "2\n40 0 0 12\n6 0 0 65536"
    assert two.dumps(BpfDumpType.C_ARRAY) == ("{ 0x28, 0, 0, 0x0000000c },\n"
                                              "{ 0x6, 0, 0, 0x00010000 },")
    assert two.dumps(BpfDumpType.DISASSEMBLY) == "(000) ldh      [12]\n(001) ret      #65536"
    assert accept_all.offline_filter(Pkthdr(0.0, 3, 3), b"abc")


def test_open_dead_compile_setfilter(files):
    with pcap.open_dead(DatalinkType.RAW, 65535, NANO) as dead:
        assert dead.type == pcap.PcapType.DEAD
        assert dead.get_tstamp_precision() == NANO
        assert dead.datalink() == DatalinkType.RAW
        prog = dead.compile("ip and udp")
        assert len(prog) > 2


def test_bad_filter_message():
    with pytest.raises(Error) as ei:
        pcap.compile(DatalinkType.EN10MB, 65535, "not a (filter", True, pcap.NETMASK_UNKNOWN)
    assert ei.value.code == ErrorCode.ERROR
    assert "syntax error" in ei.value.msg
    with pytest.raises(ValueError):
        BpfProgram.loads("3,6 0 0 1")
    with pytest.raises(ValueError):
        BpfProgram.loads("x,y")
    with pytest.raises(ValueError):
        BpfProgram([(1, 2, 3)])
    with pytest.raises(ValueError):
        BpfProgram([(1 << 20, 0, 0, 0)])


# -- errors and life cycle ------------------------------------------------------------


def test_cannot_instantiate():
    # cypcap's message, which its users may match
    with pytest.raises(TypeError, match="cannot create 'Pcap' instances"):
        pcap.Pcap()
    with pytest.raises(TypeError, match="cannot create 'Dumper' instances"):
        pcap.Dumper()


def test_resource_warning(files):
    paths = files[0]
    p = pcap.open_offline(paths["micro"])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        del p
        gc.collect()
    assert any(issubclass(x.category, ResourceWarning) for x in w)


def test_closed_handle(files):
    p = pcap.open_offline(files[0]["micro"])
    p.close()
    p.close()
    assert p.closed
    with pytest.raises(ValueError):
        p.datalink()
    with pytest.raises(ValueError):
        list(p)


def test_missing_file(tmp_path):
    with pytest.raises(Error) as ei:
        pcap.open_offline(tmp_path / "nope.pcap")
    assert "No such file" in ei.value.msg


def test_directory(tmp_path):
    with pytest.raises(Error) as ei:
        pcap.open_offline(tmp_path)
    assert "directory" in ei.value.msg.lower()


def test_empty_file(tmp_path):
    f = tmp_path / "empty.pcap"
    f.write_bytes(b"")
    with pytest.raises(Error):
        pcap.open_offline(f)


def test_random_bytes(tmp_path):
    import random
    rnd = random.Random(1234)
    for i in range(20):
        f = tmp_path / f"rand{i}.pcap"
        f.write_bytes(bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 4000))))
        with pytest.raises(Error):
            with pcap.open_offline(f) as p:
                list(p)


@pytest.mark.parametrize("name", ["micro", "ng"])
def test_truncated_everywhere(files, name, tmp_path):
    paths, _, _, _ = files
    whole = paths[name].read_bytes()
    full = read_all(paths[name])
    f = tmp_path / "trunc"
    cuts = sorted(set(range(0, 120)) | set(range(120, len(whole), 37)))
    for cut in cuts:
        f.write_bytes(whole[:cut])
        got = []
        try:
            with pcap.open_offline(f) as p:
                for pkt in p:
                    got.append(pkt)
        except Error as exc:
            assert exc.msg
        # Whatever was read is a correct prefix.
        assert got == full[:len(got)]


def test_truncated_record_raises(files, tmp_path):
    paths = files[0]
    whole = paths["micro"].read_bytes()
    f = tmp_path / "cut.pcap"
    f.write_bytes(whole[:-5])
    with pcap.open_offline(f) as p:
        got = []
        with pytest.raises(Error) as ei:
            p.loop(-1, lambda h, d: got.append(d))
    assert len(got) == 49
    assert "truncated" in ei.value.msg


def test_errors_name_the_file(files, tmp_path):
    """Errors of opening and reading a savefile say which file, as OSError
    does (filename attribute), and name it once."""
    paths = files[0]
    missing = tmp_path / "nope.pcap"
    junk = tmp_path / "junk.pcap"
    junk.write_bytes(b"not a capture file at all")
    empty = tmp_path / "empty.pcap"
    empty.write_bytes(b"")
    for path, words in ((missing, "No such file"), (junk, "unknown file format"),
                        (empty, "truncated dump file"), (tmp_path, "Is a directory")):
        with pytest.raises(Error) as ei:
            pcap.open_offline(path)
        assert ei.value.filename == str(path)
        assert str(ei.value) == ei.value.msg and ei.value.msg.startswith(f"{path}: ")
        assert words in ei.value.msg and ei.value.msg.count(str(path)) == 1
    with open(junk, "rb") as f, pytest.raises(Error) as ei:
        pcap.open_offline(f)                  # a file object: named by its name
    assert ei.value.filename == str(junk) and ei.value.msg.startswith(f"{junk}: ")
    # Reading: a record cut short, in the C fast reader (path) and in
    # libpcap's (pcapng; a file object), whichever way it is read.
    for name in ("micro", "ng"):
        cut = tmp_path / f"cut-{name}"
        cut.write_bytes(paths[name].read_bytes()[:-5])
        reads = {"iter": lambda p: list(p), "loop": lambda p: p.loop(-1, lambda h, d: None),
                 "batch": lambda p: [p.read_batch(1000) for _ in range(3)]}
        for how, read in reads.items():
            for src in (cut, str(cut), open(cut, "rb")):
                with pcap.open_offline(src) as p, pytest.raises(Error) as ei:
                    read(p)
                if not isinstance(src, (str, os.PathLike)):
                    src.close()
                assert ei.value.filename == str(cut), (name, how)
                assert ei.value.msg.startswith(f"{cut}: ") and "truncated" in ei.value.msg
        r, w = os.pipe()
        with os.fdopen(w, "wb") as wf:
            wf.write(cut.read_bytes())
        with os.fdopen(r, "rb") as rf, pcap.open_offline(rf) as p, pytest.raises(Error) as ei:
            list(p)
        assert ei.value.filename is None and "truncated" in ei.value.msg
    err = pickle.loads(pickle.dumps(ei.value))
    assert (err.msg, err.filename, err.code) == (ei.value.msg, None, ErrorCode.ERROR)
    # Writing: the dump file's name.
    target = tmp_path / "no-such-dir" / "out.pcap"
    with pcap.open_dead(DatalinkType.EN10MB, 65535) as dead, pytest.raises(Error) as ei:
        dead.dump_open(target)
    assert ei.value.filename == str(target) and ei.value.msg.count(str(target)) == 1
    with pcap.open_dead(DatalinkType.EN10MB, 65535) as dead, pytest.raises(Error) as ei:
        dead.dump_open_append(junk)
    assert ei.value.filename == str(junk) and ei.value.msg.startswith(f"{junk}: ")


def test_enums():
    assert pcap.DatalinkType.NULL_ == 0 and pcap.DatalinkType.EN10MB == 1
    assert pcap.DatalinkType.IEEE802_11_RADIO == 127 and pcap.DatalinkType.DOCSIS == 143
    assert len(pcap.DatalinkType) > 150
    assert pcap.DatalinkType.from_name("en10mb") == 1
    assert pcap.ErrorCode.NO_SUCH_DEVICE == -5 and pcap.ErrorCode.WARNING_TSTAMP_TYPE_NOTSUP == 3
    assert "activated" in pcap.ErrorCode.ACTIVATED.description
    # name is libpcap's, as in cypcap; the members keep their Python names
    assert pcap.TstampType.HOST.name == "host" and pcap.TstampType.HOST.description == "Host"
    assert pcap.TstampType.HOST_HIPREC.name == "host_hiprec"
    assert pcap.TstampType.HOST_HIPREC.pcap_name == "host_hiprec"
    assert pcap.TstampType["ADAPTER_UNSYNCED"].name == "adapter_unsynced"
    assert repr(pcap.TstampType.ADAPTER) == "<TstampType.ADAPTER: 3>"
    assert pickle.loads(pickle.dumps(pcap.TstampType.ADAPTER)) is pcap.TstampType.ADAPTER
    assert pcap.TstampType.from_name("adapter") == pcap.TstampType.ADAPTER
    assert pcap.PcapIfFlags.CONNECTION_STATUS_NOT_APPLICABLE == 48
    assert pcap.Direction.OUT == 2 and pcap.NETMASK_UNKNOWN == 0xFFFFFFFF
    # 1.10 in Debian 12 and 13, 1.11 in testing
    assert pcap.lib_version().startswith(("libpcap version 1.10", "libpcap version 1.11"))


# -- the C fast reader of classic pcap files agrees with libpcap ----------------------


def read_both(path, precision=MICRO, flt=None):
    """(packets, error message) via the fast reader (path) and via libpcap
    (file object: always libpcap's own reader)."""
    out = []
    with open(path, "rb") as fobj:
        for src in (path, fobj):
            got, err = [], None
            try:
                with pcap.open_offline(src, precision) as p:
                    if flt:
                        p.setfilter(flt)
                    for pkt in p:
                        got.append(pkt)
            except Error as exc:
                err = exc.msg
            out.append((got, err))
    return out


@pytest.mark.parametrize("name", ["micro", "nano", "be"])
@pytest.mark.parametrize("precision", [MICRO, NANO])
@pytest.mark.parametrize("flt", [None, "tcp", "udp and len > 60"])
def test_fast_reader_matches_libpcap(files, name, precision, flt):
    fast, slow = read_both(files[0][name], precision, flt)
    assert fast == slow and fast[0]


def test_fast_reader_odd_records(tmp_path):
    from pcap_fixtures import Record
    recs = [Record(i * 10**9 + 5000, bytes(range(100)), 100) for i in range(1, 6)]
    # caplen above the file's snaplen: libpcap cuts it, the fast reader defers.
    f = tmp_path / "snap.pcap"
    write_pcap(f, recs, snaplen=40)
    fast, slow = read_both(f)
    assert fast == slow and len(fast[0]) == 5
    # Time stamps past 2038: signed 32-bit in libpcap 1.10.3, unsigned from
    # 1.10.5 on; the fast reader reads them as the linked libpcap does.
    f = tmp_path / "y2038.pcap"
    write_pcap(f, [Record((2**31 + 5) * 10**9, b"x" * 20, 20)])
    fast, slow = read_both(f)
    assert fast == slow


@pytest.mark.parametrize("name", ["micro", "nano"])
def test_fast_reader_truncations_match(files, name, tmp_path):
    whole = files[0][name].read_bytes()
    f = tmp_path / "t.pcap"
    for cut in list(range(20, 140, 3)) + list(range(140, len(whole), 53)):
        f.write_bytes(whole[:cut])
        fast, slow = read_both(f)
        assert fast == slow, cut


@pytest.mark.parametrize("nano,big_endian", [(False, False), (True, True)])
def test_records_across_stdio_buffer_boundaries(tmp_path, nano, big_endian):
    """A file several times the reader's buffer (records are read in place
    from stdio's buffer while whole, through fread where one straddles its
    end): every record exact, with and without a filter, in every batch."""
    from pcap_fixtures import Record

    recs = []
    base = 1_600_000_000 * 10**9
    for i in range(30000):
        frame = udp_frame(bytes([i % 251]) * (i * 37 % 1400))
        ts = base + i * 999_999_937
        recs.append(Record(ts if nano else ts - ts % 1000, frame, len(frame) + i % 3))
    path = tmp_path / "big.pcap"
    write_pcap(path, recs, nano=nano, big_endian=big_endian)
    assert path.stat().st_size > 3 * pcap.READ_BUFFER
    got = read_all(path, NANO)
    assert [(h.ts_ns, h.len, d) for h, d in got] == [(r.ts_ns, r.wirelen, r.data) for r in recs]
    with pcap.open_offline(path) as p:
        p.setfilter("udp and len > 1000")
        kept = [d for _, d in p]
    assert kept == [r.data for r in recs if r.wirelen > 1000] and len(kept) > 1000
