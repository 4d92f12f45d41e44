"""Typed values of dissected fields, decoded from the C shim's batch output.

The shim describes each field occurrence with three integers (the field
type and two values) plus, for some types, a text or a slice of the raw
byte buffer. :func:`decode` turns that into the natural Python value:

=============================  ==========================================
field type                     Python value
=============================  ==========================================
integers, FRAMENUM, CHAR       :class:`int`
BOOLEAN                        :class:`bool`
FLOAT, DOUBLE                  :class:`float`
ABSOLUTE_TIME                  :class:`datetime.datetime` (UTC); beyond the
                               years 1 to 9999, :class:`int` nanoseconds
                               since the epoch
RELATIVE_TIME                  :class:`datetime.timedelta`
STRING and its variants        :class:`str`
BYTES, UINT_BYTES, ...         :class:`bytes`
IPv4, IPv6                     :mod:`ipaddress` address (network if masked)
GUID                           :class:`uuid.UUID`
ETHER, EUI64, OID, IPXNET      :class:`str`: Wireshark's text
NONE                           ``True`` (the field is present)
PROTOCOL                       :class:`str`: the protocol's text
=============================  ==========================================
"""

from __future__ import annotations

import datetime
import struct
from typing import Any, Callable, Dict

from .lib.ftypes import _ip
from .lib.timestamp import UNIX_EPOCH as EPOCH
from .lib.timestamp import far_time_ns
from .lib.wireshark import lib

__all__ = ["decode", "EPOCH", "BYTES_TYPES", "TEXT_TYPES"]

_UNSIGNED64 = {lib.FT_UINT40, lib.FT_UINT48, lib.FT_UINT56, lib.FT_UINT64}
BYTES_TYPES = frozenset({lib.FT_BYTES, lib.FT_UINT_BYTES, lib.FT_ETHER, lib.FT_OID,
                         lib.FT_REL_OID, lib.FT_SYSTEM_ID, lib.FT_AX25, lib.FT_VINES,
                         lib.FT_FCWWN})
#: Types whose Python value is Wireshark's own text for them.
TEXT_TYPES = frozenset({lib.FT_ETHER, lib.FT_EUI64, lib.FT_OID, lib.FT_REL_OID,
                        lib.FT_IPXNET, lib.FT_PROTOCOL})
_pack_q = struct.Struct("<q").pack
_unpack_d = struct.Struct("<d").unpack


def _int(v1, v2, text, raw, shown):
    return v1


def _uint64(v1, v2, text, raw, shown):
    return v1 + (1 << 64) if v1 < 0 else v1


def _bool(v1, v2, text, raw, shown):
    return v1 != 0


def _float(v1, v2, text, raw, shown):
    return _unpack_d(_pack_q(v1))[0]


def _abs_time(v1, v2, text, raw, shown):
    return far_time_ns(v1, v2)


def _rel_time(v1, v2, text, raw, shown):
    return datetime.timedelta(seconds=v1, microseconds=v2 // 1000)


def _text(v1, v2, text, raw, shown):
    return text


def _bytes(v1, v2, text, raw, shown):
    return text


_ADDRESSES: dict = {}


def _address(v1, v2, text, raw, shown):
    # Captures repeat their addresses: the (immutable) objects are shared.
    address = _ADDRESSES.get(text)
    if address is None:
        try:
            address = _ip(text)
        except ValueError:
            return text
        if len(_ADDRESSES) >= 65536:
            _ADDRESSES.clear()
        _ADDRESSES[text] = address
    return address


def _guid(v1, v2, text, raw, shown):
    import uuid  # GUIDs are rare: not imported at start-up

    try:
        return uuid.UUID(text)
    except ValueError:
        return text


def _float_text(v1, v2, text, raw, shown):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _shown(v1, v2, text, raw, shown):
    return shown


def _present(v1, v2, text, raw, shown):
    return True


_DECODERS: Dict[int, Callable] = {}
for _ft in (lib.FT_CHAR, lib.FT_UINT8, lib.FT_UINT16, lib.FT_UINT24, lib.FT_UINT32,
            lib.FT_FRAMENUM, lib.FT_INT8, lib.FT_INT16, lib.FT_INT24, lib.FT_INT32,
            lib.FT_INT40, lib.FT_INT48, lib.FT_INT56, lib.FT_INT64):
    _DECODERS[_ft] = _int
for _ft in _UNSIGNED64:
    _DECODERS[_ft] = _uint64
for _ft in (lib.FT_STRING, lib.FT_STRINGZ, lib.FT_UINT_STRING, lib.FT_STRINGZPAD,
            lib.FT_STRINGZTRUNC):
    _DECODERS[_ft] = _text
for _ft in BYTES_TYPES:
    _DECODERS[_ft] = _bytes
for _ft in TEXT_TYPES:
    _DECODERS[_ft] = _shown
_DECODERS.update({
    lib.FT_BOOLEAN: _bool,
    lib.FT_FLOAT: _float,
    lib.FT_DOUBLE: _float,
    lib.FT_ABSOLUTE_TIME: _abs_time,
    lib.FT_RELATIVE_TIME: _rel_time,
    lib.FT_IPv4: _address,
    lib.FT_IPv6: _address,
    lib.FT_GUID: _guid,
    lib.FT_IEEE_11073_SFLOAT: _float_text,
    lib.FT_IEEE_11073_FLOAT: _float_text,
    lib.FT_NONE: _present,
    # a value whose rendering threw in Wireshark (see dissect.h)
    lib.WIREPY_FT_ERROR: lambda v1, v2, text, raw, shown: None,
})
del _ft


def decode(ftype: int, v1: int, v2: int, text, raw: bytes, shown: str) -> Any:
    """The Python value of one field occurrence.

    :param text: the shim's text for string-like types, the bytes for
        bytes-like types (or None).
    :param raw: unused (kept for symmetry with the shim's layout).
    :param shown: the occurrence as ``tshark -T fields`` renders it.
    """
    decoder = _DECODERS.get(ftype)
    return decoder(v1, v2, text, raw, shown) if decoder is not None else shown


def decoder_for(ftype: int) -> Callable:
    """The decoding function for *ftype* (see :func:`decode`)."""
    return _DECODERS.get(ftype, _shown)
