/* typed_value.c -- the field-type table and value extraction (see
 * typed_value.h). Wireshark's fvalue accessors differ between series; they
 * are called here and nowhere else. */
#include <string.h>
#include <epan/ftypes/ftypes.h>
#include "typed_value.h"

int
wirepy_value_class(int ftype)
{
    switch (ftype) {
    case FT_NONE:
        return WIREPY_VC_NONE;
    case FT_PROTOCOL: case FT_ETHER: case FT_EUI64: case FT_OID: case FT_REL_OID:
    case FT_IPXNET:
        return WIREPY_VC_SHOWN;
    case FT_CHAR: case FT_UINT8: case FT_UINT16: case FT_UINT24: case FT_UINT32:
    case FT_FRAMENUM:
        return WIREPY_VC_UINT;
    case FT_UINT40: case FT_UINT48: case FT_UINT56: case FT_UINT64:
        return WIREPY_VC_UINT64;
    case FT_INT8: case FT_INT16: case FT_INT24: case FT_INT32:
    case FT_INT40: case FT_INT48: case FT_INT56: case FT_INT64:
        return WIREPY_VC_INT;
    case FT_BOOLEAN:
        return WIREPY_VC_BOOL;
    case FT_FLOAT: case FT_DOUBLE:
        return WIREPY_VC_FLOAT;
    case FT_ABSOLUTE_TIME:
        return WIREPY_VC_ABS_TIME;
    case FT_RELATIVE_TIME:
        return WIREPY_VC_REL_TIME;
    case FT_STRING: case FT_STRINGZ: case FT_UINT_STRING: case FT_STRINGZPAD:
    case FT_STRINGZTRUNC:
        return WIREPY_VC_STRING;
    case FT_BYTES: case FT_UINT_BYTES: case FT_SYSTEM_ID: case FT_AX25: case FT_VINES:
    case FT_FCWWN:
        return WIREPY_VC_BYTES;
    case FT_IPv4: case FT_IPv6:
        return WIREPY_VC_ADDRESS;
    case FT_GUID:
        return WIREPY_VC_GUID;
    case FT_IEEE_11073_SFLOAT: case FT_IEEE_11073_FLOAT:
        return WIREPY_VC_DECIMAL;
    default:
        return WIREPY_VC_UNKNOWN;
    }
}

gboolean
wirepy_value_has_text(int vclass)
{
    return vclass == WIREPY_VC_STRING || vclass == WIREPY_VC_ADDRESS
        || vclass == WIREPY_VC_GUID || vclass == WIREPY_VC_DECIMAL;
}

/* With *filter_text*, addresses, GUIDs and decimals get their text as a
 * display filter writes it (a tree has it already: it is their display
 * text). May THROW (fvalue_to_string_repr of a malformed value): callers
 * render inside their TRY (dissect.c, render_guarded). Texts are allocated
 * in *scratch* or belong to the field; they live until the packet is
 * reset. */
void
wirepy_value_of(field_info *fi, wmem_allocator_t *scratch, gboolean filter_text,
                wirepy_value *out)
{
    fvalue_t *fv = WIREPY_FI_VALUE(fi);
    int ftype = fv != NULL ? (int)fvalue_type_ftenum(fv) : (int)fi->hfinfo->type;
    int vclass = wirepy_value_class(ftype);

    out->ftype = ftype;
    out->vclass = vclass;
    out->v1 = out->v2 = 0;
    out->text = NULL;
    out->data = NULL;
    out->len = 0;
    if (fv == NULL)
        return;
    switch (vclass) {
    case WIREPY_VC_UINT:
        out->v1 = fvalue_get_uinteger(fv);
        break;
    case WIREPY_VC_INT:
        if (FT_IS_INT32(fvalue_type_ftenum(fv)))
            out->v1 = fvalue_get_sinteger(fv);
        else
            out->v1 = fvalue_get_sinteger64(fv);
        break;
    case WIREPY_VC_UINT64: case WIREPY_VC_BOOL:
        out->v1 = (gint64)fvalue_get_uinteger64(fv);
        break;
    case WIREPY_VC_FLOAT: {
        double f = fvalue_get_floating(fv);
        memcpy(&out->v1, &f, sizeof f);
        break;
    }
    case WIREPY_VC_ABS_TIME: case WIREPY_VC_REL_TIME: {
        const nstime_t *t = fvalue_get_time(fv);
        out->v1 = (gint64)t->secs;
        out->v2 = t->nsecs;
        break;
    }
    case WIREPY_VC_STRING:
        out->text = fvalue_get_string(fv);
        break;
    case WIREPY_VC_BYTES: {
#if WIREPY_WS_AT_LEAST(4, 4)
        /* the fvalue keeps its own reference: the data outlives ours */
        GBytes *bytes = fvalue_get_bytes(fv);
        if (bytes != NULL) {
            gsize len = 0;
            const guint8 *data = g_bytes_get_data(bytes, &len);
            out->data = len > 0 ? data : (const guint8 *)"";
            out->len = len;
            g_bytes_unref(bytes);
        }
#else
        GByteArray *ba = fv->value.bytes;
        /* an empty value may have no data at all */
        if (ba != NULL) {
            out->data = ba->len > 0 ? ba->data : (const guint8 *)"";
            out->len = ba->len;
        }
#endif
        break;
    }
    case WIREPY_VC_ADDRESS: case WIREPY_VC_GUID: case WIREPY_VC_DECIMAL:
        if (filter_text)
            out->text = fvalue_to_string_repr(scratch, fv, FTREPR_DFILTER, BASE_NONE);
        break;
    default:
        break;
    }
}
