"""Dissection: epan sessions, packet dissection, protocol trees, fields.

An epan *session* holds the per-capture state of libwireshark
(conversations, reassembly, TCP analysis); only one can exist at a time in
a process, so :class:`Session` refuses a second one with
:class:`SessionError`. A :class:`Dissect` dissects packets read from a
capture file in that session. The whole per-packet sequence -- read,
prime, dissect, fill columns, apply the filter, render the requested
fields, reset -- is one C call (see ``cdefs/shim/dissect.c``); batches of
packets come back as two flat buffers that Python decodes at once.

Example::

    with Session() as session, OfflineFile("http.pcap") as wt:
        edt = Dissect(session=session, proto_tree_visible=False)
        edt.prime_fields(["ip.src", "http.host"])
        for pkt in edt.iter_fields(wt):
            print(pkt.num, pkt.fields)

Nothing returned by this module points into libwireshark's per-packet
memory: protocol trees and field values are copies made before the packet
is reset. The few objects that do refer to a live packet (:class:`Dissect`
while a packet is loaded) check a generation counter and raise
:class:`DissectionReset` once that packet is gone.

``Dissect.run(wtap, ...)`` accepts any object whose ``cdata`` is a
``wtap *``: the wiretap layer's :class:`~wirepy.lib.wtap.WTAP`, or this
module's :class:`OfflineFile`, which is a ``WTAP`` opened for dissection.
Errors reading a capture are the wiretap layer's
(:class:`~wirepy.lib.wtap.FileError` and its subclasses per error code);
:class:`ReadError` is their name here.

The session and the guard around libwireshark live in
:mod:`wirepy.lib.epan_session`, protocol trees in :mod:`wirepy.lib.epan_tree`;
this module re-exports them. What is left here is mostly :class:`Dissect`,
which mirrors ``epan_dissect_t`` (the original wirepy API) and adds the
batch interface the Pythonic API drives: one class, which is why the module
is longer than the others.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import threading
from typing import Any, Iterable, Iterator, List, NamedTuple, Optional, Sequence

from . import interrupts, wireshark
from . import wtap as _wtap
from .closing import Closing
from .epan_registry import (  # noqa: F401  (re-exported: the original wirepy API's names)
    ExtValueString,
    Field,
    FieldValue,
    InvalidFieldError,
    Protocol,
    RangeValue,
    RegistryError,
    StringValue,
    TrueFalseString,
    _register_known,
    field_by_id,
    iter_fields,
    iter_protocols,
)
from .epan_session import (  # noqa: F401  (re-exported; the private names for the layers above)
    RESOLUTION_LETTERS,
    ConcurrentUseError,
    DissectionReset,
    EpanError,
    Session,
    SessionError,
    _Guard,
    _guard,
    acting_for,
    cleanup_dissection,
    init_dissection,
    name_resolution_state,
    resolve_names,
    restore_name_resolution,
    set_name_resolution,
)
from .epan_tree import _NODE_INTS, _PKT_INTS, ProtoNode, ProtoTree
from .ftypes import FieldType
from .interrupts import uninterrupted
from .timestamp import utc_datetime
from .wireshark import ffi, lib

__all__ = [
    "EpanError", "SessionError", "ReadError", "DissectionReset", "ConcurrentUseError",
    "InvalidFieldError", "RegistryError",
    "init_dissection", "cleanup_dissection", "Session", "OfflineFile", "Dissect",
    "Frame", "PacketFields", "ProtoTree", "ProtoNode",
    "Field", "Protocol", "FieldValue", "StringValue", "RangeValue", "TrueFalseString",
    "ExtValueString", "iter_protocols", "iter_fields", "field_by_id",
    "set_name_resolution", "resolve_names", "RESOLUTION_LETTERS", "acting_for",
    "BatchOutput", "capture_closed",
]


#: The original wirepy API's name for a failure to read the capture file:
#: the wiretap layer's errors (the subclass says which, ``err`` has the code).
ReadError = _wtap.FileError


def strings_list(data, length: int) -> List[str]:
    """The NUL-separated UTF-8 strings at *data* (a ``char *`` or bytes) as
    ``data.decode("utf-8", "surrogateescape").split("\\0")`` gives them,
    each decoded once in C into a list made at its size (see
    cdefs/shim/py_strings.h)."""
    out: List[Any] = [None] * lib.wirepy_strings_count(data, length)
    rc = lib.wirepy_strings_fill(data, length, ffi.cast("void *", id(out)))
    if rc == -1:
        raise MemoryError("out of memory decoding a batch's strings")
    if rc != 0:
        raise RuntimeError("a batch's strings were miscounted (a wirepy bug)")
    return out


class OfflineFile(_wtap.WTAP):
    """A capture file opened for dissection: a :class:`~wirepy.lib.wtap.WTAP`
    whose decryption secrets and name resolution records go to libwireshark
    as tshark's do (see :meth:`~wirepy.lib.wtap.WTAP.attach_dissection`).

    :param random: open the file for random access too (needed by
        :meth:`Dissect.first_pass`).
    :param format: force a wiretap reader by name (see
        :meth:`~wirepy.lib.wtap.WTAP.open_offline`).
    :raises ReadError: the wiretap error for the failure (a missing file is
        also a :class:`FileNotFoundError`).
    """

    def __init__(self, filename: str, random: bool = False,
                 format: Optional[str] = None) -> None:
        init_dissection()
        filename = os.fspath(filename)
        super().__init__(_wtap.open_reader(filename, random, format), filename,
                         bool(random), format)
        self.attach_dissection()

    @classmethod
    def open_offline(cls, filename: str, random: bool = False,
                     format: Optional[str] = None) -> OfflineFile:
        """Open *filename* for dissection (as the constructor)."""
        return cls(filename, random, format)


def capture_closed(wtap: Any) -> bool:
    """Whether the capture *wtap* (a WTAP, or any object with a ``cdata``
    that is None once closed) was closed."""
    closed = getattr(wtap, "closed", None)
    if closed is not None:
        return bool(closed)
    return getattr(wtap, "cdata", None) is None


class BatchOutput(NamedTuple):
    """Copies of the shim's output buffers after a batch call (their layout
    is ``cdefs/shim/dissect.h``'s): the ints, the NUL-terminated strings,
    the raw bytes and where each packet starts in the ints (WIREPY_INDEXED)."""

    ints: Any
    strs: bytes
    raw: bytes
    starts: List[int]


class Frame(NamedTuple):
    """The frame data of one dissected packet."""

    num: int
    passed: bool
    cap_len: int
    pkt_len: int
    secs: int
    nsecs: int
    interface_id: int
    #: Items of the packet whose rendering threw in Wireshark (a
    #: dissector bug or a malformed value found after dissection): those
    #: items are marked (:attr:`ProtoNode.error`), the rest is complete.
    render_errors: int = 0
    #: ``lib.WIREPY_PKT_*`` bits: ``WIREPY_PKT_EBCDIC`` if a dissector
    #: marked the frame's characters EBCDIC (its hex dump shows them so).
    flags: int = 0

    @property
    def timestamp(self) -> datetime.datetime:
        """The capture time as a UTC datetime (microsecond precision)."""
        return utc_datetime(self.secs, self.nsecs)


class PacketFields(NamedTuple):
    """What :meth:`Dissect.iter_fields` yields for one packet.

    ``fields[i]`` lists the occurrences of the i-th primed field, each
    rendered as ``tshark -T fields`` renders it (before escaping and
    aggregation); ``columns`` the column texts (if columns were asked for).
    """

    frame: Frame
    fields: List[List[str]]
    columns: Optional[List[str]]

    @property
    def num(self) -> int:
        """The frame number."""
        return self.frame.num

    @property
    def passed(self) -> bool:
        """Whether the display filter matched."""
        return self.frame.passed


def _hfids_for(names: Iterable[str]) -> List[int]:
    ids = []
    for name in names:
        f = Field(name)
        ids.append(f.id_)
    return ids


#: How ``tshark -T fields`` dissects when a protocol field is asked for, and
#: so how a Dissect gives the same text: in a visible tree (Wireshark 4.0),
#: or, from 4.2 on, in an invisible tree whose protocol items are real
#: rather than faked (there a dissector that fills in its label only for a
#: visible tree, such as eth's, leaves its item without one: the text is the
#: filter name). The series' difference is ``WIREPY_TSHARK_FIELDS_VISIBLE_TREE``.
_LABELS_IN_VISIBLE_TREE = bool(lib.WIREPY_TSHARK_FIELDS_VISIBLE_TREE)


def _needs_labels(names: Iterable[str]) -> bool:
    """True if a field renders as its item's label (protocol-typed fields
    but ``data``, as in tshark's ``get_node_field_value``); labels need the
    tree tshark dissects into (see :data:`_LABELS_IN_VISIBLE_TREE`)."""
    for name in names:
        f = Field(name)
        if f.type_ == FieldType.PROTOCOL and f.abbrev != "data":
            return True
    return False


class Dissect(Closing):
    """Object encapsulation for type ``epan_dissect_t``: dissects packets
    of a capture file in an epan session.

    :param create_proto_tree: build a protocol tree (needed for fields and
        filters).
    :param proto_tree_visible: build every item with its label (the full
        tree); False builds only what is primed (fast).
    :param session: the epan session; by default the open one, or a new one
        owned by this Dissect.
    :param taps: the :class:`~wirepy.lib.taps.TapListener` objects the
        reads will carry (registered by the caller, with
        :func:`wirepy.lib.taps.attached`): a tree is built if one of them
        needs it (columns are the caller's, see :meth:`set_columns`).
    """

    def __init__(self, cdata_obj: Any = None, create_proto_tree: bool = True,
                 proto_tree_visible: bool = True, session: Optional[Session] = None,
                 taps: Sequence[Any] = ()) -> None:
        init_dissection()
        fake = True
        if taps:
            from .taps import needs
            tap_needs = needs(taps)
            create_proto_tree = create_proto_tree or tap_needs.tree
            fake = not tap_needs.protocols
        if session is None:
            session = Session.current()
            self._own_session = session is None
            if session is None:
                session = Session()
        else:
            self._own_session = False
        session._check()
        self.session = session
        self._create_tree = bool(create_proto_tree)
        self._visible = bool(proto_tree_visible)
        self._fields: List[str] = []
        self._hfids: List[int] = []
        self._dfilter = None
        self._columns = None
        self._fake = fake
        self._labels = False
        self._user: Optional[int] = None
        self._d = None
        self._live = False
        self._generation = 0
        self._wtap = None
        self._two_pass = False
        with _guard:
            self._make_dissector()
        session._dissectors.append(self)

    # -- C lifetime -------------------------------------------------------

    def _make_dissector(self) -> None:
        self._d = lib.wirepy_dissector_new(self.session._epan, self.session._prov,
                                           self._create_tree, self._tree_visible())
        if self._hfids:
            arr = ffi.new("int[]", self._hfids)
            lib.wirepy_dissector_set_fields(self._d, arr, len(self._hfids))
        if self._dfilter is not None and self._dfilter.cdata is not None:
            lib.wirepy_dissector_set_dfilter(self._d, self._dfilter.cdata)
        if self._columns is not None:
            lib.wirepy_dissector_set_columns(self._d, self._columns.cdata)
        if not self._fake_now():
            lib.wirepy_dissector_fake_protocols(self._d, False)

    def _tree_visible(self) -> bool:
        return self._visible or (self._labels and _LABELS_IN_VISIBLE_TREE)

    def _fake_now(self) -> bool:
        return self._fake and not (self._labels and not _LABELS_IN_VISIBLE_TREE)

    def _renew(self) -> None:
        """A new ``epan_dissect_t`` (session recycled or visibility changed)."""
        lib.wirepy_dissector_renew(self._d, self.session._epan, self._tree_visible(),
                                   self._fake_now())
        self._live = False
        self._generation += 1

    @uninterrupted
    def _drop_dissector(self) -> None:
        if self._d is not None:
            lib.wirepy_dissector_free(self._d)
            self._d = None
            self._two_pass = False
            self._live = False
            self._generation += 1

    @uninterrupted
    def _free_c(self) -> None:
        self._drop_dissector()
        if self in self.session._dissectors:
            self.session._dissectors.remove(self)

    @uninterrupted
    def close(self) -> None:
        """Free the dissection (and its session if this Dissect made it)."""
        if wireshark.is_finalized():
            return
        if self._d is not None:
            with _guard:
                self._free_c()
        if self._own_session:
            self.session.close()
        interrupts.stop_deferring()


    def _check(self) -> None:
        if self._d is None:
            raise SessionError("this dissection was closed (or its session was)")
        user = self._user
        if user is not None and user != threading.get_ident():
            raise ConcurrentUseError("this dissection is running in another thread "
                                     "(libwireshark is not thread-safe)")

    # -- the original wirepy API's static helpers ------------------------------

    @staticmethod
    def init(cdata_obj: Dissect, create_proto_tree: bool, proto_tree_visible: bool) -> None:
        """(Re)initialize an existing dissection with new tree settings."""
        with _guard:
            cdata_obj._drop_dissector()
            cdata_obj._create_tree = bool(create_proto_tree)
            cdata_obj._visible = bool(proto_tree_visible)
            cdata_obj._make_dissector()

    @staticmethod
    def cleanup(cdata_obj: Dissect) -> None:
        """Release the resources attached to the dissection."""
        with _guard:
            cdata_obj._drop_dissector()

    @staticmethod
    def free(cdata_obj: Dissect) -> None:
        """Free a single packet dissection."""
        cdata_obj.close()

    # -- configuration ---------------------------------------------------

    @property
    def cdata(self):
        """The ``epan_dissect_t *`` (valid while this Dissect is open)."""
        self._check()
        return lib.wirepy_dissector_edt(self._d)

    def prime_fields(self, names: Iterable[str]) -> None:
        """Ask for these fields (filter names) in every packet; same-name
        fields are included. Replaces the previous list (and forgets the
        loaded packet).

        Protocol-typed fields (``http``, ``_ws.malformed``) render as their
        item's label, as ``tshark -T fields`` does; to build them as tshark
        does, asking for one makes this dissection's tree visible (Wireshark
        4.0; slower) or its protocol items real instead of faked (4.2 and
        later) until the list no longer has one.

        :raises InvalidFieldError: for an unknown name.
        """
        names = list(names)
        hfids = _hfids_for(names)
        labels = _needs_labels(names)
        self._check()
        with _guard:
            self._fields = names
            self._hfids = hfids
            if labels != self._labels:
                visible, fake = self._tree_visible(), self._fake_now()
                self._labels = labels
                if self._tree_visible() != visible:
                    self._renew()
                elif self._fake_now() != fake:
                    lib.wirepy_dissector_fake_protocols(self._d, self._fake_now())
            arr = ffi.new("int[]", hfids) if hfids else ffi.NULL
            lib.wirepy_dissector_set_fields(self._d, arr, len(hfids))

    @property
    def fields(self) -> List[str]:
        """The primed field names."""
        return list(self._fields)

    def prime_dfilter(self, dfp) -> None:
        """Prime every packet's tree with the fields of a display filter and
        apply it after dissection (see :attr:`passed`). None removes it."""
        self._check()
        cdata = dfp.cdata if dfp is not None and dfp.cdata is not None else ffi.NULL
        with _guard:
            lib.wirepy_dissector_set_dfilter(self._d, cdata)
        # only once C no longer points at the old filter may it be freed
        self._dfilter = dfp

    def set_columns(self, column_info) -> None:
        """Fill these columns (a :class:`wirepy.lib.column.ColumnInfo`) for
        every packet; None for no columns."""
        self._check()
        with _guard:
            lib.wirepy_dissector_set_columns(
                self._d, column_info.cdata if column_info is not None else ffi.NULL)
        # only once C no longer points at the old columns may they be freed
        self._columns = column_info

    def fake_protocols(self, fake_protocols: bool) -> None:
        """Indicate whether we should fake protocols or not (invisible trees
        only)."""
        self._check()
        self._fake = bool(fake_protocols)
        with _guard:
            lib.wirepy_dissector_fake_protocols(self._d, self._fake_now())

    # -- one packet at a time ------------------------------------------------

    def read_error(self, wtap: Any = None) -> ReadError:
        """The error that ended the last read: the wiretap layer's error for
        its code, naming the file (*wtap*'s, or the file this Dissect reads)."""
        if wtap is not None:
            self._wtap = wtap
        info_p = ffi.new("gchar **")
        err = lib.wirepy_dissector_last_error(self._d, info_p)
        return _wtap.make_error(err, info_p, getattr(self._wtap, "filename", None))

    def _use(self, wtap: Any) -> None:
        """Read from *wtap* from now on; its sequential side must be open
        (a wiretap-layer WTAP after ``sequential_close()`` has only random
        access, which only the second pass of a two-pass read uses)."""
        if capture_closed(wtap):
            raise ValueError("the capture file is closed")
        if getattr(wtap, "_sequential_closed", False) and not self._two_pass:
            raise ValueError("the sequential side of this wtap is closed (sequential_close)")
        attach = getattr(wtap, "attach_dissection", None)
        if attach is not None:
            attach()
        self._wtap = wtap

    def first_pass(self, wtap: Any, chunk: int = 8192) -> int:
        """Read and dissect all of *wtap* once, as the first of ``tshark
        -2``'s two passes, keeping what the dissectors learn about every
        frame. :meth:`run` and the batch readers then serve the second pass,
        in which fields that point forward are known (``dns.response_in``,
        ``http.response_in``, ``tcp.reassembled_in`` on the first segments
        of a PDU). Returns the number of frames.

        *wtap* must be open for random access (``OfflineFile(path,
        random=True)`` or ``WTAP.open_offline(path, random=True)``), this
        Dissect unused so far, and its session not recycling (every frame's
        state stays until the Dissect is closed). The pass runs in C, *chunk*
        records per call, so Ctrl-C interrupts it. A read error ends the pass
        and is raised by the second pass, after the frames read before it.

        :raises ValueError: if *wtap* is not open for random access, or the
            session recycles.
        :raises EpanError: if this Dissect already dissected packets.
        """
        self._check()
        if not getattr(wtap, "random", False):
            raise ValueError("a two-pass read needs the file open for random access "
                             "(random=True)")
        if self.session.recycle_every > 0:
            raise ValueError("a two-pass read cannot recycle its session (recycle_every)")
        if chunk < 1:
            raise ValueError("chunk must be >= 1")
        self._use(wtap)
        total = 0
        while True:
            with _guard:
                n = lib.wirepy_dissect_first_pass(self._d, wtap.cdata, chunk)
                if n < 0:
                    raise EpanError("first_pass needs a Dissect that has not "
                                    "dissected packets yet")
                self._two_pass = True
                self._live = False
                self._generation += 1
            if n == 0:
                return total
            total += n

    def seek_frame(self, num: int) -> None:
        """After :meth:`first_pass`: the next packet :meth:`run` or a batch
        reader dissects is frame *num* (1-based), re-read at its offset,
        then the frames after it -- random access, as Wireshark's packet
        list.

        :raises EpanError: without a finished first pass.
        :raises IndexError: if the first pass read no frame *num*.
        """
        self._check()
        with _guard:
            r = lib.wirepy_dissect_seek_frame(self._d, num) if num > 0 else 0
            self._live = False
            self._generation += 1
        if r < 0:
            raise EpanError("seek_frame needs a finished first_pass")
        if r == 0:
            raise IndexError(f"frame {num} is not in the capture")

    def run(self, wtap: Any, frame: Any = None, column_info: Any = None) -> Optional[Frame]:
        """Read the next packet of *wtap* and dissect it.

        *wtap* is any object whose ``cdata`` is a ``wtap *``. The packet stays
        loaded (for :attr:`tree`, :meth:`fill_in_columns`, a filter's
        :meth:`~wirepy.lib.dfilter.DisplayFilter.apply_edt`) until the next
        run or :meth:`reset`. *frame* is the original wirepy API's argument
        (``edt.run(wt, frame)``) and not needed: the frame data is returned.
        Returns None at the end.

        :raises ReadError: if the file cannot be read further.
        """
        self._check()
        if column_info is not None and column_info is not self._columns:
            self.set_columns(column_info)
        self._use(wtap)
        self.session._quota(1)
        with _guard:
            r = lib.wirepy_dissect_next(self._d, wtap.cdata)
            self.session._since_recycle += r == 1
            self._generation += 1
            self._live = r == 1
            if r < 0:
                raise self.read_error()
            if r == 0:
                return None
            lib.wirepy_out_clear(self._d)
            lib.wirepy_dissect_extract(self._d, 0)
            ints = self._ints()
        return Frame(ints[0], bool(ints[1]), *ints[2:_PKT_INTS])

    def reset(self) -> None:
        """Forget the loaded packet (its C memory is freed)."""
        if self._d is not None and self._live:
            with _guard:
                lib.wirepy_dissect_finish(self._d)
                self._live = False
                self._generation += 1

    def _require_live(self) -> None:
        self._check()
        if not self._live:
            raise DissectionReset("no packet is loaded: it was reset (or none was run yet)")

    @property
    def passed(self) -> bool:
        """Whether the primed display filter matched the loaded packet."""
        self._require_live()
        return bool(lib.wirepy_dissect_passed(self._d))

    def _ints(self) -> List[int]:
        n = ffi.new("gsize *")
        p = lib.wirepy_out_ints(self._d, n)
        return ffi.unpack(p, n[0])

    def _ints_view(self) -> memoryview:
        """The output ints copied at once, as a read-only int64 view."""
        n = ffi.new("gsize *")
        p = lib.wirepy_out_ints(self._d, n)
        return memoryview(ffi.buffer(p, n[0] * 8)[:]).cast("q")

    def _strs(self) -> List[str]:
        n = ffi.new("gsize *")
        p = lib.wirepy_out_strings(self._d, n)
        if n[0] == 0:
            return []
        return strings_list(p, n[0])

    # -- the batch interface (what the Pythonic API's engine drives) ----------

    def output(self) -> BatchOutput:
        """Copies of the output buffers of the last C call; call it under the
        guard of that call (inside :meth:`batches`' *collect*)."""
        import array

        d = self._d
        n = ffi.new("gsize *")
        p = lib.wirepy_out_ints(d, n)
        ints = array.array("q")
        ints.frombytes(ffi.buffer(p, n[0] * 8))
        p = lib.wirepy_out_strings(d, n)
        strs = ffi.buffer(p, n[0])[:] if n[0] else b""
        p = lib.wirepy_out_raw(d, n)
        raw = ffi.buffer(p, n[0])[:] if n[0] else b""
        p = lib.wirepy_out_packets(d, n)
        return BatchOutput(ints, strs, raw, ffi.unpack(p, n[0]))

    def output_c(self) -> tuple:
        """The output buffers of the last C call as C pointers, for C
        consumers (``wirepy_fields_lines``): ``(ints, n_ints, strs,
        strs_len)``, valid until the next call; under its guard."""
        n_ints, n_strs = ffi.new("gsize *"), ffi.new("gsize *")
        ints = lib.wirepy_out_ints(self._d, n_ints)
        strs = lib.wirepy_out_strings(self._d, n_strs)
        return ints, n_ints[0], strs, n_strs[0]

    def batches(self, wtap: Any, flags: int, size: int, limit: Optional[int] = None,
                collect: Optional[Any] = None, owner: Optional[int] = None,
                until_closed: bool = False) -> Iterator[Any]:
        """Dissect the remaining packets of *wtap* in C calls of at most
        *size* records (*limit* records in all; None: to the end), each
        rendering what *flags* (``lib.WIREPY_*``, see ``cdefs/shim/dissect.h``)
        asks for into the output buffers. Yields ``collect()`` after each
        call (default: :meth:`output`), made under the call's guard before
        the next call reuses the buffers; the last item is that of a call
        that read nothing more.

        *owner*: the thread this runs for when it runs in another (a
        read-ahead worker). *until_closed*: this Dissect or *wtap* closed
        meanwhile ends the iteration instead of raising (a capture of the
        Pythonic API closed while it is iterated).

        :raises ReadError: after the items of the packets read before it.
        """
        collect = collect or self.output
        remaining = limit
        with acting_for(owner if owner is not None else threading.get_ident()):
            while remaining is None or remaining > 0:
                if until_closed and (self._d is None or capture_closed(wtap)):
                    return
                self._check()
                want = self.session._quota(size if remaining is None
                                           else min(size, remaining))
                with _guard:
                    if self._d is None or capture_closed(wtap):
                        if until_closed:
                            return
                        self._check()
                        raise ValueError("the capture file is closed")
                    self._live = False
                    self._generation += 1
                    lib.wirepy_out_clear(self._d)
                    n = lib.wirepy_dissect_batch(self._d, wtap.cdata, want, flags)
                    if n < 0:
                        raise self.read_error(wtap)
                    self.session._since_recycle += n
                    item = collect()
                if remaining is not None:
                    remaining -= n
                yield item
                if n == 0:
                    return

    def tree_field_text(self, on: bool) -> None:
        """Full trees carry each item's ``tshark -T fields`` text too (where
        it differs from its show text)."""
        self._check()
        with _guard:
            lib.wirepy_dissector_tree_field_text(self._d, bool(on))

    def dissect_bytes(self, data: bytes, encap: int, time_ns: int, flags: int) -> BatchOutput:
        """Dissect one frame handed over as bytes (link type *encap*, time
        stamp *time_ns*) and render it as a one-packet batch with *flags*."""
        self._check()
        secs, nsecs = divmod(time_ns, 1_000_000_000)
        self.session._quota(1)
        with _guard:
            if lib.wirepy_dissect_data(self._d, data, len(data), len(data), encap,
                                       secs, nsecs) < 0:
                raise DissectionReset("the dissection was closed")
            self.session._since_recycle += 1
            lib.wirepy_out_clear(self._d)
            lib.wirepy_dissect_extract(self._d, flags)
            lib.wirepy_dissect_finish(self._d)
            self._live = False
            self._generation += 1
            return self.output()

    @property
    def tree(self) -> ProtoTree:
        """The loaded packet's protocol tree, copied (all items, hidden and
        generated included).

        :raises DissectionReset: if no packet is loaded.
        """
        self._require_live()
        if not self._create_tree:
            raise EpanError("this Dissect builds no protocol tree (create_proto_tree=False)")
        with _guard:
            lib.wirepy_out_clear(self._d)
            n = lib.wirepy_tree_flatten(self._d)
            ints = self._ints_view()
            strs = self._strs()
        return _tree_from(ints, strs, n)

    def field_strings(self, name: Optional[str] = None) -> List[List[str]]:
        """The occurrences of each primed field in the loaded packet."""
        self._require_live()
        with _guard:
            lib.wirepy_out_clear(self._d)
            lib.wirepy_dissect_extract(self._d, lib.WIREPY_FIELDS)
            ints = self._ints()
            strs = self._strs()
        fields, _, _ = _decode_fields(ints, _PKT_INTS, strs, 0, len(self._hfids))
        if name is not None:
            return [fields[self._fields.index(name)]]
        return fields

    def fill_in_columns(self, fill_col_exprs: bool = True,
                        fill_fd_columns: bool = True) -> List[str]:
        """The text of every column for the loaded packet (columns are
        filled during :meth:`run` when a column set was given)."""
        self._require_live()
        if self._columns is None:
            raise EpanError("no columns were set (pass column_info to run or set_columns)")
        with _guard:
            lib.wirepy_out_clear(self._d)
            lib.wirepy_dissect_extract(self._d, lib.WIREPY_COLUMNS)
            ints = self._ints()
            strs = self._strs()
        n = ints[_PKT_INTS]
        return strs[:n]

    # -- batches ----------------------------------------------------------

    def iter_fields(self, wtap: Any, batch: int = 2048, columns: bool = False,
                    only_passed: bool = False) -> Iterator[PacketFields]:
        """Dissect every remaining packet of *wtap*, yielding the primed
        fields (and columns) of each; *only_passed* skips packets the primed
        display filter rejects. One C call per *batch* packets.

        :raises ReadError: after the packets read before the error.
        """
        self._check()
        self._use(wtap)
        flags = lib.WIREPY_FIELDS
        if columns:
            if self._columns is None:
                raise EpanError("no columns were set")
            flags |= lib.WIREPY_COLUMNS
        if only_passed:
            flags |= lib.WIREPY_ONLY_PASSED
        nf = len(self._hfids)
        with self._running():
            yield from self._iter_fields(wtap, batch, flags, columns, nf)

    def _iter_fields(self, wtap: Any, batch: int, flags: int, columns: bool,
                     nf: int) -> Iterator[PacketFields]:
        for ints, strs in self.batches(wtap, flags, batch,
                                       collect=lambda: (self._ints(), self._strs())):
            if not columns:
                yield from _decode_field_batch(ints, strs, nf)
                continue
            ii = si = 0
            nints = len(ints)
            while ii < nints:
                frame = Frame(ints[ii], bool(ints[ii + 1]), *ints[ii + 2:ii + _PKT_INTS])
                fields, ii, si = _decode_fields(ints, ii + _PKT_INTS, strs, si, nf)
                nc = ints[ii]
                ii += 1
                cols = strs[si:si + nc]
                si += nc
                yield PacketFields(frame, fields, cols)

    def count(self, wtap: Any, batch: int = 65536) -> int:
        """Dissect every remaining packet and count those the primed display
        filter matches (all packets if none)."""
        self._check()
        self._use(wtap)
        m = ffi.new("gsize *")

        def passed() -> int:
            lib.wirepy_out_ints(self._d, m)
            return m[0] // _PKT_INTS

        with self._running():
            return sum(self.batches(wtap, lib.WIREPY_ONLY_PASSED, batch, collect=passed))

    def iter_trees(self, wtap: Any, batch: int = 32) -> Iterator[ProtoTree]:
        """Dissect every remaining packet, yielding its full tree; one C
        call per *batch* packets (the trees of a batch share its buffers).

        :raises ReadError: after the trees read before the error.
        """
        self._check()
        if not self._create_tree:
            raise EpanError("this Dissect builds no protocol tree (create_proto_tree=False)")
        self._use(wtap)
        previous: Optional[ProtoTree] = None
        with self._running():
            for ints, strs in self.batches(wtap, lib.WIREPY_TREE, batch,
                                           collect=lambda: (self._ints_view(), self._strs())):
                ii = 0
                nints = len(ints)
                while ii < nints:
                    nn = ints[ii + _PKT_INTS]
                    b = ii + _PKT_INTS + 1
                    e = b + nn * _NODE_INTS
                    n_ds = ints[e]
                    ds = ints[e + 1]
                    tree = ProtoTree(ints[b:e], strs, nn, strs[ds:ds + n_ds])
                    if previous is not None:
                        # the caller has moved on: its nodes need not wait
                        # for the cyclic collector (see _forget_nodes)
                        previous._forget_nodes()
                    previous = tree
                    yield tree
                    ii = e + 2
            if previous is not None:
                previous._forget_nodes()

    @contextlib.contextmanager
    @uninterrupted
    def _running(self) -> Iterator[None]:
        """This thread runs a dissection with this Dissect: other threads
        get :class:`ConcurrentUseError` until it ends."""
        me = threading.get_ident()
        with _Guard._claims:
            user = self._user
            if user is not None and user != me:
                raise ConcurrentUseError("this dissection is running in another thread")
            self._user = me
        try:
            yield
        finally:
            if user is None:
                self._user = None


def _decode_field_batch(ints: List[int], strs: List[str], nf: int) -> Iterator[PacketFields]:
    """The packets of a batch without columns: fixed-size int records."""
    stride = _PKT_INTS + nf
    si = 0
    new_frame = Frame.__new__
    new_fields = PacketFields.__new__
    for b in range(0, len(ints), stride):
        h = ints[b:b + stride]
        fields = []
        for c in h[_PKT_INTS:]:
            e = si + c
            fields.append(strs[si:e])
            si = e
        yield new_fields(PacketFields, new_frame(Frame, h[0], h[1] != 0, h[2], h[3], h[4],
                                                 h[5], h[6], h[7], h[8]), fields, None)


def _decode_fields(ints: Sequence[int], ii: int, strs: List[str], si: int, nf: int):
    fields = []
    for _ in range(nf):
        c = ints[ii]
        ii += 1
        fields.append(strs[si:si + c])
        si += c
    return fields, ii, si


def _tree_from(ints: Sequence[int], strs: List[str], n: int) -> ProtoTree:
    if n < 0:
        raise DissectionReset("no packet is loaded")
    base = n * _NODE_INTS
    n_ds = ints[base]
    # strings: per node 2 or 3, then the data source names
    n_node_strs = len(strs) - 1 - n_ds
    ds = strs[n_node_strs:n_node_strs + n_ds]
    return ProtoTree(ints, strs, n, ds)
