/* uat.c -- UAT rows added and taken back (see uat.h).
 *
 * A table is found as prefs_set_pref finds it for "uat:NAME:ROW" (by its
 * file name, "80211_keys", or its title). A row is parsed by prefs_set_pref
 * ("uat:TABLE:ROW", uat_load_str underneath: neither uat_find nor
 * uat_load_str is exported), as tshark's -o parses it; taking rows back
 * removes them from the end of the table's records and rebuilds the
 * records the dissector sees from the valid ones, as uat_save does before
 * writing, then tells the dissector (post_update_cb), as Wireshark's table
 * dialog does.
 *
 * The field callbacks, update and post-update callbacks are dissectors'
 * code run outside dissection: each call runs inside a TRY, so a THROW in
 * one becomes an error return, not a longjmp with no handler.
 */
#include <string.h>
#include <epan/uat-int.h>
#include <epan/exceptions.h>
#include <epan/prefs.h>
#include "uat.h"

typedef struct {
    const char *name;
    uat_t *found;
} table_query;

static void
match_table(void *uat, void *query)
{
    uat_t *u = (uat_t *)uat;
    table_query *q = (table_query *)query;
    if (q->found == NULL && ((u->filename != NULL && strcmp(u->filename, q->name) == 0)
                             || (u->name != NULL && strcmp(u->name, q->name) == 0)))
        q->found = u;
}

/* uat_find (which prefs_set_pref uses) is not exported: the same search. */
static uat_t *
find_table(const char *table)
{
    table_query q = {table, NULL};
    uat_foreach_table(match_table, &q);
    return q.found;
}

/* The table's records (valid or not), -1 if there is no such table.
 * Finding a table walks Wireshark's list of tables and throws nothing. */
int
wirepy_uat_rows(const char *table)
{
    uat_t *uat = find_table(table);
    return uat != NULL ? (int)uat->raw_data->len : -1;
}

/* Whether raw record i is valid: valid_data holds gboolean in 4.0 and may
 * hold bool in later series, so its element size says how to read it. */
static gboolean
record_valid(uat_t *uat, guint i)
{
    GArray *valid = uat->valid_data;
    if (g_array_get_element_size(valid) == sizeof(gboolean))
        return g_array_index(valid, gboolean, i) != 0;
    return ((const guint8 *)valid->data)[i * g_array_get_element_size(valid)] != 0;
}

/* The dissector's records again from the valid raw ones (uat_save's
 * resynchronisation without the file). */
static void
resync_user_data(uat_t *uat)
{
    for (guint i = 0; i < uat->user_data->len; i++)
        if (uat->free_cb)
            uat->free_cb(UAT_USER_INDEX_PTR(uat, i));
    g_array_set_size(uat->user_data, 0);
    *uat->user_ptr = NULL;
    *uat->nrows_p = 0;
    for (guint i = 0; i < uat->raw_data->len; i++) {
        if (!record_valid(uat, i))
            continue;
        void *rec = UAT_INDEX_PTR(uat, i);
        g_array_append_vals(uat->user_data, rec, 1);
        if (uat->copy_cb)
            uat->copy_cb(UAT_USER_INDEX_PTR(uat, uat->user_data->len - 1), rec,
                         (unsigned)uat->record_size);
    }
    UAT_UPDATE(uat);
}

static gboolean
truncate_table(uat_t *uat, unsigned rows)
{
    volatile gboolean ok = TRUE;
    TRY {
        while (uat->raw_data->len > rows)
            uat_remove_record_idx(uat, uat->raw_data->len - 1);
        resync_user_data(uat);
        uat->changed = TRUE;
        if (uat->post_update_cb)
            uat->post_update_cb();
    }
    CATCH_ALL {
        ok = FALSE;
    }
    ENDTRY;
    return ok;
}

/* Keeps the first `rows` records of the table: 1, 0 if a dissector's
 * callback threw, -1 if there is no such table. */
int
wirepy_uat_truncate(const char *table, unsigned rows)
{
    uat_t *uat = find_table(table);
    if (uat == NULL)
        return -1;
    return truncate_table(uat, rows) ? 1 : 0;
}

/* Adds one row in the text of a UAT file ("\"wpa-pwd\",\"Induction:Coherer\"").
 * 1 when the row was added; 0 when it is not valid (*err, to g_free, says
 * why; the table is left as it was); -1 if there is no such table. */
int
wirepy_uat_add(const char *table, const char *row, char **err)
{
    uat_t *uat = find_table(table);
    *err = NULL;
    if (uat == NULL)
        return -1;
    unsigned before = uat->raw_data->len;
    volatile gboolean ok = FALSE;
    char *volatile message = NULL;
    /* uat_load_str is not exported: through prefs_set_pref, as tshark's
     * -o "uat:TABLE:ROW" (it finds the table by its file name) */
    char *volatile arg = g_strdup_printf("uat:%s:%s", uat->filename, row);
    TRY {
        char *e = NULL;
        ok = prefs_set_pref(arg, &e) == PREFS_SET_OK;
        message = e;
    }
    CATCH_ALL {
        ok = FALSE;
        message = g_strdup(except_message(exc) ? except_message(exc) : "exception");
    }
    ENDTRY;
    g_free(arg);
    if (ok && uat->raw_data->len > before && record_valid(uat, uat->raw_data->len - 1)) {
        g_free(message);
        return 1;
    }
    /* an invalid record stays in raw_data (and, when its update callback
     * refused it, in the dissector's records): take it back */
    truncate_table(uat, before);
    *err = message != NULL ? message : g_strdup("not a valid row");
    return 0;
}

static void
add_table(void *uat, void *names)
{
    uat_t *u = (uat_t *)uat;
    if (u->filename != NULL)
        g_ptr_array_add((GPtrArray *)names, g_strdup(u->filename));
}

/* The file names of every table (strings and array to free); a walk of
 * the list that throws nothing. */
GPtrArray *
wirepy_uat_tables(void)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    uat_foreach_table(add_table, names);
    return names;
}
