"""Packets as Python objects: fields, typed values, columns, layers, tree.

A :class:`Packet` owns everything it exposes: it is built from copies taken
while Wireshark still held the packet, so it stays valid after iteration
has moved on (``packets = list(capture)`` works).

Two kinds exist, depending on how the capture was read:

* **field packets** (``FileCapture(fields=[...])``, the fast path): only the
  requested fields (plus the few the packet's own attributes need) were
  extracted; asking for another field raises :class:`KeyError` with a
  hint;
* **tree packets** (no ``fields``): the full protocol tree is there, every
  field of the packet can be read.
"""

from __future__ import annotations

import datetime
import weakref
from typing import Any, Dict, Iterator, List, Optional, Tuple

from . import show, values
from .batch import (  # noqa: F401  (Batch and FieldIndex re-exported)
    _BYTES_TYPES,
    _D_COLUMNS_AT,
    _D_LAYERS_AT,
    _D_N_COLUMNS,
    _D_N_LAYERS,
    _D_RAW_AT,
    _D_RAW_LEN,
    _HEADER,
    _NO_VALUE,
    Batch,
    FieldIndex,
)
from .data_sources import DataSource, without_tree
from .lib.timestamp import utc_datetime
from .lib.wireshark import ffi, lib
from .packet_tree import PacketTree, TreeNode, _field_ids  # noqa: F401  (re-exported)

__all__ = ["Packet", "FieldPacket", "TreePacket", "Columns", "Layer", "TreeNode", "Occurrence"]

#: One field occurrence: (shown text, field type, v1, v2, text or bytes).
Occurrence = Tuple[str, int, int, int, Any]

_MISSING = object()
_FT_PROTOCOL = lib.FT_PROTOCOL
_NOT_TYPED = "this capture extracted only strings (typed=False): use field_strings()"
_UNAVAILABLE = {
    "tree": "no protocol tree: this capture extracted only fields=[...] "
            "(read it without fields for the tree)",
    "columns": "columns were not computed for this capture (pass columns=True)",
    "raw": "the raw bytes were not kept for this capture",
    "data_sources": "no data sources: they come with the protocol tree, and this capture "
                    "extracted only fields=[...] (read it without fields, or pass "
                    "data_sources=True)",
}
#: Protocols of frame.protocols that are not layers of their own.
_NOT_LAYERS = frozenset({"frame", "ethertype", "pkt_comment"})
_TRANSPORTS = frozenset({"tcp", "udp", "sctp", "dccp"})

# Column types whose text becomes an attribute of Columns.
_COLUMN_ATTRS = {
    "NUMBER": "number", "CLS_TIME": "time", "REL_TIME": "time", "ABS_TIME": "time",
    "ABS_YMD_TIME": "time", "UTC_TIME": "time", "UTC_YMD_TIME": "time",
    "DELTA_TIME": "delta_time", "DEF_SRC": "source", "DEF_DST": "destination",
    "PROTOCOL": "protocol", "PACKET_LENGTH": "length", "INFO": "info",
    "DEF_SRC_PORT": "source_port", "DEF_DST_PORT": "destination_port",
    "DEF_DL_SRC": "dl_source", "DEF_DL_DST": "dl_destination",
    "DEF_NET_SRC": "net_source", "DEF_NET_DST": "net_destination",
}


_PROTOCOL_NAMES: Dict[int, str] = {}


def _protocol_name(proto_id: int) -> str:
    """A protocol's filter name from its id (cached)."""
    name = _PROTOCOL_NAMES.get(proto_id)
    if name is None:
        name = ffi.string(lib.proto_get_protocol_filter_name(proto_id)).decode()
        _PROTOCOL_NAMES[proto_id] = name
    return name


class ColumnSet:
    """The titles and attribute names of a capture's columns (shared by all
    of its packets)."""

    __slots__ = ("titles", "kinds", "attrs", "index")

    def __init__(self, formats) -> None:
        self.titles: List[str] = [f.title for f in formats]
        self.kinds: List[str] = [f.type_.name for f in formats]
        self.attrs: Dict[str, int] = {}
        for i, f in enumerate(formats):
            attr = _COLUMN_ATTRS.get(f.type_.name)
            if attr is not None and attr not in self.attrs:
                self.attrs[attr] = i
        self.index = {title: i for i, title in enumerate(self.titles)}


class Columns:
    """The text of each column for one packet, as Wireshark's packet list
    shows it.

    Attribute access for the usual columns (``.number``, ``.time``,
    ``.source``, ``.destination``, ``.protocol``, ``.length``, ``.info``),
    item access by title (``cols["Info"]``), iteration over
    ``(title, text)`` pairs, :meth:`as_dict`.
    """

    __slots__ = ("_set", "_texts")

    def __init__(self, column_set: ColumnSet, texts: List[str]) -> None:
        self._set = column_set
        self._texts = texts

    def __getattr__(self, name: str) -> str:
        try:
            return self._texts[self._set.attrs[name]]
        except KeyError:
            raise AttributeError(f"no column of type {name!r} in this column set "
                                 f"(titles: {self._set.titles})") from None

    def __getitem__(self, title: str) -> str:
        return self._texts[self._set.index[title]]

    def __iter__(self) -> Iterator[Tuple[str, str]]:
        return iter(zip(self._set.titles, self._texts))

    def __len__(self) -> int:
        return len(self._texts)

    @property
    def titles(self) -> List[str]:
        """The column titles."""
        return list(self._set.titles)

    @property
    def kinds(self) -> List[str]:
        """The column types' names (``NUMBER``, ``CLS_TIME``, ``INFO``...)."""
        return list(self._set.kinds)

    @property
    def texts(self) -> List[str]:
        """The column texts, in column order."""
        return list(self._texts)

    def as_dict(self) -> Dict[str, str]:
        """Title -> text."""
        return dict(zip(self._set.titles, self._texts))

    def __repr__(self) -> str:
        return f"Columns({self.as_dict()!r})"


class Layer:
    """One protocol layer of a packet, pyshark style: ``pkt.ip.src``.

    Attribute names are the field names without the protocol prefix, dots
    written as underscores (``pkt.tcp.flags_syn`` is ``tcp.flags.syn``).
    """

    __slots__ = ("_packet", "layer_name", "_node", "_end")

    def __init__(self, packet: Packet, name: str, node: Optional[TreeNode] = None) -> None:
        self._packet = packet
        self.layer_name = name
        self._node = node
        self._end = -1

    def _span(self) -> tuple:
        """(first, end) preorder indexes of the layer's items (tree packets)."""
        top = self._node
        if self._end < 0:
            self._end = top.tree.subtree_end(top.index)
        return top.index + 1, self._end

    def _resolve(self, attr: str) -> Optional[str]:
        prefix = self.layer_name + "."
        for candidate in (prefix + attr, prefix + attr.replace("_", ".")):
            if self._node is not None:
                if self._node.tree.first_index(candidate, *self._span()) >= 0:
                    return candidate
            elif self._packet._has_name(candidate):
                return candidate
        names = self.full_field_names
        wanted = attr.replace(".", "_")
        for name in names:
            if name[len(prefix):].replace(".", "_") == wanted:
                return name
        return None

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        name = self._resolve(attr)
        if name is None:
            raise self._no_field(attr)
        return self.get_field_value(name)

    def _no_field(self, attr: str) -> AttributeError:
        """Why ``layer.attr`` has no value: not extracted, absent from this
        packet, or no such field (with the nearest names)."""
        from . import fields
        prefix = self.layer_name + "."
        known = [n for n in dict.fromkeys((prefix + attr, prefix + attr.replace("_", ".")))
                 if fields.exists(n)]
        if not known:
            return AttributeError(str(fields.unknown(prefix + attr)))
        index = self._packet._index
        if self._node is None and index is not None and known[0] not in index.slots:
            return AttributeError(f"{known[0]!r} was not extracted: add it to fields=[...] "
                                  f"(extracted: {index.requested})")
        return AttributeError(f"packet {self._packet.number} has no {known[0]!r} "
                              f"in its {self.layer_name} layer")

    def _full_name(self, name: str) -> str:
        """*name* as a display filter writes it: a full name stays, a short
        one (``qry_name``, ``qry.name``) gets the layer's prefix."""
        prefix = self.layer_name + "."
        if name.startswith(prefix):
            return name
        if self._node is not None:
            if self._node.tree.first_index(name, *self._span()) >= 0:
                return name          # a full name found as it is ("data")
        elif self._packet._has_name(name):
            return name
        from . import fields
        if "." in name and fields.exists(name):    # a full name of another protocol
            return name
        found = self._resolve(name)
        if found is not None:
            return found
        for candidate in (prefix + name, prefix + name.replace("_", ".")):
            if fields.exists(candidate):      # known, absent from this packet
                return candidate
        return name

    def get_field_value(self, name: str, default: Any = None) -> Any:
        """The typed value of field *name* in this layer: its full name
        (``dns.qry.name``) or pyshark's short one (``qry_name``)."""
        name = self._full_name(name)
        if self._node is not None:
            node = self.get_field(name)
            return node.value if node is not None else default
        return self._packet.get(name, default)

    def get_field(self, name: str) -> Optional[TreeNode]:
        """The tree node of field *name* (full or short name) in this layer
        (tree packets only)."""
        top = self._node
        if top is None:
            return None
        tree = top.tree
        i = tree.first_index(self._full_name(name), *self._span())
        return tree.node(i) if i >= 0 else None

    @property
    def field_names(self) -> List[str]:
        """pyshark's names of this layer's fields present in the packet:
        without the layer's prefix, dots as underscores (``qry_name``), as
        attributes take them."""
        prefix = len(self.layer_name) + 1
        return list(dict.fromkeys(n[prefix:].replace(".", "_")
                                  for n in self.full_field_names))

    @property
    def full_field_names(self) -> List[str]:
        """The display-filter names of this layer's fields present in the
        packet (``dns.qry.name``)."""
        prefix = self.layer_name + "."
        if self._node is not None:
            seen: Dict[str, None] = {}
            for node in self._node:
                if node.abbrev.startswith(prefix):
                    seen[node.abbrev] = None
            return list(seen)
        return [n for n in self._packet._names() if n.startswith(prefix)]

    def __dir__(self) -> List[str]:
        return sorted(set(self.field_names))

    def __repr__(self) -> str:
        return f"<{self.layer_name.upper()} Layer>"

    def __str__(self) -> str:
        """The layer as ``tshark -V`` prints it (with a full tree), or its
        extracted fields with their texts."""
        pkt = self._packet
        if self._node is not None:
            return show.tree_text([self._node], pkt.raw, pkt.char_encoding == "ebcdic")
        lines = [f"Layer {self.layer_name.upper()}:"]
        for name in self.full_field_names:
            lines.append(f"    {name}: {', '.join(pkt.field_strings(name))}")
        return "\n".join(lines)


def _header(k: int, doc: str) -> property:
    def get(self: Packet) -> int:
        return self._batch.ints[self._at + k]
    return property(get, doc=doc)


class Packet:
    """A dissected packet: a view on the batch it was dissected in (see
    :class:`Batch`), which it keeps alive -- keeping a few packets of a big
    capture keeps their batches (``batch_size`` packets each); keep the
    values you need instead to hold less memory."""

    __slots__ = ("_batch", "_at", "_i", "_index", "_columns", "_raw", "_tree", "__weakref__")

    def __init__(self, batch: Batch, at: int, i: int,
                 tree: Optional[PacketTree] = None) -> None:
        self._batch = batch
        self._at = at
        self._i = i          # the packet's rank in its batch
        self._index = batch.index
        self._tree = tree
        self._columns: Optional[Columns] = None
        self._raw: Optional[bytes] = None

    number = _header(lib.WIREPY_P_NUM, "The frame number (1-based).")
    captured_length = _header(lib.WIREPY_P_CAP_LEN,
                              "The bytes captured (:attr:`raw` holds them).")
    length = _header(lib.WIREPY_P_PKT_LEN, "The packet's length on the wire.")
    interface_id = _header(lib.WIREPY_P_INTERFACE,
                           "The capture interface's index (-1 if unknown).")
    render_errors = _header(lib.WIREPY_P_ERRORS,
                            "Items whose rendering threw in Wireshark (a dissector bug or a "
                            "value it cannot format): those values are None and those tree "
                            "items are marked (``node.error``); 0 for nearly every packet.")

    @property
    def char_encoding(self) -> str:
        """``"ascii"``, or ``"ebcdic"`` where a dissector marked the frame's
        characters EBCDIC (as Wireshark's hex dump then shows them)."""
        flags = self._batch.ints[self._at + lib.WIREPY_P_FLAGS]
        return "ebcdic" if flags & lib.WIREPY_PKT_EBCDIC else "ascii"

    @property
    def matches(self) -> bool:
        """Whether the display filter matched (True without one). A
        :class:`~wirepy.FileCapture` yields only matching packets;
        :func:`~wirepy.dissect` and :class:`~wirepy.Dissector` return every
        packet and say here."""
        return bool(self._batch.ints[self._at + lib.WIREPY_P_PASSED])

    @property
    def time_ns(self) -> int:
        """Capture time, integer nanoseconds since the epoch (UTC)."""
        ints, at = self._batch.ints, self._at
        return ints[at + lib.WIREPY_P_SECS] * 1_000_000_000 + ints[at + lib.WIREPY_P_NSECS]

    def _n_tree(self) -> int:
        return self._index.n_tree if self._index is not None else 0

    @property
    def timestamp(self) -> float:
        """Capture time in seconds since the epoch (float)."""
        return self.time_ns / 1e9

    @property
    def time(self) -> datetime.datetime:
        """Capture time as a UTC datetime (microsecond precision; see
        :attr:`time_ns` for nanoseconds).

        :raises ~wirepy.lib.timestamp.TimestampRangeError: for a time stamp
            outside the years 1 to 9999 (:attr:`time_ns` holds any)."""
        return utc_datetime(*divmod(self.time_ns, 1_000_000_000))

    @property
    def sniff_time(self) -> datetime.datetime:
        """pyshark's name for :attr:`time` (here in UTC, time-zone aware)."""
        return self.time

    @property
    def sniff_timestamp(self) -> str:
        """The capture time as pyshark gives it: seconds since the epoch, a
        dot and nanoseconds (``"1369953912.269853000"``)."""
        secs, nsecs = divmod(self.time_ns, 1_000_000_000)
        return f"{secs}.{nsecs:09d}"

    # -- fields (FieldPacket and TreePacket find them their own way) -------
    def _names(self) -> List[str]:
        raise NotImplementedError

    def _occurrences(self, name: str, strict: bool = True) -> list:
        raise NotImplementedError

    def _has_name(self, name: str) -> bool:
        return bool(self._occurrences(name, strict=False))

    def field_strings(self, name: str) -> List[str]:
        """The field's occurrences exactly as ``tshark -T fields -e NAME``
        renders them, one string per occurrence, before tshark's escaping
        and aggregation."""
        raise NotImplementedError

    def get_all(self, name: str) -> List[Any]:
        """The typed values of every occurrence of field *name*."""
        raise NotImplementedError

    def get(self, name: str, default: Any = None) -> Any:
        """The typed value of the first occurrence of *name*, or *default*."""
        raise NotImplementedError

    def __getitem__(self, name: str) -> Any:
        """The typed value of the first occurrence of field *name*.

        :raises KeyError: when the packet has no such field.
        """
        value = self.get(name, _MISSING)
        if value is _MISSING:
            from . import fields  # the registry's helpers: loaded on first use
            if not fields.exists(name):
                raise fields.unknown(name)
            raise KeyError(f"packet {self.number} has no {name!r}")
        return value

    def __contains__(self, name: str) -> bool:
        return self._has_name(name)

    # -- what every packet has ----------------------------------------------
    @property
    def protocols(self) -> List[str]:
        """The protocols in the frame, outermost first (``frame.protocols``)."""
        if self._batch is not None and (self._index is None
                                        or "frame.protocols" not in self._index.slots):
            ints = self._batch.ints
            tail = self._at + _HEADER + 3 * self._n_tree()
            n, pos = ints[tail + _D_N_LAYERS], ints[tail + _D_LAYERS_AT]
            return [_protocol_name(pid) for pid in ints[pos:pos + n]]
        strings = self.field_strings("frame.protocols")
        return strings[0].split(":") if strings else []

    @property
    def comments(self) -> List[str]:
        """The packet's comments (pcapng)."""
        return self.field_strings("frame.comment")

    @property
    def interface(self) -> Optional[str]:
        """The capture interface's name (from the file's interface
        description), or None."""
        interfaces = self._batch.interfaces
        if interfaces is None:
            return None
        return interfaces.get(self.interface_id)

    @property
    def columns(self) -> Columns:
        """The packet-list columns (No., Time, Source, Destination,
        Protocol, Length, Info by default)."""
        if self._columns is None:
            batch = self._batch
            if batch is None or batch.column_set is None:
                raise AttributeError(_UNAVAILABLE["columns"])
            tail = self._at + _HEADER + 3 * self._n_tree()
            n, pos = batch.ints[tail + _D_N_COLUMNS], batch.ints[tail + _D_COLUMNS_AT]
            texts = []
            for _ in range(n):
                text, pos = batch.string(pos)
                texts.append(text)
            self._columns = Columns(batch.column_set, texts)
        return self._columns

    @property
    def raw(self) -> bytes:
        """The captured bytes of the frame."""
        if self._raw is None:
            batch = self._batch
            if batch is None:
                raise AttributeError(_UNAVAILABLE["raw"])
            tail = self._at + _HEADER + 3 * self._n_tree()
            off, length = batch.ints[tail + _D_RAW_AT], batch.ints[tail + _D_RAW_LEN]
            if off < 0:
                raise AttributeError(_UNAVAILABLE["raw"])
            self._raw = batch.raw[off:off + length]
        return self._raw

    @property
    def tree(self) -> PacketTree:
        """The full protocol tree (every item, hidden and generated
        included); only for captures read without ``fields``."""
        raise AttributeError(_UNAVAILABLE["tree"])

    @property
    def data_sources(self) -> List[DataSource]:
        """Every data source of the packet, in Wireshark's order: the frame,
        then each buffer dissectors made (``Reassembled TCP``, ``Decrypted
        TLS``, ``De-chunked entity body``...), as :class:`~wirepy.data_sources.DataSource`
        ``(name, data)`` pairs; ``tshark -x`` prints each under its name.
        With the full tree (captures read without ``fields``), or with
        ``fields`` and ``data_sources=True``."""
        batch = self._batch
        sources = None
        if batch is not None:
            sources = without_tree(batch, self._at + _HEADER + 3 * self._n_tree(),
                                   lib.WIREPY_DS_FRAME)
        if sources is None:
            raise AttributeError(_UNAVAILABLE["data_sources"])
        return sources

    def data_source(self, name: str) -> bytes:
        """The bytes of the first data source called *name*: its full name
        (``"Decrypted TLS (59 bytes)"``) or without the length
        (``"Decrypted TLS"``).

        :raises KeyError: when the packet has no such data source."""
        sources = self.data_sources
        for source in sources:
            if name in (source.name, source.title):
                return source.data
        raise KeyError(f"packet {self.number} has no data source {name!r} "
                       f"(it has: {[s.name for s in sources]})")

    # -- layers -----------------------------------------------------------
    @property
    def layers(self) -> List[Layer]:
        """The protocol layers, outermost first (``frame`` excluded)."""
        return [Layer(self, p) for p in self.protocols if p not in _NOT_LAYERS]

    def get_layers(self, name: str) -> List[Layer]:
        """Every layer of protocol *name* (tunnels have several)."""
        return [layer for layer in self.layers if layer.layer_name == name]

    @property
    def highest_layer(self) -> str:
        """The innermost protocol's name, upper case (pyshark's spelling)."""
        layers = self.layers
        return layers[-1].layer_name.upper() if layers else ""

    @property
    def transport_layer(self) -> Optional[str]:
        """The transport protocol's name, upper case (``"TCP"``, ``"UDP"``,
        ``"SCTP"``, ``"DCCP"``), or None: pyshark's attribute."""
        for name in self.protocols:
            if name in _TRANSPORTS:
                return name.upper()
        return None

    def __getattr__(self, name: str) -> Layer:
        # Python calls this when a property raised AttributeError too: keep
        # the property's own explanation.
        if name in _UNAVAILABLE:
            raise AttributeError(_UNAVAILABLE[name])
        if name.startswith("_"):
            raise AttributeError(name)
        layer = self._layer(name)
        if layer is None:
            raise AttributeError(f"packet {self.number} has no layer or attribute {name!r}")
        return layer

    def _layer(self, name: str) -> Optional[Layer]:
        for layer in self.layers:
            if layer.layer_name == name:
                return layer
        return None

    def __dir__(self) -> List[str]:
        return sorted(set(object.__dir__(self)) | {layer.layer_name for layer in self.layers})

    def __repr__(self) -> str:
        return f"<Packet {self.number}: {':'.join(self.protocols) or '?'} {self.length} bytes>"

    def _repr_html_(self) -> str:
        """The packet in Jupyter: its tree, collapsible, beside the hex dump
        of each data source (:func:`wirepy.html.packet_html`)."""
        from . import html
        return html.packet_html(self)


class FieldPacket(Packet):
    """A :class:`Packet` read with ``fields=[...]``: the fields asked for,
    extracted in C into its batch and decoded when asked for."""

    __slots__ = ()

    def __str__(self) -> str:
        """The packet's number, protocols and length, then each extracted
        field with its text as ``tshark -T fields`` prints it."""
        lines = [repr(self)]
        for name in self._index.requested:
            texts = self.field_strings(name)
            if texts:
                lines.append(f"    {name}: {', '.join(texts)}")
        return "\n".join(lines)

    def _field(self, slot: int) -> List[Occurrence]:
        """The occurrences of the field in *slot*, decoded from the batch."""
        index = self._index
        if slot >= index.n_tree:
            text = self.columns.texts[index.columns[slot]]
            return [(text, lib.FT_STRING, 0, -1, text)]
        batch = self._batch
        ints = batch.ints
        base = self._at + _HEADER + 3 * slot
        count = ints[base]
        if not count:
            return []
        ip = ints[base + 1]
        pos = ints[base + 2]
        string = batch.string
        out = []
        for _ in range(count):
            shown, pos = string(pos)
            if ip < 0:
                out.append((shown, -1, 0, 0, None))
                continue
            ft, v1, v2 = ints[ip], ints[ip + 1], ints[ip + 2]
            ip += 3
            if ft in _BYTES_TYPES:
                text = batch.raw[v1:v1 + v2] if v1 >= 0 else None
            elif v2 == -1:
                text, pos = string(pos)
            else:
                text = None
            out.append((shown, ft, v1, v2, text))
        return out

    # -- time -------------------------------------------------------------

    def _names(self) -> List[str]:
        return [n for n, i in self._index.slots.items() if self._field(i)]

    def _not_extracted(self, name: str) -> KeyError:
        from . import fields
        if not fields.exists(name):
            return fields.unknown(name)
        return KeyError(f"{name!r} was not extracted: add it to fields=[...] "
                        f"(extracted: {self._index.requested})")

    def _occurrences(self, name: str, strict: bool = True) -> list:
        slot = self._index.slots.get(name)
        if slot is None:
            if strict:
                raise self._not_extracted(name)
            return []
        return self._field(slot)

    def field_strings(self, name: str) -> List[str]:
        return [o[0] for o in self._occurrences(name)]

    def get_all(self, name: str) -> List[Any]:
        occ = self._occurrences(name)
        if occ and occ[0][1] < 0:
            raise KeyError(_NOT_TYPED)
        return [values.decode(o[1], o[2], o[3], o[4], o[0]) for o in occ]

    def get(self, name: str, default: Any = None) -> Any:
        # the field decoded for the whole batch at its first get()
        batch = self._batch
        try:
            column = batch.firsts[name]
        except KeyError:
            column = batch.first_values(name)
        if column is not None:
            value = column[self._i]
            return default if value is _NO_VALUE else value
        occ = self._occurrences(name, strict=False)
        if not occ:
            if name not in self._index.slots:
                raise self._not_extracted(name)
            return default
        o = occ[0]
        if o[1] < 0:
            raise KeyError(_NOT_TYPED)
        return values.decode(o[1], o[2], o[3], o[4], o[0])


class TreePacket(Packet):
    """A :class:`Packet` read with its full tree: fields and layers are
    found in the tree (by its column of field ids). When it goes, so do the
    node objects its tree made (they and the tree refer to each other), at
    once rather than at the cyclic collector's next pass."""

    __slots__ = ()

    def __init__(self, batch: Batch, at: int, i: int, tree: PacketTree) -> None:
        super().__init__(batch, at, i, tree)
        tree._packet = weakref.ref(self)    # for print(pkt.tree): the frame's bytes

    def __del__(self) -> None:
        # unset when a Ctrl-C cut __init__ short
        tree = getattr(self, "_tree", None)
        if tree is not None:
            tree._forget_nodes()

    def __str__(self) -> str:
        """The packet as ``tshark -V`` prints it."""
        return show.tree_text(self._tree.children, self.raw, self.char_encoding == "ebcdic")

    @property
    def tree(self) -> PacketTree:
        return self._tree

    @property
    def data_sources(self) -> List[DataSource]:
        tree = self._tree
        if tree._sources is None:
            raise AttributeError(_UNAVAILABLE["data_sources"])
        return [DataSource(name, tree.data_source_bytes(i) or b"")
                for i, name in enumerate(tree.data_sources)]

    def _names(self) -> List[str]:
        return list(self._tree.by_abbrev)

    def _occurrences(self, name: str, strict: bool = True) -> list:
        return self._tree.find(name)

    def field_strings(self, name: str) -> List[str]:
        return [node.field_text for node in self._tree.find(name)]

    def get_all(self, name: str) -> List[Any]:
        return [node.value for node in self._tree.find(name)]

    def get(self, name: str, default: Any = None) -> Any:
        tree = self._tree
        i = tree.first_index(name)
        return tree.node(i).value if i >= 0 else default

    def __contains__(self, name: str) -> bool:
        return self._tree.first_index(name) >= 0

    @property
    def layers(self) -> List[Layer]:
        tree = self._tree
        layers = []
        for i in tree.top_indexes():
            n = tree.node(i)
            if n.ftype == _FT_PROTOCOL:
                name = n.abbrev
                if name not in _NOT_LAYERS and not name.startswith("_ws."):
                    layers.append(Layer(self, name, n))
        return layers

    def _layer(self, name: str) -> Optional[Layer]:
        # the top-level item of that protocol, found by its id
        tree = self._tree
        ids = _field_ids(name) if name not in _NOT_LAYERS else ()
        if ids:
            col = tree._hfid_column()
            for i in tree.top_indexes():
                if col[i] in ids:
                    return Layer(self, name, tree.node(i))
        return None
