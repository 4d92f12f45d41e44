/* typed_value.h -- how the value of each field type crosses to Python.
 *
 * The one table of field types: wirepy_value_class() sorts every ftenum into
 * a class that says what C hands over and how Python decodes it
 * (wirepy.lib.ftypes builds its decoders from it, wirepy.export its column
 * kinds, batch_columns.c its text rule). wirepy_value_of() takes the value
 * of a field occurrence out of its fvalue_t, the one way both the fields
 * path (dissect.c, out_typed) and the tree path (node_out) do it, so that
 * the two agree by construction.
 */
#ifndef WIREPY_TYPED_VALUE_H
#define WIREPY_TYPED_VALUE_H

#include <glib.h>
#include <epan/proto.h>
#include <epan/ftypes/ftypes.h>
#include "wirepy_version.h"

/* The type-class macros are IS_FT_* in 4.0 and FT_IS_* from 4.2 on. */
#ifndef FT_IS_INT32
#define FT_IS_INT32(ft) IS_FT_INT32(ft)
#endif

/* The fvalue_t of a field occurrence: embedded in field_info in 4.0, a
 * pointer to it from 4.4 on (NULL for items without a value). */
#if WIREPY_WS_AT_LEAST(4, 4)
#define WIREPY_FI_VALUE(fi) ((fi)->value)
#else
#define WIREPY_FI_VALUE(fi) (&(fi)->value)
#endif

/* Value classes: what wirepy_value holds, and the Python value. */
#define WIREPY_VC_NONE       0   /* nothing (FT_NONE): True, the field is present */
#define WIREPY_VC_SHOWN      1   /* nothing: Wireshark's text is the value (MACs, EUI64s, OIDs, IPX networks, protocols) */
#define WIREPY_VC_UINT       2   /* v1: an unsigned integer that fits 63 bits (up to 32, FRAMENUM, CHAR) */
#define WIREPY_VC_UINT64     3   /* v1: the bits of an unsigned 64-bit integer */
#define WIREPY_VC_INT        4   /* v1: a signed integer */
#define WIREPY_VC_BOOL       5   /* v1: non-zero for true */
#define WIREPY_VC_FLOAT      6   /* v1: the bits of a double */
#define WIREPY_VC_ABS_TIME   7   /* v1 seconds, v2 nanoseconds since the epoch */
#define WIREPY_VC_REL_TIME   8   /* v1 seconds, v2 nanoseconds */
#define WIREPY_VC_STRING     9   /* text: the string (NULL if it has none) */
#define WIREPY_VC_BYTES     10   /* data, len: the bytes (data NULL if none) */
#define WIREPY_VC_ADDRESS   11   /* text: an IPv4/IPv6 address (or network) as a filter writes it */
#define WIREPY_VC_GUID      12   /* text: the GUID */
#define WIREPY_VC_DECIMAL   13   /* text: a number in decimal (the IEEE 11073 floats) */
#define WIREPY_VC_UNKNOWN   14   /* a type this table does not know: Wireshark's text */
#define WIREPY_VC_COUNT     15

typedef struct {
    int ftype;               /* the value's field type */
    int vclass;
    gint64 v1;
    gint64 v2;
    const char *text;
    const guint8 *data;
    gsize len;
} wirepy_value;

int wirepy_value_class(int ftype);
gboolean wirepy_value_has_text(int vclass);
void wirepy_value_of(field_info *fi, wmem_allocator_t *scratch, gboolean filter_text,
                     wirepy_value *out);

#endif /* WIREPY_TYPED_VALUE_H */
