"""Protocol trees copied out of libwireshark: :class:`ProtoTree` and
:class:`ProtoNode`, light views on one packet's flattened tree (the layout
of ``cdefs/shim/dissect.h``). :mod:`wirepy.lib.epan` re-exports them.
"""

from __future__ import annotations

from itertools import repeat
from typing import Any, Iterator, List, Optional, Sequence

from .epan_registry import Field, _register_known, field_by_id
from .ftypes import FieldType, to_python
from .wireshark import ffi, lib

__all__ = ["ProtoTree", "ProtoNode"]


# The batch layout is cdefs/shim/dissect.h's.
_PKT_INTS = lib.WIREPY_PKT_INTS
_NODE_INTS = lib.WIREPY_NODE_INTS
_HIDDEN = lib.WIREPY_NODE_HIDDEN
_GENERATED = lib.WIREPY_NODE_GENERATED
_HAS_RAW = lib.WIREPY_NODE_HAS_RAW
_TEXT_ONLY = lib.WIREPY_NODE_TEXT_ONLY
_PROTO_NODE = lib.WIREPY_NODE_PROTOCOL_NODE
_ERROR = lib.WIREPY_NODE_ERROR
# a node's ints (see dissect.h)
_N_DEPTH, _N_HFID, _N_FLAGS, _N_STR = (lib.WIREPY_N_DEPTH, lib.WIREPY_N_HFID,
                                       lib.WIREPY_N_FLAGS, lib.WIREPY_N_STR)
_N_FTYPE, _N_V1, _N_V2 = lib.WIREPY_N_FTYPE, lib.WIREPY_N_V1, lib.WIREPY_N_V2


def _node_int(k: int, doc: str) -> property:
    """A read-only property: the k-th of the node's ints in its tree."""
    def get(node: ProtoNode) -> int:
        return node.tree._ints[node.index * _NODE_INTS + k]
    return property(get, doc=doc)


class ProtoNode:
    """One item of a protocol tree, copied out of libwireshark.

    A light view on its :class:`ProtoTree`'s arrays: the attributes are
    read from there when asked for.

    :ivar abbrev: the field's filter name (``""`` for text-only items).
    :ivar label: the text Wireshark shows for the item.
    :ivar show: the value's display string (PDML's ``show``).
    :ivar offset, length: position in the item's own data source.
    :ivar depth: nesting level (0 for protocols at the top).
    """

    # label and show are plain attributes, not properties: reading every
    # node's label and show is the commonest full walk, and a property's
    # Python call per node cost more than the C side's rendering of it. A
    # tree making all its nodes at once sets them in C (see ProtoTree.nodes).
    __slots__ = ("tree", "index", "label", "show")

    def __init__(self, tree: ProtoTree, index: int, show: Optional[str] = None) -> None:
        self.tree = tree
        self.index = index
        si = tree._ints[index * _NODE_INTS + _N_STR]
        self.label = tree._strs[si]
        self.show = show if show is not None else tree._strs[si + 1]

    def _int(self, k: int) -> int:
        return self.tree._ints[self.index * _NODE_INTS + k]

    depth = _node_int(_N_DEPTH, "Nesting level (0 for protocols at the top).")
    hfid = _node_int(_N_HFID, "The field's registry id.")
    offset = _node_int(lib.WIREPY_N_START,
                       "Start of the item in its data source (``field_info.start``).")
    length = _node_int(lib.WIREPY_N_LENGTH, "Length of the item in its data source.")
    flags = _node_int(_N_FLAGS, "The shim's node flags (hidden, generated, ...).")
    ds_index = _node_int(lib.WIREPY_N_DS,
                         "Index of the data source in :attr:`ProtoTree.data_sources`.")
    ftype = _node_int(_N_FTYPE, "The ``ftenum`` of the value.")

    @property
    def _raw(self) -> Optional[str]:
        t = self.tree
        b = self.index * _NODE_INTS
        if t._ints[b + _N_FLAGS] & _HAS_RAW:
            return t._strs[t._ints[b + _N_STR] + 2]
        return None

    @property
    def field(self) -> Optional[Field]:
        """The :class:`Field` of this item (None for text-only items)."""
        if self.flags & _TEXT_ONLY:
            return None
        hfid = self.hfid
        _register_known(hfid)
        return field_by_id(hfid)

    @property
    def abbrev(self) -> str:
        """The field's filter name; ``""`` for text-only items."""
        t = self.tree
        b = self.index * _NODE_INTS
        if t._ints[b + _N_FLAGS] & _TEXT_ONLY:
            return ""
        hfid = t._ints[b + _N_HFID]
        a = _ABBREVS.get(hfid)
        return a if a is not None else t._abbrev(hfid)

    @property
    def name(self) -> str:
        """The field's full name; ``""`` for text-only items."""
        f = self.field
        return f.name if f is not None else ""

    @property
    def hidden(self) -> bool:
        """True for hidden items."""
        return bool(self.flags & _HIDDEN)

    @property
    def generated(self) -> bool:
        """True for generated items (``[...]`` in Wireshark)."""
        return bool(self.flags & _GENERATED)

    @property
    def is_protocol(self) -> bool:
        """True for protocol items (PDML ``<proto>``)."""
        return bool(self.flags & _PROTO_NODE)

    @property
    def error(self) -> bool:
        """True if Wireshark threw while rendering this item (a dissector
        bug, or a value it cannot format): :attr:`label` then says what was
        thrown, :attr:`show` is empty and :attr:`value` is None. The items
        around it are complete; tshark would have stopped there."""
        return bool(self.flags & _ERROR)

    @property
    def type_(self) -> FieldType:
        """The field type of the value."""
        return FieldType(self.ftype)

    @property
    def value(self) -> Any:
        """The value as a Python object (see :mod:`wirepy.lib.ftypes`): None
        for text-only items and items whose rendering threw."""
        b = self.index * _NODE_INTS
        ints = self.tree._ints
        if ints[b + _N_FLAGS] & (_TEXT_ONLY | _ERROR):
            return None
        return to_python(ints[b + _N_FTYPE], ints[b + _N_V1], ints[b + _N_V2], self._raw,
                         self.show, self._shown())

    def _shown(self) -> str:
        """The text that is the value of types valued by their text (MACs,
        OIDs, protocols: see :func:`wirepy.lib.ftypes.value_class`)."""
        return self.show

    @property
    def data_source(self) -> Optional[str]:
        """Name of the data source (``Frame (74 bytes)``, ``Reassembled TCP ...``)."""
        ds = self.tree.data_sources
        i = self.ds_index
        return ds[i] if 0 <= i < len(ds) else None

    @property
    def children(self) -> List[ProtoNode]:
        """The items directly under this one."""
        return self.tree._links()[1][self.index]

    @property
    def parent(self) -> Optional[ProtoNode]:
        """The item this one is under (None at the top)."""
        p = self.tree._links()[0][self.index]
        return None if p < 0 else self.tree.nodes[p]

    def __iter__(self) -> Iterator[ProtoNode]:
        """Depth-first (preorder) over this node's descendants."""
        nodes = self.tree.nodes
        ints = self.tree._ints
        depth = ints[self.index * _NODE_INTS + _N_DEPTH]
        for i in range(self.index + 1, len(nodes)):
            if ints[i * _NODE_INTS + _N_DEPTH] <= depth:
                break
            yield nodes[i]

    def __repr__(self) -> str:
        return f"<ProtoNode {self.abbrev or '(text)'}: {self.label!r}>"


_ABBREVS: dict = {}
_ITEM_ABBREVS: dict = {}   # as _ABBREVS, with "" for text-only items


class ProtoTree:
    """A protocol tree: an owning copy of one packet's tree.

    ``children`` are the top-level items (protocols); iterating yields
    every node depth-first, preorder, children in order. The nodes are
    views made when first asked for.
    """

    _abbrevs = _ABBREVS

    #: The node class; a subclass may add to what each node keeps.
    node_class: type = None  # set below, once ProtoNode exists

    def __init__(self, ints: Sequence[int], strs: List[str], n_nodes: int,
                 data_sources: List[str]) -> None:
        self.data_sources = data_sources
        self._ints = ints
        self._strs = strs
        self._n = n_nodes
        self._nodes: Optional[List[ProtoNode]] = None
        self._parents: Optional[tuple] = None

    @property
    def nodes(self) -> List[ProtoNode]:
        """Every node, in preorder."""
        nodes = self._nodes
        if nodes is None:
            n = self._n
            nodes = _nodes_made_in_c(self, n)
            if nodes is None:
                nodes = list(map(self.node_class, repeat(self, n), range(n)))
            self._nodes = nodes
        return nodes

    def _forget_nodes(self) -> None:
        """Drop the node objects this tree caches. They refer to the tree, so
        the tree and its nodes form a cycle that only the cyclic collector
        would free; an owner going away breaks it (nodes still held elsewhere
        stay valid and make their relatives anew)."""
        self._nodes = None
        self._parents = None

    def _links(self) -> tuple:
        """(parent index per node, children list per node, roots)."""
        if self._parents is None:
            nodes = self.nodes
            ints = self._ints
            parents = [-1] * self._n
            children: List[List[ProtoNode]] = [[] for _ in range(self._n)]
            roots: List[ProtoNode] = []
            stack: List[int] = []
            for i in range(self._n):
                depth = ints[i * _NODE_INTS + _N_DEPTH]
                del stack[depth:]
                if stack:
                    parents[i] = stack[-1]
                    children[stack[-1]].append(nodes[i])
                else:
                    roots.append(nodes[i])
                stack.append(i)
            self._parents = (parents, children, roots)
        return self._parents

    @property
    def children(self) -> List[ProtoNode]:
        """The top-level items."""
        return self._links()[2]

    def _abbrev(self, hfid: int) -> str:
        a = _ABBREVS.get(hfid)
        if a is None:
            _register_known(hfid)
            a = _ABBREVS[hfid] = field_by_id(hfid).abbrev
        return a

    def __iter__(self) -> Iterator[ProtoNode]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return self._n

    def _column(self, k: int) -> List[int]:
        """The k-th int of every node, as a list."""
        col = self._ints[k:self._n * _NODE_INTS:_NODE_INTS]
        return col.tolist() if isinstance(col, memoryview) else list(col)

    def iter_items(self) -> Iterator[tuple]:
        """``(depth, abbrev, label, show)`` of every node in preorder,
        without making node objects (the fastest full walk)."""
        hfids = self._column(_N_HFID)
        names = _ITEM_ABBREVS
        missing = set(hfids).difference(names)
        for h in missing:
            names[h] = "" if h == lib.hf_text_only else self._abbrev(h)
        abbrevs = list(map(names.__getitem__, hfids))
        sis = self._column(_N_STR)
        item = self._strs.__getitem__
        labels = list(map(item, sis))
        shows = list(map(item, map((1).__add__, sis)))
        return zip(self._column(_N_DEPTH), abbrevs, labels, shows)

    def find(self, abbrev: str) -> List[ProtoNode]:
        """Every node of field *abbrev*, in tree order."""
        return [n for n in self.nodes if n.abbrev == abbrev]


ProtoTree.node_class = ProtoNode

_NODE_SLOTS = ("tree", "index", "label", "show")

#: per node class: its (tree, index, show) slot offsets, or () when its
#: nodes must be made by calling it
_SLOT_OFFSETS: dict = {}


def _slot_offsets(cls: type) -> tuple:
    """The offsets of ProtoNode's slots (tree, index, label, show) in
    *cls*'s objects, if ProtoNode's ``__init__`` and slots are what *cls*
    has (a subclass that only adds properties and methods, as
    :class:`wirepy.packet.TreeNode`), and no ``__dict__`` (which Python
    sets up beside the allocation); else ()."""
    if (not issubclass(cls, ProtoNode) or cls.__init__ is not ProtoNode.__init__
            or cls.__dictoffset__ != 0):
        return ()
    for name in _NODE_SLOTS:
        owner = next(k for k in cls.__mro__ if name in k.__dict__)
        if owner is not ProtoNode:      # a subclass redefines it
            return ()
    offsets = tuple(lib.wirepy_slot_offset(ffi.cast("void *", id(ProtoNode.__dict__[name])))
                    for name in _NODE_SLOTS)
    return offsets if min(offsets) > 0 else ()


def _nodes_made_in_c(tree: ProtoTree, n: int) -> Optional[List[ProtoNode]]:
    """*tree*'s n nodes, made in C as ProtoNode(tree, i) would make
    them (see cdefs/shim/py_nodes.h); None when they must be made in Python
    (another node class, or a tree whose arrays are not the batch's)."""
    cls = tree.node_class
    offsets = _SLOT_OFFSETS.get(cls)
    if offsets is None:
        offsets = _SLOT_OFFSETS[cls] = _slot_offsets(cls)
    ints, strs = tree._ints, tree._strs
    if (not offsets or type(strs) is not list or type(ints) is not memoryview
            or ints.format != "q" or not ints.c_contiguous or len(ints) < n * _NODE_INTS):
        return None
    nodes = [None] * n
    rc = lib.wirepy_nodes_fill(ffi.cast("void *", id(nodes)), ffi.cast("void *", id(cls)),
                               ffi.cast("void *", id(tree)), ffi.cast("void *", id(strs)),
                               ffi.from_buffer("gint64[]", ints), n, _NODE_INTS, _N_STR,
                               *offsets)
    if rc == -1:
        raise MemoryError("making a protocol tree's nodes")
    return nodes if rc == 0 else None


