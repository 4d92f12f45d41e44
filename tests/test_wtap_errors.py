"""wtap bad input: each case raises its specific exception; no crash, no hang.

Cases run in this process (a crash would fail the whole run) under a
per-case time limit enforced by reading in a child when a hang is possible.
"""

from __future__ import annotations

import os
import random
import threading

import pytest

from wirepy.lib import wtap


def read_all(path, **kw):
    with wtap.WTAP.open_offline(path, **kw) as w:
        return [d for _, d in w]


def test_error_hierarchy():
    codes = [n for n in dir(wtap.lib) if n.startswith("WTAP_ERR_")]
    assert len(codes) == 26
    classes = {wtap.error_class(getattr(wtap.lib, n)) for n in codes}
    assert len(classes) == 26 and wtap.FileError not in classes
    for name in ["BadFile", "CantClose", "CantOpen", "CantRead", "CantSeek", "CantWriteToPipe",
                 "CompressionUnsupported", "Decompress", "EncapPerPacketUnsupported",
                 "NotRegularFile", "RandomOpenPipe", "RandomOpenStdin", "ShortRead",
                 "ShortWrite", "UncompressBadOffset", "UncompressOverflow",
                 "UncompressTruncated", "UnknownFormat", "Unsupported", "UnsupportedEncap",
                 "UnsupportedFileType"]:
        cls = getattr(wtap, name)
        assert issubclass(cls, wtap.FileError) and issubclass(cls, wtap.WTAPError)
        e = cls("extra text", True)
        assert e.err_info == "extra text" and e.for_writing is True
        assert "extra text" in str(e)
    assert issubclass(wtap.error_class(2), FileNotFoundError)
    assert issubclass(wtap.error_class(2), wtap.FileError)
    assert wtap.error_class(2) is wtap.error_class(2)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        wtap.WTAP.open_offline(tmp_path / "nope.pcap")
    assert isinstance(info.value, wtap.FileError)
    assert info.value.errno == 2 and info.value.filename.endswith("nope.pcap")


def test_directory(tmp_path):
    with pytest.raises(IsADirectoryError) as info:
        wtap.WTAP.open_offline(tmp_path)
    assert isinstance(info.value, wtap.FileError)


def test_empty_file(tmp_path):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    with pytest.raises(wtap.UnknownFormat):
        wtap.WTAP.open_offline(path)


def test_random_bytes(tmp_path):
    rnd = random.Random(7)
    for i in range(5):
        path = tmp_path / f"rand{i}"
        path.write_bytes(bytes(rnd.randrange(256) for _ in range(4096)))
        with pytest.raises(wtap.UnknownFormat) as info:
            wtap.WTAP.open_offline(path)
        assert "format" in str(info.value).lower()


def _cut_points(size, n=20):
    return sorted({max(1, size * k // (n + 1)) for k in range(1, n + 1)})


@pytest.mark.parametrize("which", ["pcap", "pcapng"])
def test_truncated(tmp_path, which, pcap_file, pcapng_file, packets):
    src = (pcap_file if which == "pcap" else pcapng_file).read_bytes()
    points = _cut_points(len(src))
    assert len(points) == 20
    for cut in points:
        path = tmp_path / f"cut{cut}"
        path.write_bytes(src[:cut])
        got = []
        try:
            with wtap.WTAP.open_offline(path) as w:
                for _, d in w:
                    got.append(d)
        except (wtap.ShortRead, wtap.UnknownFormat, wtap.BadFile) as exc:
            assert exc.filename == str(path)
        else:
            pytest.fail(f"{which} cut at {cut}/{len(src)} read without error "
                        f"({len(got)} records)")
        # what was read before the error is a correct prefix
        assert got == [p.data for p in packets[:len(got)]]


def test_truncated_header_only_pcap(tmp_path, pcap_file):
    # A cut exactly after the file header is a valid empty file.
    path = tmp_path / "hdr.pcap"
    path.write_bytes(pcap_file.read_bytes()[:24])
    assert read_all(path) == []


@pytest.mark.parametrize("which", ["pcap", "pcapng"])
def test_flipped_header_bytes(tmp_path, which, pcap_file, pcapng_file):
    src = bytearray((pcap_file if which == "pcap" else pcapng_file).read_bytes())
    # every byte of the file header, and of the first record header
    first = 24 if which == "pcap" else 28 + 20
    positions = list(range(0, 24)) + list(range(first, first + 16))
    outcomes = set()
    for pos in positions:
        data = bytearray(src)
        data[pos] ^= 0xFF
        path = tmp_path / f"flip{pos}"
        path.write_bytes(bytes(data))
        try:
            n = len(read_all(path))
            outcomes.add("ok")
            assert n >= 0
        except wtap.FileError as exc:
            outcomes.add(type(exc).__name__)
            assert type(exc) is not wtap.FileError
    # flipping the magic must be reported as an unknown format, corrupt
    # record headers as bad or short files
    assert "UnknownFormat" in outcomes
    assert outcomes & {"BadFile", "ShortRead"}


def test_forced_unknown_format(pcap_file):
    with pytest.raises(ValueError):
        wtap.WTAP.open_offline(pcap_file, format="no such reader")
    # A pcap forced through readers for other formats is refused.
    for fmt in ["erf", "Snoop, Shomiti/Finisar Surveyor", "Wireshark/... - pcapng", "k12text"]:
        with pytest.raises(wtap.FileError) as info:
            read_all(pcap_file, format=fmt)
        assert isinstance(info.value, (wtap.UnknownFormat, wtap.BadFile, wtap.ShortRead))


def test_forced_correct_format(pcap_file, packets):
    assert len(read_all(pcap_file, format="pcap")) == len(packets)


def test_pipe_random(tmp_path, pcap_file):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def feed():
        try:
            with open(fifo, "wb") as f:
                f.write(pcap_file.read_bytes())
        except BrokenPipeError:
            pass
    t = threading.Thread(target=feed, daemon=True)
    t.start()
    with pytest.raises(wtap.RandomOpenPipe):
        wtap.WTAP.open_offline(fifo, random=True)
    t.join(timeout=0.5)
    # the writer may still be blocked if wiretap gave up before opening
    if t.is_alive():
        with open(fifo, "rb") as f:
            f.read()
        t.join(timeout=5)
    assert not t.is_alive()


def test_pipe_sequential(tmp_path, pcap_file, packets):
    fifo = tmp_path / "fifo2"
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as f:
            f.write(pcap_file.read_bytes())
    t = threading.Thread(target=feed, daemon=True)
    t.start()
    assert len(read_all(fifo)) == len(packets)
    t.join(timeout=5)


def test_char_device():
    with pytest.raises(wtap.NotRegularFile):
        wtap.WTAP.open_offline("/dev/null")
