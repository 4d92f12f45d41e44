"""UAT tables (key tables and the like) as tshark's -o "uat:TABLE:ROW":
Wireshark's decryption test captures decrypt with the same keys as in
tshark, and the rows are taken back afterwards."""

import pytest
from source_fixtures import tshark, ws_capture

import wirepy
from wirepy.lib import uat

WPA = ("wpa-pwd", "Induction:Coherer")
# the keys of Wireshark's own decryption tests (test/config/*.tmpl)
ESP_SA = [
    ("IPv4", "192.168.0.1", "192.168.0.100", "0x070883c2", "AES-CBC [RFC3602]",
     "0x5de1a4c2c72662c9fda7a7c78cd25623", "HMAC-SHA-1-96 [RFC2404]",
     "0x51c9213c18232f8f26c70c4dee6e0e6d56e31e8a"),
    ("IPv4", "192.168.0.100", "192.168.0.1", "0xc254fe64", "AES-CBC [RFC3602]",
     "0x88e1dad7140af03b8d4f3d734d21be4b", "HMAC-SHA-1-96 [RFC2404]",
     "0x3e00d517c1220d4b7d2950fcc02edd4b6023d278"),
]
IKEV2 = ('ea684d21597afd36,d9fe2ab22dac23ac,be83fe15f6a9976941870830fe26c014b863b3,'
         '79e0f4476861a76e64329e787b1c4ff38d732f,'
         '"AES-CCM-128 with 12 octet ICV [RFC5282]",,,"NONE [RFC4306]"')


def _o(table, rows):
    return [arg for row in rows for arg in ("-o", f"uat:{table}:{uat.row_text(row)}")]


def _lines(out: bytes):
    return out.decode().splitlines()


def _fields(path, names, **kw):
    return ["\t".join(",".join(pkt.field_strings(n)) for n in names)
            for pkt in wirepy.FileCapture(path, fields=names, typed=False, **kw)]


def test_wpa_password_decrypts_as_in_tshark():
    path = ws_capture("wpa-Induction.pcap.gz")
    names = ["frame.number", "http.request.uri"]
    want = _lines(tshark("-n", "-r", path, *_o("80211_keys", [WPA]), "-Y", "http",
                         "-T", "fields", *[a for n in names for a in ("-e", n)]))
    assert any("/wiki/Landshark" in line for line in want)
    before = uat.rows("80211_keys")
    got = _fields(path, names, display_filter="http", uat={"80211_keys": [WPA]})
    assert got == want
    # taken back: nothing decrypts afterwards
    assert uat.rows("80211_keys") == before
    assert _fields(path, names, display_filter="http") == []


def test_decrypted_trees_are_tshark_V():
    path = ws_capture("wpa-Induction.pcap.gz")
    cap = wirepy.FileCapture(path, display_filter="http", uat={"80211_keys": [WPA]})
    ours = []
    for i, pkt in enumerate(cap):
        if i == 3:
            break
        ours.append(str(pkt))
    want = tshark("-n", "-r", path, *_o("80211_keys", [WPA]), "-Y", "http",
                  "-V").decode().split("\n\n")
    assert [text for text in want if text.strip()][:3] == ours
    assert "Hypertext Transfer Protocol" in ours[0]


def test_a_row_as_the_text_of_a_uat_file():
    path = ws_capture("wpa-Induction.pcap.gz")
    got = _fields(path, ["http.request.uri"], display_filter="http",
                  uat={"80211_keys": ['"wpa-pwd","Induction:Coherer"']})
    assert "/wiki/Landshark" in got


def test_esp_security_associations_as_in_tshark():
    path = ws_capture("esp-bug-12671.pcapng.gz")
    prefs = {"esp.enable_encryption_decode": True}
    want = _lines(tshark("-n", "-r", path, "-o", "esp.enable_encryption_decode:TRUE",
                         *_o("esp_sa", ESP_SA), "-T", "fields", "-e", "icmp.seq", "-e",
                         "data.data"))
    assert any("08090a0b0c0d0e0f" in line for line in want)
    got = _fields(path, ["icmp.seq", "data.data"], prefs=prefs, uat={"esp_sa": ESP_SA})
    assert got == want
    assert _fields(path, ["icmp.seq"], prefs=prefs) != _fields(
        path, ["icmp.seq"], prefs=prefs, uat={"esp_sa": ESP_SA})


def test_ikev2_table_row_with_hex_fields():
    path = ws_capture("ikev2-decrypt-aes128ccm12.pcap")
    want = tshark("-n", "-r", path, "-o", f"uat:ikev2_decryption_table:{IKEV2}", "-V").decode()
    got = "\n\n".join(str(p) for p in wirepy.FileCapture(
        path, uat={"ikev2_decryption_table": [IKEV2]}))
    assert got + "\n\n" == want
    plain = "\n\n".join(str(p) for p in wirepy.FileCapture(path))
    assert plain != got


def test_dissector_takes_rows_while_open():
    path = ws_capture("wpa-Induction.pcap.gz")
    frames = [p.raw for p in wirepy.FileCapture(path, fields=["frame.number"])]
    before = uat.rows("80211_keys")
    with wirepy.Dissector(encap=23, fields=["http.request.uri"],
                          uat={"80211_keys": [WPA]}) as d:
        assert uat.rows("80211_keys") == before + 1
        uris = [u for f in frames for u in d.dissect(f).field_strings("http.request.uri")]
    assert "/wiki/Landshark" in uris
    assert uat.rows("80211_keys") == before


def test_unknown_table_and_bad_rows_are_clear_errors():
    path = ws_capture("wpa-Induction.pcap.gz")
    with pytest.raises(wirepy.PreferenceError, match="unknown UAT table '80211_key'.*80211_keys"):
        wirepy.FileCapture(path, uat={"80211_key": [WPA]})
    with pytest.raises(wirepy.PreferenceError, match="a list of rows"):
        wirepy.FileCapture(path, uat={"80211_keys": '"wpa-pwd","x"'})
    before = uat.rows("80211_keys")
    cap = wirepy.FileCapture(path, uat={"80211_keys": [WPA, ("wpa-pwdx", "x")]})
    bad = r"UAT table '80211_keys': invalid row '\"wpa-pwdx\",\"x\"'.*wpa-pwdx"
    with pytest.raises(wirepy.PreferenceError, match=bad):
        cap.count()
    # the good row before the bad one was taken back too
    assert uat.rows("80211_keys") == before


def test_lib_api_rows_add_truncate():
    before = uat.rows("80211_keys")
    uat.add_row("80211_keys", WPA)
    uat.add_row("80211_keys", ("wep", "1234567890"))
    assert uat.rows("80211_keys") == before + 2
    with pytest.raises(uat.InvalidUatRow, match="expecting field"):
        uat.add_row("80211_keys", ("wpa-pwd",))
    assert uat.rows("80211_keys") == before + 2
    with pytest.raises(uat.InvalidUatRow, match="line breaks"):
        uat.add_row("80211_keys", '"wep","1"\n"wep","2"')
    uat.truncate("80211_keys", before)
    assert uat.rows("80211_keys") == before
    with pytest.raises(uat.UnknownUatTable):
        uat.rows("no_such_table")
    with pytest.raises(uat.UnknownUatTable):
        uat.truncate("no_such_table", 0)
    assert {"80211_keys", "esp_sa", "ssl_keys"} <= set(uat.tables())


def test_row_text_quotes_and_escapes():
    assert uat.row_text(("a", 'b"c\\', b"\x01\xff", 5, True)) == \
        '"a","b\\"c\\\\",01ff,"5","TRUE"'
    assert uat.row_text("as,it,is") == "as,it,is"
    with pytest.raises(TypeError):
        uat.row_text(5)
