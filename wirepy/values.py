"""Typed values of dissected fields, decoded from the C shim's batch output.

The shim describes each field occurrence with three integers (the field
type and two values) plus, for some types, a text or a slice of the raw
byte buffer. :func:`decode` turns that into the natural Python value, by
the one table of field types in :mod:`wirepy.lib.ftypes` (which this module
presents to users of the Pythonic API): integers are :class:`int`, times
:class:`datetime.datetime` / :class:`datetime.timedelta`, addresses
:mod:`ipaddress` objects, bytes :class:`bytes`, MACs and OIDs Wireshark's
text, and so on.
"""

from __future__ import annotations

from .lib.ftypes import decode, decoder_for, types_of_class
from .lib.timestamp import UNIX_EPOCH as EPOCH
from .lib.wireshark import lib

__all__ = ["decode", "decoder_for", "EPOCH", "BYTES_TYPES", "TEXT_TYPES"]

#: Types whose Python value is :class:`bytes`.
BYTES_TYPES = types_of_class(lib.WIREPY_VC_BYTES)
#: Types whose Python value is Wireshark's own text for them.
TEXT_TYPES = types_of_class(lib.WIREPY_VC_SHOWN)
