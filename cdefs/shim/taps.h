/* taps.h -- tap listeners written in C (taps.c), the core every statistic,
 * follow stream and export-objects reader builds on.
 *
 * A listener is a C struct (its "tapdata") and C callbacks, registered with
 * Wireshark's register_tap_listener() for the duration of one read: the
 * dissection calls the callbacks from epan_dissect_run_with_taps, in C, and
 * the struct collects what they see; Python reads it out after the read (or
 * between two batches, under the epan guard). No Python runs during
 * dissection: a THROW could longjmp over its frames.
 *
 * wirepy_tap_register() takes any tap_packet_cb: one of the shim's (below,
 * stats.c) or one libwireshark hands out (get_conversation_packet_func,
 * get_endpoint_packet_func, follow and export-object handlers).
 */
#ifndef WIREPY_TAPS_H
#define WIREPY_TAPS_H

#include <glib.h>
#include <epan/packet_info.h>
#include <epan/epan_dissect.h>
#include <epan/tap.h>
#include "wirepy_version.h"

/* What the registered listeners need of a read (wirepy_tap_needs). */
#define WIREPY_TAP_NEEDS_TREE     1   /* a protocol tree (TL_REQUIRES_PROTO_TREE or a filter) */
#define WIREPY_TAP_NEEDS_COLUMNS  2   /* the columns filled (TL_REQUIRES_COLUMNS) */
#define WIREPY_TAP_NEEDS_PROTOCOLS 4  /* the protocols' own items in it (WIREPY_TL_REQUIRES_PROTOCOLS) */

/* A listener that walks the tree's top level (the protocol hierarchy) asks
 * for the protocols' own items: 4.6's invisible trees fake them, at the top
 * level too, unless a listener has TL_REQUIRES_PROTOCOLS. 4.0 and 4.4 have
 * no such flag and never fake a top-level item: 0 there. */
#if WIREPY_WS_AT_LEAST(4, 6)
#define WIREPY_TL_REQUIRES_PROTOCOLS TL_REQUIRES_PROTOCOLS
#else
#define WIREPY_TL_REQUIRES_PROTOCOLS 0
#endif

/* Registers tapdata on tap `tapname`, with an optional display filter
 * (NULL for none) and TL_* flags. Returns NULL, or Wireshark's error text
 * (g_free it): an unknown tap, a filter that does not compile. */
gchar *wirepy_tap_register(const char *tapname, void *tapdata, const char *filter,
                           guint flags, tap_packet_cb packet, tap_reset_cb reset,
                           tap_finish_cb finish);
void wirepy_tap_remove(void *tapdata);
gboolean wirepy_tap_exists(const char *tapname);
int wirepy_tap_needs(void);

/* The simplest listener: counts the packets a tap reports (and their
 * bytes), for one tap and filter. */
typedef struct wirepy_tap_counter {
    guint64 packets;
    guint64 bytes;
} wirepy_tap_counter;

wirepy_tap_counter *wirepy_tap_counter_new(void);
void wirepy_tap_counter_free(wirepy_tap_counter *c);
void wirepy_tap_counter_reset(void *tapdata);
tap_packet_status wirepy_tap_counter_packet(void *tapdata, packet_info *pinfo,
                                            epan_dissect_t *edt, const void *data,
                                            tap_flags_t flags);

#endif /* WIREPY_TAPS_H */
