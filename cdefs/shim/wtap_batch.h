/* wtap_batch.h -- wiretap hot paths and helpers for wirepy.lib.wtap.
 *
 * Reading many records per call into one contiguous buffer plus an array
 * of fixed-size headers (one Python/C crossing per batch, not per packet),
 * random access into the same layout, writing records described by the
 * same headers, a C copy loop for conversions, and the pcapng block
 * plumbing (SHB/IDB creation, NRB entries, DSB access) that touches the
 * anonymous `rec_header` union or takes callbacks without user data.
 * Mirrored for CFFI by cdefs/shim_wtap.py.
 */
#ifndef WIREPY_WTAP_BATCH_H
#define WIREPY_WTAP_BATCH_H

#include <glib.h>
#include <wiretap/wtap.h>
#include <wiretap/wtap_opttypes.h>

/* One record; packet bytes (and comments) live in a separate data buffer. */
typedef struct {
    gint64 offset;          /* data offset from wtap_read, for wtap_seek_read */
    gint64 ts_secs;
    gint32 ts_nsecs;
    guint32 caplen;         /* bytes in the file (and in the data buffer) */
    guint32 len;            /* bytes on the wire */
    gint32 pkt_encap;
    guint32 interface_id;
    guint32 presence_flags;
    guint32 rec_type;
    gint32 tsprec;
    guint32 section_number;
    guint32 pack_flags;     /* pcapng epb_flags, 0 when absent */
    guint64 drop_count;     /* pcapng epb_dropcount, 0 when absent */
    guint32 has_flags;      /* bit 0: pack_flags present, bit 1: drop_count present */
    guint32 n_comments;
    guint64 data_off;       /* packet bytes at data + data_off */
    guint64 comments_off;   /* n_comments NUL-terminated strings at data + comments_off */
    guint64 comments_len;
} wirepy_wtap_hdr;

typedef struct wirepy_wtap_reader {
    wtap *wth;
    wtap_rec rec;
    Buffer buf;
    gboolean pending;       /* rec/buf hold a record read but not yet delivered */
    gint64 pending_offset;
    gboolean eof;
    guint64 delivered;
    GString *names;         /* NRB entries: "address\tname\n" lines */
} wirepy_wtap_reader;

typedef struct wirepy_wtap_writer {
    wtap_dumper *wdh;
    wtap_dump_params params;
    wtapng_iface_descriptions_t *own_idbs;   /* IDBs we built (NULL if none) */
    wtapng_iface_descriptions_t *src_idbs;   /* wtap_file_get_idb_info result to g_free */
    wtap *src;
    gboolean add_idbs;      /* the file type takes IDBs: copy new ones from src */
    guint64 written;
} wirepy_wtap_writer;

/* Interface description for a new file. */
typedef struct {
    gint32 encap;
    guint32 snaplen;
    gint32 tsresol;         /* pcapng if_tsresol byte, -1 = default (usec) */
    const char *name;
    const char *description;
    const char *os;
    const char *hardware;
    const char *filter;
    guint64 speed;          /* 0 = absent */
    gint32 fcslen;          /* -1 = absent */
} wirepy_wtap_idb;

/* Reading */
wirepy_wtap_reader *wirepy_wtap_reader_open(const char *filename, unsigned int type,
                                            gboolean random, int *err, gchar **err_info);
void wirepy_wtap_reader_close(wirepy_wtap_reader *r);
void wirepy_wtap_reader_cleareof(wirepy_wtap_reader *r);
int wirepy_wtap_read_batch(wirepy_wtap_reader *r, wirepy_wtap_hdr *hdrs, int max,
                           guint8 *data, gsize cap, gsize *used, gsize *need,
                           int *err, gchar **err_info);
gint64 wirepy_wtap_skip(wirepy_wtap_reader *r, gint64 count, int *err, gchar **err_info);
int wirepy_wtap_seek_read(wirepy_wtap_reader *r, gint64 offset, wirepy_wtap_hdr *hdr,
                          guint8 *data, gsize cap, gsize *need, int *err, gchar **err_info);
const char *wirepy_wtap_reader_names(wirepy_wtap_reader *r, gsize *len);

/* Blocks */
guint wirepy_wtap_num_idbs(wtap *wth);
wtap_block_t wirepy_wtap_get_idb(wtap *wth, guint idx);
wtapng_if_descr_mandatory_t *wirepy_wtap_idb_mandatory(wtap_block_t idb);
guint wirepy_wtap_num_dsbs(wtap *wth);
wtap_block_t wirepy_wtap_get_dsb(wtap *wth, guint idx);
wtapng_dsb_mandatory_t *wirepy_wtap_dsb_mandatory(wtap_block_t dsb);
guint wirepy_wtap_num_nrbs(wtap *wth);
wtap_block_t wirepy_wtap_get_nrb(wtap *wth, guint idx);
int wirepy_block_get_string(wtap_block_t block, guint option_id, guint idx, char **value);
int wirepy_block_get_uint8(wtap_block_t block, guint option_id, guint8 *value);
int wirepy_block_get_uint64(wtap_block_t block, guint option_id, guint64 *value);

/* Writing */
wirepy_wtap_writer *wirepy_wtap_writer_open(const char *filename, int file_type, int compression,
                                            int encap, int snaplen, int tsprec, wtap *src,
                                            gboolean copy_secrets,
                                            const char *shb_comment, const char *shb_hardware,
                                            const char *shb_os, const char *shb_appl,
                                            const wirepy_wtap_idb *idbs, int n_idbs,
                                            int *err, gchar **err_info);
int wirepy_wtap_write_batch(wirepy_wtap_writer *w, const wirepy_wtap_hdr *hdrs, int n,
                            const guint8 *data, int *err, gchar **err_info);
gboolean wirepy_wtap_writer_add_new_idbs(wirepy_wtap_writer *w, int *err, gchar **err_info);
gint64 wirepy_wtap_copy(wirepy_wtap_reader *r, wirepy_wtap_writer *w, int *err,
                        gchar **err_info, int *write_failed);
gboolean wirepy_wtap_writer_flush(wirepy_wtap_writer *w, int *err);
gboolean wirepy_wtap_writer_close(wirepy_wtap_writer *w, int *err, gchar **err_info);

#endif /* WIREPY_WTAP_BATCH_H */
