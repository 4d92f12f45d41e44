"""Tap listeners: Wireshark's analysis hooks, written in C, read from Python.

A dissector *taps* what it has dissected (``tap_queue_packet``: the TCP
header, a conversation's addresses, an expert item...) and every listener
registered on that tap sees it, once the packet is dissected. tshark's
``-z`` statistics, follow streams and export objects are such listeners.

Here a listener is a C struct and C callbacks from the shim
(``cdefs/shim/taps.h``), or callbacks libwireshark hands out (the
conversation tables' ``get_conversation_packet_func``); the dissection
calls them in C, and nothing in Python runs per packet. A
:class:`TapListener` owns its C struct, is registered for the duration of
one read (:func:`attached`) and reads its results out afterwards (or
between two batches of a read, under the epan guard).

A read that carries listeners builds what they need: a protocol tree when
one asks for it (``TL_REQUIRES_PROTO_TREE``) or has a filter, the columns
when one asks for them (:func:`needs`), as tshark decides. A read without
listeners is unchanged: nothing is registered, nothing is called.

Adding a listener: a C struct, ``*_new``/``*_free``, a reset and a packet
callback in ``cdefs/shim/`` (declared through ``cdefs/shim_taps.py``), and
a subclass of :class:`TapListener` whose :meth:`~TapListener._c_listener`
returns them; see :class:`TapCounter`.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterable, Iterator, List, NamedTuple, Optional, Sequence

from . import wireshark
from .epan_session import EpanError, _guard, init_dissection
from .wireshark import ffi, lib

__all__ = ["TapError", "TapRegistrationError", "TapInUseError", "CListener", "Registration",
           "TapListener",
           "TapCounter", "attached", "needs", "tap_exists", "REQUIRES_NOTHING",
           "REQUIRES_PROTO_TREE", "REQUIRES_COLUMNS", "REQUIRES_PROTOCOLS", "Needs"]

#: Wireshark's TL_* flags: what a listener's packet callback needs.
REQUIRES_NOTHING = lib.TL_REQUIRES_NOTHING
REQUIRES_PROTO_TREE = lib.TL_REQUIRES_PROTO_TREE
REQUIRES_COLUMNS = lib.TL_REQUIRES_COLUMNS
#: The protocols' own items in the tree (TL_REQUIRES_PROTOCOLS, for a
#: listener that walks the tree's top level): Wireshark 4.6's invisible trees
#: leave them out unless a listener asks. 0 on 4.0 and 4.4, which have no
#: such flag and keep every top-level item.
REQUIRES_PROTOCOLS = lib.WIREPY_TL_REQUIRES_PROTOCOLS


class TapError(EpanError):
    """Base class of the tap layer's errors."""


class TapRegistrationError(TapError, ValueError):
    """Wireshark refused a listener: no tap of that name, or its filter does
    not compile (the message is Wireshark's)."""


class TapInUseError(TapError, RuntimeError):
    """The listener is already registered for a read in progress."""


class CListener(NamedTuple):
    """What registering a listener hands to ``register_tap_listener``: its C
    data and callbacks (``ffi.NULL`` for a callback it has none of)."""

    tapdata: Any
    packet: Any
    reset: Any = ffi.NULL
    finish: Any = ffi.NULL


class Registration(NamedTuple):
    """One ``register_tap_listener`` call: the tap, filter (None for none),
    ``TL_*`` flags and the C listener."""

    tap: str
    filter: Optional[str]
    flags: int
    listener: CListener


def tap_exists(name: str) -> bool:
    """True if a dissector registered a tap called *name* (``"frame"``,
    ``"tcp"``, ``"expert"``...)."""
    init_dissection()
    with _guard:
        return bool(lib.wirepy_tap_exists(name.encode()))


class TapListener:
    """A tap listener whose data and callbacks are C: the base class.

    :param tap: the tap's name (``"frame"``, ``"http"``...).
    :param filter: a display filter: only packets it matches are counted
        (a read with such a listener builds a protocol tree).
    :param flags: Wireshark's ``TL_*`` flags for the packet callback
        (:data:`REQUIRES_PROTO_TREE`, :data:`REQUIRES_COLUMNS`).
    :raises TapRegistrationError: for a tap Wireshark does not have, or a
        filter that does not compile.

    Subclasses make their C data in ``__init__`` (owned: ``ffi.gc``) and
    return it with its callbacks from :meth:`_c_listener`. The data is
    reset when a read registers the listener, so after a read it holds
    that read's results.
    """

    def __init__(self, tap: str, filter: Optional[str] = None,
                 flags: int = REQUIRES_NOTHING) -> None:
        if not tap_exists(tap):
            raise TapRegistrationError(f"Wireshark has no tap {tap!r}")
        if filter:
            from .dfilter import DisplayFilter, DisplayFilterError
            try:
                DisplayFilter(filter)    # its errors now, not when a read starts
            except DisplayFilterError as exc:
                raise TapRegistrationError(f"Filter {filter!r} is invalid - {exc}") from None
        self.tap = tap
        self.filter = filter or None
        self.flags = int(flags)
        self._registered: List[Any] = []     # the tapdata registered
        self._reads = 0

    def _c_listener(self) -> CListener:
        """The C data and callbacks of this listener's registration."""
        raise NotImplementedError

    def _registrations(self) -> List[Registration]:
        """Every ``register_tap_listener`` this listener makes: by default
        one, on :attr:`tap` with :attr:`filter` and :attr:`flags`. A
        listener made of several (one per column of an I/O table) returns
        them all; they are registered and removed together."""
        return [Registration(self.tap, self.filter, self.flags, self._c_listener())]

    @property
    def registered(self) -> bool:
        """True while a read carries this listener."""
        return bool(self._registered)

    @property
    def reads(self) -> int:
        """How many reads this listener has been registered for (its
        results are those of the last)."""
        return self._reads

    @property
    def requires_tree(self) -> bool:
        """The read must build a protocol tree for this listener."""
        return any(bool(r.flags & REQUIRES_PROTO_TREE) or r.filter is not None
                   for r in self._registrations())

    @property
    def requires_columns(self) -> bool:
        """The read must fill the columns for this listener."""
        return any(bool(r.flags & REQUIRES_COLUMNS) for r in self._registrations())

    def _register(self) -> None:
        """Register on the tap(s) (under the guard): reset first, so the
        data holds this read's results only. All or none."""
        if self._registered:
            raise TapInUseError(f"{self!r} is already registered for a read in progress")
        for reg in self._registrations():
            c = reg.listener
            if c.reset != ffi.NULL:
                c.reset(c.tapdata)
            error = lib.wirepy_tap_register(reg.tap.encode(), c.tapdata,
                                            reg.filter.encode() if reg.filter else ffi.NULL,
                                            reg.flags, c.packet, c.reset, c.finish)
            if error != ffi.NULL:
                try:
                    message = ffi.string(error).decode("utf-8", "replace")
                finally:
                    lib.g_free(error)
                self._remove()
                raise TapRegistrationError(message)
            self._registered.append(c.tapdata)
        self._reads += 1

    def _remove(self) -> None:
        registered, self._registered = self._registered, []
        if not wireshark.is_finalized():
            for tapdata in registered:
                lib.wirepy_tap_remove(tapdata)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """The guard around reading the C data out (a read may be running
        in a worker thread of this thread: its batch is waited for)."""
        with _guard:
            yield

    def __repr__(self) -> str:
        extra = f" filter={self.filter!r}" if self.filter else ""
        return f"<{type(self).__name__} tap={self.tap!r}{extra}>"


class TapCounter(TapListener):
    """Counts the packets a tap reports, and their frame bytes (the example
    of a C listener; also a quick "how many packets carried an HTTP request"
    with ``TapCounter("http", filter="http.request")``)."""

    def __init__(self, tap: str = "frame", filter: Optional[str] = None) -> None:
        super().__init__(tap, filter)
        self._data = ffi.gc(lib.wirepy_tap_counter_new(), lib.wirepy_tap_counter_free)

    def _c_listener(self) -> CListener:
        return CListener(self._data, lib.wirepy_tap_counter_packet,
                         lib.wirepy_tap_counter_reset)

    @property
    def packets(self) -> int:
        """Packets the tap reported (and the filter passed)."""
        with self._reading():
            return int(self._data.packets)

    @property
    def bytes(self) -> int:
        """Their frame lengths, summed."""
        with self._reading():
            return int(self._data.bytes)


class Needs(NamedTuple):
    """What a read carrying some listeners must do for them."""

    #: build a protocol tree (a listener asks for one or has a filter)
    tree: bool
    #: keep the protocols' own items in it (:data:`REQUIRES_PROTOCOLS`)
    protocols: bool
    #: fill the columns
    columns: bool


def needs(listeners: Sequence[TapListener]) -> Needs:
    """What a read carrying *listeners* must do -- for them, and for the
    listeners libwireshark itself registered (tshark asks the same of all)."""
    if not listeners:
        return Needs(False, False, False)
    init_dissection()
    with _guard:
        registered = lib.wirepy_tap_needs()
    regs = [r for t in listeners for r in t._registrations()]
    tree = bool(registered & lib.WIREPY_TAP_NEEDS_TREE) or any(t.requires_tree
                                                               for t in listeners)
    protocols = bool(registered & lib.WIREPY_TAP_NEEDS_PROTOCOLS) or any(
        bool(r.flags & REQUIRES_PROTOCOLS) for r in regs)
    columns = bool(registered & lib.WIREPY_TAP_NEEDS_COLUMNS) or any(t.requires_columns
                                                                     for t in listeners)
    return Needs(tree, protocols, columns)


def register(listeners: Iterable[TapListener]) -> List[TapListener]:
    """Register *listeners* (all or none: on an error the ones registered
    are removed again); returns them. Pair with :func:`remove`."""
    done: List[TapListener] = []
    with _guard:
        try:
            for listener in listeners:
                listener._register()
                done.append(listener)
        except BaseException:
            for listener in reversed(done):
                listener._remove()
            raise
    return done


def remove(listeners: Iterable[TapListener]) -> None:
    """Remove listeners :func:`register` registered."""
    if wireshark.is_finalized():
        return
    with _guard:
        for listener in listeners:
            listener._remove()


@contextlib.contextmanager
def attached(listeners: Sequence[TapListener]) -> Iterator[List[TapListener]]:
    """Context manager: *listeners* registered for the block (a read with
    epan_dissect_run_with_taps, which every read of wirepy's does)."""
    done = register(listeners)
    try:
        yield done
    finally:
        remove(done)
