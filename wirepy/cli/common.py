"""What the ``wirepy`` subcommands share: errors, output, progress."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any, Dict, List, Optional, Sequence, TextIO, Tuple


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


def parse_pref_options(options: Optional[Sequence[str]]) -> Tuple[Dict[str, str],
                                                                   Dict[str, List[str]]]:
    """tshark's ``-o NAME:VALUE`` options as ``(prefs, uat)``: preferences
    by name, and the rows of ``-o uat:TABLE:ROW`` by table (each row the
    text of one line of the table's file, as tshark takes it)."""
    prefs: Dict[str, str] = {}
    uat: Dict[str, List[str]] = {}
    for option in options or ():
        name, sep, value = option.partition(":")
        name = name.strip()
        if not sep or not name:
            raise CommandError(f'Invalid -o flag "{option}"', 1)
        value = value.lstrip()
        if name == "uat":
            table, sep, row = value.partition(":")
            if not sep or not table.strip() or not row.strip():
                raise CommandError(f'Invalid -o flag "{option}": use -o "uat:TABLE:ROW"', 1)
            uat.setdefault(table.strip(), []).append(row.lstrip())
        else:
            prefs[name] = value
    return prefs, uat


def parse_decode_as_options(options: Optional[Sequence[str]]) -> Dict[str, str]:
    """tshark's ``-d LAYER==SELECTOR,PROTOCOL`` options as the
    ``decode_as`` of :class:`~wirepy.FileCapture` (``{"tcp.port==8888": "http"}``)."""
    rules: Dict[str, str] = {}
    for option in options or ():
        rule, sep, protocol = option.rpartition(",")
        table, eq, selector = rule.partition("==")
        if not sep or not eq or not table.strip() or not selector.strip() \
                or not protocol.strip():
            raise CommandError(f'"{option}" is not a valid decode-as option: use '
                               "-d LAYER==SELECTOR,PROTOCOL (e.g. tcp.port==8888,http)", 1)
        rules[f"{table.strip()}=={selector.strip()}"] = protocol.strip()
    return rules


def positive_int(text: str) -> int:
    """An option's value that must be a whole number > 0 (``-M N``)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f'"{text}" is not a number > 0')
    return value


def dissection_options(args: argparse.Namespace) -> Dict[str, Any]:
    """The :class:`~wirepy.FileCapture` arguments of the options every
    file-reading command shares: -n/-N, -o, -d, and -M where the command
    has it."""
    prefs, uat = parse_pref_options(getattr(args, "prefs", None))
    options = {"resolve_names": resolve_names(args), "prefs": prefs, "uat": uat,
               "decode_as": parse_decode_as_options(getattr(args, "decode_as", None))}
    reset_every = getattr(args, "reset_every", None)
    if reset_every is not None:
        if getattr(args, "two_pass", False):
            raise CommandError("-M does not support two-pass analysis.", 1)
        options["reset_every"] = reset_every
    return options


class CommandError(Exception):
    """A user mistake or bad input: printed as one line, exit status
    :attr:`status`."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


class Progress:
    """A progress line on stderr while a long file is read (only when
    stderr is a terminal)."""

    def __init__(self, path: str, stream: TextIO = sys.stderr, enabled: Optional[bool] = None,
                 label: str = ""):
        self.stream = stream
        self.label = label
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
        self.stream.write(f"\r{self.label}[{bar:<30}] {share:6.1%} {packets:>10,} packets")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        """Erase the progress line."""
        if self.shown:
            self.stream.write("\r" + " " * (60 + len(self.label)) + "\r")
            self.stream.flush()
