"""Export objects: the files a capture carried -- HTTP bodies, SMB files,
IMF (e-mail) messages, TFTP transfers, DICOM objects -- as Wireshark's
"Export Objects" and ``tshark --export-objects PROTO,DIR`` save them.

An :class:`ObjectList` is a tap listener on the protocol's export-object
tap (``epan/export_object.h``): the dissector hands each object it
reassembled to the list during the read, in C; Python copies them out
afterwards::

    import wirepy, wirepy.export_objects

    http = wirepy.export_objects.ObjectList("http")
    for pkt in wirepy.FileCapture("capture.pcap", taps=[http]):
        ...
    for obj in http.objects:
        print(obj.packet, obj.hostname, obj.content_type, obj.filename, obj.size)
    http.write("out")            # the same files, names and bytes as tshark's

or in one call: ``wirepy.export_objects.export_objects("capture.pcap",
"http").write("out")``.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, NamedTuple, Optional, Union

from .errors import WirepyError
from .lib.epan_session import _guard, init_dissection
from .lib.taps import CListener, TapListener
from .lib.wireshark import ffi, lib

__all__ = ["ExportObjectsError", "UnknownObjectProtocolError", "ExportedObject", "ObjectList",
           "export_objects", "protocols"]


class ExportObjectsError(WirepyError):
    """Base class of the export objects' errors."""


class UnknownObjectProtocolError(ExportObjectsError, ValueError):
    """No export objects for that protocol (the message lists the ones
    there are)."""


class ExportedObject(NamedTuple):
    """One object, as the protocol's dissector reassembled it."""

    #: the frame that completed it
    packet: int
    #: the host it came from, as the protocol names it (None if it does not)
    hostname: Optional[str]
    content_type: Optional[str]
    #: the name the protocol gives it (None if it gives none)
    filename: Optional[str]
    data: bytes

    @property
    def size(self) -> int:
        """The object's size in bytes."""
        return len(self.data)


def _names(fn) -> List[str]:
    init_dissection()
    with _guard:
        names = fn()
    try:
        return ffi.string(names).decode().split(", ") if names != ffi.NULL else []
    finally:
        lib.g_free(names)


def protocols() -> List[str]:
    """The protocols with export objects (``dicom``, ``http``, ``imf``,
    ``smb``, ``tftp``...)."""
    return _names(lib.wirepy_eo_names)


def _str(cdata, errors: str = "replace") -> Optional[str]:
    return ffi.string(cdata).decode("utf-8", errors) if cdata != ffi.NULL else None


#: The list of each protocol with a list of its own (SMB, FTP-DATA) that
#: was registered last (see ObjectList._register).
_stateful_lists: Dict[str, ObjectList] = {}


class ObjectList(TapListener):
    """The objects of one protocol, collected during a read.

    SMB (and FTP-DATA) keep the files they are filling in a list of their
    own, in Wireshark: one read can fill only one list of such a protocol
    (a second one registered for the same read raises
    :class:`ExportObjectsError`); each read starts that list anew.

    :param protocol: the protocol's filter name (see :func:`protocols`).
    :raises UnknownObjectProtocolError: for a protocol without export
        objects.
    """

    def __init__(self, protocol: str = "http") -> None:
        protocol = protocol.lower()
        init_dissection()
        with _guard:
            data = lib.wirepy_eo_new(protocol.encode())
        if data == ffi.NULL:
            raise UnknownObjectProtocolError(
                f"no export objects for protocol {protocol!r}; there are: "
                f"{', '.join(protocols())}")
        self._data = ffi.gc(data, lib.wirepy_eo_free)
        self.protocol = protocol
        super().__init__(ffi.string(lib.wirepy_eo_tap(data)).decode())

    def _register(self) -> None:
        if lib.wirepy_eo_has_protocol_state(self._data):
            other = _stateful_lists.get(self.protocol)
            if other is not None and other is not self and other._registered:
                raise ExportObjectsError(
                    f"only one {self.protocol} list of export objects can take part in a "
                    f"read ({self.protocol} keeps the files it fills in a list of its own)")
            super()._register()
            _stateful_lists[self.protocol] = self
        else:
            super()._register()

    def _c_listener(self) -> CListener:
        return CListener(lib.wirepy_eo_tapdata(self._data), lib.wirepy_eo_packet_cb(self._data),
                         lib.wirepy_eo_reset, lib.wirepy_eo_finish)

    @property
    def objects(self) -> List[ExportedObject]:
        """The objects of the last read, in the order they were completed
        (copies)."""
        with self._reading():
            n = lib.wirepy_eo_count(self._data)
            out = ffi.new("wirepy_eo_object[]", max(n, 1))
            lib.wirepy_eo_objects(self._data, out)
            return [ExportedObject(int(o.packet), _str(o.hostname), _str(o.content_type),
                                   _str(o.filename, "surrogateescape"),
                                   bytes(ffi.buffer(o.data, o.len)) if o.len else b"")
                    for o in out[0:n]]

    def __len__(self) -> int:
        with self._reading():
            return int(lib.wirepy_eo_count(self._data))

    def write(self, folder: Union[str, os.PathLike]) -> List[str]:
        """Write the objects into *folder* (made if missing) as ``tshark
        --export-objects PROTO,FOLDER`` does: each under its name with the
        characters Windows refuses written ``%xx`` (``object<packet>`` and
        its content type without one), a name already taken numbered
        ``name(1).ext``, ``name(2).ext``...; returns the paths written."""
        folder = os.fspath(folder)
        os.makedirs(folder, mode=0o755, exist_ok=True)
        tries = int(lib.wirepy_eo_max_tries())
        written = []
        for obj in self.objects:
            count = 0
            while True:
                path = os.path.join(folder, _file_name(obj, count))
                count += 1
                if not os.path.exists(path) or count >= tries:
                    break
            with open(path, "wb") as f:
                f.write(obj.data)
            written.append(path)
        return written

    def __repr__(self) -> str:
        return f"<ObjectList {self.protocol}>"


def _file_name(obj: ExportedObject, dup: int) -> str:
    """The name tshark saves *obj* under on its *dup*-th try (Wireshark's
    ``eo_massage_str``)."""
    def c(text: Optional[str]):
        return text.encode("utf-8", "surrogateescape") if text is not None else ffi.NULL

    name = lib.wirepy_eo_file_name(c(obj.filename), obj.packet, c(obj.content_type), dup)
    try:
        return os.fsdecode(ffi.string(name))
    finally:
        lib.g_free(name)


def export_objects(path: Union[str, os.PathLike], protocol: str = "http",
                   **capture_options: Any) -> ObjectList:
    """The objects of *protocol* in a capture file, in one read.

    :param capture_options: more :class:`~wirepy.FileCapture` arguments
        (``display_filter``, ``prefs``, ``decode_as``, ``two_pass``...).
    """
    from .capture import FileCapture

    objects = ObjectList(protocol)
    cap = FileCapture(path, fields=[], taps=[objects], **capture_options)
    cap._read_for_taps()
    return objects
