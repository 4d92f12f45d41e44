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
import threading
from collections import deque
from typing import Callable, Deque, Generic, Iterator, List, Optional, Tuple, TypeVar

from . import wireshark

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
        self._depth = depth
        self._cond = threading.Condition(threading.Lock())
        self._items: Deque[Tuple[int, object]] = deque()
        self._stopping = False
        self._finished = False
        self._deferred: List[Callable[[], None]] = []
        self._released = False
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        # the exit hooks free libwireshark's state: the worker goes first
        wireshark.on_exit(self.stop)
        self._thread.start()

    # -- worker side -----------------------------------------------------------

    def _run(self) -> None:
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
            with self._cond:
                self._released = True
                deferred, self._deferred = self._deferred, []
            for release in deferred:
                try:
                    release()
                except Exception:  # noqa: BLE001 - no caller left to raise to
                    wireshark.logger.exception("releasing a prefetched dissection")

    def _put(self, kind: int, item: object) -> bool:
        with self._cond:
            while len(self._items) >= self._depth and not self._stopping:
                self._cond.wait()
            if self._stopping:
                return False
            self._items.append((kind, item))
            self._cond.notify_all()
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
        with self._cond:
            while not self._items:
                if self._finished or self._stopping:
                    raise StopIteration
                self._cond.wait()
            kind, item = self._items.popleft()
            self._cond.notify_all()
            if kind != _ITEM:
                self._finished = True
        if kind == _END:
            raise StopIteration
        if kind == _ERROR:
            raise item  # type: ignore[misc]
        return item  # type: ignore[return-value]

    def _ask_stop(self) -> None:
        """Drop what was made ahead and wake the worker (holding the lock)."""
        self._stopping = True
        self._items.clear()
        self._cond.notify_all()

    def in_worker(self) -> bool:
        """True when called from the worker thread itself."""
        return threading.current_thread() is self._thread

    def stop(self) -> None:
        """Drop what was made ahead and wait until the worker has finished
        its current item and released the producer. From the worker thread
        itself (a collection there) it only asks the worker to stop."""
        if self._forked():
            return
        with self._cond:
            self._ask_stop()
        if not self.in_worker():
            _join(self._thread)

    def when_done(self, release: Callable[[], None]) -> None:
        """Run *release* once the worker has let go of the producer: now if
        it has, else in the worker at its end (see the module's ownership
        rule). Stops the worker."""
        if self._forked():
            release()
            return
        with self._cond:
            self._ask_stop()
            if not self._released:
                self._deferred.append(release)
                return
        release()

    @property
    def running(self) -> bool:
        """True while the worker thread exists (never in a forked child)."""
        return not self._forked() and self._thread.is_alive()


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
