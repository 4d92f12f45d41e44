/* follow.c -- following a stream on Wireshark's follow machinery (see
 * follow.h). The follower's packet callback runs inside
 * epan_dissect_run_with_taps (the shim's TRY, dissect.c). Nothing called
 * here runs a dissector or formats a field value, and none of it THROWs:
 * the followers' index-filter functions print a string, address_to_str_buf
 * formats an address into a buffer, the lookups walk a wmem tree,
 * follow_reset_stream and the frees release memory. */
#include <string.h>
#include <epan/address.h>
#include <epan/address_types.h>
#include <epan/follow.h>
#include <epan/proto.h>
#include <epan/to_str.h>
#include "wirepy_version.h"
#include "registry.h"
#include "follow.h"

struct wirepy_follow {
    follow_info_t info;               /* first: the tapdata the handler gets */
    register_follow_t *follower;
    guint64 substream_id;             /* follow_reset_stream clears it */
    char *tap;
};

static int
follow_proto(const void *registration)
{
    return get_follow_proto_id((register_follow_t *)registration);
}

static register_follow_t *
follow_find(const char *proto)
{
    return wirepy_registry_find(follow_iterate_followers, follow_proto, proto);
}

gboolean
wirepy_follow_known(const char *proto)
{
    return follow_find(proto) != NULL;
}

gchar *
wirepy_follow_names(void)
{
    return wirepy_registry_names(follow_iterate_followers, follow_proto);
}

wirepy_follow *
wirepy_follow_new(const char *proto, guint stream, guint sub_stream)
{
    register_follow_t *follower = follow_find(proto);
    wirepy_follow *f;
    gchar *filter;
    if (follower == NULL)
        return NULL;
    filter = get_follow_index_func(follower)(stream, sub_stream);
    if (filter == NULL)
        return NULL;
    f = g_new0(wirepy_follow, 1);
    f->follower = follower;
    f->info.filter_out_filter = filter;
    /* as tshark: the sub-stream is set for the protocols that have one */
    if (strcmp(proto, "http2") == 0 || strcmp(proto, "quic") == 0)
        f->substream_id = sub_stream;
    else
        f->substream_id = SUBSTREAM_UNUSED;
    f->info.substream_id = f->substream_id;
    f->tap = g_strdup(get_follow_tap_string(follower));
    return f;
}

static void
follow_free_records(GList *records)
{
    GList *cur;
    for (cur = records; cur; cur = g_list_next(cur)) {
        follow_record_t *record = cur->data;
        if (record == NULL)
            continue;
        if (record->data)
            g_byte_array_free(record->data, TRUE);
        g_free(record);
    }
    g_list_free(records);
}

/* Empties the follow_info_t, keeping its filter and sub-stream. In 4.0
 * follow_reset_stream leaves the payload and drops the fragments without
 * freeing them; from 4.4 it frees both: freed here first either way. */
void
wirepy_follow_reset(void *tapdata)
{
    wirepy_follow *f = tapdata;
    follow_free_records(f->info.payload);
    f->info.payload = NULL;
    follow_free_records(f->info.fragments[0]);
    follow_free_records(f->info.fragments[1]);
    f->info.fragments[0] = f->info.fragments[1] = NULL;
    free_address(&f->info.client_ip);
    free_address(&f->info.server_ip);
    follow_reset_stream(&f->info);
    f->info.substream_id = f->substream_id;
}

void
wirepy_follow_free(wirepy_follow *f)
{
    if (f == NULL)
        return;
    wirepy_follow_reset(f);
    g_free(f->info.filter_out_filter);
    g_free(f->tap);
    g_free(f);
}

const char *
wirepy_follow_tap(wirepy_follow *f)
{
    return f->tap;
}

const char *
wirepy_follow_filter(wirepy_follow *f)
{
    return f->info.filter_out_filter;
}

const char *
wirepy_follow_protocol(wirepy_follow *f)
{
    return proto_get_protocol_filter_name(get_follow_proto_id(f->follower));
}

void *
wirepy_follow_tapdata(wirepy_follow *f)
{
    return f;
}

tap_packet_cb
wirepy_follow_packet_cb(wirepy_follow *f)
{
    return get_follow_tap_handler(f->follower);
}

guint
wirepy_follow_count(wirepy_follow *f)
{
    return g_list_length(f->info.payload);
}

/* The payload list is newest first: written out oldest first. */
void
wirepy_follow_chunks(wirepy_follow *f, wirepy_follow_chunk *out)
{
    GList *cur;
    guint i = 0;
    for (cur = g_list_last(f->info.payload); cur; cur = g_list_previous(cur), i++) {
        follow_record_t *record = cur->data;
        out[i].packet = record->packet_num;
        out[i].is_server = record->is_server ? 1 : 0;
        out[i].len = record->data ? record->data->len : 0;
        out[i].data = record->data ? record->data->data : NULL;
        out[i].secs = (gint64)record->abs_ts.secs;
        out[i].nsecs = record->abs_ts.nsecs;
    }
}

guint
wirepy_follow_bytes(wirepy_follow *f, int server)
{
    return f->info.bytes_written[server ? 1 : 0];
}

gboolean
wirepy_follow_node(wirepy_follow *f, int server, char *buf, gulong buflen, guint *port)
{
    address *addr = server ? &f->info.server_ip : &f->info.client_ip;
    address_to_str_buf(addr, buf, (int)buflen);
    *port = server ? f->info.server_port : f->info.client_port;
    return addr->type == AT_IPv6;
}
