"""A packet's protocol tree in the Pythonic API: :class:`PacketTree` and
its items, :class:`TreeNode` (the epan layer's tree with the field text
tshark prints, lookups by field name and the printing of ``tshark -V``).
:mod:`wirepy.packet` re-exports them.
"""

from __future__ import annotations

import bisect
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from . import show
from .data_sources import SourceBytes
from .lib import epan
from .lib.wireshark import lib


class TreeNode(epan.ProtoNode):
    """An item of a packet's protocol tree (see :class:`wirepy.lib.epan.ProtoNode`),
    with :attr:`field_text`: the value as ``tshark -T fields`` prints it."""

    __slots__ = ()

    @property
    def field_text(self) -> str:
        """The value as ``tshark -T fields -e ABBREV`` prints this occurrence."""
        t = self.tree
        b = self.index * lib.WIREPY_NODE_INTS
        flags = t._ints[b + lib.WIREPY_N_FLAGS]
        si = t._ints[b + lib.WIREPY_N_STR]
        if flags & lib.WIREPY_NODE_HAS_TEXT:
            return t._strs[si + (3 if flags & lib.WIREPY_NODE_HAS_RAW else 2)]
        return t._strs[si + 1]

    def _shown(self) -> str:
        # as field extraction has it: the -T fields text
        return self.field_text

    @property
    def data_source_bytes(self) -> bytes:
        """The bytes of the item's data source (:attr:`data_source` names
        it): the frame, or the reassembled, decompressed or decrypted
        buffer the item was dissected from; ``b""`` for items of none."""
        data = self.tree.data_source_bytes(self.ds_index)
        return data if data is not None else b""

    @property
    def bytes(self) -> bytes:
        """The item's own bytes: :attr:`length` bytes at :attr:`offset` of
        its data source (``b""`` for items that cover none)."""
        start, length = self.offset, self.length
        if length <= 0 or start < 0:
            return b""
        return self.data_source_bytes[start:start + length]

    def __getitem__(self, abbrev: str) -> TreeNode:
        """The first descendant of field *abbrev*."""
        for node in self:
            if node.abbrev == abbrev:
                return node
        raise KeyError(abbrev)

    def __str__(self) -> str:
        """The item and what is under it, as ``tshark -V`` prints them."""
        return show.tree_text([self])

    def __repr__(self) -> str:
        return f"<TreeNode {self.abbrev or '(text)'}: {self.label!r}>"


_FIELD_IDS: Dict[str, tuple] = {}


def _field_ids(name: str) -> tuple:
    """The registry ids that carry field name *name* (a name can be
    registered more than once); () for names Wireshark does not know."""
    ids = _FIELD_IDS.get(name)
    if ids is None:
        try:
            ids = tuple(f.id_ for f in epan.Field(name).same_name_chain)
        except (epan.InvalidFieldError, KeyError, ValueError):
            ids = ()
        _FIELD_IDS[name] = ids
    return ids


class PacketTree(epan.ProtoTree):
    """A packet's protocol tree of :class:`TreeNode` s; nodes are made when
    first asked for, the index by field name when first needed. Looking up
    one field (:meth:`first_index`, what ``pkt["ip.src"]`` and ``pkt.ip.src``
    do) searches the tree's column of field ids at C speed instead."""

    node_class = TreeNode

    def __init__(self, ints, strs, n_nodes, data_sources) -> None:
        super().__init__(ints, strs, n_nodes, data_sources)
        self._by_abbrev: Optional[Dict[str, List[int]]] = None
        self._hfids: Optional[List[int]] = None
        self._tops: Optional[List[int]] = None
        self._packet: Optional[Callable[[], Any]] = None   # a weak reference
        #: where the data sources' bytes are (set by the engine)
        self._sources: Optional[SourceBytes] = None

    def data_source_bytes(self, i: int) -> Optional[bytes]:
        """The bytes of data source *i* (:attr:`data_sources` names them),
        or None when the tree has no such source or was read without them."""
        sources = self._sources
        return sources.get(i) if sources is not None else None

    def visible(self) -> Iterator[Tuple[int, TreeNode]]:
        """``(level, node)`` of the items Wireshark shows, in order (hidden
        items and what is under them left out): what ``tshark -V`` prints."""
        return show.visible(self.children)

    def __str__(self) -> str:
        """The tree as ``tshark -V`` prints it."""
        pkt = self._packet() if self._packet is not None else None
        if pkt is None:
            return show.tree_text(self.children)
        return show.tree_text(self.children, pkt.raw, pkt.char_encoding == "ebcdic")

    def __repr__(self) -> str:
        shown = sum(1 for _ in self.visible())
        return f"<PacketTree: {shown} items shown, {len(self)} in all>"

    def node(self, i: int) -> TreeNode:
        """The node at preorder index *i*."""
        nodes = self._nodes
        return nodes[i] if nodes is not None else TreeNode(self, i)

    def _hfid_column(self) -> List[int]:
        col = self._hfids
        if col is None:
            col = self._hfids = self._column(lib.WIREPY_N_HFID)
        return col

    def top_indexes(self) -> List[int]:
        """The preorder indexes of the top-level items (the protocols)."""
        tops = self._tops
        if tops is None:
            depths = self._column(lib.WIREPY_N_DEPTH)
            tops = self._tops = [i for i, d in enumerate(depths) if d == 0]
        return tops

    def subtree_end(self, i: int) -> int:
        """One past the last descendant of the node at index *i*."""
        ints, n = self._ints, self._n
        depth = ints[i * lib.WIREPY_NODE_INTS + lib.WIREPY_N_DEPTH]
        if depth == 0:
            # a protocol: its items end where the next protocol starts
            tops = self.top_indexes()
            k = bisect.bisect_right(tops, i)
            return tops[k] if k < len(tops) else n
        j = i + 1
        while j < n and ints[j * lib.WIREPY_NODE_INTS + lib.WIREPY_N_DEPTH] > depth:
            j += 1
        return j

    def first_index(self, abbrev: str, start: int = 0, end: Optional[int] = None) -> int:
        """Index of the first node of field *abbrev* in ``[start, end)``, or -1."""
        col = self._hfid_column()
        stop = self._n if end is None else end
        best = -1
        for fid in _field_ids(abbrev):
            try:
                i = col.index(fid, start, stop)
            except ValueError:
                continue
            if best < 0 or i < best:
                best = i
                stop = i
        return best

    def indexes(self, abbrev: str, start: int = 0, end: Optional[int] = None) -> List[int]:
        """Indexes of every node of field *abbrev* in ``[start, end)``, in order."""
        col = self._hfid_column()
        stop = self._n if end is None else end
        found: List[int] = []
        for fid in _field_ids(abbrev):
            i = start
            while True:
                try:
                    i = col.index(fid, i, stop)
                except ValueError:
                    break
                found.append(i)
                i += 1
        found.sort()
        return found

    @property
    def by_abbrev(self) -> Dict[str, List[TreeNode]]:
        """Field name -> its nodes, in tree order (text items left out)."""
        index = self._by_abbrev
        if index is None:
            index = {}
            hfids = self._column(lib.WIREPY_N_HFID)
            nodes = self.nodes
            abbrev = self._abbrev
            names: Dict[int, str] = {}
            text_only = lib.hf_text_only
            for i, hfid in enumerate(hfids):
                if hfid == text_only:
                    continue
                name = names.get(hfid)
                if name is None:
                    name = names[hfid] = abbrev(hfid)
                index.setdefault(name, []).append(nodes[i])
            self._by_abbrev = index
        return index

    def find(self, abbrev: str) -> List[TreeNode]:
        """Every node of field *abbrev*, in tree order."""
        return [self.node(i) for i in self.indexes(abbrev)]

    def _forget_nodes(self) -> None:
        super()._forget_nodes()
        self._by_abbrev = None


