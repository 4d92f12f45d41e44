/* batch_columns.h -- one field of every packet of a batch, as arrays.
 *
 * For consumers that want a field as a column (a DataFrame, an Arrow
 * table, a per-batch cache): the first occurrence of one field in each
 * packet of a WIREPY_INDEXED | WIREPY_TYPED batch, located in C, so Python
 * handles whole arrays instead of one packet at a time.
 */
#ifndef WIREPY_BATCH_COLUMNS_H
#define WIREPY_BATCH_COLUMNS_H

#include <glib.h>

/* ft_out values besides the FT_* of a present occurrence */
#define WIREPY_COLUMN_ABSENT   (-1)   /* the packet has no such field */
#define WIREPY_COLUMN_UNTYPED  (-2)   /* present, but the batch holds no typed value */

int wirepy_batch_first(const gint64 *ints, gsize n_ints, const char *strs, gsize strs_len,
                       const gint64 *starts, gsize n_packets, int slot,
                       gint64 *ft_out, gint64 *v1_out, gint64 *v2_out,
                       gint64 *text_pos_out, gint64 *text_len_out);

#endif
