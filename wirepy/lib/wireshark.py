"""The compiled module and the process-wide state of libwireshark.

:data:`mod` is the CFFI module built from ``cdefs/`` (``mod.ffi`` and
``mod.lib``); every layer of wirepy uses it. :func:`initialize` sets up
wsutil, wiretap and epan once per process, lazily, the first time a layer
needs them, in the order libwireshark requires::

    ws_log_init -> init_process_policies -> configuration_init
    -> init_report_message -> timestamps -> wtap_init -> epan_init
    -> epan_load_settings

Wireshark cannot be initialised twice in one process (``epan_cleanup`` then
``epan_init`` crashes), so a second call is a no-op and cleanup runs only at
interpreter exit.

Wireshark's log messages and its failure reports are queued by the C shim
(no Python runs inside libwireshark) and delivered to the ``logging``
logger ``wirepy`` by :func:`flush_log`, which the layers call after each
operation; nothing is written raw to stderr.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import sys
import threading
import time
import weakref
from typing import Callable, List, NamedTuple, Optional, Tuple

from . import _wireshark as mod
from .interrupts import InterruptSafeRLock

ffi = mod.ffi
lib = mod.lib

__all__ = [
    "mod", "ffi", "lib", "WiresharkError", "Versions", "version", "initialize",
    "is_initialized", "init_steps", "flush_log", "set_log_level", "get_log_level",
    "on_exit", "is_finalized", "lock", "logger", "from_gchar_static", "pin_local_time_zone",
]

logger = logging.getLogger("wirepy")
# A library leaves output to the application: without a configured handler,
# Wireshark's messages are dropped instead of reaching logging's stderr
# fallback.
logger.addHandler(logging.NullHandler())

#: Serialises use of libwireshark, which is not thread-safe (CFFI releases
#: the GIL around every C call). Layers hold it around their C sequences;
#: a Ctrl-C cannot leave it taken (see :class:`InterruptSafeRLock`).
lock = InterruptSafeRLock()


class WiresharkError(Exception):
    """libwireshark could not be set up (or was already torn down)."""


class Versions(NamedTuple):
    """Runtime versions of the C libraries wirepy is linked against."""

    wireshark: str
    libpcap: str
    glib: str


def version() -> Versions:
    """Return the runtime versions of Wireshark, libpcap and GLib."""
    return Versions(
        wireshark=ffi.string(lib.epan_get_version()).decode(),
        libpcap=ffi.string(lib.pcap_lib_version()).decode(),
        glib=f"{lib.glib_major_version}.{lib.glib_minor_version}.{lib.glib_micro_version}",
    )


def is_absent(value: int) -> bool:
    """True for the value of a constant (``COL_VSAN``, ``TS_PREC_FIXED_100_USEC``,
    ...) that the installed Wireshark series does not have: the C module
    declares every name of every supported series and gives the missing ones
    a value at or below ``WIREPY_ABSENT``."""
    return value <= lib.WIREPY_ABSENT


def absent_message(name: str) -> str:
    """The error text for using *name*, which this Wireshark does not have."""
    return f"{name} does not exist in Wireshark {version().wireshark}"


# -- logging ---------------------------------------------------------------

_WS_TO_PY = {
    lib.LOG_LEVEL_NOISY: 5,
    lib.LOG_LEVEL_DEBUG: logging.DEBUG,
    lib.LOG_LEVEL_INFO: logging.INFO,
    lib.LOG_LEVEL_MESSAGE: logging.INFO,
    lib.LOG_LEVEL_WARNING: logging.WARNING,
    lib.LOG_LEVEL_CRITICAL: logging.ERROR,
    lib.LOG_LEVEL_ERROR: logging.CRITICAL,
    lib.LOG_LEVEL_ECHO: logging.INFO,
}

_PY_TO_WS = [
    (logging.CRITICAL, lib.LOG_LEVEL_ERROR),
    (logging.ERROR, lib.LOG_LEVEL_CRITICAL),
    (logging.WARNING, lib.LOG_LEVEL_WARNING),
    (logging.INFO, lib.LOG_LEVEL_MESSAGE),
    (logging.DEBUG, lib.LOG_LEVEL_DEBUG),
    (0, lib.LOG_LEVEL_NOISY),
]

LogRecord = Tuple[int, str, str]


def flush_log() -> List[LogRecord]:
    """Deliver Wireshark's queued log and report messages to ``logging``.

    Each message becomes a record of the ``wirepy`` logger whose
    ``ws_domain`` and ``ws_level`` attributes carry Wireshark's log domain
    and level name. Returns the delivered messages as
    ``(logging level, domain, text)`` tuples so a caller can turn a report
    into an exception.
    """
    delivered: List[LogRecord] = []
    if not lib.wirepy_log_pending():
        return delivered
    level_p = ffi.new("int *")
    domain_p = ffi.new("char **")
    message_p = ffi.new("char **")
    while lib.wirepy_log_pop(level_p, domain_p, message_p):
        try:
            domain = ffi.string(domain_p[0]).decode("utf-8", "replace")
            text = ffi.string(message_p[0]).decode("utf-8", "replace")
        finally:
            lib.wirepy_log_entry_free(domain_p[0], message_p[0])
        ws_level = level_p[0]
        level = _WS_TO_PY.get(ws_level, logging.WARNING)
        name = ffi.string(lib.ws_log_level_to_string(ws_level)).decode()
        logger.log(level, "[%s] %s", domain, text,
                   extra={"ws_domain": domain, "ws_level": name})
        delivered.append((level, domain, text))
    return delivered


def set_log_level(level: int) -> None:
    """Set which Wireshark messages are queued, as a :mod:`logging` level.

    Wireshark's default is its "message" level (``logging.INFO`` here);
    ``logging.DEBUG`` makes dissectors and filters chatty.
    """
    for threshold, ws_level in _PY_TO_WS:
        if level >= threshold:
            lib.ws_log_set_level(ws_level)
            return


def get_log_level() -> int:
    """Wireshark's current log threshold, as a :mod:`logging` level."""
    return _WS_TO_PY.get(lib.ws_log_get_level(), logging.INFO)


# -- process-wide initialisation ------------------------------------------

_state = "new"          # new -> initialized | failed; -> finalized at exit
_failure: Optional[str] = None
_steps: List[str] = []
_exit_hooks: List[Callable[[], Optional[Callable[[], None]]]] = []

#: The ``e_prefs *`` returned by ``epan_load_settings`` (NULL before init).
prefs = ffi.NULL


def init_steps() -> List[str]:
    """The initialisation steps run so far, in the order they ran."""
    return list(_steps)


def is_initialized() -> bool:
    """True once :func:`initialize` has completed in this process."""
    return _state == "initialized"


def is_finalized() -> bool:
    """True once libwireshark was torn down at interpreter exit; wrappers
    must then no longer free C objects."""
    return _state == "finalized"


#: The initialisation steps, in order (``cdefs/shim/init.c`` runs them).
INIT_STEPS = ("ws_log_init", "init_process_policies", "configuration_init",
              "init_report_message", "timestamp", "wtap_init", "epan_init",
              "epan_load_settings", "prefs_apply_all")


def initialize() -> None:
    """Initialise wsutil, wiretap and epan once for this process.

    Safe to call any number of times, from any layer; only the first call
    does the work (about 0.15 s, mostly registering every dissector).

    :raises WiresharkError: when libwireshark fails to initialise (then
        every later call raises the same), or after interpreter shutdown
        began.
    """
    global _state, _failure, prefs
    if _state == "initialized":
        return
    with lock:
        if _state == "initialized":
            return
        if _state == "failed":
            raise WiresharkError(_failure)
        if _state == "finalized":
            raise WiresharkError("libwireshark was already cleaned up (interpreter exit)")
        progname = b"wirepy"
        argv0 = (sys.argv[0] if sys.argv and sys.argv[0] else "wirepy").encode()
        held = _hold_sigint()
        try:
            pin_local_time_zone()
            message = ffi.new("char **")
            # one C call: a signal handler's exception can only come before
            # or after it, and libwireshark's side counts what it has done
            done = lib.wirepy_init_steps(progname, argv0, message)
            _steps[:] = INIT_STEPS[:done if done >= 0 else -1 - done]
            if done < 0:
                failed = INIT_STEPS[-1 - done]
                if message[0] != ffi.NULL:
                    text = ffi.string(message[0]).decode("utf-8", "replace")
                    lib.g_free(message[0])
                    raise WiresharkError(f"{failed} failed: {text}")
                raise WiresharkError(f"{failed} failed (a dissector failed to register)")
            prefs = lib.wirepy_init_prefs()
        except WiresharkError as exc:
            _state = "failed"
            _failure = str(exc)
            flush_log()
            _release_sigint(held)
            raise
        except BaseException:
            # raised by a signal handler around the C call (Ctrl-C is held
            # back; others are not): the next call goes on from the steps done
            _release_sigint(held)
            raise
        _state = "initialized"
        flush_log()
        _release_sigint(held)


def pin_local_time_zone() -> None:
    """Name the system's time zone in ``TZ`` when it is unset.

    With ``TZ`` unset, glibc's ``localtime()`` looks at ``/etc/localtime``
    again (a ``stat``) on every call, and Wireshark calls it for every
    absolute time it writes in local time: twice per packet in a full tree,
    about a tenth of the time a full tree takes. ``TZ=":/etc/localtime"``
    names the same zone, read once. A ``TZ`` the user set is left alone.
    """
    if "TZ" not in os.environ and os.path.exists("/etc/localtime"):
        os.environ["TZ"] = ":/etc/localtime"
        time.tzset()


def _hold_sigint() -> Optional[tuple]:
    """Defer Ctrl-C while libwireshark initialises: a KeyboardInterrupt
    between two steps would leave it half set up for good. Python runs
    signal handlers in the main thread only, so only there is there
    anything to defer."""
    if threading.current_thread() is not threading.main_thread():
        return None
    caught: List[object] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(frame))
    except (ValueError, OSError):
        return None
    return previous, caught


def _release_sigint(held: Optional[tuple]) -> None:
    """Put the SIGINT handler back and run it now if Ctrl-C came meanwhile
    (Python's default handler raises KeyboardInterrupt)."""
    if held is None:
        return
    previous, caught = held
    signal.signal(signal.SIGINT, previous)
    if caught and callable(previous):
        previous(signal.SIGINT, caught[0])


def on_exit(hook: Callable[[], None]) -> None:
    """Run *hook* at interpreter exit, before libwireshark is cleaned up.

    Layers register here what must be released while Wireshark still
    exists (epan sessions, dissections, filters, open files). Hooks run in
    reverse order of registration. A bound method is held weakly: its
    object is still freed when the program drops it (its own destructor
    then releases the C memory), and the hook goes with it.
    """
    if hasattr(hook, "__self__") and hasattr(hook, "__func__"):
        hook = weakref.WeakMethod(hook)
    else:
        hook = _Strong(hook)
    # drop the hooks of objects that are gone, so the list stays short
    _exit_hooks[:] = [h for h in _exit_hooks if h() is not None]
    _exit_hooks.append(hook)


class _Strong:
    """A strong reference with WeakMethod's call-to-dereference interface."""

    __slots__ = ("hook",)

    def __init__(self, hook: Callable[[], None]) -> None:
        self.hook = hook

    def __call__(self) -> Callable[[], None]:
        return self.hook


def _cleanup_at_exit() -> None:
    global _state
    for ref in reversed(_exit_hooks):
        hook = ref()
        if hook is None:
            continue
        try:
            hook()
        except Exception:  # exiting: report, don't stop the cleanup
            logger.exception("wirepy exit hook %r failed", hook)
    if _state == "initialized":
        with lock:
            lib.epan_cleanup()
            lib.wtap_cleanup()
            lib.free_progdirs()
            _state = "finalized"
    try:
        flush_log()
    except Exception:
        pass


atexit.register(_cleanup_at_exit)


def from_gchar_static(ptr) -> Optional[str]:
    """A ``const char *`` that the library owns as :class:`str` (None for
    NULL); nothing is freed."""
    if ptr == ffi.NULL:
        return None
    return ffi.string(ptr).decode("utf-8", "surrogateescape")
