/* batch_columns.c -- one field of every packet of a batch, as arrays (see
 * batch_columns.h). Reads the layout extract_indexed() writes (dissect.c):
 * per packet WIREPY_PKT_INTS header ints, then per field (count, index of
 * its first typed triple or -1, byte offset of its first string); a typed
 * triple is (field type, v1, v2); the strings of an occurrence are its
 * rendered value, then its text when its value class has one and v2 == -1
 * (typed_value.h).
 */
#include <string.h>
#include "batch_columns.h"
#include "dissect.h"
#include "typed_value.h"


/* Per packet i: ft_out[i] is the occurrence's field type (or
 * WIREPY_COLUMN_ABSENT / _UNTYPED), v1_out/v2_out its two integers, and
 * text_pos_out/text_len_out the bytes in strs of its text value: the raw
 * text where the shim kept one (strings, addresses, GUIDs...), else the
 * rendered value (what tshark -T fields prints). Returns 0, or -1 if the
 * batch does not have that layout (a wirepy bug, reported instead of
 * reading out of bounds). */
int
wirepy_batch_first(const gint64 *ints, gsize n_ints, const char *strs, gsize strs_len,
                   const gint64 *starts, gsize n_packets, int slot,
                   gint64 *ft_out, gint64 *v1_out, gint64 *v2_out,
                   gint64 *text_pos_out, gint64 *text_len_out)
{
    for (gsize i = 0; i < n_packets; i++) {
        gint64 base = starts[i] + WIREPY_PKT_INTS + 3 * (gint64)slot;
        ft_out[i] = WIREPY_COLUMN_ABSENT;
        v1_out[i] = v2_out[i] = text_pos_out[i] = text_len_out[i] = 0;
        if (base < 0 || (gsize)base + 3 > n_ints)
            return -1;
        if (ints[base] == 0)
            continue;
        gint64 ip = ints[base + 1], pos = ints[base + 2];
        if (pos < 0 || (gsize)pos >= strs_len)
            return -1;
        const char *shown = strs + pos;
        const char *end = memchr(shown, '\0', strs_len - (gsize)pos);
        if (end == NULL)
            return -1;
        text_pos_out[i] = pos;
        text_len_out[i] = end - shown;
        if (ip < 0) {
            ft_out[i] = WIREPY_COLUMN_UNTYPED;
            continue;
        }
        if ((gsize)ip + 3 > n_ints)
            return -1;
        gint64 ft = ints[ip];
        ft_out[i] = ft;
        v1_out[i] = ints[ip + 1];
        v2_out[i] = ints[ip + 2];
        if (v2_out[i] == -1 && wirepy_value_has_text(wirepy_value_class((int)ft))) {
            gsize next = (gsize)(end - strs) + 1;
            const char *stop = next < strs_len ? memchr(strs + next, '\0', strs_len - next)
                                               : NULL;
            if (stop == NULL)
                return -1;
            text_pos_out[i] = (gint64)next;
            text_len_out[i] = stop - (strs + next);
        }
    }
    return 0;
}
