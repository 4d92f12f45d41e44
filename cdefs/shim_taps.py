"""Tap listeners in C: the core (register, remove, what a read needs) and
the listeners of the statistics.

Mirrors: cdefs/shim/taps.h and stats.h (sources: taps.c, stats.c) and
Wireshark's epan/tap.h (the callback types and TL_* flags, the same in 4.0,
4.4 and 4.6) and the expert severities and groups of epan/proto.h.
"""

from ._header import constants, functions, typedefs

INCLUDES = """
#include <epan/tap.h>
#include "taps.h"
#include "stats.h"
"""

TYPES = """
typedef unsigned int tap_flags_t;
typedef enum {
    TAP_PACKET_DONT_REDRAW,
    TAP_PACKET_REDRAW,
    TAP_PACKET_FAILED
} tap_packet_status;
typedef void (*tap_reset_cb)(void *tapdata);
typedef tap_packet_status (*tap_packet_cb)(void *tapdata, packet_info *pinfo,
                                           epan_dissect_t *edt, const void *data,
                                           tap_flags_t flags);
typedef void (*tap_finish_cb)(void *tapdata);
#define TL_REQUIRES_NOTHING ...
#define TL_REQUIRES_PROTO_TREE ...
#define TL_REQUIRES_COLUMNS ...
#define TL_REQUIRES_ERROR_PACKETS ...
#define PI_COMMENT ...
#define PI_CHAT ...
#define PI_NOTE ...
#define PI_WARN ...
#define PI_ERROR ...
typedef struct wirepy_conv wirepy_conv;
typedef struct wirepy_phs wirepy_phs;
typedef struct wirepy_expert wirepy_expert;
typedef struct wirepy_io wirepy_io;
typedef struct wirepy_io_column wirepy_io_column;
""" + constants("taps.h") + typedefs("taps.h", "wirepy_tap_counter") + constants(
    "stats.h") + typedefs("stats.h", "wirepy_conv_row", "wirepy_io_cell")

FUNCTIONS = functions("taps.h") + functions("stats.h")

CUSTOMIZATIONS = ""

SOURCES = ["shim/taps.c", "shim/stats.c"]
