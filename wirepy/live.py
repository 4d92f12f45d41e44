"""Live capture: :class:`LiveCapture` dissects what dumpcap captures.

dumpcap (run by :class:`wirepy.lib.dumpcap.CaptureSession`) writes the
packets to a pcapng file and reports each batch it wrote; the capture
follows that growing file -- across ring-buffer switches -- and dissects
exactly the packets reported, as tshark does.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from typing import Any, Iterator, List, Mapping, Optional, Sequence, Union

from .capture import open_capture_file
from .errors import WirepyError
from .lib import dumpcap
from .lib.wireshark import lib
from .packet import Packet
from .settings import Configured, DissectionSettings

__all__ = ["LiveCapture", "LiveCaptureError"]


class LiveCaptureError(WirepyError):
    """dumpcap failed (bad interface, bad capture filter, no permission...);
    the message is dumpcap's."""


class LiveCapture(Configured):
    """Packets captured live on an interface, dissected as they arrive.

    :param interface: the interface name (``"lo"``, ``"eth0"``), or a list.
    :param capture_filter: a BPF capture filter (``"udp port 53"``).
    :param display_filter: only packets matching this display filter.
    :param fields: extract only these fields (fast path), as
        :class:`~wirepy.FileCapture`.
    :param packet_count: stop after this many (displayed) packets.
    :param timeout: stop after this many seconds.
    :param output_file: keep the capture in this pcapng file (default: a
        temporary file removed when the capture ends).
    :param prefs: Wireshark preferences, as :class:`~wirepy.FileCapture`.
    :param decode_as: ``{"udp.port==5555": "dns"}``, as :class:`~wirepy.FileCapture`.
    :param uat: rows of Wireshark's UAT tables (key tables), as
        :class:`~wirepy.FileCapture`.
    :param resolve_names: show names in place of numbers as Wireshark
        does: None or False for none (tshark -n, the default), True as
        tshark without options (MAC vendor names...), or tshark's -N letters
        (``"mt"``: MAC and transport names; see
        :data:`wirepy.lib.epan.RESOLUTION_LETTERS`).
    :param reset_every: a new epan session every that many packets, as
        :class:`~wirepy.FileCapture` takes it (``tshark -M``): memory stays
        bounded however long the capture runs.
    :param capture_args: further :class:`~wirepy.lib.dumpcap.CaptureSession`
        arguments (``snaplen``, ``promiscuous``, ``ringbuffer_filesize``...).

    Iterating starts dumpcap; leaving the loop (``break``, an exception,
    Ctrl-C) stops it and waits for it, so no dumpcap process outlives the
    capture.
    """

    def __init__(self, interface: Union[str, Sequence[str]], *,
                 capture_filter: Optional[str] = None, display_filter: Optional[str] = None,
                 fields: Optional[Sequence[str]] = None, packet_count: Optional[int] = None,
                 timeout: Optional[float] = None, output_file: Optional[str] = None,
                 prefs: Optional[Mapping[str, Any]] = None,
                 decode_as: Optional[Mapping[str, str]] = None, columns: Optional[bool] = None,
                 resolve_names: Union[None, bool, str] = None,
                 uat: Optional[Mapping[str, Sequence[Any]]] = None,
                 reset_every: Optional[int] = None,
                 **capture_args: Any) -> None:
        self.interfaces = [interface] if isinstance(interface, str) else list(interface)
        self.capture_filter = capture_filter
        self.settings = DissectionSettings(display_filter, fields, prefs, decode_as, columns,
                                           resolve_names, uat, reset_every=reset_every)
        self.packet_count = packet_count
        self.timeout = timeout
        self.output_file = output_file
        self.capture_args = capture_args
        self._session: Optional[dumpcap.CaptureSession] = None
        self.files: List[str] = []

    def __repr__(self) -> str:
        return f"<LiveCapture {','.join(self.interfaces)}>"

    def _start(self, workdir: str) -> dumpcap.CaptureSession:
        args = dict(self.capture_args)
        args.setdefault("use_pcapng", True)
        if self.timeout is not None:
            args.setdefault("autostop_duration", self.timeout)
        # A named file, also for ring buffers (dumpcap names their files after it).
        if self.output_file is not None:
            args["savefile"] = os.fspath(self.output_file)
        else:
            args["savefile"] = os.path.join(workdir, "live.pcapng")
        try:
            return dumpcap.CaptureSession(interfaces=self.interfaces,
                                          capture_filter=self.capture_filter, **args)
        except dumpcap.DumpcapError as exc:
            raise LiveCaptureError(str(exc)) from None

    def __iter__(self) -> Iterator[Packet]:
        workdir = tempfile.mkdtemp(prefix="wirepy-live-")
        deadline = None if self.timeout is None else time.monotonic() + self.timeout + 5
        yielded = 0
        wanted = self.packet_count or None
        engine = session = wtap = None
        try:
            with self.settings.applied():
                try:
                    # the process's one epan session: freed below whatever
                    # fails, or the next capture would find it taken while
                    # this traceback lives
                    engine = self.settings.engine()
                    session = self._start(workdir)
                    self._session = session
                    for kind, message in self._events(session, deadline):
                        if kind == dumpcap.SP_FILE:
                            if wtap is not None:
                                # the rest of the file dumpcap switched from
                                for pkt in self._drain(engine, wtap, None):
                                    yield pkt
                                    yielded += 1
                                    if yielded == wanted:
                                        return
                                wtap.close()
                                wtap = None
                            self.files.append(message)
                            wtap = open_capture_file(message)
                        elif kind == dumpcap.SP_PACKET_COUNT and wtap is not None:
                            lib.wtap_cleareof(wtap.cdata)
                            for pkt in engine.packets(wtap, limit=int(message)):
                                yield pkt
                                yielded += 1
                                if yielded == wanted:
                                    return
                    if wtap is not None:
                        for pkt in self._drain(engine, wtap, None):
                            yield pkt
                            yielded += 1
                            if yielded == wanted:
                                return
                finally:
                    if session is not None:
                        self._stop(session)
                    if wtap is not None:
                        wtap.close()
                    if engine is not None:
                        engine.close()
                    self._session = None
        finally:
            if self.output_file is None:
                shutil.rmtree(workdir, ignore_errors=True)

    @staticmethod
    def _drain(engine, wtap, limit) -> Iterator[Packet]:
        lib.wtap_cleareof(wtap.cdata)
        yield from engine.packets(wtap, limit=limit)

    def _events(self, session, deadline) -> Iterator[tuple]:
        while True:
            if deadline is not None and time.monotonic() > deadline:
                session.stop()
                deadline = None
            try:
                yield session.wait_for_event(timeout=0.25)
            except dumpcap.NoEvents:
                if session.returncode is not None and not session._child.running():
                    return
                continue
            except dumpcap.DumpcapError as exc:
                raise LiveCaptureError(str(exc)) from None

    @staticmethod
    def _stop(session: dumpcap.CaptureSession) -> None:
        with contextlib.suppress(Exception):
            if session._child.running():
                session.stop()
                try:
                    session._child.join(5)
                except Exception:
                    pass
        with contextlib.suppress(Exception):
            session.terminate()

    def sniff(self, count: Optional[int] = None, timeout: Optional[float] = None
              ) -> List[Packet]:
        """Capture and return a list of packets: at most *count*, for at most
        *timeout* seconds (Ctrl-C ends it early and returns what arrived)."""
        saved = (self.packet_count, self.timeout)
        if count is not None:
            self.packet_count = count
        if timeout is not None:
            self.timeout = timeout
        packets: List[Packet] = []
        try:
            for pkt in self:
                packets.append(pkt)
        except KeyboardInterrupt:
            pass
        finally:
            self.packet_count, self.timeout = saved
        return packets

    def sniff_continuously(self, packet_count: Optional[int] = None) -> Iterator[Packet]:
        """The packets as they arrive, at most *packet_count* of them:
        pyshark's generator (iterating over the capture does the same)."""
        saved = self.packet_count
        if packet_count is not None:
            self.packet_count = packet_count
        try:
            yield from self
        finally:
            self.packet_count = saved

    def close(self) -> None:
        """Stop a running capture."""
        if self._session is not None:
            self._stop(self._session)

    def __enter__(self) -> LiveCapture:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
