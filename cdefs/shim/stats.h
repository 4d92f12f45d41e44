/* stats.h -- the listeners of wirepy.stats (stats.c): tshark's -z
 * statistics collected in C during a read (see taps.h), read out after.
 *
 * Conversations and endpoints keep libwireshark's own conversation tables
 * (conv_hash_t, filled by the packet functions epan registers per
 * protocol); the protocol hierarchy, I/O intervals and expert summary are
 * the shim's listeners, computing what tshark's -z io,phs, io,stat and
 * expert compute. Every number is Wireshark's: only the layout is left to
 * Python.
 */
#ifndef WIREPY_STATS_H
#define WIREPY_STATS_H

#include <glib.h>
#include <epan/packet_info.h>
#include <epan/epan_dissect.h>
#include <epan/tap.h>
#include <epan/conversation_table.h>
#include "taps.h"
#include "wirepy_version.h"

/* How the series' tshark lays out -z endpoints and -z io,stat, which
 * wirepy stats prints alike: 1 from 4.6 (endpoint byte counts as sizes,
 * "1 kB"; io,stat column numbers three wide and interval ends left-aligned,
 * the last one a whole interval; each -z expert keeps its own level, where
 * before the last level given applied to them all), 0 before. */
#if WIREPY_WS_AT_LEAST(4, 6)
#define WIREPY_TSHARK_STATS_46 1
#else
#define WIREPY_TSHARK_STATS_46 0
#endif

/* -- conversations and endpoints ---------------------------------------- */

typedef struct wirepy_conv wirepy_conv;

/* A row of a conversation (b empty for an endpoint) as text and numbers. */
#define WIREPY_CONV_TEXT 256
typedef struct wirepy_conv_row {
    char addr_a[256];             /* WIREPY_CONV_TEXT */
    char port_a[256];             /* WIREPY_CONV_TEXT */
    char addr_b[256];             /* WIREPY_CONV_TEXT */
    char port_b[256];             /* WIREPY_CONV_TEXT */
    guint64 rx_frames;
    guint64 tx_frames;
    guint64 rx_bytes;
    guint64 tx_bytes;
    gint64 start_secs;          /* relative to the first frame */
    gint64 start_nsecs;
    gint64 stop_secs;
    gint64 stop_nsecs;
    gint64 abs_secs;            /* the conversation's first frame, since the epoch */
    gint64 abs_nsecs;
} wirepy_conv_row;

/* The conversation table of protocol `filter_name` ("tcp"): its tap's
 * name, its title ("TCP") and whether it has ports. FALSE if the protocol
 * has none. */
gboolean wirepy_conv_table(const char *filter_name, const char **tap, const char **title,
                           gboolean *hide_ports);
/* The filter names of every protocol with a conversation table, as one
 * string, comma-separated (g_free it). */
gchar *wirepy_conv_tables(void);
wirepy_conv *wirepy_conv_new(const char *filter_name, gboolean endpoints);
void wirepy_conv_free(wirepy_conv *c);
void wirepy_conv_reset(void *tapdata);
tap_packet_cb wirepy_conv_packet_func(wirepy_conv *c);
guint wirepy_conv_count(wirepy_conv *c);
void wirepy_conv_get(wirepy_conv *c, guint i, gboolean resolve, wirepy_conv_row *row);

/* -- protocol hierarchy --------------------------------------------------- */

typedef struct wirepy_phs wirepy_phs;

wirepy_phs *wirepy_phs_new(void);
void wirepy_phs_free(wirepy_phs *p);
void wirepy_phs_reset(void *tapdata);
tap_packet_status wirepy_phs_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt,
                                    const void *data, tap_flags_t flags);
/* Flattens the hierarchy in preorder (children in the order first seen);
 * returns the number of rows, which wirepy_phs_row then reads. */
guint wirepy_phs_flatten(wirepy_phs *p);
void wirepy_phs_row(wirepy_phs *p, guint i, int *depth, const char **abbrev,
                    guint64 *frames, guint64 *bytes);

/* -- expert information --------------------------------------------------- */

typedef struct wirepy_expert wirepy_expert;

wirepy_expert *wirepy_expert_new(void);
void wirepy_expert_free(wirepy_expert *e);
void wirepy_expert_reset(void *tapdata);
tap_packet_status wirepy_expert_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt,
                                       const void *data, tap_flags_t flags);
guint wirepy_expert_count(wirepy_expert *e);
/* Entry i (one per severity, protocol and summary, in the order first
 * seen): its severity (PI_*), group (PI_*), protocol, summary, how often. */
void wirepy_expert_get(wirepy_expert *e, guint i, int *severity, int *group,
                       const char **protocol, const char **summary, guint64 *frequency);
/* Wireshark's name of an expert group or severity, NULL if unknown. */
const char *wirepy_expert_group_name(int group);
const char *wirepy_expert_severity_name(int severity);

/* -- I/O intervals (io,stat) ---------------------------------------------- */

/* What a column computes. */
#define WIREPY_IO_FRAMES       0
#define WIREPY_IO_BYTES        1
#define WIREPY_IO_FRAMES_BYTES 2
#define WIREPY_IO_COUNT        3
#define WIREPY_IO_SUM          4
#define WIREPY_IO_MIN          5
#define WIREPY_IO_MAX          6
#define WIREPY_IO_AVG          7
#define WIREPY_IO_LOAD         8

/* One interval of one column: frames (the column's filter passed),
 * values counted (AVG), and the accumulated value: an integer (relative
 * times in nanoseconds, LOAD in microseconds), a float or a double as the
 * field's type says. */
typedef struct wirepy_io_cell {
    guint32 frames;
    guint32 num;
    guint64 counter;
    float float_counter;
    double double_counter;
} wirepy_io_cell;

typedef struct wirepy_io wirepy_io;
typedef struct wirepy_io_column wirepy_io_column;

/* At most this many intervals per column: a capture whose times span
 * years cut in milliseconds would need gigabytes (tshark's own table
 * grows until memory runs out); beyond it the column stops counting and
 * wirepy_io_overflow() says so. */
#define WIREPY_IO_MAX_CELLS 4194304

/* interval_us: the interval in microseconds, G_MAXUINT64 for the whole
 * capture as one interval. */
wirepy_io *wirepy_io_new(guint64 interval_us, int n_columns);
void wirepy_io_free(wirepy_io *io);
/* Column i computes `calc` over field `hfid` (-1 for frames and bytes);
 * the caller checked the pair (as tshark does). */
wirepy_io_column *wirepy_io_column_at(wirepy_io *io, int i, int calc, int hfid);
void wirepy_io_reset(void *tapdata);
void wirepy_io_column_reset(void *tapdata);
tap_packet_status wirepy_io_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt,
                                   const void *data, tap_flags_t flags);
tap_packet_status wirepy_io_column_packet(void *tapdata, packet_info *pinfo,
                                          epan_dissect_t *edt, const void *data,
                                          tap_flags_t flags);
guint wirepy_io_cells(wirepy_io *io, int column);
void wirepy_io_cell_get(wirepy_io *io, int column, guint i, wirepy_io_cell *out);
/* The largest value and frame count the column held after a packet (the
 * table's widths come from them). */
void wirepy_io_column_max(wirepy_io *io, int column, guint64 *max_value, guint64 *max_frames);
/* The relative time of the latest frame of the read (the capture's
 * duration). */
void wirepy_io_elapsed(wirepy_io *io, gint64 *secs, gint64 *nsecs);
/* TRUE if a frame fell beyond WIREPY_IO_MAX_CELLS intervals. */
gboolean wirepy_io_overflow(wirepy_io *io);

/* Sizes as the conversation tables show them (format_size). */
void wirepy_format_bytes(gint64 size, char *out, gsize n);

#endif /* WIREPY_STATS_H */
