"""LiveCapture on the loopback interface, with traffic the test sends."""

import _thread
import os
import socket
import threading
import time

import pytest
from dumpcap_fixtures import child_dumpcaps as dumpcap_children

import wirepy
from wirepy.lib import dumpcap

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 and not os.access("/usr/bin/dumpcap", os.X_OK),
    reason="capturing on lo needs root (or a dumpcap with capture capabilities)")


@pytest.fixture(autouse=True)
def no_dumpcap_left():
    yield
    deadline = time.monotonic() + 10
    while dumpcap_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert dumpcap_children() == []


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send_later(port, count, delay=1.0, gap=0.02):
    def send():
        time.sleep(delay)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for i in range(count):
                s.sendto(b"wirepy live %03d" % i, ("127.0.0.1", port))
                time.sleep(gap)
    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def test_capture_stops_by_count_and_dissects():
    port = free_port()
    send_later(port, 8)
    cap = wirepy.LiveCapture("lo", capture_filter=f"udp port {port}",
                             fields=["udp.payload", "ip.dst", "udp.dstport"],
                             packet_count=5, timeout=20)
    pkts = list(cap)
    assert [p["udp.payload"] for p in pkts] == [b"wirepy live %03d" % i for i in range(5)]
    assert all(str(p["ip.dst"]) == "127.0.0.1" and p["udp.dstport"] == port for p in pkts)
    assert [p.number for p in pkts] == [1, 2, 3, 4, 5]


def test_full_tree_display_filter_and_output_file(tmp_path):
    port = free_port()
    send_later(port, 6)
    out = tmp_path / "live capture é.pcapng"
    cap = wirepy.LiveCapture("lo", capture_filter=f"udp port {port}",
                             display_filter='udp.payload contains "live 00"',
                             output_file=out, timeout=4)
    pkts = cap.sniff()
    assert len(pkts) == 6   # "live 000" ... "live 005"
    assert pkts[0].columns.protocol == "UDP" and pkts[0].udp.dstport == port
    # the file dumpcap wrote holds every packet, readable by the wiretap layer
    from wirepy.lib import wtap
    with wtap.WTAP.open_offline(str(out)) as w:
        assert sum(1 for _ in w) == 6


def test_capture_stops_by_timeout():
    start = time.monotonic()
    pkts = wirepy.LiveCapture("lo", capture_filter=f"udp port {free_port()}").sniff(timeout=2)
    assert pkts == []
    assert time.monotonic() - start < 12


def test_ctrl_c_stops_an_idle_capture():
    cap = wirepy.LiveCapture("lo", capture_filter=f"udp port {free_port()}")
    timer = threading.Timer(2.0, _thread.interrupt_main)
    timer.start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        for _ in cap:
            pass
    assert time.monotonic() - start < 10
    timer.cancel()


def test_sniff_returns_what_arrived_on_interrupt():
    port = free_port()
    send_later(port, 3, delay=0.8)
    timer = threading.Timer(4.0, _thread.interrupt_main)
    timer.start()
    pkts = wirepy.LiveCapture("lo", capture_filter=f"udp port {port}",
                              fields=["udp.payload"]).sniff()
    timer.cancel()
    assert [p["udp.payload"] for p in pkts] == [b"wirepy live %03d" % i for i in range(3)]


def test_ring_buffer_is_followed_across_files():
    port = free_port()
    send_later(port, 40, gap=0.01)
    cap = wirepy.LiveCapture("lo", capture_filter=f"udp port {port}", fields=["udp.payload"],
                             packet_count=40, timeout=20, ringbuffer_filesize=1,
                             ringbuffer_files=100)
    pkts = list(cap)
    assert [p["udp.payload"] for p in pkts] == [b"wirepy live %03d" % i for i in range(40)]
    assert len(cap.files) >= 2


def test_bad_interface_and_bad_filter_raise():
    with pytest.raises(wirepy.LiveCaptureError):
        list(wirepy.LiveCapture("no-such-interface0", timeout=5))
    with pytest.raises(wirepy.LiveCaptureError, match="syntax error|parse filter"):
        list(wirepy.LiveCapture("lo", capture_filter="not a ( filter", timeout=5))
    assert issubclass(wirepy.LiveCaptureError, wirepy.WirepyError)
    assert dumpcap.DUMPCAP_BIN


def test_packet_count_holds_across_a_ring_buffer_switch():
    """Packets read at a file switch (the rest of the old file) count too."""
    port = free_port()
    send_later(port, 60, gap=0)
    cap = wirepy.LiveCapture("lo", capture_filter=f"udp port {port}", fields=["udp.payload"],
                             packet_count=5, timeout=20, ringbuffer_filesize=1,
                             ringbuffer_files=100)
    pkts = list(cap)
    assert [p["udp.payload"] for p in pkts] == [b"wirepy live %03d" % i for i in range(5)]


def test_a_capture_that_fails_to_start_frees_the_epan_session():
    """The next capture works while the failed one's traceback is still kept."""
    with pytest.raises(TypeError) as kept:
        list(wirepy.LiveCapture("lo", packet_count=1, no_such_option=3))
    assert "no_such_option" in str(kept.value)
    sample = os.path.join(os.path.dirname(__file__), "..", "examples", "sample.pcapng")
    assert len(list(wirepy.FileCapture(sample, fields=["frame.number"]))) == 26


def test_sniff_continuously_as_pyshark():
    port = free_port()
    send_later(port, 6)
    cap = wirepy.LiveCapture("lo", capture_filter=f"udp port {port}", timeout=20)
    got = [p.udp.payload for p in cap.sniff_continuously(packet_count=3)]
    assert got == [b"wirepy live %03d" % i for i in range(3)]
    assert cap.packet_count is None          # the limit was for that call only
