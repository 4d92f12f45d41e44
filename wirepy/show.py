"""Packets as text, the way tshark shows them: the summary line of
``tshark`` (:func:`summary_line`), the details of ``tshark -V``
(:func:`tree_lines`, :func:`tree_text`, :func:`print_tree`) and the hex
dump (:func:`hexdump`) of each data source, as ``tshark -x``
(:func:`data_source_lines`). ``print(pkt)``, ``print(pkt.tree)``,
``print(pkt.ip)`` and the ``wirepy`` command all use these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator, List, TextIO, Tuple

if TYPE_CHECKING:  # pragma: no cover
    from .packet import Packet
    from .packet_tree import TreeNode

__all__ = ["summary_line", "hexdump", "visible", "tree_lines", "tree_text", "print_tree",
           "data_source_lines"]

# tshark pads these columns (right-aligned unless noted) to a minimum width.
_WIDTH = {"NUMBER": 5, "CLS_TIME": 10, "REL_TIME": 10, "ABS_TIME": 10, "ABS_YMD_TIME": 10,
          "ABS_YDOY_TIME": 10, "UTC_TIME": 10, "UTC_YMD_TIME": 10, "UTC_YDOY_TIME": 10}
_SRC = {"DEF_SRC", "RES_SRC", "UNRES_SRC", "DEF_DL_SRC", "RES_DL_SRC", "UNRES_DL_SRC",
        "DEF_NET_SRC", "RES_NET_SRC", "UNRES_NET_SRC"}
_DST = {"DEF_DST", "RES_DST", "UNRES_DST", "DEF_DL_DST", "RES_DL_DST", "UNRES_DL_DST",
        "DEF_NET_DST", "RES_NET_DST", "UNRES_NET_DST"}
_PAIRS = [({"DEF_SRC", "RES_SRC", "UNRES_SRC"}, {"DEF_DST", "RES_DST", "UNRES_DST"}),
          ({"DEF_DL_SRC", "RES_DL_SRC", "UNRES_DL_SRC"},
           {"DEF_DL_DST", "RES_DL_DST", "UNRES_DL_DST"}),
          ({"DEF_NET_SRC", "RES_NET_SRC", "UNRES_NET_SRC"},
           {"DEF_NET_DST", "RES_NET_DST", "UNRES_NET_DST"})]


def summary_line(kinds: List[str], texts: List[str]) -> str:
    """A packet's columns laid out as tshark's default output does."""
    out = []
    last = len(texts) - 1
    for i, (kind, text) in enumerate(zip(kinds, texts)):
        if kind in _WIDTH:
            out.append(text.rjust(_WIDTH[kind]))
        elif kind in _SRC:
            out.append(text.rjust(12))
        elif kind in _DST:
            out.append(text.ljust(12))
        else:
            out.append(text)
        if i != last:
            arrow = any(kind in src and kinds[i + 1] in dst for src, dst in _PAIRS)
            out.append(" \u2192 " if arrow else " ")
    return "".join(out)


_EBCDIC: List[str] = []


def _ebcdic_table() -> List[str]:
    """What Wireshark's hex dump shows for each byte of an EBCDIC frame."""
    if not _EBCDIC:
        from .lib.wireshark import lib
        for b in range(256):
            c = lib.EBCDIC_to_ASCII1(b)
            _EBCDIC.append(chr(c) if 32 <= c < 127 else ".")
    return _EBCDIC


def hexdump(data: bytes, ebcdic: bool = False) -> List[str]:
    """Lines of Wireshark's hex dump: offset, 16 bytes in hex, their
    characters (translated from EBCDIC where the frame is marked so)."""
    table = _ebcdic_table() if ebcdic else None
    digits = 4
    while digits < 8 and (len(data) - 1) >> (4 * digits):
        digits += 1
    lines = []
    for off in range(0, len(data), 16):
        chunk = data[off:off + 16]
        hexes = "".join(f"{b:02x} " for b in chunk).ljust(48)
        if table is not None:
            text = "".join(table[b] for b in chunk)
        else:
            text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{off:0{digits}x}  {hexes}  {text}")
    return lines


def _data_bytes(node: TreeNode, raw: bytes) -> bytes:
    for child in node.children:
        if child.abbrev == "data.data" and isinstance(child.value, bytes):
            return child.value
    if node.ds_index == 0:
        return raw[node.offset:node.offset + node.length]
    return b""


def visible(nodes: Iterable[TreeNode], level: int = 0) -> Iterator[Tuple[int, TreeNode]]:
    """``(level, node)`` of the items Wireshark shows (``tshark -V``, the
    packet details pane), in order: hidden items and what is under them are
    left out."""
    for node in nodes:
        if node.hidden:
            continue
        yield level, node
        yield from visible(node.children, level + 1)


def tree_lines(nodes: Iterable[TreeNode], raw: bytes = b"",
               ebcdic: bool = False, data_hex: bool = True) -> Iterator[str]:
    """The lines ``tshark -V`` prints for the items *nodes* (a packet's
    ``tree.children`` for the whole packet): visible items, generated ones
    in brackets, four spaces per level, undissected data followed by its hex
    dump (from *raw*, the frame's bytes, in EBCDIC where the frame is
    marked so) unless *data_hex* is false (``tshark -V -x``, which dumps
    every data source after the tree instead)."""
    for level, node in visible(nodes):
        label = f"[{node.label}]" if node.generated else node.label
        yield "    " * level + label
        if data_hex and node.abbrev == "data" and node.is_protocol is False:
            yield ""
            yield from hexdump(_data_bytes(node, raw), ebcdic)


def tree_text(nodes: Iterable[TreeNode], raw: bytes = b"", ebcdic: bool = False) -> str:
    """:func:`tree_lines` as one text (lines joined, no newline after the last)."""
    return "\n".join(tree_lines(nodes, raw, ebcdic))


def data_source_lines(pkt: Packet) -> Iterator[str]:
    """The hex dump ``tshark -x`` prints for a packet: each data source's
    bytes, under its name when the packet has more than one (until the
    first empty source, as tshark stops there)."""
    sources = pkt.data_sources
    ebcdic = pkt.char_encoding == "ebcdic"
    for source in sources:
        if len(sources) > 1:
            yield f"{source.name}:"
        if not source.data:
            return
        yield from hexdump(source.data, ebcdic)


def print_tree(pkt: Packet, out: TextIO, data_hex: bool = True) -> None:
    """The packet's tree as ``tshark -V`` prints it, then an empty line
    (*data_hex*: as :func:`tree_lines`)."""
    for line in tree_lines(pkt.tree.children, pkt.raw, pkt.char_encoding == "ebcdic",
                           data_hex):
        out.write(line + "\n")
    out.write("\n")
