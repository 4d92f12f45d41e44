/* dissect.h -- the epan hot path: read, dissect and extract in one C call.
 *
 * A wirepy_dissector owns an epan_dissect_t plus the reading state (record,
 * buffer, frame_data) and two growing output buffers that Python decodes in
 * one go: an array of gint64 (per-packet numbers, occurrence counts, per-node
 * numbers) and a block of NUL-terminated UTF-8 strings. Nothing in those
 * buffers points into memory that epan_dissect_reset() frees.
 */
#ifndef WIREPY_DISSECT_H
#define WIREPY_DISSECT_H

#include <glib.h>
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/column-info.h>
#include <epan/dfilter/dfilter.h>
#include <wiretap/wtap.h>
#include "wirepy_shim.h"

typedef struct wirepy_dissector wirepy_dissector;

/* Flags of wirepy_dissect_batch(). */
#define WIREPY_ONLY_PASSED   1   /* emit nothing for packets the filter rejects */
#define WIREPY_COLUMNS       2   /* emit the text of every column */
#define WIREPY_FIELDS        4   /* emit the requested fields */
#define WIREPY_TYPED         8   /* with WIREPY_FIELDS: each occurrence's typed value too */
#define WIREPY_TREE         32   /* the full tree of each packet (see tree_out) */
#define WIREPY_INDEXED      64   /* fields behind a per-packet directory (see extract_indexed) */
#define WIREPY_RAW          16   /* the frame's bytes (offset and length in ints, bytes in the raw buffer) */
#define WIREPY_SOURCES     128   /* every data source's bytes: with WIREPY_TREE after the
                                  * tree (see tree_out), else WIREPY_D_SOURCES_AT */

/* The batch layout: what Python reads is named here, and only here
 * (Python takes these as lib.WIREPY_*).
 *
 * Every packet starts with WIREPY_PKT_INTS gint64, at these offsets: */
#define WIREPY_P_NUM         0
#define WIREPY_P_PASSED      1   /* the display filter matched (1 without one) */
#define WIREPY_P_CAP_LEN     2
#define WIREPY_P_PKT_LEN     3
#define WIREPY_P_SECS        4
#define WIREPY_P_NSECS       5
#define WIREPY_P_INTERFACE   6   /* -1 if the record has none */
#define WIREPY_P_ERRORS      7   /* items whose rendering threw (see below) */
#define WIREPY_P_FLAGS       8   /* WIREPY_PKT_* */
#define WIREPY_PKT_INTS      9
/* Packet flags. */
#define WIREPY_PKT_EBCDIC    1   /* a dissector marked the frame's characters EBCDIC */

/* A node of a flattened tree: WIREPY_NODE_INTS gint64 at these offsets,
 * and its strings (label, show, then the raw value's text with
 * WIREPY_NODE_HAS_RAW, then tshark's -T fields text with
 * WIREPY_NODE_HAS_TEXT) from string WIREPY_N_STR on. */
#define WIREPY_N_DEPTH       0
#define WIREPY_N_HFID        1
#define WIREPY_N_START       2   /* field_info.start, in its data source */
#define WIREPY_N_LENGTH      3
#define WIREPY_N_FLAGS       4   /* WIREPY_NODE_* */
#define WIREPY_N_DS          5   /* index of its data source, -1 if none */
#define WIREPY_N_FTYPE       6
#define WIREPY_N_V1          7   /* an integer value, time seconds, a double's bits */
#define WIREPY_N_V2          8   /* time nanoseconds */
#define WIREPY_N_STR         9   /* index of the node's first string */
#define WIREPY_NODE_INTS    10

/* WIREPY_INDEXED: after a packet's header, per field (count, index of its
 * first typed triple or -1, byte offset of its first string), then this
 * directory: */
#define WIREPY_D_RAW_AT      0   /* the frame's bytes in the raw buffer, -1 without */
#define WIREPY_D_RAW_LEN     1
#define WIREPY_D_N_COLUMNS   2
#define WIREPY_D_COLUMNS_AT  3   /* byte offset of the first column text */
#define WIREPY_D_N_LAYERS    4
#define WIREPY_D_LAYERS_AT   5   /* index of the layers' protocol ids in ints */
#define WIREPY_D_SOURCES_AT  6   /* WIREPY_SOURCES without WIREPY_TREE: index of the
                                  * data sources in ints (n, byte offset of their
                                  * first name, n spans as with the tree), else -1 */
#define WIREPY_DIR_INTS      7

/* WIREPY_SOURCES: after a tree's data source count and first name, per
 * data source its bytes' offset in the raw buffer and their length; the
 * offset is WIREPY_DS_FRAME for the frame's own bytes when WIREPY_RAW
 * already copied them. */
#define WIREPY_DS_FRAME     -1

/* Node flags in the flattened tree. */
#define WIREPY_NODE_HIDDEN     1
#define WIREPY_NODE_GENERATED  2
#define WIREPY_NODE_HAS_V1     4   /* v1 holds an integer value */
#define WIREPY_NODE_HAS_TIME   8   /* v1 secs, v2 nsecs */
#define WIREPY_NODE_HAS_RAW   16   /* a fourth string holds the raw value */
#define WIREPY_NODE_TEXT_ONLY 32
#define WIREPY_NODE_PROTOCOL_NODE 64 /* a <proto> element in PDML */
#define WIREPY_NODE_HAS_TEXT 128   /* a last string holds tshark's -T fields text */
#define WIREPY_NODE_ERROR    256   /* rendering the item threw: its label says what */

/* The field type of a typed value whose rendering threw (Python: None). */
#define WIREPY_FT_ERROR      -3   /* not -1 or -2: WIREPY_COLUMN_ABSENT, _UNTYPED */

/* Everything done to a packet after epan_dissect_run (columns, the display
 * filter, rendering fields and tree items) calls Wireshark code that
 * reports bugs and malformed values by THROW, a longjmp with no handler
 * outside dissection. The shim runs that work inside one TRY per packet;
 * when something throws, the packet's output is rewound and done again
 * with a TRY around each item, so one bad item costs only itself: it is
 * counted in the packet's `errors`, a tree node gets WIREPY_NODE_ERROR and
 * the exception's text as label, a field value WIREPY_FT_ERROR. */

wtap *wirepy_open_offline(const char *path, gboolean random, int *err, gchar **err_info);
gboolean wirepy_wtap_attach(wtap *wth);

wirepy_dissector *wirepy_dissector_new(epan_t *epan, wirepy_provider *prov,
                                       gboolean create_tree, gboolean visible);
void wirepy_dissector_free(wirepy_dissector *d);
void wirepy_dissector_release(wirepy_dissector *d);
void wirepy_dissector_renew(wirepy_dissector *d, epan_t *epan, gboolean visible,
                            gboolean fake_protocols);
epan_dissect_t *wirepy_dissector_edt(wirepy_dissector *d);
frame_data *wirepy_dissector_frame(wirepy_dissector *d);
int wirepy_dissector_set_fields(wirepy_dissector *d, const int *hfids, int n);
void wirepy_dissector_set_dfilter(wirepy_dissector *d, dfilter_t *df);
void wirepy_dissector_set_columns(wirepy_dissector *d, column_info *cinfo);
void wirepy_dissector_fake_protocols(wirepy_dissector *d, gboolean fake);
int wirepy_dissector_last_error(wirepy_dissector *d, gchar **err_info);

int wirepy_dissect_next(wirepy_dissector *d, wtap *wth);
int wirepy_dissect_first_pass(wirepy_dissector *d, wtap *wth, int max_records);
int wirepy_dissect_seek_frame(wirepy_dissector *d, guint32 num);
gboolean wirepy_dissect_passed(wirepy_dissector *d);
void wirepy_dissect_finish(wirepy_dissector *d);
int wirepy_dissect_batch(wirepy_dissector *d, wtap *wth, int max_packets, int flags);
int wirepy_dissect_extract(wirepy_dissector *d, int flags);
int wirepy_tree_flatten(wirepy_dissector *d);

void wirepy_out_clear(wirepy_dissector *d);
const gint64 *wirepy_out_ints(wirepy_dissector *d, gsize *n);
const char *wirepy_out_strings(wirepy_dissector *d, gsize *len);
const guint8 *wirepy_out_raw(wirepy_dissector *d, gsize *len);
const gint64 *wirepy_out_packets(wirepy_dissector *d, gsize *n);
void wirepy_dissector_tree_field_text(wirepy_dissector *d, gboolean on);
void wirepy_dissector_fail_rendering(wirepy_dissector *d, int hfid);
int wirepy_dissect_data(wirepy_dissector *d, const guint8 *data, guint32 caplen,
                        guint32 len, int encap, gint64 secs, int nsecs);

int wirepy_hfid_chain(int hfid, int *out, int max);



#endif /* WIREPY_DISSECT_H */
