"""TLS 1.2 and 1.3 decryption: keys from prefs (tls.keylog_file) and from a
pcapng decryption-secrets block, against tshark, on a capture made here."""

import subprocess

import pytest
from epan_fixtures import tshark

from wirepy.lib import epan, prefs, wtap

FIELDS = ["frame.protocols", "tls.record.content_type", "tls.handshake.type", "tls.app_data",
          "http.request.uri", "http.response.code", "http.file_data", "tcp.len"]


def wirepy_fields(path, port, opener=epan.OfflineFile):
    prefs.decode_as("tcp.port", port, "tls")
    try:
        with epan.Session() as s, opener(str(path)) as wt:
            d = epan.Dissect(session=s, proto_tree_visible=False)
            d.prime_fields(FIELDS)
            return ["\t".join(",".join(o) for o in p.fields) for p in d.iter_fields(wt)]
    finally:
        prefs.reset_decode_as("tcp.port", port)


def tshark_fields(path, port, *opts):
    args = []
    for f in FIELDS:
        args += ["-e", f]
    return tshark("-r", str(path), "-d", f"tcp.port=={port},tls", *opts, "-T", "fields",
                  *args).splitlines()


@pytest.fixture
def no_keylog():
    old = prefs.get("tls.keylog_file")
    prefs.set_pref("tls.keylog_file", "")
    yield
    prefs.set_pref("tls.keylog_file", old)


def test_encrypted_without_keys(tls_capture, no_keylog):
    pcap, _, port = tls_capture
    got = wirepy_fields(pcap, port)
    assert got == tshark_fields(pcap, port)
    assert not any("/tls1" in line for line in got)
    assert any(line.split("\t")[3] for line in got)  # tls.app_data: still ciphertext


def test_decrypt_with_keylog_pref(tls_capture, no_keylog):
    pcap, keylog, port = tls_capture
    prefs.set_pref("tls.keylog_file", str(keylog))
    got = wirepy_fields(pcap, port)
    want = tshark_fields(pcap, port, "-o", f"tls.keylog_file:{keylog}")
    assert got == want
    uris = [line.split("\t")[4] for line in got]
    assert "/tls12" in uris and "/tls13" in uris
    assert sum(line.split("\t")[5] == "200" for line in got) == 2


def test_decrypt_with_dsb(tls_capture, no_keylog, tmp_path):
    pcap, keylog, port = tls_capture
    dsb = tmp_path / "tls-dsb.pcapng"
    subprocess.run(["editcap", "--inject-secrets", f"tls,{keylog}", str(pcap), str(dsb)],
                   check=True, capture_output=True)
    got = wirepy_fields(dsb, port)
    assert got == tshark_fields(dsb, port)
    uris = [line.split("\t")[4] for line in got]
    assert "/tls12" in uris and "/tls13" in uris
    # the secrets came from the file: the plain capture stays encrypted
    assert not any("/tls1" in line for line in wirepy_fields(pcap, port))


def test_the_secrets_of_a_file_reach_dissection_whichever_way_it_was_opened(
        tls_capture, no_keylog, tmp_path):
    """One capture-file object: a file the wiretap layer opened decrypts as
    one opened for dissection (the pcapng secrets callback is registered when
    dissection first reads it), and both close the same way."""
    pcap, keylog, port = tls_capture
    dsb = tmp_path / "tls-dsb.pcapng"
    subprocess.run(["editcap", "--inject-secrets", f"tls,{keylog}", str(pcap), str(dsb)],
                   check=True, capture_output=True)
    via_wtap = wirepy_fields(dsb, port, opener=wtap.WTAP.open_offline)
    assert via_wtap == wirepy_fields(dsb, port) == tshark_fields(dsb, port)
    assert any("/tls13" in line for line in via_wtap)
    for opener in (wtap.WTAP.open_offline, epan.OfflineFile):
        f = opener(str(dsb))
        assert isinstance(f, wtap.WTAP) and not f.closed
        f.close()
        assert f.closed
        with pytest.raises(ValueError, match="closed"):
            f.cdata  # noqa: B018
        with epan.Session() as s, pytest.raises(ValueError, match="closed"):
            next(epan.Dissect(session=s).iter_fields(f))
