"""column: types, formats, and default columns equal to tshark's."""

import epan_fixtures
import pytest
import wireshark_series

from wirepy.lib import column, epan


def test_types():
    types = list(column.Type.iter_column_formats())
    assert len(types) == column.Type.NUM_COL_FMTS == wireshark_series.NUM_COL_FMTS
    assert column.Type.INFO.format == "%i"
    assert column.Type("%s") == column.Type.DEF_SRC
    assert column.Type.ABS_DATE_TIME == column.Type.ABS_YMD_TIME
    with pytest.raises(column.InvalidColumnType):
        column.Type(999)
    with pytest.raises(column.InvalidColumnType):
        column.Type("%nope")


@pytest.mark.parametrize("name", sorted(wireshark_series.ABSENT_COLUMNS))
def test_types_of_other_series_raise(name):
    """A type the installed series lacks is an attribute, and using it
    raises an error naming the Wireshark version."""
    t = getattr(column.Type, name)
    assert t.name == name and repr(t) == f"<Type COL_{name}>"
    message = f"COL_{name} does not exist in Wireshark {wireshark_series.VERSION}"
    for use in (lambda: column.Type(name), lambda: column.Type(t), lambda: int(t),
                lambda: t.format, lambda: column.Format(t)):
        with pytest.raises(column.InvalidColumnType, match=message):
            use()


def test_every_type_has_its_name():
    for t in column.Type.iter_column_formats():
        assert getattr(column.Type, t.name) == t
        assert column.Type(t.name) == t


def test_format():
    f = column.Format(column.Type.CUSTOM, title="src", custom_field="ip.src",
                      custom_occurrence=1, visible=True, resolved=False)
    assert f.custom_field == "ip.src" and f.custom_occurrence == 1
    g = column.Format(init=f, title="other")
    assert g.type_ == column.Type.CUSTOM and g.title == "other"
    with pytest.raises(column.ColumnError):
        column.Format(column.Type.CUSTOM)
    with pytest.raises(epan.InvalidFieldError):
        column.Format(custom_field="no.such.thing")


def test_default_columns_equal_tshark(any_capture):
    cols = column.ColumnInfo()
    fmts = cols.formats + [column.Format(custom_field="ip.src || ipv6.src", title="src")]
    cols = column.ColumnInfo(fmts)
    with epan.Session() as s, epan.OfflineFile(str(any_capture)) as wt:
        d = epan.Dissect(session=s, proto_tree_visible=False)
        d.set_columns(cols)
        got = [p.columns for p in d.iter_fields(wt, columns=True)]
    args = []
    for t in cols.titles[:-1]:
        args += ["-e", f"_ws.col.{t}"]
    out = epan_fixtures.tshark("-r", str(any_capture), "-T", "fields", *args,
                               "-e", "ip.src", "-e", "ipv6.src")
    want = [line.split("\t") for line in out.splitlines()]
    assert len(got) == len(want) == 19
    for g, w in zip(got, want):
        assert g[:-1] == w[:-2]
        assert g[-1] == (w[-2] or w[-1])
