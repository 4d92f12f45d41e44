"""prefs: get/set by name with clear errors."""

import pytest

from wirepy.lib import prefs


def test_get_set_roundtrip():
    old = prefs.get("tcp.desegment_tcp_streams")
    assert old in ("TRUE", "FALSE")
    prefs.set_pref("tcp.desegment_tcp_streams", False)
    assert prefs.get("tcp.desegment_tcp_streams") == "FALSE"
    prefs.set_pref("tcp.desegment_tcp_streams", old == "TRUE")
    assert prefs.get("tcp.desegment_tcp_streams") == old


def test_errors_name_the_pref():
    with pytest.raises(prefs.UnknownPreference, match="no.such.pref"):
        prefs.set_pref("no.such.pref", 1)
    with pytest.raises(prefs.UnknownPreference):
        prefs.get("tcp.nonexistent_thing")
    with pytest.raises(prefs.InvalidPreferenceValue, match="tcp.desegment_tcp_streams"):
        prefs.set_pref("tcp.desegment_tcp_streams", "maybe")
    assert issubclass(prefs.PrefsError, ValueError)


def test_names_and_copy():
    n = prefs.names()
    assert "tcp.desegment_tcp_streams" in n and "tls.keylog_file" in n
    snap = prefs.copy()
    assert snap["tcp.desegment_tcp_streams"] in ("TRUE", "FALSE")
