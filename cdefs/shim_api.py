"""The Pythonic API's C shim: output formats done in C.

Mirrors: cdefs/shim/fields_text.h and batch_columns.h (sources: fields_text.c,
batch_columns.c).
"""

from ._header import constants, functions

INCLUDES = """
#include "fields_text.h"
#include "batch_columns.h"
"""

TYPES = constants("fields_text.h") + constants("batch_columns.h")

FUNCTIONS = functions("fields_text.h") + functions("batch_columns.h")

CUSTOMIZATIONS = ""

SOURCES = ["shim/fields_text.c", "shim/batch_columns.c"]
