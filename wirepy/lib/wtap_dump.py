"""Writing capture files: :class:`Dumper` and :func:`convert`.

A :class:`Dumper` writes records to any file type wiretap can write (see
:func:`~wirepy.lib.wtap_types.iter_writable_file_types`), optionally
gzip-compressed, with pcapng section and interface descriptions, packet
comments and - when copying from a :class:`~wirepy.lib.wtap.WTAP` - the
input's decryption secrets and name resolution blocks. A file type that
cannot hold the encapsulation raises :class:`UnsupportedEncap`, one that
cannot be compressed :class:`CompressionUnsupported`.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, List, Mapping, Sequence, Tuple, Union

from . import wireshark
from .closing import Closing
from .wireshark import ffi, lib
from .wtap_errors import WTAPError, make_error
from .wtap_types import EncapsulationType, FileType, compression_type

__all__ = ["Dumper"]

_HAS = None


def _has_flags() -> int:
    global _HAS
    if _HAS is None:
        _HAS = lib.WTAP_HAS_TS | lib.WTAP_HAS_CAP_LEN | lib.WTAP_HAS_INTERFACE_ID
    return _HAS


def _cstr(value: str | None, keep: list):
    if value is None:
        return ffi.NULL
    buf = ffi.new("char[]", value.encode("utf-8", "surrogateescape"))
    keep.append(buf)
    return buf


def _tsresol_from(spec: Mapping[str, Any]) -> int:
    if spec.get("tsresol") is not None:
        return int(spec["tsresol"])
    prec = spec.get("tsprecision")
    table = {lib.WTAP_TSPREC_SEC: 0, lib.WTAP_TSPREC_DSEC: 1, lib.WTAP_TSPREC_CSEC: 2,
             lib.WTAP_TSPREC_MSEC: 3, lib.WTAP_TSPREC_USEC: 6, lib.WTAP_TSPREC_NSEC: 9}
    return table.get(prec, -1)


class Dumper(Closing):
    """A ``wtap_dumper``: a capture file being written (context manager).

    :param filename: the file to create.
    :param file_type: a :class:`FileType` or its name (default: the
        source's type, else ``"pcapng"``).
    :param encap: encapsulation of the file (default: the source's, else the
        interfaces' if they agree, else Ethernet); ``WTAP_ENCAP_PER_PACKET``
        (-1) for mixed link types.
    :param snaplen: snapshot length (0: a default for the encapsulation).
    :param tsprec: ``WTAP_TSPREC_*`` of the file (default nanoseconds, or the
        source's).
    :param compression: None or ``"gzip"``.
    :param source: a :class:`~wirepy.lib.wtap.WTAP` whose section header,
        name resolution and (with *copy_secrets*) decryption secrets are
        written too and whose interface descriptions are copied as they are
        read. It must stay open until the dumper is closed.
    :param section_comment: pcapng section header option (overrides the
        source's), as are *hardware*, *os* and *application*.
    :param interfaces: interface descriptions for pcapng and other types
        that have them: mappings with ``link_type``/``encap``, ``snaplen``,
        ``tsresol`` (the pcapng byte; 6 = usec, 9 = nsec), ``name``,
        ``description``, ``os``, ``hardware``, ``speed``, ``fcslen`` (or
        :class:`~wirepy.lib.wtap.InterfaceDescription` objects).
    """

    def __init__(self, filename: Union[str, os.PathLike],
                 file_type: Union[str, int, FileType, None] = None,
                 encap: Union[int, str, EncapsulationType, None] = None,
                 snaplen: int | None = None, tsprec: int | None = None,
                 compression: str | None = None, source=None, copy_secrets: bool = True,
                 section_comment: str | None = None, hardware: str | None = None,
                 os: str | None = None, application: str | None = None,
                 interfaces: Sequence[Any] | None = None) -> None:
        wireshark.initialize()
        self.filename = _fspath(filename)
        if file_type is None:
            file_type = source.file_type if source is not None else "pcapng"
        self.file_type = FileType(file_type)
        self.source = source
        specs = [_spec(i) for i in (interfaces or ())]
        if encap is None:
            if source is not None:
                encap_n = lib.WTAP_ENCAP_UNKNOWN      # the source's
                if (lib.wtap_file_encap(source.cdata) == lib.WTAP_ENCAP_UNKNOWN
                        and lib.wtap_dump_can_write_encap(self.file_type.ft,
                                                          lib.WTAP_ENCAP_PER_PACKET)):
                    # pcapng whose IDBs come after other blocks (e.g. a DSB
                    # first): the link types are only known per packet.
                    encap_n = lib.WTAP_ENCAP_PER_PACKET
            else:
                link = {int(EncapsulationType(s.get("link_type", s.get("encap", 1))))
                        for s in specs}
                if len(link) == 1:
                    encap_n = link.pop()
                elif len(link) > 1:
                    encap_n = lib.WTAP_ENCAP_PER_PACKET
                else:
                    encap_n = lib.WTAP_ENCAP_ETHERNET
        else:
            encap_n = int(EncapsulationType(encap)) if not (
                isinstance(encap, int) and encap < 0) else encap
        if tsprec is None:
            tsprec = lib.WTAP_TSPREC_UNKNOWN if source is not None else lib.WTAP_TSPREC_NSEC
        keep: list = []
        idbs = ffi.new("wirepy_wtap_idb[]", max(len(specs), 1))
        for i, s in enumerate(specs):
            idbs[i].encap = int(EncapsulationType(s.get("link_type", s.get("encap", encap_n
                                                  if encap_n >= 0 else 1))))
            idbs[i].snaplen = int(s.get("snaplen") or 0)
            idbs[i].tsresol = _tsresol_from(s)
            idbs[i].name = _cstr(s.get("name"), keep)
            idbs[i].description = _cstr(s.get("description"), keep)
            idbs[i].os = _cstr(s.get("os"), keep)
            idbs[i].hardware = _cstr(s.get("hardware"), keep)
            idbs[i].filter = ffi.NULL
            idbs[i].speed = int(s.get("speed") or 0)
            idbs[i].fcslen = -1 if s.get("fcslen") is None else int(s["fcslen"])
        self.encap = encap_n
        self._default_encap = encap_n
        err = ffi.new("int *")
        err_info = ffi.new("gchar **")
        src = source.cdata if source is not None else ffi.NULL
        with wireshark.lock:
            w = lib.wirepy_wtap_writer_open(
                _fsencode(self.filename), self.file_type.ft, compression_type(compression),
                encap_n, -1 if snaplen is None else snaplen, tsprec, src, bool(copy_secrets),
                _cstr(section_comment, keep), _cstr(hardware, keep), _cstr(os, keep),
                _cstr(application, keep), idbs, len(specs), err, err_info)
            wireshark.flush_log()
        if w == ffi.NULL:
            raise make_error(err[0] or lib.WTAP_ERR_CANT_OPEN, err_info, self.filename, True)
        self._writer = w
        self._closed = False
        if encap_n == lib.WTAP_ENCAP_UNKNOWN and source is not None:
            self._default_encap = lib.wtap_file_encap(source.cdata)
        from .wtap import _open_objects
        _open_objects.add(self)

    # -- lifetime ------------------------------------------------------------
    @property
    def cdata(self):
        """The ``wtap_dumper *``."""
        self._check()
        return self._writer.wdh

    def _check(self) -> None:
        if self._closed:
            raise ValueError("write to a closed Dumper")

    @property
    def bytes_dumped(self) -> int:
        """Bytes written so far (before compression)."""
        return lib.wtap_get_bytes_dumped(self.cdata)

    @property
    def records_written(self) -> int:
        """The number of records written so far."""
        return self._writer.written if not self._closed else self._written

    def flush(self) -> None:
        """Flush buffered output to the file."""
        self._check()
        err = ffi.new("int *")
        if not lib.wirepy_wtap_writer_flush(self._writer, err):
            raise make_error(err[0], None, self.filename, True)

    def close(self) -> None:
        """Finish the file (writes what a format keeps until the end)."""
        if self._closed:
            return
        self._closed = True
        self._written = self._writer.written
        if wireshark.is_finalized():
            return
        err = ffi.new("int *")
        err_info = ffi.new("gchar **")
        with wireshark.lock:
            ok = lib.wirepy_wtap_writer_close(self._writer, err, err_info)
        self._writer = None
        if not ok:
            raise make_error(err[0] or lib.WTAP_ERR_CANT_CLOSE, err_info, self.filename, True)

    def _exit_hook(self) -> None:
        try:
            self.close()
        except WTAPError:
            pass


    # -- writing ---------------------------------------------------------------
    def write(self, data: bytes, header=None, *, ts: float | None = None,
              ts_ns: int | None = None, length: int | None = None,
              encap: Union[int, str, EncapsulationType, None] = None, interface_id: int = 0,
              comments: Sequence[str] = (), pack_flags: int | None = None,
              drop_count: int | None = None) -> None:
        """Write one packet.

        :param header: a :class:`~wirepy.lib.wtap.PacketHeader` to copy
            (timestamp, lengths, encapsulation, interface, comments, flags);
            the keyword arguments override it.
        :param ts: timestamp as float seconds...
        :param ts_ns: ...or as int nanoseconds.
        :param length: length on the wire (default ``len(data)``).
        """
        self.write_records([(header, data)] if not (
            ts is not None or ts_ns is not None or length is not None or encap is not None
            or interface_id or comments or pack_flags is not None or drop_count is not None)
            else [(header, data, dict(ts=ts, ts_ns=ts_ns, length=length, encap=encap,
                                      interface_id=interface_id, comments=comments,
                                      pack_flags=pack_flags, drop_count=drop_count))])

    def write_records(self, records: Iterable[Tuple[Any, ...]], batch: int = 512) -> int:
        """Write ``(PacketHeader or None, bytes[, overrides])`` tuples, e.g.
        straight from iterating a :class:`~wirepy.lib.wtap.WTAP`, in batches
        of one C call each. Returns the number written."""
        self._check()
        total = 0
        chunk: List[Tuple[Any, ...]] = []
        for rec in records:
            chunk.append(rec)
            if len(chunk) >= batch:
                total += self._write_chunk(chunk)
                chunk = []
        if chunk:
            total += self._write_chunk(chunk)
        return total

    def _write_chunk(self, chunk) -> int:
        n = len(chunk)
        hdrs = ffi.new("wirepy_wtap_hdr[]", n)
        parts: List[bytes] = []
        pos = 0
        has = _has_flags()
        for i, rec in enumerate(chunk):
            header, data = rec[0], rec[1]
            opts = rec[2] if len(rec) > 2 else {}
            h = hdrs[i]
            comments: Sequence[str] = ()
            if header is not None:
                src = header.cdata
                h.ts_secs = src.ts_secs
                h.ts_nsecs = src.ts_nsecs
                h.len = src.len
                h.pkt_encap = src.pkt_encap
                h.interface_id = src.interface_id
                h.presence_flags = src.presence_flags | lib.WTAP_HAS_CAP_LEN
                h.tsprec = src.tsprec
                h.pack_flags = src.pack_flags
                h.drop_count = src.drop_count
                h.has_flags = src.has_flags
                h.section_number = 0
                comments = header.comments
            else:
                h.len = len(data)
                h.pkt_encap = self._default_encap
                h.presence_flags = has
                h.tsprec = lib.WTAP_TSPREC_NSEC
            if opts:
                if opts.get("ts_ns") is not None:
                    h.ts_secs, h.ts_nsecs = divmod(int(opts["ts_ns"]), 1_000_000_000)
                elif opts.get("ts") is not None:
                    ns = round(opts["ts"] * 1e9)
                    h.ts_secs, h.ts_nsecs = divmod(ns, 1_000_000_000)
                if opts.get("length") is not None:
                    h.len = opts["length"]
                if opts.get("encap") is not None:
                    e = opts["encap"]
                    h.pkt_encap = e if isinstance(e, int) else int(EncapsulationType(e))
                if opts.get("interface_id"):
                    h.interface_id = opts["interface_id"]
                if opts.get("comments"):
                    comments = tuple(opts["comments"])
                if opts.get("pack_flags") is not None:
                    h.pack_flags = opts["pack_flags"]
                    h.has_flags |= 1
                if opts.get("drop_count") is not None:
                    h.drop_count = opts["drop_count"]
                    h.has_flags |= 2
            if h.pkt_encap < 0:
                raise WTAPError("a per-packet-encapsulation file needs encap= for each packet")
            data = bytes(data)
            h.caplen = len(data)
            h.data_off = pos
            parts.append(data)
            pos += len(data)
            h.comments_off = pos
            if comments:
                blob = b"".join(c.encode("utf-8", "surrogateescape") + b"\0" for c in comments)
                h.n_comments = len(comments)
                h.comments_len = len(blob)
                parts.append(blob)
                pos += len(blob)
        buf = b"".join(parts)
        err = ffi.new("int *")
        err_info = ffi.new("gchar **")
        with wireshark.lock:
            done = lib.wirepy_wtap_write_batch(self._writer, hdrs, n,
                                               ffi.from_buffer(buf) if buf else ffi.NULL,
                                               err, err_info)
        if done < n:
            raise make_error(err[0] or lib.WTAP_ERR_CANT_WRITE, err_info, self.filename, True)
        return done

    def copy_from(self, source=None) -> int:
        """Copy every remaining record of *source* (default: the dumper's
        source) in one C loop, adding interface descriptions as they
        appear. Returns the number of records copied."""
        self._check()
        source = source if source is not None else self.source
        if source is None:
            raise WTAPError("copy_from needs a source WTAP")
        err = ffi.new("int *")
        err_info = ffi.new("gchar **")
        write_failed = ffi.new("int *")
        with wireshark.lock:
            n = lib.wirepy_wtap_copy(source._reader, self._writer, err, err_info,
                                     write_failed)
            wireshark.flush_log()
        if write_failed[0]:
            # 4.0's gzip writer reports a zero-length write as a failure
            # without an error code; don't let that pass as a short file.
            raise make_error(err[0] or lib.WTAP_ERR_CANT_WRITE, err_info, self.filename, True)
        if err[0]:
            raise make_error(err[0], err_info, source.filename, False)
        return n

    def __repr__(self) -> str:
        return f"<Dumper {self.filename!r} {self.file_type.name}>"


def _spec(obj: Any) -> Mapping[str, Any]:
    if isinstance(obj, Mapping):
        return obj
    if hasattr(obj, "_asdict"):
        return obj._asdict()
    raise TypeError(f"interface description must be a mapping, not {type(obj).__name__}")


def _fspath(path) -> str:
    return os.fspath(path)


def _fsencode(path: str) -> bytes:
    return os.fsencode(path)
