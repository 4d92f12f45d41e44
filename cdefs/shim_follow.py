"""Follow streams and export objects: tap listeners on Wireshark's follow
machinery (epan/follow.h) and export-object taps (epan/export_object.h).

Mirrors: cdefs/shim/follow.h and export_objects.h (sources: follow.c,
export_objects.c). Wireshark's follow_info_t, follow_record_t and
export_object_entry_t stay opaque here: the shim reads them in C, compiled
against the installed series' headers (follow_record_t's is_server is a
gboolean in 4.0 and a bool from 4.4; the entry's types changed names), and
hands out its own structs.
"""

from ._header import functions, typedefs

INCLUDES = """
#include "follow.h"
#include "export_objects.h"
"""

TYPES = """
typedef struct wirepy_follow wirepy_follow;
typedef struct wirepy_eo wirepy_eo;
""" + typedefs("follow.h", "wirepy_follow_chunk") + typedefs(
    "export_objects.h", "wirepy_eo_object")

FUNCTIONS = functions("follow.h") + functions("export_objects.h")

CUSTOMIZATIONS = ""

SOURCES = ["shim/follow.c", "shim/export_objects.c", "shim/registry.c"]
