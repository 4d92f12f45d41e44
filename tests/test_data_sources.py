"""Every data source of a packet (frame, reassembled, decrypted,
decompressed buffers), compared with what ``tshark -x`` prints."""

import subprocess
import sys

import pytest
import wireshark_series
from api_fixtures import SAMPLE
from source_fixtures import parse_hex_dump, tshark, ws_capture

import wirepy
from wirepy import show

# captures with reassembly, decryption (secrets in the file), decompression,
# de-chunking and base64 decoding
#: the title of the packet's own bytes (tshark -x)
FRAME = wireshark_series.FRAME_SOURCE_TITLE
CAPTURES = ["tls12-dsb.pcapng", "http2-brotli.pcapng", "http-brotli.pcapng",
            "grpc_web.pcapng.gz", "smb311-lz77-lz77huff-lznt1.pcap.gz",
            "wireguard-ping-tcp-dsb.pcapng", "tls-fragmented-handshakes.pcap.gz"]


def _sources(path, **kw):
    return [[(s.name, s.data) for s in pkt.data_sources]
            for pkt in wirepy.FileCapture(path, **kw)]


@pytest.mark.parametrize("name", CAPTURES)
def test_data_sources_are_tshark_x(name):
    path = ws_capture(name)
    want = parse_hex_dump(tshark("-n", "-r", path, "-x").decode())
    got = _sources(path)
    assert len(got) == len(want)
    extra = 0
    for ours, theirs in zip(got, want):
        if len(ours) == 1:
            assert theirs == [(None, ours[0][1])]
            continue
        extra += 1
        # tshark stops at the first empty source
        n = next((i + 1 for i, (_, d) in enumerate(ours) if not d), len(ours))
        assert ours[:n] == theirs
    assert extra, f"{name}: no packet with more than the frame (nothing compared)"


def test_decrypted_and_reassembled_names_and_bytes():
    path = ws_capture("tls12-dsb.pcapng")
    packets = list(wirepy.FileCapture(path))
    names = {s.title for pkt in packets for s in pkt.data_sources}
    assert {FRAME, "Reassembled TCP", "Decrypted TLS"} <= names
    pkt = next(p for p in packets if "Decrypted TLS" in [s.title for s in p.data_sources])
    decrypted = pkt.data_source("Decrypted TLS")
    assert decrypted == pkt.data_source(pkt.data_sources[1].name)
    assert pkt.data_sources[0].data == pkt.raw
    # the items dissected from the decrypted buffer point into it
    nodes = [n for n in pkt.tree if n.data_source and n.data_source.startswith("Decrypted")]
    assert nodes
    for node in nodes:
        assert node.data_source_bytes == decrypted
        assert node.bytes == decrypted[node.offset:node.offset + node.length]
    with pytest.raises(KeyError, match="no data source 'Nope'"):
        pkt.data_source("Nope")


def test_node_bytes_of_the_frame():
    pkt = next(iter(wirepy.FileCapture(SAMPLE, display_filter="ip")))
    ip = pkt.ip.get_field("ip.src")
    assert ip.bytes == pkt.raw[ip.offset:ip.offset + 4]
    assert pkt.tree.data_source_bytes(0) == pkt.raw
    assert pkt.tree.data_source_bytes(5) is None


def test_field_reads_have_no_data_sources_unless_asked():
    pkt = next(iter(wirepy.FileCapture(SAMPLE, fields=["ip.src"])))
    with pytest.raises(AttributeError, match="come with the protocol tree"):
        _ = pkt.data_sources
    pkt = next(iter(wirepy.FileCapture(SAMPLE, fields=["ip.src"], data_sources=True)))
    assert pkt.data_sources == [(f"{FRAME} ({len(pkt.raw)} bytes)", pkt.raw)]


@pytest.mark.parametrize("name", CAPTURES[:5])
@pytest.mark.parametrize("kw", [{"fields": ["frame.number", "tcp.port"]},
                                {"fields": [], "display_filter": "tcp", "typed": False}])
def test_field_reads_that_ask_have_the_trees_sources(name, kw):
    path = ws_capture(name)
    fast = [(p.number, p.data_sources)
            for p in wirepy.FileCapture(path, data_sources=True, **kw)]
    trees = [(p.number, p.data_sources)
             for p in wirepy.FileCapture(path, display_filter=kw.get("display_filter"))]
    assert fast == trees
    assert any(len(sources) > 1 for _, sources in fast)


def test_dissector_packets_carry_their_sources():
    pkt = wirepy.dissect(next(iter(wirepy.FileCapture(SAMPLE))).raw)
    assert [s.title for s in pkt.data_sources] == [FRAME]
    assert pkt.data_sources[0].data == pkt.raw


@pytest.mark.parametrize("verbose", [[], ["-V"]])
@pytest.mark.parametrize("name", ["tls12-dsb.pcapng", "grpc_web.pcapng.gz"])
def test_read_x_is_tshark_x(name, verbose):
    path = ws_capture(name)
    ours = subprocess.run([sys.executable, "-m", "wirepy", "read", "-n", *verbose, "-x",
                           str(path)], capture_output=True, check=True, timeout=300).stdout
    assert ours == tshark("-n", "-r", path, *verbose, "-x")


def test_hex_lines_follow_the_sources():
    path = ws_capture("tls12-dsb.pcapng")
    pkt = next(p for p in wirepy.FileCapture(path) if len(p.data_sources) > 1)
    lines = list(show.data_source_lines(pkt))
    assert lines[0] == pkt.data_sources[0].name + ":"
    assert pkt.data_sources[1].name + ":" in lines


def test_decrypted_tls_with_a_key_log_is_tshark_x(tls_capture):
    pcap, keylog, port = tls_capture
    want = parse_hex_dump(tshark("-n", "-r", pcap, "-o", f"tls.keylog_file:{keylog}",
                                 "-d", f"tcp.port=={port},tls", "-x").decode())
    got = _sources(pcap, keylog_file=keylog, decode_as={f"tcp.port=={port}": "tls"})
    decrypted = [src for pkt in got for src in pkt if src[0].startswith("Decrypted TLS")]
    assert decrypted, "nothing decrypted"
    assert len(got) == len(want)
    for ours, theirs in zip(got, want):
        if len(ours) == 1:
            assert theirs == [(None, ours[0][1])]
        else:
            n = next((i + 1 for i, (_, d) in enumerate(ours) if not d), len(ours))
            assert ours[:n] == theirs
    # without the key log, no decrypted buffer
    plain = _sources(pcap, decode_as={f"tcp.port=={port}": "tls"})
    assert not [s for pkt in plain for s in pkt if s[0].startswith("Decrypted TLS")]
