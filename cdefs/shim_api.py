"""The Pythonic API's C shim: output formats done in C.

Mirrors: cdefs/shim/fields_text.h, batch_columns.h, py_strings.h and
py_nodes.h (sources: fields_text.c, batch_columns.c, py_strings.c, py_nodes.c).
"""

from ._header import constants, functions

INCLUDES = """
#include "fields_text.h"
#include "batch_columns.h"
#include "py_strings.h"
#include "py_nodes.h"
"""

TYPES = (constants("fields_text.h") + constants("batch_columns.h") + constants("py_strings.h")
         + constants("py_nodes.h"))

FUNCTIONS = (functions("fields_text.h") + functions("batch_columns.h")
             + functions("py_strings.h") + functions("py_nodes.h"))

CUSTOMIZATIONS = ""

SOURCES = ["shim/fields_text.c", "shim/batch_columns.c", "shim/py_strings.c",
           "shim/py_nodes.c"]
