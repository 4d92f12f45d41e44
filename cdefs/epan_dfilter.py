"""libwireshark (epan): display filters.

Mirrors: epan/dfilter/dfilter.h.

Compiling and expanding go through two wrappers with one signature in every
series: 4.0 reports an error as a message and a ``dfilter_loc_t``, 4.4 and
later as a ``df_error_t`` object (message, code, ``df_loc_t``), with
``dfilter_compile_full`` and flags instead of ``dfilter_compile_real``.
``dfilter_dump`` is called by the shim only (``wirepy_dfilter_dump``).
"""

INCLUDES = """
#include <epan/dfilter/dfilter.h>
"""

TYPES = ""

FUNCTIONS = """
/* CUSTOMIZATIONS: on failure FALSE, *err_msg a g_malloc'ed message and
 * *col_start/*col_len where it points in the text (*col_start -1: nowhere) */
gboolean wirepy_dfilter_compile(const char *text, dfilter_t **dfp, char **err_msg,
                                long *col_start, size_t *col_len);
char *wirepy_dfilter_expand(const char *expr, char **err_msg);
void dfilter_free(dfilter_t *df);
gboolean dfilter_apply_edt(dfilter_t *df, epan_dissect_t *edt);
void dfilter_load_field_references(const dfilter_t *df, proto_tree *tree);
GPtrArray *dfilter_deprecated_tokens(dfilter_t *df);
const char *dfilter_text(dfilter_t *df);
void epan_dissect_prime_with_dfilter(epan_dissect_t *edt, const dfilter_t *dfcode);
"""

CUSTOMIZATIONS = """
#if WIREPY_WS_AT_LEAST(4, 4)
/* A df_error_t handed over as message and location (and freed). */
static void
wirepy_df_error_take(df_error_t *err, char **err_msg, long *col_start, size_t *col_len)
{
    *col_start = -1;
    *col_len = 0;
    if (err == NULL) {
        *err_msg = NULL;
        return;
    }
    *err_msg = err->msg != NULL ? g_strdup(err->msg) : NULL;
    *col_start = err->loc.col_start;
    *col_len = err->loc.col_len;
    df_error_free(&err);
}
#endif

/* Compiles `text` as it stands (macros expanded beforehand by
 * wirepy_dfilter_expand), optimised, no syntax tree kept: what tshark does
 * apart from the macros. */
static gboolean
wirepy_dfilter_compile(const char *text, dfilter_t **dfp, char **err_msg,
                       long *col_start, size_t *col_len)
{
#if WIREPY_WS_AT_LEAST(4, 4)
    df_error_t *err = NULL;
    gboolean ok = dfilter_compile_full(text, dfp, &err, DF_OPTIMIZE, "wirepy");
    if (ok) {
        if (err != NULL)
            df_error_free(&err);
        *err_msg = NULL;
        *col_start = -1;
        *col_len = 0;
        return TRUE;
    }
    wirepy_df_error_take(err, err_msg, col_start, col_len);
    return FALSE;
#else
    dfilter_loc_t loc = { -1, 0 };
    gboolean ok = dfilter_compile_real(text, dfp, err_msg, &loc, "wirepy", FALSE, FALSE);
    *col_start = loc.col_start;
    *col_len = loc.col_len;
    return ok;
#endif
}

static char *
wirepy_dfilter_expand(const char *expr, char **err_msg)
{
#if WIREPY_WS_AT_LEAST(4, 4)
    df_error_t *err = NULL;
    long start;
    size_t len;
    char *expanded = dfilter_expand(expr, &err);
    if (expanded != NULL) {
        if (err != NULL)
            df_error_free(&err);
        *err_msg = NULL;
        return expanded;
    }
    wirepy_df_error_take(err, err_msg, &start, &len);
    return NULL;
#else
    return dfilter_expand(expr, err_msg);
#endif
}
"""

SOURCES = []
