"""The cdata layer on real structs of the compiled module."""

import gc

import pytest

from wirepy.lib import cdata
from wirepy.lib.wireshark import ffi


class Frame(cdata.CDataObject):
    _struct = "frame_data"

    num = cdata.Attribute(doc="Frame number")
    length = cdata.Attribute("pkt_len")
    cap_len = cdata.ROAttribute()
    hidden_off = cdata.Attribute("file_off", can_read=False)
    deletable = cdata.Attribute("cum_bytes", can_del=True)

    def __init__(self):
        self.cdata = ffi.new("frame_data *")


class GStr(cdata.CDataObject):
    _struct = "GString"

    str = cdata.StringAttribute()
    len = cdata.Attribute()

    def __init__(self):
        self.cdata = ffi.new("GString *")


class ROGStr(cdata.CDataObject):
    _struct = "GString"
    str = cdata.ROStringAttribute()

    def __init__(self, cdata_obj):
        self.cdata = cdata_obj


class Reader(cdata.CDataObject):
    # a gboolean member in every Wireshark series (wirepy's own struct;
    # Wireshark's turned bool in 4.4)
    _struct = "wirepy_wtap_reader"
    eof = cdata.BooleanAttribute()

    def __init__(self):
        self.cdata = ffi.new("wirepy_wtap_reader *")


class PtrArray(cdata.CDataObject):
    _struct = "GPtrArray"
    pdata = cdata.ListAttribute("len")
    len = cdata.Attribute()

    def __init__(self):
        self.cdata = ffi.new("GPtrArray *")


class IntArray(cdata.CDataObject):
    _struct = "GArray"
    data = cdata.IntListAttribute("len")
    len = cdata.Attribute()

    def __init__(self):
        self.cdata = ffi.new("GArray *")


def test_read_write_raw_members():
    f = Frame()
    assert f.num == 0
    f.num = 42
    f.length = 1514
    assert (f.num, f.length) == (42, 1514)
    assert f.cdata.num == 42 and f.cdata.pkt_len == 1514
    f.cdata.cap_len = 60
    assert f.cap_len == 60


def test_properties_replace_attributes_with_docs():
    assert isinstance(Frame.__dict__["num"], property)
    assert Frame.num.__doc__ == "Frame number"
    assert set(Frame._attributes) == {"num", "length", "cap_len", "hidden_off", "deletable"}


def test_access_errors():
    f = Frame()
    with pytest.raises(cdata.AttributeAccessError, match="cap_len.*can't be written"):
        f.cap_len = 1
    with pytest.raises(cdata.AttributeAccessError, match="can't be read"):
        f.hidden_off  # noqa: B018
    with pytest.raises(cdata.AttributeAccessError, match="can't be deleted"):
        del f.num
    # AttributeAccessError is an AttributeError, so hasattr() and getattr
    # defaults work as usual.
    assert not hasattr(f, "hidden_off")
    f.hidden_off = 7
    assert f.cdata.file_off == 7


def test_delete_resets_member():
    f = Frame()
    f.deletable = 99
    del f.deletable
    assert f.cdata.cum_bytes == 0


def test_wrong_member_fails_at_class_creation():
    with pytest.raises(TypeError, match="no member 'no_such_member'"):
        class Bad(cdata.CDataObject):
            _struct = "frame_data"
            x = cdata.Attribute("no_such_member")
    with pytest.raises(TypeError, match="no member 'nonexistent'"):
        class BadList(cdata.CDataObject):
            _struct = "GPtrArray"
            pdata = cdata.ListAttribute("nonexistent")
    with pytest.raises(TypeError, match="opaque"):
        class Opaque(cdata.CDataObject):
            _struct = "wtap"
            x = cdata.Attribute()
    with pytest.raises(TypeError, match="no _struct"):
        class NoStruct(cdata.CDataObject):
            x = cdata.Attribute()


def test_string_attribute_keeps_memory_alive():
    s = GStr()
    assert s.str is None
    s.str = "héllo wörld"
    s.len = len("héllo wörld".encode())
    for _ in range(3):
        gc.collect()
        ffi.new("char[]", 64)  # churn the allocator
    assert s.str == "héllo wörld"
    assert ffi.string(s.cdata.str) == "héllo wörld".encode()
    assert "str" in s._cdata_refs
    s.str = b"bytes too"
    assert s.str == "bytes too"
    del s.str
    assert s.cdata.str == ffi.NULL and s.str is None
    assert "str" not in s._cdata_refs


def test_string_attribute_invalid_utf8_is_kept():
    s = GStr()
    s.str = b"\xff\xfeabc"
    assert s.str == "\udcff\udcfeabc"
    assert s.str.encode("utf-8", "surrogateescape") == b"\xff\xfeabc"


def test_read_only_string():
    backing = ffi.new("char[]", b"fixed")
    g = ffi.new("GString *", {"str": backing, "len": 5})
    r = ROGStr(g)
    assert r.str == "fixed"
    with pytest.raises(cdata.AttributeAccessError):
        r.str = "other"
    with pytest.raises(cdata.AttributeAccessError):
        del r.str


def test_boolean_attribute():
    r = Reader()
    assert r.eof is False
    r.eof = "yes"
    assert r.eof is True and r.cdata.eof == 1
    r.eof = 0
    assert r.eof is False


def test_list_attribute_and_size_errors():
    a = PtrArray()
    assert a.pdata == []
    a.len = 3
    items = [ffi.new("int *", i) for i in range(3)]
    with pytest.raises(cdata.AttributeSizeError, match="holds 3 items"):
        a.pdata = [ffi.cast("void *", items[0])]
    a.pdata = [ffi.cast("void *", p) for p in items]
    gc.collect()
    got = [ffi.cast("int *", p)[0] for p in a.pdata]
    assert got == [0, 1, 2]


def test_int_list_attribute():
    a = IntArray()
    a.len = 4
    a.data = [5, -1, 7, 2**31 - 1]
    gc.collect()
    assert a.data == [5, -1, 7, 2**31 - 1]
    assert ffi.cast("int *", a.cdata.data)[1] == -1
    with pytest.raises(cdata.AttributeSizeError):
        a.data = [1, 2]


def test_inheritance_keeps_attributes():
    class MoreFrame(Frame):
        ref = cdata.Attribute("frame_ref_num")

    m = MoreFrame()
    m.ref = 3
    m.num = 4
    assert (m.ref, m.num) == (3, 4)
    assert "num" in MoreFrame._attributes and "ref" in MoreFrame._attributes


def test_repr_shows_readable_members():
    f = Frame()
    f.num = 5
    text = repr(f)
    assert "num=5" in text and "hidden_off" not in text
