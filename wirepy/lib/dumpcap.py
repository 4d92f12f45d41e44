"""To capture network traffic from live interfaces the external ``dumpcap``-
program is used (as in ``tshark`` and ``wireshark``). This module provides
classes and functions to deal with ``dumpcap`` and get useful results from it.

``dumpcap`` runs in capture-child mode (``-Z none``): it reports through a
framed sync pipe on its standard error (see :mod:`wirepy.lib.dumpcap_syncpipe`)
and writes interface lists, capabilities and statistics to its standard output.
Every child is reaped when its owner is closed, terminated, garbage-collected
or when the interpreter exits.

The child process and the sync pipe live in :mod:`wirepy.lib.dumpcap_process`
and :mod:`wirepy.lib.dumpcap_syncpipe`; what is here is the API of the
original wirepy (capture sessions, interfaces and their capabilities,
statistics), which shares the user-settable :data:`DUMPCAP_BIN` and
:data:`DUMPCAP_CHECK_INTERVAL` -- splitting it further would make modules
read each other's settings in a cycle.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from typing import Any, Callable, Union

from . import dumpcap_process as _process
from .dumpcap_process import DEBIAN_PACKAGE, DumpcapNotFound
from .dumpcap_syncpipe import (
    SP_BAD_FILTER,
    SP_DROPS,
    SP_ERROR_MSG,
    SP_FILE,
    SP_PACKET_COUNT,
    SP_SUCCESS,
    BadFilterError,
    BrokenPipe,
    ChildError,
    DumpcapError,
    Message,
    NoEvents,
)
from .interrupts import InterruptSafeRLock

__all__ = [
    "DUMPCAP_BIN", "DUMPCAP_CHECK_INTERVAL", "DEBIAN_PACKAGE",
    "DumpcapError", "ChildError", "BadFilterError", "BrokenPipe", "NoEvents",
    "DumpcapNotFound", "WaitTimeout",
    "CaptureSession", "Interface", "LinkLayerType", "TimestampType", "Capabilities",
    "LiveInterfaceStats", "set_wifi_channel",
]

DUMPCAP_BIN: Sequence[str] = ("dumpcap",)
"""Name (and default args) of ``dumpcap`` executable"""

DUMPCAP_CHECK_INTERVAL = 1.0
"""Timeout after which ``dumpcap`` is checked for being still alive while in a
blocking call. Shorter timeouts consume more cpu-time but cause errors to
be reported more quickly.
"""


class WaitTimeout(DumpcapError, TimeoutError):
    """``dumpcap`` did not end within the given time."""


def _argv(*args: str) -> list:
    return _process.resolve(DUMPCAP_BIN) + list(args)


_FORMAT_OPTION: dict = {}


def _format_args(pcapng: bool) -> list:
    """dumpcap's option for the output file format, as the dumpcap that
    :data:`DUMPCAP_BIN` runs takes it: ``-n``/``-P`` up to Wireshark 4.0,
    ``-F pcapng``/``-F pcap`` from 4.2 on (there ``-n`` and ``-P`` are
    deprecated and dumpcap reports that as an error message before it
    captures). Its version is asked once per :data:`DUMPCAP_BIN`."""
    key = tuple(DUMPCAP_BIN)
    has_f = _FORMAT_OPTION.get(key)
    if has_f is None:
        try:
            out = subprocess.run(_argv("-v"), capture_output=True,
                                 timeout=_process.COMMAND_TIMEOUT).stdout
        except (OSError, subprocess.SubprocessError):
            out = b""
        found = re.search(rb"Dumpcap \(Wireshark\) (\d+)\.(\d+)", out)
        has_f = found is not None and (int(found.group(1)), int(found.group(2))) >= (4, 2)
        _FORMAT_OPTION[key] = has_f
    if has_f:
        return ["-F", "pcapng" if pcapng else "pcap"]
    return ["-n" if pcapng else "-P"]


def _name(obj: Any) -> Union[str, bytes]:
    """An argument from a name, path or :class:`Interface`."""
    if isinstance(obj, (bytes, os.PathLike)):
        return os.fspath(obj)
    return str(obj)


def set_wifi_channel(interface: Any, channel: str) -> None:
    """Set an 802.11 interface to *channel* (``"<freq>,[<type>],[<cf1>],[<cf2>]"``).

    :raises: :py:exc:`ChildError` with ``dumpcap``'s message.
    """
    _process.run_command(_argv("-i", _name(interface), "-k", str(channel)))


# ---------------------------------------------------------------------------
# Capture sessions

_RING_KEYS = (("ringbuffer_duration", "duration"), ("ringbuffer_filesize", "filesize"),
              ("ringbuffer_files", "files"), ("ringbuffer_packets", "packets"),
              ("ringbuffer_interval", "interval"))
_AUTOSTOP_KEYS = (("autostop_duration", "duration"), ("autostop_filesize", "filesize"),
                  ("autostop_files", "files"), ("autostop_packets", "packets"))


def _number(value: Any, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{what} must be a non-negative number, not {value!r}")
    return str(value) if isinstance(value, int) else repr(float(value))


def _capture_args(interfaces: Any = None, capture_filter: str | None = None,
                  snaplen: int | None = None, promiscuous: bool = True,
                  monitor_mode: bool = False, kernel_buffer_size: int | None = None,
                  link_layer_type: Any = None, wifi_channel: str | None = None,
                  max_packet_count: int | None = None,
                  autostop_duration: float | None = None,
                  autostop_filesize: int | None = None, autostop_files: int | None = None,
                  savefile: Any = None, group_access: bool = False,
                  ringbuffer_duration: float | None = None,
                  ringbuffer_filesize: int | None = None,
                  ringbuffer_files: int | None = None, use_pcapng: bool = True,
                  use_libpcap: bool = False, max_buffered_packets: int | None = None,
                  max_buffered_bytes: int | None = None, separate_threads: bool = False,
                  timestamp_type: str | None = None,
                  capture_comment: str | Sequence[str] | None = None,
                  compression: str | None = None, temp_dir: Any = None,
                  ringbuffer_packets: int | None = None,
                  ringbuffer_interval: int | None = None,
                  autostop_packets: int | None = None) -> tuple[list, list, str | None]:
    """The ``dumpcap`` arguments for a capture, the interfaces and the filter."""
    given = dict(locals())
    args: list = []
    # Options before the first -i are dumpcap's defaults for every interface.
    if capture_filter is not None:
        args += ["-f", str(capture_filter)]
    if snaplen is not None:
        args += ["-s", _number(snaplen, "snaplen")]
    if not promiscuous:
        args.append("-p")
    if monitor_mode:
        args.append("-I")
    if kernel_buffer_size is not None:
        args += ["-B", _number(kernel_buffer_size, "kernel_buffer_size")]
    if link_layer_type is not None:
        args += ["-y", str(link_layer_type)]
    if timestamp_type is not None:
        args += ["--time-stamp-type", str(timestamp_type)]
    if interfaces is None:
        ifaces = []
    elif isinstance(interfaces, (str, bytes, os.PathLike, Interface)):
        ifaces = [_name(interfaces)]
    else:
        ifaces = [_name(i) for i in interfaces]
    for iface in ifaces:
        args += ["-i", iface]
    if max_packet_count is not None:
        args += ["-c", _number(max_packet_count, "max_packet_count")]
    for key, opt in _AUTOSTOP_KEYS:
        if given[key] is not None:
            args += ["-a", f"{opt}:{_number(given[key], key)}"]
    for key, opt in _RING_KEYS:
        if given[key] is not None:
            args += ["-b", f"{opt}:{_number(given[key], key)}"]
    if group_access:
        args.append("-g")
    args += _format_args(not (use_libpcap or not use_pcapng))
    if max_buffered_packets is not None:
        args += ["-N", _number(max_buffered_packets, "max_buffered_packets")]
    if max_buffered_bytes is not None:
        args += ["-C", _number(max_buffered_bytes, "max_buffered_bytes")]
    if separate_threads:
        args.append("-t")
    if capture_comment is not None:
        comments = [capture_comment] if isinstance(capture_comment, str) else capture_comment
        for comment in comments:
            args += ["--capture-comment", str(comment)]
    if compression is not None:
        args += ["--compress-type", str(compression)]
    if temp_dir is not None:
        args += ["--temp-dir", _name(temp_dir)]
    if savefile is not None:
        args += ["-w", _name(savefile)]
    return args, ifaces, wifi_channel


class _CaptureState:
    """Counters the reader thread keeps current (no reference to the session)."""

    def __init__(self) -> None:
        self.packetcount = 0
        self.drops: dict[str, int] = {}
        self.files: list[str] = []
        self.last_error: Message | None = None
        # taken by the main thread's readers too: a Ctrl-C must not leave
        # it taken (see InterruptSafeRLock), or the reader thread waits
        self.lock = InterruptSafeRLock()

    def update(self, msg: Message) -> None:
        with self.lock:
            if msg.indicator == SP_PACKET_COUNT:
                self.packetcount += msg.payload
            elif msg.indicator == SP_DROPS:
                # The count is the interface's total, not an increment.
                self.drops[msg.payload.interface] = msg.payload.drops
            elif msg.indicator == SP_FILE:
                self.files.append(msg.payload)
            elif msg.indicator in (SP_ERROR_MSG, SP_BAD_FILTER):
                self.last_error = msg


class CaptureSession:
    """Use ``dumpcap`` to capture network traffic from live interfaces.

    A new subprocess is created on instantiation which starts immediately.
    ``dumpcap`` writes captured traffic to one or more files and reports its
    activity through a set of messages. Incoming messages are received by an
    internal thread that puts *events* on a FIFO-queue where they can be
    received by calling :py:func:`wait_for_event`. One may register an
    eventhandler-function through :py:func:`register_eventhandler` that
    automatically reacts to certain event-types when
    :py:func:`wait_for_unhandled_event` is called.

    The first event after instantiation should be :py:attr:`SP_FILE`,
    indicating that ``dumpcap`` has started writing captured traffic. After
    that, multiple events of type :py:attr:`SP_PACKET_COUNT` arrive to indicate
    that a number of new packets have been written to the current file.

    The event queue is unbounded: a caller that never fetches events of a
    long capture keeps a few bytes per ``dumpcap`` report.
    """

    SP_FILE = SP_FILE
    """``dumpcap`` has recently opened a file to write newly captured packets.
    The event-message is the name of the file (a string)."""
    SP_ERROR_MSG = SP_ERROR_MSG
    """General error indicator; ``dumpcap`` has stopped. The event-message is
    the error message from ``dumpcap`` (a string; primary and secondary
    message separated by a newline)."""
    SP_BAD_FILTER = SP_BAD_FILTER
    """The supplied capture filter failed to compile; ``dumpcap`` has stopped.
    The event-message is the error message from ``dumpcap`` (a string)."""
    SP_PACKET_COUNT = SP_PACKET_COUNT
    """Newly captured packets were written to the most recently given file.
    The event-message is the number of packets written (an int)."""
    SP_DROPS = SP_DROPS
    """Reports the count of packets dropped in capture (an int, the total of
    one interface)."""
    SP_SUCCESS = SP_SUCCESS
    """General success indication, the event-message is None."""

    def __init__(self, **extra_capture_args: Any) -> None:
        """Start a new packet capture using ``dumpcap``.

        :param interfaces: Tuple of interface-names (or :class:`Interface`)
            to capture on; dumpcap's default interface if None.
        :param capture_filter: Packet filter in libpcap filter syntax to use
            while capturing (applies to every interface).
        :param snaplen: Packet snapshot length.
        :param promiscuous: Capture in promiscuous-mode (True by default).
        :param monitor_mode: Capture in monitor-mode if available (False by
            default).
        :param kernel_buffer_size: Size of kernel buffer in MiB.
        :param link_layer_type: Link layer type (its name, e.g. ``"EN10MB"``,
            or a :class:`LinkLayerType`).
        :param wifi_channel: Set channel on wifi interface to
            ``<freq>,[type]`` before capturing (a separate ``dumpcap -k``).
        :param max_packet_count: Stop capturing after this number of packets.
        :param autostop_duration: Stop capturing after this number of seconds.
        :param autostop_filesize: Stop capturing after this number of KB.
        :param autostop_files: Stop capturing after this number of files.
        :param savefile: Name of file to save to (defaults to a temporary
            file).
        :param group_access: Enable group read access on the output file(s).
            (Defaults to False.)
        :param ringbuffer_duration: Switch to next file after this number of
            seconds.
        :param ringbuffer_filesize: Switch to next file after this number of
            KB.
        :param ringbuffer_files: Start replacing after this number of files.
        :param use_pcapng: Use pcapng format instead of pcap (Defaults to True).
        :param use_libpcap: Use libpcap format instead of pcapng (Defaults to
            False).
        :param max_buffered_packets: Maximum number of packets buffered within
            ``dumpcap``.
        :param max_buffered_bytes: Maximum number of bytes used for buffering
            packets within ``dumpcap``.
        :param separate_threads: Use a separate thread per interface (Defaults
            to False).
        :param timestamp_type: Time stamp type of the interfaces (one of
            :py:attr:`Interface.supported_timestamp_types`, e.g. ``"host"``).
        :param capture_comment: A comment (or a sequence of comments) for the
            section header of a pcapng file.
        :param compression: ``"gzip"`` compresses each ring-buffer file once
            ``dumpcap`` has switched to the next one (to ``<name>.gz``; the
            file of :py:attr:`SP_FILE` then vanishes). ``dumpcap`` 4.0 does
            not compress a single output file.
        :param temp_dir: Directory for the temporary file.
        :param ringbuffer_packets: Switch to next file after this number of
            packets.
        :param ringbuffer_interval: Switch to next file when the time is an
            exact multiple of this number of seconds.
        :param autostop_packets: Stop after this number of packets written to
            files (not counting packets of dropped files).

        The events :py:const:`SP_ERROR_MSG` and :py:const:`SP_BAD_FILTER` have
        handlers automatically registered on them to raise :py:exc:`ChildError`
        and :py:exc:`BadFilterError` in :py:func:`wait_for_unhandled_event`.

        :raises: :py:exc:`TypeError` for unknown parameters,
            :py:exc:`DumpcapNotFound` if ``dumpcap`` is not installed.
        """
        self._child = None
        self._finalizer = None
        args, self._interfaces, wifi_channel = _capture_args(**extra_capture_args)
        self._capture_filter = extra_capture_args.get("capture_filter")
        self._eventhandlers: dict[int, Callable[[Any], Any]] = {}
        self._final: Exception | None = None
        self._finished = False
        self.register_eventhandler(self.SP_ERROR_MSG, self._error_event)
        self.register_eventhandler(self.SP_BAD_FILTER, self._bad_filter_event)
        argv = _argv(*args)
        if wifi_channel is not None:
            for iface in self._interfaces or ():
                set_wifi_channel(iface, wifi_channel)
        self._state = _CaptureState()
        self._child = _process.Child(argv, on_message=self._state.update)
        self._finalizer = weakref.finalize(self, self._child.shutdown)

    # -- attributes ------------------------------------------------------
    @property
    def packetcount(self) -> int:
        """The total number of packets ``dumpcap`` has written to its files."""
        return self._state.packetcount

    @property
    def dropcount(self) -> int:
        """The total number of packets dropped before ``dumpcap`` could
        receive them (reported when the capture ends)."""
        with self._state.lock:
            return sum(self._state.drops.values())

    @property
    def files(self) -> list[str]:
        """The names of all files ``dumpcap`` has reported so far."""
        with self._state.lock:
            return list(self._state.files)

    @property
    def pid(self) -> int:
        """The process id of ``dumpcap``."""
        return self._child.pid

    @property
    def returncode(self) -> int | None:
        """``dumpcap``'s exit status once it has been reaped, else None."""
        return self._child.returncode

    # -- context ---------------------------------------------------------
    def __enter__(self) -> CaptureSession:
        """Returns the instance itself"""
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        """Kill ``dumpcap`` through a call to :py:func:`terminate` and block
        until the message-pipe has stopped."""
        self.terminate()

    # -- handlers --------------------------------------------------------
    def _error_event(self, errmsg: str) -> None:
        raise ChildError(errmsg)

    def _bad_filter_event(self, errmsg: str) -> None:
        raise BadFilterError(self._bad_filter_text(errmsg))

    def _bad_filter_text(self, errmsg: str) -> str:
        return f"Invalid capture filter {self._capture_filter!r}: {errmsg}"

    def register_eventhandler(self, event_type: int,
                              func: Callable[[Any], Any] | None) -> None:
        """Register a function to automatically handle an event.

        The given function is called by :py:func:`wait_for_unhandled_event`
        with the event-message being the only parameter. One event-type can
        only have one handler registered at a time; None removes it.

        :param event_type: One of *SP_...* like :py:attr:`CaptureSession.SP_FILE`
        :param func: A callable that will receive the event-message as it's
            only argument.
        """
        if func is None:
            self._eventhandlers.pop(event_type, None)
        else:
            self._eventhandlers[event_type] = func

    # -- events ----------------------------------------------------------
    def _event(self, msg: Message) -> tuple[int, Any]:
        payload = msg.payload
        if msg.indicator == SP_DROPS:
            payload = payload.drops
        elif msg.indicator == SP_BAD_FILTER:
            payload = payload.message
        elif msg.indicator == SP_ERROR_MSG:
            payload = str(payload)
        return msg.indicator, payload

    def _end_exception(self) -> Exception:
        """What ``dumpcap``'s end means for the caller."""
        child = self._child
        if child.broken is not None:
            return BrokenPipe(str(child.broken))
        failure = child.failure()
        if failure is None:
            self._finished = True
            return NoEvents("dumpcap has exited")
        last = self._state.last_error
        if last is not None and last.indicator == SP_BAD_FILTER:
            return BadFilterError(f"{failure}: {self._bad_filter_text(last.payload.message)}")
        if last is not None:
            return ChildError(f"{failure}: {last.payload}")
        return ChildError(failure)

    def wait_for_event(self, block: bool = True,
                       timeout: float | None = None) -> tuple[int, Any]:
        """Wait for events from dumpcap.

        :param block: If True, the call blocks until an event appears through
            the pipe.
        :param timeout: The number of seconds a call should block if **block**
            is True.
        :raises: :py:exc:`ChildError` if dumpcap has died while waiting for
            events. :py:exc:`BrokenPipe` in case the thread receiving messages
            from dumpcap has died. :py:exc:`NoEvents` if **block** is False
            and no event is readily available or **block** is True and the
            timeout-time has passed, and at once after dumpcap has exited.
        :returns: A tuple of (*event_type*, *event_msg*).
        """
        if self._final is not None:
            raise type(self._final)(*self._final.args)
        child = self._child
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                if not block:
                    kind, item = child.queue.get_nowait()
                else:
                    wait = DUMPCAP_CHECK_INTERVAL
                    if deadline is not None:
                        wait = max(0.0, min(wait, deadline - time.monotonic()))
                    kind, item = child.queue.get(timeout=wait)
            except queue.Empty:
                if not block:
                    raise NoEvents("No event from dumpcap is available") from None
                if not child.thread.is_alive() and child.queue.empty():
                    self._final = BrokenPipe("The thread reading from dumpcap has died")
                    raise self._final from None
                if deadline is not None and time.monotonic() >= deadline:
                    raise NoEvents(f"No event from dumpcap within {timeout} seconds") from None
                continue
            if kind == _process.EVENT:
                return self._event(item)
            if kind == _process.BROKEN:
                continue  # the END that follows carries the verdict
            self._final = self._end_exception()
            raise type(self._final)(*self._final.args)

    def wait_for_unhandled_event(self, block: bool = True,
                                 timeout: float | None = None) -> tuple[int, Any]:
        """Wait for events from dumpcap and pass them to their respective
        event-handler.

        Returns the next event that has no handler registered. See
        :py:func:`CaptureSession.wait_for_event` for details on the parameters
        and the return values.

        Any exceptions raised by registered event-handlers are reported to the
        caller.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            event_type, event_msg = self.wait_for_event(block, remaining)
            handler = self._eventhandlers.get(event_type)
            if handler is None:
                return event_type, event_msg
            handler(event_msg)

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        """Iterate over all events received from ``dumpcap`` until it exits or
        dies (in which case an exception is raised). The iterator uses
        :py:func:`wait_for_unhandled_event` and blocks until unhandled events
        arrive."""
        while True:
            try:
                yield self.wait_for_unhandled_event()
            except NoEvents:
                if self._finished:
                    return
                raise

    # -- process control -------------------------------------------------
    def stop(self) -> None:
        """Signal dumpcap to stop capturing and exit (SIGINT; ``dumpcap``
        finishes its file and reports its last counts)."""
        self._child.requested_stop = True
        self._child.send_signal(signal.SIGINT)

    def terminate(self) -> None:
        """Kill dumpcap: SIGTERM (it finishes its file), SIGKILL if it has
        not exited within a few seconds; then reap it and stop the thread."""
        if self._child is not None:
            self._finalizer.detach()
            self._child.shutdown()

    def wait(self, timeout: float | None = None) -> int:
        """Wait until dumpcap has ended on its own.

        :returns: The exit status.
        :raises: :py:exc:`WaitTimeout` if **timeout** seconds have passed,
            :py:exc:`ChildError` (:py:exc:`BadFilterError`) if ``dumpcap``
            failed; :py:exc:`BrokenPipe` if its messages were garbled.
        """
        if not self._child.join(timeout):
            raise WaitTimeout(f"dumpcap did not exit within {timeout} seconds")
        exc = self._end_exception()
        if not isinstance(exc, NoEvents):
            raise exc
        return self._child.returncode

    def __repr__(self) -> str:
        state = "running" if self._child.running() else f"exited {self._child.returncode}"
        return f"<CaptureSession pid={self.pid} {state} packets={self.packetcount}>"


# ---------------------------------------------------------------------------
# Interfaces


class LinkLayerType:
    """Represents a link-layer-type as reported by ``dumpcap``"""

    def __init__(self, dlt: int, name: str, description: str) -> None:
        self.dlt = dlt  #: The ``DLT_`` number
        self.name = name  #: The short-name of this link-layer-type
        self.description = description  #: The human-friendly name

    @property
    def supported(self) -> bool:
        """False if ``dumpcap`` lists the type as ``(not supported)``."""
        return self.description != "(not supported)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LinkLayerType):
            return NotImplemented
        return (self.dlt, self.name, self.description) == \
            (other.dlt, other.name, other.description)

    def __hash__(self) -> int:
        return hash((self.dlt, self.name))

    def __repr__(self) -> str:
        return f"<LinkLayerType dlt={self.dlt} name={self.name!r} " \
               f"description={self.description!r}>"

    def __str__(self) -> str:
        """Equal to :py:attr:`name`"""
        return self.name


class TimestampType:
    """A time stamp type an interface supports (``--time-stamp-type``)."""

    def __init__(self, name: str, description: str) -> None:
        self.name = name  #: The name to pass as ``timestamp_type``
        self.description = description  #: The human-friendly name

    def __repr__(self) -> str:
        return f"<TimestampType name={self.name!r} description={self.description!r}>"

    def __str__(self) -> str:
        """Equal to :py:attr:`name`"""
        return self.name


class Capabilities(tuple):
    """``(can_rfmon, link_layer_types)`` with the time stamp types attached."""

    def __new__(cls, can_rfmon: bool, link_layer_types: list,
                timestamp_types: list) -> Capabilities:
        self = super().__new__(cls, (can_rfmon, link_layer_types))
        self.timestamp_types = timestamp_types
        return self

    @property
    def can_rfmon(self) -> bool:
        """True if the interface supports monitor-mode."""
        return self[0]

    @property
    def link_layer_types(self) -> list:
        """A list of :class:`LinkLayerType`."""
        return self[1]


def _parse_capabilities_json(text: str, monitor_mode: bool) -> Capabilities:
    """Wireshark 4.2 and later: one JSON object per interface."""
    try:
        ((name, caps),) = json.loads(text)[0].items()
    except (ValueError, IndexError, AttributeError, TypeError):
        raise ChildError(f"Unexpected capabilities from dumpcap: {text[:200]!r}") from None
    if caps.get("status", 0) != 0:
        why = caps.get("primary_msg") or f"status {caps['status']}"
        more = caps.get("secondary_msg")
        raise ChildError(f"{name}: {why}" + (f" ({more})" if more else ""))
    listed = caps.get("data_link_types_rfmon") if monitor_mode else None
    dlts = [LinkLayerType(int(d["dlt"]), d.get("name") or "", d.get("description") or "")
            for d in (listed or caps.get("data_link_types") or [])]
    tstamps = [TimestampType(t.get("name") or "", t.get("description") or "")
               for t in caps.get("timestamp_types") or []]
    return Capabilities(bool(caps.get("rfmon")), dlts, tstamps)


def _parse_capabilities(text: str, monitor_mode: bool = False) -> Capabilities:
    if text.lstrip().startswith("["):
        return _parse_capabilities_json(text, monitor_mode)
    # Wireshark 4.0: can_rfmon, then a line per link-layer type, an empty
    # line, a line per time stamp type
    lines = text.split("\n")
    if not lines or lines[0] not in ("0", "1"):
        raise ChildError(f"Unexpected capabilities from dumpcap: {text[:200]!r}")
    dlts: list[LinkLayerType] = []
    tstamps: list[TimestampType] = []
    section = dlts
    for line in lines[1:]:
        if not line:
            section = tstamps
            continue
        fields = line.split("\t")
        if section is dlts and len(fields) == 3 and fields[0].isdigit():
            dlts.append(LinkLayerType(int(fields[0]), fields[1], fields[2]))
        elif section is tstamps and len(fields) == 2:
            tstamps.append(TimestampType(fields[0], fields[1]))
    return Capabilities(lines[0] == "1", dlts, tstamps)


class Interface:
    """An interface or device ``dumpcap`` can use to capture packets from."""

    # capture_ifinfo.h of Wireshark 4.0
    IF_WIRED = 0  #: Wired device (probably Ethernet/DOCSIS)
    IF_AIRPCAP = 1  #: The AirPcap-device
    IF_PIPE = 2  #: A pipe
    IF_STDIN = 3  #: Standard input
    IF_BLUETOOTH = 4  #: Bluetooth
    IF_WIRELESS = 5  #: Wireless
    IF_DIALUP = 6  #: Dialup
    IF_USB = 7  #: USB
    IF_EXTCAP = 8  #: An extcap interface
    IF_VIRTUAL = 9  #: Virtual

    _TYPE_NAMES = {0: "WIRED", 1: "AIRPCAP", 2: "PIPE", 3: "STDIN", 4: "BLUETOOTH",
                   5: "WIRELESS", 6: "DIALUP", 7: "USB", 8: "EXTCAP", 9: "VIRTUAL"}

    def __init__(self, name: str, number: int | None = None, vendor_name: str | None = None,
                 friendly_name: str | None = None, interface_type: int | None = None,
                 addresses: list[str] | None = None, loopback: bool | None = None) -> None:
        self.name = name  #: The name of the interface.
        self.number = number  #: ``dumpcap``'s index of the interface (1-based)
        self.vendor_name = vendor_name  #: The vendor's description, if any
        self.friendly_name = friendly_name  #: Human-friendly name, if any
        #: One of *IF_...* like :py:const:`Interface.IF_WIRED`
        self.interface_type = interface_type
        #: A list of strings representing the addresses the interface is bound to.
        self.addresses = addresses if addresses is not None else []
        self.loopback = loopback  #: True if the interface is a loopback
        self._capabilities: Capabilities | None = None

    @staticmethod
    def get_interface_capabilities(interface: Any, monitor_mode: bool = False) -> Capabilities:
        """Query link-layer-types an interface supports.

        :param interface: The name of the interface to query.
        :param monitor_mode: True if the interface shall be put into
            monitor-mode before querying available link-layer-types.
        :returns: A tuple with two members, the first indicating whether the
            interface supports monitor-mode, the second being a list of
            :py:class:`LinkLayerType`; its attribute ``timestamp_types`` is a
            list of :py:class:`TimestampType`.
        :raises: :py:exc:`ChildError` with ``dumpcap``'s message.
        """
        args = ["-i", _name(interface), "-L", "--list-time-stamp-types"]
        if monitor_mode:
            args.append("-I")
        out = _process.run_command(_argv(*args))
        return _parse_capabilities(out.decode("utf-8", "replace"), monitor_mode)

    @property
    def capabilities(self) -> Capabilities:
        """The capabilities of this interface (queried once).

        See :py:func:`get_interface_capabilities` for details.
        """
        if self._capabilities is None:
            self._capabilities = self.get_interface_capabilities(self.name)
        return self._capabilities

    @property
    def can_rfmon(self) -> bool:
        """True if this interface supports monitor-mode."""
        return self.capabilities[0]

    @property
    def supported_link_layer_types(self) -> list[LinkLayerType]:
        """A list of supported link-layer-types."""
        return self.capabilities[1]

    @property
    def supported_timestamp_types(self) -> list[TimestampType]:
        """A list of the time stamp types the interface supports."""
        return self.capabilities.timestamp_types

    @property
    def interface_type_string(self) -> str:
        """The interface type's name (``WIRED``, ``WIRELESS``...; else ``UNKNOWN``)."""
        return self._TYPE_NAMES.get(self.interface_type, "UNKNOWN")

    @classmethod
    def _parse_list_json(cls, text: str) -> list[Interface]:
        """Wireshark 4.2 and later: a JSON list of one object per interface."""
        try:
            entries = json.loads(text)
        except ValueError:
            raise ChildError(f"Unexpected interface list from dumpcap: {text[:200]!r}") from None
        interfaces = []
        for number, entry in enumerate(entries, 1):
            for name, info in entry.items():
                interfaces.append(cls(name, number, info.get("vendor_description") or None,
                                      info.get("friendly_name") or None, info.get("type"),
                                      list(info.get("addrs") or []),
                                      bool(info.get("loopback"))))
        return interfaces

    @classmethod
    def _parse_list(cls, text: str) -> list[Interface]:
        if text.lstrip().startswith("["):
            return cls._parse_list_json(text)
        # Wireshark 4.0: one tab-separated line per interface
        interfaces = []
        for line in text.split("\n"):
            fields = line.rstrip("\r").split("\t")
            if len(fields) < 7:
                continue
            number, sep, name = fields[0].partition(". ")
            if not sep or not number.isdigit() or not name:
                continue
            try:
                iftype = int(fields[3])
            except ValueError:
                continue
            addresses = [a for a in fields[4].split(",") if a]
            interfaces.append(cls(name, int(number), fields[1] or None, fields[2] or None,
                                  iftype, addresses, fields[5] == "loopback"))
        return interfaces

    @classmethod
    def list_interfaces(cls) -> list[Interface]:
        """Report the interfaces ``dumpcap`` knows about.

        :raises: :py:exc:`ChildError` if ``dumpcap`` returns an error.
        :returns: A list of :py:class:`Interface`-instances.
        """
        out = _process.run_command(_argv("-D"))
        return cls._parse_list(os.fsdecode(out))

    def __repr__(self) -> str:
        extra = ", loopback" if self.loopback else ""
        return f"<Interface {self.name!r} of type {self.interface_type_string!r}{extra}>"

    def __str__(self) -> str:
        """Equal to :py:attr:`name`"""
        return self.name


# ---------------------------------------------------------------------------
# Statistics


class _StatsState:
    """Statistics the reader thread keeps current (no reference to the owner)."""

    def __init__(self) -> None:
        self.stats: dict[str, tuple[int, int]] = {}
        self.tick = threading.Event()
        self.started = threading.Event()
        self.first: Message | None = None
        self.lock = InterruptSafeRLock()
        self._partial = b""
        # dumpcap prints (and flushes) one line per interface each second:
        # a tick is a complete round, known once the first name repeats.
        self._round: list[str] = []
        self._order: list[str] | None = None

    def on_message(self, msg: Message) -> None:
        if self.first is None:
            self.first = msg
            self.started.set()

    def on_stdout(self, data: bytes) -> None:
        data = self._partial + data
        *lines, self._partial = data.split(b"\n")
        fresh = False
        with self.lock:
            for line in lines:
                fields = line.split(b"\t")
                if len(fields) != 3 or not fields[1].isdigit() or not fields[2].isdigit():
                    continue
                name = os.fsdecode(fields[0])
                self.stats[name] = (int(fields[1]), int(fields[2]))
                if self._order is None:
                    if name in self._round:
                        # round 2 begins: now the round's length is known, and
                        # the tick comes when round 2 is complete (moments
                        # later), not twice in a row
                        self._order = self._round
                        self._round = []
                    else:
                        self._round.append(name)
                        continue
                self._round.append(name)
                if name == self._order[-1] or len(self._round) >= len(self._order):
                    self._round = []
                    fresh = True
        if fresh:
            self.tick.set()


class LiveInterfaceStats:
    """Receive statistics on the number of packets received and dropped from
    all interfaces.

    The iterator on instances of this class provides a convenient way to
    receive statistics as they arrive without busy-waiting.

    The context-manager ensures that the child-process is terminated when the
    context ends.

    Both may be used in concert to produce a generator iterator that can be
    passed around and automatically terminates ``dumpcap`` once the instance
    is garbage-collected::

        def stats():
            with LiveInterfaceStats() as s:
                for results in s:
                    yield results
    """

    def __init__(self, timeout: float = _process.COMMAND_TIMEOUT) -> None:
        """Start capturing interface statistics (``dumpcap -S``).

        :raises: :py:exc:`ChildError` if dumpcap reported an error.
        """
        self._child = None
        self._finalizer = None
        self._state = _StatsState()
        self._child = _process.Child(_argv("-S"), on_message=self._state.on_message,
                                     on_stdout=self._state.on_stdout)
        self._finalizer = weakref.finalize(self, self._child.shutdown)
        deadline = time.monotonic() + timeout
        while not self._state.started.wait(0.05):
            if not self._child.thread.is_alive() or time.monotonic() > deadline:
                break
        first = self._state.first
        if first is None or first.indicator != SP_SUCCESS:
            self.terminate()
            if first is not None and first.indicator == SP_ERROR_MSG:
                raise ChildError(str(first.payload))
            if self._child.broken is not None:
                raise ChildError(str(self._child.broken))
            raise ChildError("dumpcap did not start reporting statistics "
                             f"({_process.describe_status(self._child.returncode)})")

    @property
    def pid(self) -> int:
        """The process id of ``dumpcap``."""
        return self._child.pid

    def __enter__(self) -> LiveInterfaceStats:
        """:returns: The instance itself."""
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        """Kill ``dumpcap`` through a call to :py:func:`terminate`"""
        self.terminate()

    def __getitem__(self, interface: Any) -> tuple[int, int]:
        """Receive the current statistics for the given interface.

        :param interface: The name of the interface
        :returns: A tuple of (*packets received*, *packets dropped*)
        """
        with self._state.lock:
            return self._state.stats[str(interface)]

    def __len__(self) -> int:
        """:returns: The number of interfaces currently known."""
        with self._state.lock:
            return len(self._state.stats)

    def __iter__(self) -> Iterator[tuple[tuple[str, tuple[int, int]], ...]]:
        """Wait for fresh statistics by calling :py:func:`wait_for_tick` and
        yield them. The tick-event is cleared **after** yielding to the caller;
        a new call to next() will probably block but return the newest results.

        Ends when ``dumpcap`` has been terminated.

        :returns: A tuple of (*interface_name*, (*packets received*, *packets
            dropped*)) pairs.
        """
        while True:
            try:
                self.wait_for_tick()
            except NoEvents:
                return
            with self._state.lock:
                results = tuple(self._state.stats.items())
            yield results
            self.clear_tick()

    @property
    def interfaces(self) -> tuple[str, ...]:
        """A tuple of all currently known interface names."""
        with self._state.lock:
            return tuple(self._state.stats)

    def wait_for_tick(self, timeout: float | None = None) -> None:
        """Block until dumpcap reports fresh statistics.

        :param timeout: If not None the call blocks up to that amount of
            seconds before raising NoEvents.
        :raises: :py:exc:`NoEvents` if no new data arrived after **timeout**
            has passed or ``dumpcap`` was terminated; :py:exc:`ChildError` if
            ``dumpcap`` died; :py:exc:`BrokenPipe` if its messages were garbled.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = DUMPCAP_CHECK_INTERVAL
            if deadline is not None:
                wait = max(0.0, min(wait, deadline - time.monotonic()))
            if self._state.tick.wait(wait):
                return
            if not self._child.thread.is_alive():
                if self._child.broken is not None:
                    raise BrokenPipe(str(self._child.broken))
                failure = self._child.failure()
                if failure is not None:
                    raise ChildError(failure)
                raise NoEvents("dumpcap has exited")
            if deadline is not None and time.monotonic() >= deadline:
                raise NoEvents(f"No statistics from dumpcap within {timeout} seconds")

    def clear_tick(self) -> None:
        """Clears the tick-event.

        Calls to :py:func:`wait_for_tick` may block again after calling this.
        """
        self._state.tick.clear()

    def terminate(self) -> None:
        """Kill dumpcap."""
        if self._child is not None:
            self._finalizer.detach()
            self._child.shutdown()
