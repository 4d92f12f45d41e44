/* epan_helpers.c -- epan-layer helpers that must be C (see
 * epan_helpers.h): column sets built from explicit formats (not from the
 * global preferences), dfilter_dump captured through a file descriptor,
 * and walks of the preference modules (they take callbacks).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <epan/column.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/column-info.h>
#include <epan/prefs.h>
#include <epan/prefs-int.h>
#include "wirepy_version.h"
#include "epan_helpers.h"

column_info *
wirepy_columns_new(int n, const int *fmts, const char **titles,
                   const char **custom_fields, const int *occurrences)
{
    column_info *cinfo = g_new0(column_info, 1);
    col_setup(cinfo, n);
    for (int i = 0; i < n; i++) {
        col_item_t *item = &cinfo->columns[i];
        item->col_fmt = fmts[i];
        item->col_title = g_strdup(titles[i] ? titles[i] : "");
#if WIREPY_WS_AT_LEAST(4, 4)
        /* 4.4 puts the columns of a visible tree into it as _ws.col.<format>
         * items: the field registered for this format (those of the
         * preferences' columns are), else none (-1; 0 is an unregistered
         * field and fails the dissection) */
        item->hf_id = proto_registrar_get_id_byname(col_format_abbrev(fmts[i]));
#endif
        if (fmts[i] == COL_CUSTOM) {
            item->col_custom_fields = g_strdup(custom_fields[i] ? custom_fields[i] : "");
            item->col_custom_occurrence = occurrences[i];
        }
        item->col_fence = 0;
    }
    col_finalize(cinfo);
    return cinfo;
}

void
wirepy_columns_free(column_info *cinfo)
{
    if (cinfo == NULL)
        return;
    col_cleanup(cinfo);
    g_free(cinfo);
}

/* The filter's bytecode as dfilter_dump() prints it, written to `fd`. */
int
wirepy_dfilter_dump(dfilter_t *df, int fd)
{
#if WIREPY_WS_AT_LEAST(4, 4)
    /* 4.4 prints to a FILE of the caller's: a stream of its own on a copy
     * of fd (fclose closes the copy, not the caller's fd) */
    int copy = dup(fd);
    if (copy < 0)
        return -1;
    FILE *out = fdopen(copy, "w");
    if (out == NULL) {
        close(copy);
        return -1;
    }
    dfilter_dump(out, df, 0);
    return fclose(out) == 0 ? 0 : -1;
#else
    /* 4.0 prints to stdout: point fd 1 at `fd` meanwhile */
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    if (saved < 0)
        return -1;
    if (dup2(fd, STDOUT_FILENO) < 0) {
        close(saved);
        return -1;
    }
    dfilter_dump(df);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    return 0;
#endif
}

static guint
add_pref_name(pref_t *pref, gpointer data)
{
    GPtrArray *names = ((GPtrArray **)data)[0];
    module_t *module = ((module_t **)data)[1];
    /* one type per preference (4.6 numbers the types; no bit tests) */
    int type = prefs_get_type(pref);
    if (type == PREF_STATIC_TEXT || type == PREF_UAT)
        return 0;
#if !WIREPY_WS_AT_LEAST(4, 6)
    if (type == PREF_OBSOLETE)
        return 0;
#endif
    g_ptr_array_add(names, g_strdup_printf("%s.%s", module->name, prefs_get_name(pref)));
    return 0;
}

static guint
add_module_prefs(module_t *module, gpointer data)
{
    gpointer pair[2] = { data, module };
    if (module->obsolete)
        return 0;
    prefs_pref_foreach(module, add_pref_name, pair);
    if (module->submodules != NULL)
        prefs_modules_foreach_submodules(module, add_module_prefs, data);
    return 0;
}

/* Every current preference name ("module.pref"); free with
 * g_ptr_array_free(names, TRUE). */
GPtrArray *
wirepy_prefs_names(void)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    prefs_modules_foreach(add_module_prefs, names);
    return names;
}

struct decode_as_search {
    const char *name;
    dissector_handle_t match;
    int n;
};

static void
decode_as_match(const gchar *table _U_, gpointer handle, gpointer data)
{
    struct decode_as_search *s = data;
    int proto_id = dissector_handle_get_protocol_index((dissector_handle_t)handle);
    if (proto_id == -1)
        return;
    const char *name = proto_get_protocol_filter_name(proto_id);
    if (name != NULL && strcmp(name, s->name) == 0) {
        if (s->n == 0)
            s->match = (dissector_handle_t)handle;
        s->n++;
    }
}

/* As tshark -d: the dissector of `table` whose protocol has the filter
 * name `proto` (an alias such as "ssl" names its protocol). Returns the
 * number of matches; *out is the first (tshark uses the first). */
int
wirepy_decode_as_find(const char *table, const char *proto, void **out)
{
    struct decode_as_search s = { proto, NULL, 0 };
    header_field_info *hfi = proto_registrar_get_byalias(proto);
    if (hfi != NULL)
        s.name = hfi->abbrev;
    dissector_table_foreach_handle(table, decode_as_match, &s);
    *out = s.match;
    return s.n;
}
