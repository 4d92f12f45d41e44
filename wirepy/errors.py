"""The exceptions of wirepy's Pythonic API.

Every error raised by :mod:`wirepy` for a user mistake or bad input is a
:class:`WirepyError`; where Python has a matching built-in class the error
is that too (a missing capture file is a :class:`FileNotFoundError`, a bad
preference value a :class:`ValueError`).
"""

from __future__ import annotations

from typing import Optional, Tuple

from .lib import dfilter as _dfilter
from .lib import wtap_errors as _wtap_errors

__all__ = [
    "WirepyError", "DisplayFilterError", "CaptureFileNotFoundError", "CaptureFileError",
    "KeyLogFileNotFoundError",
    "UnknownFieldError", "PreferenceError", "SessionBusyError", "SessionResetWarning",
    "capture_file_error",
]


class WirepyError(Exception):
    """Base class of the errors of wirepy's Pythonic API."""


class DisplayFilterError(WirepyError, _dfilter.DisplayFilterError):
    """A display filter failed to compile.

    :ivar message: Wireshark's message, as tshark prints it.
    :ivar location: ``(column, length)`` of the offending part, or None.
    :ivar text: the filter text.
    """

    def __init__(self, message: str, location: Optional[Tuple[int, int]] = None,
                 text: Optional[str] = None) -> None:
        _dfilter.DisplayFilterError.__init__(self, message, location, text)

    def underline(self) -> str:
        """The filter and a line marking the error, as ``dftest`` shows it."""
        if self.text is None:
            return self.message
        if not self.location:
            return self.text
        start, length = self.location
        return f"{self.text}\n{' ' * start}{'^' * max(length, 1)}"


class CaptureFileNotFoundError(WirepyError, FileNotFoundError):
    """The capture file does not exist."""


class KeyLogFileNotFoundError(WirepyError, FileNotFoundError):
    """The TLS key log file given does not exist (Wireshark would read on
    and decrypt nothing)."""


class CaptureFileError(WirepyError, OSError):
    """The capture file cannot be opened or read.

    :ivar errno: wiretap's error code (an errno if positive, ``WTAP_ERR_*``
        if negative).
    :ivar strerror: wiretap's message.
    :ivar filename: the capture file.
    """

    def __str__(self) -> str:
        # "FILE: message", as tshark says it (OSError's own form would be
        # "[Errno -3] message: 'FILE'")
        if self.filename is None:
            return str(self.strerror)
        return f"{self.filename}: {self.strerror}"


def capture_file_error(exc: _wtap_errors.FileError, filename: Optional[str]) -> OSError:
    """The Pythonic API's exception for wiretap's failure *exc* on capture
    file *filename* (opening it or reading it): the one place where the
    library layer's capture-file errors become :class:`CaptureFileError`
    and :class:`CaptureFileNotFoundError`."""
    if isinstance(exc, FileNotFoundError):
        return CaptureFileNotFoundError(2, "No such file or directory", filename)
    return CaptureFileError(exc.err, exc.reason, filename)


class UnknownFieldError(WirepyError, KeyError):
    """A field name Wireshark does not know."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class PreferenceError(WirepyError, ValueError):
    """An unknown preference name or a value Wireshark refuses."""


class SessionBusyError(WirepyError, RuntimeError):
    """Another capture is being dissected in this process (libwireshark
    dissects one capture at a time)."""


class SessionResetWarning(UserWarning):
    """A field asked for relates a packet to earlier ones (stream indexes,
    TCP analysis, reassembly, request/response links), and ``reset_every``
    forgets the earlier ones at each reset: around and after a reset its
    values differ from those of a read without resets. The fields are
    those :func:`wirepy.settings.cross_packet_reason` names."""
