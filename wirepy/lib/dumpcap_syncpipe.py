"""The sync-pipe protocol ``dumpcap`` speaks to its parent in capture-child mode.

With ``-Z none``, ``dumpcap`` frames every status and error message on its
standard error: a header of one indicator byte and a three-byte big-endian
length, followed by that many bytes of payload (a NUL-terminated string; the
NUL is counted). An ``E`` message nests two more ``E`` blocks, the primary and
the secondary error message, each with a header of its own.

:class:`SyncPipeParser` turns a byte stream fed in chunks of any size into
:class:`Message` tuples. Anything that does not follow the protocol raises
:class:`BrokenPipe` at once; the parser never waits for bytes that can not
make a valid message.

The exceptions of :mod:`wirepy.lib.dumpcap` are defined here, so both modules
raise the very same classes.
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

__all__ = [
    "DumpcapError", "ChildError", "BadFilterError", "BrokenPipe", "NoEvents",
    "SP_FILE", "SP_ERROR_MSG", "SP_BAD_FILTER", "SP_PACKET_COUNT", "SP_DROPS",
    "SP_SUCCESS", "SP_TOOLBAR_CTRL", "SP_QUIT", "SP_MAX_MSG_LEN", "SP_DECISIZE",
    "HEADER_LEN", "ErrorMessage", "BadFilter", "Drops", "Message", "SyncPipeParser",
    "encode_message", "encode_error",
]

_MODULE = "wirepy.lib.dumpcap"


class DumpcapError(Exception):
    """Base-class for all exceptions"""

    __module__ = _MODULE


class ChildError(DumpcapError):
    """``dumpcap`` has reported an error or died with a process exit status
    indicating failure.
    """

    __module__ = _MODULE


class BadFilterError(ChildError):
    """``dumpcap`` reports that the given capture filter could not be compiled."""

    __module__ = _MODULE


class BrokenPipe(DumpcapError):
    """The communication-pipe to ``dumpcap`` was closed or the receiving thread
    has died because it received an unexpected message from ``dumpcap``.
    """

    __module__ = _MODULE


class NoEvents(DumpcapError):
    """No events are available from ``dumpcap`` while waiting on a blocking call."""

    __module__ = _MODULE


# sync_pipe.h of Wireshark 4.0; the values are the indicator bytes.
SP_FILE = ord("F")          #: The name of the file just opened
SP_ERROR_MSG = ord("E")     #: Error message (primary and secondary, nested)
SP_BAD_FILTER = ord("B")    #: ``"<interface index>:<message>"`` for a bad capture filter
SP_PACKET_COUNT = ord("P")  #: Packets written since the last message (decimal)
SP_DROPS = ord("D")         #: ``"<total drops>:<interface name>"``
SP_SUCCESS = ord("S")       #: Success of a non-capture command, no payload
SP_TOOLBAR_CTRL = ord("T")  #: Interface-toolbar control; never sent by ``dumpcap``
SP_QUIT = ord("Q")          #: Defined but unused by ``dumpcap``

SP_MAX_MSG_LEN = 4096  #: The largest payload a frame may carry
SP_DECISIZE = 20       #: The most digits of a number in a message
HEADER_LEN = 4         #: Indicator byte + three-byte length

# What dumpcap actually sends; its parent asserts on anything else.
_KNOWN = frozenset((SP_FILE, SP_ERROR_MSG, SP_BAD_FILTER, SP_PACKET_COUNT, SP_DROPS,
                    SP_SUCCESS))


class ErrorMessage(NamedTuple):
    """The payload of an ``SP_ERROR_MSG``."""

    primary: str
    secondary: str

    def __str__(self) -> str:
        if self.secondary:
            return f"{self.primary}\n{self.secondary}"
        return self.primary


class BadFilter(NamedTuple):
    """The payload of an ``SP_BAD_FILTER``."""

    interface_index: int
    message: str


class Drops(NamedTuple):
    """The payload of an ``SP_DROPS``."""

    drops: int
    interface: str


class Message(NamedTuple):
    """One decoded sync-pipe message.

    ``payload`` is a :class:`str` file name for ``SP_FILE``, an :class:`int`
    for ``SP_PACKET_COUNT``, a :class:`Drops`, :class:`BadFilter` or
    :class:`ErrorMessage` for the others and ``None`` for ``SP_SUCCESS``.
    """

    indicator: int
    payload: Any


def _show(data: bytes, limit: int = 80) -> str:
    """A printable excerpt of unexpected bytes for an error message."""
    excerpt = bytes(data[:limit])
    return repr(excerpt) + ("..." if len(data) > limit else "")


def _header(indicator: int, length: int) -> bytes:
    return bytes((indicator,)) + length.to_bytes(3, "big")


def encode_message(indicator: int, text: bytes | str | None) -> bytes:
    """Frame *text* as ``dumpcap``'s ``pipe_write_block`` does.

    ``None`` gives an empty payload; otherwise a NUL is appended and counted.
    """
    if text is None:
        return _header(indicator, 0)
    if isinstance(text, str):
        text = os.fsencode(text)
    return _header(indicator, len(text) + 1) + text + b"\0"


def encode_error(primary: bytes | str, secondary: bytes | str = b"") -> bytes:
    """Frame an ``SP_ERROR_MSG`` as ``sync_pipe_errmsg_to_parent`` does."""
    inner = encode_message(SP_ERROR_MSG, primary) + encode_message(SP_ERROR_MSG, secondary)
    return _header(SP_ERROR_MSG, len(inner)) + inner


def _cstring(indicator: int, payload: bytes) -> bytes:
    """The string of a payload: NUL-terminated, no NUL inside."""
    if not payload:
        return b""
    if payload[-1] != 0 or 0 in payload[:-1]:
        raise BrokenPipe(f"Malformed {chr(indicator)!r} message from dumpcap "
                         f"(not a NUL-terminated string): {_show(payload)}")
    return payload[:-1]


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _decimal(indicator: int, data: bytes, payload: bytes) -> int:
    # ws_strtou32 accepts only plain decimal digits; so do we.
    if not data or len(data) > SP_DECISIZE or not data.isdigit():
        raise BrokenPipe(f"Malformed {chr(indicator)!r} message from dumpcap "
                         f"(not a decimal number): {_show(payload)}")
    return int(data)


def _split_number(indicator: int, payload: bytes) -> tuple[int, bytes]:
    """``"<number>:<rest>"`` as used by ``SP_BAD_FILTER`` and ``SP_DROPS``."""
    data = _cstring(indicator, payload)
    number, sep, rest = data.partition(b":")
    if not sep:
        raise BrokenPipe(f"Malformed {chr(indicator)!r} message from dumpcap "
                         f"(no ':' separator): {_show(payload)}")
    return _decimal(indicator, number, payload), rest


def _decode_error(payload: bytes) -> ErrorMessage:
    """Two nested ``E`` blocks that fill the outer payload exactly."""
    parts = []
    pos = 0
    for _ in range(2):
        if len(payload) - pos < HEADER_LEN:
            raise BrokenPipe("Malformed error message from dumpcap (truncated inner "
                             f"header): {_show(payload)}")
        inner_indicator = payload[pos]
        length = int.from_bytes(payload[pos + 1:pos + HEADER_LEN], "big")
        start = pos + HEADER_LEN
        if inner_indicator != SP_ERROR_MSG or start + length > len(payload):
            raise BrokenPipe("Malformed error message from dumpcap (bad inner block): "
                             f"{_show(payload)}")
        parts.append(_text(_cstring(SP_ERROR_MSG, payload[start:start + length])))
        pos = start + length
    if pos != len(payload):
        raise BrokenPipe("Malformed error message from dumpcap (trailing bytes): "
                         f"{_show(payload)}")
    return ErrorMessage(parts[0], parts[1])


def decode_payload(indicator: int, payload: bytes) -> Any:
    """Decode the payload of a message with a known indicator."""
    if indicator == SP_FILE:
        return os.fsdecode(_cstring(indicator, payload))
    if indicator == SP_PACKET_COUNT:
        return _decimal(indicator, _cstring(indicator, payload), payload)
    if indicator == SP_DROPS:
        drops, name = _split_number(indicator, payload)
        return Drops(drops, os.fsdecode(name))
    if indicator == SP_BAD_FILTER:
        index, text = _split_number(indicator, payload)
        return BadFilter(index, _text(text))
    if indicator == SP_ERROR_MSG:
        return _decode_error(payload)
    if indicator == SP_SUCCESS:
        if payload:
            raise BrokenPipe(f"Malformed success message from dumpcap: {_show(payload)}")
        return None
    raise BrokenPipe(f"Unknown message {chr(indicator)!r} from dumpcap")


class SyncPipeParser:
    """Incremental parser of ``dumpcap``'s sync pipe.

    Feed it whatever :func:`os.read` returned; it returns the messages
    completed by that chunk and keeps the rest. Call :meth:`close` at end of
    file: a partial message left over means ``dumpcap`` died mid-message.

    Once it has raised :class:`BrokenPipe`, the parser stays broken: the
    stream has lost its framing and nothing after the error can be trusted.
    """

    def __init__(self, max_len: int = SP_MAX_MSG_LEN) -> None:
        self._buf = bytearray()
        self._max_len = max_len
        self._error: BrokenPipe | None = None
        self._closed = False

    @property
    def pending(self) -> int:
        """The number of bytes of an incomplete message held back."""
        return len(self._buf)

    def _fail(self, exc: BrokenPipe) -> BrokenPipe:
        self._error = exc
        self._buf.clear()
        return exc

    def feed(self, data: bytes) -> list[Message]:
        """Add *data*; returns the messages it completed.

        :raises: :py:exc:`BrokenPipe` as soon as the stream can not be valid.
        """
        if self._error is not None:
            raise BrokenPipe(str(self._error))
        if self._closed:
            raise BrokenPipe("The sync pipe parser is closed")
        buf = self._buf
        buf += data
        messages = []
        pos = 0
        try:
            while len(buf) - pos >= 1:
                indicator = buf[pos]
                if indicator not in _KNOWN:
                    # Most likely plain text on stderr (dumpcap was not in
                    # child mode or something else wrote there).
                    raise self._fail(BrokenPipe(
                        f"Unexpected data from dumpcap: {_show(buf[pos:])}"))
                if len(buf) - pos < HEADER_LEN:
                    break
                length = int.from_bytes(buf[pos + 1:pos + HEADER_LEN], "big")
                if length > self._max_len:
                    raise self._fail(BrokenPipe(
                        f"Oversized message {chr(indicator)!r} from dumpcap: {length} bytes "
                        f"(at most {self._max_len}): {_show(buf[pos:])}"))
                end = pos + HEADER_LEN + length
                if len(buf) < end:
                    break
                try:
                    payload = decode_payload(indicator, bytes(buf[pos + HEADER_LEN:end]))
                except BrokenPipe as exc:
                    raise self._fail(exc) from None
                messages.append(Message(indicator, payload))
                pos = end
        finally:
            if self._error is None:
                del buf[:pos]
        return messages

    def close(self) -> None:
        """Signal end of file.

        :raises: :py:exc:`BrokenPipe` if a message was left incomplete.
        """
        if self._error is not None:
            raise BrokenPipe(str(self._error))
        self._closed = True
        if self._buf:
            pending = bytes(self._buf)
            raise self._fail(BrokenPipe(
                f"Premature EOF reading from dumpcap's sync pipe: got only "
                f"{len(pending)} bytes of a message: {_show(pending)}"))

    def parse_all(self, data: bytes) -> list[Message]:
        """Parse a complete stream (everything up to end of file)."""
        messages = self.feed(data)
        self.close()
        return messages
