"""wirepy.follow and ``wirepy stats -z follow,...`` against ``tshark -q -z
follow,PROTO,MODE,N``: byte for byte on Wireshark's captures (TCP, UDP,
HTTP, TLS with a key log, HTTP/2, QUIC) and on captures made here; the
chunks and each direction's bytes against what was sent; bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from api_fixtures import SAMPLE
from follow_fixtures import HTTP_FILES

import wirepy
from wirepy import follow

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fetch_wireshark_captures  # noqa: E402

WIREPY = [sys.executable, "-m", "wirepy"]

#: (capture, key log or None, protocol, stream, sub-stream or None)
STREAMS = [
    ("http-ooo.pcap", None, "tcp", 0, None),
    ("http-ooo.pcap", None, "http", 0, None),
    ("http.pcap", None, "tcp", 0, None),
    ("dhcp.pcap", None, "udp", 0, None),
    ("dns+icmp.pcapng.gz", None, "udp", 2, None),
    ("tcp-badsegments.pcap", None, "tcp", 0, None),
    ("tls12-dsb.pcapng", None, "tls", 1, None),
    ("tls13-rfc8446.pcap", "tls13-rfc8446.keys", "tls", 0, None),
    ("tls13-rfc8446.pcap", "tls13-rfc8446.keys", "tls", 1, None),
    ("tls12-dsb.pcapng", None, "tls", 0, None),
    ("http2-data-reassembly.pcap", "http2-data-reassembly.keys", "http2", 0, 1),
    ("http2_follow_multistream.pcapng", None, "http2", 0, 3),
    ("http2_follow_multistream.pcapng", None, "http2", 0, 5),
    ("quic_follow_multistream.pcapng", None, "quic", 0, 0),
    ("quic_follow_multistream.pcapng", None, "quic", 0, 4),
]




def _capture(name: str, keys) -> tuple:
    path = fetch_wireshark_captures.fetched_captures_dir() / name
    if not path.exists():
        pytest.skip(f"{name} is not among this Wireshark's test captures")
    if keys is None:
        return path, []
    key_file = fetch_wireshark_captures.keys_dir() / keys
    # the keys come with the captures (make test fetches both)
    assert key_file.is_file(), f"Wireshark's test key {keys} is not in {key_file.parent}"
    return path, ["-o", f"tls.keylog_file:{key_file}"]


def tshark_follow(path, spec, *extra) -> bytes:
    return subprocess.run(["tshark", "-n", "-q", "-r", str(path), "-z", spec, *extra],
                          check=True, capture_output=True, timeout=600).stdout


def _spec(proto, mode, index, sub) -> str:
    return f"follow,{proto},{mode},{index}" + (f",{sub}" if sub is not None else "")


@pytest.mark.parametrize("name, keys, proto, index, sub", STREAMS)
def test_text_byte_for_byte(name, keys, proto, index, sub):
    path, opts = _capture(name, keys)
    prefs = {"tls.keylog_file": opts[1].split(":", 1)[1]} if opts else None
    s = follow.stream(path, proto, index, sub, prefs=prefs)
    assert s.chunks, "an empty stream proves little"
    for mode in follow.MODES:
        assert s.text(mode).encode() == tshark_follow(path, _spec(proto, mode, index, sub),
                                                      *opts)
    # the chunks add up to each direction's bytes
    assert len(s.client_bytes) + len(s.server_bytes) == sum(len(c.data) for c in s.chunks)
    assert s.client_bytes == b"".join(c.data for c in s.chunks if not c.from_server)
    assert [c.packet for c in s.chunks] == sorted(c.packet for c in s.chunks) or proto == "tcp"


@pytest.mark.parametrize("name, keys, proto, index, sub", STREAMS[::3])
def test_cli_byte_for_byte(name, keys, proto, index, sub):
    path, opts = _capture(name, keys)
    specs = [_spec(proto, "raw", index, sub), _spec(proto, "hex", index, sub) + ",2-3"]
    z = [a for spec in specs for a in ("-z", spec)]
    ours = subprocess.run([*WIREPY, "stats", "-n", str(path), *z, *opts], capture_output=True,
                          timeout=600)
    theirs = subprocess.run(["tshark", "-n", "-q", "-r", str(path), *z, *opts],
                            capture_output=True, timeout=600)
    assert ours.stdout == theirs.stdout and b"Follow:" in ours.stdout
    assert ours.returncode == theirs.returncode == 0, ours.stderr


def test_cli_mixes_follow_and_statistics():
    specs = ["conv,tcp", "follow,tcp,ascii,1", "io,phs", "follow,udp,raw,0,1-2"]
    z = [a for spec in specs for a in ("-z", spec)]
    ours = subprocess.run([*WIREPY, "stats", "-n", str(SAMPLE), *z], capture_output=True,
                          timeout=600)
    theirs = subprocess.run(["tshark", "-n", "-q", "-r", str(SAMPLE), *z], capture_output=True,
                            timeout=600)
    assert ours.stdout == theirs.stdout and ours.stdout.count(b"Follow:") == 2


def test_http_capture_made_here(http_capture):
    s = follow.stream(http_capture, "tcp", 0)
    # the first connection: two GETs on one keep-alive connection
    assert s.client_bytes.startswith(b"GET /index.html HTTP/1.1\r\n")
    assert s.client_bytes.count(b"GET ") == 2
    assert HTTP_FILES["index.html"] in s.server_bytes
    assert HTTP_FILES["big.bin"] in s.server_bytes
    assert s.client.port != 80 and s.server.port == 80
    assert s.client.address.startswith("127.") and s.server.address.startswith("127.")
    assert not s.chunks[0].from_server and s.chunks[-1].from_server
    assert all(c.time > 1e9 for c in s.chunks)
    for mode in ("raw", "hex"):
        assert s.text(mode).encode() == tshark_follow(http_capture, f"follow,tcp,{mode},0")
    # HTTP's follower shows the same bytes, reassembled by HTTP
    h = follow.stream(http_capture, "http", 2)
    assert h.client_bytes.startswith(b"GET /data.json")
    assert h.server_bytes.endswith(HTTP_FILES["data.json"])


def test_tls_capture_made_here_decrypts_with_the_key_log(tls_capture):
    pcap, keylog, port = tls_capture
    plain = follow.stream(pcap, "tls", 0, keylog_file=keylog)
    assert plain.client_bytes.startswith(b"GET /tls12 HTTP/1.1")
    assert b"secret body /tls12" in plain.server_bytes
    assert plain.text().encode() == tshark_follow(pcap, "follow,tls,raw,0", "-o",
                                                  f"tls.keylog_file:{keylog}")
    # without the keys TLS has nothing to show; TCP still has the records
    with pytest.raises(follow.StreamNotFoundError, match="no tls stream 1"):
        follow.stream(pcap, "tls", 1)
    assert b"secret body" not in follow.stream(pcap, "tcp", 1).server_bytes


def test_listener_in_an_iteration_equals_the_one_call(http_capture):
    tcp1, http0 = follow.Stream("tcp", 1), follow.Stream("http", 0)
    seen = sum(1 for _ in wirepy.FileCapture(http_capture, taps=[tcp1, http0]))
    assert seen > 10
    assert tcp1.chunks == follow.stream(http_capture, "tcp", 1).chunks
    assert http0.chunks == follow.stream(http_capture, "http", 0).chunks
    # a second read starts again (the results are the last read's)
    for _ in wirepy.FileCapture(http_capture, taps=[tcp1], fields=["frame.number"]):
        pass
    assert tcp1.chunks == follow.stream(http_capture, "tcp", 1).chunks
    assert tcp1.reads == 2


def test_a_read_without_follow_listeners_is_unchanged(http_capture):
    fields = ["frame.number", "tcp.stream", "tcp.len", "http.request.uri"]

    def rows(taps):
        return [tuple(p.get(f) for f in fields)
                for p in wirepy.FileCapture(http_capture, fields=fields, taps=taps)]

    s = follow.Stream("tcp", 0)
    plain = rows([])
    assert plain == rows([s]) and s.chunks
    assert len(plain) > 10 and any(r[3] for r in plain)


def test_protocols():
    assert {"tcp", "udp", "tls", "http", "http2", "quic"} <= set(follow.protocols())


@pytest.mark.parametrize("args, error, message", [
    (("nosuch", 0), follow.UnknownFollowProtocolError, "no follow stream for protocol 'nosuch'"),
    (("tcp", -1), follow.FollowSpecError, "stream index -1"),
    (("tcp", "0"), follow.FollowSpecError, "stream index '0'"),
    (("http2", 0), follow.FollowSpecError, "needs a sub-stream"),
    (("quic", 0, -2), follow.FollowSpecError, "sub-stream -2"),
    (("udp", 0, 1), follow.FollowSpecError, "udp streams have no sub-streams"),
])
def test_bad_streams(args, error, message):
    with pytest.raises(error, match=message):
        follow.Stream(*args)
    assert issubclass(error, (follow.FollowError, ValueError))


def test_a_stream_out_of_range():
    with pytest.raises(follow.StreamNotFoundError, match="has no tcp stream 999"):
        follow.stream(SAMPLE, "tcp", 999)
    s = follow.Stream("tcp", 999)
    for _ in wirepy.FileCapture(SAMPLE, taps=[s]):
        pass
    assert not s.found and s.chunks == [] and s.client_bytes == b""
    # tshark prints the empty stream
    assert s.text("ascii").encode() == tshark_follow(SAMPLE, "follow,tcp,ascii,999")


@pytest.mark.parametrize("spec, message", [
    ("follow,tcp,raw", "follow,PROTO,MODE,N"),
    ("follow,tcp,ebcdic,0", "invalid display mode 'ebcdic'"),
    ("follow,tcp,raw,0,3-1", "invalid chunk range"),
    ("follow,tcp,raw,0,1,2", "invalid parameter"),
    ("follow,tcp,raw,10.0.0.1:80,10.0.0.2:1234", "invalid stream index"),
    ("follow,nosuch,raw,0", "no follow stream for protocol 'nosuch'"),
])
def test_bad_specs(spec, message):
    with pytest.raises(follow.FollowError, match=message):
        follow.from_spec(spec)
    ours = subprocess.run([*WIREPY, "stats", str(SAMPLE), "-z", spec], capture_output=True,
                          text=True, timeout=120)
    assert ours.returncode == 1 and ours.stdout == ""
    assert ours.stderr.startswith("wirepy: ") and "Traceback" not in ours.stderr


def test_a_bad_preference_is_a_one_line_error():
    ours = subprocess.run([*WIREPY, "stats", str(SAMPLE), "-z", "follow,tcp,raw,0", "-o",
                           "nosuch.pref:1"], capture_output=True, text=True, timeout=120)
    assert ours.returncode != 0 and ours.stderr.startswith("wirepy: ")
    assert "Traceback" not in ours.stderr


def test_a_stream_found_by_a_filter(http_capture):
    s = follow.stream(http_capture, "http", match='http.request.uri contains "data.json"')
    assert s.index == 2 and s.chunks == follow.stream(http_capture, "http", 2).chunks
    assert follow.stream_of(http_capture, "tcp", "http.response.code == 200") == (0, None)
    with pytest.raises(follow.StreamNotFoundError, match="matches 'udp'"):
        follow.stream(http_capture, "tcp", match="udp")
    with pytest.raises(follow.UnknownFollowProtocolError, match="'sip'"):
        follow.stream_of(http_capture, "sip", "sip")
    path, _ = _capture("http2_follow_multistream.pcapng", None)
    assert follow.stream_of(path, "http2", "http2.streamid == 13") == (0, 13)
    # the first packet carrying stream 5 carries 0 and 3 first: 3 (0 is the connection's)
    assert follow.stream_of(path, "http2", "http2.streamid == 5") == (0, 3)
    h2 = follow.stream(path, "http2", match="http2.streamid == 13")
    assert (h2.index, h2.sub_stream) == (0, 13) and h2.chunks
