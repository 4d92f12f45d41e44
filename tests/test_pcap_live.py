"""wirepy.lib.pcap on live interfaces: loopback, and a veth pair between two
network namespaces the test creates (addresses only inside them)."""

from __future__ import annotations

import asyncio
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from wirepy.lib import pcap
from wirepy.lib.pcap import Direction, Error, ErrorCode, TstampPrecision

ROOT = os.geteuid() == 0
pytestmark = pytest.mark.skipif(not ROOT, reason="live capture needs root (CAP_NET_RAW)")

_port = [41000 + os.getpid() % 2000]


def new_port() -> int:
    _port[0] += 1
    return _port[0]


def send_udp(port: int, payloads) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for p in payloads:
            s.sendto(p, ("127.0.0.1", port))


def lo_capture(port: int, timeout: float = 0.05, **pre) -> pcap.Pcap:
    p = pcap.create("lo")
    p.set_pre_config(snaplen=65535, timeout=timeout, **pre)
    p.activate()
    p.setfilter(f"udp dst port {port}")
    return p


def collect(p: pcap.Pcap, n: int, deadline: float = 5.0):
    got = []
    end = time.monotonic() + deadline
    while len(got) < n and time.monotonic() < end:
        p.dispatch(-1, lambda h, d: got.append((h, d)))
    return got


def later(delay: float, fn) -> threading.Thread:
    t = threading.Thread(target=lambda: (time.sleep(delay), fn()), daemon=True)
    t.start()
    return t


def test_capture_udp_on_loopback():
    port = new_port()
    payloads = [b"wirepy-%d" % i for i in range(5)]
    with lo_capture(port) as p:
        assert p.type == pcap.PcapType.LIVE and p.source == "lo"
        assert p.datalink() == pcap.DatalinkType.EN10MB
        before = time.time_ns()
        send_udp(port, payloads)
        got = collect(p, 5)
        after = time.time_ns()
        st = p.stats()
    assert [d[-len(b"wirepy-0"):] for _, d in got] == payloads
    for h, d in got:
        assert h.caplen == len(d) == h.len == 14 + 20 + 8 + 8
        assert before - 10**9 <= h.ts_ns <= after + 10**9
    assert st.recv >= 5 and st.drop == 0


def test_iteration_and_timeout():
    port = new_port()
    with lo_capture(port, timeout=0.1) as p:
        t0 = time.monotonic()
        assert next(iter(p)) == (None, None)
        assert time.monotonic() - t0 < 2.0
        send_udp(port, [b"one"])
        for h, d in p:
            if h is not None:
                assert d.endswith(b"one")
                break


def test_nanosecond_live_timestamps():
    port = new_port()
    with lo_capture(port, tstamp_precision=TstampPrecision.NANO) as p:
        assert p.get_tstamp_precision() == TstampPrecision.NANO
        send_udp(port, [b"n%d" % i for i in range(5)])
        got = collect(p, 5)
    assert len(got) == 5
    assert all(h.precision == TstampPrecision.NANO for h, _ in got)
    assert any(h.ts_ns % 1000 for h, _ in got)
    assert abs(got[0][0].ts_ns - time.time_ns()) < 60 * 10**9


def test_nonblock_and_selectable_fd():
    port = new_port()
    with lo_capture(port) as p:
        assert p.getnonblock() is False
        p.setnonblock(True)
        assert p.getnonblock() is True
        t0 = time.monotonic()
        assert p.dispatch(-1, lambda h, d: None) == 0
        assert p.next() == (None, None)
        # Iteration gives (None, None) when nothing is there, as cypcap's
        # (it used to spin, reading forever).
        assert next(p) == (None, None) and next(iter(p)) == (None, None)
        assert time.monotonic() - t0 < 0.2
        fd = p.get_selectable_fd()
        assert fd >= 0
        assert p.get_required_select_timeout() is None
        send_udp(port, [b"sel"])
        r, _, _ = select.select([fd], [], [], 3.0)
        assert r == [fd]
        got = collect(p, 1)
        assert got and got[0][1].endswith(b"sel")


def test_breakloop_from_callback_live():
    port = new_port()
    with lo_capture(port) as p:
        send_udp(port, [b"a", b"b", b"c", b"d"])
        seen = []

        def cb(h, d):
            seen.append(d)
            if len(seen) == 2:
                p.breakloop()

        time.sleep(0.2)
        # libpcap's PCAP_ERROR_BREAK, raised as cypcap does.
        with pytest.raises(Error, match="BREAK") as ei:
            p.loop(-1, cb)
        assert ei.value.code == ErrorCode.BREAK and ei.value.count == 2
        # The rest is still there for the next read.
        assert len(collect(p, 2)) == 2


@pytest.mark.parametrize("how", ["loop", "dispatch", "iter", "next"])
def test_breakloop_from_thread_idle(how):
    port = new_port()
    with lo_capture(port, timeout=0) as p:
        later(0.3, p.breakloop)
        t0 = time.monotonic()
        if how in ("loop", "dispatch"):
            with pytest.raises(Error) as ei:
                getattr(p, how)(-1, lambda h, d: None)
            assert ei.value.code == ErrorCode.BREAK and ei.value.count == 0
        elif how == "next":
            assert p.next() == (None, None)
        else:
            assert list(p) == []
        assert 0.25 < time.monotonic() - t0 < 2.0
        # A broken capture can be read again.
        send_udp(port, [b"again"])
        assert collect(p, 1)[0][1].endswith(b"again")
        if how == "iter":
            later(0.3, p.breakloop)
            assert [d for _, d in p] == []


def test_sigint_on_idle_capture():
    port = new_port()
    with lo_capture(port, timeout=0) as p:
        later(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
        t0 = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            p.loop(-1, lambda h, d: None)
        assert time.monotonic() - t0 < 2.0


def test_gil_released_while_waiting():
    port = new_port()
    counter = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            counter[0] += 1

    with lo_capture(port, timeout=0) as p:
        t = threading.Thread(target=spin)
        t.start()
        later(0.5, p.breakloop)
        with pytest.raises(Error, match="BREAK"):
            p.loop(-1, lambda h, d: None)
        stop.set()
        t.join()
    assert counter[0] > 10000


CLOSE_WHILE_LOOPING = r"""
import json, threading, time
from wirepy.lib import pcap
p = pcap.create("lo")
p.set_pre_config(snaplen=65535, timeout=0)
p.activate()
p.setfilter("udp dst port 9")
out = {}
def reader():
    try:
        p.loop(-1, lambda h, d: None)
    except pcap.Error as exc:
        out["code"] = int(exc.code)
    out["at"] = time.monotonic()
t = threading.Thread(target=reader)
t.start()
time.sleep(0.3)
t0 = time.monotonic()
p.close()
t.join(10)
print(json.dumps({"code": out.get("code"), "took": out["at"] - t0, "closed": p.closed}))
"""


def test_close_from_another_thread_while_looping():
    # The loop waits in C without the GIL; close() from another thread ends
    # it as breakloop does instead of freeing the handle under it. In a
    # child process: a use after free must not take the test run down.
    proc = subprocess.run([sys.executable, "-c", CLOSE_WHILE_LOOPING], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    assert res["code"] == int(ErrorCode.BREAK) and res["closed"] and res["took"] < 1.0


def test_stale_wakeup_does_not_spin():
    # A wake-up byte left in the pipe after its breakloop was taken (a race
    # between breakloop's flag and its write) must not make every poll
    # return at once for the rest of the capture.
    port = new_port()
    with lo_capture(port, timeout=0.3) as p:
        os.write(p._wake_w, b"b")
        cpu, t0 = time.process_time(), time.monotonic()
        assert p.dispatch(-1, lambda h, d: None) == 0
        assert time.monotonic() - t0 >= 0.25
        assert time.process_time() - cpu < 0.1


def test_callback_exception_live():
    port = new_port()
    with lo_capture(port) as p:
        send_udp(port, [b"x"])

        def cb(h, d):
            raise RuntimeError("from callback")

        with pytest.raises(RuntimeError, match="from callback"):
            p.loop(-1, cb)


def test_inject_seen_by_second_handle():
    frame = b"\xff" * 6 + b"\x02\0\0\0\0\x09" + b"\x88\xb5" + b"wirepy-inject" + bytes(40)
    with pcap.open_live("lo", 65535, False, 50) as rx, \
            pcap.open_live("lo", 65535, False, 50) as tx:
        rx.setfilter("ether proto 0x88b5")
        assert tx.inject(frame) == len(frame)
        assert tx.sendpacket(frame) is None
        got = collect(rx, 2)
    assert [d for _, d in got] == [frame, frame]


def test_setdirection():
    port = new_port()
    with lo_capture(port) as p:
        p.setdirection(Direction.IN)
        send_udp(port, [b"in"])
        assert len(collect(p, 1, 2.0)) == 1
    with lo_capture(port) as p:
        p.setdirection(Direction.OUT)
        send_udp(port, [b"out"])
        out = collect(p, 1, 1.0)
    # On loopback a packet is both sent and received: libpcap shows the
    # received copy, so OUT sees nothing.
    assert out == []


def test_tstamp_types_and_config():
    p = pcap.create("lo")
    try:
        types = p.list_tstamp_types()
        assert all(isinstance(t, pcap.TstampType) for t in types)
        p.set_pre_config(snaplen=128, promisc=False, immediate_mode=True, buffer_size=1 << 20,
                         tstamp_type=pcap.TstampType.HOST)
        p.activate()
        assert p.snapshot() == 128
        assert pcap.DatalinkType.EN10MB in p.list_datalinks()
        p.set_config(filter="udp", direction=Direction.INOUT,
                     datalink=pcap.DatalinkType.EN10MB, nonblock=True)
        assert p.getnonblock()
    finally:
        p.close()


def test_errors():
    with pytest.raises(Error) as ei:
        pcap.open_live("nosuchdev0", 65535, False, 100)
    assert ei.value.code == ErrorCode.NO_SUCH_DEVICE
    p = pcap.create("nosuchdev0")
    with pytest.raises(Error) as ei:
        p.activate()
    assert ei.value.code == ErrorCode.NO_SUCH_DEVICE
    p.close()
    with pcap.create("lo") as p:
        with pytest.raises(Error) as ei:
            p.dispatch(1, lambda h, d: None)
        assert ei.value.code == ErrorCode.NOT_ACTIVATED
        p.activate()
        with pytest.raises(Error) as ei:
            p.activate()
        assert ei.value.code == ErrorCode.ACTIVATED
        with pytest.raises(Error) as ei:
            p.set_snaplen(100)
        assert ei.value.code == ErrorCode.ACTIVATED
        with pytest.raises(Error) as ei:
            p.set_pre_config(promisc=True)
        assert ei.value.code == ErrorCode.ACTIVATED
        with pytest.raises(Error) as ei:
            p.setfilter("this is ( not a filter")
        assert "syntax error" in ei.value.msg


def test_asyncio_iterator():
    port = new_port()

    async def main(p):
        loop = asyncio.get_running_loop()
        loop.call_later(0.2, send_udp, port, [b"as1", b"as2", b"as3"])
        got = []
        async for _h, d in p:
            got.append(d)
            if len(got) == 3:
                break
        # An idle capture ends on breakloop.
        loop.call_later(0.2, p.breakloop)
        rest = [d async for _, d in p]
        return got, rest

    with lo_capture(port) as p:
        got, rest = asyncio.run(asyncio.wait_for(main(p), 10))
    assert [d[-3:] for d in got] == [b"as1", b"as2", b"as3"] and rest == []


def test_findalldevs_and_lookupnet():
    devs = pcap.findalldevs()
    lo = [d for d in devs if d.name == "lo"]
    assert lo and pcap.PcapIfFlags.LOOPBACK in lo[0].flags
    assert any(a.addr == (socket.AF_INET, ("127.0.0.1", 0)) for a in lo[0].addresses)
    net, mask = pcap.lookupnet(lo[0])
    assert socket.inet_ntoa(net.to_bytes(4, sys.byteorder)) == "127.0.0.0"
    assert socket.inet_ntoa(mask.to_bytes(4, sys.byteorder)) == "255.0.0.0"


# -- veth pair between two namespaces ------------------------------------------------

NETNS_CAPTURE = r"""
import json, sys, time
from wirepy.lib import pcap
p = pcap.create("wpva")
p.set_pre_config(snaplen=65535, timeout=0.05, immediate_mode=True)
p.activate()
p.setfilter("udp dst port 40123")
print("ready", flush=True)
got = []
end = time.monotonic() + 10
while len(got) < 3 and time.monotonic() < end:
    p.dispatch(-1, lambda h, d: got.append(d.hex()))
st = p.stats()
p.close()
print(json.dumps({"got": got, "recv": st.recv}), flush=True)
"""

NETNS_SEND = r"""
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3):
    s.sendto(b"veth-%d" % i, ("10.231.0.1", 40123))
"""


@pytest.fixture
def netns_pair():
    ip = shutil.which("ip")
    if ip is None:
        pytest.skip("iproute2 (ip) not installed")
    a, b = f"wpa{os.getpid()}", f"wpb{os.getpid()}"

    def run(*args, check=True):
        return subprocess.run([ip, *args], capture_output=True, text=True, check=check)

    try:
        run("netns", "add", a)
        run("netns", "add", b)
    except subprocess.CalledProcessError as exc:
        run("netns", "del", a, check=False)
        pytest.skip(f"cannot create network namespaces here: {exc.stderr.strip()}")
    try:
        try:
            run("link", "add", "wpva", "netns", a, "type", "veth", "peer", "name", "wpvb",
                "netns", b)
            run("-n", a, "addr", "add", "10.231.0.1/30", "dev", "wpva")
            run("-n", b, "addr", "add", "10.231.0.2/30", "dev", "wpvb")
            for ns, dev in ((a, "wpva"), (b, "wpvb")):
                run("-n", ns, "link", "set", dev, "up")
                run("-n", ns, "link", "set", "lo", "up")
        except subprocess.CalledProcessError as exc:
            # e.g. inside a chroot, where ip cannot remount / for the namespace
            pytest.skip(f"cannot set up a veth pair between namespaces here: "
                        f"{exc.stderr.strip()}")
        yield a, b
    finally:
        run("netns", "del", a, check=False)
        run("netns", "del", b, check=False)


def test_veth_between_namespaces(netns_pair):
    a, b = netns_pair
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    cap = subprocess.Popen(["ip", "netns", "exec", a, sys.executable, "-c", NETNS_CAPTURE],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert cap.stdout.readline().strip() == "ready"
        subprocess.run(["ip", "netns", "exec", b, sys.executable, "-c", NETNS_SEND], check=True,
                       env=env, timeout=30)
        out, err = cap.communicate(timeout=30)
    finally:
        if cap.poll() is None:
            cap.kill()
    assert cap.returncode == 0, err
    res = json.loads(out.strip().splitlines()[-1])
    frames = [bytes.fromhex(x) for x in res["got"]]
    assert [f[-6:] for f in frames] == [b"veth-0", b"veth-1", b"veth-2"]
    assert all(f[12:14] == b"\x08\x00" and socket.inet_ntoa(f[30:34]) == "10.231.0.1"
               for f in frames)
    assert res["recv"] >= 3
