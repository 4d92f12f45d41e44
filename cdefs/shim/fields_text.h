/* fields_text.h -- tshark's -T fields lines, formatted in C from a batch. */
#ifndef WIREPY_FIELDS_TEXT_H
#define WIREPY_FIELDS_TEXT_H

#include <glib.h>

/* Where an output column's values come from. */
#define WIREPY_SOURCE_EMPTY  (-1)        /* always empty (a name repeated later) */
#define WIREPY_SOURCE_COLUMN (-1000)     /* -1000 - k: the text of column k */

int wirepy_fields_lines(const gint64 *ints, gsize n_ints, const char *strs, gsize strs_len,
                        int n_fields, gboolean has_raw, gboolean has_columns,
                        const int *sources, int n_out, int separator, int aggregator,
                        int quote, int occurrence, GByteArray *out);

#endif
