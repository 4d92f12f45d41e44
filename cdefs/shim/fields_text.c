/* fields_text.c -- tshark's -T fields output, formatted in C.
 *
 * The epan hot path (dissect.c) leaves a batch of packets in two flat
 * buffers: per packet WIREPY_PKT_INTS header integers, then per requested field the
 * number of occurrences followed by that many NUL-terminated strings
 * (rendered as tshark renders them), optionally the frame's raw offset and
 * length, optionally the column texts. This turns such a batch into the
 * lines tshark -T fields prints -- separator, aggregator, quotes,
 * occurrence selection and escaping -- so `wirepy fields` spends no Python
 * time per packet.
 */
#include <string.h>
#include "fields_text.h"
#include "dissect.h"
#include "wirepy_version.h"


/* s with tshark's escapes; sep_escape >= 0: that byte (the separator, in
 * an unquoted field from 4.2 on) gets a backslash before it too. */
static void
append_escaped(GByteArray *out, const char *s, int sep_escape)
{
    const char *run = s;
    for (const char *p = s; *p != '\0'; p++) {
        const char *esc = NULL;
        char sep_esc[2] = { '\\', *p };
        switch (*p) {
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (sep_escape < 0 || (guint8)*p != (guint8)sep_escape)
                continue;
            esc = sep_esc;
        }
        g_byte_array_append(out, (const guint8 *)run, (guint)(p - run));
        g_byte_array_append(out, (const guint8 *)esc, 2);
        run = p + 1;
    }
    g_byte_array_append(out, (const guint8 *)run, (guint)strlen(run));
}

/* Returns the number of packets formatted, or -1 on a malformed batch. */
int
wirepy_fields_lines(const gint64 *ints, gsize n_ints, const char *strs, gsize strs_len,
                    int n_fields, gboolean has_raw, gboolean has_columns,
                    const int *sources, int n_out, int separator, int aggregator,
                    int quote, int occurrence, GByteArray *out)
{
    /* per field: index of its first string and its occurrence count */
    GArray *first = g_array_sized_new(FALSE, FALSE, sizeof(const char *), 64);
    gint64 *counts = g_new0(gint64, n_fields > 0 ? n_fields : 1);
    const char **field_start = g_new0(const char *, n_fields > 0 ? n_fields : 1);
    const char *sp = strs, *end = strs + strs_len;
    gsize ii = 0;
    int packets = 0;
    const guint8 sep = (guint8)separator, agg = (guint8)aggregator, q = (guint8)quote;
    const int sep_escape = (WIREPY_TSHARK_FIELDS_ESCAPE_SEPARATOR && !q) ? sep : -1;

    while (ii < n_ints) {
        if (ii + WIREPY_PKT_INTS > n_ints)
            goto bad;
        ii += WIREPY_PKT_INTS;
        for (int f = 0; f < n_fields; f++) {
            if (ii >= n_ints)
                goto bad;
            counts[f] = ints[ii++];
            field_start[f] = sp;
            for (gint64 k = 0; k < counts[f]; k++) {
                if (sp >= end)
                    goto bad;
                sp += strlen(sp) + 1;
            }
        }
        if (has_raw)
            ii += 2;
        gint64 n_cols = 0;
        g_array_set_size(first, 0);
        if (has_columns) {
            if (ii >= n_ints)
                goto bad;
            n_cols = ints[ii++];
            for (gint64 k = 0; k < n_cols; k++) {
                if (sp >= end)
                    goto bad;
                g_array_append_val(first, sp);
                sp += strlen(sp) + 1;
            }
        }
        for (int c = 0; c < n_out; c++) {
            int src = sources[c];
            if (c != 0)
                g_byte_array_append(out, &sep, 1);
            if (src <= WIREPY_SOURCE_COLUMN) {
                gint64 k = WIREPY_SOURCE_COLUMN - src;
                if (k >= n_cols)
                    continue;
                if (q)
                    g_byte_array_append(out, &q, 1);
                append_escaped(out, g_array_index(first, const char *, k), sep_escape);
                if (q)
                    g_byte_array_append(out, &q, 1);
                continue;
            }
            if (src < 0 || src >= n_fields || counts[src] == 0)
                continue;
            const char *s = field_start[src];
            gint64 n = counts[src], from = 0, to = n;
            if (occurrence == 'f')
                to = 1;
            else if (occurrence == 'l')
                from = n - 1;
            for (gint64 k = 0; k < from; k++)
                s += strlen(s) + 1;
            if (q)
                g_byte_array_append(out, &q, 1);
            for (gint64 k = from; k < to; k++) {
                if (k != from) {
                    if (sep_escape >= 0 && agg == sep)
                        g_byte_array_append(out, (const guint8 *)"\\", 1);
                    g_byte_array_append(out, &agg, 1);
                }
                append_escaped(out, s, sep_escape);
                s += strlen(s) + 1;
            }
            if (q)
                g_byte_array_append(out, &q, 1);
        }
        g_byte_array_append(out, (const guint8 *)"\n", 1);
        packets++;
    }
    g_array_free(first, TRUE);
    g_free(counts);
    g_free(field_start);
    return packets;
bad:
    g_array_free(first, TRUE);
    g_free(counts);
    g_free(field_start);
    return -1;
}
