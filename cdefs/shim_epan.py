"""The epan layer's C shim: the per-packet hot path and C-only helpers.

Mirrors: cdefs/shim/dissect.h (sources: dissect.c, epan_helpers.c).
"""

INCLUDES = """
#include "dissect.h"
"""

TYPES = """
typedef struct wirepy_dissector wirepy_dissector;
#define WIREPY_ONLY_PASSED ...
#define WIREPY_COLUMNS ...
#define WIREPY_FIELDS ...
#define WIREPY_TREE ...
#define WIREPY_TYPED ...
#define WIREPY_RAW ...
#define WIREPY_INDEXED ...
#define WIREPY_PKT_INTS ...
#define WIREPY_NODE_INTS ...
#define WIREPY_NODE_HIDDEN ...
#define WIREPY_NODE_GENERATED ...
#define WIREPY_NODE_HAS_V1 ...
#define WIREPY_NODE_HAS_TIME ...
#define WIREPY_NODE_HAS_RAW ...
#define WIREPY_NODE_TEXT_ONLY ...
#define WIREPY_NODE_PROTOCOL_NODE ...
"""

FUNCTIONS = """
wtap *wirepy_open_offline(const char *path, int *err, gchar **err_info);
void wirepy_wtap_attach(wtap *wth);

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
gboolean wirepy_dissect_passed(wirepy_dissector *d);
void wirepy_dissect_finish(wirepy_dissector *d);
int wirepy_dissect_batch(wirepy_dissector *d, wtap *wth, int max_packets, int flags);
int wirepy_dissect_extract(wirepy_dissector *d, int flags);
int wirepy_tree_flatten(wirepy_dissector *d);
void wirepy_tree_out(wirepy_dissector *d);

void wirepy_out_clear(wirepy_dissector *d);
const gint64 *wirepy_out_ints(wirepy_dissector *d, gsize *n);
const char *wirepy_out_strings(wirepy_dissector *d, gsize *len);
const guint8 *wirepy_out_raw(wirepy_dissector *d, gsize *len);
const gint64 *wirepy_out_packets(wirepy_dissector *d, gsize *n);
void wirepy_dissector_tree_field_text(wirepy_dissector *d, gboolean on);
int wirepy_dissect_data(wirepy_dissector *d, const guint8 *data, guint32 caplen,
                        guint32 len, int encap, gint64 secs, int nsecs);

int wirepy_hfid_chain(int hfid, int *out, int max);

column_info *wirepy_columns_new(int n, const int *fmts, const char **titles,
                                const char **custom_fields, const int *occurrences);
void wirepy_columns_free(column_info *cinfo);
int wirepy_dfilter_dump(dfilter_t *df, int fd);
GPtrArray *wirepy_prefs_names(void);
int wirepy_decode_as_find(const char *table, const char *proto, void **out);
"""

CUSTOMIZATIONS = ""

SOURCES = ["shim/dissect.c", "shim/epan_helpers.c"]
