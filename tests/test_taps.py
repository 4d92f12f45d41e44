"""The tap core (wirepy.lib.taps): C listeners registered for one read,
the tree they need built, Wireshark's registration errors as exceptions,
reads without listeners unchanged. tshark is the oracle for the counts."""

import subprocess

import pytest
from api_fixtures import SAMPLE

import wirepy
from wirepy import _engine
from wirepy.lib import epan, taps
from wirepy.lib.wireshark import lib


def tshark_lines(*args):
    out = subprocess.run(["tshark", "-n", "-r", str(SAMPLE), *args], check=True,
                         capture_output=True, text=True).stdout
    return out.splitlines()


def frame_lengths(*args):
    return [int(x) for x in tshark_lines(*args, "-T", "fields", "-e", "frame.len")]


def nothing_registered():
    """No listener with a filter or a tree requirement is left registered."""
    return lib.wirepy_tap_needs() == 0


@pytest.mark.parametrize("fields", [None, ["frame.number"], []])
def test_counter_counts_every_frame_and_its_bytes(fields):
    lengths = frame_lengths()
    counter = taps.TapCounter("frame")
    n = sum(1 for _ in wirepy.FileCapture(SAMPLE, fields=fields, taps=[counter]))
    assert n == len(lengths)
    assert counter.packets == len(lengths)
    assert counter.bytes == sum(lengths)
    assert counter.reads == 1 and not counter.registered


@pytest.mark.parametrize("fields", [None, ["frame.number"], []])
def test_a_filtered_listener_builds_the_tree_it_needs(fields):
    """fields=[] alone dissects without a tree; a listener's filter needs one."""
    tcp = taps.TapCounter("frame", filter="tcp")
    for _ in wirepy.FileCapture(SAMPLE, fields=fields, taps=tcp):
        pass
    assert tcp.packets == len(frame_lengths("-Y", "tcp")) > 0
    assert tcp.bytes == sum(frame_lengths("-Y", "tcp"))
    assert nothing_registered()


def test_listeners_see_every_packet_whatever_the_display_filter():
    """As tshark -Y FILTER -z: the display filter chooses what is printed,
    not what the taps see."""
    every, http = taps.TapCounter("frame"), taps.TapCounter("http")
    passed = list(wirepy.FileCapture(SAMPLE, display_filter="dns", fields=["frame.number"],
                                     taps=[every, http]))
    assert len(passed) == len(frame_lengths("-Y", "dns"))
    assert every.packets == len(frame_lengths())
    assert http.packets == len(frame_lengths("-Y", "http")) > 0


def test_results_are_those_of_the_last_read():
    counter = taps.TapCounter("frame", filter="udp")
    for _ in range(2):
        list(wirepy.FileCapture(SAMPLE, fields=["frame.number"], taps=[counter]))
    assert counter.packets == len(frame_lengths("-Y", "udp"))
    assert counter.reads == 2


def test_two_pass_reads_tap_the_second_pass_only():
    counter = taps.TapCounter("frame")
    n = len(list(wirepy.FileCapture(SAMPLE, fields=["frame.number"], two_pass=True,
                                    taps=[counter])))
    assert counter.packets == n == len(frame_lengths())


def test_a_loop_left_early_removes_the_listeners():
    counter = taps.TapCounter("frame", filter="ip")
    for _ in wirepy.FileCapture(SAMPLE, taps=[counter]):
        break
    assert nothing_registered()
    assert not counter.registered
    # and the next read without taps works as ever
    assert len(list(wirepy.FileCapture(SAMPLE, fields=["frame.number"]))) == len(frame_lengths())


def test_bad_filter_and_unknown_tap_are_clear_errors():
    with pytest.raises(taps.TapRegistrationError, match=r"tcp\.port ==.*invalid"):
        taps.TapCounter("frame", filter="tcp.port ==")
    with pytest.raises(taps.TapRegistrationError, match="no tap 'no-such-tap'"):
        taps.TapCounter("no-such-tap")
    with pytest.raises(TypeError, match="not a tap listener"):
        wirepy.FileCapture(SAMPLE, taps=["frame"])
    assert issubclass(taps.TapRegistrationError, epan.EpanError)


def test_wiresharks_own_refusal_is_raised_and_nothing_stays_registered():
    """Registration is all or none: the second listener's error removes the
    first (here the same listener twice in one read)."""
    tcp = taps.TapCounter("frame", filter="tcp")
    with pytest.raises(taps.TapInUseError):
        list(wirepy.FileCapture(SAMPLE, fields=["frame.number"], taps=[tcp, tcp]))
    assert nothing_registered() and not tcp.registered
    # the read's session was freed: the next one opens
    assert len(list(wirepy.FileCapture(SAMPLE, fields=["frame.number"], taps=[tcp]))) > 0
    assert tcp.packets == len(frame_lengths("-Y", "tcp"))


def test_a_read_without_listeners_is_unchanged():
    """No tree for tshark's summary lines without a listener that needs one."""
    plain = _engine.Engine([], summary=True, packet_fields=False)
    try:
        assert plain.dissect._create_tree is False
        assert plain.taps == []
    finally:
        plain.close()
    with_tap = _engine.Engine([], summary=True, packet_fields=False,
                              taps=[taps.TapCounter("frame", filter="ip")])
    try:
        assert with_tap.dissect._create_tree is True
    finally:
        with_tap.close()


def test_the_epan_layer_dissect_builds_a_tree_for_its_listeners():
    counter = taps.TapCounter("frame", filter="udp")
    with epan.OfflineFile(str(SAMPLE)) as wtap:
        d = epan.Dissect(create_proto_tree=False, taps=[counter])
        try:
            with taps.attached([counter]):
                assert d.count(wtap) == len(frame_lengths())
        finally:
            d.close()
    assert counter.packets == len(frame_lengths("-Y", "udp"))
    assert nothing_registered()


def test_tap_exists():
    assert taps.tap_exists("frame") and taps.tap_exists("expert")
    assert not taps.tap_exists("no-such-tap")


def test_a_listener_needing_columns_gets_them_filled_but_not_rendered():
    class ColumnCounter(taps.TapCounter):
        def __init__(self):
            super().__init__("frame")
            self.flags = taps.REQUIRES_COLUMNS

    counter = ColumnCounter()
    assert counter.requires_columns and not counter.requires_tree
    engine = _engine.Engine([], summary=True, packet_fields=False, columns=False,
                            taps=[counter])
    try:
        assert engine.column_info is not None and not engine.columns
        assert engine.dissect._create_tree is False
    finally:
        engine.close()
    n = len(list(wirepy.FileCapture(SAMPLE, fields=["frame.number"], taps=[counter])))
    assert counter.packets == n == len(frame_lengths())
