"""The dissection loop behind FileCapture, LiveCapture and dissect().

It drives the epan layer's C hot path directly (``wirepy_dissect_batch``:
read, prime, dissect, extract for a whole batch of packets in one call)
and turns the flat output buffers into :class:`~wirepy.packet.Packet`
objects, decoding each batch at once.
"""

from __future__ import annotations

import threading
from itertools import repeat
from typing import Any, Callable, Iterator, List, Optional, Sequence

from . import packet as _packet
from .data_sources import SourceBytes
from .errors import SessionBusyError, UnknownFieldError, capture_file_error
from .lib import column, epan, interrupts
from .lib import taps as _taps
from .lib import wtap as _wtap
from .lib.interrupts import uninterrupted
from .lib.prefetch import Prefetcher
from .lib.wireshark import ffi, lib

__all__ = ["Engine"]

#: Fields every field packet carries for its own attributes.
PACKET_FIELDS = ("frame.comment",)
_HEADER = lib.WIREPY_PKT_INTS
COLUMN_PREFIX = "_ws.col."
_DS_FRAME = lib.WIREPY_DS_FRAME


def _field_exists(name: str) -> bool:
    try:
        epan.Field(name)
    except (epan.InvalidFieldError, KeyError, ValueError):
        return False
    return True


def check_fields(names: Sequence[str]) -> None:
    """Raise :class:`UnknownFieldError` for a name Wireshark does not know."""
    titles = {f"{COLUMN_PREFIX}{title}" for title, _ in column.DEFAULT_FORMATS}
    for name in names:
        if name not in titles and not _field_exists(name):
            from . import fields  # the registry's helpers: loaded on first use
            raise fields.unknown(name)


class Engine:
    """One capture's dissection state (one epan session).

    :param fields: extract only these fields (fast path: an invisible tree
        primed with them); None builds the full visible tree.
    :param dfilter: a compiled :class:`~wirepy.filters.DisplayFilter` or None.
    :param columns: fill the packet-list columns.
    :param summary: dissect as tshark does for its summary lines: without a
        tree when no field and no filter needs one.
    :param taps: :class:`~wirepy.lib.taps.TapListener` objects the read
        carries: the dissection builds the tree and columns they need;
        :meth:`start_taps` registers them, closing removes them.
    :param sources: with *fields*, copy each packet's data sources too.
    :param reset_every: a new epan session every that many packets, as
        ``tshark -M`` (None or 0: one session).
    """

    def __init__(self, fields: Optional[Sequence[str]], dfilter=None,
                 columns: bool = True, batch: int = 1024, typed: bool = True,
                 packet_fields: bool = True, summary: bool = False,
                 taps: Sequence[_taps.TapListener] = (),
                 sources: bool = False, reset_every: Optional[int] = None) -> None:
        self.fast = fields is not None
        #: with fields: copy every data source's bytes too (trees always do)
        self.sources = sources
        self.typed = typed
        #: interface id -> name, from the capture file's interface descriptions
        self.interfaces: dict = {}
        requested = list(fields or ())
        self.column_fields = [n for n in requested if n.startswith(COLUMN_PREFIX)]
        tree_fields = [n for n in requested if not n.startswith(COLUMN_PREFIX)]
        self.columns = bool(columns or self.column_fields)
        self.index = None
        self.n_tree_fields = 0
        if self.fast:
            self.index = _packet.FieldIndex(tree_fields,
                                            PACKET_FIELDS if packet_fields else ())
            self.n_tree_fields = len(self.index.names)
        self.requested = requested
        self.batch = batch
        #: bytes of the file read by the last batch (for progress bars)
        self.read_so_far = 0
        self._worker: Optional[Prefetcher] = None
        self.taps = list(taps)
        self._taps_on: List[_taps.TapListener] = []
        tap_needs = _taps.needs(self.taps)
        tap_tree, tap_columns = tap_needs.tree, tap_needs.columns
        try:
            self.session = epan.Session(recycle_every=reset_every or 0)
        except epan.SessionError as exc:
            raise SessionBusyError(str(exc)) from None
        try:
            # tshark's summary lines: no tree at all where nothing reads one
            # (tshark -T fields builds one); some dissectors behave
            # differently without (ZCL throws only while building one)
            tree = tap_tree or not (summary and self.fast and self.n_tree_fields == 0
                                    and dfilter is None and not lib.postdissectors_want_hfids())
            self.dissect = epan.Dissect(session=self.session, create_proto_tree=tree,
                                        proto_tree_visible=self._needs_visible_tree())
            if tap_needs.protocols:
                self.dissect.fake_protocols(False)
            if self.fast:
                self.dissect.prime_fields(self.index.names[:self.n_tree_fields])
            if dfilter is not None:
                self.dissect.prime_dfilter(dfilter)
            self.column_info = None
            self.column_set = None
            if self.columns:
                self.column_info = column.ColumnInfo()
                self.dissect.set_columns(self.column_info)
                self.column_set = _packet.ColumnSet(self.column_info.formats)
            elif tap_columns:
                # filled for the listeners only: not in the batches
                self.column_info = column.ColumnInfo()
                self.dissect.set_columns(self.column_info)
            self.col_slots = self._column_slots()
            if self.index is not None:
                self.index.n_tree = self.n_tree_fields
                self.index.columns = {self.n_tree_fields + k: ci
                                      for k, ci in enumerate(self.col_slots)}
            if not self.fast:
                self.dissect.tree_field_text(True)
        except BaseException:
            self.session.close()
            raise

    def _needs_visible_tree(self) -> bool:
        """The full tree is visible; a field extraction is too when it asks
        for a protocol: tshark prints a protocol item's text (``Expert Info
        (Comment/Comment): ...``), which an invisible tree never builds."""
        if not self.fast:
            return True
        return any(epan.Field(name).is_protocol
                   for name in self.index.names[:self.n_tree_fields])

    @uninterrupted
    def close(self, *also: Callable[[], None]) -> None:
        """Free the dissection and its session, after calling *also* (the
        capture file's close): once the worker dissecting ahead, if any, has
        stopped -- or at its end when this runs in that worker (see
        :mod:`wirepy.lib.prefetch`)."""
        worker = self._worker
        try:
            if worker is not None and worker.running:
                if worker.in_worker():
                    worker.when_done(lambda: self._release(also))
                    return
                try:
                    worker.stop()      # raises a Ctrl-C that came while it waited
                finally:
                    if not worker.running:
                        self._release(also)
                return
            self._release(also)
        finally:
            interrupts.stop_deferring()

    @uninterrupted
    def start_taps(self) -> None:
        """Register the listeners for what is dissected from now on (after
        the first pass of a two-pass read, as tshark taps only its second).

        :raises ~wirepy.lib.taps.TapRegistrationError: a listener Wireshark
            refuses (its filter).
        """
        if self.taps and not self._taps_on:
            self._taps_on = _taps.register(self.taps)

    @uninterrupted
    def _release(self, also: Sequence[Callable[[], None]]) -> None:
        try:
            for release in also:
                release()
        finally:
            try:
                taps_on, self._taps_on = self._taps_on, []
                _taps.remove(taps_on)
            finally:
                self.session.close()

    # -- reading ---------------------------------------------------------------

    def packets(self, wtap, limit: Optional[int] = None,
                ahead: bool = False) -> Iterator[_packet.Packet]:
        """Dissect the remaining packets of *wtap* (an object whose ``cdata``
        is a ``wtap *``), yielding those the filter passes; at most *limit*
        records are read (for growing files). *ahead*: dissect the next batch
        in a worker thread meanwhile (for files that are there to read; see
        :mod:`wirepy.lib.prefetch`)."""
        if self.fast:
            return self._fast_packets(wtap, limit, ahead)
        return self._tree_packets(wtap, limit, ahead)

    def fast_flags(self) -> int:
        flags = (lib.WIREPY_FIELDS | lib.WIREPY_ONLY_PASSED | lib.WIREPY_RAW
                 | lib.WIREPY_INDEXED)
        if self.typed:
            flags |= lib.WIREPY_TYPED
        if self.columns:
            flags |= lib.WIREPY_COLUMNS
        if self.sources:
            flags |= lib.WIREPY_SOURCES
        return flags

    def _batch(self, out: Optional[epan.BatchOutput] = None):
        """The output buffers (by default the current ones) as a
        :class:`~wirepy.packet.Batch` and the packets' start offsets."""
        if out is None:
            out = self.dissect.output()
        return _packet.Batch(out.ints, out.strs, out.raw, self.column_set, self.index,
                             self.interfaces, out.starts), out.starts

    def batches(self, wtap, limit: Optional[int], flags: int, size_max: int,
                 ahead: bool = False):
        """``(batch, starts)`` per C call until the file's end (or *limit*
        records read); made in a worker thread with *ahead*."""
        steps = self._dissected(wtap, limit, flags, size_max, threading.get_ident())
        return self._ahead(steps) if ahead else steps

    def _ahead(self, producer: Iterator) -> Iterator:
        """The items of *producer*, made one ahead in a worker thread."""
        worker = self._start_worker(producer)
        try:
            yield from worker
        finally:
            worker.stop()

    @uninterrupted
    def _start_worker(self, producer: Iterator) -> Prefetcher:
        # the engine knows its worker before anything can interrupt: its
        # close() stops the worker before freeing what the worker uses
        worker = Prefetcher(producer, name="wirepy-dissect")
        self._worker = worker
        return worker

    def _after_batch(self, wtap) -> None:
        """Bookkeeping in the thread that read the batch: the file's new
        interfaces and how far it was read. Under the guard."""
        self._learn_interfaces(wtap)
        self.read_so_far = int(lib.wtap_read_so_far(wtap.cdata))

    def _dissected(self, wtap, limit: Optional[int], flags: int, size_max: int, owner: int,
                   collect: Optional[Callable[[], Any]] = None):
        """One C batch call per step (see :meth:`wirepy.lib.epan.Dissect.batches`),
        each yielding ``collect()`` (by default :meth:`_batch`), in thread
        *owner*'s name when run elsewhere (read ahead). A closed capture ends
        the steps; a read error is a :class:`CaptureFileError`."""
        collect = collect or self._batch

        def step():
            item = collect()
            self._after_batch(wtap)
            return item

        try:
            yield from self.dissect.batches(wtap, flags, size_max, limit, step, owner,
                                            until_closed=True)
        except epan.ReadError as exc:
            raise capture_file_error(exc, getattr(wtap, "filename", None)) from None

    def passed_numbers(self, wtap) -> List[int]:
        """The frame numbers of the remaining packets the display filter
        passes, read from the batches' packet headers: no packet objects,
        no tree copied."""
        step, at = lib.WIREPY_PKT_INTS, lib.WIREPY_P_NUM
        numbers: List[int] = []
        for ints in self._dissected(wtap, None, lib.WIREPY_ONLY_PASSED, 65536,
                                    threading.get_ident(),
                                    lambda: self.dissect.output().ints):
            numbers.extend(ints[at::step])
        return numbers

    def drain(self, wtap) -> None:
        """Dissect the remaining packets of *wtap* for the tap listeners
        only: no packet is rendered or handed to Python (one C call per
        65536 records)."""
        for _ in self._dissected(wtap, None, 0, 65536, threading.get_ident(),
                                 lambda: None):
            pass

    def _fast_packets(self, wtap, limit, ahead):
        batches = self.batches(wtap, limit, self.fast_flags(), self.batch, ahead)
        for batch, starts in batches:
            yield from self._decode_fast(batch, starts)

    def field_lines(self, wtap, fmt) -> Iterator[bytes]:
        """tshark ``-T fields`` output for the remaining packets of *wtap*,
        formatted in C (:class:`~wirepy.cli.fields_format.FieldsFormat`
        *fmt* gives the options), as chunks of bytes."""
        if not self.fast or self.typed:
            raise ValueError("field_lines needs a string-only field extraction")
        sources = []
        last = {name: i for i, name in enumerate(fmt.fields)}
        for i, name in enumerate(fmt.fields):
            if last[name] != i:
                sources.append(lib.WIREPY_SOURCE_EMPTY)     # tshark's duplicate quirk
            elif name.startswith(COLUMN_PREFIX):
                ci = self.column_set.index[name[len(COLUMN_PREFIX):]]
                sources.append(lib.WIREPY_SOURCE_COLUMN - ci)
            else:
                sources.append(self.index.slots[name])
        c_sources = ffi.new("int[]", sources or [0])
        sep, agg = (c.encode("utf-8", "surrogateescape")[0]
                    for c in (fmt.separator, fmt.aggregator))
        quote = ord(fmt.quote) if fmt.quote else 0
        occurrence = ord(fmt.occurrence)
        flags = self.fast_flags() & ~(lib.WIREPY_RAW | lib.WIREPY_INDEXED | lib.WIREPY_SOURCES)
        text = (self.n_tree_fields, False, self.columns, c_sources, len(sources), sep, agg,
                quote, occurrence)
        out = ffi.gc(lib.g_byte_array_new(), lambda a: lib.g_byte_array_free(a, True))

        def lines() -> bytes:
            lib.g_byte_array_set_size(out, 0)
            if lib.wirepy_fields_lines(*self.dissect.output_c(), *text, out) < 0:
                raise RuntimeError("malformed field batch (a wirepy bug)")
            return ffi.buffer(out.data, out.len)[:] if out.len else b""

        return self._ahead(self._dissected(wtap, None, flags, self.batch,
                                           threading.get_ident(), lines))

    def _learn_interfaces(self, wtap) -> None:
        """Name the interfaces the file has described so far (pcapng files
        may describe interfaces at any point): one C call per batch when
        nothing is new."""
        if wtap is None or epan.capture_closed(wtap):
            return
        table = self.interfaces
        for idb in _wtap.interfaces_of(wtap.cdata, len(table)):
            table[idb.interface_id] = idb.name or idb.description

    def _decode_fast(self, batch, starts) -> Iterator[_packet.Packet]:
        """The packets of one batch of field extraction (their header and
        fields are decoded when asked for)."""
        n = len(starts)
        return map(_packet.FieldPacket, repeat(batch, n), starts, range(n))

    def dissect_bytes(self, data: bytes, encap: int, time_ns: int) -> _packet.Packet:
        """Dissect one frame handed over as bytes (link type *encap*)."""
        if self.fast:
            flags = self.fast_flags() & ~lib.WIREPY_ONLY_PASSED
        else:
            flags = (lib.WIREPY_INDEXED | lib.WIREPY_RAW | lib.WIREPY_TREE | lib.WIREPY_SOURCES
                     | (lib.WIREPY_COLUMNS if self.columns else 0))
        try:
            out = self.dissect.dissect_bytes(data, encap, time_ns, flags)
        except (epan.DissectionReset, epan.SessionError):
            raise SessionBusyError("the dissection was closed") from None
        batch, starts = self._batch(out)
        if self.fast:
            return next(self._decode_fast(batch, starts))
        return next(self._decode_trees(batch, starts))

    def _column_slots(self) -> List[int]:
        """The column index of each ``_ws.col.*`` field asked for; the fields
        get the index slots after the tree fields, in this order."""
        slots: List[int] = []
        if self.index is None:
            return slots
        for name in self.column_fields:
            if name in self.index.slots:
                continue
            ci = self.column_set.index.get(name[len(COLUMN_PREFIX):])
            if ci is None:
                raise UnknownFieldError(f"{name!r}: no column titled "
                                        f"{name[len(COLUMN_PREFIX):]!r}")
            self.index.slots[name] = len(self.index.names)
            self.index.names.append(name)
            slots.append(ci)
        return slots

    def _tree_packets(self, wtap, limit, ahead):
        # each data source's bytes with the tree: a copy of what
        # reassembly and decryption made (the frame's bytes are not copied
        # twice), next to the tree's own hundreds of strings
        flags = (lib.WIREPY_TREE | lib.WIREPY_INDEXED | lib.WIREPY_RAW | lib.WIREPY_ONLY_PASSED
                 | lib.WIREPY_SOURCES | (lib.WIREPY_COLUMNS if self.columns else 0))
        # trees are big: small batches keep memory flat
        for batch, starts in self.batches(wtap, limit, flags, 32, ahead):
            yield from self._decode_trees(batch, starts)

    def _decode_trees(self, batch, starts) -> Iterator[_packet.Packet]:
        """The packets of one batch of full trees."""
        ints = batch.ints
        strs = epan.strings_list(batch.strs, len(batch.strs))
        TreePacket, PacketTree = _packet.TreePacket, _packet.PacketTree
        node_ints = lib.WIREPY_NODE_INTS
        for i, at in enumerate(starts):
            tail = at + _HEADER
            # the tree follows the layer ids
            begin = ints[tail + lib.WIREPY_D_LAYERS_AT] + ints[tail + lib.WIREPY_D_N_LAYERS]
            n_nodes = ints[begin]
            b = begin + 1
            e = b + n_nodes * node_ints
            n_ds, ds = ints[e], ints[e + 1]
            tree = PacketTree(memoryview(ints)[b:e], strs, n_nodes, strs[ds:ds + n_ds])
            raw_at = tail + lib.WIREPY_D_RAW_AT
            tree._sources = SourceBytes(batch.raw, ints[e + 2:e + 2 + 2 * n_ds],
                                        (ints[raw_at], ints[raw_at + 1]), _DS_FRAME)
            yield TreePacket(batch, at, i, tree)
