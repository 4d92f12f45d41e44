"""Tap listeners in C: the core (register, remove, what a read needs) and
the listeners of the statistics.

Mirrors: cdefs/shim/taps.h (source: taps.c) and Wireshark's epan/tap.h (the
callback types and TL_* flags, the same in 4.0, 4.4 and 4.6).
"""

from ._header import constants, functions, typedefs

INCLUDES = """
#include <epan/tap.h>
#include "taps.h"
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
""" + constants("taps.h") + typedefs("taps.h", "wirepy_tap_counter")

FUNCTIONS = functions("taps.h")

CUSTOMIZATIONS = ""

SOURCES = ["shim/taps.c"]
