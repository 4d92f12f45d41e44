"""libwireshark (epan): display filters (4.0: no df_error_t).

Mirrors: epan/dfilter/dfilter.h.
"""

INCLUDES = """
#include <epan/dfilter/dfilter.h>
"""

TYPES = """
typedef struct _dfilter_loc {
    long col_start;
    size_t col_len;
} dfilter_loc_t;
"""

FUNCTIONS = """
gboolean dfilter_compile_real(const gchar *text, dfilter_t **dfp, gchar **err_msg,
                              dfilter_loc_t *loc_ptr, const char *caller,
                              gboolean save_tree, gboolean apply_macros);
char *dfilter_expand(const char *expr, char **err_ret);
void dfilter_free(dfilter_t *df);
gboolean dfilter_apply_edt(dfilter_t *df, epan_dissect_t *edt);
void dfilter_load_field_references(const dfilter_t *df, proto_tree *tree);
GPtrArray *dfilter_deprecated_tokens(dfilter_t *df);
void dfilter_dump(dfilter_t *df);
const char *dfilter_text(dfilter_t *df);
void epan_dissect_prime_with_dfilter(epan_dissect_t *edt, const dfilter_t *dfcode);
"""

CUSTOMIZATIONS = ""

SOURCES = []
