"""Live captures with a real dumpcap on the loopback interface."""

import gc
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import wireshark_series
from dumpcap_fixtures import (
    assert_gone,
    file_comments,
    needs_capture,
    needs_tshark,
    read_udp_payloads,
)

from wirepy.lib import dumpcap
from wirepy.lib.dumpcap import (
    BadFilterError,
    BrokenPipe,
    CaptureSession,
    ChildError,
    DumpcapNotFound,
    Interface,
    LinkLayerType,
    NoEvents,
)

pytestmark = [needs_capture, pytest.mark.usefixtures("no_leftover_dumpcap")]

START_TIMEOUT = 10


def first_file(cap):
    """Wait for dumpcap's first SP_FILE (it is capturing from then on)."""
    event = cap.wait_for_event(timeout=START_TIMEOUT)
    assert event[0] == CaptureSession.SP_FILE, event
    return event[1]


def collect_until(cap, packets, timeout=10):
    """Events until *packets* packets are written."""
    events = []
    deadline = time.monotonic() + timeout
    while cap.packetcount < packets:
        assert time.monotonic() < deadline, (cap.packetcount, events)
        try:
            events.append(cap.wait_for_event(timeout=0.5))
        except NoEvents:
            pass
    return events


# -- module level ------------------------------------------------------------

def test_module_names():
    assert dumpcap.DUMPCAP_BIN == ("dumpcap",)
    assert dumpcap.DUMPCAP_CHECK_INTERVAL == 1.0
    assert (CaptureSession.SP_BAD_FILTER, CaptureSession.SP_DROPS,
            CaptureSession.SP_ERROR_MSG, CaptureSession.SP_FILE,
            CaptureSession.SP_PACKET_COUNT, CaptureSession.SP_SUCCESS) == \
        (66, 68, 69, 70, 80, 83)
    assert (Interface.IF_WIRED, Interface.IF_AIRPCAP, Interface.IF_PIPE, Interface.IF_STDIN,
            Interface.IF_BLUETOOTH, Interface.IF_WIRELESS, Interface.IF_DIALUP,
            Interface.IF_USB, Interface.IF_EXTCAP, Interface.IF_VIRTUAL) == tuple(range(10))


@pytest.mark.parametrize("call", [
    lambda: Interface.list_interfaces(),
    lambda: Interface.get_interface_capabilities("lo"),
    lambda: CaptureSession(interfaces=("lo",)),
    lambda: dumpcap.LiveInterfaceStats(),
])
def test_missing_dumpcap_names_the_package(monkeypatch, call):
    monkeypatch.setattr(dumpcap, "DUMPCAP_BIN", ("no-such-dumpcap-for-wirepy",))
    with pytest.raises(DumpcapNotFound, match="wireshark-common"):
        call()
    assert issubclass(DumpcapNotFound, dumpcap.DumpcapError)


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv (util-linux) missing")
def test_not_permitted_is_childerror_with_dumpcaps_message(monkeypatch, tmp_path):
    monkeypatch.setattr(dumpcap, "DUMPCAP_BIN", (
        "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "dumpcap"))
    os.chmod(tmp_path, 0o777)
    with CaptureSession(interfaces=("lo",), savefile=tmp_path / "x.pcapng") as cap:
        with pytest.raises(ChildError, match="permission"):
            for _ in cap:
                pass
    # dumpcap -S skips what it can not open; with nothing left it says so.
    with pytest.raises(ChildError, match="no interfaces on which a capture can be done"):
        dumpcap.LiveInterfaceStats()


def test_unknown_and_bad_parameters():
    with pytest.raises(TypeError):
        CaptureSession(interfaces=("lo",), no_such_parameter=1)
    with pytest.raises(ValueError):
        CaptureSession(interfaces=("lo",), snaplen=-1)
    with pytest.raises(ValueError):
        CaptureSession(interfaces=("lo",), autostop_duration="soon")


def test_arguments_are_a_list_not_a_shell():
    args, ifaces, _ = dumpcap._capture_args(
        interfaces=("lo", "eth 0; rm -rf /"), capture_filter="udp and port 1", snaplen=96,
        promiscuous=False, kernel_buffer_size=2, link_layer_type=LinkLayerType(1, "EN10MB", ""),
        max_packet_count=5, autostop_duration=1.5, autostop_filesize=10, autostop_files=2,
        savefile="/tmp/a b.pcapng", group_access=True, ringbuffer_duration=3,
        ringbuffer_filesize=4, ringbuffer_files=5, use_libpcap=True, max_buffered_packets=6,
        max_buffered_bytes=7, separate_threads=True, timestamp_type="host",
        capture_comment=["c 1", "c 2"], compression="gzip", temp_dir="/tmp")
    assert ifaces == ["lo", "eth 0; rm -rf /"]
    assert args == [
        "-f", "udp and port 1", "-s", "96", "-p", "-B", "2", "-y", "EN10MB",
        "--time-stamp-type", "host", "-i", "lo", "-i", "eth 0; rm -rf /", "-c", "5",
        "-a", "duration:1.5", "-a", "filesize:10", "-a", "files:2",
        "-b", "duration:3", "-b", "filesize:4", "-b", "files:5", "-g",
        *dumpcap._format_args(False), "-N", "6", "-C", "7", "-t",
        "--capture-comment", "c 1", "--capture-comment", "c 2",
        "--compress-type", "gzip", "--temp-dir", "/tmp", "-w", "/tmp/a b.pcapng"]
    # the file format as this dumpcap takes it: -n/-P in 4.0, -F from 4.2 on
    pcapng = dumpcap._format_args(True)
    assert pcapng in (["-n"], ["-F", "pcapng"])
    assert dumpcap._format_args(False) == (["-P"] if pcapng == ["-n"] else ["-F", "pcap"])
    args = dumpcap._capture_args(interfaces="lo")[0]
    assert args[args.index(pcapng[0]):][:len(pcapng)] == pcapng
    assert dumpcap._capture_args(interfaces="lo")[1] == ["lo"]


# -- interfaces --------------------------------------------------------------

def test_list_interfaces_has_lo():
    interfaces = Interface.list_interfaces()
    by_name = {i.name: i for i in interfaces}
    lo = by_name["lo"]
    assert lo.loopback is True
    assert "127.0.0.1" in lo.addresses
    assert isinstance(lo.number, int) and lo.number >= 1
    assert lo.interface_type == Interface.IF_WIRED
    assert str(lo) == "lo" and "loopback" in repr(lo)
    assert [i.number for i in interfaces] == sorted(i.number for i in interfaces)
    assert all(not i.loopback for i in interfaces if i.name != "lo")


def test_parse_interface_list():
    text = ("1. eth0\t\t\t0\t192.0.2.2,fd00::2\tnetwork\t\n"
            "3. lo\tvendor x\tLoopback\t0\t127.0.0.1,::1\tloopback\t\n"
            "short\tline\n"
            "4. wlan 1\t\t\t5\t\tnetwork\t\n")
    eth0, lo, wlan = Interface._parse_list(text)
    assert (eth0.name, eth0.number, eth0.vendor_name, eth0.friendly_name) == \
        ("eth0", 1, None, None)
    assert eth0.addresses == ["192.0.2.2", "fd00::2"] and eth0.loopback is False
    assert (lo.vendor_name, lo.friendly_name, lo.loopback) == ("vendor x", "Loopback", True)
    assert (wlan.name, wlan.interface_type, wlan.addresses) == ("wlan 1", 5, [])


def test_parse_interface_list_json():
    """dumpcap 4.2 and later list the interfaces as JSON (dumpcap -D -Z none
    of 4.4 and 4.6, abridged)."""
    text = ('[{"eth0":{"friendly_name":null,"vendor_description":null,"type":0,'
            '"addrs":["192.0.2.2","fd00::2"],"loopback":false,"extcap":""}},'
            '{"lo":{"friendly_name":"Loopback","vendor_description":"vendor x","type":0,'
            '"addrs":["127.0.0.1","::1"],"loopback":true,"extcap":""}},'
            '{"bluetooth-monitor":{"friendly_name":null,"vendor_description":null,"type":4,'
            '"addrs":[],"loopback":false,"extcap":""}}]\n')
    eth0, lo, bt = Interface._parse_list(text)
    assert (eth0.name, eth0.number, eth0.vendor_name, eth0.friendly_name) == \
        ("eth0", 1, None, None)
    assert eth0.addresses == ["192.0.2.2", "fd00::2"] and eth0.loopback is False
    assert (lo.number, lo.vendor_name, lo.friendly_name, lo.loopback) == \
        (2, "vendor x", "Loopback", True)
    assert (bt.name, bt.interface_type, bt.addresses) == ("bluetooth-monitor", 4, [])


def test_parse_capabilities_both_formats():
    old = dumpcap._parse_capabilities("0\n1\tEN10MB\tEthernet\n\nhost\tHost\n")
    new = dumpcap._parse_capabilities(
        '[{"lo":{"status":0,"rfmon":false,"data_link_types":[{"dlt":1,"name":"EN10MB",'
        '"description":"Ethernet"}],"data_link_types_rfmon":[],"timestamp_types":'
        '[{"name":"host","description":"Host"}]}}]\n')
    for caps in (old, new):
        assert caps.can_rfmon is False
        assert [(d.dlt, d.name, d.description) for d in caps.link_layer_types] == \
            [(1, "EN10MB", "Ethernet")]
        assert [(t.name, t.description) for t in caps.timestamp_types] == [("host", "Host")]
    with pytest.raises(ChildError):
        dumpcap._parse_capabilities('[{"lo":{"status":3}}]')


def test_capabilities_of_lo():
    can_rfmon, dlts = Interface.get_interface_capabilities("lo")
    assert can_rfmon is False
    en10mb = [d for d in dlts if d.name == "EN10MB"]
    assert en10mb and en10mb[0].dlt == 1 and en10mb[0].description == "Ethernet"
    assert str(en10mb[0]) == "EN10MB" and en10mb[0].supported
    lo = Interface("lo")
    assert lo.supported_link_layer_types == dlts
    assert lo.can_rfmon is False
    assert "host" in [str(t) for t in lo.supported_timestamp_types]
    assert lo.capabilities is lo.capabilities  # queried once


def test_capabilities_of_missing_interface():
    with pytest.raises(ChildError, match="nosuchif"):
        Interface.get_interface_capabilities("nosuchif")


# -- captures ----------------------------------------------------------------

@needs_tshark
def test_capture_exactly_n_datagrams(tmp_path, udp_peer):
    savefile = str(tmp_path / "a capture \u00e9\u6f22.pcapng")
    with CaptureSession(interfaces=("lo",), capture_filter=udp_peer.capture_filter,
                        savefile=savefile) as cap:
        assert first_file(cap) == savefile
        sent = udp_peer.send(7)
        events = collect_until(cap, 7)
        cap.stop()
        events += list(cap)
        pid = cap.pid
    assert cap.returncode == 0
    counts = [m for t, m in events if t == cap.SP_PACKET_COUNT]
    assert sum(counts) == 7 and all(n > 0 for n in counts)
    assert cap.packetcount == 7
    assert (cap.SP_DROPS, 0) in events and cap.dropcount == 0
    assert [t for t, _ in events if t == cap.SP_FILE] == []
    assert cap.files == [savefile]
    assert read_udp_payloads(savefile) == sent
    assert_gone(pid)
    with pytest.raises(NoEvents):
        cap.wait_for_event()


@needs_tshark
def test_max_packet_count_and_pcap_tempfile(udp_peer):
    with CaptureSession(interfaces=("lo",), capture_filter=udp_peer.capture_filter,
                        max_packet_count=3, use_libpcap=True) as cap:
        fname = first_file(cap)
        try:
            sent = udp_peer.send(3)
            start = time.monotonic()
            rest = list(cap)   # ends by itself
            assert time.monotonic() - start < 5
            assert cap.wait() == 0
            assert sum(m for t, m in rest if t == cap.SP_PACKET_COUNT) == 3
            with open(fname, "rb") as f:
                # a pcap file: microsecond (4.0) or, as dumpcap 4.2+ writes
                # it for -F pcap, nanosecond time stamps
                assert f.read(4) in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4",
                                     b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
            assert read_udp_payloads(fname) == sent
        finally:
            os.unlink(fname)


def test_autostop_duration_stops_on_time(udp_peer, tmp_path):
    start = time.monotonic()
    with CaptureSession(interfaces=("lo",), capture_filter=udp_peer.capture_filter,
                        autostop_duration=2, savefile=tmp_path / "t.pcapng") as cap:
        first_file(cap)
        assert list(cap) == [(cap.SP_DROPS, 0)]
        elapsed = time.monotonic() - start
    assert 1.5 <= elapsed < 6, elapsed
    assert cap.returncode == 0


def ring_capture(cap, peer, n, size=400):
    """Send *n* datagrams; returns {file: packets written to it} in order."""
    current = first_file(cap)
    per_file = {current: 0}
    sent = peer.send(n, size=size, pause=0.01)

    def account(event_type, msg):
        nonlocal current
        if event_type == cap.SP_FILE:
            current = msg
            per_file[current] = 0
        elif event_type == cap.SP_PACKET_COUNT:
            per_file[current] += msg

    deadline = time.monotonic() + 15
    while cap.packetcount < n:
        assert time.monotonic() < deadline
        try:
            account(*cap.wait_for_event(timeout=0.5))
        except NoEvents:
            pass
    cap.stop()
    for event in cap:
        account(*event)
    assert sum(per_file.values()) == n
    return per_file, sent


@needs_tshark
def test_ring_buffer_rotation(tmp_path, udp_peer):
    ring = tmp_path / "ring"
    ring.mkdir()
    with CaptureSession(interfaces=("lo",), capture_filter=udp_peer.capture_filter,
                        savefile=ring / "r.pcapng", ringbuffer_filesize=1,
                        ringbuffer_files=3) as cap:
        per_file, sent = ring_capture(cap, udp_peer, 40)
    names = list(per_file)
    assert len(names) >= 4, names
    assert cap.files == names
    on_disk = sorted(str(p) for p in ring.iterdir())
    assert on_disk == sorted(names[-3:])
    assert not any(os.path.exists(n) for n in names[:-3])
    kept = []
    for name in names[-3:]:
        payloads = read_udp_payloads(name)
        assert len(payloads) == per_file[name]
        kept += payloads
    assert kept and kept == sent[len(sent) - len(kept):]


@needs_tshark
def test_ring_buffer_compression(tmp_path, udp_peer):
    """dumpcap 4.0 gzips each ring-buffer file once it has switched away."""
    with CaptureSession(interfaces=("lo",), capture_filter=udp_peer.capture_filter,
                        savefile=tmp_path / "z.pcapng", ringbuffer_filesize=1,
                        compression="gzip") as cap:
        per_file, sent = ring_capture(cap, udp_peer, 12)
    names = list(per_file)
    assert len(names) >= 2
    if not wireshark_series.RING_BUFFER_COMPRESSES:
        # 4.6's dumpcap leaves the files as they are
        assert all(os.path.exists(n) and not os.path.exists(n + ".gz") for n in names)
        assert [p for n in names for p in read_udp_payloads(n)] == sent
        return
    deadline = time.monotonic() + 10
    while any(os.path.exists(n) for n in names[:-1]) and time.monotonic() < deadline:
        time.sleep(0.05)
    payloads = []
    for name in names[:-1]:
        with open(name + ".gz", "rb") as f:
            assert f.read(2) == b"\x1f\x8b"
        payloads += read_udp_payloads(name + ".gz")
    payloads += read_udp_payloads(names[-1])
    assert payloads == sent


@needs_tshark
def test_40_extras_comment_and_timestamp_type(tmp_path, udp_peer):
    savefile = tmp_path / "c.pcapng"
    with CaptureSession(interfaces=("lo",), capture_filter=udp_peer.capture_filter,
                        savefile=savefile, capture_comment=["first", "zweiter \u00fc"],
                        timestamp_type="host") as cap:
        first_file(cap)
        sent = udp_peer.send(2)
        collect_until(cap, 2)
    assert read_udp_payloads(str(savefile)) == sent
    assert file_comments(str(savefile)) == ["first", "zweiter \u00fc"]
    with pytest.raises(ChildError, match="time stamp type|nosuchtype"):
        with CaptureSession(interfaces=("lo",), timestamp_type="nosuchtype",
                            savefile=tmp_path / "d.pcapng") as cap:
            list(cap)


def test_bad_filter_raises_within_seconds():
    start = time.monotonic()
    with CaptureSession(interfaces=("lo",), capture_filter="not a filter(") as cap:
        with pytest.raises(BadFilterError, match="can't parse filter expression"):
            for _ in cap:
                pass
        pid = cap.pid
    assert time.monotonic() - start < 5
    assert_gone(pid)
    # The raw event and the exit status tell the same.
    with CaptureSession(interfaces=("lo",), capture_filter="not a filter(") as cap:
        assert cap.wait_for_event(timeout=START_TIMEOUT) == \
            (cap.SP_BAD_FILTER, "can't parse filter expression: syntax error")
        with pytest.raises(BadFilterError):
            cap.wait(timeout=START_TIMEOUT)
        assert cap.returncode != 0


def test_bad_interface_raises_childerror():
    with CaptureSession(interfaces=("nosuchif",)) as cap:
        with pytest.raises(ChildError, match="nosuchif") as info:
            for _ in cap:
                pass
        assert not isinstance(info.value, BadFilterError)
        pid = cap.pid
    assert_gone(pid)
    with pytest.raises(ChildError):
        cap.wait_for_event()


def test_wifi_channel_on_lo_is_childerror():
    with pytest.raises(ChildError):
        CaptureSession(interfaces=("lo",), wifi_channel="2412")


def test_killed_dumpcap_is_reported(udp_peer):
    with CaptureSession(interfaces=("lo",), capture_filter=udp_peer.capture_filter) as cap:
        fname = first_file(cap)
        try:
            os.kill(cap.pid, signal.SIGKILL)
            start = time.monotonic()
            with pytest.raises(ChildError, match="SIGKILL"):
                for _ in cap:
                    pass
            assert time.monotonic() - start < 5
            assert_gone(cap.pid)
            with pytest.raises(ChildError):
                cap.wait()
        finally:
            os.unlink(fname)


def test_wait_for_event_nonblocking_and_timeout(udp_peer, tmp_path):
    with CaptureSession(interfaces=("lo",), capture_filter=udp_peer.capture_filter,
                        savefile=tmp_path / "w.pcapng") as cap:
        first_file(cap)
        with pytest.raises(NoEvents):
            cap.wait_for_event(block=False)
        start = time.monotonic()
        with pytest.raises(NoEvents):
            cap.wait_for_event(timeout=0.3)
        assert 0.25 <= time.monotonic() - start < 2
        with pytest.raises(NoEvents):
            cap.wait_for_unhandled_event(timeout=0.2)
        with pytest.raises(dumpcap.WaitTimeout):
            cap.wait(timeout=0.2)


def test_eventhandlers(udp_peer, tmp_path):
    seen = []
    with CaptureSession(interfaces=("lo",), capture_filter=udp_peer.capture_filter,
                        savefile=tmp_path / "h.pcapng") as cap:
        cap.register_eventhandler(cap.SP_PACKET_COUNT, seen.append)
        assert cap.wait_for_unhandled_event(timeout=START_TIMEOUT)[0] == cap.SP_FILE
        udp_peer.send(4)
        deadline = time.monotonic() + 10
        while sum(seen) < 4:
            assert time.monotonic() < deadline
            with pytest.raises(NoEvents):
                cap.wait_for_unhandled_event(timeout=0.3)
        cap.stop()
        assert list(cap) == [(cap.SP_DROPS, 0)]
    assert sum(seen) == 4 == cap.packetcount


@needs_tshark
def test_terminate_finishes_the_file(udp_peer, tmp_path):
    savefile = str(tmp_path / "term.pcapng")
    cap = CaptureSession(interfaces=("lo",), capture_filter=udp_peer.capture_filter,
                         savefile=savefile)
    first_file(cap)
    sent = udp_peer.send(3)
    collect_until(cap, 3)
    cap.terminate()
    assert_gone(cap.pid, timeout=0.5)
    assert cap.returncode == 0
    assert read_udp_payloads(savefile) == sent
    cap.terminate()  # idempotent


def test_garbage_from_child_is_brokenpipe(monkeypatch):
    # A real process that writes plain text where the sync pipe should be.
    monkeypatch.setattr(dumpcap, "DUMPCAP_BIN", (
        sys.executable, "-c",
        "import sys, time; sys.stderr.write('not a sync pipe'); sys.stderr.flush(); "
        "time.sleep(60)"))
    with CaptureSession() as cap:
        start = time.monotonic()
        with pytest.raises(BrokenPipe, match="not a sync pipe"):
            cap.wait_for_event(timeout=10)
        assert time.monotonic() - start < 5
        assert_gone(cap.pid)


def test_garbage_collection_reaps(udp_peer):
    cap = CaptureSession(interfaces=("lo",), capture_filter=udp_peer.capture_filter)
    fname = first_file(cap)
    pid = cap.pid
    del cap
    gc.collect()
    assert_gone(pid)
    os.unlink(fname)


def test_interpreter_exit_reaps(tmp_path):
    script = textwrap.dedent(f"""
        import sys
        sys.path[:0] = {sys.path!r}
        from wirepy.lib.dumpcap import CaptureSession
        cap = CaptureSession(interfaces=("lo",), capture_filter="udp port 9",
                             savefile={str(tmp_path / "exit.pcapng")!r})
        cap.wait_for_event(timeout=10)
        print(cap.pid, flush=True)
        # exit without closing the session
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert_gone(int(out.stdout))
    assert os.path.getsize(tmp_path / "exit.pcapng") > 0
