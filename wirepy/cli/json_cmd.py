"""``wirepy json``: one JSON object per packet (JSON lines), typed values."""

from __future__ import annotations

import argparse
import base64
import datetime
import ipaddress
import json
import sys
import uuid
from typing import Any, Dict, List

from ..capture import FileCapture
from ..lib.timestamp import TimestampRangeError
from ..packet import Packet
from .common import dissection_options


def to_json(value: Any) -> Any:
    """A field value as JSON: numbers and strings as they are, addresses
    and UUIDs as text, times in ISO 8601 (durations in seconds), bytes as
    hex."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address,
                          ipaddress.IPv4Network, ipaddress.IPv6Network, uuid.UUID)):
        return str(value)
    return base64.b64encode(value).decode() if isinstance(value, (bytearray, memoryview)) \
        else str(value)


def _iso_time(pkt: Packet) -> Any:
    """The capture time in ISO 8601, or null beyond the years a datetime
    holds (time_ns has it)."""
    try:
        return pkt.time.isoformat()
    except TimestampRangeError:
        return None


def packet_object(pkt: Packet, names: List[str]) -> Dict[str, Any]:
    """The JSON object of one packet: number, time, lengths, protocols and
    the fields (all of them with the full tree, else *names*); a field that
    occurs once is a value, several times a list."""
    obj: Dict[str, Any] = {
        "number": pkt.number,
        "time": _iso_time(pkt),
        "time_ns": pkt.time_ns,
        "length": pkt.length,
        "captured_length": pkt.captured_length,
        "protocols": pkt.protocols,
    }
    fields: Dict[str, Any] = {}
    if not names:
        names = [n for n in pkt.tree.by_abbrev if not n.startswith("_ws.")]
    for name in names:
        values = [to_json(v) for v in pkt.get_all(name)]
        if values:
            fields[name] = values[0] if len(values) == 1 else values
    obj["fields"] = fields
    return obj


def run(args: argparse.Namespace) -> int:
    names = list(dict.fromkeys(args.fields or []))
    cap = FileCapture(args.file, display_filter=args.display_filter, two_pass=args.two_pass,
                      fields=names or None, columns=False, **dissection_options(args))
    sys.stdout.flush()
    write = sys.stdout.buffer.write
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    count = 0
    for pkt in cap:
        line = dumps(packet_object(pkt, names)) + "\n"
        try:
            data = line.encode("utf-8")
        except UnicodeEncodeError:
            # text that was not UTF-8 in the capture (a pcapng comment):
            # JSON must be, so those bytes show as U+FFFD
            data = line.encode("utf-8", "surrogateescape").decode("utf-8", "replace").encode()
        write(data)
        count += 1
        if args.count and count >= args.count:
            break
    return 0
