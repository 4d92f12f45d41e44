"""wirepy.stats against tshark: the numbers of each statistic's rows (from
tshark's own fields or its -z output), statistics computed during an
iteration, bad specs and filters."""

import collections
import re
import subprocess
import sys

import pytest
import wireshark_series
from api_fixtures import SAMPLE

import wirepy
from wirepy import stats


def tshark(*args):
    return subprocess.run(["tshark", "-n", "-r", str(SAMPLE), *args], check=True,
                          capture_output=True, text=True, timeout=120).stdout


def tshark_rows(fields, display_filter=None):
    args = ["-T", "fields", "-E", "separator=\t"]
    if display_filter:
        args += ["-Y", display_filter]
    for f in fields:
        args += ["-e", f]
    return [line.split("\t") for line in tshark(*args).splitlines()]


def tshark_z(spec, *extra):
    return tshark("-q", "-z", spec, *extra)


# -- each statistic's numbers ---------------------------------------------------------

def test_tcp_conversations_count_what_tshark_shows_per_packet():
    expected = collections.Counter()
    for src, sport, dst, dport, length in tshark_rows(
            ["ip.src", "tcp.srcport", "ip.dst", "tcp.dstport", "frame.len"], "tcp"):
        expected[(src, int(sport), dst, int(dport))] += 1
        expected[(src, int(sport), dst, int(dport), "bytes")] += int(length)
    convs = stats.Conversations("tcp")
    list(wirepy.FileCapture(SAMPLE, fields=["frame.number"], taps=[convs]))
    df = convs.to_dataframe()
    assert len(df) == 1
    row = df.iloc[0]
    a = (row.address_a, row.port_a, row.address_b, row.port_b)
    b = (row.address_b, row.port_b, row.address_a, row.port_a)
    assert row.frames_a_to_b == expected[a] and row.frames_b_to_a == expected[b]
    assert row.bytes_a_to_b == expected[(*a, "bytes")]
    assert row.bytes_b_to_a == expected[(*b, "bytes")]
    assert row.frames == expected[a] + expected[b] == 12
    assert row.duration == pytest.approx(0.0532, abs=1e-4)
    assert row.start.tzinfo is not None


def test_ip_endpoints_count_what_tshark_shows_per_packet():
    tx, rx = collections.Counter(), collections.Counter()
    for src, dst, length in tshark_rows(["ip.src", "ip.dst", "frame.len"], "ip"):
        tx[src] += 1
        rx[dst] += 1
        tx[src, "bytes"] += int(length)
        rx[dst, "bytes"] += int(length)
    endpoints = stats.compute(SAMPLE, ["endpoints,ip"])["endpoints,ip"]
    df = endpoints.to_dataframe()
    assert set(df.address) == {k for k in list(tx) + list(rx) if isinstance(k, str)}
    for row in df.itertuples():
        assert (row.tx_packets, row.rx_packets) == (tx[row.address], rx[row.address])
        assert (row.tx_bytes, row.rx_bytes) == (tx[row.address, "bytes"],
                                                rx[row.address, "bytes"])
        assert row.packets == row.tx_packets + row.rx_packets
        assert row.port is None
    assert list(df.packets) == sorted(df.packets, reverse=True)


def test_udp_endpoints_have_ports():
    df = stats.compute(SAMPLE, ["endpoints,udp"])["endpoints,udp"].to_dataframe()
    assert {53, 67, 68} <= set(df.port)


def parse_phs(text):
    rows = []
    for line in text.splitlines():
        m = re.match(r"^( *)(\S+) +frames:(\d+) bytes:(\d+)$", line)
        if m:
            rows.append((len(m.group(1)) // 2, m.group(2), int(m.group(3)), int(m.group(4))))
    return rows


def test_protocol_hierarchy_rows_are_tsharks():
    phs = stats.compute(SAMPLE, ["io,phs"])["io,phs"]
    rows = [(r["depth"], r["protocol"], r["frames"], r["bytes"]) for r in phs.rows()]
    assert rows == parse_phs(tshark_z("io,phs")) and len(rows) > 10
    paths = list(phs.to_dataframe().path)
    assert any(p.endswith("eth:ip:tcp:http") for p in paths)   # 4.6: under "frame"


def test_protocol_hierarchy_with_full_trees_is_tshark_V():
    """A full-tree iteration shows every protocol item: as tshark -V -P -z
    io,phs (a visible tree with the columns filled: from 4.4 on, the columns
    are items of the tree too, ``_ws.col``)."""
    phs = stats.ProtocolHierarchy()
    n = len(list(wirepy.FileCapture(SAMPLE, taps=[phs])))
    assert n == 26
    expected = tshark("-V", "-P", "-z", "io,phs")
    assert phs.text() in expected
    full_tree_differs = parse_phs(phs.text()) != parse_phs(tshark_z("io,phs"))
    assert full_tree_differs != wireshark_series.PHS_ONLY_PROTOCOLS


def test_io_intervals_count_frames_and_bytes_per_interval():
    io = stats.IOStatistics(0.05, ["", "tcp", "COUNT(tcp.len)tcp.len", "SUM(frame.len)udp",
                                   "MAX(frame.len)", "AVG(tcp.time_delta)tcp"])
    list(wirepy.FileCapture(SAMPLE, fields=["frame.len"], taps=[io]))
    rows = io.rows()
    frames, nbytes, tcp = collections.Counter(), collections.Counter(), collections.Counter()
    for rel, length, proto in tshark_rows(["frame.time_relative", "frame.len", "tcp.len"]):
        k = int(round(float(rel) * 1e6)) // 50000
        frames[k] += 1
        nbytes[k] += int(length)
        tcp[k] += 1 if proto else 0
    assert [r["frames"] for r in rows] == [frames[k] for k in range(len(rows))]
    assert [r["bytes"] for r in rows] == [nbytes[k] for k in range(len(rows))]
    assert [r["tcp frames"] for r in rows] == [tcp[k] for k in range(len(rows))]
    assert rows[0]["start"] == 0 and rows[1]["start"] == pytest.approx(0.05)
    df = io.to_dataframe()
    assert list(df.columns) == ["start", "end", "frames", "bytes", "tcp frames", "tcp bytes",
                                "COUNT(tcp.len)tcp.len", "SUM(frame.len)udp",
                                "MAX(frame.len)", "AVG(tcp.time_delta)tcp"]
    assert isinstance(rows[2]["AVG(tcp.time_delta)tcp"], float)


def parse_expert(text):
    found = []
    for line in text.splitlines():
        m = re.match(r"^ +(\d+) +(\S+) +(\S+)  (.*)$", line)
        if m:
            found.append((int(m.group(1)), m.group(2), m.group(3), m.group(4)))
    return found


def test_expert_summary_is_tsharks():
    expert = stats.ExpertInfo()
    list(wirepy.FileCapture(SAMPLE, fields=["frame.number"], taps=[expert]))
    rows = [(r["count"], r["group"], r["protocol"], r["summary"]) for r in expert.rows()]
    assert rows == parse_expert(tshark_z("expert")) and rows
    warn = stats.ExpertInfo("note")
    list(wirepy.FileCapture(SAMPLE, fields=["frame.number"], taps=[warn]))
    assert {r["severity"] for r in warn.rows()} == {"note"}
    assert expert.to_dataframe().columns.tolist() == ["severity", "group", "protocol",
                                                       "summary", "count"]


# -- together with an iteration ---------------------------------------------------------

SPECS = ["conv,tcp", "conv,ip", "endpoints,udp", "expert", "io,stat,0.1,tcp,AVG(frame.len)",
         "conv,eth,arp"]


def test_statistics_during_an_iteration_equal_a_statistics_only_read():
    alone = stats.compute(SAMPLE, SPECS)
    together = [stats.from_spec(s) for s in SPECS]
    plain = [(p.number, p.field_strings("ip.src"), p.field_strings("tcp.len"))
             for p in wirepy.FileCapture(SAMPLE, fields=["ip.src", "tcp.len"])]
    with_taps = [(p.number, p.field_strings("ip.src"), p.field_strings("tcp.len"))
                 for p in wirepy.FileCapture(SAMPLE, fields=["ip.src", "tcp.len"],
                                             taps=together)]
    assert with_taps == plain
    for spec, stat in zip(SPECS, together):
        assert stat.rows() == alone[spec].rows(), spec
        assert stat.text() == alone[spec].text(), spec


def test_a_display_filter_does_not_change_what_listeners_see():
    """As tshark -Y: the capture's filter chooses the packets iterated."""
    convs = stats.Conversations("ip")
    passed = list(wirepy.FileCapture(SAMPLE, display_filter="dns", fields=["frame.number"],
                                     taps=[convs]))
    assert 0 < len(passed) < 26
    assert convs.rows() == stats.compute(SAMPLE, ["conv,ip"])["conv,ip"].rows()


def test_compute_display_filter_restricts_every_statistic():
    restricted = stats.compute(SAMPLE, ["conv,ip", "io,stat,0"], display_filter="udp")
    conv = restricted["conv,ip"].to_dataframe()
    udp = stats.compute(SAMPLE, ["conv,ip,udp"])["conv,ip,udp"].to_dataframe()
    assert conv.equals(udp)
    assert conv.frames.sum() == len(tshark_rows(["frame.number"], "udp && ip"))
    assert restricted["io,stat,0"].rows()[0]["frames"] == len(tshark_rows(["frame.number"], "udp"))


def test_a_listener_holds_its_last_read():
    expert = stats.ExpertInfo()
    for _ in range(2):
        list(wirepy.FileCapture(SAMPLE, fields=[], taps=expert))
    assert expert.reads == 2
    assert expert.rows() == stats.compute(SAMPLE, ["expert"])["expert"].rows()


# -- errors --------------------------------------------------------------------------

@pytest.mark.parametrize("spec, error, message", [
    ("follow,tcp,ascii,0", stats.UnsupportedStatisticError, "supported: conv,TYPE"),
    ("conv", stats.UnsupportedStatisticError, "unsupported statistic 'conv'"),
    ("conv,nosuch", stats.StatisticSpecError, "no conversation table.*tcp"),
    ("endpoints,http", stats.StatisticSpecError, "'http' has no conversation table"),
    ("io,stat,x", stats.StatisticSpecError, "not a number of seconds"),
    ("io,stat,1,", stats.StatisticSpecError, "invalid"),
    ("io,stat,0.0000001", stats.StatisticSpecError, ">=0.000001"),
    ("io,stat,1,SUM(no.such.field)", stats.StatisticSpecError, "no field named"),
    ("io,stat,1,SUM(ip.src)", stats.StatisticSpecError, "doesn't have integral values"),
    ("io,stat,1,LOAD(frame.len)", stats.StatisticSpecError, "relative-time fields"),
    ("io,stat,1,SUM(frame.len", stats.StatisticSpecError, "Closing parenthesis"),
    ("io,stat,1,SUM()", stats.StatisticSpecError, "didn't specify a field"),
    ("io,stat,1,FRAMES(frame.len)", stats.StatisticSpecError, "does not require"),
    ("conv,tcp,tcp.port ==", stats.StatisticFilterError, "invalid"),
    ("io,phs,nosuchproto", stats.StatisticFilterError, "nosuchproto"),
    ("io,stat,1,COUNT(tcp.len)tcp.len ==", stats.StatisticFilterError, "invalid"),
])
def test_bad_specs_are_clear_errors(spec, error, message):
    with pytest.raises(error, match=message):
        stats.from_spec(spec)
    assert issubclass(error, stats.StatsError) and issubclass(error, ValueError)
    assert issubclass(stats.StatsError, wirepy.errors.WirepyError)


def test_intervals_beyond_the_cap_are_an_error_not_gigabytes(tmp_path):
    """Two frames a year apart cut in milliseconds: 3e10 intervals (tshark
    grows its table until memory runs out); the column stops at the cap."""
    first, later = tmp_path / "first.pcapng", tmp_path / "later.pcapng"
    subprocess.run(["editcap", "-r", str(SAMPLE), str(first), "1"], check=True)
    subprocess.run(["editcap", "-r", "-t", "31536000", str(SAMPLE), str(later), "2"],
                   check=True)
    both = tmp_path / "year.pcapng"
    subprocess.run(["mergecap", "-a", "-w", str(both), str(first), str(later)], check=True)
    io = stats.IOStatistics(0.001)
    assert len(list(wirepy.FileCapture(both, fields=[], taps=[io]))) == 2
    with pytest.raises(stats.StatisticSpecError, match="more than 4194304 intervals"):
        io.rows()
    whole = stats.compute(both, ["io,stat,0"])["io,stat,0"]
    assert whole.rows()[0]["frames"] == 2
    cli = subprocess.run([sys.executable, "-m", "wirepy", "stats", str(both), "-z",
                          "io,stat,0.001"], capture_output=True, text=True, timeout=120)
    assert cli.returncode == 1 and "choose a longer interval" in cli.stderr


def test_bad_expert_severity():
    with pytest.raises(stats.StatisticSpecError, match="not an expert severity"):
        stats.ExpertInfo("loud")


def test_compute_refuses_a_bad_display_filter():
    with pytest.raises(stats.StatisticFilterError):
        stats.compute(SAMPLE, ["conv,ip"], display_filter="ip.src ==")
