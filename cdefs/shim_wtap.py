"""The wiretap part of the C shim: batch reading, writing, block access.

Mirrors: cdefs/shim/wtap_batch.h (source: cdefs/shim/wtap_batch.c). One C
call reads many records into a contiguous buffer plus an array of
``wirepy_wtap_hdr``; writing takes the same layout; a C loop converts a
whole file. Members of ``wtap_rec``'s anonymous union are read there.
"""

INCLUDES = """
#include "wtap_batch.h"
"""

TYPES = """
typedef struct {
    gint64 offset;
    gint64 ts_secs;
    gint32 ts_nsecs;
    guint32 caplen;
    guint32 len;
    gint32 pkt_encap;
    guint32 interface_id;
    guint32 presence_flags;
    guint32 rec_type;
    gint32 tsprec;
    guint32 section_number;
    guint32 pack_flags;
    guint64 drop_count;
    guint32 has_flags;
    guint32 n_comments;
    guint64 data_off;
    guint64 comments_off;
    guint64 comments_len;
} wirepy_wtap_hdr;

typedef struct wirepy_wtap_reader {
    wtap *wth;
    gboolean eof;
    guint64 delivered;
    ...;
} wirepy_wtap_reader;

typedef struct wirepy_wtap_writer {
    wtap_dumper *wdh;
    guint64 written;
    ...;
} wirepy_wtap_writer;

typedef struct {
    gint32 encap;
    guint32 snaplen;
    gint32 tsresol;
    const char *name;
    const char *description;
    const char *os;
    const char *hardware;
    const char *filter;
    guint64 speed;
    gint32 fcslen;
} wirepy_wtap_idb;
"""

FUNCTIONS = """
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

wirepy_wtap_writer *wirepy_wtap_writer_open(const char *filename, int file_type,
                                            int compression, int encap, int snaplen,
                                            int tsprec, wtap *src, gboolean copy_secrets,
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
"""

CUSTOMIZATIONS = ""

SOURCES = ["shim/wtap_batch.c"]
