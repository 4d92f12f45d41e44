"""The Pythonic API's C shim: output formats done in C.

Mirrors: cdefs/shim/fields_text.h, batch_columns.h and py_strings.h (sources:
fields_text.c, batch_columns.c, py_strings.c).
"""

from ._header import constants, functions

INCLUDES = """
#include "fields_text.h"
#include "batch_columns.h"
#include "py_strings.h"
"""

TYPES = constants("fields_text.h") + constants("batch_columns.h") + constants("py_strings.h")

FUNCTIONS = (functions("fields_text.h") + functions("batch_columns.h")
             + functions("py_strings.h"))

CUSTOMIZATIONS = ""

SOURCES = ["shim/fields_text.c", "shim/batch_columns.c", "shim/py_strings.c"]
