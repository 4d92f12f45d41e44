"""What the ``wirepy`` subcommands share: errors, output, progress."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Optional, TextIO


def resolve_names(args: argparse.Namespace):
    """The ``resolve_names`` of the command's -n / -N options: tshark's
    defaults without either."""
    if getattr(args, "no_names", False):
        return False
    names = getattr(args, "names", None)
    if names is not None:
        from ..lib import epan

        unknown = set(names) - set(epan.RESOLUTION_LETTERS)
        if unknown:
            raise CommandError(f'-N: "{"".join(sorted(unknown))}" is not a name resolution '
                               f"letter ({''.join(epan.RESOLUTION_LETTERS)})", 1)
        return names
    return True


def prefs_of(args: argparse.Namespace) -> dict:
    """The preferences of the command's -o NAME:VALUE options."""
    prefs = {}
    for item in getattr(args, "prefs", None) or []:
        name, sep, value = item.partition(":")
        if not sep or not name:
            raise CommandError(f"-o {item!r}: NAME:VALUE expected", 1)
        prefs[name] = value
    return prefs


class CommandError(Exception):
    """A user mistake or bad input: printed as one line, exit status
    :attr:`status`."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


class Progress:
    """A progress line on stderr while a long file is read (only when
    stderr is a terminal)."""

    def __init__(self, path: str, stream: TextIO = sys.stderr, enabled: Optional[bool] = None):
        self.stream = stream
        try:
            self.size = os.path.getsize(path)
        except OSError:
            self.size = 0
        if enabled is None:
            enabled = stream.isatty() and self.size > 8 * 1024 * 1024
        self.enabled = enabled
        self.last = 0.0
        self.shown = False

    def update(self, packets: int, position: int) -> None:
        """Show *packets* read so far and the share of the file read."""
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.2:
            return
        self.last = now
        share = min(position / self.size, 1.0) if self.size else 0.0
        bar = "#" * int(share * 30)
        self.stream.write(f"\r[{bar:<30}] {share:6.1%} {packets:>10,} packets")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        """Erase the progress line."""
        if self.shown:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
