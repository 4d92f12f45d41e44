/* stats.c -- the listeners of wirepy.stats (see stats.h). */
#include <string.h>
#include <epan/proto.h>
#include <epan/expert.h>
#include <epan/frame_data.h>
#include <epan/address.h>
#include <epan/ftypes/ftypes.h>
#include "stats.h"
#include "typed_value.h"
#include "wirepy_version.h"
#include <wsutil/str_util.h>

/* wmem_foreach_func returns gboolean in 4.0, bool from 4.2 on. */
#if WIREPY_WS_AT_LEAST(4, 2)
typedef bool wirepy_wmem_bool;
#else
typedef gboolean wirepy_wmem_bool;
#endif

/* ======================================================================
 * Conversations and endpoints: libwireshark's tables and packet functions
 * ====================================================================== */

struct wirepy_conv {
    conv_hash_t hash;             /* first: the tapdata epan's functions take */
    gboolean endpoints;
    tap_packet_cb packet;
};

static register_ct_t *
table_of(const char *filter_name)
{
    int proto = proto_get_id_by_filter_name(filter_name);
    return proto < 0 ? NULL : get_conversation_by_proto_id(proto);
}

gboolean
wirepy_conv_table(const char *filter_name, const char **tap, const char **title,
                  gboolean *hide_ports)
{
    register_ct_t *ct = table_of(filter_name);
    if (ct == NULL)
        return FALSE;
    int proto = get_conversation_proto_id(ct);
    *tap = proto_get_protocol_filter_name(proto);
    *title = proto_get_protocol_short_name(find_protocol_by_id(proto));
    *hide_ports = get_conversation_hide_ports(ct);
    return TRUE;
}

static wirepy_wmem_bool
add_table_name(const void *key _U_, void *value, void *userdata)
{
    GString *names = userdata;
    register_ct_t *ct = value;
    if (names->len > 0)
        g_string_append(names, ",");
    g_string_append(names, proto_get_protocol_filter_name(get_conversation_proto_id(ct)));
    return FALSE;
}

gchar *
wirepy_conv_tables(void)
{
    GString *names = g_string_new("");
    conversation_table_iterate_tables(add_table_name, names);
    return g_string_free(names, FALSE);
}

wirepy_conv *
wirepy_conv_new(const char *filter_name, gboolean endpoints)
{
    register_ct_t *ct = table_of(filter_name);
    if (ct == NULL)
        return NULL;
    wirepy_conv *c = g_new0(wirepy_conv, 1);
    c->endpoints = endpoints;
    c->packet = endpoints ? get_endpoint_packet_func(ct) : get_conversation_packet_func(ct);
    return c;
}

void
wirepy_conv_reset(void *tapdata)
{
    wirepy_conv *c = tapdata;
    /* frees the addresses, the array and the hash table: no THROW */
    if (c->endpoints)
        reset_endpoint_table_data(&c->hash);
    else
        reset_conversation_table_data(&c->hash);
}

void
wirepy_conv_free(wirepy_conv *c)
{
    if (c == NULL)
        return;
    wirepy_conv_reset(c);
    g_free(c);
}

tap_packet_cb
wirepy_conv_packet_func(wirepy_conv *c)
{
    return c->packet;
}

guint
wirepy_conv_count(wirepy_conv *c)
{
    return c->hash.conv_array != NULL ? c->hash.conv_array->len : 0;
}

static void
copy_text(char *dst, char *src)
{
    g_strlcpy(dst, src != NULL ? src : "", WIREPY_CONV_TEXT);
    wmem_free(NULL, src);
}

/* Addresses and ports are rendered by address_to_str / the port tables
 * (name resolution when asked): wsutil code that reports no exception. */
void
wirepy_conv_get(wirepy_conv *c, guint i, gboolean resolve, wirepy_conv_row *row)
{
    memset(row, 0, sizeof *row);
    if (c->endpoints) {
        endpoint_item_t *e = &g_array_index(c->hash.conv_array, endpoint_item_t, i);
        copy_text(row->addr_a, get_conversation_address(NULL, &e->myaddress, resolve));
        copy_text(row->port_a, get_endpoint_port(NULL, e, resolve));
        row->rx_frames = e->rx_frames;
        row->tx_frames = e->tx_frames;
        row->rx_bytes = e->rx_bytes;
        row->tx_bytes = e->tx_bytes;
        return;
    }
    conv_item_t *v = &g_array_index(c->hash.conv_array, conv_item_t, i);
    copy_text(row->addr_a, get_conversation_address(NULL, &v->src_address, resolve));
    copy_text(row->addr_b, get_conversation_address(NULL, &v->dst_address, resolve));
    copy_text(row->port_a, get_conversation_port(NULL, v->src_port, v->ctype, resolve));
    copy_text(row->port_b, get_conversation_port(NULL, v->dst_port, v->ctype, resolve));
    row->rx_frames = v->rx_frames;
    row->tx_frames = v->tx_frames;
    row->rx_bytes = v->rx_bytes;
    row->tx_bytes = v->tx_bytes;
    row->start_secs = v->start_time.secs;
    row->start_nsecs = v->start_time.nsecs;
    row->stop_secs = v->stop_time.secs;
    row->stop_nsecs = v->stop_time.nsecs;
    row->abs_secs = v->start_abs_time.secs;
    row->abs_nsecs = v->start_abs_time.nsecs;
}

/* ======================================================================
 * Protocol hierarchy: the protocols at the top of each packet's tree,
 * nested as they follow one another
 * ====================================================================== */

typedef struct phs_node {
    int proto;
    const char *abbrev;           /* header_field_info's: lives as long as epan */
    guint64 frames;
    guint64 bytes;
    GPtrArray *children;          /* phs_node*, in the order first seen */
} phs_node;

typedef struct {
    phs_node *node;
    int depth;
} phs_row;

struct wirepy_phs {
    phs_node root;
    GArray *rows;                 /* phs_row, made by wirepy_phs_flatten */
};

/* tshark 4.4 and 4.6 pass over the "Packet comments" item at the top of a
 * commented packet's tree (4.0 counts it as a protocol, the packet's
 * protocols below it); the trees still carry it, as tshark -V shows. The
 * protocol is registered in name only: proto_get_id_by_filter_name does not
 * find it, so it is known by its field name. 4.6 also passes over what is
 * not a protocol (the columns' "_ws.col" item, top-level reassembly items
 * such as "[2 Reassembled TCP Segments]"), which 4.4 counts. */
static gboolean
phs_skipped(const header_field_info *hfi)
{
#if WIREPY_WS_AT_LEAST(4, 6)
    if (!proto_registrar_is_protocol(hfi->id) || strcmp(hfi->abbrev, "_ws.col") == 0)
        return TRUE;
#endif
#if WIREPY_WS_AT_LEAST(4, 4)
    return strcmp(hfi->abbrev, "pkt_comment") == 0;
#else
    (void)hfi;
    return FALSE;
#endif
}

static void
phs_node_clear(phs_node *n)
{
    if (n->children == NULL)
        return;
    for (guint i = 0; i < n->children->len; i++) {
        phs_node *child = g_ptr_array_index(n->children, i);
        phs_node_clear(child);
        g_free(child);
    }
    g_ptr_array_free(n->children, TRUE);
    n->children = NULL;
}

wirepy_phs *
wirepy_phs_new(void)
{
    wirepy_phs *p = g_new0(wirepy_phs, 1);
    p->rows = g_array_new(FALSE, FALSE, sizeof(phs_row));
    return p;
}

void
wirepy_phs_reset(void *tapdata)
{
    wirepy_phs *p = tapdata;
    phs_node_clear(&p->root);
    g_array_set_size(p->rows, 0);
}

void
wirepy_phs_free(wirepy_phs *p)
{
    if (p == NULL)
        return;
    wirepy_phs_reset(p);
    g_array_free(p->rows, TRUE);
    g_free(p);
}

static phs_node *
phs_child(phs_node *parent, const header_field_info *hfi)
{
    if (parent->children == NULL)
        parent->children = g_ptr_array_new();
    for (guint i = 0; i < parent->children->len; i++) {
        phs_node *n = g_ptr_array_index(parent->children, i);
        if (n->proto == hfi->id)
            return n;
    }
    phs_node *n = g_new0(phs_node, 1);
    n->proto = hfi->id;
    n->abbrev = hfi->abbrev;
    g_ptr_array_add(parent->children, n);
    return n;
}

tap_packet_status
wirepy_phs_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt,
                  const void *data _U_, tap_flags_t flags _U_)
{
    wirepy_phs *p = tapdata;
    if (edt == NULL || edt->tree == NULL)
        return TAP_PACKET_DONT_REDRAW;
    phs_node *level = &p->root;
    for (proto_node *node = edt->tree->first_child; node != NULL; node = node->next) {
        field_info *fi = PNODE_FINFO(node);
        if (fi == NULL || fi->hfinfo == NULL || phs_skipped(fi->hfinfo))
            continue;
        level = phs_child(level, fi->hfinfo);
        level->frames++;
        level->bytes += pinfo->fd->pkt_len;
    }
    return TAP_PACKET_REDRAW;
}

static void
phs_walk(GArray *rows, phs_node *n, int depth)
{
    if (n->children == NULL)
        return;
    for (guint i = 0; i < n->children->len; i++) {
        phs_row row = {g_ptr_array_index(n->children, i), depth};
        g_array_append_val(rows, row);
        phs_walk(rows, row.node, depth + 1);
    }
}

guint
wirepy_phs_flatten(wirepy_phs *p)
{
    g_array_set_size(p->rows, 0);
    phs_walk(p->rows, &p->root, 0);
    return p->rows->len;
}

void
wirepy_phs_row(wirepy_phs *p, guint i, int *depth, const char **abbrev, guint64 *frames,
               guint64 *bytes)
{
    phs_row *row = &g_array_index(p->rows, phs_row, i);
    *depth = row->depth;
    *abbrev = row->node->abbrev;
    *frames = row->node->frames;
    *bytes = row->node->bytes;
}

/* ======================================================================
 * Expert information: one entry per severity, protocol and summary
 * ====================================================================== */

typedef struct {
    int severity;
    int group;
    const char *protocol;         /* in text */
    const char *summary;
    guint64 frequency;
} expert_entry;

struct wirepy_expert {
    GArray *entries;
    GHashTable *index;            /* key (in text) -> entry index + 1 */
    GStringChunk *text;
};

wirepy_expert *
wirepy_expert_new(void)
{
    wirepy_expert *e = g_new0(wirepy_expert, 1);
    e->entries = g_array_new(FALSE, FALSE, sizeof(expert_entry));
    e->index = g_hash_table_new(g_str_hash, g_str_equal);
    e->text = g_string_chunk_new(4096);
    return e;
}

void
wirepy_expert_reset(void *tapdata)
{
    wirepy_expert *e = tapdata;
    g_array_set_size(e->entries, 0);
    g_hash_table_remove_all(e->index);
    g_string_chunk_clear(e->text);
}

void
wirepy_expert_free(wirepy_expert *e)
{
    if (e == NULL)
        return;
    g_array_free(e->entries, TRUE);
    g_hash_table_destroy(e->index);
    g_string_chunk_free(e->text);
    g_free(e);
}

tap_packet_status
wirepy_expert_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                     const void *data, tap_flags_t flags _U_)
{
    wirepy_expert *e = tapdata;
    const expert_info_t *ei = data;
    if (ei == NULL)
        return TAP_PACKET_DONT_REDRAW;
    const char *protocol = ei->protocol != NULL ? ei->protocol : "";
    const char *summary = ei->summary != NULL ? ei->summary : "";
    gchar *key = g_strdup_printf("%d\x1f%s\x1f%s", ei->severity, protocol, summary);
    gpointer at = g_hash_table_lookup(e->index, key);
    if (at != NULL) {
        g_array_index(e->entries, expert_entry, GPOINTER_TO_UINT(at) - 1).frequency++;
    } else {
        expert_entry entry = {ei->severity, ei->group,
                              g_string_chunk_insert_const(e->text, protocol),
                              g_string_chunk_insert_const(e->text, summary), 1};
        g_array_append_val(e->entries, entry);
        g_hash_table_insert(e->index, g_string_chunk_insert_const(e->text, key),
                            GUINT_TO_POINTER(e->entries->len));
    }
    g_free(key);
    return TAP_PACKET_REDRAW;
}

guint
wirepy_expert_count(wirepy_expert *e)
{
    return e->entries->len;
}

void
wirepy_expert_get(wirepy_expert *e, guint i, int *severity, int *group,
                  const char **protocol, const char **summary, guint64 *frequency)
{
    expert_entry *entry = &g_array_index(e->entries, expert_entry, i);
    *severity = entry->severity;
    *group = entry->group;
    *protocol = entry->protocol;
    *summary = entry->summary;
    *frequency = entry->frequency;
}

const char *
wirepy_expert_group_name(int group)
{
    return try_val_to_str((guint32)group, expert_group_vals);
}

const char *
wirepy_expert_severity_name(int severity)
{
    return try_val_to_str((guint32)severity, expert_severity_vals);
}

/* ======================================================================
 * I/O intervals: per column (a "frame" listener with the column's filter)
 * a cell per interval since the first frame; a filterless "frame"
 * listener on the whole (wirepy_io itself) keeps the capture's duration
 * ====================================================================== */

#define NS_PER_SEC G_GUINT64_CONSTANT(1000000000)

struct wirepy_io_column {
    wirepy_io *io;
    int calc;
    int hfid;
    int ftype;
    GArray *cells;                /* wirepy_io_cell */
    guint64 max_value;
    guint64 max_frames;
};

struct wirepy_io {
    guint64 interval;             /* microseconds */
    int n_columns;
    wirepy_io_column *columns;
    guint64 last_relative;        /* for frames whose relative time is negative */
    nstime_t elapsed;
    gboolean overflow;            /* a frame beyond WIREPY_IO_MAX_CELLS intervals */
};

wirepy_io *
wirepy_io_new(guint64 interval_us, int n_columns)
{
    wirepy_io *io = g_new0(wirepy_io, 1);
    io->interval = interval_us > 0 ? interval_us : 1;
    io->n_columns = n_columns;
    io->columns = g_new0(wirepy_io_column, n_columns > 0 ? n_columns : 1);
    for (int i = 0; i < n_columns; i++) {
        io->columns[i].io = io;
        io->columns[i].hfid = -1;
        io->columns[i].cells = g_array_new(FALSE, TRUE, sizeof(wirepy_io_cell));
    }
    return io;
}

void
wirepy_io_free(wirepy_io *io)
{
    if (io == NULL)
        return;
    for (int i = 0; i < io->n_columns; i++)
        g_array_free(io->columns[i].cells, TRUE);
    g_free(io->columns);
    g_free(io);
}

static int
field_ftype(int hfid)
{
    return proto_registrar_get_nth((guint)hfid)->type;
}

wirepy_io_column *
wirepy_io_column_at(wirepy_io *io, int i, int calc, int hfid)
{
    wirepy_io_column *col = &io->columns[i];
    col->calc = calc;
    col->hfid = hfid;
    col->ftype = hfid >= 0 ? field_ftype(hfid) : FT_NONE;
    return col;
}

void
wirepy_io_reset(void *tapdata)
{
    wirepy_io *io = tapdata;
    io->last_relative = 0;
    nstime_set_zero(&io->elapsed);
    io->overflow = FALSE;
}

void
wirepy_io_column_reset(void *tapdata)
{
    wirepy_io_column *col = tapdata;
    g_array_set_size(col->cells, 0);
    col->max_value = 0;
    col->max_frames = 0;
}

/* The filterless listener: the latest relative time, compared as
 * frame_data_set_before_dissect compares it for the capture file. */
tap_packet_status
wirepy_io_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                 const void *data _U_, tap_flags_t flags _U_)
{
    wirepy_io *io = tapdata;
    nstime_t rel = pinfo->rel_ts;
    if ((gint32)io->elapsed.secs < rel.secs
        || ((gint32)io->elapsed.secs == rel.secs && (gint32)io->elapsed.nsecs < rel.nsecs))
        io->elapsed = rel;
    return TAP_PACKET_DONT_REDRAW;
}

static guint64
rel_ns(const wirepy_value *v)
{
    return (guint64)v->v1 * NS_PER_SEC + (guint64)v->v2;
}

/* One occurrence into the cell (cell `at` of col->cells). The field's type
 * was checked when the column was made: only the value classes below. */
static void
io_add(wirepy_io_column *col, guint at, field_info *fi, gboolean first)
{
    wirepy_io_cell *cell = &g_array_index(col->cells, wirepy_io_cell, at);
    wirepy_value v;
    /* numbers and times only: no text, so no scratch allocator */
    wirepy_value_of(fi, NULL, FALSE, &v);
    gboolean is_float = col->ftype == FT_FLOAT, is_double = col->ftype == FT_DOUBLE;
    double d = 0;
    guint64 u = 0;
    gint64 s = 0;
    gboolean is_signed = FALSE;
    switch (v.vclass) {
    case WIREPY_VC_FLOAT: {
        union { gint64 i; double d; } bits = {v.v1};
        d = bits.d;
        break;
    }
    case WIREPY_VC_REL_TIME:
        u = rel_ns(&v);
        break;
    case WIREPY_VC_INT:
        s = v.v1;
        u = (guint64)s;
        is_signed = TRUE;
        break;
    case WIREPY_VC_UINT: case WIREPY_VC_UINT64:
        u = (guint64)v.v1;
        break;
    default:
        return;
    }
    switch (col->calc) {
    case WIREPY_IO_SUM:
    case WIREPY_IO_AVG:
        if (col->calc == WIREPY_IO_AVG)
            cell->num++;
        if (is_float)
            cell->float_counter += (float)d;
        else if (is_double)
            cell->double_counter += d;
        else
            cell->counter += u;
        break;
    case WIREPY_IO_MIN:
    case WIREPY_IO_MAX: {
        gboolean min = col->calc == WIREPY_IO_MIN;
        if (is_float) {
            float f = (float)d;
            if ((min && first) || (min ? f < cell->float_counter : f > cell->float_counter))
                cell->float_counter = f;
        } else if (is_double) {
            if ((min && first) || (min ? d < cell->double_counter : d > cell->double_counter))
                cell->double_counter = d;
        } else if (is_signed) {
            gint64 cur = (gint64)cell->counter;
            if (col->ftype == FT_INT8 || col->ftype == FT_INT16 || col->ftype == FT_INT24
                || col->ftype == FT_INT32) {
                /* 32-bit comparisons, as tshark's */
                if ((min && first) || (min ? (gint32)s < (gint32)cur : (gint32)s > (gint32)cur))
                    cell->counter = u;
            } else if ((min && first) || (min ? s < cur : s > cur)) {
                cell->counter = u;
            }
        } else if ((min && first) || (min ? u < cell->counter : u > cell->counter)) {
            cell->counter = u;
        }
        break;
    }
    case WIREPY_IO_LOAD: {
        /* the time spent, in microseconds, spread back over the intervals
         * it covers (the first interval's "previous" is the last one) */
        guint64 us = (guint64)v.v1 * G_GUINT64_CONSTANT(1000000) + (guint64)(v.v2 / 1000);
        guint64 part = us % col->io->interval;
        cell->counter += part;
        us -= part;
        guint back = at == 0 ? col->cells->len - 1 : at - 1;
        while (us > 0) {
            wirepy_io_cell *prev = &g_array_index(col->cells, wirepy_io_cell, back);
            if (us < col->io->interval) {
                prev->counter += us;
                break;
            }
            prev->counter += col->io->interval;
            us -= col->io->interval;
            back = back == 0 ? col->cells->len - 1 : back - 1;
        }
        break;
    }
    default:
        break;
    }
}

static void
io_track_max(wirepy_io_column *col, wirepy_io_cell *cell)
{
    guint64 v = 0;
    switch (col->calc) {
    case WIREPY_IO_FRAMES:
        col->max_frames = MAX(col->max_frames, cell->frames);
        return;
    case WIREPY_IO_FRAMES_BYTES:
        col->max_frames = MAX(col->max_frames, cell->frames);
        v = cell->counter;
        break;
    case WIREPY_IO_BYTES: case WIREPY_IO_COUNT: case WIREPY_IO_LOAD:
        v = cell->counter;
        break;
    case WIREPY_IO_SUM: case WIREPY_IO_MIN: case WIREPY_IO_MAX:
        if (col->ftype == FT_FLOAT)
            v = (guint64)(cell->float_counter + 0.5);
        else if (col->ftype == FT_DOUBLE)
            v = (guint64)(cell->double_counter + 0.5);
        else
            v = cell->counter;
        break;
    case WIREPY_IO_AVG:
        if (cell->num == 0)
            return;
        if (col->ftype == FT_FLOAT)
            v = (guint64)cell->float_counter / cell->num;
        else if (col->ftype == FT_DOUBLE)
            v = (guint64)cell->double_counter / cell->num;
        else if (col->ftype == FT_RELATIVE_TIME)
            v = (cell->counter / cell->num + NS_PER_SEC / 2) / NS_PER_SEC;
        else
            v = cell->counter / cell->num;
        break;
    default:
        return;
    }
    col->max_value = MAX(col->max_value, v);
}

tap_packet_status
wirepy_io_column_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt,
                        const void *data _U_, tap_flags_t flags _U_)
{
    wirepy_io_column *col = tapdata;
    wirepy_io *io = col->io;
    guint64 rel;
    if (pinfo->rel_ts.secs >= 0 && pinfo->rel_ts.nsecs >= 0) {
        rel = (guint64)pinfo->rel_ts.secs * G_GUINT64_CONSTANT(1000000)
              + (guint64)((pinfo->rel_ts.nsecs + 500) / 1000);
        io->last_relative = rel;
    } else {
        rel = io->last_relative;
    }
    /* cells up to this frame's interval; a frame earlier than the current
     * interval (out of order) counts in the current one */
    if (col->cells->len == 0)
        g_array_set_size(col->cells, 1);
    guint at = col->cells->len - 1;
    if ((guint64)at * io->interval <= rel) {
        guint64 wanted = (rel - (guint64)at * io->interval) / io->interval + at;
        if (wanted >= WIREPY_IO_MAX_CELLS) {
            io->overflow = TRUE;
            return TAP_PACKET_DONT_REDRAW;
        }
        if (wanted > at) {
            g_array_set_size(col->cells, (guint)wanted + 1);
            at = (guint)wanted;
        }
    }
    wirepy_io_cell *cell = &g_array_index(col->cells, wirepy_io_cell, at);
    cell->frames++;
    if (col->calc == WIREPY_IO_FRAMES || col->calc == WIREPY_IO_BYTES
        || col->calc == WIREPY_IO_FRAMES_BYTES) {
        cell->counter += pinfo->fd->pkt_len;
    } else if (edt != NULL && edt->tree != NULL) {
        GPtrArray *found = proto_get_finfo_ptr_array(edt->tree, col->hfid);
        if (found != NULL) {
            if (col->calc == WIREPY_IO_COUNT) {
                cell->counter += found->len;
            } else {
                for (guint i = 0; i < found->len; i++)
                    io_add(col, at, g_ptr_array_index(found, i), cell->frames == 1 && i == 0);
            }
        }
    }
    io_track_max(col, &g_array_index(col->cells, wirepy_io_cell, at));
    return TAP_PACKET_REDRAW;
}

guint
wirepy_io_cells(wirepy_io *io, int column)
{
    return io->columns[column].cells->len;
}

void
wirepy_io_cell_get(wirepy_io *io, int column, guint i, wirepy_io_cell *out)
{
    *out = g_array_index(io->columns[column].cells, wirepy_io_cell, i);
}

void
wirepy_io_column_max(wirepy_io *io, int column, guint64 *max_value, guint64 *max_frames)
{
    *max_value = io->columns[column].max_value;
    *max_frames = io->columns[column].max_frames;
}

gboolean
wirepy_io_overflow(wirepy_io *io)
{
    return io->overflow;
}

void
wirepy_io_elapsed(wirepy_io *io, gint64 *secs, gint64 *nsecs)
{
    *secs = io->elapsed.secs;
    *nsecs = io->elapsed.nsecs;
}

/* format_size(size, FORMAT_SIZE_UNIT_BYTES, 0) into out (tshark's
 * conversation tables: "1865 bytes", "12 kB"): wsutil, no THROW. */
void
wirepy_format_bytes(gint64 size, char *out, gsize n)
{
    char *s = format_size_wmem(NULL, size, FORMAT_SIZE_UNIT_BYTES, 0);
    g_strlcpy(out, s, n);
    wmem_free(NULL, s);
}
