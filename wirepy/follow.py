"""Following a stream: the bytes a TCP, UDP, TLS, HTTP, HTTP/2 or QUIC
stream carried, each direction's and the chunks in order, as Wireshark's
"Follow Stream" and ``tshark -z follow,PROTO,raw,N`` show them.

A :class:`Stream` is a tap listener on Wireshark's follow machinery
(``epan/follow.h``): the protocol's own follower picks the stream's packets
by a display filter (``tcp.stream eq 0``) and collects its payload in C
during the read -- in order, reassembled as the protocol reassembles it,
decrypted when the read has the keys (TLS with a key log, QUIC with its
secrets). Python copies the chunks out after the read::

    import wirepy, wirepy.follow

    tcp0 = wirepy.follow.Stream("tcp", 0)
    h2 = wirepy.follow.Stream("http2", 0, 1)      # HTTP/2: stream 0, sub-stream 1
    for pkt in wirepy.FileCapture("capture.pcap", taps=[tcp0, h2]):
        ...                                       # the packets, as ever
    tcp0.client_bytes                             # what node 0 sent, joined
    [(c.packet, c.from_server, len(c.data)) for c in tcp0.chunks]

or in one call, :func:`stream`, which also checks that the stream exists
(and finds it by a display filter if asked)::

    wirepy.follow.stream("capture.pcap", "tcp", 0).server_bytes
    wirepy.follow.stream("capture.pcap", "http", match='http.request.uri == "/a.png"')

:meth:`Stream.text` prints it as ``tshark -q -z follow,PROTO,MODE,N`` does
(``raw``, ``ascii``, ``hex``, ``yaml``); :func:`from_spec` reads tshark's
spec, as ``wirepy stats FILE -z follow,...`` does.
"""

from __future__ import annotations

import base64
import os
from typing import Any, List, NamedTuple, Optional, Tuple, Union

from .errors import WirepyError
from .lib import taps as _taps
from .lib.epan_session import _guard, init_dissection
from .lib.taps import CListener, TapListener
from .lib.wireshark import ffi, lib

__all__ = ["FollowError", "UnknownFollowProtocolError", "FollowSpecError", "StreamNotFoundError",
           "Chunk", "Node", "Stream", "stream", "stream_of", "from_spec", "protocols", "MODES",
           "STREAM_FIELDS"]

#: The output modes of :meth:`Stream.text` (tshark's ``-z follow`` modes).
MODES = ("raw", "ascii", "hex", "yaml")
#: The protocols whose streams have sub-streams (a second number).
SUB_STREAM_PROTOCOLS = ("http2", "quic")
_SEPARATOR = "=" * 67 + "\n"


class FollowError(WirepyError):
    """Base class of the follow streams' errors."""


class UnknownFollowProtocolError(FollowError, ValueError):
    """No follower for that protocol (the message lists the ones there are)."""


class FollowSpecError(FollowError, ValueError):
    """A stream's arguments are wrong: a negative index, a missing or
    unexpected sub-stream, a bad ``-z follow`` spec or mode."""


class StreamNotFoundError(FollowError, LookupError):
    """The capture has no such stream (the index is out of range), or none
    of its data reached the follower (TLS without keys)."""


class Chunk(NamedTuple):
    """One piece of the stream, as one packet (or reassembly) delivered it."""

    #: the frame number
    packet: int
    #: True if node 1 (the server) sent it, False for node 0 (the client)
    from_server: bool
    data: bytes
    #: the frame's absolute time stamp, in seconds since the epoch
    time: float


class Node(NamedTuple):
    """One end of the stream: its address as Wireshark prints it, and port."""

    address: str
    port: int
    ipv6: bool

    def __str__(self) -> str:
        return f"[{self.address}]:{self.port}" if self.ipv6 else f"{self.address}:{self.port}"


def protocols() -> List[str]:
    """The protocols that can be followed (their filter names: ``tcp``,
    ``udp``, ``tls``, ``http``, ``http2``, ``quic``...)."""
    init_dissection()
    with _guard:
        names = lib.wirepy_follow_names()
    try:
        return ffi.string(names).decode().split(", ") if names != ffi.NULL else []
    finally:
        lib.g_free(names)


class Stream(TapListener):
    """One stream of a protocol, followed during a read.

    :param protocol: the protocol's filter name (see :func:`protocols`).
    :param index: the stream's index (``tcp.stream``, ``udp.stream``, the
        QUIC connection number...).
    :param sub_stream: HTTP/2's stream id, QUIC's stream id (required for
        those two, refused for the others).
    :raises UnknownFollowProtocolError: for a protocol without a follower.
    :raises FollowSpecError: for a bad index or sub-stream.

    After the read: :attr:`chunks`, :attr:`client_bytes`,
    :attr:`server_bytes`, :attr:`client`, :attr:`server`; :attr:`found`
    says whether the read saw the stream at all.
    """

    def __init__(self, protocol: str = "tcp", index: int = 0,
                 sub_stream: Optional[int] = None) -> None:
        protocol = protocol.lower()
        init_dissection()
        with _guard:
            known = bool(lib.wirepy_follow_known(protocol.encode()))
        if not known:
            raise UnknownFollowProtocolError(
                f"no follow stream for protocol {protocol!r}; there are: "
                f"{', '.join(protocols())}")
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index <= 0x7fffffff:
            raise FollowSpecError(f"stream index {index!r} is not a number from 0")
        if protocol in SUB_STREAM_PROTOCOLS:
            if sub_stream is None:
                raise FollowSpecError(f"following {protocol} needs a sub-stream "
                                      f"(its stream id within connection {index})")
            if (not isinstance(sub_stream, int) or isinstance(sub_stream, bool)
                    or not 0 <= sub_stream <= 0x7fffffff):
                raise FollowSpecError(f"sub-stream {sub_stream!r} is not a number from 0")
        elif sub_stream is not None:
            raise FollowSpecError(f"{protocol} streams have no sub-streams")
        with _guard:
            data = lib.wirepy_follow_new(protocol.encode(), index, sub_stream or 0)
        if data == ffi.NULL:
            raise FollowSpecError(f"Wireshark makes no filter for {protocol} stream {index}")
        self._data = ffi.gc(data, lib.wirepy_follow_free)
        self.protocol = ffi.string(lib.wirepy_follow_protocol(data)).decode()
        self.index = index
        self.sub_stream = sub_stream
        #: how :meth:`text` prints the stream, and which chunks (1-based,
        #: inclusive; as tshark's ``-z follow,...,N,FIRST-LAST``)
        self.mode = "raw"
        self.chunk_range: Tuple[int, int] = (1, 0xffffffff)
        self.spec = ""
        try:
            super().__init__(ffi.string(lib.wirepy_follow_tap(data)).decode(),
                             ffi.string(lib.wirepy_follow_filter(data)).decode())
        except _taps.TapRegistrationError as exc:    # pragma: no cover - Wireshark's own filter
            raise FollowSpecError(str(exc)) from None

    def _c_listener(self) -> CListener:
        return CListener(lib.wirepy_follow_tapdata(self._data),
                         lib.wirepy_follow_packet_cb(self._data), lib.wirepy_follow_reset)

    # -- results ---------------------------------------------------------------------

    @property
    def chunks(self) -> List[Chunk]:
        """The stream's chunks in order (copies)."""
        with self._reading():
            n = lib.wirepy_follow_count(self._data)
            out = ffi.new("wirepy_follow_chunk[]", max(n, 1))
            lib.wirepy_follow_chunks(self._data, out)
            return [Chunk(int(c.packet), bool(c.is_server),
                          bytes(ffi.buffer(c.data, c.len)) if c.len else b"",
                          float(c.secs) + float(c.nsecs) / 1000000000.0)
                    for c in out[0:n]]

    @property
    def client_bytes(self) -> bytes:
        """Everything node 0 (the client) sent, joined."""
        return b"".join(c.data for c in self.chunks if not c.from_server)

    @property
    def server_bytes(self) -> bytes:
        """Everything node 1 (the server) sent, joined."""
        return b"".join(c.data for c in self.chunks if c.from_server)

    def _node(self, server: int) -> Node:
        buf = ffi.new("char[]", 256)
        port = ffi.new("guint *")
        with self._reading():
            ipv6 = bool(lib.wirepy_follow_node(self._data, server, buf, len(buf), port))
        return Node(ffi.string(buf).decode("utf-8", "replace"), int(port[0]), ipv6)

    @property
    def client(self) -> Node:
        """Node 0: the end that sent the stream's first packet."""
        return self._node(0)

    @property
    def server(self) -> Node:
        """Node 1."""
        return self._node(1)

    @property
    def found(self) -> bool:
        """True if the last read saw a packet of the stream."""
        with self._reading():
            return bool(lib.wirepy_follow_count(self._data)) or self.client.port != 0 \
                or self.client.address != ""

    # -- tshark's text ---------------------------------------------------------------

    def text(self, mode: Optional[str] = None) -> str:
        """The stream as ``tshark -q -z follow,PROTO,MODE,N`` prints it
        (*mode*: one of :data:`MODES`; by default :attr:`mode`)."""
        mode = (mode or self.mode).lower()
        if mode not in MODES:
            raise FollowSpecError(f"unknown follow mode {mode!r}; there are: {', '.join(MODES)}")
        client, server = self.client, self.server
        out: List[str] = []
        if mode == "yaml":
            out.append("peers:\n")
            for peer, node in enumerate((client, server)):
                out.append(f"  - peer: {peer}\n    host: {node.address}\n    port: {node.port}\n")
            out.append("packets:\n")
        else:
            out.append(f"\n{_SEPARATOR}Follow: {self.protocol},{mode}\nFilter: {self.filter}\n"
                       f"Node 0: {client}\nNode 1: {server}\n")
        first, last = self.chunk_range
        pos = [0, 0]
        for number, chunk in enumerate(self.chunks, 1):
            side = int(chunk.from_server)
            tab = "\t" if chunk.from_server else ""
            if not first <= number <= last:
                pos[side] += len(chunk.data)
                continue
            if mode == "raw":
                out.append(tab + chunk.data.hex() + "\n")
            elif mode == "ascii":
                shown = "".join(chr(b) if b in (13, 10) or 0x20 <= b < 0x7f else "."
                                for b in chunk.data)
                out.append(f"{tab}{len(chunk.data)}\n{shown}\n")
            elif mode == "hex":
                out.append(_hexdump(tab, pos[side], chunk.data))
                pos[side] += len(chunk.data)
            else:
                out.append(f"  - packet: {chunk.packet}\n    peer: {side}\n"
                           f"    timestamp: {chunk.time:.9f}\n    data: !!binary |\n")
                for k in range(0, len(chunk.data), 57):
                    out.append("      " + base64.b64encode(chunk.data[k:k + 57]).decode() + "\n")
        if mode != "yaml":
            out.append(_SEPARATOR)
        return "".join(out)

    def __repr__(self) -> str:
        sub = f" sub_stream={self.sub_stream}" if self.sub_stream is not None else ""
        return f"<Stream {self.protocol} {self.index}{sub}>"


def _hexdump(prefix: str, offset: int, data: bytes) -> str:
    """tshark's follow hex dump: the offset, 16 bytes a line in hex with an
    extra space after 8, the printable characters from column 60 (an extra
    space after 8 there too; one trailing space dropped)."""
    lines = []
    for start in range(0, len(data), 16):
        row = data[start:start + 16]
        hexes = " ".join(f"{b:02x}" for b in row[:8])
        text = "".join(chr(b) if 0x20 <= b < 0x7f else "." for b in row[:8])
        if len(row) >= 8:
            text += " "
        if len(row) > 8:
            hexes += "  " + " ".join(f"{b:02x}" for b in row[8:])
            text += "".join(chr(b) if 0x20 <= b < 0x7f else "." for b in row[8:])
        if text.endswith(" "):
            text = text[:-1]
        lines.append(f"{prefix}{offset + start:08X}  {hexes:<50}{text}\n")
    return "".join(lines)


def from_spec(spec: str) -> Stream:
    """The stream of a tshark ``-z`` spec:
    ``follow,PROTO,MODE,N[,SUB][,FIRST[-LAST]]`` (``SUB`` for ``http2``
    and ``quic`` only; the chunk range selects what :meth:`Stream.text`
    prints). Following by address and port is not supported.

    :raises UnknownFollowProtocolError: for a protocol without a follower.
    :raises FollowSpecError: for a bad spec.
    """
    parts = spec.split(",")
    if len(parts) < 4 or parts[0] != "follow":
        raise FollowSpecError(f"invalid follow spec {spec!r}: follow,PROTO,MODE,N[,SUB] expected")
    protocol, mode = parts[1], parts[2]
    if mode not in MODES:
        raise FollowSpecError(f"invalid display mode {mode!r} in {spec!r}; there are: "
                              f"{', '.join(MODES)}")
    rest = parts[3:]

    def number(text: str, what: str) -> int:
        if not text.isdigit():
            raise FollowSpecError(f"invalid {what} {text!r} in {spec!r}")
        return int(text)

    index = number(rest.pop(0), "stream index")
    sub = number(rest.pop(0), "sub-stream") if protocol in SUB_STREAM_PROTOCOLS and rest else None
    if protocol in SUB_STREAM_PROTOCOLS and sub is None:
        raise FollowSpecError(f"{spec!r}: following {protocol} needs a sub-stream")
    chunk_range = (1, 0xffffffff)
    if rest:
        first, dash, last = rest.pop(0).partition("-")
        a = number(first, "chunk range")
        b = number(last, "chunk range") if dash else a
        if a < 1 or a > b:
            raise FollowSpecError(f"invalid chunk range in {spec!r}")
        chunk_range = (a, b)
    if rest:
        raise FollowSpecError(f"invalid parameter in {spec!r}")
    s = Stream(protocol, index, sub)
    s.mode = mode
    s.chunk_range = chunk_range
    s.spec = spec
    return s


#: The fields that number a protocol's streams (and sub-streams): what
#: :func:`stream_of` reads from the packet a filter finds.
STREAM_FIELDS = {
    "tcp": ("tcp.stream", None), "tls": ("tcp.stream", None), "http": ("tcp.stream", None),
    "udp": ("udp.stream", None), "dccp": ("dccp.stream", None),
    "http2": ("tcp.stream", "http2.streamid"),
    "quic": ("quic.connection.number", "quic.stream_id"),
}


def stream_of(path: Union[str, os.PathLike], protocol: str, match: str,
              **capture_options: Any) -> Tuple[int, Optional[int]]:
    """``(index, sub_stream)`` of the *protocol* stream the first packet
    matching the display filter *match* belongs to (``sub_stream`` None
    for the protocols without sub-streams; for HTTP/2 and QUIC the first
    stream id of the packet, for HTTP/2 the first but 0, the connection's).

    :raises UnknownFollowProtocolError: for a protocol without stream
        numbers here (see :data:`STREAM_FIELDS`).
    :raises StreamNotFoundError: if no packet matches with such a stream.
    """
    from .capture import FileCapture

    protocol = protocol.lower()
    if protocol not in STREAM_FIELDS:
        raise UnknownFollowProtocolError(
            f"no stream numbers for protocol {protocol!r} to find a stream by filter; there "
            f"are: {', '.join(STREAM_FIELDS)}")
    index_field, sub_field = STREAM_FIELDS[protocol]
    fields = [index_field] + ([sub_field] if sub_field else [])
    with FileCapture(path, display_filter=f"({match}) && {index_field}"
                     + (f" && {sub_field}" if sub_field else ""),
                     fields=fields, **capture_options) as cap:
        for pkt in cap:
            index = pkt.get_all(index_field)[0]
            subs = pkt.get_all(sub_field) if sub_field else [None]
            # HTTP/2's stream 0 is the connection's own (settings, pings)
            sub = next((x for x in subs if x), subs[0]) if protocol == "http2" else subs[0]
            return int(index), (int(sub) if sub is not None else None)
    raise StreamNotFoundError(f"no packet of {os.fspath(path)!r} matches {match!r} "
                              f"in a {protocol} stream")


def stream(path: Union[str, os.PathLike], protocol: str = "tcp", index: int = 0,
           sub_stream: Optional[int] = None, *, match: Optional[str] = None,
           **capture_options: Any) -> Stream:
    """Follow one stream of a capture file in one read.

    :param match: a display filter: follow the stream of the first packet
        it matches instead of *index* and *sub_stream* (:func:`stream_of`;
        one read more).
    :param capture_options: more :class:`~wirepy.FileCapture` arguments
        (``prefs`` such as ``{"tls.keylog_file": path}``, ``decode_as``,
        ``two_pass``...).
    :raises StreamNotFoundError: if the capture has no such stream, or
        none of its data reached the follower (TLS and QUIC without keys).
    """
    from .capture import FileCapture

    if match is not None:
        index, sub_stream = stream_of(path, protocol, match, **capture_options)
    s = Stream(protocol, index, sub_stream)
    cap = FileCapture(path, fields=[], taps=[s], **capture_options)
    cap._read_for_taps()
    if not s.found:
        sub = f", sub-stream {sub_stream}" if sub_stream is not None else ""
        raise StreamNotFoundError(f"{os.fspath(path)!r} has no {s.protocol} stream {index}{sub} "
                                  "(with data to follow)")
    return s
