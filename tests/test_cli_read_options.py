"""wirepy read's -o (preferences and uat: rows), -d (decode as) and -w
(write what -Y passes), each against tshark with the same options."""

import subprocess
import sys

import pytest
from api_fixtures import SAMPLE
from source_fixtures import tshark, ws_capture

WIREPY = [sys.executable, "-m", "wirepy"]
WPA_ROW = 'uat:80211_keys:"wpa-pwd","Induction:Coherer"'


def run(*args, check=True):
    proc = subprocess.run([*WIREPY, *map(str, args)], capture_output=True, timeout=300)
    if check:
        assert proc.returncode == 0, proc.stderr.decode()
    return proc


@pytest.mark.parametrize("args", [
    ["-Y", "http"],
    ["-Y", "http", "-V"],
    ["-Y", "eapol", "-V", "-x"],
])
def test_uat_option_decrypts_as_tshark(args):
    path = ws_capture("wpa-Induction.pcap.gz")
    ours = run("read", "-n", path, "-o", WPA_ROW, *args).stdout
    assert ours == tshark("-n", "-r", path, "-o", WPA_ROW, *args)
    assert ours.strip()
    assert run("read", "-n", path, *args).stdout == tshark("-n", "-r", path, *args)


def test_preference_option_as_tshark():
    args = ["-o", "tcp.desegment_tcp_streams:FALSE", "-o", "tcp.relative_sequence_numbers: FALSE"]
    ours = run("read", "-n", "-V", SAMPLE, *args).stdout
    assert ours == tshark("-n", "-r", SAMPLE, "-V", *args)
    assert ours != run("read", "-n", "-V", SAMPLE).stdout


def test_fields_and_json_take_o_and_d():
    path = ws_capture("wpa-Induction.pcap.gz")
    args = ["-o", WPA_ROW, "-Y", "http", "-e", "http.request.uri"]
    ours = run("fields", "-n", path, *args).stdout
    assert ours == tshark("-n", "-r", path, "-T", "fields", *args)
    assert b"/wiki/Landshark" in ours
    assert b"/wiki/Landshark" in run("json", "-n", path, *args).stdout
    d = ["-d", "tcp.port==80,echo", "-e", "echo.data", "-Y", "echo"]
    assert run("fields", "-n", SAMPLE, *d).stdout == tshark("-n", "-r", SAMPLE, "-T", "fields",
                                                            *d)


@pytest.mark.parametrize("rule", ["tcp.port==80,echo", "udp.port==53,data",
                                  "tcp.port==8000-8100,http"])
def test_decode_as_option_as_tshark(rule):
    ours = run("read", "-n", SAMPLE, "-d", rule).stdout
    assert ours == tshark("-n", "-r", SAMPLE, "-d", rule)


def test_decode_as_changes_the_dissection():
    assert b"ECHO" in run("read", "-n", SAMPLE, "-d", "tcp.port==80,echo").stdout
    assert b"ECHO" not in run("read", "-n", SAMPLE).stdout


def _described(path):
    return tshark("-n", "-r", path, "-V")


@pytest.mark.parametrize("args", [["-Y", "dns"], [], ["-Y", "ip", "-F", "pcap"]])
def test_write_as_tshark(tmp_path, args):
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    proc = run("read", SAMPLE, *args, "-w", ours)
    assert proc.stdout == b""
    tshark("-r", SAMPLE, *args, "-w", theirs)
    assert _described(ours) == _described(theirs)
    kinds = [subprocess.run(["capinfos", "-t", "-c", p], capture_output=True, check=True,
                            text=True).stdout.splitlines()[1:] for p in (ours, theirs)]
    assert kinds[0] == kinds[1]


def test_write_count_is_the_first_packets_written(tmp_path):
    # wirepy's -c counts the packets printed or written (tshark's, those read)
    ours, every, theirs = tmp_path / "ours", tmp_path / "every", tmp_path / "theirs"
    run("read", SAMPLE, "-Y", "tcp", "-c", "4", "-w", ours)
    tshark("-r", SAMPLE, "-Y", "tcp", "-w", every)
    subprocess.run(["editcap", "-r", every, theirs, "1-4"], check=True, capture_output=True)
    assert _described(ours) == _described(theirs)
    assert tshark("-r", ours, "-T", "fields", "-e", "frame.number").count(b"\n") == 4


def test_write_decrypted_filter(tmp_path):
    path = ws_capture("wpa-Induction.pcap.gz")
    ours, theirs = tmp_path / "ours.pcapng", tmp_path / "theirs.pcapng"
    run("read", path, "-o", WPA_ROW, "-Y", "http", "-w", ours)
    tshark("-r", path, "-o", WPA_ROW, "-Y", "http", "-w", theirs)
    assert _described(ours) == _described(theirs)
    # the decrypted HTTP packets, not an empty file
    assert tshark("-r", ours, "-T", "fields", "-e", "frame.number").count(b"\n") > 5


@pytest.mark.parametrize("args, status, message", [
    (["-o", "nosuch.pref:1"], 2, "unknown preference 'nosuch.pref'"),
    (["-o", "novalue"], 1, 'Invalid -o flag "novalue"'),
    (["-o", "uat:80211_keys"], 1, "uat:TABLE:ROW"),
    (["-o", "uat:80211_key:\"wpa-pwd\",\"x\""], 2, "unknown UAT table '80211_key'"),
    (["-o", "uat:80211_keys:\"wpa-pwdx\",\"x\""], 2, "invalid row"),
    (["-d", "tcp.port=80,http"], 1, "not a valid decode-as option"),
    (["-d", "tcp.port==80,nosuch"], 2, "unknown protocol 'nosuch'"),
    (["-d", "nosuch.port==80,http"], 2, "nosuch.port"),
    (["-V", "-w", "/tmp/never-written"], 1, "-w writes the packets"),
])
def test_bad_options_are_one_line(args, status, message):
    proc = run("read", SAMPLE, *args, check=False)
    assert proc.returncode == status
    err = proc.stderr.decode()
    assert message in err and err.count("\n") == 1, err
