/* provider.c -- the packet provider of an epan session.
 *
 * libwireshark asks the application, during dissection, for the time stamp
 * of earlier frames (deltas, relative times) and for interface names. The
 * answers come from the frames the reader has already seen and from the
 * capture file's interface description blocks. These callbacks run inside
 * dissect_record's exception frame, so they are C.
 */
#include <wiretap/wtap_opttypes.h>
#include "wirepy_shim.h"

static const nstime_t *
provider_get_frame_ts(struct packet_provider_data *prov, guint32 frame_num)
{
    if (prov->ref && prov->ref->num == frame_num)
        return &prov->ref->abs_ts;
    if (prov->prev_dis && prov->prev_dis->num == frame_num)
        return &prov->prev_dis->abs_ts;
    if (prov->prev_cap && prov->prev_cap->num == frame_num)
        return &prov->prev_cap->abs_ts;
    if (prov->frames != NULL) {
        frame_data *fd = frame_data_sequence_find(prov->frames, frame_num);
        return fd != NULL ? &fd->abs_ts : NULL;
    }
    return NULL;
}

/* An IDB string option; the string belongs to the block, which lives as
 * long as the wtap it came from. */
static const char *
provider_idb_string(struct packet_provider_data *prov, guint32 interface_id,
                    guint option_id)
{
    const char *result = NULL;
    if (prov->wth == NULL)
        return NULL;
    wtapng_iface_descriptions_t *idb_info = wtap_file_get_idb_info(prov->wth);
    if (idb_info == NULL)
        return NULL;
    if (interface_id < idb_info->interface_data->len) {
        wtap_block_t idb = g_array_index(idb_info->interface_data, wtap_block_t,
                                         interface_id);
        char *value;
        if (wtap_block_get_string_option_value(idb, option_id, &value) ==
                WTAP_OPTTYPE_SUCCESS)
            result = value;
    }
    g_free(idb_info);   /* the struct only: the array belongs to the wtap */
    return result;
}

/* From 4.4 on epan asks with the record's interface id within its pcapng
 * section and the section's number; the IDB list of the wtap is numbered
 * over the whole file. 4.0 hands over the file-wide id. */
#if WIREPY_WS_AT_LEAST(4, 4)
#define WIREPY_IFACE_ARGS guint32 interface_id, unsigned section_number
#define WIREPY_GLOBAL_IFACE(prov) \
    ((prov)->wth != NULL \
     ? wtap_file_get_shb_global_interface_id((prov)->wth, section_number, interface_id) \
     : interface_id)
#else
#define WIREPY_IFACE_ARGS guint32 interface_id
#define WIREPY_GLOBAL_IFACE(prov) (interface_id)
#endif

static const char *
provider_get_interface_name(struct packet_provider_data *prov, WIREPY_IFACE_ARGS)
{
    guint32 id = WIREPY_GLOBAL_IFACE(prov);
    const char *name = provider_idb_string(prov, id, OPT_IDB_NAME);
    if (name == NULL)
        name = provider_idb_string(prov, id, OPT_IDB_DESCRIPTION);
    if (name == NULL)
        name = provider_idb_string(prov, id, OPT_IDB_HARDWARE);
    return name ? name : "unknown";
}

static const char *
provider_get_interface_description(struct packet_provider_data *prov, WIREPY_IFACE_ARGS)
{
    return provider_idb_string(prov, WIREPY_GLOBAL_IFACE(prov), OPT_IDB_DESCRIPTION);
}

#if WIREPY_WS_AT_LEAST(4, 6)
/* 4.6: a packet may name the process that sent it (pcapng's Darwin Process
 * Info Blocks, in the order the file has them). The block, NULL for an id
 * the file does not have. */
static wtap_block_t
provider_dpib(struct packet_provider_data *prov, uint32_t process_info_id)
{
    wtap_block_t block = NULL;
    if (prov->wth == NULL)
        return NULL;
    wtapng_dpib_lookup_info_t *info = wtap_file_get_dpib_lookup_info(prov->wth);
    if (info == NULL)
        return NULL;
    if (info->dpibs != NULL && process_info_id < info->dpibs->len)
        block = g_array_index(info->dpibs, wtap_block_t, process_info_id);
    g_free(info);   /* the struct only: the array belongs to the wtap */
    return block;
}

static int32_t
provider_get_process_id(struct packet_provider_data *prov, uint32_t process_info_id,
                        unsigned section_number)
{
    (void)section_number;
    wtap_block_t block = provider_dpib(prov, process_info_id);
    if (block == NULL)
        return -1;
    wtapng_darwin_process_event_mandatory_t *m = wtap_block_get_mandatory_data(block);
    return m != NULL ? (int32_t)m->process_id : -1;
}

static const char *
provider_get_process_name(struct packet_provider_data *prov, uint32_t process_info_id,
                          unsigned section_number)
{
    (void)section_number;
    char *name = NULL;
    wtap_block_t block = provider_dpib(prov, process_info_id);
    if (block == NULL || wtap_block_get_string_option_value(block, OPT_DPIB_NAME, &name)
            != WTAP_OPTTYPE_SUCCESS)
        return NULL;
    return name;
}

static const uint8_t *
provider_get_process_uuid(struct packet_provider_data *prov, uint32_t process_info_id,
                          unsigned section_number, size_t *uuid_size)
{
    (void)section_number;
    GBytes *uuid = NULL;
    *uuid_size = 0;
    wtap_block_t block = provider_dpib(prov, process_info_id);
    if (block == NULL || wtap_block_get_bytes_option_value(block, OPT_DPIB_UUID, &uuid)
            != WTAP_OPTTYPE_SUCCESS || uuid == NULL)
        return NULL;
    /* the bytes belong to the block, which lives as long as the wtap */
    gsize size;
    const uint8_t *data = g_bytes_get_data(uuid, &size);
    *uuid_size = size;
    return data;
}
#endif

wirepy_provider *
wirepy_provider_new(wtap *wth)
{
    wirepy_provider *prov = g_new0(wirepy_provider, 1);
    prov->wth = wth;
    nstime_set_zero(&prov->elapsed);
    return prov;
}

void
wirepy_provider_free(wirepy_provider *prov)
{
    g_free(prov);
}

/* libwireshark 4.0's init_dissection(), which every epan_new() runs,
 * re-reads the name files (manuf, wka, services, ethers, hosts) into new
 * tables in the epan scope and forgets the previous ones without freeing
 * them (host_name_lookup_reset): about 10 MB a session, which a reset
 * every N packets (tshark -M) would pile up without end. The tables are
 * reachable through the accessors the "Resolved Addresses" dialog uses,
 * so the entries of the ones epan_new() replaced are freed here. Their
 * layout is 4.0's (epan/addr_resolv.c): each value one wmem_epan_scope()
 * block, except the service entries (their names too) and the wka and
 * IPv6 tables (a key block too). wmem_map has no destructor in 4.0: the
 * emptied map's bucket array and struct (2 MB for 130k addresses) are
 * freed through 4.0's layout of struct _wmem_map_t (wsutil/wmem/wmem_map.c),
 * after checking that the layout holds (the count, both allocators the
 * epan scope); otherwise they stay. Only wmem calls, which do not throw;
 * nothing refers to the old tables once the new ones are in place:
 * dissectors look names up per packet and copy them. 4.4 reads its vendor
 * table from libwireshark itself, and its tables differ: left alone there. */
#if !WIREPY_WS_AT_LEAST(4, 4)
#include <epan/addr_resolv.h>

enum name_table_kind { NT_VALUE, NT_KEY_AND_VALUE, NT_SERVICES };

struct name_table {
    wmem_map_t *(*get)(void);
    enum name_table_kind kind;
};

static const struct name_table name_tables[] = {
    { get_manuf_hashtable, NT_VALUE },
    { get_wka_hashtable, NT_KEY_AND_VALUE },
    { get_eth_hashtable, NT_VALUE },           /* the key is inside the value */
    { get_serv_port_hashtable, NT_SERVICES },
    { get_ipv4_hash_table, NT_VALUE },
    { get_ipv6_hash_table, NT_KEY_AND_VALUE },
};
#define N_NAME_TABLES (sizeof name_tables / sizeof name_tables[0])

static guint64 names_reclaimed;

/* 4.0's struct _wmem_map_t, private to wmem_map.c. */
struct wirepy_wmem_map_40 {
    guint count;
    size_t capacity;                /* log2 of the bucket count */
    void **table;
    GHashFunc hash_func;
    GEqualFunc eql_func;
    guint metadata_scope_cb_id;
    guint data_scope_cb_id;
    wmem_allocator_t *metadata_allocator;
    wmem_allocator_t *data_allocator;
};

static void
reclaim_name_table(wmem_map_t *map, enum name_table_kind kind)
{
    wmem_allocator_t *scope = wmem_epan_scope();
    struct wirepy_wmem_map_40 *inside = (struct wirepy_wmem_map_40 *)map;
    gboolean layout_holds = inside->count == wmem_map_size(map)
        && inside->metadata_allocator == scope && inside->data_allocator == scope
        && inside->capacity < 48;
    wmem_list_t *keys = wmem_map_get_keys(NULL, map);
    for (wmem_list_frame_t *f = wmem_list_head(keys); f != NULL; f = wmem_list_frame_next(f)) {
        void *key = wmem_list_frame_data(f);
        void *value = wmem_map_remove(map, key);
        if (kind == NT_SERVICES && value != NULL) {
            serv_port_t *serv = value;
            wmem_free(scope, serv->udp_name);
            wmem_free(scope, serv->tcp_name);
            wmem_free(scope, serv->sctp_name);
            wmem_free(scope, serv->dccp_name);
            wmem_free(scope, serv->numeric);
        }
        wmem_free(scope, value);
        if (kind == NT_KEY_AND_VALUE)
            wmem_free(scope, key);
        names_reclaimed++;
    }
    wmem_destroy_list(keys);
    if (layout_holds && inside->count == 0) {
        wmem_free(scope, inside->table);    /* NULL for a map never filled */
        wmem_free(scope, map);
    }
}

static void
name_tables_in_use(wmem_map_t **out)
{
    for (gsize i = 0; i < N_NAME_TABLES; i++)
        out[i] = name_tables[i].get();
}

static void
reclaim_replaced_name_tables(wmem_map_t **before)
{
    for (gsize i = 0; i < N_NAME_TABLES; i++) {
        wmem_map_t *now = name_tables[i].get();
        if (before[i] != NULL && before[i] != now)
            reclaim_name_table(before[i], name_tables[i].kind);
    }
}
#else
#define N_NAME_TABLES 1
static guint64 names_reclaimed;
static void name_tables_in_use(wmem_map_t **out) { out[0] = NULL; }
static void reclaim_replaced_name_tables(wmem_map_t **before) { (void)before; }
#endif

/* How many name-table entries wirepy_epan_new() has freed so far (see
 * above): 0 where the series needs none freed. */
guint64
wirepy_names_reclaimed(void)
{
    return names_reclaimed;
}

/* The one epan session libwireshark allows, and its provider: kept here
 * too, so a session whose Python owner vanished half-made (an exception
 * such as KeyboardInterrupt between two statements) can still be freed
 * instead of tripping libwireshark's assertion on the next epan_new. */
static epan_t *live_epan;
static wirepy_provider *live_prov;

/* NULL if a session is already live (free it first). */
epan_t *
wirepy_epan_new(wirepy_provider *prov)
{
    /* Designated: 4.6 appended the process-information callbacks. */
    static const struct packet_provider_funcs funcs = {
        .get_frame_ts = provider_get_frame_ts,
        .get_interface_name = provider_get_interface_name,
        .get_interface_description = provider_get_interface_description,
        .get_modified_block = NULL,
#if WIREPY_WS_AT_LEAST(4, 6)
        .get_process_id = provider_get_process_id,
        .get_process_name = provider_get_process_name,
        .get_process_uuid = provider_get_process_uuid,
#endif
    };
    wmem_map_t *before[N_NAME_TABLES];
    if (live_epan != NULL)
        return NULL;
    name_tables_in_use(before);
    live_epan = epan_new(prov, &funcs);
    reclaim_replaced_name_tables(before);
    live_prov = prov;
    return live_epan;
}

void
wirepy_epan_free(epan_t *epan)
{
    if (epan == NULL || epan != live_epan)
        return;
    epan_free(epan);
    live_epan = NULL;
    live_prov = NULL;
}

gboolean
wirepy_epan_is_live(void)
{
    return live_epan != NULL;
}

/* Frees the live session and its provider, for a caller that knows no
 * Python object owns them any more; returns whether there was one. */
gboolean
wirepy_epan_free_orphan(void)
{
    if (live_epan == NULL)
        return FALSE;
    wirepy_provider *prov = live_prov;
    wirepy_epan_free(live_epan);
    wirepy_provider_free(prov);
    return TRUE;
}

void
wirepy_provider_before_dissect(wirepy_provider *prov, frame_data *fd)
{
    frame_data_set_before_dissect(fd, &prov->elapsed, &prov->ref, prov->prev_dis);
    if (prov->ref == fd) {
        /* fd is the caller's reusable frame: keep a copy as the reference */
        prov->ref_frame = *fd;
        prov->ref = &prov->ref_frame;
    }
}

void
wirepy_provider_after_dissect(wirepy_provider *prov, frame_data *fd,
                              gboolean displayed)
{
    if (displayed) {
        frame_data_set_after_dissect(fd, &prov->cum_bytes);
        prov->prev_dis_frame = *fd;
        prov->prev_dis = &prov->prev_dis_frame;
    }
    prov->prev_cap_frame = *fd;
    prov->prev_cap = &prov->prev_cap_frame;
}
