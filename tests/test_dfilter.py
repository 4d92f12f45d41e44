"""dfilter: match counts and compile errors against tshark."""

import subprocess
import warnings

import pytest
import wireshark_series

from wirepy.lib import dfilter, epan

FILTERS = [
    "", "ip", "arp", "tcp", "udp", "dns", "dhcp", "http", "icmp", "ipv6", "icmpv6",
    "ip.src == 127.0.0.1", "ip.src != 127.0.0.1", "ip.ttl < 65", "ip.ttl >= 64",
    "tcp.port == 80", "tcp.srcport > 1024", "tcp.len <= 100", "frame.len > 100",
    "http.host contains \"example\"", "http.request.uri matches \"^/ind.*\"",
    "tcp.port in {80, 8888}", "udp.dstport in {53, 67..68}", "eth.src[0:2] == 02:00",
    "eth.dst[-1] == 01", "len(http.host) == 15", "upper(http.host) == \"ALT.EXAMPLE\"",
    "lower(dns.qry.name) == \"www.example.com\"", "count(tcp.port) == 2",
    "ip and tcp", "arp or icmp", "not ip", "(tcp and not http) or (http and not tcp)", "!(udp)",
    "tcp.flags & 0x02", "tcp.flags & 0x12 == 0x12", "tcp.flags.syn == 1 && tcp.flags.ack == 0",
    "ip.addr == 127.0.0.2", "ip.dst == 127.0.0.0/8", "ip.src == 127.0.0.1 || ipv6",
    "dns.flags.response == 1", "dns.a == 127.0.0.9", "_ws.malformed", "_ws.expert",
    "tcp.reassembled.length > 1000", "http.response.code == 200", "frame.number <= 5",
    "ip.dst == ${ip.src}", "${private_ipv4:ip.src}", "frame.time_relative >= 1",
    "eth.type == 0x0800", "http.request", "tcp.analysis", "ip.len > 60 and not http",
    "udp.length != 0", "arp.opcode == 2", "ipv6.dst == fe80::2", "icmp.type == 8",
    "tcp.seq == 1", "http.content_type contains \"html\"",
]


def wirepy_count(path, text):
    df = dfilter.DisplayFilter(text)
    with epan.Session() as s, epan.OfflineFile(str(path)) as wt:
        d = epan.Dissect(session=s, proto_tree_visible=False)
        d.prime_dfilter(df)
        return d.count(wt)


def tshark_count(path, text):
    args = ["tshark", "-n", "-r", str(path)]
    if text:
        args += ["-Y", text]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return len(out.splitlines())


def test_counts_equal_tshark(mix_pcap):
    assert len(FILTERS) >= 50
    mismatches = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for text in FILTERS:
            got, want = wirepy_count(mix_pcap, text), tshark_count(mix_pcap, text)
            if got != want:
                mismatches.append((text, got, want))
    assert not mismatches


def tshark_error(text):
    r = subprocess.run(["tshark", "-n", "-Y", text, "-r", "/dev/null"], capture_output=True,
                       text=True)
    return [ln for ln in r.stderr.splitlines() if not ln.startswith("Running as")][0]


@pytest.mark.parametrize("text", ["ip.src == 1.2.3.4.5", "nosuchfield", "tcp.port ==",
                                  "${nosuchmacro}", "ip.src contains"])
def test_compile_errors_equal_tshark(text):
    with pytest.raises(dfilter.DisplayFilterError) as ei:
        dfilter.DisplayFilter(text)
    assert ei.value.message in tshark_error(text) or tshark_error(text).endswith(
        ei.value.message)


def test_error_location():
    with pytest.raises(dfilter.DisplayFilterError) as ei:
        dfilter.DisplayFilter("ip.src == 1.2.3.4.5")
    assert ei.value.location == (10, 9)


def test_deprecated_tokens():
    with pytest.warns(DeprecationWarning):
        df = dfilter.DisplayFilter("ssl")
    assert df.deprecated == ["ssl"]


def test_xor_as_the_series_has_it():
    if wireshark_series.HAS_XOR:
        assert not dfilter.DisplayFilter("tcp xor http").matches_all
        return
    # Wireshark 4.0's grammar has no xor (added in 4.2): same error as tshark
    with pytest.raises(dfilter.DisplayFilterError) as ei:
        dfilter.DisplayFilter("tcp xor http")
    assert ei.value.message in tshark_error("tcp xor http")


def test_empty_filter_and_dump():
    assert dfilter.DisplayFilter("").matches_all
    text = dfilter.DisplayFilter("tcp.port == 80").dump()
    assert "tcp.port" in text and "Instructions" in text or "00000" in text


def test_apply_edt(mix_pcap):
    df = dfilter.DisplayFilter("http")
    with epan.Session() as s, epan.OfflineFile(str(mix_pcap)) as wt:
        d = epan.Dissect(session=s)
        df.prime_proto_tree(d)
        hits = 0
        while d.run(wt) is not None:
            hits += df.apply_edt(d)
    assert hits == tshark_count(mix_pcap, "http")
