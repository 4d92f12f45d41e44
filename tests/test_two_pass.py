"""Two-pass reading (tshark -2) against tshark -2: forward references,
filters on them, columns, the full tree, compressed files, read errors, and
the epan layer's rules around it."""

import gzip
import subprocess
import sys

import pytest
from api_fixtures import SAMPLE, ours, tshark_fields

import wirepy
from wirepy.cli.fields_format import escape
from wirepy.lib import epan

# fields whose value names a later frame: only a second pass knows them
FORWARD = ["frame.number", "dns.response_in", "http.response_in", "icmp.resp_in",
           "icmpv6.resp_in", "tcp.reassembled_in", "frame.time_delta_displayed",
           "frame.time_relative", "tcp.stream", "tcp.analysis.acks_frame"]


@pytest.mark.parametrize("tree", [False, True], ids=["fields", "tree"])
def test_forward_references_equal_tshark_2(capture, tree):
    two = ours(capture, FORWARD, tree, two_pass=True)
    assert two == tshark_fields(capture, FORWARD, extra=["-2"])
    # and the second pass knows more than one pass does
    assert two != ours(capture, FORWARD, tree)


def test_sample_knows_responses_and_reassembly():
    pkts = list(wirepy.FileCapture(SAMPLE, fields=["dns.response_in", "http.response_in",
                                                   "tcp.reassembled_in"], two_pass=True))
    assert [p.number for p in pkts if "dns.response_in" in p] != []
    request = next(p for p in pkts if "http.response_in" in p)
    response_frame = request["http.response_in"]
    segments = [p.number for p in pkts if p.get("tcp.reassembled_in") == response_frame]
    assert len(segments) >= 2          # the first segments point at the last one


@pytest.mark.parametrize("dfilter", ["dns.response_in", "http.response_in || icmp.resp_in",
                                     "tcp.reassembled_in", "tcp"])
def test_filters_on_forward_references_equal_tshark_2(capture, dfilter):
    expected = tshark_fields(capture, ["frame.number"], dfilter, extra=["-2"])
    for fields in (["frame.number"], None):
        got = [p.number for p in wirepy.FileCapture(capture, display_filter=dfilter,
                                                      fields=fields, two_pass=True)]
        assert got == [int(row[0][0]) for row in expected]


def test_columns_and_verbose_text_equal_tshark_2(capture):
    titles = ["No.", "Time", "Source", "Destination", "Protocol", "Length", "Info"]
    expected = tshark_fields(capture, [f"_ws.col.{t}" for t in titles], extra=["-2"])
    got = [[[escape(t)] for t in pkt.columns.texts]
           for pkt in wirepy.FileCapture(capture, columns=True, two_pass=True)]
    assert got == [[c if c else [""] for c in row] for row in expected]
    for verbose in ([], ["-V"]):
        ours_out = subprocess.run([sys.executable, "-m", "wirepy", "read", "-n", "-2", *verbose,
                                   str(capture)],
                                  capture_output=True, check=True).stdout
        want = subprocess.run(["tshark", "-n", "-2", *verbose, "-r", str(capture)],
                              capture_output=True, check=True).stdout
        assert ours_out == want


def test_compressed_file(tmp_path):
    gz = tmp_path / "sample.pcapng.gz"
    gz.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    assert ours(gz, FORWARD, False, two_pass=True) == tshark_fields(gz, FORWARD, extra=["-2"])


def test_truncated_file_yields_the_frames_read_then_raises(tmp_path):
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(SAMPLE.read_bytes()[:3000])
    got = []
    with pytest.raises(wirepy.CaptureFileError):
        for pkt in wirepy.FileCapture(cut, fields=["frame.number", "dns.response_in"],
                                      two_pass=True):
            got.append((pkt.number, pkt.field_strings("dns.response_in")))
    out = subprocess.run(["tshark", "-2", "-r", str(cut), "-T", "fields", "-e", "frame.number",
                          "-e", "dns.response_in"], capture_output=True)
    assert out.returncode != 0 and b"cut short" in out.stderr
    want = [line.split("\t") for line in out.stdout.decode().splitlines()]
    assert [[str(n), ",".join(r)] for n, r in got] == want
    assert len(got) == 15


def test_iterating_twice_runs_two_first_passes():
    cap = wirepy.FileCapture(SAMPLE, fields=["dns.response_in"], two_pass=True)
    first = [p.field_strings("dns.response_in") for p in cap]
    assert first == [p.field_strings("dns.response_in") for p in cap]


def test_epan_layer_rules(mix_pcap):
    with epan.Session() as s, epan.OfflineFile(str(mix_pcap)) as sequential:
        d = epan.Dissect(session=s, proto_tree_visible=False)
        with pytest.raises(ValueError, match="random"):
            d.first_pass(sequential)
    with epan.Session() as s, epan.OfflineFile(str(mix_pcap), random=True) as wt:
        d = epan.Dissect(session=s, proto_tree_visible=False)
        d.prime_fields(["dns.response_in"])
        assert d.run(wt).num == 1
        with pytest.raises(epan.EpanError, match="not dissected"):
            d.first_pass(wt)
    with epan.Session(recycle_every=5) as s, epan.OfflineFile(str(mix_pcap), random=True) as wt:
        d = epan.Dissect(session=s, proto_tree_visible=False)
        with pytest.raises(ValueError, match="recycle"):
            d.first_pass(wt)
    with epan.Session() as s, epan.OfflineFile(str(mix_pcap), random=True) as wt:
        d = epan.Dissect(session=s, proto_tree_visible=False)
        d.prime_fields(["frame.number", "dns.response_in"])
        assert d.first_pass(wt, chunk=3) == 19
        with pytest.raises(epan.SessionError, match="recycled"):
            s.recycle()
        nums = []
        while (frame := d.run(wt)) is not None:
            nums.append(frame.num)
        assert nums == list(range(1, 20))


def test_ctrl_c_interrupts_the_first_pass(tmp_path):
    """The first pass runs in C in chunks, so SIGINT stops it promptly and
    the process can dissect again."""
    unit, big = tmp_path / "unit.pcapng", tmp_path / "big.pcapng"
    subprocess.run(["mergecap", "-a", "-w", str(unit)] + [str(SAMPLE)] * 100, check=True)
    subprocess.run(["mergecap", "-a", "-w", str(big)] + [str(unit)] * 100, check=True)
    script = f"""
import os, signal, threading, time, wirepy
threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
start = time.monotonic()
try:
    for p in wirepy.FileCapture({str(big)!r}, two_pass=True, fields=["ip.src"]):
        pass
    print("finished")
except KeyboardInterrupt:
    print("interrupted", time.monotonic() - start)
print(len(list(wirepy.FileCapture({str(SAMPLE)!r}, two_pass=True, fields=["ip.src"]))))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    first, count = out.stdout.split("\n")[:2]
    word, _, seconds = first.partition(" ")
    assert word == "interrupted" and float(seconds) < 2.0, out.stdout
    assert count == "26"


def test_packets_are_the_same_packets(capture):
    """Frame bytes, numbers, times and interfaces do not depend on the pass."""
    def summary(**kw):
        return [(p.number, p.time_ns, p.length, p.interface, p.raw)
                for p in wirepy.FileCapture(capture, **kw)]
    assert summary(two_pass=True) == summary()
    assert summary(fields=["ip.src"], two_pass=True) == summary(fields=["ip.src"])


def test_a_closed_sequential_side_is_refused_not_read(mix_pcap):
    """wiretap dereferences a closed sequential side: reading from it, or
    asking how far it read, raises instead; a second pass still reads at
    random offsets."""
    from wirepy.lib import wtap as wtap_layer

    with wtap_layer.WTAP.open_offline(str(mix_pcap), random=True) as w:
        w.sequential_close()
        for use in (lambda: w.read_so_far, lambda: next(w), lambda: list(w),
                    lambda: w.skip(1), lambda: w.count(), lambda: w.cleareof()):
            with pytest.raises(ValueError, match="sequential"):
                use()
        with epan.Session() as s:
            d = epan.Dissect(session=s, proto_tree_visible=False)
            with pytest.raises(ValueError, match="sequential"):
                d.run(w)
    with epan.Session() as s, wtap_layer.WTAP.open_offline(str(mix_pcap), random=True) as w:
        d = epan.Dissect(session=s, proto_tree_visible=False)
        d.prime_fields(["frame.number"])
        assert d.first_pass(w) == 19
        w.sequential_close()
        assert [f.num for f in iter(lambda: d.run(w), None)] == list(range(1, 20))
    # the CLI asks for progress while a two-pass read goes on (it crashed once)
    out = subprocess.run([sys.executable, "-m", "wirepy", "fields", "-2", str(mix_pcap),
                          "-e", "frame.number"], capture_output=True, timeout=60)
    assert out.returncode == 0 and out.stdout.split() == [b"%d" % i for i in range(1, 20)]
