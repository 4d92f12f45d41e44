"""Dissecting frames handed over as bytes: :func:`dissect` for one frame,
:class:`Dissector` for a stream of them.

libwireshark keeps its per-capture state (conversations, reassembly, TCP
analysis) in an epan session, and a new session costs about 40 ms (and,
with Wireshark 4.0, about 0.5 MiB it never gives back; see the internals
guide). So
:func:`dissect` -- a fresh session per call, every frame on its own -- is
for a few frames, and :class:`Dissector` -- one session for every frame it
is given, like the packets of one capture -- for many.
"""

from __future__ import annotations

import contextlib
import time
import warnings
from typing import Any, Mapping, Optional, Sequence, Union

from . import _engine
from .lib.closing import Closing
from .lib.wireshark import lib
from .packet import Packet
from .settings import Configured, DissectionSettings

__all__ = ["Dissector", "dissect", "encapsulation"]

Encap = Union[str, int]

#: :func:`dissect` warns once after this many calls in a process.
ONE_OFF_WARNING = 16
_one_off_calls = 0


def encapsulation(encap: Encap) -> int:
    """A link type as wiretap's ``WTAP_ENCAP_*`` number, from its short name
    (``"ether"``, ``"rawip"``, ``"linux-sll"``, ``"ieee-802-11"``...) or number.

    :raises ValueError: for a name or number wiretap does not know.
    """
    from .lib.wtap_types import EncapsulationType

    number = int(EncapsulationType(encap))   # initialises wiretap first
    if not 0 < number < lib.wtap_get_num_encap_types():
        raise ValueError(f"unknown encapsulation {encap!r} (see wirepy.lib.wtap."
                         "iter_encapsulation_types() for the names)")
    return number


def _frame_bytes(data: Any, caller: str) -> bytes:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{caller} needs bytes, not {type(data).__name__}")
    return bytes(data)


def dissect(data: bytes, *, encap: Encap = "ether",
            fields: Optional[Sequence[str]] = None, time_ns: Optional[int] = None,
            display_filter: Optional[str] = None) -> Packet:
    """Dissect one frame given as bytes and return its :class:`Packet`.

    >>> pkt = dissect(bytes.fromhex("ffffffffffff020000000001080600010800060400010200"
    ...                             "00000001c000020a000000000000c0000201"))
    >>> pkt.protocols, str(pkt["arp.dst.proto_ipv4"])
    (['eth', 'ethertype', 'arp'], '192.0.2.1')

    :param encap: the link type (wiretap's short name or number).
    :param fields: extract only these fields (default: the full tree).
    :param time_ns: the frame's time (default: now).
    :param display_filter: computed for :attr:`Packet.matches` -- the packet
        is returned either way.

    Each call is a fresh dissection: no reassembly across calls, frame
    number 1. That takes a new epan session, about 40 ms: for many frames
    use a
    :class:`Dissector` (a :class:`RuntimeWarning` says so after
    ``ONE_OFF_WARNING`` calls). It cannot run while a capture is being read
    in the same process (:class:`~wirepy.errors.SessionBusyError`).
    """
    global _one_off_calls
    data = _frame_bytes(data, "dissect()")
    number = encapsulation(encap)
    engine = DissectionSettings(display_filter, fields, columns=True).engine()
    try:
        packet = engine.dissect_bytes(data, number,
                                      time.time_ns() if time_ns is None else time_ns)
    finally:
        engine.close()
    _one_off_calls += 1
    if _one_off_calls == ONE_OFF_WARNING:
        warnings.warn(f"{ONE_OFF_WARNING} calls of wirepy.dissect(): each one makes a new "
                      "epan session (about 40 ms); "
                      "wirepy.Dissector dissects many frames in one session",
                      RuntimeWarning, stacklevel=2)
    return packet


class Dissector(Configured, Closing):
    """Dissects frames handed over as bytes, one after the other, in one
    epan session: as the packets of one capture. Later frames see what
    earlier ones left (TCP analysis and reassembly, conversations,
    request/response links), frame numbers count up from 1, and a frame
    costs only its dissection.

    >>> with Dissector(fields=["arp.dst.proto_ipv4"]) as d:
    ...     for _ in range(3):
    ...         pkt = d.dissect(bytes.fromhex(
    ...             "ffffffffffff020000000001080600010800060400010200"
    ...             "00000001c000020a000000000000c0000201"))
    >>> pkt.number, str(pkt["arp.dst.proto_ipv4"])
    (3, '192.0.2.1')

    :param encap: the frames' link type (wiretap's short name or number);
        :meth:`dissect` can override it per frame.
    :param fields: extract only these fields (default: the full tree).
    :param display_filter: computed for :attr:`Packet.matches`.
    :param prefs: Wireshark preferences while the Dissector is open.
    :param decode_as: ``{"tcp.port==8888": "http"}`` while it is open.
    :param uat: rows of Wireshark's UAT tables while it is open, as
        :class:`~wirepy.FileCapture` takes them.
    :param reset_every: a new epan session every that many frames, as
        :class:`~wirepy.FileCapture` takes it: for a Dissector fed for ever.

    It holds the process's one epan session until :meth:`close` (or the end
    of its ``with`` block): reading a capture meanwhile raises
    :class:`~wirepy.errors.SessionBusyError`.
    """

    def __init__(self, *, encap: Encap = "ether", fields: Optional[Sequence[str]] = None,
                 display_filter: Optional[str] = None,
                 prefs: Optional[Mapping[str, Any]] = None,
                 decode_as: Optional[Mapping[str, str]] = None,
                 resolve_names: Union[None, bool, str] = None,
                 uat: Optional[Mapping[str, Sequence[Any]]] = None,
                 reset_every: Optional[int] = None) -> None:
        self._engine: Optional[_engine.Engine] = None
        self.encap = encapsulation(encap)
        self.settings = DissectionSettings(display_filter, fields, prefs, decode_as, columns=True,
                                           resolve_names=resolve_names, uat=uat,
                                           reset_every=reset_every)
        with contextlib.ExitStack() as applied:
            applied.enter_context(self.settings.applied())
            self._engine = self.settings.engine()
            self._applied = applied.pop_all()

    def dissect(self, data: bytes, *, time_ns: Optional[int] = None,
                encap: Optional[Encap] = None) -> Packet:
        """Dissect the next frame and return its :class:`Packet`.

        :param time_ns: the frame's time (default: now).
        :param encap: this frame's link type, if not the Dissector's.
        :raises ValueError: once the Dissector is closed.
        """
        engine = self._engine
        if engine is None:
            raise ValueError("the Dissector is closed")
        data = _frame_bytes(data, "Dissector.dissect()")
        number = self.encap if encap is None else encapsulation(encap)
        return engine.dissect_bytes(data, number,
                                    time.time_ns() if time_ns is None else time_ns)

    @property
    def closed(self) -> bool:
        """True once the Dissector was closed."""
        return self._engine is None

    def close(self) -> None:
        """Free the session and put the preferences back."""
        engine, self._engine = getattr(self, "_engine", None), None
        if engine is None:
            return
        try:
            engine.close()
        finally:
            self._applied.close()

    def __repr__(self) -> str:
        state = "closed" if self._engine is None else f"encap {self.encap}"
        return f"<Dissector {state}>"
