"""Display filters.

Wireshark uses display filters for packet filtering within the GUI. The
rich syntax makes them very useful for filtering packets without manual
inspection of a packet's protocol tree. Because display filters are
compiled to bytecode and executed within wireshark's own VM, complex
filters also perform much better than inspection from within Python.

Example::

    filter_islocal = dfilter.DisplayFilter('ip.src==192.168.0.0/16')
    edt = epan.Dissect()
    edt.prime_dfilter(filter_islocal)
    edt.run(wt)
    passed = filter_islocal.apply_edt(edt)

Macros (``${name:args}``) are expanded first, as tshark does. An empty
filter compiles to "no filter" (libwireshark returns NULL) and matches
every packet.
"""

from __future__ import annotations

import os
import re
import warnings
from typing import Any, List, Optional, Tuple

from . import wireshark
from .glib2 import from_gchar
from .interrupts import uninterrupted
from .wireshark import ffi, lib

__all__ = ["DisplayFilterError", "DisplayFilter"]


class DisplayFilterError(Exception):
    """Base-class for display-filter-related errors.

    :ivar message: Wireshark's message.
    :ivar location: ``(column, length)`` of the offending part of the
        filter text, or None.
    """

    def __init__(self, message: str, location: Optional[Tuple[int, int]] = None,
                 text: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.text = text


_STRING_LITERAL = re.compile(r'"(?:\\.|[^"\\])*"')
_SLICES = re.compile(r"\[([^\]]*)\]")
_NEGATIVE_TO_ZERO = re.compile(r"\s*(-\s*\d+)\s*-\s*0+\s*$")


def _unsafe_range(text: str) -> Optional[Tuple[str, Tuple[int, int]]]:
    """(message, location) for a slice range from a negative offset to 0
    (``frame[-5-0]``): Wireshark 4.0's compiler accepts it and applying it
    aborts the process (an assertion in ``slice_func``); tshark dies of it.
    The message is the one Wireshark gives for other mixed-sign ranges."""
    blanked = _STRING_LITERAL.sub(lambda m: " " * len(m.group()), text)
    for brackets in _SLICES.finditer(blanked):
        at = brackets.start(1)
        for element in brackets.group(1).split(","):
            found = _NEGATIVE_TO_ZERO.match(element)
            if found:
                start = found.group(1).replace(" ", "")
                where = (at + found.start(1), len(element.strip()))
                return (f"Range {element.strip()} isn't valid because {start} and 0 have "
                        "different signs", where)
            at += len(element) + 1
    return None


class DisplayFilter:
    """A display-filter.

    :param init: the filter text (or a ``dfilter_t *`` to wrap).
    :raises DisplayFilterError: if the text fails to compile; the error
        carries Wireshark's message and location.

    Deprecated tokens (``~=``, protocol aliases such as ``ssl``) give a
    :class:`DeprecationWarning` and are listed in :attr:`deprecated`.
    """

    def __init__(self, init: Any) -> None:
        wireshark.initialize()
        from .epan import init_dissection
        init_dissection()
        self.cdata = None
        self.deprecated: List[str] = []
        if not isinstance(init, str):
            self.cdata = init
            self.text = None
            return
        self.text = init
        err = ffi.new("char **")
        with wireshark.lock:
            expanded = lib.wirepy_dfilter_expand(init.encode(), err)
            if expanded == ffi.NULL:
                msg = from_gchar(err[0]) or "macro expansion failed"
                wireshark.flush_log()
                raise DisplayFilterError(msg, None, init)
            unsafe = _unsafe_range(ffi.string(expanded).decode("utf-8", "replace"))
            if unsafe is not None:
                lib.g_free(expanded)
                wireshark.flush_log()
                raise DisplayFilterError(*unsafe, init)
            try:
                dfp = ffi.new("dfilter_t **")
                errmsg = ffi.new("char **")
                col_start = ffi.new("long *")
                col_len = ffi.new("size_t *")
                ok = lib.wirepy_dfilter_compile(expanded, dfp, errmsg, col_start, col_len)
            finally:
                lib.g_free(expanded)
            if not ok:
                msg = from_gchar(errmsg[0]) or "invalid filter"
                location = (col_start[0], col_len[0]) if col_start[0] >= 0 else None
                wireshark.flush_log()
                raise DisplayFilterError(msg, location, init)
            if dfp[0] != ffi.NULL:
                self.cdata = ffi.gc(dfp[0], _free)
                toks = lib.dfilter_deprecated_tokens(dfp[0])
                if toks != ffi.NULL:
                    for i in range(toks.len):
                        self.deprecated.append(
                            ffi.string(ffi.cast("char *", toks.pdata[i])).decode())
        wireshark.flush_log()
        for tok in self.deprecated:
            warnings.warn(f"Deprecated token {tok!r} in display filter {init!r}",
                          DeprecationWarning, stacklevel=2)

    def __repr__(self) -> str:
        return f"<DisplayFilter {self.text!r}>"

    @property
    def matches_all(self) -> bool:
        """True for the empty filter (no bytecode; every packet passes)."""
        return self.cdata is None

    def apply_edt(self, edt) -> bool:
        """Apply this DisplayFilter to a Dissect-instance's loaded packet.

        The Dissect's tree must have been primed with this filter
        (:meth:`~wirepy.lib.epan.Dissect.prime_dfilter`), or the answer may
        be wrong for invisible trees.
        """
        from .epan import EpanError, _guard
        edt._require_live()
        if self.cdata is None:
            return True
        if not edt._create_tree:
            # dfilter_apply_edt asserts (aborts the process) without a tree
            raise EpanError("a display filter needs a protocol tree: this Dissect builds "
                            "none (create_proto_tree=False)")
        with _guard:
            return bool(lib.dfilter_apply_edt(self.cdata, edt.cdata))

    def apply(self, proto_tree) -> bool:
        """Apply this DisplayFilter to the packet loaded in *proto_tree*'s
        Dissect (a :class:`~wirepy.lib.epan.Dissect`)."""
        return self.apply_edt(proto_tree)

    def prime_proto_tree(self, proto_tree) -> None:
        """Prime a Dissect (its next packets' trees) with the fields and
        protocols used in this DisplayFilter."""
        proto_tree.prime_dfilter(self)

    def dump(self) -> str:
        """The bytecode as text (what ``dfilter_dump`` prints)."""
        if self.cdata is None:
            return ""
        import tempfile  # only here: it costs start-up time to every user

        fd, path = tempfile.mkstemp(prefix="wirepy-dfilter-")
        try:
            with wireshark.lock:
                rc = lib.wirepy_dfilter_dump(self.cdata, fd)
            if rc != 0:
                raise DisplayFilterError("could not capture the dump")
            with open(path, encoding="utf-8", errors="replace") as f:
                return f.read()
        finally:
            os.close(fd)
            os.unlink(path)


@uninterrupted
def _free(df) -> None:
    # called by CFFI when the filter's cdata goes: a Ctrl-C raised in here
    # would be printed and dropped, so it waits until this is done
    if not wireshark.is_finalized():
        with wireshark.lock:
            lib.dfilter_free(df)
