"""``wirepy stats`` byte for byte against ``tshark -n -q -r FILE -z SPEC``, on
examples/sample.pcapng and on Wireshark's own test captures; errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import wireshark_series
from api_fixtures import SAMPLE

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fetch_wireshark_captures  # noqa: E402

WIREPY = [sys.executable, "-m", "wirepy"]

#: Groups of -z specs run in one read (tshark prints the last first).
SPEC_GROUPS = {
    "conv": ["conv,eth", "conv,ip", "conv,ipv6", "conv,tcp", "conv,udp"],
    "endpoints": ["endpoints,eth", "endpoints,ip", "endpoints,ipv6", "endpoints,tcp",
                  "endpoints,udp"],
    "phs-expert": ["io,phs", "expert"],
    "io": ["io,stat,1",
           "io,stat,0.25,tcp,,COUNT(tcp.analysis.retransmission)tcp.analysis.retransmission,"
           "AVG(frame.len)frame,MAX(tcp.time_delta)tcp,MIN(ip.ttl)ip,SUM(udp.length)udp"],
    "io-whole": ["io,stat,0,LOAD(tcp.time_delta)tcp,FRAMES()tcp,BYTES()udp,"
                 "AVG(tcp.time_delta)tcp"],
    "filtered": ["conv,tcp,tcp.port==80", "expert,warn", "io,phs,udp",
                 "endpoints,ip,frame.len > 100", "expert,note,tcp"],
}

#: Wireshark's captures of many kinds: DHCP, HTTP, DNS and ICMP, TCP
#: expert warnings, IPv6, SIP, NFS, TLS, 802.11, pcapng with many interfaces.
WIRESHARK_CAPTURES = ["dhcp.pcap", "http.pcap", "dns+icmp.pcapng.gz", "tcp-badsegments.pcap",
                      "ipv6.pcap", "sip.pcapng", "nfs.pcap", "tls12-dsb.pcapng",
                      "wpa-Induction.pcap.gz", "many_interfaces.pcapng.1", "http-ooo.pcap",
                      "dhcp-nanosecond.pcapng", "rsasnakeoil2.pcap"]




def both(path, specs, *extra):
    z = [a for spec in specs for a in ("-z", spec)]
    ours = subprocess.run([*WIREPY, "stats", "-n", str(path), *z, *extra], capture_output=True,
                          timeout=600)
    theirs = subprocess.run(["tshark", "-n", "-q", "-r", str(path), *z, *extra],
                            capture_output=True, timeout=600)
    return ours, theirs


def assert_same(path, specs, *extra):
    ours, theirs = both(path, specs, *extra)
    assert ours.stdout.decode("utf-8", "replace") == theirs.stdout.decode("utf-8", "replace")
    assert ours.stdout == theirs.stdout
    assert ours.returncode == theirs.returncode, ours.stderr
    assert ours.stdout, "tshark printed nothing: the comparison proves nothing"


@pytest.mark.parametrize("group", SPEC_GROUPS)
def test_sample_byte_for_byte(group):
    assert_same(SAMPLE, SPEC_GROUPS[group])


@pytest.mark.parametrize("name", WIRESHARK_CAPTURES)
@pytest.mark.parametrize("group", ["conv", "endpoints", "phs-expert", "io", "filtered"])
def test_wireshark_captures_byte_for_byte(name, group):
    path = fetch_wireshark_captures.fetched_captures_dir() / name
    if not path.exists():
        pytest.skip(f"{name} is not among this Wireshark's test captures")
    assert_same(path, SPEC_GROUPS[group])


def test_display_filter_and_two_passes_as_tshark():
    assert_same(SAMPLE, ["conv,ip", "io,phs"], "-Y", "dns")
    assert_same(SAMPLE, ["conv,tcp", "expert", "io,stat,0.1"], "-2")


def test_a_file_cut_short_prints_what_was_read_then_the_error(tmp_path):
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(SAMPLE.read_bytes()[:3000])
    ours, theirs = both(cut, ["io,phs", "conv,ip"])
    assert ours.stdout == theirs.stdout and ours.stdout
    # wirepy's status is the same on every series; tshark's changed in 4.6
    assert ours.returncode == 2
    assert theirs.returncode == wireshark_series.TSHARK_READ_ERROR_STATUS
    assert b"cut.pcapng" in ours.stderr


@pytest.mark.parametrize("spec, status, message", [
    ("rtp,streams", 1, "unsupported statistic 'rtp,streams'; supported: "
                              "conv,TYPE"),
    ("conv,nosuch", 1, "'nosuch' has no conversation table"),
    ("io,stat,1,SUM(nosuch.field)", 1, "There is no field named 'nosuch.field'"),
    ("io,phs,tcp.port ==", 1, "Filter 'tcp.port ==' is invalid"),
])
def test_bad_specs_are_one_line_errors(spec, status, message):
    ours = subprocess.run([*WIREPY, "stats", str(SAMPLE), "-z", spec], capture_output=True,
                          text=True, timeout=120)
    assert ours.returncode == status
    assert ours.stdout == ""
    assert ours.stderr.startswith("wirepy: ") and message in ours.stderr
    assert "Traceback" not in ours.stderr


def test_missing_file_and_bad_display_filter():
    missing = subprocess.run([*WIREPY, "stats", "/nonexistent.pcap", "-z", "io,phs"],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "doesn't exist" in missing.stderr
    bad = subprocess.run([*WIREPY, "stats", str(SAMPLE), "-z", "io,phs", "-Y", "ip.src =="],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stdout == "" and "Traceback" not in bad.stderr
