"""wirepy.to_parquet and ``wirepy parquet``: captures' fields written batch
by batch, typed as to_arrow types them, read back by pandas, pyarrow and
DuckDB."""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from api_fixtures import SAMPLE, tshark_count
from scale_fixtures import BIG_COPIES

import wirepy
from wirepy import export, parquet
from wirepy.cli.main import main

#: Fields of every kind: times, integers, booleans, addresses, strings,
#: bytes, and fields only some link types have.
FIELDS = ["frame.time", "frame.time_delta", "frame.len", "frame.protocols", "eth.src",
          "ip.src", "ip.ttl", "udp.srcport", "tcp.flags.syn", "dns.qry.name", "data.data",
          "sll.pkttype", "wlan.fc.type", "wlan.sa"]


def assert_typed_as_to_arrow(table: pa.Table, path, fields, **kw) -> None:
    """Each column as to_arrow gives it; one to_arrow types by the file's
    own values, so a field absent from the whole file is there a string
    column: here nulls of the field's registered type."""
    expected = wirepy.to_arrow(path, fields, **kw)
    assert table.num_rows == expected.num_rows
    occurrence = kw.get("occurrence", "first")
    for name in fields:
        got, want = table.column(name), expected.column(name)
        if want.null_count == len(want) and occurrence == "first":
            assert got.null_count == len(got), name
            assert got.type == export.arrow_type(export.declared_kind(name)), name
        else:
            assert got.type == want.type, name
            assert got.to_pylist() == want.to_pylist(), name


@pytest.mark.parametrize("link", ["ether", "rawip", "sll", "wlan"])
def test_columns_typed_as_to_arrow(link_captures, tmp_path, link):
    path = link_captures[link]
    out = tmp_path / "out.parquet"
    rows = wirepy.to_parquet(path, out, FIELDS)
    table = pq.read_table(out)
    assert rows == table.num_rows > 0
    assert table.column_names == FIELDS
    assert_typed_as_to_arrow(table, path, FIELDS)
    # the link type's own fields are filled
    own = {"ether": "eth.src", "rawip": "ip.src", "sll": "sll.pkttype", "wlan": "wlan.fc.type"}
    assert table.column(own[link]).null_count < table.num_rows


def test_batches_are_row_groups(big_capture, tmp_path):
    """Memory is bounded by a batch: the file holds one row group per
    batch, each at most batch_rows rows, and the rows are all there."""
    out = tmp_path / "big.parquet"
    n = wirepy.to_parquet(big_capture, out, ["frame.number", "frame.time", "ip.src"],
                          batch_rows=500)
    meta = pq.ParquetFile(out).metadata
    assert n == 26 * BIG_COPIES
    assert meta.num_rows == n
    assert meta.num_row_groups == -(-n // 500)
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert max(sizes) <= 500 and sum(sizes) == n
    table = pq.read_table(out)
    assert table.column("frame.number").to_pylist() == list(range(1, n + 1))
    assert table.equals(wirepy.to_arrow(big_capture, ["frame.number", "frame.time", "ip.src"]))


def test_batches_of_filtered_packets(big_capture, tmp_path):
    """A batch counts the packets the display filter passes."""
    out = tmp_path / "dns.parquet"
    n = wirepy.to_parquet(big_capture, out, ["dns.qry.name", "frame.number"],
                          display_filter="dns", batch_rows=30)
    assert n == tshark_count(big_capture, "dns") == 4 * BIG_COPIES
    meta = pq.ParquetFile(out).metadata
    assert meta.num_row_groups == -(-n // 30)
    assert set(pq.read_table(out).column("dns.qry.name").to_pylist()) == {"www.example.com"}


def test_several_captures_one_schema(link_captures, tmp_path):
    """Captures of four link types in one file: one schema, a first
    'capture' column naming each row's file, rows in the order given."""
    paths = [link_captures[k] for k in ("ether", "rawip", "sll", "wlan")]
    out = tmp_path / "all.parquet"
    n = wirepy.to_parquet(paths, out, FIELDS, batch_rows=100)
    table = pq.read_table(out)
    assert table.column_names == ["capture"] + FIELDS
    assert table.num_rows == n
    captures = table.column("capture").to_pylist()
    assert list(dict.fromkeys(captures)) == [str(p) for p in paths]
    for path in paths:
        part = table.filter(pa.compute.equal(table.column("capture"), str(path)))
        assert_typed_as_to_arrow(part, path, FIELDS)
    # every row group of every file has the same schema
    pf = pq.ParquetFile(out)
    assert pf.metadata.num_row_groups > len(paths)
    assert pf.schema_arrow == parquet.schema(FIELDS, capture_column=True)


def test_reads_back_with_pandas(link_captures, tmp_path):
    """pandas reads the file back as to_dataframe gives the capture (with
    pandas' nullable dtypes, those to_dataframe uses)."""
    fields = ["frame.time", "frame.time_delta", "frame.len", "ip.src", "udp.srcport",
              "tcp.flags.syn", "dns.qry.name", "udp.payload"]
    out = tmp_path / "sample.parquet"
    wirepy.to_parquet(SAMPLE, out, fields)
    got = pd.read_parquet(out, dtype_backend="numpy_nullable")
    want = wirepy.to_dataframe(SAMPLE, fields)
    assert str(want["udp.srcport"].dtype) == "UInt64"
    # bytes: pandas reads Arrow binary back as bytes objects
    assert got["udp.payload"].tolist() == want["udp.payload"].tolist()
    assert sum(isinstance(v, bytes) for v in got["udp.payload"]) == 8
    got, want = got.drop(columns="udp.payload"), want.drop(columns="udp.payload")
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    for name in ("frame.time", "frame.time_delta", "frame.len", "udp.srcport",
                 "tcp.flags.syn"):
        assert got[name].dtype == want[name].dtype, name


def test_reads_back_with_duckdb(link_captures, tmp_path):
    paths = [link_captures[k] for k in ("ether", "rawip", "sll", "wlan")]
    out = tmp_path / "all.parquet"
    wirepy.to_parquet(paths, out, FIELDS)
    rows = duckdb.sql(f"""SELECT capture, count(*), sum("frame.len"), count("ip.src"),
                                 epoch_ns(min("frame.time"))
                          FROM '{out}' GROUP BY capture ORDER BY capture""").fetchall()
    assert len(rows) == 4
    for capture, count, total, with_ip, first in rows:
        df = wirepy.to_dataframe(capture, ["frame.len", "ip.src", "frame.time"])
        assert count == len(df)
        assert total == int(df["frame.len"].sum())
        assert with_ip == int(df["ip.src"].notna().sum())
        assert first == df["frame.time"].min().value      # to the nanosecond
    described = duckdb.sql(f"DESCRIBE SELECT * FROM '{out}'").fetchall()
    types = {row[0]: row[1] for row in described}
    assert types["frame.len"] == "UBIGINT"
    assert types["frame.time"].startswith("TIMESTAMP")
    assert types["data.data"] == "BLOB"


def test_every_occurrence_as_lists(link_captures, tmp_path):
    path = link_captures["ether"]
    fields = ["ip.addr", "udp.port", "frame.time", "dns.a", "_ws.col.Protocol"]
    out = tmp_path / "all.parquet"
    wirepy.to_parquet(path, out, fields, occurrence="all", batch_rows=7)
    table = pq.read_table(out)
    assert pa.types.is_list(table.schema.field("udp.port").type)
    assert_typed_as_to_arrow(table, path, fields, occurrence="all")
    assert [len(v) for v in table.column("ip.addr").to_pylist()][:12].count(2) >= 1


def test_errors(tmp_path, truncated_capture):
    out = tmp_path / "x.parquet"
    with pytest.raises(wirepy.UnknownFieldError):
        wirepy.to_parquet(SAMPLE, out, ["ip.nosuchfield"])
    with pytest.raises(wirepy.DisplayFilterError):
        wirepy.to_parquet(SAMPLE, out, ["ip.src"], display_filter="ip.src ==")
    with pytest.raises(wirepy.CaptureFileNotFoundError):
        wirepy.to_parquet([SAMPLE, tmp_path / "missing.pcap"], out, ["ip.src"])
    assert not out.exists()
    # a capture failing mid-read is named, and no half file is left behind
    with pytest.raises(wirepy.CaptureFileError) as info:
        wirepy.to_parquet([SAMPLE, truncated_capture], out, ["ip.src"], batch_rows=5)
    assert info.value.filename == str(truncated_capture)
    assert str(truncated_capture) in str(info.value)
    assert not out.exists()
    with pytest.raises(ValueError):
        wirepy.to_parquet(SAMPLE, out, ["ip.src"], occurrence="last")


def test_capture_args_reach_file_capture(tmp_path):
    """**capture_args go to FileCapture: decode-as changes what is dissected."""
    out = tmp_path / "http.parquet"
    wirepy.to_parquet(SAMPLE, out, ["http.request.method", "tcp.dstport"],
                      decode_as={"tcp.port==80": "data"})
    assert pq.read_table(out).column("http.request.method").null_count == 26
    wirepy.to_parquet(SAMPLE, out, ["http.request.method"])
    assert pq.read_table(out).column("http.request.method").null_count < 26


def test_cli(tmp_path, capsys, link_captures, big_capture):
    out = tmp_path / "cli.parquet"
    paths = [str(link_captures["ether"]), str(link_captures["sll"])]
    assert main(["parquet", *paths, "-e", "frame.len", "-e", "ip.src", "-Y", "udp",
                 "-o", str(out)]) == 0
    err = capsys.readouterr().err
    table = pq.read_table(out)
    assert table.column_names == ["capture", "frame.len", "ip.src"]
    assert table.num_rows == sum(tshark_count(p, "udp") for p in paths)
    assert err == f"{table.num_rows} rows written to {out}\n"      # not a tty: no progress
    # --progress: a progress line on stderr even so (erased at the end)
    assert main(["parquet", str(big_capture), "-e", "frame.len", "-o", str(out),
                 "--progress", "--batch-rows", "100"]) == 0
    err = capsys.readouterr().err
    assert "packets" in err and "\r" in err and err.endswith(f"2600 rows written to {out}\n")
    assert pq.ParquetFile(out).metadata.num_row_groups == 26
    # -q: nothing at all, even with --progress
    assert main(["parquet", str(big_capture), "-e", "frame.len", "-o", str(out),
                 "--progress", "-q"]) == 0
    assert capsys.readouterr().err == ""
    # user mistakes: one line, non-zero
    assert main(["parquet", str(big_capture), "-o", str(out)]) == 1
    assert main(["parquet", str(big_capture), "-e", "nosuch.field", "-o", str(out)]) == 1
    assert main(["parquet", str(tmp_path / "missing.pcap"), "-e", "ip.src",
                 "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and "Traceback" not in err
