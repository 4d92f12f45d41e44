"""The wiretap part of the C shim: batch reading, writing, block access.

Mirrors: cdefs/shim/wtap_batch.h (source: cdefs/shim/wtap_batch.c). One C
call reads many records into a contiguous buffer plus an array of
``wirepy_wtap_hdr``; writing takes the same layout; a C loop converts a
whole file. Members of ``wtap_rec``'s anonymous union are read there.
"""

from ._header import constants, functions

INCLUDES = """
#include "wtap_batch.h"
"""

TYPES = constants("wtap_batch.h") + """
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

FUNCTIONS = functions("wtap_batch.h")

CUSTOMIZATIONS = ""

SOURCES = ["shim/wtap_batch.c"]
