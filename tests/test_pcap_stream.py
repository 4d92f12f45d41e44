"""wirepy.lib.pcap on savefiles that are not regular files: pipes, FIFOs.

A read from a pipe waits for its writer. It must not hold the GIL meanwhile
(every other Python thread would stop, and a writer in the same process
would never write), must let Ctrl-C and breakloop end it, and must hand
over each packet when it arrives rather than after a batch fills. Each test
runs in a fresh interpreter: a reader that blocks with the GIL hangs there,
and the timeout fails the test instead of the test run.
"""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pcap_fixtures import udp_frame

from wirepy.lib import pcap
from wirepy.lib.pcap import Error, ErrorCode

TESTS = str(Path(__file__).resolve().parent)

PRELUDE = r"""
import json, os, signal, struct, sys, threading, time, _thread
sys.path.insert(0, TESTS)
from pcap_fixtures import udp_frame
from wirepy.lib import pcap

HEADER = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)

def record(i):
    data = udp_frame(b"stream-%d" % i)
    return struct.pack("<IIII", 1_700_000_000 + i, i, len(data), len(data)) + data

def later(delay, fn):
    t = threading.Thread(target=lambda: (time.sleep(delay), fn()), daemon=True)
    t.start()
    return t

def done(**kw):
    print(json.dumps(kw), flush=True)
""".replace("TESTS", repr(TESTS))


def run(code: str, timeout: float = 30, **kw) -> dict:
    """Run PRELUDE + *code* in a fresh interpreter; the JSON it printed last."""
    proc = subprocess.run([sys.executable, "-c", PRELUDE + code], capture_output=True,
                          text=True, timeout=timeout, **kw)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def header() -> bytes:
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)


def record(i: int) -> bytes:
    data = udp_frame(b"stream-%d" % i)
    return struct.pack("<IIII", 1_700_000_000 + i, i, len(data), len(data)) + data


SLOW_WRITER = r"""
r, w = os.pipe()
written = [None] * 5

def writer():
    os.write(w, HEADER)
    for i in range(5):
        time.sleep(0.2)
        written[i] = time.monotonic()
        os.write(w, record(i))
    time.sleep(0.2)
    os.close(w)

ticks = [0]
stop = threading.Event()

def spin():
    while not stop.is_set():
        ticks[0] += 1
        time.sleep(0.001)

# The writer is a Python thread of this process: a read that kept the GIL
# while it waits would never see its data.
threading.Thread(target=writer, daemon=True).start()
threading.Thread(target=spin, daemon=True).start()
got = []
with pcap.open_offline(os.fdopen(r, "rb")) as p:
    start = ticks[0]
    for h, d in ITERATE:
        got.append((d[-8:].decode(), h.ts_sec - 1_700_000_000, time.monotonic(), ticks[0]))
stop.set()
done(got=got, written=written, start=start)
"""


@pytest.mark.parametrize("how", ["iter", "loop", "next"])
def test_slow_pipe_writer_other_threads_run(how):
    iterate = {"iter": "p",
               "loop": "_loop(p)",
               "next": "iter(p.next, None)"}[how]
    helper = ("def _loop(p):\n"
              "    out = []\n"
              "    p.loop(-1, lambda h, d: out.append((h, d)) or None)\n"
              "    return out\n")
    res = run(helper + SLOW_WRITER.replace("ITERATE", iterate))
    got, written = res["got"], res["written"]
    assert [g[0] for g in got] == [f"stream-{i}" for i in range(5)]
    assert [g[1] for g in got] == list(range(5))
    # The other thread kept running while the reader waited for the writer
    # (about 1.2 s: some 1000 ticks of 1 ms where it is free to run).
    assert got[-1][3] - res["start"] > 100
    if how != "loop":
        # Each packet is handed over when it arrives, not when a batch of
        # BATCH packets (or the end of the stream) is there.
        assert got[0][2] < written[4]
        assert all(g[2] - w < 0.5 for g, w in zip(got, written))


def test_interrupt_main_ends_a_read_waiting_on_a_pipe():
    # _thread.interrupt_main() raises no real signal, so no read(2) is
    # interrupted: only the wait in slices, with Python in between, lets
    # the main thread see it.
    res = run(r"""
r, w = os.pipe()
os.write(w, HEADER)
p = pcap.open_offline(os.fdopen(r, "rb"))
later(0.3, _thread.interrupt_main)
t0 = time.monotonic()
try:
    for h, d in p:
        pass
    outcome = "ended"
except KeyboardInterrupt:
    outcome = "KeyboardInterrupt"
took = time.monotonic() - t0
p.close()
done(outcome=outcome, took=took)
""")
    assert res["outcome"] == "KeyboardInterrupt"
    assert 0.25 < res["took"] < 2.0


def test_sigint_from_outside_ends_a_read_waiting_on_a_pipe():
    # As Ctrl-C does: a real SIGINT from another process.
    code = PRELUDE + r"""
r, w = os.pipe()
os.write(w, HEADER)
p = pcap.open_offline(os.fdopen(r, "rb"))
print("waiting", flush=True)
t0 = time.monotonic()
try:
    p.loop(-1, lambda h, d: None)
    outcome = "ended"
except KeyboardInterrupt:
    outcome = "KeyboardInterrupt"
done(outcome=outcome, took=time.monotonic() - t0)
"""
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "waiting"
        time.sleep(0.3)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        assert time.monotonic() - sent < 2.0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert json.loads(out.strip().splitlines()[-1])["outcome"] == "KeyboardInterrupt"


@pytest.mark.parametrize("whole", [0, 1])
def test_sigint_ends_a_read_waiting_for_the_rest_of_a_record(whole):
    # Half a record is there: libpcap itself waits in read(2), without the
    # GIL; the signal interrupts it and KeyboardInterrupt, not a pcap
    # error about the interrupted read, reaches the caller.
    res = run(r"""
r, w = os.pipe()
os.write(w, HEADER + b"".join(record(i) for i in range(WHOLE)) + record(WHOLE)[:30])
p = pcap.open_offline(os.fdopen(r, "rb"))
main = threading.get_ident()
seen = []
ticks = [0]
def spin():
    while True:
        ticks[0] += 1
        time.sleep(0.001)
threading.Thread(target=spin, daemon=True).start()
later(0.5, lambda: signal.pthread_kill(main, signal.SIGINT))
t0 = time.monotonic()
try:
    for h, d in p:
        seen.append(d[-8:].decode())
    outcome = "ended"
except KeyboardInterrupt:
    outcome = "KeyboardInterrupt"
except pcap.Error as exc:
    outcome = "Error: " + str(exc)
done(outcome=outcome, took=time.monotonic() - t0, seen=seen, ticks=ticks[0])
""".replace("WHOLE", str(whole)))
    assert res["outcome"] == "KeyboardInterrupt"
    # A whole record read before may reach the loop body or not: the
    # interrupt lands wherever Python next checks for signals.
    assert res["seen"] in ([], ["stream-0"][:whole])
    assert 0.4 < res["took"] < 3.0
    assert res["ticks"] > 50


@pytest.mark.parametrize("how", ["iter", "loop"])
def test_breakloop_from_a_thread_ends_a_pipe_read(how):
    res = run(r"""
r, w = os.pipe()
os.write(w, HEADER + record(0))
p = pcap.open_offline(os.fdopen(r, "rb"))
got = []
later(0.3, p.breakloop)
t0 = time.monotonic()
code = None
if HOW == "iter":
    got = [d[-8:].decode() for h, d in p]
else:
    try:
        p.loop(-1, lambda h, d: got.append(d[-8:].decode()))
    except pcap.Error as exc:
        code = int(exc.code)
took = time.monotonic() - t0
# The handle is still usable: what the writer sends next is read.
os.write(w, record(1))
os.close(w)
rest = [d[-8:].decode() for h, d in p]
p.close()
done(got=got, took=took, code=code, rest=rest)
""".replace("HOW", repr(how)))
    assert res["got"] == ["stream-0"]
    assert 0.25 < res["took"] < 2.0
    assert res["code"] == (int(ErrorCode.BREAK) if how == "loop" else None)
    assert res["rest"] == ["stream-1"]


def test_close_from_another_thread_while_a_read_waits():
    # The read runs in C without the GIL: a close() from another thread must
    # not free the handle under it. It ends the read as breakloop does and
    # the handle is closed when the read returns.
    res = run(r"""
r, w = os.pipe()
os.write(w, HEADER + record(0))
p = pcap.open_offline(os.fdopen(r, "rb"))
out = {}
def reader():
    out["got"] = [d[-8:].decode() for h, d in p]
    out["at"] = time.monotonic()
t = threading.Thread(target=reader)
t.start()
time.sleep(0.3)
t0 = time.monotonic()
p.close()
t.join(10)
done(got=out.get("got"), took=out["at"] - t0, closed=p.closed, alive=t.is_alive())
""")
    assert res["got"] == ["stream-0"] and not res["alive"]
    assert res["took"] < 1.0 and res["closed"]


def test_close_from_another_thread_during_a_record():
    # Here libpcap itself is in read(2), waiting for the rest of a record:
    # close() returns at once, and the handle is closed once the writer has
    # sent the rest (it used to wait for the stdio lock held by the reader,
    # or free the handle the reader was using).
    res = run(r"""
r, w = os.pipe()
os.write(w, HEADER + record(0)[:30])
p = pcap.open_offline(os.fdopen(r, "rb"))
out = {}
def reader():
    out["got"] = [d[-8:].decode() for h, d in p]
t = threading.Thread(target=reader)
t.start()
time.sleep(0.3)
t0 = time.monotonic()
p.close()
took = time.monotonic() - t0
closed_before = p.closed
time.sleep(0.2)
os.write(w, record(0)[30:] + record(1))
os.close(w)
t.join(10)
done(got=out.get("got"), took=took, closed_before=closed_before, closed=p.closed,
     alive=t.is_alive())
""")
    assert res["took"] < 0.5 and not res["closed_before"]
    assert res["got"] == ["stream-0", "stream-1"]
    assert res["closed"] and not res["alive"]


def test_fifo_by_path_is_read_whole(tmp_path):
    # A FIFO opened by name must not be opened a second time to sniff the
    # file format: that second reader took bytes from the stream.
    fifo = tmp_path / "cap.fifo"
    os.mkfifo(fifo)
    data = header() + b"".join(record(i) for i in range(20))
    writer = subprocess.Popen([sys.executable, "-c",
                               "import sys, time\n"
                               "f = open(sys.argv[1], 'wb')\n"
                               "f.write(bytes.fromhex(sys.argv[2][:48])); f.flush()\n"
                               "time.sleep(0.3)\n"
                               "f.write(bytes.fromhex(sys.argv[2][48:])); f.close()\n",
                               str(fifo), data.hex()])
    try:
        with pcap.open_offline(str(fifo)) as p:
            got = [(h.ts_sec, d) for h, d in p]
    finally:
        writer.wait(timeout=30)
    assert got == [(1_700_000_000 + i, record(i)[16:]) for i in range(20)]


def test_error_after_packets_is_raised_by_the_next_read(tmp_path):
    # A record cut short after two whole ones: read_batch returns the two,
    # and the next read raises libpcap's error instead of seeing the end.
    data = header() + record(0) + record(1) + record(2)[:25]
    path = tmp_path / "cut.pcap"
    path.write_bytes(data)
    r, w = os.pipe()
    os.write(w, data)
    os.close(w)
    for source in (open(path, "rb"), os.fdopen(r, "rb")):
        with source, pcap.open_offline(source) as p:
            assert [d for _, d in p.read_batch(10)] == [record(0)[16:], record(1)[16:]]
            with pytest.raises(Error, match="truncated"):
                p.read_batch(10)


def test_pipe_reader_in_asyncio():
    res = run(r"""
import asyncio
r, w = os.pipe()

def writer():
    os.write(w, HEADER)
    for i in range(4):
        time.sleep(0.15)
        os.write(w, record(i))
    os.close(w)

async def main():
    ticks = 0
    stop = False
    async def tick():
        nonlocal ticks
        while not stop:
            ticks += 1
            await asyncio.sleep(0.005)
    t = asyncio.create_task(tick())
    with pcap.open_offline(os.fdopen(r, "rb")) as p:
        got = [d[-8:].decode() async for h, d in p]
    stop = True
    await t
    return got, ticks

threading.Thread(target=writer, daemon=True).start()
got, ticks = asyncio.run(asyncio.wait_for(main(), 20))
done(got=got, ticks=ticks)
""")
    assert res["got"] == [f"stream-{i}" for i in range(4)]
    # The event loop ran other tasks while the reader waited for data.
    assert res["ticks"] > 30
