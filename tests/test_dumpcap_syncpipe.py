"""The sync-pipe parser on its own, fed byte streams in every possible split."""

import os
import random

import pytest

from wirepy.lib import dumpcap
from wirepy.lib.dumpcap_syncpipe import (
    SP_BAD_FILTER,
    SP_DROPS,
    SP_ERROR_MSG,
    SP_FILE,
    SP_MAX_MSG_LEN,
    SP_PACKET_COUNT,
    SP_SUCCESS,
    BadFilter,
    BrokenPipe,
    Drops,
    ErrorMessage,
    Message,
    SyncPipeParser,
    encode_error,
    encode_message,
)

# The bytes dumpcap 4.0 really sent (§10 of the embedding notes).
LO_FILE = b"lo.pcapng\0"
REAL_STREAM = (
    b"F\x00\x00\x0a" + LO_FILE
    + b"P\x00\x00\x021\0" + b"P\x00\x00\x023\0" + b"P\x00\x00\x021\0"
    + b"D\x00\x00\x050:lo\0"
)
REAL_STREAM_MESSAGES = [
    Message(SP_FILE, "lo.pcapng"),
    Message(SP_PACKET_COUNT, 1), Message(SP_PACKET_COUNT, 3), Message(SP_PACKET_COUNT, 1),
    Message(SP_DROPS, Drops(0, "lo")),
]
NOSUCHIF = (
    b"E\x00\x00\x81"
    b"E\x00\x00\x78The capabilities of the capture device \"nosuchif\" could not be "
    b"obtained (pcap_activate() failed: No such device exists)\0"
    b"E\x00\x00\x01\0"
)
BAD_FILTER = b"B\x00\x00\x2e0:can't parse filter expression: syntax error\0"


def parse_split(stream, cuts):
    """Feed *stream* cut at the given positions; returns all messages."""
    parser = SyncPipeParser()
    messages = []
    last = 0
    for cut in list(cuts) + [len(stream)]:
        messages += parser.feed(stream[last:cut])
        last = cut
    parser.close()
    return messages


def test_exceptions_are_the_dumpcap_ones():
    assert dumpcap.BrokenPipe is BrokenPipe
    assert issubclass(dumpcap.BadFilterError, dumpcap.ChildError)
    assert issubclass(dumpcap.ChildError, dumpcap.DumpcapError)
    assert issubclass(dumpcap.NoEvents, dumpcap.DumpcapError)
    assert issubclass(BrokenPipe, dumpcap.DumpcapError)
    assert dumpcap.ChildError.__module__ == "wirepy.lib.dumpcap"


def test_real_capture_stream():
    assert SyncPipeParser().parse_all(REAL_STREAM) == REAL_STREAM_MESSAGES


def test_real_nested_error():
    (msg,) = SyncPipeParser().parse_all(NOSUCHIF)
    assert msg.indicator == SP_ERROR_MSG
    assert isinstance(msg.payload, ErrorMessage)
    assert msg.payload.primary.startswith('The capabilities of the capture device "nosuchif"')
    assert msg.payload.primary.endswith("No such device exists)")
    assert msg.payload.secondary == ""
    assert str(msg.payload) == msg.payload.primary


def test_real_bad_filter():
    (msg,) = SyncPipeParser().parse_all(BAD_FILTER)
    assert msg == Message(SP_BAD_FILTER,
                          BadFilter(0, "can't parse filter expression: syntax error"))


def test_success_is_empty():
    assert SyncPipeParser().parse_all(b"S\0\0\0") == [Message(SP_SUCCESS, None)]


def test_encoders_match_dumpcap():
    assert encode_message(SP_SUCCESS, None) == b"S\0\0\0"
    assert encode_message(SP_DROPS, "0:lo") == b"D\x00\x00\x050:lo\0"
    assert encode_error(b"abc", b"") == b"E\x00\x00\x0dE\x00\x00\x04abc\0E\x00\x00\x01\0"
    assert encode_message(SP_BAD_FILTER, b"0:can't parse filter expression: syntax error") \
        == BAD_FILTER


def _mixed_stream():
    return (encode_message(SP_FILE, "/tmp/a file with spaces \u00e9\u6f22.pcapng")
            + encode_message(SP_PACKET_COUNT, "12")
            + encode_error("primary message", "secondary\nmessage")
            + encode_message(SP_BAD_FILTER, "1:bad")
            + encode_message(SP_DROPS, "4294967295:eth\u00e9")
            + encode_message(SP_SUCCESS, None)
            + encode_error("", ""))


MIXED_MESSAGES = [
    Message(SP_FILE, "/tmp/a file with spaces \u00e9\u6f22.pcapng"),
    Message(SP_PACKET_COUNT, 12),
    Message(SP_ERROR_MSG, ErrorMessage("primary message", "secondary\nmessage")),
    Message(SP_BAD_FILTER, BadFilter(1, "bad")),
    Message(SP_DROPS, Drops(4294967295, "eth\u00e9")),
    Message(SP_SUCCESS, None),
    Message(SP_ERROR_MSG, ErrorMessage("", "")),
]


def test_mixed_stream_whole():
    assert SyncPipeParser().parse_all(_mixed_stream()) == MIXED_MESSAGES
    assert str(MIXED_MESSAGES[2].payload) == "primary message\nsecondary\nmessage"


@pytest.mark.parametrize("stream,expected", [
    (REAL_STREAM, REAL_STREAM_MESSAGES),
    (NOSUCHIF + BAD_FILTER, None),
    (_mixed_stream(), MIXED_MESSAGES),
])
def test_split_at_every_position(stream, expected):
    whole = SyncPipeParser().parse_all(stream)
    if expected is not None:
        assert whole == expected
    for cut in range(len(stream) + 1):
        assert parse_split(stream, [cut]) == whole, cut
    # and one byte at a time
    assert parse_split(stream, range(1, len(stream))) == whole


def test_split_at_every_pair_of_positions():
    stream = REAL_STREAM + encode_error("x", "yz")
    whole = SyncPipeParser().parse_all(stream)
    for a in range(len(stream) + 1):
        for b in range(a, len(stream) + 1, 3):
            assert parse_split(stream, [a, b]) == whole


def test_random_chunks():
    rng = random.Random(4711)
    stream = _mixed_stream() * 20
    whole = SyncPipeParser().parse_all(stream)
    assert len(whole) == 7 * 20
    for _ in range(50):
        cuts = sorted(rng.sample(range(1, len(stream)), rng.randint(1, 40)))
        assert parse_split(stream, cuts) == whole


def test_partial_message_is_held_back():
    parser = SyncPipeParser()
    assert parser.feed(REAL_STREAM[:6]) == []
    assert parser.pending == 6
    assert parser.feed(REAL_STREAM[6:14]) == [Message(SP_FILE, "lo.pcapng")]
    assert parser.pending == 0


def test_max_len_payload_accepted():
    text = b"x" * (SP_MAX_MSG_LEN - 1)
    assert SyncPipeParser().parse_all(encode_message(SP_FILE, text)) == \
        [Message(SP_FILE, text.decode())]


def test_oversize_frame_raises_at_once():
    parser = SyncPipeParser()
    # Only the header: the parser must not wait for 4097 more bytes.
    with pytest.raises(BrokenPipe, match="Oversized"):
        parser.feed(b"F\x00\x10\x01")
    with pytest.raises(BrokenPipe, match="Oversized"):
        SyncPipeParser().feed(b"E\xff\xff\xff")
    # A broken parser stays broken.
    with pytest.raises(BrokenPipe):
        parser.feed(REAL_STREAM)
    with pytest.raises(BrokenPipe):
        parser.close()


@pytest.mark.parametrize("cut", range(1, len(REAL_STREAM)))
def test_truncated_stream_raises_on_close(cut):
    parser = SyncPipeParser()
    got = parser.feed(REAL_STREAM[:cut])
    assert got == REAL_STREAM_MESSAGES[:len(got)]
    if parser.pending:
        with pytest.raises(BrokenPipe, match="Premature EOF"):
            parser.close()
    else:
        parser.close()


@pytest.mark.parametrize("garbage", [
    b"dumpcap: unrecognized option: bogus\n",   # plain stderr text
    b"\x00\x00\x00\x00",
    b"Q\x00\x00\x00",                            # defined, never sent by dumpcap
    b"T\x00\x00\x00",
    b"X",                                        # a single byte is enough
    b"P\x00\x00\x03a1\0",                        # not a number
    b"P\x00\x00\x01\0",                          # empty number
    b"P\x00\x00\x03-1\0",
    b"P\x00\x00\x1699999999999999999999999\0",   # more than SP_DECISIZE digits
    b"P\x00\x00\x0212",                          # not NUL-terminated
    b"F\x00\x00\x04a\0b\0",                      # NUL inside
    b"D\x00\x00\x040lo\0",                      # no ':'
    b"B\x00\x00\x04x:y\0",                       # index not a number
    b"S\x00\x00\x02x\0",                         # success with payload
    b"E\x00\x00\x03ab\0",                        # no nested blocks
    b"E\x00\x00\x05E\x00\x00\x01\0",             # one nested block only
    b"E\x00\x00\x0aF\x00\x00\x01\0E\x00\x00\x01\0",    # nested block not 'E'
    b"E\x00\x00\x0aE\x00\x00\x05\0E\x00\x00\x01\0",    # inner length overruns
    b"E\x00\x00\x0bE\x00\x00\x01\0E\x00\x00\x01\0z",   # trailing bytes
])
def test_garbage_raises_brokenpipe(garbage):
    parser = SyncPipeParser()
    with pytest.raises(BrokenPipe):
        # The garbage may come after good messages and in small pieces.
        for i in range(0, len(REAL_STREAM + garbage), 3):
            parser.feed((REAL_STREAM + garbage)[i:i + 3])
        parser.close()


def test_garbage_is_detected_before_eof():
    """Unknown indicators are reported without waiting for more bytes."""
    parser = SyncPipeParser()
    assert parser.feed(REAL_STREAM) == REAL_STREAM_MESSAGES
    with pytest.raises(BrokenPipe, match="Unexpected data"):
        parser.feed(b"d")


def test_random_garbage_never_hangs():
    rng = random.Random(1)
    for _ in range(2000):
        data = os.urandom(rng.randint(0, 64)) if rng.random() < 0.5 else \
            bytes(rng.choice(b"FEBPDS\0\1:0123") for _ in range(rng.randint(0, 64)))
        parser = SyncPipeParser()
        try:
            for i in range(0, len(data), 5):
                for msg in parser.feed(data[i:i + 5]):
                    assert isinstance(msg, Message)
            parser.close()
        except BrokenPipe:
            pass


def test_feed_after_close():
    parser = SyncPipeParser()
    parser.close()
    with pytest.raises(BrokenPipe):
        parser.feed(b"S\0\0\0")
