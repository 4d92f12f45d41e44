"""prefs: decode-as, enabled/disabled protocols, name resolution vs tshark."""

import epan_fixtures
import pytest
from epan_fixtures import tshark

from wirepy.lib import epan, prefs

FIELDS = ["frame.protocols", "http.request.uri", "http.host", "tcp.dstport", "dns.qry.name",
          "ip.src_host", "eth.src_resolved"]


def wirepy_fields(path):
    with epan.Session() as s, epan.OfflineFile(str(path)) as wt:
        d = epan.Dissect(session=s, proto_tree_visible=False)
        d.prime_fields(FIELDS)
        return ["\t".join(",".join(o) for o in p.fields) for p in d.iter_fields(wt)]


def tshark_fields(path, *opts):
    args = []
    for f in FIELDS:
        args += ["-e", f]
    return tshark("-r", str(path), *opts, "-T", "fields", *args).splitlines()


def test_decode_as_tcp_port(mix_pcap):
    # the HTTP heuristic finds the port-8888 request by itself: switch it
    # off so that only the decode-as rule can make it HTTP
    prefs.set_heuristic("http_tcp", False)
    try:
        plain = wirepy_fields(mix_pcap)
        assert plain == tshark_fields(mix_pcap, "--disable-heuristic", "http_tcp")
        assert "/alt" not in "".join(plain) and ":data" in plain[17]
        prefs.decode_as("tcp.port", 8888, "http")
        try:
            got = wirepy_fields(mix_pcap)
        finally:
            prefs.reset_decode_as("tcp.port", 8888)
        want = tshark_fields(mix_pcap, "--disable-heuristic", "http_tcp",
                             "-d", "tcp.port==8888,http")
        assert got == want
        assert "/alt" in got[17] and "alt.example" in got[17]
        assert wirepy_fields(mix_pcap) == plain
    finally:
        prefs.set_heuristic("http_tcp", True)
    assert wirepy_fields(mix_pcap) == tshark_fields(mix_pcap)


def test_decode_as_range_text(mix_pcap):
    prefs.set_heuristic("http_tcp", False)
    prefs.decode_as("tcp.port", "8880-8890", "http")
    try:
        got = wirepy_fields(mix_pcap)
    finally:
        prefs.reset_decode_as("tcp.port", "8880-8890")
        prefs.set_heuristic("http_tcp", True)
    assert got == tshark_fields(mix_pcap, "--disable-heuristic", "http_tcp",
                                "-d", "tcp.port==8880-8890,http")
    assert "/alt" in got[17]


def test_decode_as_errors():
    with pytest.raises(prefs.DecodeAsError, match="no.such.table"):
        prefs.decode_as("no.such.table", 1, "http")
    with pytest.raises(prefs.DecodeAsError, match="unknown protocol"):
        prefs.decode_as("tcp.port", 8888, "nosuchproto")
    with pytest.raises(prefs.DecodeAsError, match="isn't valid"):
        prefs.decode_as("tcp.port", 8888, "eth")
    with pytest.raises(prefs.DecodeAsError, match="invalid selector"):
        prefs.decode_as("tcp.port", "abc", "http")
    with pytest.raises(prefs.DecodeAsError, match="invalid selector"):
        prefs.decode_as("tcp.port", 2 ** 33, "http")
    assert issubclass(prefs.DecodeAsError, ValueError)


def test_disable_enable_protocol(mix_pcap):
    assert prefs.is_protocol_enabled("http")
    prefs.disable_protocol("http")
    try:
        assert not prefs.is_protocol_enabled("http")
        got = wirepy_fields(mix_pcap)
    finally:
        prefs.enable_protocol("http")
    assert got == tshark_fields(mix_pcap, "--disable-protocol", "http")
    assert not any(":http" in line for line in got)
    assert prefs.is_protocol_enabled("http")
    assert wirepy_fields(mix_pcap) == tshark_fields(mix_pcap)
    with pytest.raises(prefs.UnknownProtocol):
        prefs.disable_protocol("nosuchproto")
    with pytest.raises(prefs.UnknownProtocol):
        prefs.set_heuristic("nosuch_heur", False)


def test_name_resolution_off_by_default(mix_pcap):
    got = wirepy_fields(mix_pcap)
    # tshark -n: addresses stay numeric (127.0.0.1 is "localhost" in /etc/hosts)
    assert got[2].split("\t")[5] == "127.0.0.1"
    assert got == tshark_fields(mix_pcap)


def test_name_resolution_when_asked(mix_pcap):
    prefs.set_name_resolution(mac=True, network=True)
    try:
        got = wirepy_fields(mix_pcap)
    finally:
        prefs.set_name_resolution()
    want = epan_fixtures.subprocess.run(
        ["tshark", "-N", "mn", "-r", str(mix_pcap), "-T", "fields"]
        + [a for f in FIELDS for a in ("-e", f)],
        check=True, capture_output=True, text=True).stdout.splitlines()
    assert got == want
    assert wirepy_fields(mix_pcap) == tshark_fields(mix_pcap)
