"""Read the shim's C headers, so their declarations are written once.

A cdefs module of the shim takes its function prototypes and constants
from the header the C sources include (``shim/NAME.h``) instead of
restating them: ``FUNCTIONS = functions("dissect.h")``. A type the cdef
needs in full comes from the header too (:func:`typedefs`); a partial view
(``...;``) of a struct stays written out in the module.
"""

import os
import re

SHIM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "shim")

_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*", re.DOTALL)
_DEFINE = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)(\s+\S.*)?$")


def _read(name: str) -> str:
    with open(os.path.join(SHIM, name), encoding="utf-8") as f:
        return _COMMENTS.sub(" ", f.read())


def constants(name: str) -> str:
    """``#define NAME ...`` for every object-like macro with a value in the
    header (include guards have none), for the compiler to fill in."""
    out = []
    for line in _read(name).splitlines():
        match = _DEFINE.match(line)
        if match and match.group(2):
            out.append(f"#define {match.group(1)} ...")
    return "\n".join(out) + "\n"


def _statements(name: str) -> list:
    """The header's top-level declarations, one line each (no preprocessor)."""
    code = "\n".join(line for line in _read(name).splitlines()
                     if not line.lstrip().startswith("#"))
    statements, depth, start = [], 0, 0
    for i, char in enumerate(code):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == ";" and depth == 0:
            statements.append(" ".join(code[start:i + 1].split()))
            start = i + 1
    return statements


def functions(name: str) -> str:
    """Every function prototype at the top level of the header."""
    prototypes = [s for s in _statements(name)
                  if "(" in s and "{" not in s and not s.startswith(("typedef", "extern \"C\""))]
    return "\n".join(prototypes) + "\n"


def typedefs(name: str, *types: str) -> str:
    """The header's full ``typedef struct {...} TYPE;`` of each of *types*."""
    found = {}
    for s in _statements(name):
        match = re.match(r"typedef struct\b.*\}\s*(\w+)\s*;$", s)
        if match and match.group(1) in types:
            found[match.group(1)] = s
    missing = [t for t in types if t not in found]
    if missing:
        raise LookupError(f"shim/{name} defines no {', '.join(missing)}")
    return "\n".join(found[t] for t in types) + "\n"
