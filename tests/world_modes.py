"""Read one capture in every mode of wirepy's API and print what was read as JSON.

Run by tests/test_wireshark_captures.py in a child process per capture, so
that a crash fails that capture's tests and names it instead of ending the
test run. Usage: python tests/world_modes.py CAPTURE

Every node of every full tree is touched (label, show, value, field text);
the values are not printed, only whether reading them raised.
"""

from __future__ import annotations

import json
import sys
import zlib
from typing import Any, Callable, Dict

import wireshark_series

import wirepy
import wirepy.lib.wtap as wtap
from wirepy.cli.fields_format import escape
from wirepy.lib import pcap

#: Fields compared with tshark -T fields (in both of wirepy's modes).
FIELDS = ["frame.number", "frame.len", "frame.protocols", "eth.src", "ip.src", "ip.dst",
          "ipv6.src", "tcp.srcport", "tcp.len", "udp.length", "dns.qry.name",
          "http.request.uri", "tls.handshake.type", "wlan.sa", "data.data",
          "_ws.expert.message", "_ws.malformed"]
#: Fields that point forward: filled by a second pass only.
TWO_PASS_FIELDS = ["frame.number", "tcp.reassembled_in", "dns.response_in",
                   "http.response_in", "ip.reassembled_in"]
DISPLAY_FILTER = "tcp || udp || (frame.len > 100 && !ipv6)"


#: Each packet's typed values in its full tree, by field (full_trees fills
#: it, typed_values compares it with field extraction's).
_TREE_VALUES: list = []


def _typed(value: Any) -> list:
    return [type(value).__name__, repr(value)]


def full_trees(path: str) -> list:
    packets = []
    _TREE_VALUES.clear()
    for pkt in wirepy.FileCapture(path):
        nodes = []
        by_field: Dict[str, list] = {}
        _TREE_VALUES.append(by_field)
        for node in pkt.tree:
            value = node.value  # reading them must not fail
            node.field_text  # noqa: B018
            if node.abbrev and not node.error:
                by_field.setdefault(node.abbrev, []).append(_typed(value))
            nodes.append([node.abbrev, node.show, node.label, node.is_protocol,
                          node.type_ == wirepy.lib.ftypes.FieldType.PROTOCOL, node.hidden,
                          node.error, node.offset, node.length])
        packets.append({"nodes": nodes, "render_errors": pkt.render_errors,
                        "fields": [[escape(s) for s in pkt.field_strings(f)] for f in FIELDS]})
    return packets


def typed_values(path: str) -> dict:
    """Every field of the full trees extracted as fields: the typed values of
    the two paths must be equal (one table of field types decodes both).
    Where dissection itself differs (a field only a visible tree gets), the
    field is not compared: that is not about values."""
    # (a file that cannot be read raises here as in the other modes)
    names = sorted({name for by_field in _TREE_VALUES for name in by_field}) or ["frame.number"]
    compared, mismatches = 0, []
    for pkt, by_field in zip(wirepy.FileCapture(path, fields=names), _TREE_VALUES):
        for name, tree_values in by_field.items():
            got = [_typed(v) for v in pkt.get_all(name)]
            if len(got) != len(tree_values):
                continue
            compared += 1
            # a run-dependent text (4.4's HTTP/3 memory addresses) differs
            # between two dissections of the same packet
            if (wireshark_series.mask_run_dependent(got)
                    != wireshark_series.mask_run_dependent(tree_values)) and len(mismatches) < 20:
                mismatches.append([pkt.number, name, tree_values, got])
    return {"compared": compared, "mismatches": mismatches}


def epan_trees(path: str) -> list:
    """The epan layer's own paths: a packet at a time (``Dissect.run`` and
    ``.tree``, the shim's wirepy_tree_flatten) and in batches
    (``iter_trees``); both must equal the Pythonic API's trees."""
    from wirepy.lib import epan

    single, batched = [], []
    with epan.Session() as s, epan.OfflineFile(path) as wt:
        d = epan.Dissect(session=s)
        while d.run(wt) is not None:
            single.append([[n.abbrev, n.show, n.label] for n in d.tree])
    with epan.Session() as s, epan.OfflineFile(path) as wt:
        for tree in epan.Dissect(session=s).iter_trees(wt):
            batched.append([[n.abbrev, n.show, n.label] for n in tree])
    return [single, batched]


def fields(path: str) -> list:
    out = []
    for pkt in wirepy.FileCapture(path, fields=FIELDS):
        for f in FIELDS:
            pkt.get_all(f)
        out.append([[escape(s) for s in pkt.field_strings(f)] for f in FIELDS])
    return out


def display_filter(path: str) -> dict:
    fast = [p.number for p in wirepy.FileCapture(path, display_filter=DISPLAY_FILTER,
                                                 fields=["frame.number"])]
    tree = [p.number for p in wirepy.FileCapture(path, display_filter=DISPLAY_FILTER)]
    return {"fields": fast, "tree": tree}


def two_pass(path: str) -> list:
    return [[[escape(s) for s in pkt.field_strings(f)] for f in TWO_PASS_FIELDS]
            for pkt in wirepy.FileCapture(path, two_pass=True, fields=TWO_PASS_FIELDS)]


def indexed(path: str) -> dict:
    """capture[i] (random access after a first pass) at the first, middle
    and last position: the rows of a two-pass read at those positions."""
    with wirepy.FileCapture(path, fields=TWO_PASS_FIELDS) as cap:
        n = cap.count()
        rows = {i: [[escape(s) for s in cap[i].field_strings(f)] for f in TWO_PASS_FIELDS]
                for i in sorted({0, n // 2, n - 1}) if n}
    return {"count": n, "rows": rows}


def wiretap(path: str) -> list:
    with wtap.WTAP.open_offline(path) as w:
        return [[hdr.caplen, len(data)] for hdr, data in w]


def _libpcap_read(source) -> dict:
    packets, error = [], None
    try:
        with pcap.open_offline(source) as p:
            for h, data in p:
                packets.append([h.ts_sec, h.ts_frac, h.caplen, h.len, zlib.crc32(data)])
    except pcap.Error as exc:
        error = exc.msg
    return {"packets": packets, "error": error}


def libpcap(path: str) -> dict:
    """The file through wirepy.lib.pcap twice: by name (classic pcap files
    go through wirepy's own C reader, records taken from stdio's buffer)
    and as a file object (always libpcap's reader, the oracle)."""
    with open(path, "rb") as fobj:
        return {"by_name": _libpcap_read(path), "libpcap": _libpcap_read(fobj),
                "fast_reader": _fast_reader_used(path)}


def _fast_reader_used(path: str) -> bool:
    try:
        with pcap.open_offline(path) as p:
            return p._fast is not None
    except pcap.Error:
        return False


MODES: Dict[str, Callable[[str], Any]] = {
    "tree": full_trees, "typed_values": typed_values, "epan_trees": epan_trees, "fields": fields,
    "filter": display_filter, "two_pass": two_pass, "indexed": indexed, "wiretap": wiretap,
    "libpcap": libpcap,
}


def main(path: str) -> None:
    result = {}
    for name, mode in MODES.items():
        try:
            result[name] = {"ok": mode(path)}
        except Exception as exc:  # what each mode raised is the result
            result[name] = {"error": [type(exc).__module__, type(exc).__name__, str(exc)]}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
