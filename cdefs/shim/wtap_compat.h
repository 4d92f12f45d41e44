/* wtap_compat.h -- reading a wiretap record and dissecting it, one API for
 * every Wireshark series.
 *
 * Up to 4.4 the caller keeps a record's bytes in a Buffer of its own (*own*
 * below), passes it to wtap_read and makes the frame's tvb from it; from
 * 4.6 a wtap_rec carries its bytes (rec->data) and epan makes the tvb. The
 * shim reads and writes records only through these functions, so that
 * difference is here and nowhere else. (Named wirepy_rec_*: wirepy_wtap_*
 * are the Python-facing batch functions of wtap_batch.c.)
 */
#ifndef WIREPY_WTAP_COMPAT_H
#define WIREPY_WTAP_COMPAT_H

#include <glib.h>
#include <wiretap/wtap.h>
#include <wsutil/buffer.h>
#include <epan/epan.h>
#include <epan/column-info.h>
#include <epan/tvbuff.h>
#include "wirepy_version.h"

#define WIREPY_REC_SPACE 1514

static inline void
wirepy_rec_init(wtap_rec *rec, Buffer *own)
{
#if WIREPY_WS_AT_LEAST(4, 6)
    wtap_rec_init(rec, WIREPY_REC_SPACE);
    ws_buffer_init(own, 0);
#else
    wtap_rec_init(rec);
    ws_buffer_init(own, WIREPY_REC_SPACE);
#endif
}

static inline void
wirepy_rec_free(wtap_rec *rec, Buffer *own)
{
    wtap_rec_cleanup(rec);
    ws_buffer_free(own);
}

/* Where the record's bytes are. */
static inline Buffer *
wirepy_rec_buffer(wtap_rec *rec, Buffer *own)
{
#if WIREPY_WS_AT_LEAST(4, 6)
    (void)own;
    return &rec->data;
#else
    (void)rec;
    return own;
#endif
}

static inline const guint8 *
wirepy_rec_bytes(wtap_rec *rec, Buffer *own)
{
    return ws_buffer_start_ptr(wirepy_rec_buffer(rec, own));
}

/* The record's bytes replaced by *data* (a frame handed over by Python). */
static inline void
wirepy_rec_set_bytes(wtap_rec *rec, Buffer *own, const guint8 *data, gsize len)
{
    Buffer *b = wirepy_rec_buffer(rec, own);
    ws_buffer_clean(b);
    ws_buffer_append(b, (guint8 *)data, len);
}

static inline gboolean
wirepy_rec_read(wtap *wth, wtap_rec *rec, Buffer *own, int *err, gchar **err_info,
                 gint64 *offset)
{
#if WIREPY_WS_AT_LEAST(4, 6)
    (void)own;
    return wtap_read(wth, rec, err, err_info, offset);
#else
    return wtap_read(wth, rec, own, err, err_info, offset);
#endif
}

static inline gboolean
wirepy_rec_seek_read(wtap *wth, gint64 off, wtap_rec *rec, Buffer *own, int *err,
                      gchar **err_info)
{
#if WIREPY_WS_AT_LEAST(4, 6)
    (void)own;
    return wtap_seek_read(wth, off, rec, err, err_info);
#else
    return wtap_seek_read(wth, off, rec, own, err, err_info);
#endif
}

/* *rec* made a packet record of link type *encap* (its other members set by
 * the caller afterwards): 4.6 names the record type in the record
 * (rec_type_name, shown in the frame's label), which its setup function
 * fills in; without it the frame dissector gives nothing. */
static inline void
wirepy_rec_setup_packet(wtap_rec *rec, int encap)
{
#if WIREPY_WS_AT_LEAST(4, 6)
    wtap_setup_packet_rec(rec, encap);
#else
    rec->rec_type = REC_TYPE_PACKET;
    rec->rec_header.packet_header.pkt_encap = encap;
#endif
}

/* wtap_dump of *rec* whose bytes are data[0..len): 4.6 takes them from
 * rec->data, so they are copied there unless they are there already (a
 * record just read). */
static inline gboolean
wirepy_rec_dump(wtap_dumper *wdh, wtap_rec *rec, const guint8 *data, gsize len, int *err,
                gchar **err_info)
{
#if WIREPY_WS_AT_LEAST(4, 6)
    if (data != ws_buffer_start_ptr(&rec->data)) {
        ws_buffer_clean(&rec->data);
        if (len)
            ws_buffer_append(&rec->data, (guint8 *)data, len);
    }
    return wtap_dump(wdh, rec, err, err_info);
#else
    (void)len;
    return wtap_dump(wdh, rec, data, err, err_info);
#endif
}

/* epan_dissect_run_with_taps on the record *rec* (its bytes in *own* up to
 * 4.4) as frame *fd*. */
static inline void
wirepy_dissect_run_with_taps(epan_dissect_t *edt, int file_type_subtype, wtap_rec *rec,
                             Buffer *own, frame_data *fd, column_info *cinfo)
{
#if WIREPY_WS_AT_LEAST(4, 6)
    (void)own;
    epan_dissect_run_with_taps(edt, file_type_subtype, rec, fd, cinfo);
#else
    guint32 reported = fd->pkt_len > G_MAXINT ? G_MAXINT : fd->pkt_len;
    tvbuff_t *tvb = tvb_new_real_data(ws_buffer_start_ptr(own), fd->cap_len, (gint)reported);
    epan_dissect_run_with_taps(edt, file_type_subtype, rec, tvb, fd, cinfo);
#endif
}

#endif /* WIREPY_WTAP_COMPAT_H */
