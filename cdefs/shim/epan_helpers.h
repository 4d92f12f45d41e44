/* epan_helpers.h -- epan-layer helpers that must be C (epan_helpers.c):
 * column sets built from explicit formats, dfilter_dump captured through a
 * file descriptor, walks of the preference modules and of decode-as
 * tables (they take callbacks).
 */
#ifndef WIREPY_EPAN_HELPERS_H
#define WIREPY_EPAN_HELPERS_H

#include <glib.h>
#include <epan/column-info.h>
#include <epan/dfilter/dfilter.h>

column_info *wirepy_columns_new(int n, const int *fmts, const char **titles,
                                const char **custom_fields, const int *occurrences);
void wirepy_columns_free(column_info *cinfo);
int wirepy_dfilter_dump(dfilter_t *df, int fd);
GPtrArray *wirepy_prefs_names(void);
int wirepy_decode_as_find(const char *table, const char *proto, void **out);

#endif /* WIREPY_EPAN_HELPERS_H */
