"""libwireshark (epan): the field registry, field types and value strings.

Mirrors: epan/proto.h (header_field_info, the registrar and its walks),
epan/ftypes/ftypes.h (4.0 field types and the fvalue API),
epan/value_string.h, epan/packet.h (data sources, protocol enabling),
epan/addr_resolv.h (name resolution flags).
"""

INCLUDES = """
#include <errno.h>
#include <epan/proto.h>
#include <epan/packet.h>
#if WIREPY_WS_AT_LEAST(4, 6)
#include <wsutil/value_string.h>
#else
#include <epan/value_string.h>
#endif
#include <epan/tfs.h>
#include <epan/ftypes/ftypes.h>
#include <epan/addr_resolv.h>
#include <epan/print.h>
#include <epan/expert.h>
#include <epan/disabled_protos.h>
"""

TYPES = """
enum ftenum {
    FT_NONE, FT_PROTOCOL, FT_BOOLEAN, FT_CHAR, FT_UINT8, FT_UINT16, FT_UINT24,
    FT_UINT32, FT_UINT40, FT_UINT48, FT_UINT56, FT_UINT64, FT_INT8, FT_INT16,
    FT_INT24, FT_INT32, FT_INT40, FT_INT48, FT_INT56, FT_INT64,
    FT_IEEE_11073_SFLOAT, FT_IEEE_11073_FLOAT, FT_FLOAT, FT_DOUBLE,
    FT_ABSOLUTE_TIME, FT_RELATIVE_TIME, FT_STRING, FT_STRINGZ, FT_UINT_STRING,
    FT_ETHER, FT_BYTES, FT_UINT_BYTES, FT_IPv4, FT_IPv6, FT_IPXNET, FT_FRAMENUM,
    FT_GUID, FT_OID, FT_EUI64, FT_AX25, FT_VINES, FT_REL_OID, FT_SYSTEM_ID,
    FT_STRINGZPAD, FT_FCWWN, FT_STRINGZTRUNC, FT_NUM_TYPES
};
typedef enum ftenum ftenum_t;
enum ftrepr { FTREPR_DISPLAY, FTREPR_DFILTER };
typedef enum ftrepr ftrepr_t;

#define FT_ETHER_LEN ...
#define FT_GUID_LEN ...
#define FT_IPv4_LEN ...
#define FT_IPv6_LEN ...
#define FT_IPXNET_LEN ...
#define FT_EUI64_LEN ...
#define FT_AX25_ADDR_LEN ...
#define FT_VINES_ADDR_LEN ...
#define FT_FCWWN_LEN ...

typedef struct _fvalue_t fvalue_t;

typedef enum { HF_REF_TYPE_NONE, HF_REF_TYPE_INDIRECT, HF_REF_TYPE_DIRECT } hf_ref_type;

struct _header_field_info {
    const char *name;
    const char *abbrev;
    enum ftenum type;
    int display;
    const void *strings;
    guint64 bitmask;
    const char *blurb;
    int id;
    int parent;
    hf_ref_type ref_type;
    int same_name_prev_id;
    header_field_info *same_name_next;
    ...;
};

typedef struct _value_string { guint32 value; const gchar *strptr; } value_string;
typedef struct _val64_string { guint64 value; const gchar *strptr; } val64_string;
typedef struct _range_string {
    guint64 value_min; guint64 value_max; const gchar *strptr;
} range_string;
typedef struct true_false_string {
    const char *true_string; const char *false_string;
} true_false_string;
typedef struct _value_string_ext {
    guint32 _vs_first_value;
    guint _vs_num_entries;
    const value_string *_vs_p;
    const gchar *_vs_name;
    ...;
} value_string_ext;

#define BASE_NONE ...
#define BASE_DEC ...
#define BASE_HEX ...
#define BASE_OCT ...
#define BASE_DEC_HEX ...
#define BASE_HEX_DEC ...
#define BASE_CUSTOM ...
#define BASE_RANGE_STRING ...
#define BASE_EXT_STRING ...
#define BASE_VAL64_STRING ...
#define BASE_ALLOW_ZERO ...
#define BASE_UNIT_STRING ...
#define BASE_NO_DISPLAY_VALUE ...
#define BASE_PROTOCOL_INFO ...
#define BASE_SPECIAL_VALS ...
#define BASE_SHOW_ASCII_PRINTABLE ...
#define FIELD_DISPLAY_E_MASK ...

#define FI_HIDDEN ...
#define FI_GENERATED ...


typedef struct { ...; } e_addr_resolve;
"""

FUNCTIONS = """
/* proto.h: the registry */
header_field_info *proto_registrar_get_byname(const char *field_name);
header_field_info *proto_registrar_get_byalias(const char *alias_name);
header_field_info *proto_registrar_get_nth(guint hfindex);
gboolean proto_registrar_is_protocol(const int n);
int proto_get_first_protocol(void **cookie);
int proto_get_next_protocol(void **cookie);
header_field_info *proto_get_first_protocol_field(const int proto_id, void **cookie);
header_field_info *proto_get_next_protocol_field(const int proto_id, void **cookie);
int proto_get_id_by_filter_name(const gchar *filter_name);
int proto_get_id_by_short_name(const gchar *short_name);
const char *proto_get_protocol_short_name(void *protocol);
const char *proto_get_protocol_long_name(void *protocol);
const char *proto_get_protocol_name(const int proto_id);
const char *proto_get_protocol_filter_name(const int proto_id);
void *find_protocol_by_id(const int proto_id);
gboolean proto_is_protocol_enabled(void *protocol);
gboolean proto_can_toggle_protocol(const int proto_id);
void proto_set_decoding(const int proto_id, const gboolean enabled);
void proto_disable_proto_by_name(const char *name);
void proto_enable_proto_by_name(const char *name);
void proto_initialize_all_prefixes(void);
extern int hf_text_only;
extern int proto_expert;

/* value_string.h */
const gchar *try_val_to_str(const guint32 val, const value_string *vs);
const gchar *try_rval_to_str(const guint32 val, const range_string *rs);
const gchar *try_val64_to_str(const guint64 val, const val64_string *vs);

/* ftypes.h */
const char *ftype_name(ftenum_t ftype);
const char *ftype_pretty_name(ftenum_t ftype);
gboolean ftype_can_slice(enum ftenum ftype);
gboolean ftype_can_eq(enum ftenum ftype);
gboolean ftype_can_cmp(enum ftenum ftype);
gboolean ftype_can_contains(enum ftenum ftype);
gboolean ftype_can_matches(enum ftenum ftype);
/* fvalue_from_literal, and numbers as 4.0 takes them (CUSTOMIZATIONS) */
fvalue_t *wirepy_fvalue_from_literal(ftenum_t ftype, const char *s, gboolean allow_partial_value,
                                     char **err_msg);
char *fvalue_to_string_repr(void *scope, const fvalue_t *fv, ftrepr_t rtype,
                            int field_display);
ftenum_t fvalue_type_ftenum(fvalue_t *fv);
const nstime_t *fvalue_get_time(fvalue_t *fv);

/* addr_resolv.h: gbl_resolv_flags, opaque -- its members are gboolean in
 * 4.0 and bool from 4.4 on; it is copied whole and set by
 * string_to_name_resolve (epan_prefs.py) */
extern e_addr_resolve gbl_resolv_flags;
void disable_name_resolution(void);

/* packet.h: decode-as */
void *find_dissector(const char *name);
void *find_dissector_table(const char *name);
void *dissector_table_get_dissector_handle(void *dissector_table, const gchar *description);
void dissector_change_uint(const char *abbrev, const guint32 pattern, void *handle);
void dissector_change_string(const char *name, const gchar *pattern, void *handle);
void dissector_reset_uint(const char *name, const guint32 pattern);
void dissector_reset_string(const char *name, const gchar *pattern);
void dissector_change_payload(const char *table_name, void *handle);
void dissector_reset_payload(const char *name);
/* proto_enable_heuristic_by_name(name, enable) in 4.0; one function each
 * to enable and to disable from 4.4 on (CUSTOMIZATIONS) */
gboolean wirepy_heuristic_set_enabled(const char *name, gboolean enable);
const char *get_dissector_table_ui_name(const char *name);
int get_dissector_table_selector_type(const char *name);
"""

# raw: the C escapes below stay as written
CUSTOMIZATIONS = r"""
/* From 4.4 on the display-filter scanner reads numbers itself, and
 * fvalue_from_literal refuses them for the integer, boolean, floating and
 * relative-time types (the functions the scanner uses are not exported). A
 * text that is wholly one number is taken here, as 4.0's fvalue_from_literal
 * takes it: base prefixes for integers, seconds for a relative time, and a
 * range check against the type's width. */
#if WIREPY_WS_AT_LEAST(4, 4)
static int
wirepy_ftype_bits(ftenum_t ftype)
{
    switch (ftype) {
    case FT_CHAR: case FT_UINT8: case FT_INT8: return 8;
    case FT_UINT16: case FT_INT16: return 16;
    case FT_UINT24: case FT_INT24: return 24;
    case FT_UINT32: case FT_INT32: case FT_FRAMENUM: return 32;
    case FT_UINT40: case FT_INT40: return 40;
    case FT_UINT48: case FT_INT48: return 48;
    case FT_UINT56: case FT_INT56: return 56;
    default: return 64;
    }
}

static fvalue_t *
wirepy_fvalue_from_number(ftenum_t ftype, const char *s, char **err_msg)
{
    char *end = NULL;
    fvalue_t *fv;
    int bits = wirepy_ftype_bits(ftype);
    errno = 0;
    switch (ftype) {
    case FT_CHAR: case FT_UINT8: case FT_UINT16: case FT_UINT24: case FT_UINT32:
    case FT_FRAMENUM: case FT_UINT40: case FT_UINT48: case FT_UINT56: case FT_UINT64:
    case FT_BOOLEAN: {
        guint64 max = bits == 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT(1) << bits) - 1;
        guint64 n;
        if (*s == '-')
            return NULL;
        n = g_ascii_strtoull(s, &end, 0);
        if (end == s || *end != '\0')
            return NULL;
        if (errno == ERANGE || n > max) {
            if (err_msg != NULL)
                *err_msg = g_strdup_printf("\"%s\" too big for this field, maximum %"
                                           G_GUINT64_FORMAT ".", s, max);
            return NULL;
        }
        fv = fvalue_new(ftype);
        if (bits <= 32 && ftype != FT_BOOLEAN)
            fvalue_set_uinteger(fv, (guint32)n);
        else
            fvalue_set_uinteger64(fv, n);
        return fv;
    }
    case FT_INT8: case FT_INT16: case FT_INT24: case FT_INT32:
    case FT_INT40: case FT_INT48: case FT_INT56: case FT_INT64: {
        gint64 max = bits == 64 ? G_MAXINT64 : (G_GINT64_CONSTANT(1) << (bits - 1)) - 1;
        gint64 min = -max - 1;
        gint64 n = g_ascii_strtoll(s, &end, 0);
        if (end == s || *end != '\0')
            return NULL;
        if ((errno == ERANGE && n > 0) || n > max) {
            if (err_msg != NULL)
                *err_msg = g_strdup_printf("\"%s\" too big for this field, maximum %"
                                           G_GINT64_FORMAT ".", s, max);
            return NULL;
        }
        if ((errno == ERANGE && n < 0) || n < min) {
            if (err_msg != NULL)
                *err_msg = g_strdup_printf("\"%s\" too small for this field, minimum %"
                                           G_GINT64_FORMAT ".", s, min);
            return NULL;
        }
        fv = fvalue_new(ftype);
        if (bits <= 32)
            fvalue_set_sinteger(fv, (gint32)n);
        else
            fvalue_set_sinteger64(fv, n);
        return fv;
    }
    case FT_FLOAT: case FT_DOUBLE: case FT_RELATIVE_TIME: {
        double d = g_ascii_strtod(s, &end);
        if (end == s || *end != '\0' || errno == ERANGE)
            return NULL;
        fv = fvalue_new(ftype);
        if (ftype == FT_RELATIVE_TIME) {
            /* seconds and nanoseconds of the same sign, as Wireshark keeps them */
            nstime_t t;
            t.secs = (time_t)d;     /* toward zero */
            t.nsecs = (int)((d - (double)t.secs) * 1e9 + (d < 0 ? -0.5 : 0.5));
            fvalue_set_time(fv, &t);
        } else {
            fvalue_set_floating(fv, d);
        }
        return fv;
    }
    default:
        return NULL;
    }
}
#endif

static fvalue_t *
wirepy_fvalue_from_literal(ftenum_t ftype, const char *s, gboolean allow_partial_value,
                           char **err_msg)
{
    fvalue_t *fv = fvalue_from_literal(ftype, s, allow_partial_value, err_msg);
#if WIREPY_WS_AT_LEAST(4, 4)
    char *num_err = NULL;
    if (fv != NULL || s == NULL)
        return fv;
    fv = wirepy_fvalue_from_number(ftype, s, &num_err);
    if (fv != NULL || num_err != NULL) {
        /* the number's verdict (out of range) replaces the literal's */
        if (err_msg != NULL) {
            g_free(*err_msg);
            *err_msg = num_err;
        } else {
            g_free(num_err);
        }
    }
#endif
    return fv;
}

static gboolean
wirepy_heuristic_set_enabled(const char *name, gboolean enable)
{
#if WIREPY_WS_AT_LEAST(4, 4)
    return enable ? proto_enable_heuristic_by_name(name) : proto_disable_heuristic_by_name(name);
#else
    return proto_enable_heuristic_by_name(name, enable);
#endif
}
"""

SOURCES = []
