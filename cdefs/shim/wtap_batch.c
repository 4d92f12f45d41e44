/* wtap_batch.c -- wiretap hot paths for wirepy.lib.wtap (see wtap_batch.h). */
#include <string.h>
#include <arpa/inet.h>
#include "wtap_batch.h"
#include "wtap_compat.h"

/* NRB callbacks carry no user data: the reader being opened or read is
 * remembered here (all wirepy use of libwireshark is serialised). */
static wirepy_wtap_reader *current_reader;

static void
names_add(int af, const void *addr, const gchar *name)
{
    char text[64];
    if (current_reader == NULL || name == NULL)
        return;
    if (inet_ntop(af, addr, text, sizeof text) == NULL)
        return;
    g_string_append_printf(current_reader->names, "%s\t%s\n", text, name);
}

/* 4.4 added whether the name is a static entry (not kept here); 4.6 types
 * the IPv6 address. */
#if WIREPY_WS_AT_LEAST(4, 4)
static void
on_ipv4(const unsigned addr, const char *name, const bool static_entry)
{
    (void)static_entry;
    names_add(AF_INET, &addr, name);
}
#else
static void
on_ipv4(const guint addr, const gchar *name)
{
    names_add(AF_INET, &addr, name);
}
#endif

#if WIREPY_WS_AT_LEAST(4, 6)
static void
on_ipv6(const ws_in6_addr *addrp, const char *name, const bool static_entry)
{
    (void)static_entry;
    names_add(AF_INET6, addrp, name);
}
#elif WIREPY_WS_AT_LEAST(4, 4)
static void
on_ipv6(const void *addrp, const char *name, const bool static_entry)
{
    (void)static_entry;
    names_add(AF_INET6, addrp, name);
}
#else
static void
on_ipv6(const void *addrp, const gchar *name)
{
    names_add(AF_INET6, addrp, name);
}
#endif

wirepy_wtap_reader *
wirepy_wtap_reader_open(const char *filename, unsigned int type, gboolean random,
                        int *err, gchar **err_info)
{
    wirepy_wtap_reader *r = g_new0(wirepy_wtap_reader, 1);
    r->names = g_string_new(NULL);
    current_reader = r;
    r->wth = wtap_open_offline(filename, type, err, err_info, random);
    if (r->wth == NULL) {
        current_reader = NULL;
        g_string_free(r->names, TRUE);
        g_free(r);
        return NULL;
    }
    /* still the current reader: from 4.4 on wiretap reads the name
     * resolution blocks ahead of the packets and hands over what it has when
     * the callbacks are set */
    wtap_set_cb_new_ipv4(r->wth, on_ipv4);
    wtap_set_cb_new_ipv6(r->wth, on_ipv6);
    current_reader = NULL;
    wirepy_rec_init(&r->rec, &r->buf);
    return r;
}

void
wirepy_wtap_reader_close(wirepy_wtap_reader *r)
{
    if (r == NULL)
        return;
    wirepy_rec_free(&r->rec, &r->buf);
    if (r->wth)
        wtap_close(r->wth);
    g_string_free(r->names, TRUE);
    g_free(r);
}

void
wirepy_wtap_reader_cleareof(wirepy_wtap_reader *r)
{
    wtap_cleareof(r->wth);
    r->eof = FALSE;
}

const char *
wirepy_wtap_reader_names(wirepy_wtap_reader *r, gsize *len)
{
    *len = r->names->len;
    return r->names->str;
}

/* Length of the record's bytes in the buffer, from the member of the
 * anonymous union that matches its type. */
static guint32
rec_caplen(const wtap_rec *rec, guint32 *len, gint32 *encap, guint32 *ifid)
{
    switch (rec->rec_type) {
    case REC_TYPE_PACKET:
        *len = rec->rec_header.packet_header.len;
        *encap = rec->rec_header.packet_header.pkt_encap;
        *ifid = rec->rec_header.packet_header.interface_id;
        return rec->rec_header.packet_header.caplen;
    case REC_TYPE_FT_SPECIFIC_EVENT:
    case REC_TYPE_FT_SPECIFIC_REPORT:
        *len = rec->rec_header.ft_specific_header.record_len;
        *encap = WTAP_ENCAP_UNKNOWN;
        *ifid = 0;
        return rec->rec_header.ft_specific_header.record_len;
    case REC_TYPE_SYSCALL:
        *len = rec->rec_header.syscall_header.event_len;
        *encap = WTAP_ENCAP_UNKNOWN;
        *ifid = 0;
#if WIREPY_WS_AT_LEAST(4, 6)
        /* 4.6 keeps no file length in the header: the record's bytes are
         * what the file had */
        return (guint32)ws_buffer_length(&rec->data);
#else
        return rec->rec_header.syscall_header.event_filelen;
#endif
    case REC_TYPE_SYSTEMD_JOURNAL_EXPORT:
        *len = rec->rec_header.systemd_journal_export_header.record_len;
        *encap = WTAP_ENCAP_UNKNOWN;
        *ifid = 0;
        return rec->rec_header.systemd_journal_export_header.record_len;
    case REC_TYPE_CUSTOM_BLOCK:
        *len = rec->rec_header.custom_block_header.length;
        *encap = WTAP_ENCAP_UNKNOWN;
        *ifid = 0;
        return rec->rec_header.custom_block_header.length;
    default:
        *len = 0;
        *encap = WTAP_ENCAP_UNKNOWN;
        *ifid = 0;
        return 0;
    }
}

/* Bytes the record needs in the data buffer: packet bytes plus comments. */
static gsize
rec_space(const wtap_rec *rec, guint32 caplen)
{
    gsize space = caplen;
    if (rec->block != NULL) {
        guint n = wtap_block_count_option(rec->block, OPT_COMMENT);
        for (guint i = 0; i < n; i++) {
            char *c = NULL;
            if (wtap_block_get_nth_string_option_value(rec->block, OPT_COMMENT, i, &c)
                    == WTAP_OPTTYPE_SUCCESS && c != NULL)
                space += strlen(c) + 1;
        }
    }
    return space;
}

/* Copy the current record into hdr and data + pos (space already checked). */
static gsize
rec_store(const wtap_rec *rec, const guint8 *bytes, gint64 offset, wirepy_wtap_hdr *hdr,
          guint8 *data, gsize pos)
{
    guint32 len, ifid;
    gint32 encap;
    guint32 caplen = rec_caplen(rec, &len, &encap, &ifid);
    gsize start = pos;

    hdr->offset = offset;
    hdr->ts_secs = (gint64)rec->ts.secs;
    hdr->ts_nsecs = rec->ts.nsecs;
    hdr->caplen = caplen;
    hdr->len = len;
    hdr->pkt_encap = encap;
    hdr->interface_id = ifid;
    hdr->presence_flags = rec->presence_flags;
    hdr->rec_type = rec->rec_type;
    hdr->tsprec = rec->tsprec;
    hdr->section_number = rec->section_number;
    hdr->pack_flags = 0;
    hdr->drop_count = 0;
    hdr->has_flags = 0;
    hdr->n_comments = 0;
    hdr->data_off = pos;
    if (caplen)
        memcpy(data + pos, bytes, caplen);
    pos += caplen;
    hdr->comments_off = pos;
    if (rec->block != NULL) {
        guint32 flags;
        guint64 drops;
        guint n = wtap_block_count_option(rec->block, OPT_COMMENT);
        if (wtap_block_get_uint32_option_value(rec->block, OPT_PKT_FLAGS, &flags)
                == WTAP_OPTTYPE_SUCCESS) {
            hdr->pack_flags = flags;
            hdr->has_flags |= 1;
        }
        if (wtap_block_get_uint64_option_value(rec->block, OPT_PKT_DROPCOUNT, &drops)
                == WTAP_OPTTYPE_SUCCESS) {
            hdr->drop_count = drops;
            hdr->has_flags |= 2;
        }
        for (guint i = 0; i < n; i++) {
            char *c = NULL;
            if (wtap_block_get_nth_string_option_value(rec->block, OPT_COMMENT, i, &c)
                    == WTAP_OPTTYPE_SUCCESS && c != NULL) {
                gsize l = strlen(c) + 1;
                memcpy(data + pos, c, l);
                pos += l;
                hdr->n_comments++;
            }
        }
    }
    hdr->comments_len = pos - hdr->comments_off;
    return pos - start;
}

int
wirepy_wtap_read_batch(wirepy_wtap_reader *r, wirepy_wtap_hdr *hdrs, int max,
                       guint8 *data, gsize cap, gsize *used, gsize *need,
                       int *err, gchar **err_info)
{
    int n = 0;
    gsize pos = 0;

    *err = 0;
    *err_info = NULL;
    *need = 0;
    current_reader = r;
    while (n < max) {
        guint32 len, ifid;
        gint32 encap;
        gsize space;
        if (!r->pending) {
            if (r->eof)
                break;
            if (!wirepy_rec_read(r->wth, &r->rec, &r->buf, err, err_info, &r->pending_offset)) {
                if (*err == 0)
                    r->eof = TRUE;
                break;
            }
            r->pending = TRUE;
        }
        space = rec_space(&r->rec, rec_caplen(&r->rec, &len, &encap, &ifid));
        if (space > cap - pos) {
            if (n == 0)
                *need = space;
            break;
        }
        pos += rec_store(&r->rec, wirepy_rec_bytes(&r->rec, &r->buf), r->pending_offset, &hdrs[n], data, pos);
        n++;
        r->pending = FALSE;
        r->delivered++;
        wtap_rec_reset(&r->rec);
    }
    current_reader = NULL;
    *used = pos;
    return n;
}

gint64
wirepy_wtap_skip(wirepy_wtap_reader *r, gint64 count, int *err, gchar **err_info)
{
    gint64 done = 0, offset;
    *err = 0;
    *err_info = NULL;
    current_reader = r;
    if (r->pending && done < count) {
        r->pending = FALSE;
        wtap_rec_reset(&r->rec);
        done++;
    }
    while (done < count && !r->eof) {
        if (!wirepy_rec_read(r->wth, &r->rec, &r->buf, err, err_info, &offset)) {
            if (*err == 0)
                r->eof = TRUE;
            break;
        }
        wtap_rec_reset(&r->rec);
        done++;
    }
    current_reader = NULL;
    r->delivered += done;
    return done;
}

int
wirepy_wtap_seek_read(wirepy_wtap_reader *r, gint64 offset, wirepy_wtap_hdr *hdr,
                      guint8 *data, gsize cap, gsize *need, int *err, gchar **err_info)
{
    wtap_rec rec;
    Buffer buf;
    guint32 len, ifid;
    gint32 encap;
    gsize space;
    int ok;

    *need = 0;
    wirepy_rec_init(&rec, &buf);
    ok = wirepy_rec_seek_read(r->wth, offset, &rec, &buf, err, err_info);
    if (ok) {
        space = rec_space(&rec, rec_caplen(&rec, &len, &encap, &ifid));
        if (space > cap) {
            *need = space;
            ok = FALSE;
        } else {
            rec_store(&rec, wirepy_rec_bytes(&rec, &buf), offset, hdr, data, 0);
        }
    }
    wirepy_rec_free(&rec, &buf);
    return ok;
}

/* -- blocks ------------------------------------------------------------ */

guint
wirepy_wtap_num_idbs(wtap *wth)
{
    wtapng_iface_descriptions_t *info = wtap_file_get_idb_info(wth);
    guint n = info->interface_data ? info->interface_data->len : 0;
    g_free(info);
    return n;
}

wtap_block_t
wirepy_wtap_get_idb(wtap *wth, guint idx)
{
    wtapng_iface_descriptions_t *info = wtap_file_get_idb_info(wth);
    wtap_block_t idb = NULL;
    if (info->interface_data && idx < info->interface_data->len)
        idb = g_array_index(info->interface_data, wtap_block_t, idx);
    g_free(info);
    return idb;
}

wtapng_if_descr_mandatory_t *
wirepy_wtap_idb_mandatory(wtap_block_t idb)
{
    return (wtapng_if_descr_mandatory_t *)wtap_block_get_mandatory_data(idb);
}

static const GArray *
wth_dsbs(wtap *wth)
{
    wtap_dump_params params;
    const GArray *dsbs;
    wtap_dump_params_init_no_idbs(&params, wth);
    dsbs = params.dsbs_growing;
    g_free(params.idb_inf);
    params.idb_inf = NULL;
    wtap_dump_params_cleanup(&params);
    return dsbs;
}

guint
wirepy_wtap_num_dsbs(wtap *wth)
{
    const GArray *dsbs = wth_dsbs(wth);
    return dsbs ? dsbs->len : 0;
}

wtap_block_t
wirepy_wtap_get_dsb(wtap *wth, guint idx)
{
    const GArray *dsbs = wth_dsbs(wth);
    if (dsbs == NULL || idx >= dsbs->len)
        return NULL;
    return g_array_index(dsbs, wtap_block_t, idx);
}

wtapng_dsb_mandatory_t *
wirepy_wtap_dsb_mandatory(wtap_block_t dsb)
{
    return (wtapng_dsb_mandatory_t *)wtap_block_get_mandatory_data(dsb);
}

guint
wirepy_wtap_num_nrbs(wtap *wth)
{
    return wtap_file_get_nrb(wth) != NULL ? 1 : 0;
}

wtap_block_t
wirepy_wtap_get_nrb(wtap *wth, guint idx)
{
    return idx == 0 ? wtap_file_get_nrb(wth) : NULL;
}

int
wirepy_block_get_string(wtap_block_t block, guint option_id, guint idx, char **value)
{
    /* 4.0 keeps single- and multiple-instance options apart: each getter
     * refuses the other kind. */
    if (idx == 0 && wtap_block_get_string_option_value(block, option_id, value)
            == WTAP_OPTTYPE_SUCCESS)
        return WTAP_OPTTYPE_SUCCESS;
    return wtap_block_get_nth_string_option_value(block, option_id, idx, value);
}

int
wirepy_block_get_uint8(wtap_block_t block, guint option_id, guint8 *value)
{
    return wtap_block_get_uint8_option_value(block, option_id, value);
}

int
wirepy_block_get_uint64(wtap_block_t block, guint option_id, guint64 *value)
{
    return wtap_block_get_uint64_option_value(block, option_id, value);
}

/* -- writing ----------------------------------------------------------- */

static void
set_string(wtap_block_t block, guint option, const char *value)
{
    if (value == NULL)
        return;
    if (wtap_block_set_string_option_value(block, option, value, strlen(value))
            != WTAP_OPTTYPE_SUCCESS)
        wtap_block_add_string_option(block, option, value, strlen(value));
}

static wtap_block_t
make_idb(const wirepy_wtap_idb *spec)
{
    wtap_block_t idb = wtap_block_create(WTAP_BLOCK_IF_ID_AND_INFO);
    wtapng_if_descr_mandatory_t *m = wtap_block_get_mandatory_data(idb);
    int resol = spec->tsresol < 0 ? 6 : spec->tsresol;
    guint64 units = 1;

    if (resol & 0x80) {
        for (int i = 0; i < (resol & 0x7f) && i < 63; i++)
            units *= 2;
    } else {
        for (int i = 0; i < resol && i < 19; i++)
            units *= 10;
    }
    m->wtap_encap = spec->encap;
    m->time_units_per_second = units;
    if (units >= 1000000000)
        m->tsprecision = WTAP_TSPREC_NSEC;
    else if (units >= 1000000)
        m->tsprecision = WTAP_TSPREC_USEC;
    else if (units >= 1000)
        m->tsprecision = WTAP_TSPREC_MSEC;
    else if (units >= 100)
        m->tsprecision = WTAP_TSPREC_CSEC;
    else if (units >= 10)
        m->tsprecision = WTAP_TSPREC_DSEC;
    else
        m->tsprecision = WTAP_TSPREC_SEC;
    m->snap_len = spec->snaplen ? spec->snaplen : WTAP_MAX_PACKET_SIZE_STANDARD;
    m->num_stat_entries = 0;
    m->interface_statistics = NULL;
    if (resol != 6)
        wtap_block_add_uint8_option(idb, OPT_IDB_TSRESOL, (guint8)resol);
    set_string(idb, OPT_IDB_NAME, spec->name);
    set_string(idb, OPT_IDB_DESCRIPTION, spec->description);
    set_string(idb, OPT_IDB_OS, spec->os);
    set_string(idb, OPT_IDB_HARDWARE, spec->hardware);
    if (spec->speed)
        wtap_block_add_uint64_option(idb, OPT_IDB_SPEED, spec->speed);
    if (spec->fcslen >= 0)
        wtap_block_add_uint8_option(idb, OPT_IDB_FCSLEN, (guint8)spec->fcslen);
    (void)spec->filter;    /* if_filter needs a struct; names and comments suffice */
    return idb;
}

static void
writer_free(wirepy_wtap_writer *w)
{
    if (w->own_idbs) {
        for (guint i = 0; i < w->own_idbs->interface_data->len; i++)
            wtap_block_unref(g_array_index(w->own_idbs->interface_data, wtap_block_t, i));
        g_array_free(w->own_idbs->interface_data, TRUE);
        g_free(w->own_idbs);
    }
    g_free(w->src_idbs);
    w->params.idb_inf = NULL;
    wtap_dump_params_cleanup(&w->params);
    g_free(w);
}

wirepy_wtap_writer *
wirepy_wtap_writer_open(const char *filename, int file_type, int compression,
                        int encap, int snaplen, int tsprec, wtap *src, gboolean copy_secrets,
                        const char *shb_comment, const char *shb_hardware,
                        const char *shb_os, const char *shb_appl,
                        const wirepy_wtap_idb *idbs, int n_idbs,
                        int *err, gchar **err_info)
{
    wirepy_wtap_writer *w = g_new0(wirepy_wtap_writer, 1);
    gboolean has_idbs = wtap_file_type_subtype_supports_block(file_type, WTAP_BLOCK_IF_ID_AND_INFO)
        != BLOCK_NOT_SUPPORTED;

    *err = 0;
    *err_info = NULL;
    w->src = src;
    if (src != NULL) {
        wtap_dump_params_init_no_idbs(&w->params, src);
        w->src_idbs = w->params.idb_inf;
        if (!copy_secrets)
            wtap_dump_params_discard_decryption_secrets(&w->params);
        w->add_idbs = has_idbs && n_idbs == 0;
    }
    if (encap != WTAP_ENCAP_UNKNOWN || src == NULL)
        w->params.encap = encap;
    if (snaplen >= 0)
        w->params.snaplen = snaplen;
    if (tsprec != WTAP_TSPREC_UNKNOWN || src == NULL)
        w->params.tsprec = tsprec;
    if (shb_comment || shb_hardware || shb_os || shb_appl) {
        wtap_block_t shb;
        if (w->params.shb_hdrs == NULL || w->params.shb_hdrs->len == 0) {
            if (w->params.shb_hdrs == NULL)
                w->params.shb_hdrs = g_array_new(FALSE, FALSE, sizeof(wtap_block_t));
            shb = wtap_block_create(WTAP_BLOCK_SECTION);
            ((wtapng_section_mandatory_t *)wtap_block_get_mandatory_data(shb))->section_length
                = G_GUINT64_CONSTANT(0xFFFFFFFFFFFFFFFF);
            g_array_append_val(w->params.shb_hdrs, shb);
        }
        shb = g_array_index(w->params.shb_hdrs, wtap_block_t, 0);
        if (shb_comment) {
            while (wtap_block_count_option(shb, OPT_COMMENT) > 0)
                wtap_block_remove_nth_option_instance(shb, OPT_COMMENT, 0);
            wtap_block_add_string_option(shb, OPT_COMMENT, shb_comment, strlen(shb_comment));
        }
        set_string(shb, OPT_SHB_HARDWARE, shb_hardware);
        set_string(shb, OPT_SHB_OS, shb_os);
        set_string(shb, OPT_SHB_USERAPPL, shb_appl);
    }
    if (n_idbs > 0) {
        w->own_idbs = g_new0(wtapng_iface_descriptions_t, 1);
        w->own_idbs->interface_data = g_array_new(FALSE, FALSE, sizeof(wtap_block_t));
        for (int i = 0; i < n_idbs; i++) {
            wtap_block_t idb = make_idb(&idbs[i]);
            g_array_append_val(w->own_idbs->interface_data, idb);
        }
        w->params.idb_inf = w->own_idbs;
        w->params.dont_copy_idbs = FALSE;
    }
    {
        /* A source whose IDBs come after other blocks (a DSB or custom
         * block first) has none yet; wtap_dump_open would then invent one
         * for the per-packet encapsulation, which pcapng cannot write.
         * Like tshark, show it a placeholder that is never copied (IDBs
         * are added as they are read) and take it out again. */
        GArray *ifs = (w->src_idbs && w->params.dont_copy_idbs && w->params.idb_inf
                       == w->src_idbs) ? w->src_idbs->interface_data : NULL;
        gboolean placeholder = has_idbs && ifs != NULL && ifs->len == 0;
        if (placeholder) {
            wtap_block_t none = NULL;
            g_array_insert_val(ifs, 0, none);
        }
        w->wdh = wtap_dump_open(filename, file_type, (wtap_compression_type)compression,
                                &w->params, err, err_info);
        if (placeholder)
            g_array_remove_index(ifs, 0);
    }
    if (w->wdh == NULL) {
        writer_free(w);
        return NULL;
    }
    if (w->add_idbs && !wirepy_wtap_writer_add_new_idbs(w, err, err_info)) {
        int e2;
        gchar *ei2 = NULL;
        wtap_dump_close(w->wdh, NULL, &e2, &ei2);
        g_free(ei2);
        writer_free(w);
        return NULL;
    }
    return w;
}

gboolean
wirepy_wtap_writer_add_new_idbs(wirepy_wtap_writer *w, int *err, gchar **err_info)
{
    wtap_block_t idb;
    *err = 0;
    *err_info = NULL;
    if (w->src == NULL)
        return TRUE;
    while ((idb = wtap_get_next_interface_description(w->src)) != NULL) {
        if (w->add_idbs && !wtap_dump_add_idb(w->wdh, idb, err, err_info)) {
            if (*err != WTAP_ERR_UNWRITABLE_REC_TYPE)
                return FALSE;
            /* The type claims IDB support but has no add_idb routine (erf
             * in 4.0): it builds its own descriptions from the records. */
            g_free(*err_info);
            *err_info = NULL;
            *err = 0;
            w->add_idbs = FALSE;
        }
    }
    return TRUE;
}

int
wirepy_wtap_write_batch(wirepy_wtap_writer *w, const wirepy_wtap_hdr *hdrs, int n,
                        const guint8 *data, int *err, gchar **err_info)
{
    wtap_rec rec;
    Buffer own;
    int done = 0;

    *err = 0;
    *err_info = NULL;
    wirepy_rec_init(&rec, &own);
    for (; done < n; done++) {
        const wirepy_wtap_hdr *h = &hdrs[done];
        gboolean ok;
        memset(&rec.rec_header, 0, sizeof rec.rec_header);
        wirepy_rec_setup_packet(&rec, h->pkt_encap);
        rec.presence_flags = h->presence_flags;
        rec.section_number = h->section_number;
        rec.ts.secs = (time_t)h->ts_secs;
        rec.ts.nsecs = h->ts_nsecs;
        rec.tsprec = h->tsprec;
        rec.rec_header.packet_header.caplen = h->caplen;
        rec.rec_header.packet_header.len = h->len;
        rec.rec_header.packet_header.interface_id = h->interface_id;
        rec.block = NULL;
        if (h->n_comments || h->has_flags) {
            const char *c = (const char *)data + h->comments_off;
            rec.block = wtap_block_create(WTAP_BLOCK_PACKET);
            for (guint32 i = 0; i < h->n_comments; i++) {
                gsize l = strlen(c);
                wtap_block_add_string_option(rec.block, OPT_COMMENT, c, l);
                c += l + 1;
            }
            if (h->has_flags & 1)
                wtap_block_add_uint32_option(rec.block, OPT_PKT_FLAGS, h->pack_flags);
            if (h->has_flags & 2)
                wtap_block_add_uint64_option(rec.block, OPT_PKT_DROPCOUNT, h->drop_count);
        }
        ok = wirepy_rec_dump(w->wdh, &rec, data + h->data_off, h->caplen, err, err_info);
        if (rec.block) {
            wtap_block_unref(rec.block);
            rec.block = NULL;
        }
        if (!ok)
            break;
        w->written++;
    }
    wirepy_rec_free(&rec, &own);
    return done;
}

gint64
wirepy_wtap_copy(wirepy_wtap_reader *r, wirepy_wtap_writer *w, int *err,
                 gchar **err_info, int *write_failed)
{
    gint64 n = 0, offset;
    *err = 0;
    *err_info = NULL;
    *write_failed = 0;
    current_reader = r;
    while (wirepy_rec_read(r->wth, &r->rec, &r->buf, err, err_info, &offset)) {
        if (w->add_idbs && !wirepy_wtap_writer_add_new_idbs(w, err, err_info)) {
            *write_failed = 1;
            break;
        }
        guint32 len, ifid;
        gint32 encap;
        guint32 caplen = rec_caplen(&r->rec, &len, &encap, &ifid);
        if (!wirepy_rec_dump(w->wdh, &r->rec, wirepy_rec_bytes(&r->rec, &r->buf), caplen,
                             err, err_info)) {
            *write_failed = 1;
            wtap_rec_reset(&r->rec);
            break;
        }
        wtap_rec_reset(&r->rec);
        n++;
    }
    current_reader = NULL;
    if (*err == 0)
        r->eof = TRUE;
    r->delivered += n;
    w->written += n;
    return n;
}

gboolean
wirepy_wtap_writer_flush(wirepy_wtap_writer *w, int *err)
{
    return wtap_dump_flush(w->wdh, err);
}

gboolean
wirepy_wtap_writer_close(wirepy_wtap_writer *w, int *err, gchar **err_info)
{
    gboolean ok;
    *err = 0;
    *err_info = NULL;
    ok = wtap_dump_close(w->wdh, NULL, err, err_info);
    writer_free(w);
    return ok;
}
