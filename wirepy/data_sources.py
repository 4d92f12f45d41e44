"""A packet's data sources: the frame's bytes and every buffer dissectors
made from them -- reassembled (``Reassembled TCP``), decompressed,
decrypted (``Decrypted TLS``), de-chunked -- each with the name Wireshark
gives it (``tshark -x`` prints each under that name).

A tree packet carries them (:attr:`wirepy.Packet.data_sources`); the bytes
are copied in the packet's one C call with its tree, the frame's own bytes
only once. Field extraction (``fields=[...]``) copies none of them unless
the capture asks (``data_sources=True``).
"""

from __future__ import annotations

from typing import List, NamedTuple, Optional, Sequence, Tuple

__all__ = ["DataSource", "short_name", "SourceBytes", "without_tree"]


class DataSource(NamedTuple):
    """One data source of a packet."""

    #: Wireshark's name with the length, as trees and ``tshark -x`` show it
    #: (``"Reassembled TCP (1234 bytes)"``).
    name: str
    #: the captured bytes of the buffer
    data: bytes

    @property
    def title(self) -> str:
        """The name without the length (``"Reassembled TCP"``)."""
        return short_name(self.name)


def short_name(name: str) -> str:
    """A data source name without its ``" (N bytes)"`` tail."""
    head, sep, tail = name.rpartition(" (")
    if sep and tail.endswith(")") and tail.split(" ", 1)[0].isdigit():
        return head
    return name


class SourceBytes:
    """Where a tree's data sources are in its batch's raw buffer: one
    ``(offset, length)`` per source (the C layout of ``WIREPY_SOURCES``);
    an offset of ``WIREPY_DS_FRAME`` is the frame's own bytes."""

    __slots__ = ("raw", "spans", "frame")

    def __init__(self, raw: bytes, spans: Sequence[int], frame: Tuple[int, int],
                 frame_marker: int) -> None:
        self.raw = raw
        self.frame = frame
        self.spans: List[Tuple[int, int]] = []
        for k in range(0, len(spans), 2):
            off, length = spans[k], spans[k + 1]
            self.spans.append(frame if off == frame_marker else (off, length))

    def get(self, i: int) -> Optional[bytes]:
        """The bytes of data source *i*, or None if there is none."""
        if not 0 <= i < len(self.spans):
            return None
        off, length = self.spans[i]
        if off < 0:
            return b""
        return self.raw[off:off + length]

    def __len__(self) -> int:
        return len(self.spans)


def without_tree(batch, tail: int, frame_marker: int) -> Optional[List[DataSource]]:
    """The data sources of a packet read without its tree, from its
    directory at *tail* in *batch* (``WIREPY_D_SOURCES_AT``); None when
    the capture did not ask for them."""
    from .lib.wireshark import lib

    ints = batch.ints
    at = ints[tail + lib.WIREPY_D_SOURCES_AT]
    if at < 0:
        return None
    n, pos = ints[at], ints[at + 1]
    frame = (ints[tail + lib.WIREPY_D_RAW_AT], ints[tail + lib.WIREPY_D_RAW_LEN])
    spans = SourceBytes(batch.raw, ints[at + 2:at + 2 + 2 * n], frame, frame_marker)
    sources = []
    for i in range(n):
        name, pos = batch.string(pos)
        sources.append(DataSource(name, spans.get(i) or b""))
    return sources
