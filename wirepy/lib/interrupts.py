"""Ctrl-C and the code that must run to its end.

Python raises :class:`KeyboardInterrupt` where the main thread next checks
for signals: at the entry of a Python function, after a C call returns, at
the jump back of a loop. So it can land in the middle of a ``finally`` that
frees libwireshark's session, between a lock's acquisition and the ``try``
that releases it (``threading.Condition`` takes its lock in Python code),
or in a ``__del__``, where Python prints it as ignored and drops it. What
was cut short stays behind: an epan session nobody closes, the epan lock or
a read-ahead worker's condition left taken (the next read waits for ever),
a C object freed twice.

The functions that must not be cut short are marked :func:`uninterrupted`
(no wrapper: the mark is their code object). While an epan session is open,
each signal whose handler is Python's own :func:`signal.default_int_handler`
(SIGINT unless the program changed it) gets a handler that behaves exactly
like it, except when one of the marked functions -- or a ``__del__`` -- is
running in the main thread: then the signal is sent again a few
milliseconds later, and raises as soon as the main thread is out of them.
A Ctrl-C is never lost; it is only kept out of the code that tidies up.
Handlers the program installed itself are left alone.

The handler is installed when a session opens in the main thread and the
original one put back when it closes there (``signal.getsignal`` shows the
wrapper meanwhile; :func:`asyncio.run` then leaves SIGINT to it).
"""

from __future__ import annotations

import signal
import sys
import threading
import weakref
from types import CodeType, FrameType
from typing import Callable, Dict, Optional, Set, TypeVar

__all__ = ["uninterrupted", "defer_during_cleanup", "stop_deferring", "needed_while",
           "deferring", "block_in_worker"]

F = TypeVar("F", bound=Callable)

#: the code of the functions a signal must not cut short
_UNINTERRUPTED: Set[CodeType] = set()

#: seconds before a signal kept out of such code is sent again
RETRY_DELAY = 0.005

#: the signals a worker thread blocks: meant for the main thread's Python
#: handlers, they would otherwise interrupt the worker's system calls
_ASYNC_SIGNALS = tuple(getattr(signal, name) for name in
                       ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGALRM", "SIGUSR1",
                        "SIGUSR2", "SIGCHLD", "SIGWINCH") if hasattr(signal, name))

_installed: Dict[int, _Deferring] = {}
_still_needed: Callable[[], bool] = bool
_retrying: Set[int] = set()
_retry_lock = threading.Lock()


def uninterrupted(fn: F) -> F:
    """Mark *fn* (a function, generator function, or a property's getter)
    as code a signal's exception must not cut short; returns it unchanged.
    What it calls is covered too."""
    target = fn.fget if isinstance(fn, property) else fn
    _UNINTERRUPTED.add(target.__code__)
    return fn


# Python calls these from C when an object goes (a weak reference's
# callback): an exception there is printed as ignored and dropped
_UNINTERRUPTED.update(obj._remove.__code__ for obj in (
    weakref.WeakSet(), weakref.WeakValueDictionary(), weakref.WeakKeyDictionary()))


def _inside_uninterrupted(frame: Optional[FrameType]) -> bool:
    """True when *frame* or one of its callers runs code that a signal's
    exception must not cut short: marked, a ``__del__``, or a weak
    reference's callback."""
    while frame is not None:
        code = frame.f_code
        if code in _UNINTERRUPTED or code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def _send_again(signum: int) -> None:
    with _retry_lock:
        _retrying.discard(signum)
    # only to a Python handler: with SIG_DFL (the program reset it
    # meanwhile), the signal would end the process instead of raising
    if callable(signal.getsignal(signum)):
        signal.pthread_kill(threading.main_thread().ident, signum)


def _retry_later(signum: int) -> None:
    with _retry_lock:
        if signum in _retrying:
            return
        _retrying.add(signum)
    timer = threading.Timer(RETRY_DELAY, _send_again, (signum,))
    timer.daemon = True
    timer.name = "wirepy-signal-retry"
    timer.start()


class _Deferring:
    """The handler in place of *original* while a session is open."""

    def __init__(self, original: Callable) -> None:
        self.original = original

    def __call__(self, signum: int, frame: Optional[FrameType]) -> None:
        if _inside_uninterrupted(frame):
            _retry_later(signum)
            return None
        return self.original(signum, frame)

    def __repr__(self) -> str:
        return f"<wirepy deferring {self.original!r} during cleanup>"


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@uninterrupted
def defer_during_cleanup() -> None:
    """Install the deferring handler on every signal whose handler is
    :func:`signal.default_int_handler` (from the main thread; elsewhere no
    signal handler runs, and nothing is done)."""
    if not _in_main_thread():
        return
    for signum in signal.valid_signals():
        try:
            handler = signal.getsignal(signum)
        except (OSError, ValueError):  # pragma: no cover - platform specific
            continue
        if handler is signal.default_int_handler:
            wrapper = _Deferring(handler)
            signal.signal(signum, wrapper)
            _installed[signum] = wrapper


@uninterrupted
def stop_deferring() -> None:
    """Put back the handlers :func:`defer_during_cleanup` replaced, where
    the program has not replaced them since -- unless a session is still
    open, or the caller was itself called by an :func:`uninterrupted`
    function (that one calls this at its own end: what remains of it stays
    covered). Only in the main thread; elsewhere the handlers stay until
    the next call there."""
    if not _installed or not _in_main_thread() or _still_needed():
        return
    if _inside_uninterrupted(sys._getframe(2)):
        return
    while _installed:
        signum, wrapper = _installed.popitem()
        if signal.getsignal(signum) is wrapper:
            signal.signal(signum, wrapper.original)


def needed_while(predicate: Callable[[], bool]) -> None:
    """Set what says that the handlers are still needed (an epan session
    is open): :func:`stop_deferring` leaves them while it is true."""
    global _still_needed
    _still_needed = predicate


def deferring(signum: int = signal.SIGINT) -> bool:
    """True while *signum* has the deferring handler."""
    return isinstance(signal.getsignal(signum), _Deferring)


def block_in_worker() -> None:
    """Block the asynchronous signals in the calling (worker) thread, so the
    kernel hands them to the main thread, whose handlers they are for, and
    never interrupts the worker's reads with them."""
    if hasattr(signal, "pthread_sigmask") and not _in_main_thread():
        signal.pthread_sigmask(signal.SIG_BLOCK, _ASYNC_SIGNALS)
