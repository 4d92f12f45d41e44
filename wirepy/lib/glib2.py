"""GLib2-related objects used by libwireshark."""

from __future__ import annotations

from typing import Any, Callable, Iterator, Optional

from . import cdata
from .wireshark import ffi, lib

__all__ = ["SinglyLinkedListIterator", "String", "from_gchar"]


def from_gchar(cdata_obj, free: bool = True) -> Optional[str]:
    """Build a Python string from a ``gchar *``.

    :param cdata_obj: the ``gchar *`` (NULL gives None).
    :param free: ``g_free()`` the C string afterwards (the caller owned it).
    """
    if cdata_obj == ffi.NULL:
        return None
    try:
        return ffi.string(cdata_obj).decode("utf-8", "surrogateescape")
    finally:
        if free:
            lib.g_free(cdata_obj)


class SinglyLinkedListIterator(cdata.CDataObject):
    """A singly-linked list (GSList).

    :param init: the ``GSList *`` to wrap (NULL is an empty list).
    :param callable: applied to each item's ``data`` pointer while
        iterating (e.g. a cast or a string conversion); items are the raw
        ``gpointer`` s without it.
    :param gc: free the list cells with ``g_slist_free`` when this object is
        garbage-collected (the data the cells point to is not freed).
    """

    _struct = "GSList"
    __slots__ = ("_callable", "_owner")

    next = cdata.ROAttribute(doc="The next item in the list.")

    def __init__(self, init, callable: Optional[Callable[[Any], Any]] = None,
                 gc: bool = True) -> None:
        if gc and init != ffi.NULL:
            init = ffi.gc(init, lib.g_slist_free)
        self.cdata = init
        self._callable = callable

    def __iter__(self) -> Iterator[Any]:
        """Iterate over all data-items in the list."""
        convert = self._callable
        node = self.cdata
        while node != ffi.NULL:
            yield convert(node.data) if convert is not None else node.data
            node = node.next

    def __len__(self) -> int:
        return lib.g_slist_length(self.cdata) if self.cdata != ffi.NULL else 0

    def __bool__(self) -> bool:
        return self.cdata != ffi.NULL

    def __repr__(self) -> str:
        return f"<SinglyLinkedListIterator of {len(self)} items>"


class String(cdata.CDataObject):
    """A GString.

    :param string: the initial text (:class:`str` or :class:`bytes`), or an
        existing ``GString *`` to wrap; a wrapped GString is not freed by
        this object.
    """

    _struct = "GString"
    __slots__ = ()

    len = cdata.ROAttribute(doc="The length of the string.")
    allocated_len = cdata.ROAttribute(doc="Amount of allocated memory.")

    def __init__(self, string) -> None:
        if isinstance(string, ffi.CData):
            self.cdata = string
            return
        if isinstance(string, str):
            string = string.encode("utf-8", "surrogateescape")
        self.cdata = ffi.gc(lib.g_string_new_len(string, len(string)), String.free)

    @staticmethod
    def free(cdata_obj) -> None:
        """Frees the memory allocated for the GString."""
        lib.g_string_free(cdata_obj, True)

    def append(self, text) -> None:
        """Append *text* (:class:`str` or :class:`bytes`) to the string."""
        if isinstance(text, str):
            text = text.encode("utf-8", "surrogateescape")
        lib.g_string_append_len(self.cdata, text, len(text))

    def __bytes__(self) -> bytes:
        return bytes(ffi.buffer(self.cdata.str, self.cdata.len))

    def __str__(self) -> str:
        return bytes(self).decode("utf-8", "surrogateescape")

    def __len__(self) -> int:
        return self.cdata.len
