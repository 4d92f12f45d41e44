"""Reading capture files: :class:`FileCapture`."""

from __future__ import annotations

import os
from typing import Any, Iterator, List, Mapping, Optional, Sequence, Union

from . import _engine
from .errors import CaptureFileNotFoundError, KeyLogFileNotFoundError, capture_file_error
from .lib import epan, interrupts
from .lib.interrupts import uninterrupted
from .packet import Packet
from .settings import Configured, DissectionSettings

__all__ = ["FileCapture"]

PathLike = Union[str, "os.PathLike[str]"]
#: The path that reads the standard input (as tshark's ``-r -``).
STDIN = "-"


def open_capture_file(path: str, random: bool = False) -> epan.OfflineFile:
    """Open a capture file for dissection, with wirepy's errors; *random*
    for a two-pass read."""
    try:
        return epan.OfflineFile(path, random=random)
    except epan.ReadError as exc:
        raise capture_file_error(exc, path) from None


def _taps_of(listeners: Any) -> List[Any]:
    """*listeners* as a list of tap listeners (one alone is a list of one)."""
    from .lib.taps import TapListener

    if isinstance(listeners, TapListener):
        return [listeners]
    listeners = list(listeners or ())
    for listener in listeners:
        if not isinstance(listener, TapListener):
            raise TypeError(f"taps: {listener!r} is not a tap listener "
                            "(wirepy.stats, wirepy.lib.taps.TapListener)")
    return listeners


class FileCapture(Configured):
    """The packets of a capture file, dissected by Wireshark.

    Any format wiretap reads (pcap, pcapng, snoop, erf, ..., compressed with
    gzip, zstd or lz4 too). Iterate over it (or use it as a context manager
    and iterate) to get :class:`~wirepy.packet.Packet` objects.

    While the loop body runs, a worker thread (``wirepy-dissect``) dissects
    the next batch of packets, so a second core does the C work; leaving
    the loop (``break``, an exception, :meth:`close`) stops it.

    :param path: the capture file.
    :param display_filter: only packets matching this display filter
        (compiled here: a bad filter raises
        :class:`~wirepy.errors.DisplayFilterError` before any file is read).
    :param fields: extract only these fields: the fast path (an invisible
        tree primed with them). Without it every packet has its full tree.
    :param prefs: Wireshark preferences for this capture
        (``{"tcp.desegment_tcp_streams": False}``), restored afterwards.
    :param decode_as: ``{"tcp.port==8888": "http"}`` (as pyshark).
    :param keylog_file: a TLS key log file (``tls.keylog_file``).
    :param uat: rows for Wireshark's UAT tables (key tables and the like),
        added while the capture is read and taken back after, as ``tshark -o
        "uat:TABLE:ROW"``: ``{"80211_keys": [("wpa-pwd", "Induction:Coherer")],
        "esp_sa": [...]}``; a row is a sequence of field values or one line
        of the table's file (``'"wpa-pwd","Induction:Coherer"'``). See
        :mod:`wirepy.lib.uat`.
    :param two_pass: dissect the file twice, as ``tshark -2``: fields that
        refer to later packets are filled (``dns.response_in``,
        ``http.response_in``, ``tcp.reassembled_in`` on the first segments).
        The first pass runs when iteration starts and keeps a few hundred
        bytes per frame (plus what dissectors attach to frames) until the
        iteration ends.
    :param columns: fill the packet-list columns (default: with the full
        tree, or when a ``_ws.col.*`` field is asked for).
    :param data_sources: with *fields*, copy each packet's data sources too
        (:attr:`Packet.data_sources`: reassembled, decrypted, decompressed
        buffers); packets with their full tree always have them.
    :param typed: with *fields*, also extract typed values (False: only
        the strings tshark prints, :meth:`Packet.field_strings`; faster).
    :param resolve_names: show names in place of numbers as Wireshark
        does: None or False for none (tshark -n, the default), True as
        tshark without options (MAC vendor names...), or tshark's -N letters
        (``"mt"``: MAC and transport names; see
        :data:`wirepy.lib.epan.RESOLUTION_LETTERS`).
    :param taps: tap listeners (:mod:`wirepy.stats`, or any
        :class:`~wirepy.lib.taps.TapListener`) that each iteration carries:
        Wireshark's statistics computed in C during the same pass, read
        from the listeners once the loop has ended. They see every packet
        dissected, whatever the display filter (as ``tshark -Y ... -z``),
        and, since the next batch is dissected ahead, a loop left early has
        them count up to one batch more than it saw.
    :param reset_every: a new epan session every that many packets, as
        ``tshark -M``: what Wireshark keeps for the conversations it has seen
        (stream indexes, TCP analysis, reassembly, request/response links)
        is freed, so memory stays bounded over a file of any length; frame
        numbers and time references go on. A field that depends on earlier
        packets (``tcp.stream``, ``tcp.analysis.*``, ``dns.response_in``...)
        raises a :class:`~wirepy.errors.SessionResetWarning`; see
        :doc:`memory` for what a reset loses. Not with *two_pass* or *taps*;
        indexing (``capture[i]``) reads without resets.
    :raises CaptureFileNotFoundError: if *path* does not exist. ``"-"`` reads
        the standard input (once; not with *two_pass*).
    :raises UnknownFieldError: for a field Wireshark does not know.
    :raises KeyLogFileNotFoundError: if *keylog_file* is not a file.
    :raises ValueError: for a *reset_every* that is not an int > 0, or one
        with *two_pass* or *taps*.
    """

    def __init__(self, path: PathLike, *, display_filter: Optional[str] = None,
                 fields: Optional[Sequence[str]] = None,
                 prefs: Optional[Mapping[str, Any]] = None,
                 decode_as: Optional[Mapping[str, str]] = None,
                 keylog_file: Optional[PathLike] = None, two_pass: bool = False,
                 columns: Optional[bool] = None, typed: bool = True,
                 batch_size: int = 1024, resolve_names: Union[None, bool, str] = None,
                 taps: Sequence[Any] = (),
                 uat: Optional[Mapping[str, Sequence[Any]]] = None,
                 data_sources: bool = False, reset_every: Optional[int] = None) -> None:
        self.path = os.fspath(path)
        if self.path != STDIN and not os.path.exists(self.path):
            raise CaptureFileNotFoundError(2, "No such file or directory", self.path)
        if reset_every is not None:
            if two_pass:
                # as tshark, which refuses -M with -2: the first pass keeps
                # every frame's state for the second, a reset would free it
                raise ValueError("reset_every cannot be used with two_pass (tshark refuses "
                                 "-M with -2 too)")
            if _taps_of(taps):
                # listeners keep what dissectors hand them, some of it in
                # the session's memory (an object's payload), and number
                # conversations by indexes a reset starts again
                raise ValueError("reset_every cannot be used with taps: listeners may keep "
                                 "data of a session a reset frees; read the file in one "
                                 "session for statistics")
        self.settings = DissectionSettings(display_filter, fields, prefs, decode_as, columns,
                                           resolve_names, uat, reset_every=reset_every)
        if keylog_file is not None:
            keylog_file = os.fspath(keylog_file)
            if not os.path.isfile(keylog_file):
                # Wireshark would read on without keys, and nothing decrypts
                raise KeyLogFileNotFoundError(2, "No such key log file", keylog_file)
            self.settings.prefs["tls.keylog_file"] = keylog_file
        self.two_pass = bool(two_pass)
        self.taps = _taps_of(taps)
        self.batch_size = batch_size
        self.typed = typed
        self.data_sources = bool(data_sources)
        self._engine: Optional[_engine.Engine] = None
        self._wtap = None
        self._random: Optional[tuple] = None
        self._pass1_frames = 0

    def __repr__(self) -> str:
        return f"<FileCapture {self.path!r}>"

    def _repr_html_(self) -> str:
        """The capture in Jupyter: its first packets' summary columns as a
        table (:func:`wirepy.html.capture_html`)."""
        from . import html
        return html.capture_html(self)

    def _opened(self, packet_fields: bool = True, summary: bool = False,
                two_pass: Optional[bool] = None, taps: bool = True) -> _Pass:
        """The engine and the open file of one pass over the capture (after
        the first pass when *two_pass*, by default the capture's setting),
        carrying the capture's tap listeners with *taps*: a context manager
        giving ``(engine, wtap)``."""
        return _Pass(self, packet_fields, summary,
                     self.two_pass if two_pass is None else two_pass, taps)

    def __iter__(self) -> Iterator[Packet]:
        with self._opened() as (engine, wtap):
            yield from engine.packets(wtap, ahead=True)

    def write(self, path: PathLike, file_type: Optional[str] = None,
              compression: Optional[str] = None, count: Optional[int] = None) -> int:
        """Write the packets of this capture that its display filter passes
        (all without one) to a new capture file *path*, as they are in this
        one: their bytes, times, comments and interfaces (with their link
        types), in the file type of this one unless *file_type* says
        otherwise (``"pcapng"``, ``"pcap"``; ``wirepy formats`` lists them),
        *compression* ``"gzip"`` if asked; with *count*, only the first
        *count* of them (``wirepy read -c``: it counts the packets written,
        where tshark's ``-c`` counts those it reads). Returns the number
        written.
        """
        if self.path == STDIN:
            raise TypeError("a capture read from the standard input cannot be written out")
        self._close_positions()       # the filter pass below needs the epan session
        from .lib import wtap

        numbers = None
        if self.settings.dfilter is not None or count is not None:
            passed = FileCapture(self.path, display_filter=self.settings.display_filter,
                                 fields=["frame.number"], prefs=self.settings.prefs,
                                 decode_as=self.settings.decode_as, two_pass=self.two_pass,
                                 uat=self.settings.uat)
            numbers = set()
            for pkt in passed:
                if count is not None and len(numbers) >= count:
                    break
                numbers.add(pkt.number)
        try:
            return wtap.convert(self.path, path, file_type=file_type,
                                compression=compression, records=numbers)
        except wtap.FileError as exc:
            raise capture_file_error(exc, exc.filename) from None

    # -- by position (pyshark's capture[i]) ----------------------------------------

    def __getitem__(self, index: Union[int, slice]) -> Union[Packet, List[Packet]]:
        """The packet at position *index* of the capture (negative: from the
        end), the packets a display filter passes counted only; a slice gives
        a list. pyshark's ``capture[i]``.

        The first access reads the file once, as Wireshark opening it does
        (the first of two passes: each frame's offset and what the
        dissectors learn about it); each access then re-reads its frame at
        its offset and dissects it. So the values are those of a two-pass
        read (``two_pass=True``), which knows ``dns.response_in`` and the
        like. Until :meth:`close` or the next iteration, the capture keeps
        the process's epan session for this.

        :raises IndexError: beyond the capture's packets.
        """
        positions = self._positions()
        engine, wtap, frames = positions
        if isinstance(index, slice):
            return [self._dissect_frame(engine, wtap, frames[i])
                    for i in range(*index.indices(len(frames)))]
        if not isinstance(index, int):
            raise TypeError(f"capture indices are integers or slices, not "
                            f"{type(index).__name__}")
        try:
            num = frames[index]
        except IndexError:
            raise IndexError(f"capture index {index} out of range ({len(frames)} packets"
                             f"{' passed the filter' if self.settings.dfilter else ''})") from None
        return self._dissect_frame(engine, wtap, num)

    def count(self) -> int:
        """The number of packets (that the display filter passes): what
        pyshark's ``len(capture)`` gives after loading them. Reads the file
        once, as indexing does (and shares that read with it). Not
        ``__len__``: ``list(capture)`` would ask it first and read the
        file twice."""
        return len(self._positions()[2])

    def _positions(self) -> tuple:
        """The open two-pass state indexing uses: (engine, file, frame number
        of each position), made on first use."""
        if self._random is None:
            if self.path == STDIN:
                raise TypeError("a capture read from the standard input cannot be indexed")
            opened = self._opened(two_pass=True, taps=False)
            engine, wtap = opened.__enter__()
            try:
                if self.settings.dfilter is None:
                    frames = list(range(1, self._pass1_frames + 1))
                else:
                    frames = engine.passed_numbers(wtap)
            except BaseException:
                opened.close()
                raise
            self._random = (opened, engine, wtap, frames)
        return self._random[1:]

    def _dissect_frame(self, engine, wtap, num: int) -> Packet:
        engine.dissect.seek_frame(num)
        for pkt in engine.packets(wtap, limit=1):
            return pkt
        raise IndexError(f"frame {num} could not be read again")  # pragma: no cover

    @uninterrupted
    def _close_positions(self) -> None:
        random, self._random = self._random, None
        if random is not None:
            random[0].close()

    def _summaries(self) -> Iterator[Packet]:
        """The packets without the fields of their own attributes
        (comments): with ``fields=[]`` and no display filter, dissected
        without a tree, as tshark dissects for its summary lines."""
        with self._opened(packet_fields=False, summary=True) as (engine, wtap):
            yield from engine.packets(wtap, ahead=True)

    def _read_for_taps(self) -> None:
        """Read the whole capture for its tap listeners only (no packets
        made): what :func:`wirepy.stats.compute` and ``wirepy stats`` do.
        Dissects as :meth:`_summaries` does (a tree only where a listener or
        the display filter needs one)."""
        with self._opened(packet_fields=False, summary=True) as (engine, wtap):
            engine.drain(wtap)

    def field_lines(self, fmt) -> Iterator[bytes]:
        """The capture as ``tshark -T fields`` prints it, in chunks of bytes
        (formatted in C; needs ``fields=fmt.fields`` and ``typed=False``).

        :param fmt: a :class:`wirepy.cli.fields_format.FieldsFormat`.
        """
        with self._opened(packet_fields=False) as (engine, wtap):
            yield from engine.field_lines(wtap, fmt)

    def read_so_far(self) -> int:
        """Bytes of the file read so far by a running iteration (0 otherwise)."""
        engine = self._engine
        return engine.read_so_far if engine is not None else 0

    @uninterrupted
    def close(self) -> None:
        """Stop a running iteration and free its resources (and those kept
        for indexing)."""
        self._close_positions()
        engine, wtap = self._engine, self._wtap
        self._engine = self._wtap = None
        try:
            if engine is not None:
                engine.close(*([wtap.close] if wtap is not None else []))
        finally:
            interrupts.stop_deferring()

    def __enter__(self) -> FileCapture:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class _Pass:
    """One pass of a :class:`FileCapture` over its file, as a context
    manager giving ``(engine, wtap)``: the capture's settings applied, the
    process's epan session (an :class:`~wirepy._engine.Engine`) and the
    open file; leaving it frees them. Not a generator
    context manager: a Ctrl-C in contextlib's ``__exit__`` would leave the
    session open until the traceback goes (see :mod:`wirepy.lib.interrupts`)."""

    def __init__(self, capture: FileCapture, packet_fields: bool, summary: bool,
                 two_pass: bool, taps: bool) -> None:
        self.capture = capture
        self.packet_fields = packet_fields
        self.summary = summary
        self.two_pass = two_pass
        self.taps = taps
        self._applied: Any = None
        self._engine: Optional[_engine.Engine] = None
        self._wtap: Any = None

    def __enter__(self) -> tuple:
        self._open()
        try:
            cap, engine, wtap = self.capture, self._engine, self._wtap
            if self.two_pass:
                cap._pass1_frames = engine.dissect.first_pass(wtap)
            engine.start_taps()
        except BaseException:
            self.close()
            raise
        return engine, wtap

    @uninterrupted
    def _open(self) -> None:
        cap = self.capture
        cap._close_positions()
        applied = cap.settings.applied()
        applied.__enter__()
        self._applied = applied
        try:
            # a two-pass read keeps every frame: no resets (indexing)
            engine = cap.settings.engine(batch=cap.batch_size, typed=cap.typed,
                                         packet_fields=self.packet_fields,
                                         summary=self.summary,
                                         taps=cap.taps if self.taps else (),
                                         sources=cap.data_sources,
                                         reset_every=None if self.two_pass
                                         else cap.settings.reset_every)
            try:
                wtap = open_capture_file(cap.path, random=self.two_pass)
            except BaseException:
                engine.close()
                raise
        except BaseException:
            self._applied = None
            applied.__exit__(None, None, None)
            raise
        self._engine, self._wtap = engine, wtap
        cap._engine, cap._wtap = engine, wtap

    @uninterrupted
    def close(self) -> None:
        """Free the engine and close the file (once), then restore the
        settings the pass applied."""
        engine, wtap, applied = self._engine, self._wtap, self._applied
        self._engine = self._wtap = self._applied = None
        cap = self.capture
        if cap._engine is engine:
            cap._engine = cap._wtap = None
        try:
            if engine is not None:
                engine.close(wtap.close)
        finally:
            try:
                if applied is not None:
                    applied.__exit__(None, None, None)
            finally:
                interrupts.stop_deferring()

    @uninterrupted
    def __exit__(self, *exc: Any) -> None:
        try:
            self.close()
        finally:
            interrupts.stop_deferring()
