/* export_objects.c -- export objects on Wireshark's export-object taps
 * (see export_objects.h). The protocols' packet callbacks (and through
 * them add_entry and get_entry) run inside epan_dissect_run_with_taps
 * (the shim's TRY, dissect.c). Nothing else called here THROWs: the
 * registry lookups walk a wmem tree, eo_massage_str and eo_ct2ext work on
 * strings, eo_free_entry frees memory, the protocols' reset callbacks
 * (SMB's smb_eo_cleanup, FTP-DATA's ftp_eo_cleanup) free lists. */
#include <stdio.h>
#include <string.h>
#include <epan/export_object.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include "wirepy_version.h"
#include "registry.h"
#include "export_objects.h"

struct wirepy_eo {
    export_object_list_t list;      /* first: the tapdata the handler gets */
    register_eo_t *eo;
    gboolean payload_is_wmem;       /* see wirepy_eo_finish */
    GPtrArray *entries;             /* the dissector's export_object_entry_t, in order */
    GPtrArray *copies;              /* the shim's copies, made when the read ends */
};

/* Some protocols (SMB, FTP-DATA) keep the files they are filling in a list
 * of their own, global, whose rows are the rows of the one list of objects
 * (get_entry): Wireshark's reset callback (get_eo_reset_func) empties it.
 * So each read must start with it empty, and only one list of such a
 * protocol may take objects in a read: the owner, the last one reset for
 * the read. A packet callback for another list would look its rows up in
 * the wrong list (a NULL entry: a crash in packet-smb.c). */
static GHashTable *eo_owners;       /* register_eo_t * -> wirepy_eo * */

static wirepy_eo *
eo_owner(register_eo_t *reg)
{
    return eo_owners ? g_hash_table_lookup(eo_owners, reg) : NULL;
}

/* The protocol's own list emptied (see eo_owners), if it keeps one. */
static void
eo_reset_protocol(wirepy_eo *eo)
{
    export_object_gui_reset_cb reset = get_eo_reset_func(eo->eo);
    if (reset != NULL)
        reset();
}

static int
eo_proto(const void *registration)
{
    return get_eo_proto_id((register_eo_t *)registration);
}

static register_eo_t *
eo_find(const char *proto)
{
    return wirepy_registry_find(eo_iterate_tables, eo_proto, proto);
}

gboolean
wirepy_eo_known(const char *proto)
{
    return eo_find(proto) != NULL;
}

gchar *
wirepy_eo_names(void)
{
    return wirepy_registry_names(eo_iterate_tables, eo_proto);
}

/* The add_entry callback: the dissector's tap callback hands its entry
 * over, the list owns it. */
static void
eo_add_entry(void *gui_data, export_object_entry_t *entry)
{
    wirepy_eo *eo = gui_data;
    g_ptr_array_add(eo->entries, entry);
}

static export_object_entry_t *
eo_get_entry(void *gui_data, int row)
{
    wirepy_eo *eo = gui_data;
    if (row < 0 || (guint)row >= eo->entries->len)
        return NULL;
    return g_ptr_array_index(eo->entries, row);
}

/* A copy the shim owns: strings and payload g_malloc'ed here. */
static void
eo_copy_free(gpointer data)
{
    export_object_entry_t *copy = data;
    g_free(copy->hostname);
    g_free(copy->content_type);
    g_free(copy->filename);
    g_free(copy->payload_data);
    g_free(copy);
}

wirepy_eo *
wirepy_eo_new(const char *proto)
{
    register_eo_t *reg = eo_find(proto);
    wirepy_eo *eo;
    if (reg == NULL)
        return NULL;
    eo = g_new0(wirepy_eo, 1);
    eo->eo = reg;
    eo->entries = g_ptr_array_new();
    eo->copies = g_ptr_array_new_with_free_func(eo_copy_free);
    eo->payload_is_wmem = strcmp(proto, "tftp") == 0;
    eo->list.add_entry = eo_add_entry;
    eo->list.get_entry = eo_get_entry;
    eo->list.gui_data = eo;
    return eo;
}

/* The dissectors' entries: freed with eo_free_entry (their strings, payload
 * and the entry, all g_malloc'ed) -- except TFTP's payload: in a one-pass
 * read it is wmem_file_scope() memory the dissector hands over (Wireshark's
 * own GUI would g_free it too; tshark never frees its entries), released
 * with the file; in a two-pass read it is g_malloc'ed and left behind. */
static void
eo_free_entries(wirepy_eo *eo)
{
    guint i;
    for (i = 0; i < eo->entries->len; i++) {
        export_object_entry_t *entry = g_ptr_array_index(eo->entries, i);
        if (eo->payload_is_wmem)
            entry->payload_data = NULL;
        eo_free_entry(entry);
    }
    g_ptr_array_set_size(eo->entries, 0);
}

/* The finish callback (remove_tap_listener, at the end of the read, before
 * the capture file's scope is freed): the entries copied into the shim's
 * own memory, the dissectors' freed. SMB fills its entries over several
 * packets (get_entry), so they are copied only now. */
void
wirepy_eo_finish(void *tapdata)
{
    wirepy_eo *eo = tapdata;
    guint i;
    for (i = 0; i < eo->entries->len; i++) {
        export_object_entry_t *entry = g_ptr_array_index(eo->entries, i);
        export_object_entry_t *copy = g_new0(export_object_entry_t, 1);
        copy->pkt_num = entry->pkt_num;
        copy->hostname = g_strdup(entry->hostname);
        copy->content_type = g_strdup(entry->content_type);
        copy->filename = g_strdup(entry->filename);
        copy->payload_len = entry->payload_data ? entry->payload_len : 0;
        copy->payload_data = copy->payload_len ? g_memdup2(entry->payload_data,
                                                           copy->payload_len) : NULL;
        g_ptr_array_add(eo->copies, copy);
    }
    eo_free_entries(eo);
    if (eo_owner(eo->eo) == eo) {
        eo_reset_protocol(eo);
        g_hash_table_remove(eo_owners, eo->eo);
    }
}

void
wirepy_eo_reset(void *tapdata)
{
    wirepy_eo *eo = tapdata;
    eo_free_entries(eo);
    g_ptr_array_set_size(eo->copies, 0);
    if (get_eo_reset_func(eo->eo) != NULL) {
        eo_reset_protocol(eo);
        if (eo_owners == NULL)
            eo_owners = g_hash_table_new(g_direct_hash, g_direct_equal);
        g_hash_table_insert(eo_owners, eo->eo, eo);
    }
}

gboolean
wirepy_eo_has_protocol_state(wirepy_eo *eo)
{
    return get_eo_reset_func(eo->eo) != NULL;
}

/* The packet callback: the protocol's, for the owner only (see eo_owners). */
static tap_packet_status
eo_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt, const void *data,
          tap_flags_t flags)
{
    wirepy_eo *eo = tapdata;
    if (get_eo_reset_func(eo->eo) != NULL && eo_owner(eo->eo) != eo)
        return TAP_PACKET_DONT_REDRAW;
    return get_eo_packet_func(eo->eo)(tapdata, pinfo, edt, data, flags);
}

void
wirepy_eo_free(wirepy_eo *eo)
{
    if (eo == NULL)
        return;
    eo_free_entries(eo);
    g_ptr_array_set_size(eo->copies, 0);
    if (eo_owner(eo->eo) == eo)
        g_hash_table_remove(eo_owners, eo->eo);
    g_ptr_array_free(eo->entries, TRUE);
    g_ptr_array_free(eo->copies, TRUE);
    g_free(eo);
}

const char *
wirepy_eo_tap(wirepy_eo *eo)
{
    return get_eo_tap_listener_name(eo->eo);
}

void *
wirepy_eo_tapdata(wirepy_eo *eo)
{
    return eo;
}

tap_packet_cb
wirepy_eo_packet_cb(wirepy_eo *eo)
{
    return get_eo_reset_func(eo->eo) != NULL ? eo_packet : get_eo_packet_func(eo->eo);
}

guint
wirepy_eo_count(wirepy_eo *eo)
{
    return eo->copies->len + eo->entries->len;
}

/* The copies of the last read, then the entries of a read in progress. */
void
wirepy_eo_objects(wirepy_eo *eo, wirepy_eo_object *out)
{
    guint i;
    for (i = 0; i < eo->copies->len + eo->entries->len; i++) {
        export_object_entry_t *entry = i < eo->copies->len
            ? g_ptr_array_index(eo->copies, i)
            : g_ptr_array_index(eo->entries, i - eo->copies->len);
        out[i].packet = entry->pkt_num;
        out[i].hostname = entry->hostname;
        out[i].content_type = entry->content_type;
        out[i].filename = entry->filename;
        out[i].len = entry->payload_data ? entry->payload_len : 0;
        out[i].data = entry->payload_data;
    }
}

gchar *
wirepy_eo_file_name(const char *filename, guint32 packet, const char *content_type, int dup)
{
    GString *name;
    if (filename != NULL) {
        name = eo_massage_str(filename, EXPORT_OBJECT_MAXFILELEN, dup);
    } else {
        char generic[EXPORT_OBJECT_MAXFILELEN + 1];
        const char *ext = eo_ct2ext(content_type);
        snprintf(generic, sizeof generic, "object%u%s%s", packet, ext ? "." : "",
                 ext ? ext : "");
        name = eo_massage_str(generic, EXPORT_OBJECT_MAXFILELEN, dup);
    }
    return g_string_free(name, FALSE);
}

guint
wirepy_eo_max_tries(void)
{
    return prefs.gui_max_export_objects;
}
