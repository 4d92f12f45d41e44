"""The Pythonic API against tshark: field strings, typed values, columns,
filters, lifetimes, raw bytes, errors."""

import datetime
import ipaddress
import sys

import pytest
import wireshark_series
from api_fixtures import SAMPLE, ours, run_python, tshark_count, tshark_fields

import wirepy
import wirepy.values
from wirepy.cli.fields_format import escape

FIELD_LISTS = [
    ["ip.src", "ip.dst"],
    ["frame.number", "frame.len", "frame.cap_len"],
    ["frame.time_epoch", "frame.time_delta", "frame.time_relative"],
    ["eth.src", "eth.dst", "eth.type"],
    ["arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.proto_ipv4"],
    ["ip.proto", "ip.ttl", "ip.id", "ip.flags", "ip.checksum"],
    ["ipv6.src", "ipv6.dst", "ipv6.nxt", "ipv6.hlim"],
    ["icmp.type", "icmp.code", "icmp.ident", "icmp.seq", "icmp.resp_in"],
    ["icmpv6.type", "icmpv6.echo.identifier", "icmpv6.echo.sequence_number"],
    ["tcp.srcport", "tcp.dstport", "tcp.port", "tcp.stream"],
    ["tcp.seq", "tcp.ack", "tcp.flags", "tcp.flags.syn", "tcp.flags.ack", "tcp.len"],
    ["tcp.analysis.initial_rtt", "tcp.time_delta", "tcp.reassembled_in"],
    ["tcp.payload", "tcp.segment", "tcp.segments"],
    ["udp.srcport", "udp.dstport", "udp.length", "udp.checksum"],
    ["dns.id", "dns.flags.response", "dns.qry.name", "dns.qry.type"],
    ["dns.a", "dns.aaaa", "dns.resp.ttl", "dns.count.answers"],
    ["dhcp.type", "dhcp.option.dhcp", "dhcp.hw.mac_addr", "dhcp.ip.your"],
    ["http.request.method", "http.request.uri", "http.host", "http.user_agent"],
    ["http.response.code", "http.content_type", "http.content_length_header"],
    ["http.file_data", "http.request.line", "http.response.line"],
    ["frame.protocols", "frame.comment", "frame.interface_name"],
    ["_ws.expert", "_ws.expert.message", "_ws.expert.severity"],
    ["ip.addr", "ipv6.addr", "eth.addr", "tcp.port", "udp.port"],
    ["data.data", "data.len"],
]


_FULL_TREES: dict = {}


def full_tree_packets(path):
    """The capture's packets with full trees, dissected once per capture
    (a Packet owns its tree; each epan session costs libwireshark 4.0
    about 10 MB that it never returns)."""
    if path not in _FULL_TREES:
        _FULL_TREES[path] = list(wirepy.FileCapture(path))
    return _FULL_TREES[path]


@pytest.mark.parametrize("fields", FIELD_LISTS, ids=lambda f: ",".join(f)[:40])
@pytest.mark.parametrize("tree", [False, True], ids=["fields", "tree"])
def test_field_strings_equal_tshark(capture, fields, tree):
    if tree:
        got = [[[escape(s) for s in pkt.field_strings(f)] for f in fields]
               for pkt in full_tree_packets(capture)]
    else:
        got = ours(capture, fields, tree)
    assert got == tshark_fields(capture, fields)


@pytest.mark.parametrize("dfilter", ["tcp", "dns || arp", "http.request", "ip.src == 192.0.2.10",
                                     "frame.len > 100 && !ipv6", "icmp or icmpv6"])
def test_display_filter_matches_tshark(capture, dfilter):
    got = [pkt.number for pkt in wirepy.FileCapture(capture, display_filter=dfilter,
                                                     fields=["frame.number"])]
    assert len(got) == tshark_count(capture, dfilter)
    expected = [int(row[0][0]) for row in tshark_fields(capture, ["frame.number"], dfilter)]
    assert got == expected
    tree = [pkt.number for pkt in wirepy.FileCapture(capture, display_filter=dfilter)]
    assert tree == expected


def test_default_columns_equal_tshark(capture):
    titles = ["No.", "Time", "Source", "Destination", "Protocol", "Length", "Info"]
    expected = tshark_fields(capture, [f"_ws.col.{t}" for t in titles])
    for tree in (True, False):
        cap = wirepy.FileCapture(capture, fields=None if tree else [], columns=True)
        got = [[[escape(t)] for t in pkt.columns.texts] for pkt in cap]
        assert got == [[c if c else [""] for c in row] for row in expected]


def test_typed_values_on_the_sample():
    for tree in (False, True):
        fields = None if tree else ["ip.src", "tcp.srcport", "frame.time", "frame.time_delta",
                                    "tcp.flags.syn", "eth.src", "tcp.payload", "dns.qry.name",
                                    "ipv6.dst", "http.request", "frame.time_epoch",
                                    "dns.a", "http.response.code"]
        pkts = list(wirepy.FileCapture(SAMPLE, fields=fields))
        syn = pkts[10]
        assert syn["ip.src"] == ipaddress.IPv4Address("192.0.2.10")
        assert syn["tcp.srcport"] == 50000 and isinstance(syn["tcp.srcport"], int)
        assert syn["tcp.flags.syn"] is True
        assert syn["eth.src"] == "02:00:00:00:00:01"
        assert syn["frame.time"] == datetime.datetime(2023, 11, 14, 22, 13, 20, 196656,
                                                      tzinfo=datetime.timezone.utc)
        assert syn.time_ns == 1_700_000_000_123_456_789 + 73_200_000
        assert syn["frame.time_delta"] == datetime.timedelta(milliseconds=20)
        if wireshark_series.TIME_EPOCH_IS_ABSOLUTE:
            assert syn["frame.time_epoch"] == syn["frame.time"]
        else:
            # 4.0 registers frame.time_epoch as a relative time (since the epoch)
            assert syn["frame.time_epoch"] == syn["frame.time"] - wirepy.values.EPOCH
        request = pkts[13]
        assert request["http.request"] is True
        assert request["tcp.payload"].startswith(b"GET /index.html HTTP/1.1\r\n")
        assert request["tcp.payload"] == request.raw[54:]
        assert pkts[6]["dns.qry.name"] == "www.example.com"
        assert pkts[7]["dns.a"] == ipaddress.IPv4Address("198.51.100.80")
        assert pkts[17]["http.response.code"] == 200
        assert pkts[22]["ipv6.dst"] == ipaddress.IPv6Address("2001:db8::80")
        assert "dns.qry.name" not in syn
        assert syn.get("dns.qry.name", "absent") == "absent"
        with pytest.raises(KeyError):
            syn["dns.qry.name"]  # noqa: B018


def test_packet_attributes():
    pkts = list(wirepy.FileCapture(SAMPLE))
    first = pkts[0]
    assert first.number == 1 and first.length == 42 and first.captured_length == 42
    assert first.comments == ["who has the router?"]
    assert first.interface == "eth0" and first.interface_id == 0
    assert first.protocols == ["eth", "ethertype", "arp"]
    assert first.columns.protocol == "ARP" and first.columns.info.startswith("Who has")
    assert first.time.tzinfo is datetime.timezone.utc
    http = pkts[17]
    assert [layer.layer_name for layer in http.layers] == ["eth", "ip", "tcp", "http",
                                                           "data-text-lines"]
    assert http.highest_layer == "DATA-TEXT-LINES"
    assert http.ip.src == ipaddress.IPv4Address("198.51.100.80")
    assert http.tcp.flags_ack is True and http.tcp.srcport == 80
    assert http.http.response_code == 200
    with pytest.raises(AttributeError):
        http.dns  # noqa: B018
    node = http.tree.find("http.response.code")[0]
    assert node.label == "Status Code: 200" and node.show == "200" and node.value == 200
    assert node.data_source.startswith("Reassembled TCP")
    assert http.tree.children[1].abbrev == "frame"
    assert all(n.hidden in (True, False) for n in http.tree)


def test_packets_stay_valid_after_iteration(capture):
    fields = ["ip.src", "tcp.srcport", "dns.qry.name", "frame.protocols"]
    for tree in (False, True):
        pkts = list(wirepy.FileCapture(capture, fields=None if tree else fields))
        got = [[[escape(s) for s in p.field_strings(f)] for f in fields] for p in pkts]
        assert got == tshark_fields(capture, fields)
        # the raw bytes are each packet's own
        lengths = tshark_fields(capture, ["frame.cap_len"])
        assert [len(p.raw) for p in pkts] == [int(r[0][0]) for r in lengths]


def test_dissect_bytes_equals_file_dissection():
    from wirepy.lib import wtap
    with wtap.WTAP.open_offline(str(SAMPLE)) as capture:
        frames = [(h.ts_ns, bytes(d)) for h, d in capture]
    in_file = list(wirepy.FileCapture(SAMPLE))
    # packets that need no state from earlier packets dissect alike alone
    for index in (0, 2, 6, 8, 22, 24):
        ts, data = frames[index]
        alone = wirepy.dissect(data, time_ns=ts)
        skip = ("frame.", "_ws.", "pkt_comment", "frame", "icmp.resp", "dns.response_to",
                "dns.time", "icmpv6.resp", "dns.retransmit") + wireshark_series.STREAM_FIELDS
        a = [(n.abbrev, n.field_text) for n in alone.tree if not n.abbrev.startswith(skip)
             and n.abbrev not in skip]
        b = [(n.abbrev, n.field_text) for n in in_file[index].tree
             if not n.abbrev.startswith(skip) and n.abbrev not in skip]
        assert a == b
        assert alone.raw == data
    fast = wirepy.dissect(frames[6][1], fields=["dns.qry.name", "udp.dstport"])
    assert fast["dns.qry.name"] == "www.example.com" and fast["udp.dstport"] == 53
    raw_ip = wirepy.dissect(frames[6][1][14:], encap="rawip", fields=["ip.dst"])
    assert str(raw_ip["ip.dst"]) == "192.0.2.53"
    with pytest.raises(ValueError, match="unknown encapsulation"):
        wirepy.dissect(b"\x00", encap="no-such-link")


def test_errors_are_clear():
    with pytest.raises(wirepy.CaptureFileNotFoundError) as info:
        wirepy.FileCapture("/nonexistent/file.pcap")
    assert isinstance(info.value, FileNotFoundError)
    assert isinstance(info.value, wirepy.WirepyError)
    with pytest.raises(wirepy.DisplayFilterError) as info:
        wirepy.FileCapture(SAMPLE, display_filter="ip.src == 1.2.3.4.5")
    assert info.value.message == '"1.2.3.4.5" is not a valid hostname or IPv4 address.'
    assert info.value.location == (10, 9)
    with pytest.raises(wirepy.UnknownFieldError):
        wirepy.FileCapture(SAMPLE, fields=["no.such.field"])
    pkt = next(iter(wirepy.FileCapture(SAMPLE, fields=["ip.src"])))
    with pytest.raises(KeyError, match="was not extracted"):
        pkt["dns.qry.name"]  # noqa: B018
    with pytest.raises(AttributeError, match="no protocol tree"):
        pkt.tree  # noqa: B018


def test_one_capture_at_a_time_and_recovery():
    cap = iter(wirepy.FileCapture(SAMPLE, fields=["ip.src"]))
    next(cap)
    with pytest.raises(wirepy.SessionBusyError):
        next(iter(wirepy.FileCapture(SAMPLE, fields=["ip.src"])))
    cap.close()
    assert len(list(wirepy.FileCapture(SAMPLE, fields=["ip.src"]))) == 26


def test_truncated_file_yields_then_raises(tmp_path):
    data = SAMPLE.read_bytes()
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(data[:3000])
    got = []
    with pytest.raises(wirepy.CaptureFileError):
        for pkt in wirepy.FileCapture(cut, fields=["frame.number"]):
            got.append(pkt.number)
    assert got == list(range(1, 16))


def test_prefs_and_keylog_are_applied_and_restored():
    from wirepy.lib import prefs
    before = prefs.get("tcp.desegment_tcp_streams")
    cap = wirepy.FileCapture(SAMPLE, fields=["http.response.code", "tcp.reassembled_in"],
                             prefs={"tcp.desegment_tcp_streams": False})
    pkts = list(cap)
    expected = tshark_fields(SAMPLE, ["http.response.code", "tcp.reassembled_in"],
                             extra=["-o", "tcp.desegment_tcp_streams:FALSE"])
    assert [[p.field_strings("http.response.code"), p.field_strings("tcp.reassembled_in")]
            for p in pkts] == expected
    # and it differs from the default, so the preference did something
    assert expected != tshark_fields(SAMPLE, ["http.response.code", "tcp.reassembled_in"])
    assert prefs.get("tcp.desegment_tcp_streams") == before
    with pytest.raises(wirepy.PreferenceError):
        list(wirepy.FileCapture(SAMPLE, prefs={"no.such.pref": 1}))


def test_fields_catalogue():
    from wirepy import fields
    info = fields.describe("ip.proto")
    assert (info.name, info.type, info.protocol) == ("Protocol", "FT_UINT8", "ip")
    assert info.value_strings[17] == "UDP"
    assert fields.describe("tcp.flags.syn").true_false == ("Set", "Not set")
    assert "dns.qry.name" in [f.abbrev for f in fields.search("dns.qry.")]
    assert fields.exists("http") and not fields.exists("nope.nope")
    with pytest.raises(wirepy.UnknownFieldError):
        fields.describe("nope.nope")
    assert "tcp" in fields.protocols()


def test_decode_as_like_tshark(tmp_path):
    import importlib.util

    from wirepy.lib import wtap
    spec = importlib.util.spec_from_file_location("make_sample",
                                                  SAMPLE.with_name("make_sample.py"))
    sample = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sample)
    frame = sample.udp4(sample.CLIENT_MAC, sample.ROUTER_MAC, sample.CLIENT_IP,
                        sample.DNS_IP, 41000, 6353, b"<13>wirepy says hello", 7)
    path = tmp_path / "syslog.pcap"
    with wtap.Dumper(str(path), file_type="pcap", encap="ether") as dumper:
        dumper.write(frame, ts_ns=1_700_000_000_000_000_000)
    plain = next(iter(wirepy.FileCapture(path, fields=["syslog.msg"])))
    assert "syslog.msg" not in plain
    cap = wirepy.FileCapture(path, fields=["syslog.msg"],
                             decode_as={"udp.port==6353": "syslog"})
    pkt = next(iter(cap))
    assert pkt["syslog.msg"] == "wirepy says hello"
    expected = tshark_fields(path, ["syslog.msg"], extra=["-d", "udp.port==6353,syslog"])
    assert [[pkt.field_strings("syslog.msg")]] == expected
    # undone afterwards
    assert "syslog.msg" not in next(iter(wirepy.FileCapture(path, fields=["syslog.msg"])))
    with pytest.raises(wirepy.PreferenceError):
        wirepy.FileCapture(path, decode_as={"udp.port": "syslog"})
    with pytest.raises(wirepy.PreferenceError):
        list(wirepy.FileCapture(path, decode_as={"udp.port==6353": "no-such-proto"}))


DATAFRAME_FIELDS = ["frame.number", "frame.time_epoch", "frame.len", "ip.src", "ipv6.dst",
                    "tcp.srcport", "udp.dstport", "tcp.flags.syn", "dns.qry.name",
                    "eth.src", "tcp.payload", "frame.time_delta", "http.request"]


def test_dataframe_and_arrow_against_tshark(capture):
    import pandas as pd
    import pyarrow as pa

    df = wirepy.to_dataframe(capture, DATAFRAME_FIELDS)
    rows = tshark_fields(capture, DATAFRAME_FIELDS, extra=["-E", "occurrence=f"])
    assert len(df) == len(rows)
    assert str(df["frame.number"].dtype) == "UInt64"
    assert str(df["tcp.srcport"].dtype) == "UInt64"
    assert str(df["tcp.flags.syn"].dtype) == "boolean"
    assert str(df["ip.src"].dtype) == "string"
    assert str(df["frame.time_delta"].dtype) == "timedelta64[ns]"
    assert df["tcp.payload"].dtype == object
    for i, row in enumerate(rows):
        got = df.iloc[i]
        number, epoch, length, src, dst6, sport, dport, syn, qname, eth, payload, delta, \
            request = [col[0] if col else None for col in row]
        assert got["frame.number"] == int(number) and got["frame.len"] == int(length)
        epoch_ns = int(epoch.replace(".", ""))
        if wireshark_series.TIME_EPOCH_IS_ABSOLUTE:
            assert got["frame.time_epoch"] == pd.Timestamp(epoch_ns, unit="ns", tz="UTC")
        else:
            assert got["frame.time_epoch"] == pd.Timedelta(epoch_ns, "ns")
        assert (pd.isna(got["ip.src"]) if src is None else got["ip.src"] == src)
        assert (pd.isna(got["ipv6.dst"]) if dst6 is None else got["ipv6.dst"] == dst6)
        assert (pd.isna(got["tcp.srcport"]) if sport is None else got["tcp.srcport"] == int(sport))
        assert (pd.isna(got["udp.dstport"]) if dport is None
                else got["udp.dstport"] == int(dport))
        assert (pd.isna(got["tcp.flags.syn"]) if syn is None
                else bool(got["tcp.flags.syn"]) == (syn in ("1", "True")))
        assert (pd.isna(got["dns.qry.name"]) if qname is None else got["dns.qry.name"] == qname)
        assert got["eth.src"] == eth if eth is not None else pd.isna(got["eth.src"])
        assert (got["tcp.payload"] is None if payload is None
                else got["tcp.payload"] == bytes.fromhex(payload.replace(":", "")))
        # 4.6 gives the first frame no frame.time_delta (no previous frame)
        assert (pd.isna(got["frame.time_delta"]) if delta is None
                else got["frame.time_delta"] == pd.Timedelta(int(delta.replace(".", "")), "ns"))
        assert (pd.isna(got["http.request"]) if request is None else got["http.request"])
    table = wirepy.to_arrow(capture, DATAFRAME_FIELDS, display_filter="tcp")
    assert table.num_rows == len(tshark_fields(capture, ["frame.number"], "tcp"))
    assert table.schema.field("tcp.srcport").type == pa.uint64()
    assert table.schema.field("frame.time_delta").type == pa.duration("ns")
    assert table.schema.field("tcp.payload").type == pa.binary()
    assert table.column("ip.src").to_pylist()[:1] == [rows[[
        int(r[0][0]) for r in rows].index(int(table.column("frame.number")[0].as_py()))][3][0]]
    everything = wirepy.to_dataframe(capture, ["ip.addr"], occurrence="all")
    expected_all = tshark_fields(capture, ["ip.addr"])
    assert [list(v) if v is not None else [] for v in everything["ip.addr"]] == \
        [r[0] for r in expected_all]


def test_captures_release_their_c_objects():
    import gc

    from wirepy.lib import column, epan

    for _ in range(4):
        list(wirepy.FileCapture(SAMPLE, fields=["ip.src"], columns=True))
        list(wirepy.FileCapture(SAMPLE))
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, (column.ColumnInfo,
                                                               epan.OfflineFile))]


def test_dissect_first_thing_in_a_process_and_bad_input():
    # dissect() may be the first call into Wireshark: it must initialise it
    # (the encapsulation lookup used to crash before initialisation).
    code = (
        "import wirepy\n"
        "print(wirepy.dissect(b'', encap='ether').protocols)\n"
        "print(wirepy.dissect(bytes(70000)).protocols)\n"
        "for bad in [('text', 'ether'), (b'x', 99999), (b'x', 0), (b'x', 'nope')]:\n"
        "    try:\n"
        "        wirepy.dissect(bad[0], encap=bad[1])\n"
        "    except (TypeError, ValueError) as e:\n"
        "        print(type(e).__name__)\n")
    proc = run_python(code, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["[]", "['eth', 'ethertype', 'data']", "TypeError",
                                        "ValueError", "ValueError", "ValueError"]


def test_collect_columns_from_c_equal_packet_by_packet(capture):
    """collect() locates first occurrences in C batch by batch; the packet
    by packet path (taken for ``_ws.col.*`` fields) must give the same."""
    from wirepy import export

    fields = DATAFRAME_FIELDS + ["frame.time", "ip.ttl"]
    fast = export.collect(capture, fields, display_filter="!arp")
    slow = export.collect(capture, fields + ["_ws.col.Protocol"], display_filter="!arp")
    assert slow.pop("_ws.col.Protocol")[1]
    assert fast == slow
    assert {kind for kind, _ in fast.values()} >= {"uint", "abstime", "string", "bool",
                                                   "bytes", "reltime"}


@pytest.mark.parametrize("fields", FIELD_LISTS[::3], ids=lambda f: ",".join(f)[:40])
def test_get_reads_a_batch_column_equal_to_get_all(capture, fields):
    """get() decodes a field for the whole batch at its first call; every
    packet's value must be its own first occurrence (get_all's first)."""
    pkts = list(wirepy.FileCapture(capture, fields=fields, batch_size=7))
    for name in fields:
        for pkt in pkts:
            every = pkt.get_all(name)
            assert pkt.get(name, "missing") == (every[0] if every else "missing")


def test_walked_trees_are_freed_by_reference_counting():
    """A full-tree packet's nodes and its tree refer to each other; the
    packet breaks that cycle when it goes, so long reads leave nothing for
    the cyclic collector (which would slow them down and hold memory)."""
    import gc

    from wirepy.packet import PacketTree, TreeNode

    def alive():
        return sum(isinstance(o, (PacketTree, TreeNode)) for o in gc.get_objects())

    gc.collect()
    gc.disable()
    try:
        before = alive()       # other tests' packets, still referenced
        for pkt in wirepy.FileCapture(SAMPLE):
            shows = [node.show for node in pkt.tree]
            assert shows and pkt.tree.find("frame")[0].children
        del pkt
        after = alive()
    finally:
        gc.enable()
    assert after == before


def test_guid_fields_are_uuids():
    """FT_GUID (connectionless DCE/RPC's object and interface ids) as
    uuid.UUID, in field and tree mode, equal to the text Wireshark shows."""
    import struct
    import uuid

    from epan_fixtures import eth, ipv4, udp
    obj = uuid.UUID("12345678-1234-5678-9abc-def012345678")
    iface = uuid.UUID("e1af8308-5d1f-11c9-91a4-08002b14a0fa")
    header = (struct.pack("<BBBB3sB", 4, 0, 0x20, 0, b"\x10\x00\x00", 0)
              + obj.bytes_le + iface.bytes_le + bytes(16)
              + struct.pack("<IIIHHHHHBB", 0, 3, 1, 2, 0xffff, 0xffff, 0, 0, 0, 0))
    frame = eth(b"\x02" * 6, b"\x04" * 6, 0x0800,
                ipv4(bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2]), 17, udp(1025, 135, header)))
    fast = wirepy.dissect(frame, fields=["dcerpc.obj_id", "dcerpc.dg_if_id"])
    assert fast["dcerpc.obj_id"] == obj and fast["dcerpc.dg_if_id"] == iface
    assert fast.field_strings("dcerpc.obj_id") == [str(obj)]
    tree = wirepy.dissect(frame)
    node = next(n for n in tree.tree if n.abbrev == "dcerpc.dg_if_id")
    assert node.value == iface and node.show == str(iface)


def test_optional_parts_load_on_first_use():
    code = ("import sys, wirepy\n"
            "print(sorted(m for m in ('wirepy.live', 'wirepy.export', 'wirepy.fields',\n"
            "                         'wirepy.lib.dumpcap') if m in sys.modules))\n"
            "print(wirepy.LiveCapture.__module__, wirepy.to_dataframe.__module__,\n"
            "      wirepy.fields.__name__, 'LiveCapture' in dir(wirepy))\n"
            "from wirepy import to_arrow, LiveCaptureError\n"
            "try:\n"
            "    wirepy.nothing\n"
            "except AttributeError as exc:\n"
            "    print(exc)\n")
    out = run_python(code, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "[]", "wirepy.live wirepy.export wirepy.fields True",
        "module 'wirepy' has no attribute 'nothing'"]


def test_node_made_alone_is_the_node_of_a_walk(capture):
    """A node made on its own (a lookup) and the same node of a whole walk
    (made at once, shows handed over) read the same."""
    for pkt in full_tree_packets(capture):
        tree = pkt.tree
        alone = [tree.node(i) for i in range(len(tree))]
        assert tree._nodes is None
        walked = list(tree)
        for a, w in zip(alone, walked, strict=True):
            assert (a.show, a.label, a.abbrev, a.depth, a.index) == \
                (w.show, w.label, w.abbrev, w.depth, w.index)
            assert type(a) is type(w)


def test_nodes_made_in_c_are_the_nodes_python_makes(capture):
    """A walk's nodes are made in C (cdefs/shim/py_nodes.c) for the node
    classes whose __init__ and slots are ProtoNode's; they must equal the
    nodes the class itself makes, hold the tree without leaking it, and
    leave a class with an __init__ or slot of its own to Python."""
    from wirepy.lib import epan_tree
    from wirepy.lib.wireshark import lib

    for pkt in full_tree_packets(capture):
        tree = pkt.tree
        made = epan_tree._nodes_made_in_c(tree, len(tree))
        assert made is not None
        for i, node in enumerate(made):
            alone = type(node)(tree, i)
            assert type(node) is wirepy.packet.TreeNode
            assert (node.tree, node.index, node.show, node.label, node.abbrev, node.value) == \
                (alone.tree, alone.index, alone.show, alone.label, alone.abbrev, alone.value)
        del made, node, alone
        held = sys.getrefcount(tree)
        for _ in range(50):
            epan_tree._nodes_made_in_c(tree, len(tree))
        assert sys.getrefcount(tree) == held

    class Counted(wirepy.packet.TreeNode):
        made = 0

        def __init__(self, tree, index, show=None):
            Counted.made += 1
            super().__init__(tree, index, show)

    class ShowTwice(wirepy.packet.TreeNode):
        @property
        def show(self):
            return self.tree._strs[self.tree._ints[self.index * lib.WIREPY_NODE_INTS
                                                   + lib.WIREPY_N_STR] + 1] * 2

        @show.setter
        def show(self, value):
            pass

    class WithDict(wirepy.packet.TreeNode):
        pass

    tree = full_tree_packets(capture)[0].tree
    try:
        for cls in (Counted, WithDict, ShowTwice):
            tree.node_class = cls
            tree._forget_nodes()
            assert epan_tree._nodes_made_in_c(tree, len(tree)) is None
            assert [type(n) for n in tree.nodes] == [cls] * len(tree)
        assert Counted.made == len(tree)
        assert all(n.show == 2 * epan_tree.ProtoNode(tree, n.index).show for n in tree.nodes)
        tree.node_class = WithDict
        tree._forget_nodes()
        tree.nodes[0].mark = 1
        assert tree.nodes[0].mark == 1 and tree.nodes[0].label == tree.node(0).label
    finally:
        del tree.node_class
        tree._forget_nodes()


def test_tree_lookups_agree_with_a_walk_of_the_tree(capture):
    """get/in/field_strings/get_all and the layers' fields search the tree's
    id column; they must give what walking every node gives."""
    for pkt in full_tree_packets(capture):
        tree = pkt.tree
        walked = {}
        for node in tree:
            if node.abbrev:
                walked.setdefault(node.abbrev, []).append(node)
        for name, nodes in walked.items():
            assert name in pkt
            assert pkt.get(name) == nodes[0].value, name
            assert pkt.field_strings(name) == [n.field_text for n in nodes], name
            assert pkt.get_all(name) == [n.value for n in nodes], name
        assert "no.such.field" not in pkt and pkt.get("tcp.srcport", 7) == (
            walked["tcp.srcport"][0].value if "tcp.srcport" in walked else 7)
        for layer in pkt.layers:
            inside = list(layer._node)
            for node in inside:
                if node.abbrev:
                    first = next(n for n in inside if n.abbrev == node.abbrev)
                    assert layer.get_field(node.abbrev).index == first.index
            assert getattr(pkt, layer.layer_name).layer_name == layer.layer_name


def _far_future_pcapng(path, secs: int) -> None:
    """A pcapng (64-bit time stamps) with one ARP frame at *secs* since the epoch."""
    import struct

    def block(kind: int, body: bytes) -> bytes:
        body += b"\0" * (-len(body) % 4)
        return struct.pack("<II", kind, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))

    frame = bytes.fromhex("ffffffffffff020000000001") + b"\x08\x06" + bytes(28)
    ts = secs * 1_000_000
    path.write_bytes(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
                     + block(1, struct.pack("<HHI", 1, 0, 65535))
                     + block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF,
                                            len(frame), len(frame)) + frame))


def test_time_stamps_beyond_year_9999(tmp_path):
    """tshark shows year 17972 for this frame; wirepy gives the time in the
    forms that hold it and a clear error where a datetime is asked for."""
    from wirepy.lib import timestamp, wtap

    path = tmp_path / "far.pcapng"
    secs = 505_000_000_000
    _far_future_pcapng(path, secs)
    shown = tshark_fields(path, ["frame.time", "frame.time_epoch"])[0]
    assert shown[0][0].startswith(wireshark_series.YEAR_17972_SHOWN)
    assert shown[1] == [f"{secs}.000000000"]
    ns = secs * 1_000_000_000
    for pkt in (next(iter(wirepy.FileCapture(path))),
                next(iter(wirepy.FileCapture(path, fields=["frame.time"])))):
        assert pkt.time_ns == ns and pkt.timestamp == secs
        with pytest.raises(timestamp.TimestampRangeError, match="year 17972.*time_ns"):
            pkt.time  # noqa: B018
        assert pkt["frame.time"] == ns          # what no datetime holds: the integer form
    assert [n.value for n in next(iter(wirepy.FileCapture(path))).tree
            if n.abbrev == "frame.time"] == [ns]
    with wtap.WTAP.open_offline(str(path)) as w:
        header, _ = next(iter(w))
        assert header.ts == secs
        with pytest.raises(OverflowError, match="year 17972"):   # TimestampRangeError is one
            header.datetime  # noqa: B018
    for fields in (["frame.time", "frame.number"], ["frame.time", "_ws.col.Info"]):
        df = wirepy.to_dataframe(path, fields)
        assert str(df["frame.time"].dtype) == "datetime64[us, UTC]"
        assert df["frame.time"][0].year == 17972
        table = wirepy.to_arrow(path, fields)
        assert str(table.schema.field("frame.time").type) == "timestamp[us, tz=UTC]"


def test_capture_file_errors_name_the_file_once(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("not a capture\n" * 20)
    for fields in (None, ["frame.number"]):
        with pytest.raises(wirepy.CaptureFileError) as info:
            list(wirepy.FileCapture(bad, fields=fields))
        message = str(info.value)
        assert message.count(str(bad)) == 1 and message.startswith(f"{bad}: ")
        assert "Errno" not in message and info.value.filename == str(bad)
    # an error found while reading (a cut-short file) too
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(SAMPLE.read_bytes()[:3000])
    with pytest.raises(wirepy.CaptureFileError) as info:
        list(wirepy.FileCapture(cut, fields=["frame.number"]))
    assert str(info.value) == f"{cut}: Less data was read than was expected"
