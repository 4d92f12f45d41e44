"""The Pythonic API's C shim: output formats done in C.

Mirrors: cdefs/shim/fields_text.h (source: fields_text.c).
"""

from ._header import constants, functions

INCLUDES = """
#include "fields_text.h"
"""

TYPES = constants("fields_text.h")

FUNCTIONS = functions("fields_text.h")

CUSTOMIZATIONS = ""

SOURCES = ["shim/fields_text.c"]
