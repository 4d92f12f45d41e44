"""pyshark's habits that must work here too (the "at home for pyshark and
tshark users" issue, point 3): short field names, sniff_time and
transport_layer, indexing a capture by position, addresses that compare
equal to their text. tshark is the oracle where it has an answer."""

import datetime
import ipaddress

import pytest
from api_fixtures import SAMPLE, tshark_fields

import wirepy


@pytest.mark.parametrize("fields", [None, ["dns.qry.name", "dns.a", "ip.src"]],
                         ids=["tree", "fields"])
def test_short_field_names_as_pyshark(fields):
    pkt = next(iter(wirepy.FileCapture(SAMPLE, display_filter="dns", fields=fields)))
    assert pkt.dns.get_field_value("qry_name") == pkt["dns.qry.name"] == "www.example.com"
    assert pkt.dns.get_field_value("qry.name") == pkt.dns.get_field_value("dns.qry.name")
    assert "qry_name" in pkt.dns.field_names
    assert "dns.qry.name" in pkt.dns.full_field_names
    assert all("." not in n for n in pkt.dns.field_names)
    if fields is None:
        assert pkt.dns.get_field_value("resp_name", "none") == "none"   # absent here
    else:   # not extracted: said so, not hidden behind the default
        with pytest.raises(KeyError, match="not extracted"):
            pkt.dns.get_field_value("resp_name", "none")


def test_sniff_time_timestamp_and_transport_layer():
    packets = list(wirepy.FileCapture(SAMPLE))
    rows = tshark_fields(SAMPLE, ["frame.time_epoch", "udp.port", "tcp.port"])
    for pkt, row in zip(packets, rows):
        epoch, udp, tcp = (cell[0] if cell else "" for cell in row)
        assert pkt.sniff_timestamp == epoch
        assert pkt.sniff_time == pkt.time
        assert pkt.sniff_time.tzinfo is datetime.timezone.utc
        assert pkt.transport_layer == ("TCP" if tcp else "UDP" if udp else None)


def test_a_capture_indexed_by_position():
    everything = [(p.number, p.length, p.protocols) for p in wirepy.FileCapture(SAMPLE)]
    with wirepy.FileCapture(SAMPLE) as cap:
        assert cap.count() == len(everything)
        for i in (0, 17, len(everything) - 1, -1, -len(everything)):
            pkt = cap[i]
            assert (pkt.number, pkt.length, pkt.protocols) == everything[i]
        assert [p.number for p in cap[3:9:2]] == [4, 6, 8]
        with pytest.raises(IndexError, match="out of range"):
            cap[len(everything)]
        with pytest.raises(TypeError):
            cap["1"]
        # iterating afterwards gives every packet (the index's session is released)
        assert len(list(cap)) == len(everything)
        # list() does not read the file first to learn its length (no __len__)
        assert not hasattr(cap, "__len__") and cap._random is None
        assert cap[5].number == 6


def test_indexing_counts_what_the_filter_passes_and_is_two_pass():
    want = tshark_fields(SAMPLE, ["frame.number", "dns.response_in"], "dns", extra=["-2"])
    with wirepy.FileCapture(SAMPLE, display_filter="dns",
                            fields=["dns.qry.name", "dns.response_in"]) as cap:
        got = [[[str(cap[i].number)], [str(v) for v in cap[i].get_all("dns.response_in")]]
               for i in range(cap.count())]
    assert got == want
    # another capture can be read once this one is closed
    assert len(list(wirepy.FileCapture(SAMPLE, fields=["frame.number"]))) == 26


def test_addresses_compare_equal_to_their_text():
    pkt = next(iter(wirepy.FileCapture(SAMPLE, display_filter="ipv6 && dns")))
    src = pkt.ipv6.src
    text = pkt.field_strings("ipv6.src")[0]
    assert isinstance(src, ipaddress.IPv6Address)
    assert src == text and not (src != text) and text == src
    assert src == ipaddress.ip_address(text)
    assert src != "2001:db8::dead:beef:1" or text == "2001:db8::dead:beef:1"
    assert src == text.upper() or ":" not in text      # another spelling of the address
    assert {src: 1}[text] == 1 and text in {src}
    v4 = next(iter(wirepy.FileCapture(SAMPLE, display_filter="ip && dns")))
    assert v4.ip.src == v4.field_strings("ip.src")[0] and v4.ip.src.is_private is not None
    assert v4.ip.src != "not an address"


# -- errors that tell the user what to do (point 4) ---------------------------------

def test_a_mistyped_field_and_an_absent_one_say_different_things():
    pkt = list(wirepy.FileCapture(SAMPLE))[17]
    with pytest.raises(wirepy.UnknownFieldError, match="did you mean 'http.request.method'"):
        pkt["http.request.metod"]
    with pytest.raises(KeyError, match="packet 18 has no 'dns.qry.name'") as info:
        pkt["dns.qry.name"]
    assert not isinstance(info.value, wirepy.UnknownFieldError)
    with pytest.raises(AttributeError, match="did you mean 'http.request.method'"):
        pkt.http.request_metod  # noqa: B018
    with pytest.raises(AttributeError, match="packet 18 has no 'http.request.method'"):
        pkt.http.request_method  # noqa: B018


def test_a_field_that_was_not_extracted_says_so_by_every_way_of_asking():
    pkt = next(iter(wirepy.FileCapture(SAMPLE, display_filter="ip", fields=["ip.src"])))
    for ask in (lambda: pkt.ip.dst, lambda: pkt["ip.dst"], lambda: pkt.get("ip.dst")):
        with pytest.raises((KeyError, AttributeError), match=r"'ip.dst' was not extracted: "
                           r"add it to fields=\[\.\.\.\] \(extracted: \['ip.src'\]\)"):
            ask()
    with pytest.raises(wirepy.UnknownFieldError, match="did you mean 'ip.dst'"):
        pkt["ip.dsst"]


def test_a_missing_key_log_file_is_refused(tmp_path):
    with pytest.raises(wirepy.KeyLogFileNotFoundError) as info:
        wirepy.FileCapture(SAMPLE, keylog_file=tmp_path / "nonexist.keys")
    assert isinstance(info.value, FileNotFoundError)
    assert info.value.filename == str(tmp_path / "nonexist.keys")


def test_an_unknown_link_type_names_the_nearest():
    with pytest.raises(ValueError, match="did you mean 'ether'"):
        wirepy.dissect(b"\0" * 60, encap="ethernet")


def test_convert_to_an_unknown_format_is_one_line_and_status_1(tmp_path):
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "-m", "wirepy", "convert", str(SAMPLE),
                           str(tmp_path / "x.foo"), "-F", "foo"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr == ("wirepy: unknown file type 'foo' (`wirepy formats` lists the "
                           "file types)\n")
    assert not (tmp_path / "x.foo").exists()


# -- values in tables (point 5) ----------------------------------------------------

def test_every_occurrence_is_typed_as_the_first_and_missing_ones_are_empty_lists():
    pd = pytest.importorskip("pandas")
    fields = ["frame.time", "frame.time_delta", "dns.a", "ip.src"]
    first = wirepy.to_dataframe(SAMPLE, fields)
    every = wirepy.to_dataframe(SAMPLE, fields, occurrence="all")
    rows = tshark_fields(SAMPLE, ["dns.a", "frame.time_delta"])
    for i in range(len(first)):
        assert every["frame.time"][i] == [first["frame.time"][i]]
        assert isinstance(every["frame.time"][i][0], pd.Timestamp)
        # 4.6 has no time delta on the first frame: NaT, and an empty list
        delta = first["frame.time_delta"][i]
        assert len(rows[i][1]) == (0 if pd.isna(delta) else 1)
        assert every["frame.time_delta"][i] == ([] if pd.isna(delta) else [delta])
        assert [str(a) for a in every["dns.a"][i]] == rows[i][0]       # [] where none
        assert isinstance(every["ip.src"][i], list)
    table = wirepy.to_arrow(SAMPLE, ["dns.a"], occurrence="all")
    assert table.column("dns.a").null_count == 0


def test_value_names_in_tables():
    pd = pytest.importorskip("pandas")
    df = wirepy.to_dataframe(SAMPLE, ["_ws.expert.severity", "ip.proto", "frame.len"],
                             value_names=True)
    plain = wirepy.to_dataframe(SAMPLE, ["_ws.expert.severity", "ip.proto", "frame.len"])
    for name in ("_ws.expert.severity", "ip.proto"):
        names = wirepy.fields.describe(name).value_strings
        assert str(df[name].dtype) == "category"
        for got, number in zip(df[name], plain[name]):
            assert (pd.isna(got) if pd.isna(number) else got == names[int(number)])
    assert "Chat" in set(df["_ws.expert.severity"].dropna())
    assert set(df["ip.proto"].dropna()) <= {"UDP", "TCP", "ICMP"}
    assert str(df["frame.len"].dtype) == "UInt64"         # no names: stays a number


# -- writing what you filtered (point 6) -------------------------------------------

def _records(path):
    """What tshark reads back of a file: each record's time, lengths,
    interface, comments and bytes."""
    import subprocess
    fields = tshark_fields(path, ["frame.time_epoch", "frame.len", "frame.cap_len",
                                  "frame.interface_name", "frame.interface_description",
                                  "frame.comment"])
    hexes = subprocess.run(["tshark", "-n", "-r", str(path), "-x"], capture_output=True,
                           check=True).stdout
    return fields, hexes


@pytest.mark.parametrize("display_filter", ["dns", "tcp && http", "frame.number > 100"])
def test_a_filtered_capture_written_with_one_call_equals_tshark_w(display_filter, tmp_path):
    import subprocess
    import sys
    ours, theirs = tmp_path / "ours.pcapng", tmp_path / "theirs.pcapng"
    n = wirepy.FileCapture(SAMPLE, display_filter=display_filter).write(ours)
    subprocess.run(["tshark", "-n", "-r", str(SAMPLE), "-Y", display_filter, "-w", str(theirs)],
                   check=True, capture_output=True)
    assert _records(ours) == _records(theirs)
    assert n == len(tshark_fields(SAMPLE, ["frame.number"], display_filter))
    # the command line does the same
    cli = tmp_path / "cli.pcapng"
    proc = subprocess.run([sys.executable, "-m", "wirepy", "convert", str(SAMPLE), str(cli),
                           "-Y", display_filter,
                           "-q"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert _records(cli) == _records(theirs)


def test_a_filtered_capture_in_another_format(tmp_path):
    out = tmp_path / "dns.pcap"
    assert wirepy.FileCapture(SAMPLE, display_filter="dns").write(out, file_type="pcap") == 4
    from wirepy.lib import wtap
    with wtap.WTAP.open_offline(out) as w:
        assert w.file_type.name == "pcap" and sum(1 for _ in w) == 4


# -- names as tshark shows them (point 2) ------------------------------------------

def _tshark_v_labels(*args):
    import subprocess
    out = subprocess.run(["tshark", *args, "-r", str(SAMPLE), "-V"], capture_output=True,
                         text=True, check=True).stdout
    return out


@pytest.mark.parametrize("resolve_names, tshark_args", [
    (None, ["-n"]), (False, ["-n"]), (True, []), ("m", ["-N", "m"]), ("mt", ["-N", "mt"])])
def test_resolve_names_as_tshark(resolve_names, tshark_args):
    packets = list(wirepy.FileCapture(SAMPLE, resolve_names=resolve_names))
    assert "".join(str(p) + "\n\n" for p in packets) == _tshark_v_labels(*tshark_args)


def test_name_resolution_is_the_captures_own():
    named = list(wirepy.FileCapture(SAMPLE, resolve_names=True))[0]
    plain = list(wirepy.FileCapture(SAMPLE))[0]       # after it: no names again
    assert "Broadcast (ff:ff:ff:ff:ff:ff)" in str(named.eth)
    assert "Broadcast" not in str(plain.eth)
    with pytest.raises(ValueError, match="tshark -N letters"):
        wirepy.FileCapture(SAMPLE, resolve_names="mx")
