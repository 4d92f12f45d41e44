"""reset_every (tshark -M): a new epan session every N packets, with the
frame numbering going on, per-packet fields unchanged, a warning for the
fields a reset breaks, and memory that stops growing."""

import json
import os
import random
import socket
import struct
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest
import wireshark_series
from epan_fixtures import dns_query, dns_response, eth, ipv4, tcp, udp, write_pcap

import wirepy
from wirepy.errors import SessionResetWarning
from wirepy.lib import taps
from wirepy.settings import cross_packet_reason

ROOT = Path(__file__).resolve().parents[1]
MAC_A, MAC_B = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")
#: fields each packet carries on its own: a reset must not change them
PER_PACKET = ["frame.number", "frame.len", "frame.time_relative", "frame.time_delta",
              "ip.src", "ip.dst", "udp.srcport", "udp.dstport", "dns.qry.name",
              "dns.a", "tcp.srcport", "tcp.flags"]
#: fields that relate packets, as the reset breaks them
CROSS = ["udp.stream", "tcp.stream", "dns.response_to", "dns.time"]
N = 6000


def mixed_frames(n: int, seed: int = 7):
    """*n* frames: random UDP datagrams, DNS queries each answered two
    packets later, and TCP segments of a few connections, in turn."""
    rng = random.Random(seed)
    frames = []
    t = 1_700_000_000.0
    pending = []
    while len(frames) < n:
        t += 0.001
        kind = len(frames) % 5
        if pending and pending[0][0] <= len(frames):
            _, name, qid, src, sport = pending.pop(0)
            payload = udp(53, sport, dns_response(name, bytes([192, 0, 2, qid % 250 + 1]),
                                                  qid))
            frames.append((t, eth(MAC_A, MAC_B, 0x0800,
                                  ipv4(b"\x0a\x00\x00\x35", src, 17, payload))))
        elif kind == 1:
            qid = rng.randrange(1, 65535)
            name = f"host{qid}.example"
            src = bytes([10, 9, rng.randrange(256), rng.randrange(1, 255)])
            sport = rng.randrange(1024, 65536)
            frames.append((t, eth(MAC_B, MAC_A, 0x0800,
                                  ipv4(src, b"\x0a\x00\x00\x35", 17,
                                       udp(sport, 53, dns_query(name, qid))))))
            pending.append((len(frames) + 2, name, qid, src, sport))
        elif kind == 3:
            conn = rng.randrange(4)
            frames.append((t, eth(MAC_B, MAC_A, 0x0800,
                                  ipv4(b"\x0a\x07\x00\x01", b"\x0a\x07\x00\x02", 6,
                                       tcp(40000 + conn, 8080, 1000 + len(frames) * 10, 1,
                                           0x18, b"x" * 10)))))
        else:
            frames.append((t, eth(MAC_B, MAC_A, 0x0800,
                                  ipv4(bytes([10, 1, rng.randrange(256), rng.randrange(1, 255)]),
                                       bytes([10, 2, rng.randrange(256), rng.randrange(1, 255)]),
                                       17, udp(rng.randrange(1024, 65536), 9000,
                                               rng.randbytes(rng.randrange(8, 40)))))))
    return frames


@pytest.fixture(scope="module")
def mixed_pcap(tmp_path_factory):
    path = tmp_path_factory.mktemp("reset") / "mixed.pcap"
    write_pcap(path, mixed_frames(N))
    return path


def strings(path, fields, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SessionResetWarning)
        cap = wirepy.FileCapture(path, fields=fields, **kw)
    return [[pkt.field_strings(name) for name in fields] for pkt in cap]


def test_per_packet_fields_are_those_of_one_session(mixed_pcap):
    plain = strings(mixed_pcap, PER_PACKET)
    assert len(plain) == N
    for every in (1000, 777):
        reset = strings(mixed_pcap, PER_PACKET, reset_every=every)
        assert reset == plain
    # numbering goes on over the resets (tshark -M starts again at 1)
    assert [int(row[0][0]) for row in reset] == list(range(1, N + 1))


def test_cross_packet_fields_start_afresh_at_each_reset(mixed_pcap):
    plain = strings(mixed_pcap, ["frame.number"] + CROSS)
    # queries are answered 3 packets later: some straddle every 998th
    reset = strings(mixed_pcap, ["frame.number"] + CROSS, reset_every=998)
    udp_plain = [int(r[1][0]) for r in plain if r[1]]
    udp_reset = [(int(r[0][0]), int(r[1][0])) for r in reset if r[1]]
    # stream indexes: up to thousands in one session, from 0 in each period
    assert max(udp_plain) > 2000
    assert max(s for _, s in udp_reset) < 1000
    assert min(s for num, s in udp_reset if num > 1000) == 0
    # a response whose query was read before the reset has no link back
    lost = [r for r, p in zip(reset, plain) if p[3] and not r[3]]
    # (a query is packet 5k+2, its answer 5k+5: a reset after packet B
    # parts them when B is 5k+2, 5k+3 or 5k+4)
    assert len(lost) == sum(1 for b in range(998, N, 998) if b % 5 in (2, 3, 4)) == 4
    assert all((int(r[0][0]) - 1) % 998 < 3 and not r[4] for r in lost)
    # everywhere else the links are the same
    assert sum(1 for r, p in zip(reset, plain) if r[3] == p[3] and p[3]) > 100


def test_warning_names_cross_packet_fields(mixed_pcap):
    for name in ("tcp.stream", "udp.stream", "tcp.analysis.ack_rtt", "dns.response_in",
                 "dns.time", "tcp.reassembled_in", "tcp.seq", "http.request_in"):
        assert cross_packet_reason(name), name
        with pytest.warns(SessionResetWarning, match=name.replace(".", r"\.")):
            wirepy.FileCapture(mixed_pcap, fields=["ip.src", name], reset_every=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wirepy.FileCapture(mixed_pcap, fields=PER_PACKET, reset_every=100)
        wirepy.FileCapture(mixed_pcap, reset_every=100)            # the full tree
        wirepy.FileCapture(mixed_pcap, fields=CROSS)              # no resets
    for name in PER_PACKET + ["tcp.seq_raw", "frame.time_delta_displayed", "ip.id"]:
        assert cross_packet_reason(name) is None, name


@pytest.mark.parametrize("bad", [0, -5, 2.5, "100", True, [10]])
def test_bad_values_are_refused(mixed_pcap, bad):
    with pytest.raises(ValueError, match="reset_every"):
        wirepy.FileCapture(mixed_pcap, fields=["ip.src"], reset_every=bad)
    with pytest.raises(ValueError, match="reset_every"):
        wirepy.Dissector(fields=["ip.src"], reset_every=bad)
    with pytest.raises(ValueError, match="reset_every"):
        wirepy.LiveCapture("lo", fields=["ip.src"], reset_every=bad)
    with pytest.raises(ValueError, match="reset_every"):
        wirepy.to_dataframe(mixed_pcap, ["ip.src"], reset_every=bad)


def test_not_with_two_pass_or_taps(mixed_pcap):
    with pytest.raises(ValueError, match="two_pass"):
        wirepy.FileCapture(mixed_pcap, fields=["ip.src"], two_pass=True, reset_every=10)
    with pytest.raises(ValueError, match="taps"):
        wirepy.FileCapture(mixed_pcap, fields=["ip.src"], taps=[taps.TapCounter("ip")],
                           reset_every=10)


def test_indexing_reads_without_resets(mixed_pcap):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SessionResetWarning)
        cap = wirepy.FileCapture(mixed_pcap, fields=["udp.stream"], reset_every=500)
    try:
        assert int(cap[N - 1]["udp.stream"]) > 2000    # one session: indexes go on
    finally:
        cap.close()


def test_to_dataframe_forwards_it(mixed_pcap):
    pytest.importorskip("pandas")
    with pytest.warns(SessionResetWarning, match="udp.stream"):
        df = wirepy.to_dataframe(mixed_pcap, ["frame.number", "ip.src", "udp.stream"],
                                 reset_every=1000)
    assert list(df["frame.number"]) == list(range(1, N + 1))
    assert df["udp.stream"].max() < 1000
    plain = wirepy.to_dataframe(mixed_pcap, ["frame.number", "ip.src", "udp.stream"])
    assert list(df["ip.src"].astype(str)) == list(plain["ip.src"].astype(str))


def test_dissector_resets_every_n_frames():
    frames = [data for _, data in mixed_frames(1200, seed=3)]
    fields = ["ip.src", "udp.srcport", "dns.qry.name", "frame.len", "udp.stream"]
    with wirepy.Dissector(fields=fields) as d:
        plain = [d.dissect(f, time_ns=i * 1000) for i, f in enumerate(frames)]
    with pytest.warns(SessionResetWarning, match="udp.stream"):
        d = wirepy.Dissector(fields=fields, reset_every=400)
    with d:
        reset = [d.dissect(f, time_ns=i * 1000) for i, f in enumerate(frames)]
    assert [p.number for p in reset] == list(range(1, 1201))
    for name in fields[:4]:
        assert [p.field_strings(name) for p in reset] == [p.field_strings(name) for p in plain]
    streams = [p.field_strings("udp.stream") for p in reset]
    # frame 401 is the first of a new session: its UDP conversation is stream 0
    first = next(i for i in range(400, 1200) if streams[i])
    assert streams[first] == ["0"]
    assert max(int(s[0]) for s in streams if s) < 400 < max(
        int(p.field_strings("udp.stream")[0]) for p in plain if p.field_strings("udp.stream"))


def _tshark_M(path, n, fields):
    cmd = ["tshark", "-n", "-r", str(path), "-M", str(n), "-T", "fields"]
    for name in fields:
        cmd += ["-e", name]
    return subprocess.run(cmd, capture_output=True, check=True, timeout=300).stdout


def _wirepy_cli(*args):
    return subprocess.run([sys.executable, "-m", "wirepy", *args], capture_output=True,
                          timeout=300, cwd=str(ROOT))


def test_cli_M_prints_what_tshark_M_prints(mixed_pcap):
    # tshark -M numbers each session's frames from 1 again, where wirepy
    # goes on: the fields made of frame numbers are compared apart
    numbered = ["frame.number", "frame.time_delta", "dns.response_to"]
    fields = [f for f in PER_PACKET + CROSS if f not in numbered]
    args = [a for f in fields for a in ("-e", f)]
    out = _wirepy_cli("fields", "-n", "-M", "1000", *args, str(mixed_pcap))
    assert out.returncode == 0, out.stderr
    assert out.stdout == _tshark_M(mixed_pcap, 1000, fields)
    assert out.stdout != _tshark_M(mixed_pcap, 100000, fields)   # the resets show
    # the warning, once, as a line of the command
    assert out.stderr.decode().count("wirepy: warning:") == 1
    assert "udp.stream" in out.stderr.decode()
    ours = _wirepy_cli("fields", "-n", "-M", "1000", *[a for f in numbered for a in ("-e", f)],
                       str(mixed_pcap)).stdout.decode().splitlines()
    theirs = _tshark_M(mixed_pcap, 1000, numbered).decode().splitlines()
    plain = _wirepy_cli("fields", "-n", "-e", "frame.time_delta",
                        str(mixed_pcap)).stdout.decode().splitlines()
    assert [line.split("\t")[0] for line in ours] == [str(i) for i in range(1, N + 1)]
    assert [line.split("\t")[0] for line in theirs][999:1001] == ["1000", "1"]
    # wirepy's deltas are those of one session; tshark's are lost on the
    # first two packets of each new session (it looks its previous frame
    # up by a number it has given again)
    assert [line.split("\t")[1] for line in ours] == plain
    assert sum(a != b for a, b in zip(ours, theirs) if a.split("\t")[1] != b.split("\t")[1]) \
        == 2 * (N // 1000 - (N % 1000 == 0))
    # a response's link: the same frame, numbered on by wirepy
    for i, (a, b) in enumerate(zip(ours, theirs)):
        ref, theirs_ref = a.split("\t")[2], b.split("\t")[2]
        assert (ref == "") == (theirs_ref == "")
        if ref:
            assert int(ref) == int(theirs_ref) + i // 1000 * 1000


def test_cli_M_errors(mixed_pcap):
    out = _wirepy_cli("fields", "-M", "100", "-2", "-e", "ip.src", str(mixed_pcap))
    assert out.returncode == 1
    assert b"-M does not support two-pass analysis" in out.stderr
    for bad in ("0", "-3", "x"):
        out = _wirepy_cli("read", "-M", bad, str(mixed_pcap))
        assert out.returncode == 2 and b"-M" in out.stderr and b"Traceback" not in out.stderr


def test_cli_read_and_json_take_M(mixed_pcap):
    # the summary lines of datagrams only: TCP's and DNS's Info tells what
    # the conversation saw so far, which a reset forgets
    only = "udp.dstport == 9000"
    plain = _wirepy_cli("read", "-n", "-Y", only, str(mixed_pcap))
    reset = _wirepy_cli("read", "-n", "-Y", only, "-M", "700", str(mixed_pcap))
    assert reset.returncode == 0, reset.stderr
    assert len(plain.stdout.splitlines()) > 2000
    assert reset.stdout.splitlines() == plain.stdout.splitlines()
    out = _wirepy_cli("json", "-M", "700", "-e", "frame.number", "-e", "ip.dst",
                      str(mixed_pcap))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == N and json.loads(lines[-1])["number"] == N


@pytest.mark.skipif(os.geteuid() != 0 and not os.access("/usr/bin/dumpcap", os.X_OK),
                    reason="capturing on lo needs root (or a dumpcap with capture capabilities)")
def test_live_capture_resets():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def send():
        time.sleep(1.0)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as out:
            for i in range(12):
                out.sendto(b"reset %02d" % i, ("127.0.0.1", port))
                time.sleep(0.02)

    threading.Thread(target=send, daemon=True).start()
    with pytest.warns(SessionResetWarning, match="udp.stream"):
        cap = wirepy.LiveCapture("lo", capture_filter=f"udp port {port}",
                                 fields=["udp.payload", "udp.stream"], packet_count=12,
                                 timeout=20, reset_every=5)
    pkts = list(cap)
    assert [p["udp.payload"] for p in pkts] == [b"reset %02d" % i for i in range(12)]
    assert [p.number for p in pkts] == list(range(1, 13))
    # one datagram flow: stream 0 in every session, as each reset forgets it
    assert {p["udp.stream"] for p in pkts} == {0}


RSS_CHILD = r"""
import json, sys, wirepy
path, every = sys.argv[1], int(sys.argv[2])
def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
rss = {}
kw = {"reset_every": every} if every else {}
fields = ["frame.number", "ip.src", "ip.dst", "udp.srcport", "frame.len"]
for pkt in wirepy.FileCapture(path, fields=fields, **kw):
    if pkt.number in (100000, 300000):
        rss[pkt.number] = rss_kib()
print(json.dumps(rss))
"""


def _random_udp(path, n):
    rng = random.Random(11)
    hdr = MAC_A + MAC_B + b"\x08\x00"
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            payload = rng.randbytes(24)
            frame = hdr + ipv4(bytes([10, 0, rng.randrange(256), rng.randrange(1, 255)]),
                               bytes([10, 1, rng.randrange(256), rng.randrange(1, 255)]), 17,
                               udp(rng.randrange(1024, 65536), rng.randrange(1024, 65536),
                                   payload))
            f.write(struct.pack("<IIII", 1_600_000_000 + i // 1000, i % 1000, len(frame),
                                len(frame)) + frame)


def test_memory_stays_bounded_with_resets(tmp_path):
    """300k small UDP datagrams of random addresses and ports (a new
    conversation nearly every packet): without resets libwireshark keeps
    about 0.7 kB per conversation (about 140 MiB from 100k to 300k
    packets); with a reset every 20,000 packets the growth is one period's
    state and the name tables' leftovers (about 1 MiB a reset). Each read
    in a fresh interpreter."""
    path = tmp_path / "udp300k.pcap"
    _random_udp(path, 300_000)
    growth = {}
    for every in (0, 20_000):
        out = subprocess.run([sys.executable, "-c", RSS_CHILD, str(path), str(every)],
                             capture_output=True, text=True, timeout=600, cwd=str(ROOT))
        assert out.returncode == 0, out.stderr
        rss = json.loads(out.stdout)
        growth[every] = (rss["300000"] - rss["100000"]) / 1024
    assert growth[0] > 100, growth
    assert growth[20_000] < 40, growth


def test_a_reset_frees_the_name_tables_it_replaces():
    """libwireshark 4.0 reads manuf, services... again for each session
    and forgets the old tables (10 MiB): the shim frees their entries."""
    code = r"""
from wirepy.lib import epan
from wirepy.lib.wireshark import lib
def rss():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
s = epan.Session()
s.recycle()
before, freed = rss(), lib.wirepy_names_reclaimed()
for _ in range(20):
    s.recycle()
print((rss() - before) / 20 / 1024, lib.wirepy_names_reclaimed() - freed)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, cwd=str(ROOT))
    assert out.returncode == 0, out.stderr
    per_reset, freed = out.stdout.split()
    if wireshark_series.SERIES == (4, 0):
        assert int(freed) > 20 * 50000          # manuf alone has 50k entries
        assert float(per_reset) < 2.0           # it was 10.7 MiB
    else:
        assert int(freed) == 0
