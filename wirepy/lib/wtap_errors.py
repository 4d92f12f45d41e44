"""Exceptions of the wiretap layer.

Every failure of libwiretap is reported as an ``err`` code plus an optional
``err_info`` text. A negative code is one of the ``WTAP_ERR_*`` values and
becomes the matching :class:`FileError` subclass; a positive code is an
``errno`` value and becomes a class that is both the matching
:class:`OSError` subclass (e.g. :class:`FileNotFoundError`) and a
:class:`FileError`, so either ``except`` clause catches it.
"""

from __future__ import annotations

import errno as _errno
import os
from typing import Dict, Type

from .glib2 import from_gchar
from .wireshark import ffi, lib

__all__ = [
    "WTAPError", "FileError", "BadFile", "CantClose", "CantOpen", "CantRead", "CantSeek",
    "CantSeekCompressed", "CantWrite", "CantWriteToPipe", "CheckWSLua",
    "CompressionUnsupported", "Decompress", "DecompressionUnsupported",
    "EncapPerPacketUnsupported", "InternalError", "NotRegularFile", "PacketTooLarge",
    "RandomOpenPipe", "RandomOpenStdin", "ShortRead", "ShortWrite", "UncompressBadOffset",
    "UncompressOverflow", "UncompressTruncated", "UnknownFormat", "Unsupported",
    "UnsupportedEncap", "UnsupportedFileType", "UnwritableRecType", "UnwritableRecData",
    "error_class", "raise_for",
]


class WTAPError(Exception):
    """Base-class for all wtap-errors."""


class FileError(WTAPError):
    """A wiretap operation on a capture file failed.

    :param err_info: Wireshark's additional text about the failure (or
        None).
    :param for_writing: True if the file was being written.
    :param filename: the file concerned, if known.
    :param err: the wiretap error code (a ``WTAP_ERR_*`` value or an errno);
        the class's own code when omitted.
    """

    #: The ``WTAP_ERR_*`` value this class stands for (None: not a 4.0 code).
    code: int | None = None

    def __init__(self, err_info: str | None = None, for_writing: bool = False,
                 filename: str | None = None, err: int | None = None) -> None:
        self.err_info = err_info
        self.for_writing = for_writing
        self.filename = filename
        self.err = self.code if err is None else err
        WTAPError.__init__(self, self._message())

    @property
    def reason(self) -> str:
        """wiretap's message for the failure, with its additional text, but
        without the file's name."""
        if self.err is not None:
            text = ffi.string(lib.wtap_strerror(self.err)).decode("utf-8", "replace")
        else:
            text = (type(self).__doc__ or type(self).__name__).strip().splitlines()[0]
        if self.err_info:
            text = f"{text} ({self.err_info})"
        return text

    def _message(self) -> str:
        text = self.reason
        if self.filename is not None:
            verb = "writing" if self.for_writing else "reading"
            text = f"{text} [{verb} {self.filename!r}]"
        return text

    def __str__(self) -> str:
        return self._message()


def _code(name: str) -> int | None:
    return getattr(lib, "WTAP_ERR_" + name, None)


class NotRegularFile(FileError):
    """The file being opened for reading isn't a plain file (or pipe)"""
    code = _code("NOT_REGULAR_FILE")


class RandomOpenPipe(FileError):
    """The file is being opened for random access and it's a pipe"""
    code = _code("RANDOM_OPEN_PIPE")


class UnknownFormat(FileError):
    """The file being opened is not a capture file in a known format"""
    code = _code("FILE_UNKNOWN_FORMAT")


class Unsupported(FileError):
    """Supported file type, but there's something in the file we can't support"""
    code = _code("UNSUPPORTED")


class CantWriteToPipe(FileError):
    """Wiretap can't save to a pipe in the specified format"""
    code = _code("CANT_WRITE_TO_PIPE")


class CantOpen(FileError):
    """The file couldn't be opened, reason unknown"""
    code = _code("CANT_OPEN")


class UnsupportedFileType(FileError):
    """Wiretap can't save files in the specified format"""
    code = _code("UNWRITABLE_FILE_TYPE")


class UnsupportedEncap(FileError):
    """Wiretap can't read or save files in the specified format with the
    specified encapsulation"""
    code = _code("UNWRITABLE_ENCAP")


class EncapPerPacketUnsupported(FileError):
    """The specified format doesn't support per-packet encapsulations"""
    code = _code("ENCAP_PER_PACKET_UNSUPPORTED")


class CantWrite(FileError):
    """An attempt to write failed, reason unknown"""
    code = _code("CANT_WRITE")


class CantClose(FileError):
    """The file couldn't be closed, reason unknown"""
    code = _code("CANT_CLOSE")


class ShortRead(FileError):
    """An attempt to read read less data than it should have"""
    code = _code("SHORT_READ")


class BadFile(FileError):
    """The file appears to be damaged or corrupted or otherwise bogus"""
    code = _code("BAD_FILE")


class ShortWrite(FileError):
    """An attempt to write wrote less data than it should have"""
    code = _code("SHORT_WRITE")


class UncompressOverflow(FileError):
    """Uncompressing Sniffer data would overflow buffer"""
    code = _code("UNC_OVERFLOW")


class RandomOpenStdin(FileError):
    """We're trying to open the standard input for random access"""
    code = _code("RANDOM_OPEN_STDIN")


class CompressionUnsupported(FileError):
    """The filetype doesn't support output compression"""
    code = _code("COMPRESSION_NOT_SUPPORTED")


class CantSeek(FileError):
    """An attempt to seek failed, reason unknown"""
    code = _code("CANT_SEEK")


class CantSeekCompressed(FileError):
    """An attempt to seek on a compressed stream failed"""
    code = _code("CANT_SEEK_COMPRESSED")


class Decompress(FileError):
    """Error decompressing"""
    code = _code("DECOMPRESS")


class InternalError(FileError):
    """Wiretap hit an internal error"""
    code = _code("INTERNAL")


class PacketTooLarge(FileError):
    """A packet is too large to write to this file type"""
    code = _code("PACKET_TOO_LARGE")


class CheckWSLua(FileError):
    """A Lua file type's can_write_encap must be asked (internal to wiretap)"""
    code = _code("CHECK_WSLUA")


class UnwritableRecType(FileError):
    """The file type can't hold this type of record"""
    code = _code("UNWRITABLE_REC_TYPE")


class UnwritableRecData(FileError):
    """The file type can't hold something in this record's data"""
    code = _code("UNWRITABLE_REC_DATA")


class DecompressionUnsupported(FileError):
    """The file is compressed in a way this build cannot decompress"""
    code = _code("DECOMPRESSION_NOT_SUPPORTED")


# The original wirepy API's names for errors Wireshark 4.0 no longer reports; kept so code
# catching them still imports.
class CantRead(FileError):
    """An attempt to read failed, reason unknown"""


class UncompressBadOffset(FileError):
    """LZ77 compressed data has bad offset to string"""


class UncompressTruncated(FileError):
    """Sniffer compressed data was oddly truncated"""


_BY_CODE: Dict[int, Type[FileError]] = {
    cls.code: cls for cls in list(globals().values())
    if isinstance(cls, type) and issubclass(cls, FileError) and cls.code is not None
}
_ERRNO_CLASSES: Dict[int, Type[FileError]] = {}


def _errno_init(self, err_info=None, for_writing=False, filename=None, err=None):
    self.err_info = err_info
    self.for_writing = for_writing
    self.filename = filename
    self.err = self.errno_code if err is None else err
    text = os.strerror(self.err)
    if err_info:
        text = f"{text} ({err_info})"
    OSError.__init__(self, self.err, text, filename)


def _errno_str(self):
    return OSError.__str__(self)


def error_class(err: int) -> Type[FileError]:
    """The exception class for wiretap error code *err*.

    Negative codes map to the ``WTAP_ERR_*`` classes (an unknown one to
    :class:`FileError`); positive ones (errno values) to a subclass of both
    :class:`FileError` and the :class:`OSError` subclass Python uses for
    that errno (plain :class:`OSError` if there is none).
    """
    if err <= 0:
        return _BY_CODE.get(err, FileError)
    cls = _ERRNO_CLASSES.get(err)
    if cls is None:
        try:
            oscls = type(OSError(err, ""))
        except Exception:  # pragma: no cover - OSError accepts every int
            oscls = OSError
        name = _errno.errorcode.get(err, f"Errno{err}")
        cls = type(f"{oscls.__name__}FileError" if oscls is not OSError else f"{name}FileError",
                   (FileError, oscls),
                   {"__init__": _errno_init, "__str__": _errno_str, "errno_code": err,
                    "__module__": __name__,
                    "__doc__": f"{os.strerror(err)} ({name}), as a wiretap FileError."})
        _ERRNO_CLASSES[err] = cls
    return cls


def take_err_info(err_info_p) -> str | None:
    """Read and ``g_free`` the ``gchar *`` in *err_info_p*, leaving NULL."""
    text = from_gchar(err_info_p[0])
    err_info_p[0] = ffi.NULL
    return text


def make_error(err: int, err_info_p=None, filename: str | None = None,
               for_writing: bool = False) -> FileError:
    """Build the exception for *err*; frees the ``err_info`` in *err_info_p*."""
    info = take_err_info(err_info_p) if err_info_p is not None else None
    return error_class(err)(info, for_writing, filename, err)


def raise_for(err: int, err_info_p=None, filename: str | None = None,
              for_writing: bool = False) -> None:
    """Raise the exception for *err* (frees ``err_info``)."""
    raise make_error(err, err_info_p, filename, for_writing)
