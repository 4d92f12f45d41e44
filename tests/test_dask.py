"""wirepy.dask on a real dask.distributed cluster of worker processes:
one partition per capture, meta from the fields' types, equal to
to_dataframe of each file; a bad capture fails naming itself and leaves the
workers working; a worker of two threads reads one capture at a time."""

from __future__ import annotations

import os

import pandas as pd
import pyarrow.dataset as ds
import pytest
from api_fixtures import SAMPLE, run_python
from distributed import Client, LocalCluster

import wirepy
import wirepy.dask as wd

LINKS = ("ether", "rawip", "sll", "wlan")
FIELDS = ["frame.number", "frame.time", "frame.time_delta", "frame.len", "frame.protocols",
          "eth.src", "ip.src", "udp.srcport", "tcp.flags.syn", "udp.payload", "sll.pkttype",
          "wlan.fc.type"]


@pytest.fixture(scope="module")
def client():
    """Two worker processes of one thread each (started once for the module)."""
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=":0") as cluster, Client(cluster) as c:
        yield c


def expected(paths, fields, meta, **kw) -> pd.DataFrame:
    """to_dataframe of each file, concatenated. A field absent from a whole
    file is a string column of <NA> there; read_captures types it by the
    field (its meta), so it is cast to that."""
    frames = []
    for path in paths:
        df = wirepy.to_dataframe(path, fields, **kw)
        for name in fields:
            if df[name].isna().all() and df[name].dtype != meta[name].dtype:
                # bytes columns hold None where the field is missing
                df[name] = (pd.Series([None] * len(df), dtype=object)
                            if meta[name].dtype == object else df[name].astype(meta[name].dtype))
        frames.append(df)
    return pd.concat(frames).reset_index(drop=True)


def test_import_wirepy_does_not_import_dask():
    done = run_python("import sys, wirepy\n"
                      "print('dask' in sys.modules, 'pyarrow' in sys.modules)\n"
                      "wirepy.dask\n"
                      "print('dask' in sys.modules)\n"
                      "wirepy.dask.read_captures(['x.pcap'], ['frame.len'])\n"
                      "print('dask' in sys.modules)")
    assert done.stdout.split() == ["False", "False", "False", "True"], done.stderr


def test_meta_without_reading(tmp_path):
    """The frame and its dtypes exist before any file does: nothing is read
    to build them."""
    later = [tmp_path / "a.pcapng", tmp_path / "b.pcapng"]
    ddf = wd.read_captures(later, FIELDS)
    assert ddf.npartitions == 2
    assert list(ddf.columns) == FIELDS
    dtypes = {n: str(t) for n, t in ddf.dtypes.items()}
    assert dtypes["frame.number"] == "UInt64" and dtypes["udp.srcport"] == "UInt64"
    assert dtypes["frame.time"] == "datetime64[ns, UTC]"
    assert dtypes["frame.time_delta"] == "timedelta64[ns]"
    assert dtypes["tcp.flags.syn"] == "boolean"
    assert dtypes["udp.payload"] == "object"           # bytes stay bytes
    assert dtypes["wlan.fc.type"] == "UInt64"           # not in the sample, typed all the same
    sample = wirepy.to_dataframe(SAMPLE, FIELDS)
    for name in FIELDS:
        if sample[name].notna().any():
            assert ddf.dtypes[name] == sample[name].dtype, name
    for path in later:
        path.write_bytes(SAMPLE.read_bytes())
    assert len(ddf.compute(scheduler="sync")) == 52
    with pytest.raises(wirepy.UnknownFieldError):
        wd.read_captures(later, ["ip.nosuchfield"])
    with pytest.raises(wirepy.DisplayFilterError):
        wd.read_captures(later, ["ip.src"], display_filter="ip.src ==")


def test_cluster_equals_to_dataframe(client, link_captures):
    """Four link types, one partition each, computed by two worker
    processes: to_dataframe of each file, concatenated."""
    paths = [link_captures[k] for k in LINKS]
    ddf = wd.read_captures(paths, FIELDS)
    assert ddf.npartitions == len(paths)
    got = ddf.compute()
    want = expected(paths, FIELDS, ddf._meta)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want)
    # the workers did the reading, each in its own process
    assert len(client.run(os.getpid)) == 2
    # a filter and the other dataframe operations go through Dask as usual
    udp = wd.read_captures(paths, ["frame.len", "udp.srcport"], display_filter="udp")
    sums = udp.groupby("udp.srcport")["frame.len"].sum().compute()
    want = expected(paths, ["frame.len", "udp.srcport"], udp._meta, display_filter="udp")
    assert sums.sort_index().to_dict() == \
        want.groupby("udp.srcport")["frame.len"].sum().sort_index().to_dict()


def test_capture_column_and_glob(client, tmp_path):
    for name in ("one", "two", "three"):
        (tmp_path / f"{name}.pcapng").write_bytes(SAMPLE.read_bytes())
    ddf = wd.read_captures(str(tmp_path / "*.pcapng"), ["frame.len"], capture_column="capture",
                           occurrence="all")
    got = ddf.compute()
    assert list(got.columns) == ["capture", "frame.len"]
    assert list(dict.fromkeys(got["capture"])) == sorted(str(p) for p in
                                                         tmp_path.glob("*.pcapng"))
    assert all(isinstance(v, list) and len(v) == 1 for v in got["frame.len"])
    with pytest.raises(FileNotFoundError):
        wd.read_captures(str(tmp_path / "*.pcap"), ["frame.len"])


def test_bad_capture_named_and_cluster_goes_on(client, link_captures, truncated_capture):
    workers = set(client.scheduler_info()["workers"])
    paths = [link_captures["ether"], truncated_capture, link_captures["sll"]]
    with pytest.raises(wirepy.CaptureFileError) as info:
        wd.read_captures(paths, ["frame.len", "ip.src"]).compute()
    assert info.value.filename == str(truncated_capture)
    assert str(truncated_capture) in str(info.value)
    # the same workers, still computing
    assert set(client.scheduler_info()["workers"]) == workers
    good = [link_captures["ether"], link_captures["sll"]]
    ddf = wd.read_captures(good, ["frame.len", "ip.src"])
    pd.testing.assert_frame_equal(ddf.compute().reset_index(drop=True),
                                  expected(good, ["frame.len", "ip.src"], ddf._meta))


def test_to_parquet_dataset(client, link_captures, tmp_path):
    paths = [link_captures[k] for k in LINKS]
    outs = wd.to_parquet(paths, tmp_path / "set", FIELDS, batch_rows=100)
    assert [os.path.basename(p) for p in outs] == [f"part-{i:05d}.parquet" for i in range(4)]
    table = ds.dataset(str(tmp_path / "set"), format="parquet").to_table()
    assert table.column_names == ["capture"] + FIELDS
    assert [str(p) for p in dict.fromkeys(table.column("capture").to_pylist())] == \
        [str(p) for p in paths]
    frame = pd.read_parquet(tmp_path / "set", dtype_backend="numpy_nullable")
    ddf = wd.read_captures(paths, FIELDS)
    want = expected(paths, FIELDS, ddf._meta)
    assert frame["frame.len"].tolist() == want["frame.len"].tolist()
    assert frame["frame.time"].tolist() == want["frame.time"].tolist()
    assert frame["ip.src"].tolist() == want["ip.src"].tolist()


def test_two_threads_in_one_worker(link_captures):
    """Tasks of one worker's two threads take turns on the process's epan
    session: all partitions come out right (without the lock the second
    capture opened at once raises SessionBusyError)."""
    paths = [link_captures[k] for k in LINKS] * 2
    with LocalCluster(n_workers=1, processes=True, threads_per_worker=2,
                      dashboard_address=":0") as cluster, Client(cluster):
        ddf = wd.read_captures(paths, FIELDS)
        got = ddf.compute()
    pd.testing.assert_frame_equal(got.reset_index(drop=True),
                                  expected(paths, FIELDS, ddf._meta))


def test_threads_of_the_local_scheduler(link_captures):
    """Dask's default scheduler runs partitions in threads of this process:
    they take turns too."""
    paths = [link_captures[k] for k in LINKS] * 2
    ddf = wd.read_captures(paths, ["frame.len", "ip.src"])
    got = ddf.compute(scheduler="threads", num_workers=4)
    pd.testing.assert_frame_equal(got.reset_index(drop=True),
                                  expected(paths, ["frame.len", "ip.src"], ddf._meta))
