"""The epan layer's C shim: the per-packet hot path and C-only helpers.

Mirrors: cdefs/shim/dissect.h and epan_helpers.h (sources: dissect.c,
epan_helpers.c).
"""

from ._header import constants, functions

INCLUDES = """
#include "dissect.h"
#include "epan_helpers.h"
"""

TYPES = constants("dissect.h") + """
typedef struct wirepy_dissector wirepy_dissector;
"""

FUNCTIONS = functions("dissect.h") + functions("epan_helpers.h")

CUSTOMIZATIONS = ""

SOURCES = ["shim/dissect.c", "shim/epan_helpers.c"]
