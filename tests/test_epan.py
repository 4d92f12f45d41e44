"""epan: sessions, batch field extraction, the registry, the full tree."""

import datetime
import ipaddress
import xml.etree.ElementTree as ET

import pytest
import wireshark_series
from epan_fixtures import tshark

from wirepy.lib import epan, ftypes

FIELDS = ["frame.number", "frame.protocols", "eth.src", "arp.opcode", "ip.src", "ip.dst",
          "ip.ttl", "ipv6.dst", "icmp.type", "udp.dstport", "tcp.srcport", "tcp.seq",
          "tcp.flags.syn", "dns.qry.name", "dns.a", "dhcp.option.hostname", "http.host",
          "http.request.uri", "http.response.code", "tcp.reassembled.length",
          "frame.time_delta", "frame.time_relative", "_ws.malformed", "http", "dns", "frame",
          "eth", "ip", "tcp", "data", "data.data", "_ws.expert"]


def extract(path, fields, visible=False):
    with epan.Session() as s, epan.OfflineFile(str(path)) as wt:
        d = epan.Dissect(session=s, proto_tree_visible=visible)
        d.prime_fields(fields)
        return [p.fields for p in d.iter_fields(wt, batch=5)]


@pytest.mark.parametrize("visible", [False, True])
def test_fields_equal_tshark(any_capture, visible):
    args = []
    for f in FIELDS:
        args += ["-e", f]
    out = tshark("-r", str(any_capture), "-T", "fields", "-E", "occurrence=a",
                 "-E", "aggregator=|", *args)
    expected = [line.split("\t") for line in out.splitlines()]
    got = extract(any_capture, FIELDS, visible)
    assert len(got) == len(expected) == 19
    for num, (g, e) in enumerate(zip(got, expected), 1):
        g = ["|".join(occ) for occ in g]
        if visible and wireshark_series.TSHARK_FIELDS_TREE_INVISIBLE:
            # tshark's tree is invisible: where it has no label for a
            # protocol (its filter name), a visible tree has the label
            for i, name in enumerate(FIELDS):
                if e[i] == name and g[i] != name:
                    assert g[i] and not g[i].startswith(name + "|"), (num, name, g[i])
                    g[i] = name
        assert g == e, f"packet {num}"
    # protocol fields render as labels (with the dissectors' appended text)
    assert got[18][FIELDS.index("_ws.malformed")][0].startswith("[Malformed Packet")
    assert got[2][FIELDS.index("ip")][0].startswith("Internet Protocol Version 4, Src: ")


def test_one_session_at_a_time(mix_pcap):
    s = epan.Session()
    try:
        with pytest.raises(epan.SessionError):
            epan.Session()
    finally:
        s.close()
    epan.Session().close()


def test_read_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        epan.OfflineFile(str(tmp_path / "missing.pcap"))
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 16)
    with pytest.raises(epan.ReadError) as ei:
        epan.OfflineFile(str(junk))
    assert ei.value.err == -3


def test_truncated_file_raises_after_packets(mix_pcap, tmp_path):
    data = mix_pcap.read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(data[:400])
    with epan.Session() as s, epan.OfflineFile(str(cut)) as wt:
        d = epan.Dissect(session=s, proto_tree_visible=False)
        d.prime_fields(["frame.number"])
        got = []
        with pytest.raises(epan.ReadError) as ei:
            for p in d.iter_fields(wt, batch=100):
                got.append(p.num)
        assert got and ei.value.err == -12


def test_unknown_field():
    with pytest.raises(epan.InvalidFieldError):
        epan.Field("no.such.field")
    with epan.Session() as s:
        d = epan.Dissect(session=s)
        with pytest.raises(epan.InvalidFieldError):
            d.prime_fields(["ip.src", "nosuch.x"])


def test_field_registry():
    f = epan.Field("ip.proto")
    assert f.abbrev == "ip.proto" and f.name == "Protocol"
    assert f.type_ == ftypes.FieldType.UINT8 and f.type_is_integer
    assert f.parent.filter_name == "ip"
    strings = f.strings
    assert isinstance(strings, epan.ExtValueString)
    assert strings.lookup(6) == "TCP"
    syn = epan.Field("tcp.flags.syn")
    assert syn.bitmask == 0x2 and syn.bitshift == 1
    assert isinstance(syn.strings, epan.TrueFalseString)
    assert syn.strings.true_string == "Set"
    op = epan.Field("arp.opcode").strings
    assert epan.StringValue(1, "request") in op
    rs = epan.Field("ip.dsfield.dscp").strings
    assert isinstance(rs, epan.ExtValueString) or isinstance(rs, list)
    tcp_port = epan.Field("tcp.port")
    assert tcp_port.blurb is None or isinstance(tcp_port.blurb, str)
    assert epan.Field(f.id_) is f
    # same-name chain: several ids share one abbrev
    chains = [len(x.same_name_chain) for x in (epan.Field("ip.addr"),)]
    assert chains[0] >= 1
    protos = list(epan.iter_protocols())
    assert len(protos) > 1000
    ip = epan.Protocol("ip")
    names = {fl.abbrev for fl in ip.iter_fields()}
    assert {"ip.src", "ip.dst", "ip.ttl"} <= names
    assert ip.short_name == "IPv4" and ip.is_enabled


def test_range_string_field():
    found = None
    for proto in ("dhcp", "ipv6", "icmpv6", "tcp", "dns", "ip", "ieee1722"):
        for fl in epan.Protocol(proto).iter_fields():
            if fl.display & 0x100 and fl.type_is_integer:
                found = fl
                break
        if found:
            break
    assert found is not None
    rs = found.strings
    assert rs and all(isinstance(r, epan.RangeValue) for r in rs)
    assert rs[0].value_min <= rs[0].value_max


def test_fieldtypes():
    names = [t.name for t in ftypes.FieldType.iter_types()]
    assert len(names) == ftypes.FieldType.NUM_TYPES
    assert ftypes.FieldType.IPv4.name == "FT_IPv4"
    assert ftypes.FieldType.UINT8.pretty_name
    v = ftypes.FieldType.IPv4.value_from_unparsed("127.0.0.5")
    assert v.value == ipaddress.ip_address("127.0.0.5")
    assert v.to_string_repr() == "127.0.0.5"
    assert len(v) == 4
    assert ftypes.FieldType.UINT16.value_from_unparsed("0x10").value == 16
    assert ftypes.FieldType.BYTES.value_from_unparsed("01:02:ff").value == b"\x01\x02\xff"
    t = ftypes.FieldType.ABSOLUTE_TIME.value_from_unparsed("2002-12-31 13:55:31.3")
    assert t.value == datetime.datetime(2002, 12, 31, 13, 55, 31, 300000,
                                        tzinfo=datetime.timezone.utc)
    assert ftypes.Value(t.type_, str(t), t.to_string_repr(ftypes.lib.FTREPR_DFILTER)).value \
        == t.value
    r = ftypes.FieldType.RELATIVE_TIME.value_from_unparsed("-1.25")
    assert r.value == datetime.timedelta(seconds=-1.25)
    assert ftypes.Value(r.type_, str(r), "-1.250000000").value == r.value
    with pytest.raises(ftypes.OperationNotPossible):
        ftypes.FieldType.IPv4.value_from_unparsed("1.2.3.4.5")
    with pytest.raises(ftypes.InvalidFieldType):
        ftypes.FieldType(999)


@pytest.mark.parametrize("type_, text, value", [
    ("UINT8", "255", 255), ("UINT16", "0x10", 16), ("UINT32", "010", 8),
    ("UINT64", "18446744073709551615", 2 ** 64 - 1), ("INT8", "-128", -128),
    ("INT32", "-0x10", -16), ("INT64", "-9223372036854775808", -2 ** 63),
    ("FRAMENUM", "7", 7), ("CHAR", "65", 65), ("BOOLEAN", "1", True), ("BOOLEAN", "0", False),
    ("DOUBLE", "1.5", 1.5), ("FLOAT", "-2.25", -2.25),
    ("RELATIVE_TIME", "2.5", datetime.timedelta(seconds=2.5)),
])
def test_numbers_from_text(type_, text, value):
    """Numbers are values of the integer, boolean, floating and relative-time
    types in every series (from 4.4 on fvalue_from_literal refuses them)."""
    assert getattr(ftypes.FieldType, type_).value_from_unparsed(text).value == value


@pytest.mark.parametrize("type_, text", [
    ("UINT8", "256"), ("INT8", "128"), ("INT8", "-129"), ("UINT16", "-1"), ("UINT32", "1.5"),
    ("INT32", "seven"), ("DOUBLE", "1.5x"),
])
def test_bad_numbers_from_text(type_, text):
    with pytest.raises(ftypes.OperationNotPossible):
        getattr(ftypes.FieldType, type_).value_from_unparsed(text)


def full_trees(path):
    with epan.Session() as s, epan.OfflineFile(str(path)) as wt:
        d = epan.Dissect(session=s)
        return list(d.iter_trees(wt))


def pdml_packets(path):
    root = ET.fromstring(tshark("-r", str(path), "-T", "pdml"))
    return root.findall("packet")


def xml_ws(text):
    """XML parsers turn CR, LF and TAB in attributes into spaces."""
    return text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")


def test_tree_equals_pdml(any_capture):
    trees = full_trees(any_capture)
    packets = pdml_packets(any_capture)
    assert len(trees) == len(packets)
    for num, (tree, pkt) in enumerate(zip(trees, packets), 1):
        want_fields, want_labels = [], []
        for el in pkt.iter():
            if el.tag == "proto" and el.get("name") in ("geninfo", "fake-field-wrapper"):
                continue
            if el.tag == "field" and el.get("name") in ("num", "len", "caplen", "timestamp") \
                    and el.get("showname") in ("Number", "Frame Length", "Captured Length",
                                               "Captured Time"):
                continue
            if el.tag == "field":
                want_fields.append((el.get("name"), el.get("show")))
            if el.tag in ("field", "proto") and el.get("showname") is not None:
                want_labels.append(el.get("showname"))
        # PDML writes protocol-typed <field>s (data, _ws.expert) without show
        got_fields = [(n.abbrev,
                       None if n.type_ == ftypes.FieldType.PROTOCOL else xml_ws(n.show))
                      for n in tree if not n.is_protocol]
        assert got_fields == want_fields, f"packet {num}"
        got_labels = [xml_ws(n.label) for n in tree if n.abbrev and n.abbrev != "data"]
        assert got_labels == want_labels, f"packet {num}"


def test_tree_items_and_batches(mix_pcap):
    trees = full_trees(mix_pcap)
    for tree in trees:
        assert list(tree.iter_items()) == [(n.depth, n.abbrev, n.label, n.show) for n in tree]
    # one packet at a time (run + tree) gives the same trees as batches
    with epan.Session() as s, epan.OfflineFile(str(mix_pcap)) as wt:
        d = epan.Dissect(session=s)
        single = []
        while d.run(wt) is not None:
            single.append(d.tree)
    for a, b in zip(trees, single):
        assert [(n.abbrev, n.label, n.show, n.offset, n.length, n.data_source, n.hidden)
                for n in a] == [(n.abbrev, n.label, n.show, n.offset, n.length,
                                 n.data_source, n.hidden) for n in b]


def test_tree_values(mix_pcap):
    trees = full_trees(mix_pcap)
    t3 = trees[2]
    src = t3.find("ip.src")[0]
    assert src.value == ipaddress.ip_address("127.0.0.1")
    assert src.label == "Source Address: 127.0.0.1"
    assert src.offset == 26 and src.length == 4
    assert src.data_source.startswith(wireshark_series.FRAME_DATA_SOURCE)
    ttl = t3.find("ip.ttl")[0]
    assert ttl.value == 64 and ttl.field.abbrev == "ip.ttl"
    ts = t3.find("frame.time")[0].value
    assert ts == datetime.datetime(2023, 11, 14, 22, 13, 20, 250000, tzinfo=datetime.timezone.utc)
    rel = t3.find("frame.time_relative")[0].value
    assert rel == datetime.timedelta(seconds=0.25)
    assert t3.find("eth.src")[0].value == "02:00:00:00:00:01"
    assert any(n.generated for n in t3)
    # reassembled HTTP body comes from a second data source
    t16 = trees[15]
    body = t16.find("http.file_data")[0]
    assert "Reassembled" in body.data_source or "De-chunked" in body.data_source \
        or body.data_source.startswith("Frame")
    rl = t16.find("tcp.reassembled.length")[0]
    assert rl.value == int(rl.show) > 2000
    # malformed packet
    assert trees[18].find("_ws.malformed")
    # children/parents and depth-first iteration agree
    ip = [n for n in t3.children if n.abbrev == "ip"][0]
    assert list(ip)[0].parent is ip
    assert all(n.depth >= 1 for n in ip)


def test_use_after_reset(mix_pcap):
    with epan.Session() as s, epan.OfflineFile(str(mix_pcap)) as wt:
        d = epan.Dissect(session=s)
        d.run(wt)
        tree = d.tree
        d.reset()
        # copies survive the reset
        assert tree.children[0].abbrev == "frame"
        with pytest.raises(epan.DissectionReset):
            _ = d.tree
        with pytest.raises(epan.DissectionReset):
            _ = d.passed
    with pytest.raises(epan.SessionError):
        d.run(wt)


def test_recycle_session(mix_pcap):
    with epan.Session() as s, epan.OfflineFile(str(mix_pcap)) as wt:
        d = epan.Dissect(session=s, proto_tree_visible=False)
        d.prime_fields(["ip.src"])
        first = list(d.iter_fields(wt, batch=4))
        s.recycle()
        assert d.fields == ["ip.src"]
    assert len(first) == 19


@pytest.mark.parametrize("data", [b"", b"\0", b"a", b"a\0", b"label\0show\0\0raw",
                                  "r\u00e9sum\u00e9 \u2192 \U0001f600\0x".encode(),
                                  b"bad \xff\xfe utf-8\0\xc3", b"\0\0\0"])
def test_strings_list_splits_as_python_does(data):
    assert epan.strings_list(data, len(data)) == \
        data.decode("utf-8", "surrogateescape").split("\0")
