"""The Pythonic API's C shim: output formats done in C.

Mirrors: cdefs/shim/fields_text.h (source: fields_text.c).
"""

INCLUDES = """
#include "fields_text.h"
"""

TYPES = """
#define WIREPY_SOURCE_EMPTY ...
#define WIREPY_SOURCE_COLUMN ...
"""

FUNCTIONS = """
int wirepy_fields_lines(const gint64 *ints, gsize n_ints, const char *strs, gsize strs_len,
                        int n_fields, gboolean has_raw, gboolean has_columns,
                        const int *sources, int n_out, int separator, int aggregator,
                        int quote, int occurrence, GByteArray *out);
"""

CUSTOMIZATIONS = ""

SOURCES = ["shim/fields_text.c"]
