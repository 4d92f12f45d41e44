"""Packets and captures as HTML, for Jupyter (``_repr_html_``): a packet as
Wireshark's packet details and bytes panes show it -- its tree, each item
collapsible (``<details>``/``<summary>``, no JavaScript), beside the hex
dump of each data source -- and a capture as a table of its first packets'
summary columns, as ``tshark`` prints its one-line summaries.

Every text a capture holds is escaped; the markup is self-contained (its
own scoped style), so it renders the same in a notebook, a web page or a
file opened in a browser.
"""

from __future__ import annotations

import itertools
from html import escape
from typing import TYPE_CHECKING, Iterable, List, Optional

from .show import hexdump

if TYPE_CHECKING:  # pragma: no cover
    from .capture import FileCapture
    from .packet import Packet
    from .packet_tree import TreeNode

__all__ = ["packet_html", "capture_html", "STYLE"]

#: The style every fragment carries (scoped by the ``wirepy-`` classes).
STYLE = """<style>
.wirepy-packet, .wirepy-capture {font-family: ui-monospace, SFMono-Regular, Menlo, Consolas,
  monospace; font-size: 12px; line-height: 1.35; color: #1f2328;}
.wirepy-packet .wirepy-title {font-weight: bold; margin: 2px 0 4px 0;}
.wirepy-packet .wirepy-panes {display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start;}
.wirepy-packet .wirepy-tree {flex: 1 1 420px; min-width: 300px; border: 1px solid #d0d7de;
  padding: 4px 6px; overflow-x: auto;}
.wirepy-packet .wirepy-bytes {flex: 0 1 auto; border: 1px solid #d0d7de; padding: 4px 6px;
  overflow-x: auto;}
.wirepy-packet details > details, .wirepy-packet details > .wirepy-leaf {margin-left: 1.3em;}
.wirepy-packet summary {cursor: pointer; white-space: pre;}
.wirepy-packet .wirepy-leaf {white-space: pre; padding-left: 1.1em;}
.wirepy-packet .wirepy-generated {color: #57606a;}
.wirepy-packet .wirepy-error {color: #cf222e;}
.wirepy-packet .wirepy-source {font-weight: bold; margin-top: 4px;}
.wirepy-packet pre {margin: 2px 0 6px 0; font-size: 12px;}
.wirepy-capture table {border-collapse: collapse;}
.wirepy-capture th, .wirepy-capture td {border: 1px solid #d0d7de; padding: 1px 6px;
  text-align: left; white-space: pre;}
.wirepy-capture th {background: #f6f8fa;}
.wirepy-capture .wirepy-note {color: #57606a; margin-top: 4px;}
</style>"""


def _label(node: TreeNode) -> str:
    text = f"[{node.label}]" if node.generated else node.label
    return escape(text)


def _attrs(node: TreeNode) -> str:
    """The item's classes and its field name as a tooltip (what Wireshark's
    status bar shows for the selected item)."""
    classes = []
    if node.generated:
        classes.append("wirepy-generated")
    if node.error:
        classes.append("wirepy-error")
    attrs = f' class="{" ".join(classes)}"' if classes else ""
    if node.abbrev:
        attrs += f' title="{escape(node.abbrev)}"'
    return attrs


def _tree(nodes: Iterable[TreeNode], out: List[str], level: int, open_levels: int) -> None:
    for node in nodes:
        if node.hidden:
            continue
        children = [c for c in node.children if not c.hidden]
        if children:
            opened = " open" if level < open_levels else ""
            out.append(f"<details{opened}><summary{_attrs(node)}>{_label(node)}</summary>")
            _tree(children, out, level + 1, open_levels)
            out.append("</details>")
        else:
            cls = "wirepy-leaf"
            attrs = _attrs(node)
            if attrs.startswith(' class="'):
                attrs = f' class="{cls} {attrs[8:]}'
            else:
                attrs = f' class="{cls}"{attrs}'
            out.append(f"<div{attrs}>{_label(node)}</div>")


def _hex(data: bytes, ebcdic: bool, max_bytes: int) -> str:
    lines = hexdump(data[:max_bytes], ebcdic)
    if len(data) > max_bytes:
        lines.append(f"... {len(data) - max_bytes} more bytes")
    return escape("\n".join(lines))


def packet_html(pkt: Packet, open_levels: int = 0, max_bytes: int = 65536) -> str:
    """The packet as HTML: its tree (the items Wireshark shows, the first
    *open_levels* levels expanded) beside the hex dump of each data source
    (at most *max_bytes* bytes of each). A packet read with ``fields``
    shows its extracted fields and the frame's bytes instead."""
    ebcdic = pkt.char_encoding == "ebcdic"
    out = [STYLE, '<div class="wirepy-packet">']
    out.append(f'<div class="wirepy-title">{escape(repr(pkt))}</div>')
    out.append('<div class="wirepy-panes"><div class="wirepy-tree">')
    try:
        tree = pkt.tree
    except AttributeError:
        tree = None
    if tree is not None:
        _tree(tree.children, out, 0, open_levels)
    else:
        for name in pkt._index.requested:
            texts = pkt.field_strings(name)
            if texts:
                out.append(f'<div class="wirepy-leaf" title="{escape(name)}">'
                           f"{escape(name)}: {escape(', '.join(texts))}</div>")
    out.append('</div><div class="wirepy-bytes">')
    try:
        sources = [(s.name, s.data) for s in pkt.data_sources]
    except AttributeError:
        sources = [(f"Frame ({len(pkt.raw)} bytes)", pkt.raw)]
    for name, data in sources:
        out.append(f'<div class="wirepy-source">{escape(name)}</div>')
        out.append(f"<pre>{_hex(data, ebcdic, max_bytes)}</pre>")
    out.append("</div></div></div>")
    return "".join(out)


def capture_html(capture: FileCapture, limit: int = 20) -> str:
    """The capture's first *limit* packets (those its display filter
    passes) as a table of their summary columns, as ``tshark`` prints them.
    Reads the start of the file: the capture must not be being read."""
    from .capture import FileCapture
    from .errors import WirepyError

    settings = capture.settings
    out = [STYLE, '<div class="wirepy-capture">']
    out.append(f"<div><b>{escape(capture.path)}</b>"
               + (f" &mdash; display filter <code>{escape(settings.display_filter)}</code>"
                  if settings.display_filter else "") + "</div>")
    if capture.path == "-":
        # reading it here would take the standard input from the capture
        out.append('<div class="wirepy-note">read from the standard input: '
                   'not read ahead for a summary</div></div>')
        return "".join(out)
    rows: List[List[str]] = []
    titles: Optional[List[str]] = None
    try:
        summaries = FileCapture(capture.path, display_filter=settings.display_filter,
                                fields=[], columns=True, prefs=settings.prefs,
                                decode_as=settings.decode_as, uat=settings.uat,
                                resolve_names=settings.resolve_names)._summaries()
        try:
            for pkt in itertools.islice(summaries, limit + 1):
                cols = pkt.columns
                titles = titles or cols.titles
                rows.append(cols.texts)
        finally:
            summaries.close()
    except WirepyError as exc:
        out.append(f'<div class="wirepy-note">{escape(str(exc))}</div></div>')
        return "".join(out)
    more = len(rows) > limit
    rows = rows[:limit]
    out.append("<table><thead><tr>")
    out.extend(f"<th>{escape(t)}</th>" for t in titles or [])
    out.append("</tr></thead><tbody>")
    for texts in rows:
        out.append("<tr>" + "".join(f"<td>{escape(t)}</td>" for t in texts) + "</tr>")
    out.append("</tbody></table>")
    if more:
        out.append(f'<div class="wirepy-note">the first {limit} packets shown</div>')
    elif not rows:
        out.append('<div class="wirepy-note">no packets</div>')
    out.append("</div>")
    return "".join(out)
