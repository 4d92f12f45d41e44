"""``wirepy parquet``: fields of captures written to a Parquet file, batch by batch."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

from .common import CommandError, Progress, dissection_options


class _FilesProgress:
    """One progress line for several captures: the file's place in the
    list, then :class:`Progress`'s bar for that file."""

    def __init__(self, files: list, enabled: Optional[bool]) -> None:
        self.files = files
        self.enabled = enabled
        self.current: Optional[Progress] = None
        self.path: Optional[str] = None

    def __call__(self, path: str, rows: int, position: int) -> None:
        if path != self.path:
            self.done()
            self.path = path
            # with several files, the bar of each starts with its name
            label = f"{os.path.basename(path)[:30]} " if len(self.files) > 1 else ""
            self.current = Progress(path, stream=sys.stderr, enabled=self.enabled,
                                    label=label)
        assert self.current is not None
        self.current.update(rows, position)

    def done(self) -> None:
        if self.current is not None:
            self.current.done()


def run(args: argparse.Namespace) -> int:
    from ..parquet import to_parquet

    if not args.fields:
        raise CommandError("parquet: at least one -e FIELD is needed", 1)
    if args.batch_rows < 1:
        raise CommandError("parquet: --batch-rows must be at least 1", 1)
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise CommandError("parquet: pyarrow is not installed (pip install "
                           "'wirepy[parquet]')", 2) from None
    # None: Progress decides (a terminal, a large file)
    enabled = False if args.quiet else (True if args.progress else None)
    progress = _FilesProgress(args.files, enabled)
    try:
        rows = to_parquet(args.files, args.output, args.fields,
                          display_filter=args.display_filter, occurrence=args.occurrence,
                          batch_rows=args.batch_rows, two_pass=args.two_pass,
                          progress=progress, **dissection_options(args))
    finally:
        progress.done()
    if not args.quiet:
        sys.stderr.write(f"{rows} rows written to {args.output}\n")
    return 0
