"""Fields of captures written to a Parquet file, batch by batch.

:func:`to_parquet` reads one batch of rows at a time (*batch_rows*
packets that pass the display filter), turns it into an Arrow record batch
and writes it as one row group, so its memory does not grow with the
captures: it holds one batch, never the whole table. The columns are typed
as :func:`wirepy.to_arrow` types them (the table of :mod:`wirepy.export`),
with the types fixed before the first packet is read, from the fields'
registered types (:func:`wirepy.export.declared_kind`): every row group of
every capture has one schema.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterator, List, Optional, Sequence, Union

from . import export
from .capture import FileCapture, PathLike

__all__ = ["to_parquet", "schema", "CAPTURE_COLUMN"]

#: The column naming each row's capture file when several are written.
CAPTURE_COLUMN = "capture"
#: Rows of one batch (one row group) unless told otherwise.
BATCH_ROWS = 65536

Progress = Callable[[str, int, int], None]


def capture_paths(paths: Union[PathLike, Sequence[PathLike]]) -> List[str]:
    """*paths* as a list of strings: one path alone is a list of one."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def _field_names(fields: Sequence[str], occurrence: str) -> List[str]:
    if isinstance(fields, str):
        raise TypeError("fields is a sequence of field names, not one string")
    if occurrence not in ("first", "all"):
        raise ValueError("occurrence is 'first' or 'all'")
    names = list(dict.fromkeys(fields))
    if not names:
        raise ValueError("no fields given")
    return names


def schema(fields: Sequence[str], *, occurrence: str = "first", capture_column: bool = False):
    """The :class:`pyarrow.Schema` of the Parquet files :func:`to_parquet`
    writes for *fields*, known without reading a capture (from Wireshark's
    field types); *capture_column* adds the ``capture`` column first.

    :raises UnknownFieldError: for a field Wireshark does not know.
    """
    import pyarrow as pa

    names = _field_names(fields, occurrence)
    columns = [(CAPTURE_COLUMN, pa.string())] if capture_column else []
    columns += [(n, export.arrow_type(export.declared_kind(n), occurrence)) for n in names]
    return pa.schema(columns)


def record_batches(path: PathLike, fields: Sequence[str], *,
                   display_filter: Optional[str] = None, occurrence: str = "first",
                   batch_rows: int = BATCH_ROWS, capture_column: bool = False,
                   progress: Optional[Progress] = None, **capture_args: Any) -> Iterator[Any]:
    """The rows of capture *path* as :class:`pyarrow.RecordBatch` objects of
    *batch_rows* rows (the last one fewer), each of :func:`schema`; read
    lazily, one batch at a time (holding at most one batch and one batch of
    the engine more). *progress* is called after each batch with
    the path, the rows so far and the bytes of the file read so far."""
    import pyarrow as pa

    if batch_rows < 1:
        raise ValueError("batch_rows must be at least 1")
    path = os.fspath(path)
    names = _field_names(fields, occurrence)
    kinds = {n: export.declared_kind(n) for n in names}
    target = schema(names, occurrence=occurrence, capture_column=capture_column)
    cap = FileCapture(path, fields=names, display_filter=display_filter, **capture_args)
    rows = 0
    # Chunks come whole engine batches at a time: what is beyond a batch's
    # rows waits for the next chunk, so every batch but the last is full
    pending: List[Any] = []
    held = 0
    for fast, data in export._chunks(cap, names, occurrence, kinds, batch_rows):
        arrays = export.arrow_arrays(fast, data, occurrence, fixed=True)
        count = len(arrays[0])
        if capture_column:
            arrays.insert(0, pa.array([path] * count, type=pa.string()))
        pending.append(pa.RecordBatch.from_arrays(arrays, schema=target))
        held += count
        while held >= batch_rows:
            table = pa.Table.from_batches(pending, schema=target)
            yield _one_batch(table.slice(0, batch_rows), target)
            pending = table.slice(batch_rows).to_batches()
            held -= batch_rows
        rows += count
        if progress is not None:
            progress(path, rows, cap.read_so_far())
    if held:
        yield _one_batch(pa.Table.from_batches(pending, schema=target), target)


def _one_batch(table, target):
    """*table* (several record batches) as one record batch."""
    import pyarrow as pa

    batches = table.combine_chunks().to_batches()
    return batches[0] if len(batches) == 1 else pa.RecordBatch.from_pylist([], schema=target)


def to_parquet(paths: Union[PathLike, Sequence[PathLike]], out: PathLike,
               fields: Sequence[str], *, display_filter: Optional[str] = None,
               occurrence: str = "first", batch_rows: int = BATCH_ROWS,
               capture_column: Optional[bool] = None, compression: str = "zstd",
               progress: Optional[Progress] = None, **capture_args: Any) -> int:
    """Write the values of *fields* in every packet of the capture files
    *paths* (one path, or a sequence of them, read one after the other) to
    the Parquet file *out*: one row per packet that passes
    *display_filter*, typed columns (the table of :mod:`wirepy.export`;
    lists of every occurrence with ``occurrence="all"``). Returns the number
    of rows written.

    Memory stays bounded: the packets are dissected, converted and written
    *batch_rows* at a time, each batch a row group of its own (with
    pyarrow's :class:`~pyarrow.parquet.ParquetWriter`); the whole table is
    never held. The schema is fixed before reading, from Wireshark's field
    types (:func:`schema`), so every file has the same: a field a capture
    lacks is a column of nulls of the field's type, times are in
    nanoseconds (a time stamp outside the years 1678 to 2262 is null).

    With several paths, a first column ``capture`` holds each row's capture
    file (the path as given), since rows of different files are otherwise
    alike; one path gets none (*capture_column* decides otherwise).

    The file reads back with pandas (:func:`pandas.read_parquet`), pyarrow
    and DuckDB (``SELECT * FROM 'out.parquet'``).

    :param batch_rows: rows of one batch (one row group).
    :param compression: Parquet's compression codec (``"zstd"``,
        ``"snappy"``, ``"none"``...).
    :param progress: called after each batch with the capture's path, its
        rows so far and the bytes of it read so far.
    :param capture_args: the other arguments of :class:`~wirepy.FileCapture`
        (``prefs``, ``decode_as``, ``two_pass``...), for every capture.
    :raises CaptureFileError: for a capture that cannot be read, naming it
        (*out* is then removed: a file with part of the rows would look
        whole).
    :raises UnknownFieldError: for a field Wireshark does not know (before
        anything is written).
    """
    import pyarrow.parquet as pq

    files = capture_paths(paths)
    if capture_column is None:
        capture_column = len(files) > 1
    names = _field_names(fields, occurrence)
    target = schema(names, occurrence=occurrence, capture_column=capture_column)
    for path in files:
        # a missing file or a bad filter fails before out is created
        FileCapture(path, fields=names, display_filter=display_filter, **capture_args)
    rows = 0
    out = os.fspath(out)
    writer = pq.ParquetWriter(out, target, compression=compression)
    try:
        for path in files:
            for batch in record_batches(path, names, display_filter=display_filter,
                                        occurrence=occurrence, batch_rows=batch_rows,
                                        capture_column=capture_column, progress=progress,
                                        **capture_args):
                writer.write_batch(batch, row_group_size=batch_rows)
                rows += batch.num_rows
    except BaseException:
        writer.close()
        os.unlink(out)
        raise
    writer.close()
    return rows
