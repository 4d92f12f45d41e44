"""The epan layer's C shim: the per-packet hot path and C-only helpers.

Mirrors: cdefs/shim/dissect.h, typed_value.h, epan_helpers.h and uat.h
(sources: dissect.c, typed_value.c, epan_helpers.c, uat.c).
"""

from ._header import constants, functions, typedefs

INCLUDES = """
#include "dissect.h"
#include "typed_value.h"
#include "epan_helpers.h"
#include "uat.h"
"""

TYPES = constants("dissect.h") + constants("typed_value.h") + typedefs(
    "typed_value.h", "wirepy_value") + """
typedef struct wirepy_dissector wirepy_dissector;
"""

FUNCTIONS = (functions("dissect.h") + functions("typed_value.h")
             + functions("epan_helpers.h") + functions("uat.h"))

CUSTOMIZATIONS = ""

SOURCES = ["shim/dissect.c", "shim/typed_value.c", "shim/epan_helpers.c", "shim/uat.c"]
