"""Wireshark's field registry: look up, search and describe fields.

>>> from wirepy import fields
>>> f = fields.describe("ip.proto")
>>> f.name, f.type, f.protocol
('Protocol', 'FT_UINT8', 'ip')
>>> f.value_strings[6]
'TCP'
>>> [f.abbrev for f in fields.search("dns.qry.n")][:2]
['dns.qry.name', 'dns.qry.name.len']
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional

from .errors import UnknownFieldError
from .lib import epan

__all__ = ["FieldInfo", "describe", "search", "protocols", "exists", "unknown"]


@dataclass(frozen=True)
class FieldInfo:
    """What Wireshark knows about a field."""

    abbrev: str
    name: str
    type: str
    protocol: str
    description: Optional[str]
    value_strings: Dict[int, str] = field(default_factory=dict, compare=False, repr=False)
    true_false: Optional[tuple] = None
    bitmask: int = 0


def _info(f: epan.Field) -> FieldInfo:
    parent = f.parent
    protocol = parent.filter_name if parent is not None else f.abbrev
    strings = f.strings
    values: Dict[int, str] = {}
    true_false = None
    if isinstance(strings, epan.TrueFalseString):
        true_false = (strings.true_string, strings.false_string)
    elif strings is not None:
        try:
            for item in strings:
                if isinstance(item, epan.StringValue):
                    values[item.value] = item.string
                elif isinstance(item, epan.RangeValue):
                    for v in range(item.value_min, min(item.value_max, item.value_min + 255) + 1):
                        values.setdefault(v, item.string)
        except TypeError:
            pass
    type_name = f.type_.name
    if not type_name.startswith("FT_"):
        type_name = "FT_" + type_name
    return FieldInfo(f.abbrev, f.name, type_name, protocol, f.blurb, values,
                     true_false, f.bitmask)


def describe(abbrev: str) -> FieldInfo:
    """Describe field (or protocol) *abbrev*.

    :raises UnknownFieldError: if Wireshark knows no such field.
    """
    try:
        return _info(epan.Field(abbrev))
    except (epan.InvalidFieldError, KeyError, ValueError):
        raise unknown(abbrev) from None


def exists(abbrev: str) -> bool:
    """True if *abbrev* names a field or protocol."""
    try:
        epan.Field(abbrev)
        return True
    except (epan.InvalidFieldError, KeyError, ValueError):
        return False


def unknown(name: str) -> UnknownFieldError:
    """The error for a name Wireshark does not know, with the nearest names
    of its protocol (``http.request.metod``: did you mean
    ``http.request.method``?)."""
    message = f"{name!r} is neither a field nor a protocol name"
    try:
        proto = epan.Protocol(name.split(".")[0])
        names = [f.abbrev for f in proto.iter_fields()]
    except Exception:  # noqa: BLE001 - not even the protocol exists: nothing to offer
        names = []
    close = difflib.get_close_matches(name, names, n=3)
    if close:
        message += f" (did you mean {', '.join(repr(c) for c in close)}?)"
    return UnknownFieldError(message)


def protocols() -> List[str]:
    """The filter names of every registered protocol."""
    return sorted(p.filter_name for p in epan.iter_protocols())


def search(text: str, *, protocol: Optional[str] = None,
           in_description: bool = False) -> Iterator[FieldInfo]:
    """Fields whose name starts with *text* (or contains it, if it has no
    dot), optionally of one *protocol*; with *in_description*, fields whose
    long name or description mentions *text* too."""
    needle = text.lower()
    prefix_only = "." in text
    protos = [epan.Protocol(protocol)] if protocol else epan.iter_protocols()
    for proto in protos:
        for f in proto.iter_fields():
            abbrev = f.abbrev
            hit = abbrev.startswith(text) if prefix_only else needle in abbrev.lower()
            if not hit and in_description:
                hit = needle in (f.name or "").lower() or needle in (f.blurb or "").lower()
            if hit:
                yield _info(f)
