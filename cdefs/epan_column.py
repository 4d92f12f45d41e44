"""libwireshark (epan): packet-list columns.

Mirrors: epan/column.h, epan/column-info.h, epan/column-utils.h (4.0).
"""

INCLUDES = """
#include <epan/column.h>
#include <epan/column-info.h>
#include <epan/column-utils.h>
"""

TYPES = """
enum {
    COL_8021Q_VLAN_ID, COL_ABS_YMD_TIME, COL_ABS_YDOY_TIME, COL_ABS_TIME, COL_VSAN,
    COL_CUMULATIVE_BYTES, COL_CUSTOM, COL_DCE_CALL, COL_DELTA_TIME,
    COL_DELTA_TIME_DIS, COL_RES_DST, COL_UNRES_DST, COL_RES_DST_PORT,
    COL_UNRES_DST_PORT, COL_DEF_DST, COL_DEF_DST_PORT, COL_EXPERT, COL_IF_DIR,
    COL_FREQ_CHAN, COL_DEF_DL_DST, COL_DEF_DL_SRC, COL_RES_DL_DST, COL_UNRES_DL_DST,
    COL_RES_DL_SRC, COL_UNRES_DL_SRC, COL_RSSI, COL_TX_RATE, COL_DSCP_VALUE, COL_INFO,
    COL_RES_NET_DST, COL_UNRES_NET_DST, COL_RES_NET_SRC, COL_UNRES_NET_SRC,
    COL_DEF_NET_DST, COL_DEF_NET_SRC, COL_NUMBER, COL_PACKET_LENGTH, COL_PROTOCOL,
    COL_REL_TIME, COL_DEF_SRC, COL_DEF_SRC_PORT, COL_RES_SRC, COL_UNRES_SRC,
    COL_RES_SRC_PORT, COL_UNRES_SRC_PORT, COL_TEI, COL_UTC_YMD_TIME,
    COL_UTC_YDOY_TIME, COL_UTC_TIME, COL_CLS_TIME, NUM_COL_FMTS
};

typedef struct _fmt_data {
    gchar *title;
    int fmt;
    gchar *custom_fields;
    gint custom_occurrence;
    gboolean visible;
    gboolean resolved;
} fmt_data;

typedef struct {
    gint col_fmt;
    gchar *col_title;
    gchar *col_custom_fields;
    gint col_custom_occurrence;
    const gchar *col_data;
    ...;
} col_item_t;

struct epan_column_info {
    const epan_t *epan;
    gint num_cols;
    col_item_t *columns;
    ...;
};
"""

FUNCTIONS = """
const gchar *col_format_to_string(const gint);
const gchar *col_format_desc(const gint);
gint get_column_format_from_str(const gchar *str);
void col_cleanup(column_info *cinfo);
const gchar *get_column_text(column_info *cinfo, const gint col);
gboolean have_custom_cols(column_info *cinfo);
void build_column_format_array(column_info *cinfo, const gint num_cols,
                               const gboolean reset_fences);
gint get_column_format(const gint col);
const gchar *get_column_title(const gint col);
gboolean get_column_visible(const gint col);
const gchar *get_column_custom_fields(const gint col);
gint get_column_custom_occurrence(const gint col);
"""

CUSTOMIZATIONS = ""

SOURCES = []
