/* dissect.c -- the epan hot path (see dissect.h).
 *
 * One call reads a record, primes the tree (display filter, requested
 * fields with their same-name chains, postdissector wants, custom
 * columns), dissects, fills the columns, applies the filter and renders
 * what Python asked for into the output buffers before the packet is reset.
 * Field occurrences are rendered the way tshark -T fields renders them
 * (get_node_field_value), in tree preorder.
 */
#include <string.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/column.h>
#include <epan/secrets.h>
#include <epan/addr_resolv.h>
#include <epan/print.h>
#include <epan/expert.h>
#include <epan/ftypes/ftypes.h>
#include <epan/frame_data_sequence.h>
#include <epan/exceptions.h>
#include <wsutil/to_str.h>
#include "dissect.h"
#include "typed_value.h"
#include "wirepy_version.h"
#include "wtap_compat.h"

/* A growable byte buffer (GByteArray without the per-append calls). */
typedef struct {
    char *data;
    gsize len;
    gsize cap;
} wirepy_strbuf;

struct wirepy_dissector {
    epan_dissect_t *edt;
    wirepy_provider *prov;
    gboolean create_tree;
    gboolean live;
    gboolean passed;
    guint32 num;
    wtap_rec rec;
    Buffer buf;
    frame_data fd;                /* the loaded frame of a one-pass read */
    frame_data *cur;              /* the loaded frame: &fd, or one of frames */
    /* two-pass reading (tshark -2): the first pass keeps every frame's
     * frame_data, the second re-reads each record at its offset */
    frame_data_sequence *frames;
    epan_dissect_t *pass1_edt;    /* while the first pass runs */
    gboolean pass1_tree;
    guint32 pass1_count;
    guint32 next_frame;
    int pass1_err;                /* a first-pass read error, reported after the frames read */
    gchar *pass1_err_info;
    int interface_id;
    int err;
    gchar *err_info;
    /* priming and extraction */
    int n_fields;
    GArray *prime_hfids;          /* every id of every requested chain */
    GHashTable *field_index;      /* hfid -> field index + 1 */
    GPtrArray **occurrences;      /* per field: field_info* of this packet */
    dfilter_t *df;
    column_info *cinfo;
    /* output */
    GArray *ints;
    wirepy_strbuf strs;           /* NUL-terminated strings, back to back */
    gint64 n_strs;                /* strings in strs */
    /* texts rendered while a packet is flattened: a bump allocator emptied
     * per packet, so the many short strings cost no malloc/free each */
    wmem_allocator_t *scratch;
    tvbuff_t *ds_tvb;             /* flatten: last data source looked up */
    int ds_index;
    GByteArray *raw;              /* frame bytes (WIREPY_RAW) */
    gboolean tree_field_text;     /* flatten: add tshark's -T fields text per node */
    int fail_hfid;                /* wirepy_dissector_fail_rendering: -1 for none */
    int columns_proto;            /* "_ws.col" (4.4+), -1 where there is none */
    GArray *pkt_starts;           /* WIREPY_INDEXED: where each packet starts in ints */
    /* what threw (see dissect.h): items of this packet whose rendering
     * threw, and how the packet is being rendered after a throw */
    gint64 errors;
    enum { RENDER_FAST, RENDER_CAREFUL, RENDER_BARE } render;
};

/* Where the output buffers end, to rewind them to. */
typedef struct {
    guint ints;
    guint starts;
    gsize strs;
    gint64 n_strs;
    guint raw;
} out_mark;

static int proto_data_id = -2;

static void
strbuf_grow(wirepy_strbuf *b, gsize need)
{
    gsize cap = b->cap ? b->cap : 65536;
    while (cap < b->len + need)
        cap *= 2;
    b->data = g_realloc(b->data, cap);
    b->cap = cap;
}

/* Appends s with its NUL: ~a hundred per tree node, so inline and without
 * GArray's bookkeeping. */
static inline void
out_str(wirepy_dissector *d, const char *s)
{
    if (s == NULL)
        s = "";
    gsize n = strlen(s) + 1;
    wirepy_strbuf *b = &d->strs;
    if (b->len + n > b->cap)
        strbuf_grow(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    d->n_strs++;
}

static void
out_int(wirepy_dissector *d, gint64 v)
{
    g_array_append_val(d->ints, v);
}

static out_mark
mark_out(wirepy_dissector *d)
{
    out_mark m = {d->ints->len, d->pkt_starts->len, d->strs.len, d->n_strs, d->raw->len};
    return m;
}

static void
rewind_out(wirepy_dissector *d, const out_mark *m)
{
    g_array_set_size(d->ints, m->ints);
    g_array_set_size(d->pkt_starts, m->starts);
    d->strs.len = m->strs;
    d->n_strs = m->n_strs;
    g_byte_array_set_size(d->raw, m->raw);
}

static const char *
exception_name(unsigned long code)
{
    switch (code) {
    case BoundsError: return "BoundsError";
    case ContainedBoundsError: return "ContainedBoundsError";
    case ReportedBoundsError: return "ReportedBoundsError";
    case FragmentBoundsError: return "FragmentBoundsError";
    case TypeError: return "TypeError";
    case DissectorError: return "DissectorError";
    case ScsiBoundsError: return "ScsiBoundsError";
    case OutOfMemoryError: return "OutOfMemoryError";
    case ReassemblyError: return "ReassemblyError";
    default: return "exception";
    }
}

/* The text a caught exception leaves on the item it spoiled, in the
 * per-packet scratch allocator (the exception's own message dies at
 * ENDTRY). */
static const char *
caught_text(wirepy_dissector *d, except_t *exc, const char *what)
{
    const char *msg = except_message(exc);
    return wmem_strdup_printf(d->scratch, "[wirepy: %s rendering %s%s%s]",
                              exception_name(except_code(exc)), what,
                              msg ? ": " : "", msg ? msg : "");
}

wtap *
wirepy_open_offline(const char *path, gboolean random, int *err, gchar **err_info)
{
    wtap *wth = wtap_open_offline(path, WTAP_TYPE_AUTO, err, err_info, random);
    if (wth != NULL)
        wirepy_wtap_attach(wth);
    return wth;
}

/* FALSE (and nothing done) while no epan session is live: from 4.4 on,
 * registering the secrets callback hands it at once the secrets the file
 * opened with, and libwireshark keeps them in wmem file-scope memory, which
 * exists only while a session does (outside one, wmem_alloc aborts). */
gboolean
wirepy_wtap_attach(wtap *wth)
{
    if (!wirepy_epan_is_live())
        return FALSE;
    /* as cf_open: decryption secrets from DSBs, names from NRBs */
    wtap_set_cb_new_ipv4(wth, add_ipv4_name);
    wtap_set_cb_new_ipv6(wth, (wtap_new_ipv6_callback_t)add_ipv6_name);
    wtap_set_cb_new_secrets(wth, secrets_wtap_callback);
    return TRUE;
}

wirepy_dissector *
wirepy_dissector_new(epan_t *epan, wirepy_provider *prov, gboolean create_tree,
                     gboolean visible)
{
    wirepy_dissector *d = g_new0(wirepy_dissector, 1);
    if (proto_data_id == -2)
        proto_data_id = proto_get_id_by_filter_name("data");
    d->edt = epan_dissect_new(epan, create_tree, visible);
    d->prov = prov;
    d->create_tree = create_tree;
    wirepy_rec_init(&d->rec, &d->buf);
    d->prime_hfids = g_array_new(FALSE, FALSE, sizeof(int));
    d->field_index = g_hash_table_new(g_direct_hash, g_direct_equal);
    d->ints = g_array_sized_new(FALSE, FALSE, sizeof(gint64), 4096);
    d->pkt_starts = g_array_sized_new(FALSE, FALSE, sizeof(gint64), 1024);
    strbuf_grow(&d->strs, 0);
    d->scratch = wmem_allocator_new(WMEM_ALLOCATOR_BLOCK_FAST);
    d->raw = g_byte_array_sized_new(65536);
    d->fail_hfid = -1;
    d->columns_proto = proto_get_id_by_filter_name("_ws.col");
    return d;
}

static void
free_occurrences(wirepy_dissector *d)
{
    for (int i = 0; i < d->n_fields; i++)
        g_ptr_array_free(d->occurrences[i], TRUE);
    g_free(d->occurrences);
    d->occurrences = NULL;
    d->n_fields = 0;
}

void
wirepy_dissector_free(wirepy_dissector *d)
{
    if (d == NULL)
        return;
    if (d->live)
        wirepy_dissect_finish(d);
    if (d->edt != NULL)
        epan_dissect_free(d->edt);
    wirepy_rec_free(&d->rec, &d->buf);
    free_occurrences(d);
    g_array_free(d->prime_hfids, TRUE);
    g_hash_table_destroy(d->field_index);
    g_array_free(d->ints, TRUE);
    g_array_free(d->pkt_starts, TRUE);
    g_free(d->strs.data);
    wmem_destroy_allocator(d->scratch);
    g_byte_array_free(d->raw, TRUE);
    g_free(d->err_info);
    g_free(d->pass1_err_info);
    if (d->pass1_edt != NULL)
        epan_dissect_free(d->pass1_edt);
    if (d->frames != NULL) {
        d->prov->frames = NULL;
        free_frame_data_sequence(d->frames);
    }
    g_free(d);
}

/* Frees the epan_dissect_t (before its session is freed), keeping the
 * frame count and the requested fields, filter and columns. */
void
wirepy_dissector_release(wirepy_dissector *d)
{
    if (d->live)
        wirepy_dissect_finish(d);
    if (d->edt != NULL)
        epan_dissect_free(d->edt);
    d->edt = NULL;
}

/* A new epan_dissect_t in `epan` (a recycled session, or another tree
 * visibility); numbering continues as with tshark -M. */
void
wirepy_dissector_renew(wirepy_dissector *d, epan_t *epan, gboolean visible,
                       gboolean fake_protocols)
{
    wirepy_dissector_release(d);
    d->edt = epan_dissect_new(epan, d->create_tree, visible);
    if (!fake_protocols)
        epan_dissect_fake_protocols(d->edt, FALSE);
}

epan_dissect_t *
wirepy_dissector_edt(wirepy_dissector *d)
{
    return d->edt;
}

frame_data *
wirepy_dissector_frame(wirepy_dissector *d)
{
    return d->live ? d->cur : NULL;
}

int
wirepy_hfid_chain(int hfid, int *out, int max)
{
    header_field_info *hfi = proto_registrar_get_nth((guint)hfid);
    int n = 0;
    while (hfi->same_name_prev_id != -1)
        hfi = proto_registrar_get_nth((guint)hfi->same_name_prev_id);
    for (; hfi != NULL; hfi = hfi->same_name_next) {
        if (n < max)
            out[n] = hfi->id;
        n++;
    }
    return n;
}

/* The caller validated every id (they come from the registry by name). */
int
wirepy_dissector_set_fields(wirepy_dissector *d, const int *hfids, int n)
{
    free_occurrences(d);
    g_array_set_size(d->prime_hfids, 0);
    g_hash_table_remove_all(d->field_index);
    d->n_fields = n;
    d->occurrences = g_new0(GPtrArray *, n > 0 ? n : 1);
    for (int i = 0; i < n; i++) {
        int chain[256];
        int len = wirepy_hfid_chain(hfids[i], chain, 256);
        if (len > 256)
            len = 256;
        d->occurrences[i] = g_ptr_array_new();
        for (int j = 0; j < len; j++) {
            g_array_append_val(d->prime_hfids, chain[j]);
            /* a field asked for twice is rendered for its first index */
            if (!g_hash_table_contains(d->field_index, GINT_TO_POINTER(chain[j])))
                g_hash_table_insert(d->field_index, GINT_TO_POINTER(chain[j]),
                                    GINT_TO_POINTER(i + 1));
        }
    }
    return (int)d->prime_hfids->len;
}

void
wirepy_dissector_set_dfilter(wirepy_dissector *d, dfilter_t *df)
{
    d->df = df;
}

void
wirepy_dissector_set_columns(wirepy_dissector *d, column_info *cinfo)
{
    d->cinfo = cinfo;
}

void
wirepy_dissector_fake_protocols(wirepy_dissector *d, gboolean fake)
{
    epan_dissect_fake_protocols(d->edt, fake);
}

int
wirepy_dissector_last_error(wirepy_dissector *d, gchar **err_info)
{
    *err_info = d->err_info;
    d->err_info = NULL;
    return d->err;
}

/* Dissects the record in d->rec / d->buf, whose frame_data is initialised:
 * primes the tree (priming is global and cleared at every reset, so it is
 * done for every packet), runs the dissectors, fills the columns, applies
 * the filter and keeps the packet loaded until wirepy_dissect_finish. */
/* After something escaped epan_dissect_run (see run_guarded): leave the
 * global packet scope it entered, or the next packet's entry asserts
 * (4.6 has none: a packet's memory is its pinfo's pool, freed at reset). */
static void
recover_from_run(wtap_rec *rec)
{
#if !WIREPY_WS_AT_LEAST(4, 6)
    if (wmem_in_scope(wmem_packet_scope()))
        wmem_leave_scope(wmem_packet_scope());
#endif
    wtap_block_unref(rec->block);
    rec->block = NULL;
}

/* Primes `edt` as *prime* says (the display filter's fields, the requested fields with
 * their same-name chains, postdissectors' wants, custom columns) and runs
 * the dissectors with taps, as tshark: dissectors read what others tapped
 * during the packet (SMB2 takes a session's account from NTLMSSP's tap),
 * and tap listeners see every packet. Priming is global and cleared at
 * every reset, so it is done for every packet.
 *
 * The frame dissector catches what dissectors throw, but not every kind
 * (TypeError, OutOfMemoryError), and priming asserts on field ids that a
 * preference change has deregistered: returns FALSE if something escaped,
 * the tree then holds what was dissected before. */
typedef enum {
    PRIME_NOTHING,   /* no tree: nothing to prime */
    PRIME_FILTER,    /* the display filter and postdissectors' wants */
    PRIME_ALL        /* and the requested fields and custom columns */
} prime_what;

static gboolean
run_guarded(wirepy_dissector *d, epan_dissect_t *edt, prime_what prime,
            int file_type_subtype, frame_data *fd, column_info *cinfo)
{
    volatile gboolean ok = TRUE;
    TRY {
        if (prime != PRIME_NOTHING) {
            if (d->df != NULL)
                epan_dissect_prime_with_dfilter(edt, d->df);
#if !WIREPY_WS_AT_LEAST(4, 6)
            /* 4.6 primes them itself on a frame's first pass (and no
             * longer exports this) */
            prime_epan_dissect_with_postdissector_wanted_hfids(edt);
#endif
        }
        if (prime == PRIME_ALL) {
            for (guint i = 0; i < d->prime_hfids->len; i++)
                epan_dissect_prime_with_hfid(edt, g_array_index(d->prime_hfids, int, i));
            if (cinfo != NULL && have_custom_cols(cinfo))
                col_custom_prime_edt(edt, cinfo);
        }
        wirepy_dissect_run_with_taps(edt, file_type_subtype, &d->rec, &d->buf, fd, cinfo);
    }
    CATCH_ALL {
        ok = FALSE;
        recover_from_run(&d->rec);
    }
    ENDTRY;
    return ok;
}

/* Dissects the record in d->rec / d->buf, whose frame_data is initialised,
 * fills the columns, applies the filter and keeps the packet loaded until
 * wirepy_dissect_finish. Each step that can throw does so on its own: a
 * custom column whose value Wireshark cannot format costs the columns
 * (tshark dies of it), not the filter's verdict. */
static void
dissect_loaded(wirepy_dissector *d, int file_type_subtype)
{
    frame_data *fd = d->cur;
    wirepy_provider_before_dissect(d->prov, fd);
    d->errors = 0;
    if (!run_guarded(d, d->edt, d->create_tree ? PRIME_ALL : PRIME_NOTHING,
                     file_type_subtype, fd, d->cinfo))
        d->errors++;
    if (d->cinfo != NULL) {
        TRY {
            epan_dissect_fill_in_columns(d->edt, FALSE, TRUE);
        }
        CATCH_ALL {
            d->errors++;
        }
        ENDTRY;
    }
    d->passed = TRUE;
    if (d->df != NULL && d->create_tree) {
        d->passed = FALSE;
        TRY {
            d->passed = dfilter_apply_edt(d->df, d->edt);
        }
        CATCH_ALL {
            d->errors++;
        }
        ENDTRY;
    }
    wirepy_provider_after_dissect(d->prov, fd, d->passed);
    d->live = TRUE;
}

static int
record_interface(wtap_rec *rec)
{
    return (rec->rec_type == REC_TYPE_PACKET && (rec->presence_flags & WTAP_HAS_INTERFACE_ID))
           ? (int)rec->rec_header.packet_header.interface_id : -1;
}

static void end_first_pass(wirepy_dissector *d, wtap *wth);

static void
keep_error(int *err_out, gchar **info_out, int err, gchar *err_info)
{
    *err_out = err;
    g_free(*info_out);
    *info_out = err_info;
}

/* The first of tshark's two passes (-2) over `wth`, which must have been
 * opened for random access: every record is read and dissected without
 * columns, with a tree only when the display filter or a postdissector
 * needs one, and its frame_data (with what dissectors attached to it) is
 * kept. wirepy_dissect_next then serves the second pass, re-reading each
 * frame at its offset.
 *
 * At most `max_records` records per call, so the caller can be interrupted:
 * returns how many were read (call again), 0 once the pass is complete, -1
 * if the dissector was used before. A read error ends the pass; it is
 * reported after the second pass has served the frames read before it. */
int
wirepy_dissect_first_pass(wirepy_dissector *d, wtap *wth, int max_records)
{
    int err = 0;
    gchar *err_info = NULL;
    gint64 offset;
    int n = 0;

    if (d->frames == NULL) {
        if (d->live)
            wirepy_dissect_finish(d);
        if (d->num != 0 || d->edt == NULL)
            return -1;
        d->pass1_tree = d->df != NULL || postdissectors_want_hfids();
        d->pass1_edt = epan_dissect_new(d->edt->session, d->pass1_tree, FALSE);
        d->frames = new_frame_data_sequence();
        d->prov->frames = d->frames;
    }
    if (d->pass1_edt == NULL)
        return 0;
    d->prov->wth = wth;
    int file_type_subtype = wtap_file_type_subtype(wth);
    epan_dissect_t *edt = d->pass1_edt;
    while (n < max_records) {
        if (!wirepy_rec_read(wth, &d->rec, &d->buf, &err, &err_info, &offset)) {
            if (err != 0)
                keep_error(&d->pass1_err, &d->pass1_err_info, err, err_info);
            end_first_pass(d, wth);
            break;
        }
        frame_data fd;
        frame_data_init(&fd, ++d->pass1_count, &d->rec, offset, d->prov->cum_bytes);
        wirepy_provider_before_dissect(d->prov, &fd);
        /* what escapes is seen again when the second pass dissects the
         * frame (and shows it) */
        run_guarded(d, edt, d->pass1_tree ? PRIME_FILTER : PRIME_NOTHING, file_type_subtype,
                    &fd, NULL);
        wirepy_provider_after_dissect(d->prov, &fd, TRUE);
        frame_data_sequence_add(d->frames, &fd);
        epan_dissect_reset(edt);
        wtap_rec_reset(&d->rec);
        n++;
    }
    return n;
}

static void
end_first_pass(wirepy_dissector *d, wtap *wth)
{
    epan_dissect_free(d->pass1_edt);
    d->pass1_edt = NULL;
    /* Unlike tshark, the sequential side stays open: the caller may still
     * ask it how far the file was read (wtap_read_so_far reads it). */
    (void)wth;
    /* as tshark between its passes; the byte count starts again (tshark
     * 4.0 counts on, doubling the cumulative-bytes column) */
    postseq_cleanup_all_protocols();
    d->prov->prev_dis = NULL;
    d->prov->prev_cap = NULL;
    d->prov->cum_bytes = 0;
    d->next_frame = 1;
}

/* The second pass: the next frame of the first pass, re-read at its offset
 * and dissected with the frame_data the first pass left (visited). */
static int
second_pass_next(wirepy_dissector *d, wtap *wth)
{
    int err = 0;
    gchar *err_info = NULL;

    frame_data *fd = frame_data_sequence_find(d->frames, d->next_frame);
    if (fd == NULL) {
        if (d->pass1_err != 0) {
            keep_error(&d->err, &d->err_info, d->pass1_err, d->pass1_err_info);
            d->pass1_err = 0;
            d->pass1_err_info = NULL;
            return -1;
        }
        return 0;
    }
    if (!wirepy_rec_seek_read(wth, fd->file_off, &d->rec, &d->buf, &err, &err_info)) {
        keep_error(&d->err, &d->err_info, err != 0 ? err : WTAP_ERR_SHORT_READ, err_info);
        return -1;
    }
    d->next_frame++;
    d->num = fd->num;
    d->prov->wth = wth;
    d->cur = fd;
    d->interface_id = record_interface(&d->rec);
    dissect_loaded(d, wtap_file_type_subtype(wth));
    return 1;
}

/* After the first pass: the next frame the second pass dissects is frame
 * *num* (random access, as Wireshark's packet list). Returns 1, 0 if the
 * first pass has no such frame, -1 without a finished first pass. */
int
wirepy_dissect_seek_frame(wirepy_dissector *d, guint32 num)
{
    if (d->frames == NULL || d->pass1_edt != NULL)
        return -1;
    if (d->live)
        wirepy_dissect_finish(d);
    if (frame_data_sequence_find(d->frames, num) == NULL)
        return 0;
    d->next_frame = num;
    return 1;
}

int
wirepy_dissect_next(wirepy_dissector *d, wtap *wth)
{
    int err = 0;
    gchar *err_info = NULL;
    gint64 offset;

    if (d->live)
        wirepy_dissect_finish(d);
    if (d->err != 0 || d->edt == NULL)
        return -1;
    if (d->frames != NULL)
        return d->pass1_edt == NULL ? second_pass_next(d, wth) : -1;
    if (!wirepy_rec_read(wth, &d->rec, &d->buf, &err, &err_info, &offset)) {
        if (err != 0) {
            d->err = err;
            g_free(d->err_info);
            d->err_info = err_info;
            return -1;
        }
        return 0;
    }
    d->num++;
    d->prov->wth = wth;
    frame_data_init(&d->fd, d->num, &d->rec, offset, d->prov->cum_bytes);
    d->cur = &d->fd;
    d->interface_id = record_interface(&d->rec);
    dissect_loaded(d, wtap_file_type_subtype(wth));
    return 1;
}

gboolean
wirepy_dissect_passed(wirepy_dissector *d)
{
    return d->passed;
}

void
wirepy_dissect_finish(wirepy_dissector *d)
{
    if (!d->live)
        return;
    epan_dissect_reset(d->edt);
    wmem_free_all(d->scratch);
    if (d->cur == &d->fd)
        frame_data_destroy(&d->fd);
    wtap_rec_reset(&d->rec);
    d->live = FALSE;
}

static void
collect(wirepy_dissector *d, proto_node *node)
{
    for (proto_node *child = node->first_child; child != NULL; child = child->next) {
        field_info *fi = child->finfo;
        if (fi != NULL) {
            gpointer idx = g_hash_table_lookup(d->field_index,
                                               GINT_TO_POINTER(fi->hfinfo->id));
            if (idx != NULL)
                g_ptr_array_add(d->occurrences[GPOINTER_TO_INT(idx) - 1], fi);
        }
        if (child->first_child != NULL)
            collect(d, child);
    }
}

/* The typed value of a field occurrence (see typed_value.h): three ints
 * (field type, v1, v2); for a value with text (wirepy_value_has_text) v2 is
 * -1 and the text follows in strs; for bytes, v1 and v2 are their offset
 * and length in raw (-1, -1 for a value without bytes). */
static void
out_typed(wirepy_dissector *d, field_info *fi)
{
    wirepy_value v;
    wirepy_value_of(fi, d->scratch, TRUE, &v);
    out_int(d, v.ftype);
    if (v.vclass == WIREPY_VC_BYTES) {
        out_int(d, v.data != NULL ? (gint64)d->raw->len : -1);
        out_int(d, v.data != NULL ? (gint64)v.len : -1);
        if (v.len > 0)
            g_byte_array_append(d->raw, v.data, v.len);
        return;
    }
    out_int(d, v.v1);
    out_int(d, v.text != NULL ? -1 : v.v2);
    if (v.text != NULL)
        out_str(d, v.text);
}

/* get_node_field_value() written straight into the output: the common
 * case (a value rendered by fvalue_to_string_repr) without its copy. */
static void
field_value_out(wirepy_dissector *d, field_info *fi)
{
    const header_field_info *hfi = fi->hfinfo;
    if (G_UNLIKELY(hfi->id == d->fail_hfid))
        THROW_MESSAGE(DissectorError, "rendering failure injected by the test suite");
    switch (hfi->type) {
    case FT_PROTOCOL: case FT_NONE: case FT_BYTES: case FT_UINT_BYTES:
        break;
    default:
        if (hfi->id != hf_text_only && hfi->id != proto_data_id) {
            fvalue_t *fv = WIREPY_FI_VALUE(fi);
            char *s = fv == NULL ? NULL : fvalue_to_string_repr(d->scratch, fv, FTREPR_DISPLAY,
                                            hfi->display);
            if (s != NULL) {
                out_str(d, s);
                return;
            }
        }
    }
    gchar *s = get_node_field_value(fi, d->edt);
    out_str(d, s);
    g_free(s);
}

/* One occurrence's text (and typed value): after a throw, each inside a
 * TRY of its own, so one bad value costs only itself. */
static void
occurrence_out(wirepy_dissector *d, field_info *fi, int flags)
{
    if (d->render == RENDER_FAST) {
        field_value_out(d, fi);
        if (flags & WIREPY_TYPED)
            out_typed(d, fi);
        return;
    }
    out_mark m = mark_out(d);
    const char *volatile failure = NULL;
    if (d->render == RENDER_CAREFUL) {
        TRY {
            field_value_out(d, fi);
            if (flags & WIREPY_TYPED)
                out_typed(d, fi);
        }
        CATCH_ALL {
            failure = caught_text(d, exc, fi->hfinfo->abbrev);
        }
        ENDTRY;
    } else {
        failure = "";
    }
    if (failure == NULL)
        return;
    rewind_out(d, &m);
    d->errors++;
    out_str(d, "");
    if (flags & WIREPY_TYPED) {
        out_int(d, WIREPY_FT_ERROR);
        out_int(d, 0);
        out_int(d, 0);
    }
}

#define INT_AT(d, i) g_array_index((d)->ints, gint64, (i))

/* The WIREPY_PKT_INTS ints that start every packet in the batch output
 * (see dissect.h); WIREPY_P_ERRORS is written once the packet is rendered. */
static void
out_packet_header(wirepy_dissector *d)
{
    guint at = d->ints->len;
    g_array_set_size(d->ints, at + WIREPY_PKT_INTS);
    gint64 *header = &g_array_index(d->ints, gint64, at);
    header[WIREPY_P_NUM] = d->cur->num;
    header[WIREPY_P_PASSED] = d->passed;
    header[WIREPY_P_CAP_LEN] = d->cur->cap_len;
    header[WIREPY_P_PKT_LEN] = d->cur->pkt_len;
    header[WIREPY_P_SECS] = (gint64)d->cur->abs_ts.secs;
    header[WIREPY_P_NSECS] = d->cur->abs_ts.nsecs;
    header[WIREPY_P_INTERFACE] = d->interface_id;
    header[WIREPY_P_ERRORS] = 0;
    header[WIREPY_P_FLAGS] = d->cur->encoding == PACKET_CHAR_ENC_CHAR_EBCDIC
                             ? WIREPY_PKT_EBCDIC : 0;
}

static void data_source_bytes_out(wirepy_dissector *d, int flags);
static void data_source_names_out(wirepy_dissector *d);

/* WIREPY_INDEXED: a packet whose fields Python can reach directly. After
 * the header ints comes a directory: per field (count, index of its first
 * typed triple in ints or -1, byte offset of its first string), then (raw
 * offset, raw length) and (column count, byte offset of the first column
 * text); then the typed triples, while the strings go to strs: per
 * occurrence the rendered value, then its text if its triple says so
 * (v2 == -1 for non-bytes types). The directory ends with (number of
 * layers, index of their protocol ids in ints), the ids following the
 * typed triples, and the index of the data sources (WIREPY_D_SOURCES_AT),
 * which follow the ids. The packet's start goes to pkt_starts. */
static void
extract_indexed(wirepy_dissector *d, int flags)
{
    gint64 start = d->ints->len;
    g_array_append_val(d->pkt_starts, start);
    out_packet_header(d);
    int nf = (flags & WIREPY_FIELDS) ? d->n_fields : 0;
    guint dir = d->ints->len;
    g_array_set_size(d->ints, dir + 3 * nf + WIREPY_DIR_INTS);
    if (nf > 0 && d->edt->tree != NULL)
        collect(d, d->edt->tree);
    for (int i = 0; i < nf; i++) {
        GPtrArray *occ = d->occurrences[i];
        INT_AT(d, dir + 3 * i) = occ->len;
        INT_AT(d, dir + 3 * i + 1) = (flags & WIREPY_TYPED) ? (gint64)d->ints->len : -1;
        INT_AT(d, dir + 3 * i + 2) = d->strs.len;
        for (guint j = 0; j < occ->len; j++)
            occurrence_out(d, (field_info *)occ->pdata[j], flags);
        g_ptr_array_set_size(occ, 0);
    }
    guint tail = dir + 3 * nf;
    INT_AT(d, tail + WIREPY_D_RAW_AT) = -1;
    INT_AT(d, tail + WIREPY_D_RAW_LEN) = 0;
    if (flags & WIREPY_RAW) {
        INT_AT(d, tail + WIREPY_D_RAW_AT) = d->raw->len;
        INT_AT(d, tail + WIREPY_D_RAW_LEN) = d->cur->cap_len;
        g_byte_array_append(d->raw, wirepy_rec_bytes(&d->rec, &d->buf), d->cur->cap_len);
    }
    int n_cols = ((flags & WIREPY_COLUMNS) && d->cinfo != NULL) ? d->cinfo->num_cols : 0;
    INT_AT(d, tail + WIREPY_D_N_COLUMNS) = n_cols;
    INT_AT(d, tail + WIREPY_D_COLUMNS_AT) = d->strs.len;
    for (int i = 0; i < n_cols; i++)
        out_str(d, get_column_text(d->cinfo, i));
    /* the protocol ids of frame.protocols, without building its text: the
     * layers after "frame", which is always first */
    gint64 n_layers = 0;
    INT_AT(d, tail + WIREPY_D_LAYERS_AT) = d->ints->len;
    wmem_list_frame_t *layer = d->edt->pi.layers ? wmem_list_head(d->edt->pi.layers) : NULL;
    for (layer = layer ? wmem_list_frame_next(layer) : NULL; layer != NULL;
            layer = wmem_list_frame_next(layer)) {
        out_int(d, GPOINTER_TO_UINT(wmem_list_frame_data(layer)));
        n_layers++;
    }
    INT_AT(d, tail + WIREPY_D_N_LAYERS) = n_layers;
    /* the data sources of a packet without its tree (a fields read that
     * asks for them): after the layer ids, where a tree would start */
    INT_AT(d, tail + WIREPY_D_SOURCES_AT) = -1;
    if ((flags & WIREPY_SOURCES) && !(flags & WIREPY_TREE)) {
        INT_AT(d, tail + WIREPY_D_SOURCES_AT) = d->ints->len;
        out_int(d, g_slist_length(d->edt->pi.data_src));
        out_int(d, (gint64)d->strs.len);
        data_source_bytes_out(d, flags);
        data_source_names_out(d);
    }
}

static void
extract(wirepy_dissector *d, int flags)
{
    if (flags & WIREPY_INDEXED) {
        extract_indexed(d, flags);
        return;
    }
    out_packet_header(d);
    if (flags & WIREPY_FIELDS) {
        if (d->edt->tree != NULL && d->n_fields > 0)
            collect(d, d->edt->tree);
        for (int i = 0; i < d->n_fields; i++) {
            GPtrArray *occ = d->occurrences[i];
            out_int(d, occ->len);
            for (guint j = 0; j < occ->len; j++)
                occurrence_out(d, (field_info *)occ->pdata[j], flags);
            g_ptr_array_set_size(occ, 0);
        }
    }
    if (flags & WIREPY_RAW) {
        out_int(d, (gint64)d->raw->len);
        out_int(d, d->cur->cap_len);
        g_byte_array_append(d->raw, wirepy_rec_bytes(&d->rec, &d->buf), d->cur->cap_len);
    }
    if (flags & WIREPY_COLUMNS) {
        int n = d->cinfo != NULL ? d->cinfo->num_cols : 0;
        out_int(d, n);
        for (int i = 0; i < n; i++)
            out_str(d, get_column_text(d->cinfo, i));
    }
}

static void flatten(wirepy_dissector *d, proto_node *node, int depth, gint64 str_base);

/* The names of the packet's data sources ("Frame (74 bytes)", "Reassembled
 * TCP (1234 bytes)"), as strings. */
static void
data_source_names_out(wirepy_dissector *d)
{
    for (GSList *l = d->edt->pi.data_src; l != NULL; l = l->next) {
#if WIREPY_WS_AT_LEAST(4, 6)
        char *name = get_data_source_description((struct data_source *)l->data);
#else
        char *name = get_data_source_name((struct data_source *)l->data);
#endif
        out_str(d, name);
        wmem_free(NULL, name);
    }
}

/* Their number as an int, then their names. */
static void
data_sources_out(wirepy_dissector *d)
{
    out_int(d, g_slist_length(d->edt->pi.data_src));
    data_source_names_out(d);
}

static void
forget_occurrences(wirepy_dissector *d)
{
    for (int i = 0; i < d->n_fields; i++)
        g_ptr_array_set_size(d->occurrences[i], 0);
}

/* WIREPY_SOURCES: each data source's (raw offset, length), its bytes
 * copied into raw -- the frame's own bytes only once (WIREPY_DS_FRAME when
 * WIREPY_RAW has them). Inside the packet's TRY (tvb_get_ptr of a whole
 * captured range does not throw, but a broken composite tvb could). */
static void
data_source_bytes_out(wirepy_dissector *d, int flags)
{
    for (GSList *l = d->edt->pi.data_src; l != NULL; l = l->next) {
        tvbuff_t *tvb = get_data_source_tvb((struct data_source *)l->data);
        guint len = tvb_captured_length(tvb);
        if (tvb == d->edt->tvb && (flags & WIREPY_RAW) && len == d->cur->cap_len) {
            out_int(d, WIREPY_DS_FRAME);
            out_int(d, len);
            continue;
        }
        out_int(d, (gint64)d->raw->len);
        out_int(d, len);
        if (len > 0)
            g_byte_array_append(d->raw, tvb_get_ptr(tvb, 0, len), len);
    }
}

/* A packet's tree in a batch: n_nodes, the nodes (string indexes counted
 * from the start of the output), n_ds, the index of the first data source
 * name, with WIREPY_SOURCES their bytes (data_source_bytes_out), then
 * (strings) the data source names. */
static void
tree_out(wirepy_dissector *d, int flags)
{
    guint at = d->ints->len;
    out_int(d, 0);
    if (d->edt->tree != NULL && d->render != RENDER_BARE) {
        d->ds_tvb = NULL;
        flatten(d, d->edt->tree, 0, 0);
        wmem_free_all(d->scratch);
        g_array_index(d->ints, gint64, at) = (d->ints->len - at - 1) / WIREPY_NODE_INTS;
    }
    int n_ds = 0;
    for (GSList *l = d->edt->pi.data_src; l != NULL; l = l->next)
        n_ds++;
    out_int(d, n_ds);
    out_int(d, d->n_strs);
    if (flags & WIREPY_SOURCES)
        data_source_bytes_out(d, flags);
    data_source_names_out(d);
}

/* The loaded packet's output (extract, then its tree with WIREPY_TREE),
 * rendered as dissect.h says: all in one TRY; after a throw, again with a
 * TRY per item; should even that throw, with nothing of Wireshark's but
 * the header, the frame's bytes and the columns. */
typedef void (*render_fn)(wirepy_dissector *d, int flags);

static void
render_guarded(wirepy_dissector *d, render_fn render, int flags)
{
    out_mark m = mark_out(d);
    gint64 before = d->errors;
    for (d->render = RENDER_FAST; ; d->render++) {
        volatile gboolean threw = FALSE;
        TRY {
            render(d, flags);
        }
        CATCH_ALL {
            threw = TRUE;
        }
        ENDTRY;
        if (!threw || d->render == RENDER_BARE)
            break;
        rewind_out(d, &m);
        forget_occurrences(d);
        wmem_free_all(d->scratch);
        d->errors = before;
    }
    if (d->render != RENDER_FAST && d->errors == before)
        d->errors++;   /* what threw was not an item's rendering */
    d->render = RENDER_FAST;
}

static void
extract_and_tree(wirepy_dissector *d, int flags)
{
    extract(d, flags);
    if (flags & WIREPY_TREE)
        tree_out(d, flags);
}

static void
packet_out(wirepy_dissector *d, int flags)
{
    guint header = d->ints->len;
    render_guarded(d, extract_and_tree, flags);
    INT_AT(d, header + WIREPY_P_ERRORS) = d->errors;
}

/* The loaded packet's output, as one packet of a batch. */
int
wirepy_dissect_extract(wirepy_dissector *d, int flags)
{
    if (!d->live)
        return -1;
    packet_out(d, flags);
    return 1;
}

int
wirepy_dissect_batch(wirepy_dissector *d, wtap *wth, int max_packets, int flags)
{
    int n = 0;
    while (n < max_packets) {
        int r = wirepy_dissect_next(d, wth);
        if (r < 0)
            return n > 0 ? n : -1;  /* the error stays pending for the next call */
        if (r == 0)
            break;
        if (d->passed || !(flags & WIREPY_ONLY_PASSED))
            packet_out(d, flags);
        wirepy_dissect_finish(d);
        n++;
    }
    return n;
}

/* -- the full tree, flattened ------------------------------------------- */

static int
data_source_index(wirepy_dissector *d, tvbuff_t *tvb)
{
    int i = 0;
    if (tvb == d->ds_tvb)
        return d->ds_index;
    d->ds_tvb = tvb;
    for (GSList *l = d->edt->pi.data_src; l != NULL; l = l->next, i++)
        if (get_data_source_tvb((struct data_source *)l->data) == tvb)
            return d->ds_index = i;
    return d->ds_index = -1;
}

/* A node's ints (see dissect.h), in place: one resize, not ten appends;
 * its strings follow from the next string on. */
static inline void
node_ints_out(wirepy_dissector *d, field_info *fi, int depth, gint64 flags, gint64 ft,
              gint64 v1, gint64 v2, gint64 str_base)
{
    guint at = d->ints->len;
    g_array_set_size(d->ints, at + WIREPY_NODE_INTS);
    gint64 *node = &g_array_index(d->ints, gint64, at);
    node[WIREPY_N_DEPTH] = depth;
    node[WIREPY_N_HFID] = fi->hfinfo->id;
    node[WIREPY_N_START] = fi->start;
    node[WIREPY_N_LENGTH] = fi->length;
    node[WIREPY_N_FLAGS] = flags;
    node[WIREPY_N_DS] = data_source_index(d, fi->ds_tvb);
    node[WIREPY_N_FTYPE] = ft;
    node[WIREPY_N_V1] = v1;
    node[WIREPY_N_V2] = v2;
    node[WIREPY_N_STR] = d->n_strs - str_base;
}

static void
node_out(wirepy_dissector *d, field_info *fi, int depth, gint64 str_base)
{
    gchar label_buf[ITEM_LABEL_LENGTH];
    {
        const char *label = label_buf;
        const header_field_info *hfi = fi->hfinfo;
        if (G_UNLIKELY(hfi->id == d->fail_hfid))
            THROW_MESSAGE(DissectorError, "rendering failure injected by the test suite");
        gint64 flags = 0, v1 = 0, v2 = 0;
        const char *raw = NULL;
        const char *show;
        gboolean show_rendered = FALSE;   /* by fvalue_to_string_repr */
        ftenum_t ft = hfi->type;

        if (fi->flags & FI_HIDDEN)
            flags |= WIREPY_NODE_HIDDEN;
        if (fi->flags & FI_GENERATED)
            flags |= WIREPY_NODE_GENERATED;
        if (hfi->id == hf_text_only) {
            flags |= WIREPY_NODE_TEXT_ONLY;
            label = fi->rep ? fi->rep->representation : "";
            show = label;
        } else {
            if (fi->rep != NULL)
                label = fi->rep->representation;
            else
#if WIREPY_WS_AT_LEAST(4, 6)
                proto_item_fill_label(fi, label_buf, NULL);
#else
                proto_item_fill_label(fi, label_buf);
#endif
            if (ft == FT_PROTOCOL) {
                if (hfi->id != proto_expert && hfi->id != proto_data_id)
                    flags |= WIREPY_NODE_PROTOCOL_NODE;
                show = label;
            } else if (ft == FT_NONE) {
                show = "";
            } else {
                fvalue_t *fv = WIREPY_FI_VALUE(fi);
                show = fv == NULL ? NULL : fvalue_to_string_repr(d->scratch, fv, FTREPR_DISPLAY,
                                             hfi->display);
                if (show == NULL)
                    show = "";
                else
                    show_rendered = TRUE;
            }
            wirepy_value v;
            wirepy_value_of(fi, d->scratch, FALSE, &v);
            switch (v.vclass) {
            case WIREPY_VC_UINT: case WIREPY_VC_UINT64: case WIREPY_VC_INT:
            case WIREPY_VC_BOOL: case WIREPY_VC_FLOAT:
                v1 = v.v1;
                flags |= WIREPY_NODE_HAS_V1;
                break;
            case WIREPY_VC_ABS_TIME: case WIREPY_VC_REL_TIME:
                v1 = v.v1;
                v2 = v.v2;
                flags |= WIREPY_NODE_HAS_TIME;
                break;
            case WIREPY_VC_STRING:
                raw = v.text;
                break;
            case WIREPY_VC_BYTES:
                /* as hex text; bytes_to_hexstr returns NULL for no bytes */
                if (v.len > 0) {
                    char *text = wmem_alloc(d->scratch, v.len * 2 + 1);
                    *bytes_to_hexstr(text, v.data, v.len) = '\0';
                    raw = text;
                } else {
                    raw = "";
                }
                break;
            /* addresses, GUIDs and IEEE 11073 floats: their filter text is
             * their display text (the repr ignores both arguments): show */
            default:
                break;
            }
        }
        if (raw != NULL && strcmp(raw, show) == 0)
            raw = NULL;   /* the same text: Python takes show */
        if (raw != NULL)
            flags |= WIREPY_NODE_HAS_RAW;
        /* tshark's -T fields text (get_node_field_value), sent only when it
         * differs from show; the common cases are known without formatting
         * the value a second time */
        const char *text = show;
        gchar *text_alloc = NULL;
        if (d->tree_field_text) {
            if (hfi->id == hf_text_only)
                text = fi->rep ? show : NULL;
            else if (ft == FT_PROTOCOL)
                text = (fi->rep && hfi->id != proto_data_id) ? label : NULL;
            else if (ft == FT_NONE)
                text = "1";
            else if (ft == FT_BYTES || ft == FT_UINT_BYTES || !show_rendered)
                text = NULL;
            if (text == NULL)
                text = text_alloc = get_node_field_value(fi, d->edt);
            if (strcmp(text, show) != 0)
                flags |= WIREPY_NODE_HAS_TEXT;
        }
        node_ints_out(d, fi, depth, flags, ft, v1, v2, str_base);
        out_str(d, label);
        out_str(d, show);
        if (raw != NULL)
            out_str(d, raw);
        if (flags & WIREPY_NODE_HAS_TEXT)
            out_str(d, text);
        g_free(text_alloc);
    }
}

/* A node whose rendering threw: its place in the tree, the exception as
 * its label, no value. */
static void
node_error_out(wirepy_dissector *d, field_info *fi, int depth, gint64 str_base,
               const char *failure)
{
    gint64 flags = WIREPY_NODE_ERROR;
    if (fi->flags & FI_HIDDEN)
        flags |= WIREPY_NODE_HIDDEN;
    if (fi->flags & FI_GENERATED)
        flags |= WIREPY_NODE_GENERATED;
    if (fi->hfinfo->id == hf_text_only)
        flags |= WIREPY_NODE_TEXT_ONLY;
    node_ints_out(d, fi, depth, flags, fi->hfinfo->type, 0, 0, str_base);
    out_str(d, failure);
    out_str(d, "");
}

static void
flatten(wirepy_dissector *d, proto_node *node, int depth, gint64 str_base)
{
    for (proto_node *child = node->first_child; child != NULL; child = child->next) {
        field_info *fi = child->finfo;
        if (fi == NULL)
            continue;
        /* From 4.4 on a tree dissected with columns holds them as hidden
         * _ws.col items; wirepy's trees leave them out (the texts are the
         * packet's columns), so that a tree is the same with and without
         * columns and equals tshark's PDML */
        if (G_UNLIKELY(fi->hfinfo->id == d->columns_proto))
            continue;
        if (d->render == RENDER_FAST) {
            node_out(d, fi, depth, str_base);
        } else {
            out_mark m = mark_out(d);
            const char *volatile failure = NULL;
            TRY {
                node_out(d, fi, depth, str_base);
            }
            CATCH_ALL {
                failure = caught_text(d, exc, fi->hfinfo->abbrev);
            }
            ENDTRY;
            if (failure != NULL) {
                rewind_out(d, &m);
                d->errors++;
                node_error_out(d, fi, depth, str_base, failure);
            }
        }
        if (child->first_child != NULL)
            flatten(d, child, depth + 1, str_base);
    }
}

static void
flatten_loaded(wirepy_dissector *d, int flags)
{
    (void)flags;
    d->ds_tvb = NULL;
    if (d->render != RENDER_BARE)
        flatten(d, d->edt->tree, 0, d->n_strs);
    data_sources_out(d);
}

/* Appends the nodes, then one int (number of data sources) and their
 * names; the nodes whose rendering threw are added to the packet's
 * errors (wirepy_dissect_errors). */
int
wirepy_tree_flatten(wirepy_dissector *d)
{
    if (!d->live || d->edt->tree == NULL)
        return -1;
    guint start = d->ints->len;
    render_guarded(d, flatten_loaded, 0);
    wmem_free_all(d->scratch);
    /* the nodes, then n_ds: one int after the nodes */
    return (int)((d->ints->len - start - 1) / WIREPY_NODE_INTS);
}

void
wirepy_out_clear(wirepy_dissector *d)
{
    g_array_set_size(d->ints, 0);
    d->strs.len = 0;
    d->n_strs = 0;
    g_byte_array_set_size(d->raw, 0);
    g_array_set_size(d->pkt_starts, 0);
}

const gint64 *
wirepy_out_packets(wirepy_dissector *d, gsize *n)
{
    *n = d->pkt_starts->len;
    return (const gint64 *)(void *)d->pkt_starts->data;
}

const guint8 *
wirepy_out_raw(wirepy_dissector *d, gsize *len)
{
    *len = d->raw->len;
    return d->raw->data;
}

void
wirepy_dissector_tree_field_text(wirepy_dissector *d, gboolean on)
{
    d->tree_field_text = on;
}

/* Makes rendering every item of field `hfid` throw a DissectorError, as
 * Wireshark's formatting code throws for values it cannot format: no
 * capture known triggers that path reliably, so the tests use this to
 * check the recovery (see dissect.h). -1 turns it off. */
void
wirepy_dissector_fail_rendering(wirepy_dissector *d, int hfid)
{
    d->fail_hfid = hfid;
}

/* Dissects bytes handed over by the caller as frame `num` of link type
 * `encap` (a WTAP_ENCAP_* value); the packet stays loaded like after
 * wirepy_dissect_next. The bytes are copied into the dissector's buffer. */
int
wirepy_dissect_data(wirepy_dissector *d, const guint8 *data, guint32 caplen,
                    guint32 len, int encap, gint64 secs, int nsecs)
{
    if (d->live)
        wirepy_dissect_finish(d);
    if (d->edt == NULL)
        return -1;
    wtap_rec_reset(&d->rec);
    wirepy_rec_setup_packet(&d->rec, encap);
    wirepy_rec_set_bytes(&d->rec, &d->buf, data, caplen);
    d->rec.presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN;
    d->rec.ts.secs = (time_t)secs;
    d->rec.ts.nsecs = nsecs;
    d->rec.tsprec = WTAP_TSPREC_NSEC;
    d->rec.rec_header.packet_header.caplen = caplen;
    d->rec.rec_header.packet_header.len = len;
    d->num++;
    d->prov->wth = NULL;
    frame_data_init(&d->fd, d->num, &d->rec, 0, d->prov->cum_bytes);
    d->cur = &d->fd;
    d->interface_id = -1;
    dissect_loaded(d, wtap_pcapng_file_type_subtype());
    return 1;
}

const gint64 *
wirepy_out_ints(wirepy_dissector *d, gsize *n)
{
    *n = d->ints->len;
    return (const gint64 *)(void *)d->ints->data;
}

const char *
wirepy_out_strings(wirepy_dissector *d, gsize *len)
{
    *len = d->strs.len;
    return d->strs.data;
}
