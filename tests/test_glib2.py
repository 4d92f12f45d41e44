"""GLib helpers: GSList iteration, GString, gchar conversion."""

import gc

from wirepy.lib import glib2, wireshark
from wirepy.lib.wireshark import ffi, lib


def test_from_gchar_frees_and_converts():
    s = lib.g_strdup(b"caf\xc3\xa9")
    assert glib2.from_gchar(s) == "café"
    assert glib2.from_gchar(ffi.NULL) is None
    keep = ffi.new("char[]", b"static")
    assert glib2.from_gchar(keep, free=False) == "static"


def test_singly_linked_list_iteration():
    strings = [lib.g_strdup(w) for w in (b"one", b"two", b"three")]
    head = ffi.NULL
    for s in strings:
        head = lib.g_slist_append(head, s)
    lst = glib2.SinglyLinkedListIterator(head, callable=lambda p: ffi.string(
        ffi.cast("char *", p)).decode())
    assert list(lst) == ["one", "two", "three"]
    assert len(lst) == 3 and bool(lst)
    assert lst.next != ffi.NULL   # the cell after the head
    raw = list(glib2.SinglyLinkedListIterator(head, gc=False))
    assert [ffi.cast("char *", p) for p in raw] == [ffi.cast("char *", s) for s in strings]
    del lst
    gc.collect()   # the cells are freed with g_slist_free, the strings are ours
    for s in strings:
        lib.g_free(s)


def test_empty_list():
    lst = glib2.SinglyLinkedListIterator(ffi.NULL)
    assert list(lst) == [] and len(lst) == 0 and not lst


def test_wireshark_list_of_extensions():
    # A real GSList from libwiretap: the extensions of pcapng files.
    wireshark.initialize()
    lib_ft = lib.wtap_pcapng_file_type_subtype()
    head = lib.wtap_get_file_extensions_list(lib_ft, False)
    exts = list(glib2.SinglyLinkedListIterator(
        head, callable=lambda p: ffi.string(ffi.cast("char *", p)).decode(), gc=False))
    lib.wtap_free_extensions_list(head)
    assert "pcapng" in exts


def test_gstring():
    s = glib2.String("héllo")
    assert str(s) == "héllo" and len(s) == len("héllo".encode())
    assert s.len == 6 and s.allocated_len >= 6
    s.append(" world")
    s.append(b"!")
    assert str(s) == "héllo world!" and bytes(s) == "héllo world!".encode()
    borrowed = glib2.String(s.cdata)   # wraps without owning
    assert borrowed.len == s.len
    s2 = glib2.String(b"\x00binary\x00")
    assert bytes(s2) == b"\x00binary\x00"


def test_gstring_free_static():
    g = lib.g_string_new(b"abc")
    glib2.String.free(g)   # must not crash; memory handed back to GLib
