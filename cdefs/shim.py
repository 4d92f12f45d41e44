"""The C shim: what CFFI cannot express, compiled into the same module.

Mirrors: cdefs/shim/wirepy_shim.h (sources: cdefs/shim/*.c). Log writers
and report routines (va_list), the packet provider (callbacks that run
inside dissection stay in C), accessors for anonymous unions.
"""

from ._header import functions

INCLUDES = """
#include "wirepy_shim.h"
"""

TYPES = """
struct packet_provider_data {
    wtap *wth;
    const frame_data *ref;
    frame_data *prev_dis;
    frame_data *prev_cap;
    nstime_t elapsed;
    guint32 cum_bytes;
    ...;
};
typedef struct packet_provider_data wirepy_provider;
"""

FUNCTIONS = functions("wirepy_shim.h")

CUSTOMIZATIONS = ""

SOURCES = ["shim/log.c", "shim/init.c", "shim/provider.c", "shim/access.c"]
