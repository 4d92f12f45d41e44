"""The epan session and the guard around libwireshark.

An epan *session* holds the per-capture state of libwireshark
(conversations, reassembly, TCP analysis); only one can exist at a time in
a process, so :class:`Session` refuses a second one with
:class:`SessionError`. Every C call into libwireshark runs under the
guard (``_guard``), which keeps a second thread out while one dissects.
:mod:`wirepy.lib.epan` re-exports all of it; use it from there.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import weakref
from typing import TYPE_CHECKING, Any, Iterator, List, Optional, Union

from . import interrupts, wireshark
from .closing import Closing
from .interrupts import uninterrupted
from .wireshark import ffi, lib

if TYPE_CHECKING:  # pragma: no cover
    from .epan import Dissect

__all__ = ["EpanError", "SessionError", "DissectionReset", "ConcurrentUseError", "Session",
           "acting_for", "init_dissection", "cleanup_dissection", "set_name_resolution",
           "resolve_names", "RESOLUTION_LETTERS"]


class EpanError(Exception):
    """Base class for dissection errors."""


class SessionError(EpanError):
    """A second epan session was asked for (only one can exist), or the
    session is closed."""


class DissectionReset(EpanError):
    """The packet was reset: its tree and values are gone from C memory."""


class ConcurrentUseError(EpanError):
    """libwireshark is in use by another thread (it is not thread-safe)."""


_resolution_set = False
#: libwireshark's own name-resolution settings, as tshark starts with them
#: (saved before :func:`init_dissection` turns resolution off).
_tshark_resolution: Any = None

#: tshark's -N letters.
RESOLUTION_LETTERS = {
    "m": "MAC addresses (vendor names, well-known addresses)",
    "n": "network addresses (DNS and hosts files)",
    "N": "network addresses with external resolvers (DNS queries)",
    "t": "transport ports (service names)",
    "d": "addresses from DNS packets in the capture",
    "v": "VLAN IDs",
    "s": "SS7 point codes",
    "g": "IP addresses with MaxMind (GeoIP)",
}


def _save_tshark_resolution() -> None:
    global _tshark_resolution
    if _tshark_resolution is None:
        _tshark_resolution = ffi.new("e_addr_resolve *", lib.gbl_resolv_flags)


def resolve_names(how: Union[None, bool, str]) -> None:
    """Set which names Wireshark shows in place of numbers (MAC vendors,
    host names, service names...), for what is dissected next: None or
    False resolves nothing (``tshark -n``, wirepy's default); True as tshark
    does without options; a string of tshark's ``-N`` letters (see
    :data:`RESOLUTION_LETTERS`) exactly those.

    :raises ValueError: for a letter tshark does not know.
    """
    global _resolution_set
    wireshark.initialize()
    with wireshark.lock:
        _save_tshark_resolution()
        _resolution_set = True
        if how is True:
            lib.gbl_resolv_flags = _tshark_resolution[0]
        elif not how:
            lib.disable_name_resolution()
        else:
            bad = lib.string_to_name_resolve(str(how).encode(),
                                             ffi.addressof(lib, "gbl_resolv_flags"))
            if bad != b"\0":
                lib.disable_name_resolution()
                raise ValueError(f"{bad.decode()!r} is not a name resolution letter "
                                 f"(tshark -N): {', '.join(RESOLUTION_LETTERS)}")


def name_resolution_state() -> Any:
    """A copy of the name-resolution settings in force (for
    :func:`restore_name_resolution`)."""
    init_dissection()      # the defaults (none) first: never save libwireshark's own
    return ffi.new("e_addr_resolve *", lib.gbl_resolv_flags)


def restore_name_resolution(state: Any) -> None:
    """Put back settings :func:`name_resolution_state` copied."""
    with wireshark.lock:
        lib.gbl_resolv_flags = state[0]


def set_name_resolution(mac: bool = False, network: bool = False,
                        transport: bool = False) -> None:
    """Turn name resolution on or off (all off by default, like ``tshark
    -n``); see :func:`resolve_names` for every kind."""
    resolve_names(("m" if mac else "") + ("nd" if network else "")
                  + ("t" if transport else ""))


def init_dissection() -> None:
    """Initialize all data structures used for dissection (libwireshark
    itself; sessions are created by :class:`Session`). Name resolution
    starts off."""
    global _resolution_set
    wireshark.initialize()
    if not _resolution_set:
        with wireshark.lock:
            _save_tshark_resolution()
            lib.disable_name_resolution()
        _resolution_set = True


def cleanup_dissection() -> None:
    """Release the current epan session, if any (libwireshark itself is
    cleaned up at interpreter exit)."""
    session = Session.current()
    if session is not None:
        session.close()


class _Guard:
    """Marks one epan operation (a C call into libwireshark) as running in
    this thread. A second thread asking for an epan operation meanwhile gets
    :class:`ConcurrentUseError` at once; merely holding
    :data:`wireshark.lock` elsewhere (brief wiretap or log calls) makes it
    wait instead, as every layer does."""

    __slots__ = ("owner", "depth", "_state", "_acting")
    _claims = threading.Lock()

    def __init__(self) -> None:
        self.owner: Optional[int] = None
        self.depth = 0
        self._state = threading.Lock()
        self._acting = threading.local()

    @contextlib.contextmanager
    @uninterrupted
    def acting_for(self, ident: int) -> Iterator[None]:
        """In this thread, run epan operations as thread *ident* does: a
        worker dissecting ahead for that thread (see
        :mod:`wirepy.lib.prefetch`). The owner's own operations meanwhile
        wait for the worker's instead of being refused."""
        self._acting.ident = ident
        try:
            yield
        finally:
            self._acting.ident = None

    @uninterrupted
    def __enter__(self) -> None:
        me = getattr(self._acting, "ident", None) or threading.get_ident()
        lock = wireshark.lock
        # Ctrl-C is raised between two bytecodes, also the one right after
        # acquire() returned: the lock's own count, not a flag set after the
        # call, tells whether this thread took it (left taken, the read-ahead
        # worker would wait for it for ever).
        held = lock._recursion_count()
        counted = False
        # outside a session too (export objects, taps): the main thread's
        # Ctrl-C waits until the guard and the lock are taken or given back
        interrupts.begin_hold()
        try:
            with self._state:
                if self.owner is not None and self.owner != me:
                    raise ConcurrentUseError(
                        "libwireshark is dissecting in another thread (it is not "
                        "thread-safe); use one thread or one process per session")
                self.owner = me
                self.depth += 1
                counted = True
            # waits while a read-ahead worker dissects: Ctrl-C may land here
            lock.acquire()
        except BaseException:
            if lock._recursion_count() > held:
                lock.release()
            if counted:
                self._leave()
            interrupts.end_hold()
            raise

    @uninterrupted
    def _leave(self) -> None:
        with self._state:
            self.depth -= 1
            if self.depth == 0:
                self.owner = None

    @uninterrupted
    def __exit__(self, *exc: Any) -> None:
        try:
            wireshark.lock.release()
        finally:
            try:
                self._leave()
            finally:
                interrupts.end_hold()


_guard = _Guard()


def acting_for(ident: int):
    """Context manager: in this thread, run epan operations as thread
    *ident* does (a worker dissecting ahead for it, see
    :mod:`wirepy.lib.prefetch`); the owner's own operations meanwhile wait
    for the worker's instead of being refused."""
    if ident == threading.get_ident():
        return contextlib.nullcontext()
    return _guard.acting_for(ident)


def _quiesce_for_fork() -> None:
    # fork() copies locks as they are and none of the other threads: a lock
    # that a worker held at that moment would stay taken in the child for
    # ever. Fork between two epan operations (the lock first: a thread
    # holding it may still want the guard's state lock).
    wireshark.lock.acquire()
    _guard._state.acquire()


def _resume_after_fork() -> None:
    _guard._state.release()
    wireshark.lock.release()


os.register_at_fork(before=_quiesce_for_fork, after_in_parent=_resume_after_fork,
                    after_in_child=_resume_after_fork)


class Session(Closing):
    """An epan session: per-capture dissection state.

    Only one session can exist at a time (libwireshark has one file scope);
    creating a second raises :class:`SessionError`. Close it (or use it as a
    context manager) before starting the next capture. :meth:`recycle`
    replaces the state with a fresh one, like ``tshark -M``, to bound memory
    on endless streams.
    """

    # weak: a session nobody refers to any more (dropped half-made by an
    # exception) is freed by its __del__, so the next one can open
    _current_ref: Optional[weakref.ref] = None

    def __init__(self, recycle_every: int = 0) -> None:
        """*recycle_every* > 0 recycles the session after that many packets
        (counted over every dissection of the session), as ``tshark -M``."""
        if recycle_every < 0:
            raise ValueError("recycle_every must be >= 0")
        self.recycle_every = int(recycle_every)
        self._since_recycle = 0
        self._epan = self._prov = None
        self._dissectors: List[Dissect] = []
        self.generation = 0
        # from here until the session is closed, a Ctrl-C waits for the
        # code that opens, frees or hands over C state (see interrupts)
        interrupts.defer_during_cleanup()
        try:
            self._open()
        except BaseException:
            interrupts.stop_deferring()
            raise

    @uninterrupted
    def _open(self) -> None:
        init_dissection()
        if Session.current() is not None:
            # a session dropped without close() waits for the cyclic
            # collector (its dissections refer back to it)
            gc.collect()
        with _guard:
            if Session.current() is not None:
                raise SessionError("an epan session is already open; close it first "
                                   "(libwireshark supports one session at a time)")
            # one that lost its Python owner between two statements
            lib.wirepy_epan_free_orphan()
            self._prov = lib.wirepy_provider_new(ffi.NULL)
            epan = lib.wirepy_epan_new(self._prov)
            if epan == ffi.NULL:
                # the C shim still knows a live session: never two of them
                lib.wirepy_provider_free(self._prov)
                self._prov = None
                raise SessionError("an epan session is already open in libwireshark")
            self._epan = epan
            Session._current_ref = weakref.ref(self)

    @classmethod
    def current(cls) -> Optional[Session]:
        """The open session, or None."""
        ref = cls._current_ref
        return ref() if ref is not None else None

    @property
    def closed(self) -> bool:
        """True once the session was closed."""
        return self._epan is None

    def _check(self) -> None:
        if self._epan is None:
            raise SessionError("the epan session is closed")

    @uninterrupted
    def _free_c(self) -> None:
        for d in list(self._dissectors):
            d._free_c()
        if self._epan is not None:
            lib.wirepy_epan_free(self._epan)
            lib.wirepy_provider_free(self._prov)
            self._epan = None
            self._prov = None

    @uninterrupted
    def close(self) -> None:
        """Free the session and every dissection made in it."""
        if self._epan is None or wireshark.is_finalized():
            return
        with _guard:
            self._free_c()
            if Session.current() is self:
                Session._current_ref = None
        wireshark.flush_log()
        interrupts.stop_deferring()

    @uninterrupted
    def recycle(self) -> None:
        """Start afresh (conversations, reassembly...), keeping the
        dissections made in this session usable, their frame numbering and
        the time references (as ``tshark -M``)."""
        self._check()
        if any(d._two_pass for d in self._dissectors):
            raise SessionError("a two-pass dissection keeps every frame's state: "
                               "its session cannot be recycled")
        with _guard:
            for d in self._dissectors:
                if d._d is not None:
                    lib.wirepy_dissector_release(d._d)
                    d._live = False
                    d._generation += 1
            lib.wirepy_epan_free(self._epan)
            self._epan = None
            epan = lib.wirepy_epan_new(self._prov)
            if epan == ffi.NULL:
                # cannot happen while the shim frees the old session first;
                # if it did, this session ends as if close() had been called
                for d in list(self._dissectors):
                    d._free_c()
                lib.wirepy_provider_free(self._prov)
                self._prov = None
                if Session.current() is self:
                    Session._current_ref = None
                raise SessionError("libwireshark refused a new epan session while "
                                   "recycling: the session is closed")
            self._epan = epan
            for d in self._dissectors:
                if d._d is not None:
                    d._renew()
            self.generation += 1
            self._since_recycle = 0

    def _quota(self, wanted: int) -> int:
        """How many packets may be dissected before the next automatic
        recycling (recycling first if it is due)."""
        if self.recycle_every <= 0:
            return wanted
        if self._since_recycle >= self.recycle_every:
            self.recycle()
        return min(wanted, self.recycle_every - self._since_recycle)


@uninterrupted
def _close_all_at_exit() -> None:
    if wireshark.is_finalized():
        return
    s = Session.current()
    if s is not None:
        s._free_c()
        Session._current_ref = None
    # a session that lost its Python owner half-made (an interrupt right
    # after epan_new returned): epan_cleanup aborts while one is live
    lib.wirepy_epan_free_orphan()


wireshark.on_exit(_close_all_at_exit)
interrupts.needed_while(lambda: Session.current() is not None or bool(lib.wirepy_epan_is_live()))


