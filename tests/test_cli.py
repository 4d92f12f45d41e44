"""The wirepy command line, with tshark as the oracle."""

import json
import subprocess
import sys

import pytest
import wireshark_series
from api_fixtures import SAMPLE

WIREPY = [sys.executable, "-m", "wirepy"]


def run(*args, check=True):
    proc = subprocess.run([*WIREPY, *map(str, args)], capture_output=True, timeout=180)
    if check:
        assert proc.returncode == 0, proc.stderr.decode()
    return proc


def tshark(*args):
    # tshark's defaults (MAC names resolved), as wirepy's without -n / -N
    return subprocess.run(["tshark", *map(str, args)], capture_output=True, check=True,
                          timeout=180).stdout


@pytest.fixture(params=["sample", "mix.pcap", "mix.pcapng"])
def capture(request, capture_dir):
    return SAMPLE if request.param == "sample" else capture_dir / request.param


FIELD_ARGS = [
    ["-e", "ip.src", "-e", "ip.dst", "-e", "tcp.port"],
    ["-e", "frame.number", "-e", "_ws.col.Info", "-e", "_ws.col.Protocol"],
    ["-e", "http", "-e", "dns", "-e", "frame.protocols", "-e", "eth.src"],
    ["-e", "ip.src", "-e", "ip.src", "-e", "udp.port"],
    ["-Y", "tcp", "-e", "tcp.seq", "-e", "tcp.flags", "-e", "tcp.payload"],
    ["-e", "http.file_data", "-e", "dns.qry.name", "-E", "header=y"],
    ["-e", "tcp.port", "-e", "ip.addr", "-E", "occurrence=f"],
    ["-e", "tcp.port", "-e", "ip.addr", "-E", "occurrence=l"],
    ["-e", "tcp.port", "-e", "ip.addr", "-E", "aggregator=/s", "-E", "separator=,"],
    ["-e", "ip.src", "-e", "dns.a", "-E", "quote=d", "-E", "separator=/s"],
    ["-e", "ip.src", "-e", "frame.comment", "-E", "quote=s", "-E", "aggregator=;"],
    ["-e", "ip.src", "-E", "bom=y", "-E", "header=y", "-E", "quote=n"],
    ["-Y", "dns || arp", "-e", "_ws.col.No.", "-e", "_ws.col.Source", "-e", "arp.opcode"],
    ["-e", "_ws.expert", "-e", "_ws.malformed", "-e", "data.data"],
    # tshark keeps the first byte of a non-ASCII separator or aggregator
    ["-e", "ip.addr", "-e", "ip.src", "-E", "separator=é", "-E", "aggregator=ü",
     "-E", "header=y"],
]


@pytest.mark.parametrize("args", FIELD_ARGS, ids=lambda a: " ".join(a)[:50])
def test_fields_is_byte_identical_to_tshark(capture, args):
    ours = run("fields", capture, *args).stdout
    assert ours == tshark("-r", capture, "-T", "fields", *args)


def test_read_is_identical_to_tshark(capture):
    assert run("read", capture).stdout == tshark("-r", capture)
    # wirepy's -c counts the packets printed
    first3 = b"".join(tshark("-r", capture, "-Y", "udp").splitlines(keepends=True)[:3])
    assert run("read", capture, "-Y", "udp", "-c", "3").stdout == first3


def test_read_with_filter_equals_tshark(capture):
    assert run("read", capture, "-Y", "ip").stdout == tshark("-r", capture, "-Y", "ip")


def test_read_verbose_is_tshark_V_on_the_sample():
    assert run("read", "-V", SAMPLE).stdout == tshark("-r", SAMPLE, "-V")


def test_json_lines_are_typed():
    lines = run("json", SAMPLE, "-e", "ip.src", "-e", "tcp.srcport", "-e", "frame.time",
                "-e", "tcp.flags.syn").stdout.decode().splitlines()
    assert len(lines) == 26
    objs = [json.loads(line) for line in lines]
    syn = objs[10]
    assert syn["number"] == 11 and syn["fields"]["tcp.srcport"] == 50000
    assert syn["fields"]["ip.src"] == "192.0.2.10" and syn["fields"]["tcp.flags.syn"] is True
    assert syn["fields"]["frame.time"].startswith("2023-11-14T22:13:20.196656")
    assert syn["protocols"] == ["eth", "ethertype", "ip", "tcp"]
    full = json.loads(run("json", SAMPLE, "-c", "1").stdout.decode().splitlines()[0])
    assert full["fields"]["arp.src.proto_ipv4"] == "192.0.2.10"


@pytest.mark.parametrize("args,status,message", [
    (["fields", "/nonexistent.pcap", "-e", "ip.src"], 2,
     'The file "/nonexistent.pcap" doesn\'t exist.'),
    (["read", SAMPLE, "-Y", "ip.src =="], 2, "Unexpected end of filter expression."),
    (["fields", SAMPLE, "-e", "no.such"], 1, "Some fields aren't valid"),
    (["fields", SAMPLE, "-e", "ip.src", "-E", "bad=1"], 1,
     '"bad=1" is not a valid field output option=value pair.'),
    (["fields", SAMPLE], 1, "at least one -e FIELD"),
    (["convert", SAMPLE, "/nonexistent-dir/out.pcap", "-F", "pcap"], 2, ""),
])
def test_user_errors_are_one_line(args, status, message):
    proc = run(*args, check=False)
    err = proc.stderr.decode()
    assert proc.returncode == status, err
    assert err.count("\n") == 1 and err.startswith("wirepy: "), err
    assert message in err
    assert "Traceback" not in err


def test_truncated_file_prints_what_was_read_then_fails(tmp_path):
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(SAMPLE.read_bytes()[:3000])
    proc = run("fields", cut, "-e", "frame.number", check=False)
    assert proc.returncode == 2
    assert proc.stdout == b"".join(b"%d\n" % i for i in range(1, 16))
    assert proc.stderr.decode().count("\n") == 1


def test_standard_input_as_tshark_r_dash():
    data = SAMPLE.read_bytes()
    for args in (["read"], ["fields", "-e", "ip.src", "-e", "dns.qry.name"]):
        ours = subprocess.run([*WIREPY, args[0], "-", *args[1:]], input=data,
                              capture_output=True, timeout=60).stdout
        tshark_args = ["-r", "-"] + (["-T", "fields", *args[1:]] if args[0] == "fields" else [])
        want = subprocess.run(["tshark", *tshark_args], input=data,
                              capture_output=True, timeout=60).stdout
        assert ours == want and ours.count(b"\n") == 26
    # a second pass needs random access, which a pipe has not
    proc = subprocess.run([*WIREPY, "read", "-2", "-"], input=data, capture_output=True,
                          timeout=60)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.count("\n") == 1 and "random access" in err, err
    assert "Errno" not in err


def test_filter_check():
    assert run("filter-check", "tcp.port == 80 && http").stdout == b"Filter OK\n"
    proc = run("filter-check", "ip.src == 1.2.3.4.5", check=False)
    assert proc.returncode == 2
    assert proc.stderr.decode().splitlines() == [
        'wirepy: "1.2.3.4.5" is not a valid hostname or IPv4 address.',
        "    ip.src == 1.2.3.4.5",
        "              ^^^^^^^^^",
    ]


def test_formats_and_convert(tmp_path):
    out = run("formats").stdout.decode()
    assert any(line.split()[:2] == ["pcapng", "yes"] for line in out.splitlines())
    assert "nsecpcap" in run("formats", "--writable").stdout.decode()
    assert "pcapng" in run("formats", "--readers").stdout.decode().split()
    dst = tmp_path / "copy.pcap.gz"
    run("convert", SAMPLE, dst, "-F", "pcap", "--compression", "gzip", "-q")
    assert tshark("-r", dst, "-T", "fields", "-e", "frame.number").split()[-1] == b"26"
    assert tshark("-r", dst, "-T", "fields", "-e", "ip.src") == \
        tshark("-r", SAMPLE, "-T", "fields", "-e", "ip.src")


def test_version_and_help():
    out = run("version").stdout.decode()
    assert f"Wireshark {wireshark_series.VERSION}\n" in out and "libpcap version 1." in out
    for sub in ("read", "fields", "json", "capture", "interfaces", "formats", "convert",
                "filter-check"):
        assert b"usage: wirepy" in run(sub, "--help").stdout


@pytest.mark.parametrize("small", [True, False], ids=["buffered", "streamed"])
@pytest.mark.parametrize("command", ["read", "fields"])
def test_output_to_closed_pipe_is_not_an_error(big_capture, command, small):
    # The reader goes away before the first line: a small output is still
    # in the buffer when the command ends (it fails at the last flush), a
    # big one fails while it is written.
    args = ["-e", "frame.number", "-e", "ip.src"] if command == "fields" else []
    proc = subprocess.Popen([*WIREPY, command, str(SAMPLE if small else big_capture), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert err == b"", err


def test_two_pass_option_on_fields_and_json():
    args = ["-e", "frame.number", "-e", "dns.response_in", "-e", "tcp.reassembled_in"]
    assert run("fields", "-2", SAMPLE, *args).stdout == \
        tshark("-2", "-r", SAMPLE, "-T", "fields", *args)
    lines = run("json", "-2", SAMPLE, "-e", "dns.response_in").stdout.decode().splitlines()
    answered = {json.loads(line)["number"]: json.loads(line)["fields"].get("dns.response_in")
                for line in lines}
    assert answered[7] == 8 and answered[25] == 26
    one_pass = run("json", SAMPLE, "-e", "dns.response_in").stdout.decode().splitlines()
    assert all("dns.response_in" not in json.loads(line)["fields"] for line in one_pass)


@pytest.mark.parametrize("names", [["-n"], ["-N", "m"], ["-N", "mt"], ["-N", "mtv"]],
                         ids=lambda a: "".join(a))
@pytest.mark.parametrize("command", [["read"], ["read", "-V"],
                                     ["fields", "-e", "eth.src", "-e", "udp.srcport"]],
                         ids=["read", "read-V", "fields"])
def test_name_resolution_options_as_tshark(command, names, capture):
    ours = run(command[0], *names, capture, *command[1:]).stdout
    theirs = tshark(*names, "-r", capture, *(["-V"] if "-V" in command else []),
                    *(["-T", "fields", *command[1:]] if command[0] == "fields" else []))
    assert ours == theirs


def test_a_wrong_name_resolution_letter_is_refused_as_tshark_does():
    proc = run("read", "-N", "mx", SAMPLE, check=False)
    assert proc.returncode == 1
    assert proc.stderr.decode().startswith('wirepy: -N: "x" is not a name resolution letter')
