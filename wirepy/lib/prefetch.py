"""Dissecting the next batch while Python works on the current one.

Each batch of packets is read, dissected and extracted by one C call that
releases the GIL, so a second core can run it while the consumer's Python
code handles the previous batch. :class:`Prefetcher` runs a producer (an
iterator of batches) in a worker thread at most *depth* items ahead of its
consumer::

    worker = Prefetcher(engine_batches())
    try:
        for batch in worker:
            ...
    finally:
        worker.stop()

libwireshark is not thread-safe, but it may be used from any thread as long
as one thread at a time does (its exception stack is per thread): the
producer takes the epan guard around its C calls like any other caller,
and everything it hands over is a copy that owns its memory.

Ownership rule: what the producer uses (the epan session, the capture file)
must not be freed while the worker runs. Owners call :meth:`stop` first
(it waits for the batch in progress). A consumer generator collected by the
garbage collector *inside* the worker thread cannot wait for itself: its
owner then hands the freeing to :meth:`when_done`, which runs it in the
worker once the producer has let go.
"""

from __future__ import annotations

import os
import queue
import threading
from typing import Callable, Generic, Iterator, List, Optional, TypeVar

from . import wireshark
from .interrupts import block_in_worker, uninterrupted

__all__ = ["Prefetcher"]

T = TypeVar("T")

_ITEM, _ERROR, _END = range(3)


class Prefetcher(Generic[T]):
    """Runs *producer* in a worker thread, *depth* items ahead; iterate over
    the prefetcher to get its items in order. An exception raised by the
    producer is raised by the consumer's ``next()`` after the items made
    before it."""

    def __init__(self, producer: Iterator[T], depth: int = 1,
                 name: str = "wirepy-prefetch") -> None:
        if depth < 1:
            raise ValueError("depth must be >= 1")
        self._producer = producer
        # The consumer waits in SimpleQueue.get, a single C call: a Ctrl-C
        # there leaves no lock taken (threading.Condition takes and gives
        # back its lock in Python code, where an interrupt can cut in).
        self._items: queue.SimpleQueue = queue.SimpleQueue()
        #: one token per item the worker may make ahead
        self._room: queue.SimpleQueue = queue.SimpleQueue()
        for _ in range(depth):
            self._room.put(None)
        self._stopping = False
        self._finished = False
        self._lock = threading.Lock()
        self._deferred: List[Callable[[], None]] = []
        self._released = False
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        # the exit hooks free libwireshark's state: the worker goes first
        wireshark.on_exit(self.stop)
        self._thread.start()

    # -- worker side -----------------------------------------------------------

    def _run(self) -> None:
        block_in_worker()
        producer = self._producer
        try:
            for item in producer:
                if not self._put(_ITEM, item):
                    break
            else:
                self._put(_END, None)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            self._put(_ERROR, exc)
        finally:
            close = getattr(producer, "close", None)
            if close is not None:
                close()
            self._producer = None
            with self._lock:
                self._released = True
                deferred, self._deferred = self._deferred, []
            if self._stopping:
                self._drop_made()     # one the worker put as it was stopped
            # wakes a consumer still waiting after a stop (an extra end
            # after the real one is never read)
            self._items.put((_END, None))
            for release in deferred:
                try:
                    release()
                except Exception:  # noqa: BLE001 - no caller left to raise to
                    wireshark.logger.exception("releasing a prefetched dissection")

    def _put(self, kind: int, item: object) -> bool:
        self._room.get()          # stop() adds a token to wake it
        if self._stopping:
            return False
        self._items.put((kind, item))
        return True

    # -- consumer side ---------------------------------------------------------

    def __iter__(self) -> Prefetcher[T]:
        return self

    def _forked(self) -> bool:
        """True in a child forked while this ran: fork() copies no thread,
        so the worker is not there (and its locks may look taken)."""
        return os.getpid() != self._pid

    def __next__(self) -> T:
        if self._forked():
            raise RuntimeError("a capture being read cannot be continued in a forked "
                               "child process; open it again there")
        if self._finished or self._stopping:
            raise StopIteration
        # a Ctrl-C may land right after get() returned: the item and its
        # token are lost, and the consumer, interrupted, stops the worker
        kind, item = self._items.get()
        self._room.put(None)
        if kind == _ITEM and not self._stopping:
            return item  # type: ignore[return-value]
        self._finished = True
        if kind == _ERROR:
            raise item  # type: ignore[misc]
        raise StopIteration

    @uninterrupted
    def _ask_stop(self) -> None:
        """Drop what was made ahead (it is never handed out) and wake the
        worker if it waits for room."""
        self._stopping = True
        self._room.put(None)
        self._drop_made()

    def _drop_made(self) -> None:
        # what was made ahead goes now (a batch's buffers), not with the
        # prefetcher, which its engine keeps after the read
        while True:
            try:
                self._items.get_nowait()
            except queue.Empty:
                return

    @uninterrupted
    def in_worker(self) -> bool:
        """True when called from the worker thread itself."""
        return threading.current_thread() is self._thread

    @uninterrupted
    def stop(self) -> None:
        """Drop what was made ahead and wait until the worker has finished
        its current item and released the producer. From the worker thread
        itself (a collection there) it only asks the worker to stop."""
        if self._forked():
            return
        self._ask_stop()
        if not self.in_worker():
            _join(self._thread)

    @uninterrupted
    def when_done(self, release: Callable[[], None]) -> None:
        """Run *release* once the worker has let go of the producer: now if
        it has, else in the worker at its end (see the module's ownership
        rule). Stops the worker."""
        if self._forked():
            release()
            return
        self._ask_stop()
        with self._lock:
            if not self._released:
                self._deferred.append(release)
                return
        release()

    @property
    @uninterrupted
    def running(self) -> bool:
        """True while the worker thread exists (never in a forked child)."""
        return not self._forked() and self._thread.is_alive()


@uninterrupted
def _join(thread: threading.Thread) -> None:
    """Wait for *thread* even through Ctrl-C (what it uses is freed next);
    an interrupt that arrived meanwhile is raised afterwards."""
    interrupted: Optional[BaseException] = None
    while thread.is_alive():
        try:
            thread.join()
        except KeyboardInterrupt as exc:
            interrupted = exc
    if interrupted is not None:
        raise interrupted
