"""``wirepy read``: one summary line per packet, or the full tree (``-V``)."""

from __future__ import annotations

import argparse
import sys
from typing import List, TextIO

from ..capture import FileCapture
from ..packet import Packet, TreeNode

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
        from ..lib.wireshark import lib
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


def _data_bytes(pkt: Packet, node: TreeNode) -> bytes:
    for child in node.children:
        if child.abbrev == "data.data" and isinstance(child.value, bytes):
            return child.value
    if node.ds_index == 0:
        return pkt.raw[node.offset:node.offset + node.length]
    return b""


def print_tree(pkt: Packet, out: TextIO) -> None:
    """The packet's tree as ``tshark -V`` prints it (hidden items left out,
    generated ones in brackets, four spaces per level, undissected data
    followed by its hex dump), then an empty line."""

    def walk(nodes: List[TreeNode], level: int) -> None:
        for node in nodes:
            if node.hidden:
                continue
            label = f"[{node.label}]" if node.generated else node.label
            out.write("    " * level + label + "\n")
            if node.abbrev == "data" and node.is_protocol is False:
                out.write("\n")
                for line in hexdump(_data_bytes(pkt, node), pkt.char_encoding == "ebcdic"):
                    out.write(line + "\n")
            walk(node.children, level + 1)

    walk(pkt.tree.children, 0)
    out.write("\n")


def run(args: argparse.Namespace) -> int:
    out = sys.stdout
    cap = FileCapture(args.file, display_filter=args.display_filter, two_pass=args.two_pass,
                      columns=True, fields=None if args.verbose else [])
    kinds = None
    count = 0
    for pkt in (cap if args.verbose else cap._summaries()):
        if args.verbose:
            print_tree(pkt, out)
        else:
            cols = pkt.columns
            if kinds is None:
                kinds = cols.kinds
            out.write(summary_line(kinds, cols.texts) + "\n")
        count += 1
        if args.count and count >= args.count:
            break
    return 0
