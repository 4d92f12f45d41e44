"""tshark's ``-T fields`` output format, reproduced byte for byte.

The per-packet values come from the dissection (one string per occurrence
of each requested field, as :meth:`wirepy.Packet.field_strings` returns
them); this module applies what tshark 4.0 applies on top: the ``-E``
options (header, separator, occurrence, aggregator, quote, bom) and the
escaping of control characters.

tshark quirks kept on purpose, so output stays identical:

* a field named twice with ``-e`` gets its values only in its **last**
  column (tshark indexes fields by name; the later index wins);
* quotes are written around a column only when it has a value, and quote
  characters inside a value are not escaped;
* ``-E separator=/x`` for any other ``x`` than ``t`` or ``s`` gives a
  backslash;
* a separator or aggregator is the first *byte* of its argument (half of
  a UTF-8 character when that is not ASCII).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from ..lib.wireshark import lib

__all__ = ["FieldsFormat", "FieldsOptionError", "escape"]

UTF8_BOM = "\ufeff"

#: tshark 4.2 and later put a backslash before the separator where it occurs
#: in an unquoted field's text (an aggregator equal to it included).
_ESCAPE_SEPARATOR = bool(lib.WIREPY_TSHARK_FIELDS_ESCAPE_SEPARATOR)

_ESCAPES = str.maketrans({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


class FieldsOptionError(ValueError):
    """An ``-E`` option tshark would refuse."""


def escape(value: str) -> str:
    """Escape a value as tshark's fields output does (``\\b \\f \\n \\r \\t``)."""
    return value.translate(_ESCAPES)


@dataclass
class FieldsFormat:
    """The output settings of ``-T fields`` (tshark's defaults)."""

    fields: List[str] = field(default_factory=list)
    header: bool = False
    separator: str = "\t"
    occurrence: str = "a"
    aggregator: str = ","
    quote: str = ""
    bom: bool = False

    def set_option(self, option: str) -> None:
        """Apply one ``-E name=value`` option, as tshark parses it.

        :raises FieldsOptionError: where tshark reports an invalid option.
        """
        name, sep, value = option.partition("=")
        if not option or not sep or not name or not value:
            raise FieldsOptionError(f'invalid -E option "{option}"')
        first = value[0]
        if name == "header" or name == "bom":
            if first not in "yn":
                raise FieldsOptionError(f'invalid -E option "{option}"')
            setattr(self, name, first == "y")
        elif name == "separator":
            self.separator = self._slash_value(value, {"t": "\t", "s": " "})
        elif name == "aggregator":
            self.aggregator = self._slash_value(value, {"s": " "})
        elif name == "occurrence":
            if first not in "fla":
                raise FieldsOptionError(f'invalid -E option "{option}"')
            self.occurrence = first
        elif name == "quote":
            if first not in "dsn":
                self.quote = ""
                raise FieldsOptionError(f'invalid -E option "{option}"')
            self.quote = {"d": '"', "s": "'", "n": ""}[first]
        else:
            raise FieldsOptionError(f'invalid -E option "{option}"')

    @staticmethod
    def _slash_value(value: str, table: Dict[str, str]) -> str:
        if value[0] != "/":
            # tshark keeps the first byte of the argument, not the first
            # character: a lone byte is carried as a surrogate escape
            return os.fsencode(value)[:1].decode("utf-8", "surrogateescape")
        return table.get(value[1:2], "\\")

    def preamble(self) -> str:
        """What tshark prints before the first packet (BOM, header line)."""
        text = UTF8_BOM if self.bom else ""
        if self.header:
            text += self.separator.join(self.fields) + "\n"
        return text

    def _columns(self) -> Dict[str, int]:
        # tshark maps each name to its last index: duplicates fill only there.
        return {name: i for i, name in enumerate(self.fields)}

    def line(self, values: Dict[str, Sequence[str]]) -> str:
        """One packet's line from its per-field occurrence strings.

        :param values: field name -> the strings of its occurrences, in
            tree order (missing or empty: no value).
        """
        columns: List[Optional[List[str]]] = [None] * len(self.fields)
        for name, index in self._columns().items():
            occurrences = values.get(name)
            if not occurrences:
                continue
            if self.occurrence == "f":
                chosen = [occurrences[0]]
            elif self.occurrence == "l":
                chosen = [occurrences[-1]]
            else:
                chosen = list(occurrences)
            columns[index] = chosen
        out = []
        for chosen in columns:
            if chosen is None:
                out.append("")
                continue
            text = self.aggregator.join(escape(v) for v in chosen)
            if _ESCAPE_SEPARATOR and not self.quote:
                text = text.replace(self.separator, "\\" + self.separator)
            out.append(f"{self.quote}{text}{self.quote}")
        return self.separator.join(out) + "\n"
