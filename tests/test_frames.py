"""Frames handed over as bytes: wirepy.Dissector (one session, stateful,
against tshark on the same frames as a file) and wirepy.dissect's one-off
cost warning."""

import subprocess

import pytest
from api_fixtures import SAMPLE, run_python, tshark_fields

import wirepy
from wirepy.lib import epan, prefs
from wirepy.lib import wtap as _wtap

# fields that need the frames before (stream indexes, relative sequence
# numbers, reassembly, request/response links, time deltas)
STATEFUL = ["frame.number", "frame.time_delta", "tcp.stream", "tcp.seq", "tcp.ack",
            "tcp.analysis.acks_frame", "tcp.reassembled_in", "http.request.uri",
            "http.response.code", "http.request_in", "dns.response_to", "dns.qry.name",
            "icmp.resp_to", "icmpv6.resp_to", "udp.stream", "ip.src"]


def frames_of(path):
    with _wtap.WTAP.open_offline(str(path)) as capture:
        return [(h.ts_ns, bytes(d)) for h, d in capture]


@pytest.mark.parametrize("tree", [False, True], ids=["fields", "tree"])
def test_frames_one_by_one_equal_tshark_on_the_file(tree):
    frames = frames_of(SAMPLE)
    with wirepy.Dissector(fields=None if tree else STATEFUL) as d:
        pkts = [d.dissect(data, time_ns=ts) for ts, data in frames]
    got = [[p.field_strings(n) for n in STATEFUL] for p in pkts]
    assert got == tshark_fields(SAMPLE, STATEFUL)
    # and one-off dissections do not know what came before
    alone = wirepy.dissect(frames[17][1], time_ns=frames[17][0], fields=STATEFUL)
    row = [alone.field_strings(n) for n in STATEFUL]
    assert row[0] == ["1"] and row[1:] != got[17][1:]


def test_link_type_per_dissector_and_per_frame(tmp_path):
    raw = tmp_path / "raw.pcapng"
    subprocess.run(["editcap", "-C", "14", "-T", "rawip", str(SAMPLE), str(raw)], check=True,
                   capture_output=True)
    names = ["frame.number", "ip.src", "tcp.stream", "dns.qry.name", "http.request.uri"]
    raw_frames = frames_of(raw)
    with wirepy.Dissector(encap="rawip", fields=names) as d:
        pkts = [d.dissect(data, time_ns=ts) for ts, data in raw_frames]
    got = [[p.field_strings(n) for n in names] for p in pkts]
    expected = tshark_fields(raw, names)
    assert [row[1:] for row in got] == [row[1:] for row in expected]
    with wirepy.Dissector(fields=["ip.src"]) as d:
        ether = d.dissect(frames_of(SAMPLE)[6][1])
        rawip = d.dissect(raw_frames[6][1], encap="rawip")
    assert ether["ip.src"] == rawip["ip.src"] and rawip.number == 2


def test_many_frames_cost_no_session_each():
    data = frames_of(SAMPLE)[13][1]

    def rss_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096 // 2**20

    with wirepy.Dissector() as d:
        d.dissect(data)
        before = rss_mb()
        for _ in range(3000):
            pkt = d.dissect(data)
        grown = rss_mb() - before
    # one session per frame would be ~30 GB here
    assert grown < 40
    # the same segment again and again: as in a capture, a retransmission
    assert pkt.number == 3001 and "tcp.analysis.retransmission" in pkt


def test_one_session_while_open_and_errors():
    d = wirepy.Dissector(fields=["ip.src"], display_filter="dns")
    with pytest.raises(wirepy.SessionBusyError):
        next(iter(wirepy.FileCapture(SAMPLE, fields=["ip.src"])))
    with pytest.raises(wirepy.SessionBusyError):
        wirepy.dissect(b"\x00" * 20)
    frames = frames_of(SAMPLE)
    assert [d.dissect(data).matches for _, data in frames[5:9]] == [False, True, True, False]
    with pytest.raises(TypeError, match="needs bytes"):
        d.dissect("not bytes")
    with pytest.raises(ValueError, match="unknown encapsulation"):
        d.dissect(b"\x00", encap="no-such-link")
    assert d.dissect(b"").length == 0          # an empty frame is dissected, not a crash
    d.close()
    d.close()
    assert d.closed and epan.Session.current() is None
    with pytest.raises(ValueError, match="closed"):
        d.dissect(frames[0][1])
    assert len(list(wirepy.FileCapture(SAMPLE, fields=["ip.src"]))) == 26
    with pytest.raises(wirepy.UnknownFieldError):
        wirepy.Dissector(fields=["no.such.field"])
    with pytest.raises(wirepy.DisplayFilterError):
        wirepy.Dissector(display_filter="ip.src ==")
    assert epan.Session.current() is None


def test_prefs_and_decode_as_while_open(tmp_path):
    before = prefs.get("tcp.desegment_tcp_streams")
    frames = frames_of(SAMPLE)
    names = ["http.response.code", "tcp.reassembled_in"]
    with wirepy.Dissector(fields=names, prefs={"tcp.desegment_tcp_streams": False}) as d:
        assert prefs.get("tcp.desegment_tcp_streams") != before
        pkts = [d.dissect(data, time_ns=ts) for ts, data in frames]
    got = [[p.field_strings(n) for n in names] for p in pkts]
    assert prefs.get("tcp.desegment_tcp_streams") == before
    assert got == tshark_fields(SAMPLE, names, extra=["-o", "tcp.desegment_tcp_streams:FALSE"])
    dns = frames[6][1]
    with wirepy.Dissector(fields=["dns.qry.name", "syslog.msg"],
                          decode_as={"udp.port==53": "syslog"}) as d:
        pkt = d.dissect(dns)
    # as tshark -d udp.port==53,syslog
    assert "dns.qry.name" not in pkt and "syslog" in pkt.protocols
    assert "dns.qry.name" in wirepy.dissect(dns, fields=["dns.qry.name"])


def test_one_off_dissect_warns_after_many_calls():
    code = ("import warnings, wirepy\n"
            "from wirepy import frames\n"
            "warnings.simplefilter('always')\n"
            "data = bytes.fromhex('ffffffffffff020000000001080600010800060400010200'\n"
            "                     '00000001c000020a000000000000c0000201')\n"
            "with warnings.catch_warnings(record=True) as caught:\n"
            "    for _ in range(frames.ONE_OFF_WARNING + 2):\n"
            "        wirepy.dissect(data, fields=['arp.opcode'])\n"
            "first = caught[0]\n"
            "print(len(caught), first.category.__name__, 'Dissector' in str(first.message))\n")
    out = run_python(code, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "RuntimeWarning", "True"]


def test_file_capture_packets_match_their_filter():
    pkts = list(wirepy.FileCapture(SAMPLE, display_filter="dns", fields=["dns.qry.name"]))
    assert len(pkts) == 4 and all(p.matches for p in pkts)
    assert all(p.matches for p in wirepy.FileCapture(SAMPLE, fields=["ip.src"]))
