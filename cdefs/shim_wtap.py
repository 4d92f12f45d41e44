"""The wiretap part of the C shim: batch reading, writing, block access.

Mirrors: cdefs/shim/wtap_batch.h (source: cdefs/shim/wtap_batch.c). One C
call reads many records into a contiguous buffer plus an array of
``wirepy_wtap_hdr``; writing takes the same layout; a C loop converts a
whole file. Members of ``wtap_rec``'s anonymous union are read there.
"""

from ._header import constants, functions, typedefs

INCLUDES = """
#include "wtap_batch.h"
"""

TYPES = (constants("wtap_batch.h")
         + typedefs("wtap_batch.h", "wirepy_wtap_hdr", "wirepy_wtap_idb") + """
typedef struct wirepy_wtap_reader {
    wtap *wth;
    gboolean eof;
    guint64 delivered;
    ...;
} wirepy_wtap_reader;

typedef struct wirepy_wtap_writer {
    wtap_dumper *wdh;
    guint64 written;
    ...;
} wirepy_wtap_writer;
""")

FUNCTIONS = functions("wtap_batch.h")

CUSTOMIZATIONS = ""

SOURCES = ["shim/wtap_batch.c"]
