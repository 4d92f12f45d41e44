"""libwireshark (epan): process set-up, sessions, dissection, timestamps.

Mirrors: epan/epan.h, epan/epan_dissect.h, epan/frame_data.h,
epan/timestamp.h, epan/prefs.h, epan/proto.h (the node and field structs),
epan/tvbuff.h (creation only). The protocol tree, field types, display
filters, columns and preferences in full belong to the epan layer's own
declarations; this is the part process initialisation and the packet
provider need.
"""

INCLUDES = """
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/frame_data.h>
#include <epan/timestamp.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/tvbuff.h>
#include <epan/column-info.h>
#include <epan/charsets.h>
#include <epan/packet.h>
"""

TYPES = """
typedef struct epan_session epan_t;
typedef struct tvbuff tvbuff_t;
typedef struct epan_dfilter dfilter_t;
typedef struct epan_column_info column_info;

typedef enum {
    TS_RELATIVE,
    TS_ABSOLUTE,
    TS_ABSOLUTE_WITH_YMD,
    TS_ABSOLUTE_WITH_YDOY,
    TS_DELTA,
    TS_DELTA_DIS,
    TS_EPOCH,
    TS_UTC,
    TS_UTC_WITH_YMD,
    TS_UTC_WITH_YDOY,
    TS_NOT_SET
} ts_type;

/* Timestamp precisions, numbered by the compiler: 4.4 renumbered them
 * (AUTO is -1, then one per decimal), renamed DSEC/CSEC to 100_MSEC/10_MSEC
 * and added four; the names of both are given in every series (CUSTOMIZATIONS),
 * the four new ones as WIREPY_ABSENT - n on 4.0. */
/* how the series' tshark -T fields works (wirepy_version.h) */
#define WIREPY_TSHARK_FIELDS_VISIBLE_TREE ...
#define WIREPY_TSHARK_FIELDS_ESCAPE_SEPARATOR ...

#define TS_PREC_AUTO ...
#define TS_PREC_FIXED_SEC ...
#define TS_PREC_FIXED_DSEC ...
#define TS_PREC_FIXED_CSEC ...
#define TS_PREC_FIXED_MSEC ...
#define TS_PREC_FIXED_USEC ...
#define TS_PREC_FIXED_NSEC ...
#define TS_PREC_FIXED_100_MSEC ...
#define TS_PREC_FIXED_10_MSEC ...
#define TS_PREC_FIXED_100_USEC ...
#define TS_PREC_FIXED_10_USEC ...
#define TS_PREC_FIXED_100_NSEC ...
#define TS_PREC_FIXED_10_NSEC ...

typedef enum {
    TS_SECONDS_DEFAULT,
    TS_SECONDS_HOUR_MIN_SEC,
    TS_SECONDS_NOT_SET
} ts_seconds_type;

typedef struct _frame_data {
    guint32 num;
    guint32 pkt_len;
    guint32 cap_len;
    guint32 cum_bytes;
    gint64 file_off;
    nstime_t abs_ts;
    nstime_t shift_offset;
    guint32 frame_ref_num;
    guint32 prev_dis_num;
    ...;
} frame_data;

typedef struct _header_field_info header_field_info;
/* hfinfo is not declared: Python does not read it, and its type is const
 * from 4.4 on (cffi checks a pointer member's exact type). */
typedef struct field_info {
    gint start;
    gint length;
    gint appendix_start;
    gint appendix_length;
    gint tree_type;
    guint32 flags;
    tvbuff_t *ds_tvb;
    int total_layer_num;
    int proto_layer_num;
    ...;
} field_info;

typedef struct _proto_node {
    struct _proto_node *first_child;
    struct _proto_node *last_child;
    struct _proto_node *next;
    struct _proto_node *parent;
    field_info *finfo;
    ...;
} proto_node;
typedef proto_node proto_tree;
typedef proto_node proto_item;

typedef struct _packet_info {
    ...;
} packet_info;

typedef struct epan_dissect {
    epan_t *session;
    tvbuff_t *tvb;
    proto_tree *tree;
    packet_info pi;
} epan_dissect_t;

typedef struct _e_prefs {
    GList *col_list;
    gint num_cols;
    ...;
} e_prefs;

typedef enum {
    RA_NONE, ...
} register_action_e;
typedef void (*register_cb)(register_action_e action, const char *message,
                            gpointer client_data);
"""

FUNCTIONS = """
/* charsets.h: what a hex dump shows for an EBCDIC frame's byte */
guint8 EBCDIC_to_ASCII1(guint8 c);

/* packet.h: whether a postdissector needs fields (so a tree) */
gboolean postdissectors_want_hfids(void);

/* epan.h: process-wide set-up */
gboolean epan_init(register_cb cb, void *client_data, gboolean load_plugins);
e_prefs *epan_load_settings(void);
void epan_cleanup(void);
const gchar *epan_get_version(void);
void epan_get_version_number(int *major, int *minor, int *micro);
void prefs_apply_all(void);

/* epan.h: sessions (the packet provider is the shim's) */
void epan_free(epan_t *session);

/* epan.h: dissection */
epan_dissect_t *epan_dissect_new(epan_t *session, const gboolean create_proto_tree,
                                 const gboolean proto_tree_visible);
void epan_dissect_reset(epan_dissect_t *edt);
void epan_dissect_fake_protocols(epan_dissect_t *edt, const gboolean fake_protocols);
void epan_dissect_prime_with_hfid(epan_dissect_t *edt, int hfid);
void epan_dissect_fill_in_columns(epan_dissect_t *edt, const gboolean fill_col_exprs,
                                  const gboolean fill_fd_colums);
gboolean epan_dissect_packet_contains_field(epan_dissect_t *edt,
                                            const char *field_name);
void epan_dissect_free(epan_dissect_t *edt);

/* frame_data.h */
void frame_data_init(frame_data *fdata, guint32 num, const wtap_rec *rec,
                     gint64 offset, guint32 cum_bytes);
void frame_data_set_before_dissect(frame_data *fdata, nstime_t *elapsed_time,
                                   const frame_data **frame_ref,
                                   const frame_data *prev_dis);
void frame_data_set_after_dissect(frame_data *fdata, guint32 *cum_bytes);
void frame_data_destroy(frame_data *fdata);

/* tvbuff.h */
tvbuff_t *tvb_new_real_data(const guint8 *data, const guint length,
                            const gint reported_length);

/* timestamp.h */
ts_type timestamp_get_type(void);
void timestamp_set_type(ts_type);
int timestamp_get_precision(void);
void timestamp_set_precision(int tsp);
ts_seconds_type timestamp_get_seconds_type(void);
void timestamp_set_seconds_type(ts_seconds_type);

/* proto.h: the registry, enough to name fields */
int proto_registrar_get_id_byname(const char *field_name);
"""

CUSTOMIZATIONS = """
#if WIREPY_WS_AT_LEAST(4, 4)
#define TS_PREC_FIXED_DSEC TS_PREC_FIXED_100_MSEC
#define TS_PREC_FIXED_CSEC TS_PREC_FIXED_10_MSEC
#else
#define TS_PREC_FIXED_100_MSEC TS_PREC_FIXED_DSEC
#define TS_PREC_FIXED_10_MSEC TS_PREC_FIXED_CSEC
/* new in 4.4 */
#define TS_PREC_FIXED_100_USEC (WIREPY_ABSENT - 1)
#define TS_PREC_FIXED_10_USEC (WIREPY_ABSENT - 2)
#define TS_PREC_FIXED_100_NSEC (WIREPY_ABSENT - 3)
#define TS_PREC_FIXED_10_NSEC (WIREPY_ABSENT - 4)
#endif
"""

SOURCES = []
