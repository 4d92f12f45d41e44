"""Dissecting ahead in a worker thread (wirepy.lib.prefetch): order, errors,
stopping, Ctrl-C, epan use from the consumer meanwhile, and releasing the
session when the consumer is collected inside the worker."""

import gc
import signal
import subprocess
import threading
import time
import weakref

import pytest
from api_fixtures import SAMPLE, run_python, tshark_fields

import wirepy
from wirepy.lib import epan
from wirepy.lib.prefetch import Prefetcher

WORKER = "wirepy-dissect"


def workers():
    return [t for t in threading.enumerate() if t.name == WORKER and t.is_alive()]


def wait_no_workers(timeout=5.0):
    end = time.monotonic() + timeout
    while workers() and time.monotonic() < end:
        time.sleep(0.01)
    return workers()


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """The sample 400 times over: ~10k packets, about a second of full trees."""
    out = tmp_path_factory.mktemp("prefetch") / "big.pcapng"
    subprocess.run(["mergecap", "-a", "-w", str(out), *[str(SAMPLE)] * 400], check=True,
                   capture_output=True)
    return out


# -- the Prefetcher itself -----------------------------------------------------------

def test_items_in_order_then_the_producers_error():
    threads = set()

    def produce():
        for i in range(10):
            threads.add(threading.get_ident())
            yield i
        raise ValueError("read error after 10")

    got = []
    with pytest.raises(ValueError, match="after 10"):
        for item in Prefetcher(produce(), depth=2):
            got.append(item)
    assert got == list(range(10))
    assert threads and threading.get_ident() not in threads


def test_runs_at_most_depth_ahead_and_stop_closes_the_producer():
    made, closed = [], threading.Event()

    def produce():
        try:
            for i in range(1000):
                made.append(i)
                yield i
        finally:
            closed.set()

    worker = Prefetcher(produce(), depth=1)
    assert next(worker) == 0
    time.sleep(0.2)
    # one handed over, one queued, one waiting to be queued
    assert len(made) <= 3
    worker.stop()
    assert closed.is_set() and not worker.running
    with pytest.raises(StopIteration):
        next(worker)


def test_stop_drops_what_was_made_ahead():
    """A stopped prefetcher holds none of its made-ahead items (a batch's
    buffers), though its engine keeps the prefetcher after the read."""
    class Item:
        pass

    made = []

    def produce():
        for _ in range(100):
            item = Item()
            made.append(weakref.ref(item))
            yield item

    worker = Prefetcher(produce(), depth=2)
    next(worker)
    end = time.monotonic() + 5
    while len(made) < 3 and time.monotonic() < end:
        time.sleep(0.01)       # two made ahead, queued
    worker.stop()
    gc.collect()
    assert len(made) >= 3
    assert [ref() for ref in made] == [None] * len(made)


def test_when_done_in_the_worker_runs_after_the_producer_let_go():
    order = []
    holder = {}

    def produce():
        try:
            for i in range(5):
                if i == 2:
                    # what a collection inside the worker does: release later
                    holder["w"].when_done(lambda: order.append("released"))
                    order.append("asked")
                yield i
        finally:
            order.append("producer closed")

    worker = Prefetcher(produce())
    holder["w"] = worker
    list(worker)
    worker.stop()
    assert order == ["asked", "producer closed", "released"]


# -- FileCapture ---------------------------------------------------------------------

@pytest.mark.parametrize("fields", [["ip.src", "frame.len"], None], ids=["fields", "tree"])
def test_small_batches_equal_tshark(fields):
    """Many batches through the worker: same packets, same values."""
    names = ["frame.number", "ip.src", "frame.len"]
    pkts = list(wirepy.FileCapture(SAMPLE, fields=fields and names, batch_size=3))
    assert [[p.field_strings(n) for n in names] for p in pkts] == tshark_fields(SAMPLE, names)
    assert wait_no_workers() == []


def test_worker_runs_during_iteration_and_ends_with_it(big):
    seen = []
    for i, _ in enumerate(wirepy.FileCapture(big, fields=["ip.src"], batch_size=64)):
        if i == 100:
            seen = workers()
    assert len(seen) == 1
    assert wait_no_workers() == []
    assert epan.Session.current() is None


def test_close_inside_the_loop_ends_iteration(big):
    cap = wirepy.FileCapture(big, fields=["frame.number"], batch_size=16)
    numbers = []
    for pkt in cap:
        numbers.append(pkt.number)
        if len(numbers) == 5:
            cap.close()
    # the packets of the batch in hand may still come; nothing after it
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) <= 16
    assert wait_no_workers() == [] and epan.Session.current() is None
    assert len(list(wirepy.FileCapture(SAMPLE, fields=["ip.src"]))) == 26


@pytest.mark.parametrize("fields", [["ip.src"], None], ids=["fields", "tree"])
def test_break_then_read_again(big, fields):
    for i, _ in enumerate(wirepy.FileCapture(big, fields=fields)):
        if i == 50:
            break
    assert wait_no_workers() == []
    with wirepy.FileCapture(big, fields=fields) as cap:
        it = iter(cap)
        next(it)
    assert wait_no_workers() == []
    assert len(list(wirepy.FileCapture(SAMPLE, fields=fields))) == 26


def test_epan_use_from_the_loop_body_waits_for_the_worker(big):
    raw = next(iter(wirepy.FileCapture(SAMPLE, fields=["ip.src"]))).raw
    for i, _ in enumerate(wirepy.FileCapture(big, fields=["ip.src"], batch_size=32)):
        if i in (10, 500):
            # compiling a filter and looking up fields go between batches
            assert wirepy.DisplayFilter("ip.src == 192.0.2.1 && tcp").text
            assert wirepy.fields.describe("ip.src").type
            # a second session is refused as such, not as a thread clash
            with pytest.raises(wirepy.SessionBusyError):
                wirepy.dissect(raw)
    assert i + 1 == 26 * 400


def test_another_thread_cannot_read_meanwhile(big):
    errors = []

    def other():
        try:
            next(iter(wirepy.FileCapture(SAMPLE, fields=["ip.src"])))
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    for i, _ in enumerate(wirepy.FileCapture(big, fields=["ip.src"], batch_size=32)):
        if i == 100:
            t = threading.Thread(target=other)
            t.start()
            t.join()
    assert len(errors) == 1
    assert isinstance(errors[0], (wirepy.SessionBusyError, epan.ConcurrentUseError))


def test_consumer_collected_inside_the_worker_releases_there(big):
    """A generator collected by the GC in the worker thread closes its
    capture; the session and the file are freed when the worker lets go."""
    cap = wirepy.FileCapture(big, fields=["frame.number"], batch_size=16)
    it = iter(cap)
    assert next(it).number == 1
    engine = cap._engine
    done = threading.Event()
    still_open = []
    original = engine._after_batch

    def collect_consumer(wtap):
        original(wtap)
        if not done.is_set() and threading.current_thread().name == WORKER:
            done.set()
            it.close()          # as the GC would, from inside the worker
            # the file is still open: freeing waits for the worker's end
            still_open.append(wtap.cdata is not None and not engine.session.closed)

    engine._after_batch = collect_consumer
    assert done.wait(5)
    assert wait_no_workers() == []
    assert still_open == [True]
    assert engine.session.closed and epan.Session.current() is None
    assert len(list(wirepy.FileCapture(SAMPLE, fields=["ip.src"]))) == 26


@pytest.mark.parametrize("fields", [["ip.src"], None], ids=["fields", "tree"])
def test_ctrl_c_stops_reading_cleanly(big, fields):
    got = 0
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    previous = signal.signal(signal.SIGALRM, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            for _ in range(20):         # until the alarm rings
                for _ in wirepy.FileCapture(big, fields=fields):
                    got += 1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert got > 0
    assert wait_no_workers() == [] and epan.Session.current() is None
    assert len(list(wirepy.FileCapture(SAMPLE, fields=fields))) == 26


def test_read_error_after_the_packets_before_it_in_tree_mode(tmp_path):
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(SAMPLE.read_bytes()[:3000])
    got = []
    with pytest.raises(wirepy.CaptureFileError):
        for pkt in wirepy.FileCapture(cut, batch_size=4):
            got.append(pkt.number)
    assert got == list(range(1, 16))
    assert wait_no_workers() == []


def test_progress_is_read_by_the_worker(big, tmp_path):
    # the progress is wiretap's: what it has read from the file, in chunks
    # of its own (4 MiB from Wireshark 4.4 on, so the whole of big.pcapng at
    # once): the file spans several chunks
    bigger = tmp_path / "bigger.pcapng"
    subprocess.run(["mergecap", "-a", "-w", str(bigger), *[str(big)] * 5], check=True,
                   capture_output=True)
    cap = wirepy.FileCapture(bigger, fields=["ip.src"], batch_size=128)
    marks = []
    for i, _ in enumerate(cap):
        if i % 1000 == 0:
            marks.append(cap.read_so_far())
    assert marks == sorted(marks) and marks[-1] > marks[0] > 0
    assert marks[-1] <= bigger.stat().st_size
    assert cap.read_so_far() == 0


def test_nothing_left_for_the_collector():
    gc.collect()
    for _ in wirepy.FileCapture(SAMPLE, fields=["ip.src"], batch_size=4):
        pass
    assert wait_no_workers() == []
    assert gc.collect() == 0


def test_forked_child_gets_an_error_not_a_hang(big):
    import os
    numbers = []
    it = iter(wirepy.FileCapture(big, fields=["frame.number"], batch_size=64))
    for pkt in it:
        numbers.append(pkt.number)
        if len(numbers) == 100:
            pid = os.fork()
            if pid == 0:
                code = 3
                try:
                    for _ in range(200):    # past the batch in hand
                        next(it)
                except RuntimeError as exc:
                    code = 0 if "forked child" in str(exc) else 4
                except BaseException:
                    code = 5
                os._exit(code)
            _, status = os.waitpid(pid, 0)
            assert os.waitstatus_to_exitcode(status) == 0
    assert numbers == list(range(1, 26 * 400 + 1))


def test_interrupts_at_random_points_leave_nothing_behind(big):
    """Ctrl-C (raised by an alarm) at 24 points of reads in both modes and
    several batch sizes, in a child process: no crash, no hang, no session
    left open, and the process reads again afterwards."""
    code = f"""
import random, signal
import wirepy
from wirepy.lib import epan, wireshark
wireshark.initialize()
random.seed(7)
signal.signal(signal.SIGALRM, signal.default_int_handler)
left = 0
for i in range(24):
    fields = ["ip.src"] if i % 2 else None
    signal.setitimer(signal.ITIMER_REAL, random.uniform(0.001, 0.3))
    try:
        for _ in range(10):     # outlasts the alarm (<= 0.3 s)
            for p in wirepy.FileCapture({str(big)!r}, fields=fields,
                                        batch_size=random.choice([8, 64, 1024])):
                pass
    except KeyboardInterrupt:
        pass
    signal.setitimer(signal.ITIMER_REAL, 0)
    left += epan.Session.current() is not None
print(left, len(list(wirepy.FileCapture({str(SAMPLE)!r}, fields=["ip.src"]))))
"""
    out = run_python(code, timeout=240)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0", "26"]
