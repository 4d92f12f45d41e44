"""Many captures as one Dask DataFrame, one partition per capture file.

:func:`read_captures` builds a :class:`dask.dataframe.DataFrame` whose
partition *i* is :func:`wirepy.to_dataframe` of capture *i*, read where
Dask runs it: in the threads of the local scheduler, or in the worker
processes of a :mod:`dask.distributed` cluster (each process has its own
libwireshark and its own epan session). Nothing is read to build it: its
``meta`` comes from the fields' registered types
(:func:`wirepy.export.declared_kind`).

libwireshark dissects one capture at a time in a process and is not
thread-safe, and a worker may run several tasks at once in threads: the
tasks of this module take a process-wide lock (:data:`session_lock`) for
the whole of their read, so in one process they run one after the other,
whatever the number of threads; the parallelism is that of processes.

Needs ``pip install 'wirepy[dask]'`` (dask[dataframe], distributed,
pyarrow).
"""

from __future__ import annotations

import glob
import os
from typing import Any, Dict, List, Optional, Sequence, Union

from . import export, parquet
from .capture import PathLike
from .lib.interrupts import InterruptSafeRLock

__all__ = ["read_captures", "to_parquet", "session_lock", "capture_paths"]

#: Held by each task of this module while it reads a capture: libwireshark
#: has one epan session per process, so tasks of one worker's threads take
#: turns instead of failing with :class:`~wirepy.SessionBusyError`.
session_lock = InterruptSafeRLock()


def capture_paths(paths_or_glob: Union[PathLike, Sequence[PathLike]]) -> List[str]:
    """The capture files of *paths_or_glob*: a sequence of paths as it is,
    or one string, expanded as a glob pattern if it has ``*``, ``?`` or
    ``[`` (sorted; a pattern that matches nothing raises
    :class:`FileNotFoundError`)."""
    if isinstance(paths_or_glob, str) and glob.has_magic(paths_or_glob):
        found = sorted(glob.glob(paths_or_glob))
        if not found:
            raise FileNotFoundError(2, "No capture file matches the pattern", paths_or_glob)
        return found
    return parquet.capture_paths(paths_or_glob)


def _names_and_kinds(fields: Sequence[str], occurrence: str) -> tuple:
    names = parquet._field_names(fields, occurrence)
    return names, {n: export.declared_kind(n) for n in names}


def _read_partition(path: str, names: List[str], kinds: Dict[str, str], display_filter,
                    occurrence: str, capture_column: Optional[str], capture_args: dict):
    """One partition: the capture *path* as a pandas DataFrame typed by
    *kinds* (what ``meta`` says)."""
    from .capture import FileCapture

    with session_lock:
        cap = FileCapture(path, fields=names, display_filter=display_filter, **capture_args)
        fast, data = next(export._chunks(cap, names, occurrence, kinds))
    frame = export.pandas_frame(names, fast, data, occurrence, fixed=True)
    if capture_column is not None:
        frame.insert(0, capture_column, _capture_values(path, len(frame)))
    return frame


def _capture_values(path: str, rows: int):
    import pandas as pd

    return pd.array([path] * rows, dtype="string")


def _meta(names: List[str], kinds: Dict[str, str], occurrence: str,
          capture_column: Optional[str]):
    frame = export.empty_frame(names, kinds, occurrence)
    if capture_column is not None:
        frame.insert(0, capture_column, _capture_values("", 0))
    return frame


def read_captures(paths_or_glob: Union[PathLike, Sequence[PathLike]], fields: Sequence[str],
                  *, display_filter: Optional[str] = None, occurrence: str = "first",
                  capture_column: Optional[str] = None, **capture_args: Any):
    """The values of *fields* in every packet of many capture files as a
    :class:`dask.dataframe.DataFrame`, one partition per file (in the order
    of *paths_or_glob*), each partition what :func:`wirepy.to_dataframe`
    gives for its file.

    Nothing is read here: the ``meta`` (columns and dtypes) comes from
    Wireshark's field types, so a field a capture lacks is a column of
    missing values of the field's dtype in its partition, and times are in
    nanoseconds (a time stamp outside the years 1678 to 2262 is ``NaT``).
    The files are read when the frame is computed, by whatever scheduler
    runs it: with a :class:`dask.distributed.Client`, by the cluster's
    workers, which must have wirepy and Wireshark installed and see the
    files at the same paths.

    :param paths_or_glob: capture files, or one glob pattern
        (``"captures/*.pcapng"``).
    :param capture_column: the name of a first column holding each row's
        capture file (the path), or None for none.
    :param capture_args: the other arguments of :class:`~wirepy.FileCapture`
        (``prefs``, ``decode_as``, ``two_pass``...), for every capture.
    :raises UnknownFieldError: for a field Wireshark does not know (here,
        before anything runs); a capture that cannot be read raises
        :class:`~wirepy.CaptureFileError` naming it when computed.
    """
    import dask
    import dask.dataframe as dd

    paths = capture_paths(paths_or_glob)
    if not paths:
        raise ValueError("no capture files given")
    names, kinds = _names_and_kinds(fields, occurrence)
    if display_filter is not None:
        # a bad filter fails here, not in every task
        from .filters import DisplayFilter

        DisplayFilter(display_filter)
    meta = _meta(names, kinds, occurrence, capture_column)
    # Dask would turn object columns into strings: bytes fields (and the
    # lists of occurrence="all") are object columns, and stay so
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_map(_read_partition, paths, names=names, kinds=kinds,
                           display_filter=display_filter, occurrence=occurrence,
                           capture_column=capture_column, capture_args=capture_args,
                           meta=meta, label="wirepy-read-capture", enforce_metadata=False)


def _write_one(path: str, out: str, names: List[str], display_filter, occurrence: str,
               batch_rows: int, compression: str, capture_args: dict) -> int:
    with session_lock:
        return parquet.to_parquet([path], out, names, display_filter=display_filter,
                                  occurrence=occurrence, batch_rows=batch_rows,
                                  capture_column=True, compression=compression,
                                  **capture_args)


def to_parquet(paths_or_glob: Union[PathLike, Sequence[PathLike]], out_dir: PathLike,
               fields: Sequence[str], *, display_filter: Optional[str] = None,
               occurrence: str = "first", batch_rows: int = parquet.BATCH_ROWS,
               compression: str = "zstd", **capture_args: Any) -> List[str]:
    """Write the values of *fields* in every packet of many capture files
    as a Parquet dataset in the folder *out_dir* (made if missing): one file
    per capture, ``part-00000.parquet``, ``part-00001.parquet``... in the
    order of *paths_or_glob*, each written by a Dask task with
    :func:`wirepy.to_parquet` (batch by batch: bounded memory in every
    worker), with the ``capture`` column first and one schema for all, so
    the folder reads as one table (``pandas.read_parquet(out_dir)``,
    ``pyarrow.dataset.dataset(out_dir)``, DuckDB's
    ``'out_dir/*.parquet'``). The tasks run on the current scheduler (a
    :class:`dask.distributed.Client`'s cluster, if there is one). Returns
    the files' paths.

    :param capture_args: the other arguments of :class:`~wirepy.FileCapture`.
    :raises CaptureFileError: for a capture that cannot be read, naming it
        (its part is not written; the computation stops there, and parts
        of other captures may or may not have been written).
    """
    import dask

    paths = capture_paths(paths_or_glob)
    names, _kinds = _names_and_kinds(fields, occurrence)
    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    outs = [os.path.join(out_dir, f"part-{i:05d}.parquet") for i in range(len(paths))]
    write = dask.delayed(_write_one, pure=False)
    dask.compute(*[write(path, out, names, display_filter, occurrence, batch_rows, compression,
                         capture_args) for path, out in zip(paths, outs)])
    return outs
