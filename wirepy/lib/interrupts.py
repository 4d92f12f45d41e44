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

Outside a session, the main thread still takes locks that a worker thread
waits for (the epan lock, to compile a filter, free a column set, close a
file -- often from a ``__del__``). Since Python 3.14 a ``with`` statement
checks for signals right after a C ``__enter__`` (a lock's ``acquire``)
returns, before the block that releases it begins: a Ctrl-C there leaves
the lock taken for ever. :class:`InterruptSafeRLock` closes that gap: its
``__enter__`` and ``__exit__`` are Python code marked uninterrupted, and the
main thread's outermost hold (:func:`begin_hold`, :func:`end_hold`) puts
the deferring handler on SIGINT for as long as it lasts.
"""

from __future__ import annotations

import _signal
import os
import signal
import sys
import threading
import weakref
from _thread import get_ident
from types import CodeType, FrameType
from typing import Callable, Dict, Optional, Set, TypeVar

__all__ = ["uninterrupted", "defer_during_cleanup", "stop_deferring", "needed_while",
           "deferring", "block_in_worker", "begin_hold", "end_hold", "InterruptSafeRLock"]

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

# The holds use the C functions under signal's own (which convert numbers
# to enums in Python): a lock is taken often, and each Python call is one
# more point where a Ctrl-C could arrive before the handler is in place.
_SIGINT = int(signal.SIGINT)

#: the main thread's nested holds (begin_hold) and the SIGINT handler the
#: outermost one installed, if it installed one
_hold_depth = 0
_hold_wrapper: Optional[_Deferring] = None

#: the thread whose signal handlers run (after a fork, the forking thread)
_main_ident = threading.main_thread().ident


def _after_fork_in_child() -> None:
    global _main_ident, _hold_depth, _hold_wrapper
    _main_ident = threading.main_thread().ident
    # the child runs only the forking thread: the holds were the others'
    if get_ident() != _main_ident:  # pragma: no cover - fork from a worker
        _hold_depth, _hold_wrapper = 0, None


os.register_at_fork(after_in_child=_after_fork_in_child)


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


@uninterrupted
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

    # marked: a second signal while this runs waits too (the retry lock)
    @uninterrupted
    def __call__(self, signum: int, frame: Optional[FrameType]) -> None:
        if _inside_uninterrupted(frame):
            _retry_later(signum)
            return None
        return self.original(signum, frame)

    def __repr__(self) -> str:
        return f"<wirepy deferring {self.original!r} during cleanup>"


#: the deferring handler of Python's default one, as holds install it
_HOLD_HANDLER = _Deferring(signal.default_int_handler)


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
    global _hold_wrapper
    while _installed:
        signum, wrapper = _installed.popitem()
        if signal.getsignal(signum) is wrapper:
            if signum == signal.SIGINT and _hold_depth > 0:
                _hold_wrapper = wrapper     # the hold puts the original back
            else:
                signal.signal(signum, wrapper.original)


@uninterrupted
def begin_hold() -> None:
    """Start a hold of the main thread (nested holds count): from the
    outermost one until its :func:`end_hold`, SIGINT has the deferring
    handler, if its handler was Python's default. The caller is marked
    :func:`uninterrupted` (so a signal is kept out of it once the handler is
    in place). In any other thread, nothing is done."""
    global _hold_depth, _hold_wrapper
    if get_ident() != _main_ident:
        return
    if _hold_depth == 0 and _signal.getsignal(_SIGINT) is signal.default_int_handler:
        _signal.signal(_SIGINT, _HOLD_HANDLER)
        _hold_wrapper = _HOLD_HANDLER
    # no C call from here on: Python checks for signals only after those
    _hold_depth += 1


@uninterrupted
def end_hold() -> None:
    """End a hold :func:`begin_hold` started; the outermost one puts
    SIGINT's original handler back (a signal kept out meanwhile is sent
    again then) -- unless an epan session opened meanwhile: that one's
    close does it."""
    global _hold_depth, _hold_wrapper
    if get_ident() != _main_ident or _hold_depth == 0:
        return
    _hold_depth -= 1
    wrapper = _hold_wrapper
    if _hold_depth or wrapper is None:
        return
    _hold_wrapper = None
    if _signal.getsignal(_SIGINT) is wrapper:
        if _still_needed():
            _installed.setdefault(_SIGINT, wrapper)
        else:
            _signal.signal(_SIGINT, wrapper.original)


class InterruptSafeRLock:
    """A re-entrant lock (:class:`threading.RLock`) that a signal's
    exception cannot leave taken when it is used as ``with lock:``.

    ``__enter__`` and ``__exit__`` are marked :func:`uninterrupted` and, in
    the main thread, hold SIGINT's deferring handler while the lock is
    taken (see :func:`begin_hold`): a Ctrl-C that arrives while the lock is
    being taken or given back is raised right after, never in between.
    Inside the block it raises as usual, and the block gives the lock back.
    ``acquire`` and ``release`` are the plain lock's, for the callers that
    keep the count themselves.
    """

    __slots__ = ("_lock", "acquire", "release", "_is_owned", "_recursion_count")

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.acquire = self._lock.acquire
        self.release = self._lock.release
        self._is_owned = self._lock._is_owned
        self._recursion_count = self._lock._recursion_count

    @uninterrupted
    def __enter__(self) -> bool:
        lock = self._lock
        if get_ident() != _main_ident:     # no signal handler runs there
            return lock.acquire()
        begin_hold()
        held = lock._recursion_count()
        try:
            return lock.acquire()
        except BaseException:
            # raised by a handler the program installed itself (ours defers
            # here), while it waited or right after it took the lock
            if lock._recursion_count() > held:
                lock.release()
            end_hold()
            raise

    @uninterrupted
    def __exit__(self, *exc: object) -> None:
        if get_ident() != _main_ident:
            self._lock.release()
            return
        try:
            self._lock.release()
        finally:
            end_hold()

    def __repr__(self) -> str:
        return f"<InterruptSafeRLock {self._lock!r}>"


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
