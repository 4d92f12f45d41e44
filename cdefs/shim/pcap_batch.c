/* Hot paths of the libpcap layer.
 *
 * wirepy_pcap_collect builds the Python objects of a whole batch of packets
 * in one C call: that is what makes iteration cheaper than a binding that
 * crosses into Python once per packet. CFFI releases the GIL around every
 * call, so the functions take it back only for the time they create
 * objects, never across a read that can wait: a live capture is read in
 * non-blocking mode (its only wait is wirepy_pcap_wait, a poll), and a
 * savefile is read by libpcap without the GIL into a C buffer, since a
 * savefile on a pipe, a FIFO or standard input waits for its writer.
 * Python objects are passed in as their addresses (CPython's id()); the
 * Python side keeps them alive.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcap_batch.h"

/* Pkthdr: a small extension type (no GC, no int objects), so a packet costs
 * one allocation for its header. wirepy.lib.pcap_types adds the derived
 * properties (ts_ns, datetimes...) in Python. */
typedef struct {
    PyObject_HEAD
    long long sec;
    long long frac;
    unsigned int caplen;
    unsigned int len;
    int precision;
} wirepy_pkthdr;

static PyTypeObject *pkthdr_type;

/* Headers freed are kept for the next ones (as CPython keeps tuples): a
 * read makes and drops one per packet, and the allocator's round trip was
 * a tenth of a packet's cost. The GIL guards the list (the module is built
 * for the limited API, which has no free-threaded build). The type cannot
 * be subclassed, so every header has its size. */
#define PKTHDR_KEEP 4096
_Static_assert(sizeof(PyObject *) <= sizeof(long long), "a kept header links through sec");
static PyObject *pkthdr_kept;     /* chained through their first field */
static int pkthdr_n_kept;

static void
pkthdr_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);

    if (pkthdr_n_kept < PKTHDR_KEEP) {
        *(PyObject **)&((wirepy_pkthdr *)self)->sec = pkthdr_kept;
        pkthdr_kept = self;
        pkthdr_n_kept++;
    } else {
        tp->tp_free(self);
    }
    Py_DECREF(tp);
}

static PyObject *
pkthdr_alloc(PyTypeObject *type, long long sec, long long frac, unsigned int caplen,
             unsigned int len, int precision)
{
    wirepy_pkthdr *h;

    if (pkthdr_kept != NULL) {
        h = (wirepy_pkthdr *)pkthdr_kept;
        pkthdr_kept = *(PyObject **)&h->sec;
        pkthdr_n_kept--;
        PyObject_Init((PyObject *)h, type);
    } else {
        h = (wirepy_pkthdr *)type->tp_alloc(type, 0);
        if (h == NULL)
            return NULL;
    }
    h->sec = sec;
    h->frac = frac;
    h->caplen = caplen;
    h->len = len;
    h->precision = precision;
    return (PyObject *)h;
}

/* ts (float seconds) as whole seconds and a fraction in units of the
 * precision, rounded to the nearest unit; -1 with an exception when ts is
 * not a finite time. */
static int
ts_from_double(double ts, int precision, long long *sec, long long *frac)
{
    double whole = floor(ts);
    double unit = precision == 0 ? 1e6 : 1e9;

    if (!isfinite(ts) || fabs(ts) > 9.2e15) {
        PyErr_SetString(PyExc_ValueError, "ts out of range");
        return -1;
    }
    *sec = (long long)whole;
    *frac = llround((ts - whole) * unit);
    if (*frac >= (long long)unit) {
        *sec += 1;
        *frac -= (long long)unit;
    }
    return 0;
}

static PyObject *
pkthdr_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"ts", "caplen", "len", "ts_ns", "precision", NULL};
    double ts = 0.0;
    unsigned long long caplen = 0, len = 0;
    PyObject *ts_ns = Py_None;
    int precision = 0;
    long long sec, frac;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|dKK$Oi:Pkthdr", kwlist, &ts, &caplen,
                                     &len, &ts_ns, &precision))
        return NULL;
    if (precision != 0 && precision != 1) {
        PyErr_SetString(PyExc_ValueError, "precision must be MICRO (0) or NANO (1)");
        return NULL;
    }
    if (caplen > 0xffffffffULL || len > 0xffffffffULL) {
        PyErr_SetString(PyExc_OverflowError, "caplen and len must fit in 32 bits");
        return NULL;
    }
    if (ts_ns != Py_None) {
        PyObject *billion = PyLong_FromLong(1000000000L);
        PyObject *dm = billion ? PyNumber_Divmod(ts_ns, billion) : NULL;

        Py_XDECREF(billion);
        if (dm == NULL)
            return NULL;
        sec = PyLong_AsLongLong(PyTuple_GET_ITEM(dm, 0));
        frac = PyLong_AsLongLong(PyTuple_GET_ITEM(dm, 1));
        Py_DECREF(dm);
        if (PyErr_Occurred())
            return NULL;
        if (precision == 0)
            frac /= 1000;
    } else if (ts_from_double(ts, precision, &sec, &frac) != 0) {
        return NULL;
    }
    return pkthdr_alloc(type, sec, frac, (unsigned int)caplen, (unsigned int)len, precision);
}

static PyObject *
pkthdr_get_ts(PyObject *self, void *closure)
{
    wirepy_pkthdr *h = (wirepy_pkthdr *)self;

    (void)closure;
    return PyFloat_FromDouble((double)h->sec + (double)h->frac / (h->precision ? 1e9 : 1e6));
}

static int
pkthdr_set_ts(PyObject *self, PyObject *value, void *closure)
{
    wirepy_pkthdr *h = (wirepy_pkthdr *)self;
    long long sec, frac;
    double ts;

    (void)closure;
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "cannot delete ts");
        return -1;
    }
    ts = PyFloat_AsDouble(value);
    if (ts == -1.0 && PyErr_Occurred())
        return -1;
    if (ts_from_double(ts, h->precision, &sec, &frac) != 0)
        return -1;
    h->sec = sec;
    h->frac = frac;
    return 0;
}

/* caplen and len: libpcap's bpf_u_int32, refused rather than truncated
 * when out of range (structmember's T_UINT only warns). */
static PyObject *
pkthdr_get_u32(PyObject *self, void *closure)
{
    return PyLong_FromUnsignedLong(*(unsigned int *)((char *)self + (size_t)closure));
}

static int
pkthdr_set_u32(PyObject *self, PyObject *value, void *closure)
{
    unsigned long v;

    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "cannot delete a packet length");
        return -1;
    }
    if (!PyLong_Check(value)) {
        PyErr_Format(PyExc_TypeError, "a packet length must be an int, not %.100s",
                     Py_TYPE(value)->tp_name);
        return -1;
    }
    v = PyLong_AsUnsignedLong(value);
    if (v == (unsigned long)-1 && PyErr_Occurred())
        return -1;
    if (v > 0xffffffffUL) {
        PyErr_SetString(PyExc_OverflowError, "caplen and len must fit in 32 bits");
        return -1;
    }
    *(unsigned int *)((char *)self + (size_t)closure) = (unsigned int)v;
    return 0;
}

static PyMemberDef pkthdr_members[] = {
    {"ts_sec", T_LONGLONG, offsetof(wirepy_pkthdr, sec), READONLY,
     "Whole seconds since the Epoch."},
    {"ts_frac", T_LONGLONG, offsetof(wirepy_pkthdr, frac), READONLY,
     "Fraction of the second, in units of the precision (us or ns)."},
    /* Writable views of the same two fields, for the time stamp setters
     * wirepy.lib.pcap_types adds in Python. */
    {"_sec", T_LONGLONG, offsetof(wirepy_pkthdr, sec), 0, NULL},
    {"_frac", T_LONGLONG, offsetof(wirepy_pkthdr, frac), 0, NULL},
    {"_precision", T_INT, offsetof(wirepy_pkthdr, precision), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef pkthdr_getset[] = {
    {"ts", pkthdr_get_ts, pkthdr_set_ts, "Time stamp as float seconds since the Epoch.", NULL},
    {"caplen", pkthdr_get_u32, pkthdr_set_u32, "Length of portion present.",
     (void *)offsetof(wirepy_pkthdr, caplen)},
    {"len", pkthdr_get_u32, pkthdr_set_u32, "Length of this packet (off wire).",
     (void *)offsetof(wirepy_pkthdr, len)},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot pkthdr_slots[] = {
    {Py_tp_new, pkthdr_new},
    {Py_tp_dealloc, pkthdr_dealloc},
    {Py_tp_members, pkthdr_members},
    {Py_tp_getset, pkthdr_getset},
    {0, NULL},
};

static PyType_Spec pkthdr_spec = {
    "wirepy.lib.pcap_types.Pkthdr",
    sizeof(wirepy_pkthdr),
    0,
    Py_TPFLAGS_DEFAULT,
    pkthdr_slots,
};

int
wirepy_pcap_types_init(void *out)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    int rc = -1;

    if (pkthdr_type == NULL)
        pkthdr_type = (PyTypeObject *)PyType_FromSpec(&pkthdr_spec);
    if (pkthdr_type != NULL && PyList_Append((PyObject *)out, (PyObject *)pkthdr_type) == 0)
        rc = 0;
    if (rc != 0)
        PyErr_Clear();
    PyGILState_Release(gil);
    return rc;
}

struct collect_ctx {
    pcap_t *p;
    int precision;
    PyObject *out_a;     /* list of (hdr, data) pairs, or of headers */
    PyObject *out_b;     /* NULL, or the list of data */
    int failed;
};

static void
collect_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    struct collect_ctx *ctx = (struct collect_ctx *)user;
    PyObject *hdr, *data = NULL;
    int rc;

    if (ctx->failed)
        return;
    hdr = pkthdr_alloc(pkthdr_type, (long long)h->ts.tv_sec, (long long)h->ts.tv_usec,
                       h->caplen, h->len, ctx->precision);
    if (hdr == NULL)
        goto fail;
    data = PyBytes_FromStringAndSize((const char *)bytes, h->caplen);
    if (data == NULL)
        goto fail;
    if (ctx->out_b == NULL) {
        PyObject *pair = PyTuple_New(2);

        if (pair == NULL)
            goto fail;
        PyTuple_SET_ITEM(pair, 0, hdr);
        PyTuple_SET_ITEM(pair, 1, data);
        /* Holds no container: keep the cyclic collector off the batches. */
        PyObject_GC_UnTrack(pair);
        rc = PyList_Append(ctx->out_a, pair);
        Py_DECREF(pair);
    } else {
        rc = PyList_Append(ctx->out_a, hdr);
        if (rc == 0)
            rc = PyList_Append(ctx->out_b, data);
        Py_DECREF(hdr);
        Py_DECREF(data);
    }
    if (rc == 0)
        return;
    ctx->failed = 1;
    pcap_breakloop(ctx->p);
    return;
fail:
    Py_XDECREF(hdr);
    Py_XDECREF(data);
    ctx->failed = 1;
    pcap_breakloop(ctx->p);
}

/* Packets of a savefile copied out of libpcap without the GIL: one record
 * header followed by caplen bytes, each record 8-aligned. */
struct arena_rec {
    long long sec;
    long long frac;
    unsigned int caplen;
    unsigned int len;
};

struct arena {
    pcap_t *p;
    unsigned char *buf;
    size_t used;
    size_t cap;
    int count;
    int failed;
};

/* pcap_dispatch callback run without the GIL: C only. */
static void
arena_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    struct arena *a = (struct arena *)user;
    size_t need = (sizeof(struct arena_rec) + (size_t)h->caplen + 7) & ~(size_t)7;
    struct arena_rec *r;

    if (a->failed)
        return;
    if (need > a->cap - a->used) {
        size_t cap = a->cap ? a->cap : 65536;
        unsigned char *grown;

        while (cap - a->used < need)
            cap *= 2;
        grown = realloc(a->buf, cap);
        if (grown == NULL) {
            a->failed = 1;
            pcap_breakloop(a->p);
            return;
        }
        a->buf = grown;
        a->cap = cap;
    }
    r = (struct arena_rec *)(a->buf + a->used);
    r->sec = (long long)h->ts.tv_sec;
    r->frac = (long long)h->ts.tv_usec;
    r->caplen = h->caplen;
    r->len = h->len;
    memcpy(r + 1, bytes, h->caplen);
    a->used += need;
    a->count++;
}

/* Whether a read of fp would return without waiting: bytes in stdio's
 * buffer (glibc's FILE fields; gnulib's freadahead reads the same), or the
 * descriptor readable or at end of file. */
/* Whether the linked libpcap reads a pcap file's seconds as unsigned
 * (1.10.5 does; 1.10.3 reads them as signed 32-bit), asked of libpcap itself
 * once with a one-record file in memory whose seconds are 2^31: the fast
 * reader gives the time stamps pcap_next_ex gives. */
static int
libpcap_seconds_unsigned(void)
{
    static int answer = -1;
    if (answer >= 0)
        return answer;
    unsigned char file[24 + 16 + 1];
    uint32_t header[6] = {0xa1b2c3d4u, 2u | (4u << 16), 0, 0, 65535, 1};
    uint32_t record[4] = {0x80000000u, 0, 1, 1};
    memset(file, 0, sizeof file);
    memcpy(file, header, sizeof header);
    memcpy(file + sizeof header, record, sizeof record);
    answer = 0;
    FILE *fp = fmemopen(file, sizeof file, "rb");
    if (fp != NULL) {
        char errbuf[PCAP_ERRBUF_SIZE];
        pcap_t *p = pcap_fopen_offline(fp, errbuf);
        if (p != NULL) {
            struct pcap_pkthdr *h;
            const u_char *data;
            if (pcap_next_ex(p, &h, &data) == 1)
                answer = h->ts.tv_sec > 0;
            pcap_close(p);     /* closes fp */
        } else {
            fclose(fp);
        }
    }
    return answer;
}

static int
stream_ready(FILE *fp)
{
    struct pollfd pfd;

#ifdef __GLIBC__
    if (fp->_IO_read_ptr < fp->_IO_read_end)
        return 1;
    pfd.fd = fileno(fp);
    pfd.events = POLLIN;
    pfd.revents = 0;
    return poll(&pfd, 1, 0) > 0;
#else
    /* The buffer cannot be seen: never wait in poll (data may be in it);
     * the read then waits, still without the GIL. */
    (void)fp;
    (void)pfd;
    return 1;
#endif
}

/* The savefile path of wirepy_pcap_collect, entered without the GIL. */
static int
collect_savefile(pcap_t *p, FILE *fp, int maxcnt, int precision, PyObject *out_a,
                 PyObject *out_b)
{
    struct arena a;
    struct stat st;
    PyGILState_STATE gil;
    size_t off;
    int rc, n = 0, nomem;

    memset(&a, 0, sizeof(a));
    a.p = p;
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode)) {
        rc = pcap_dispatch(p, maxcnt, arena_cb, (u_char *)&a);
    } else {
        /* A pipe, FIFO, socket or terminal: packets one at a time, while
         * more are there without waiting, so what was read goes to Python
         * at once instead of after maxcnt packets from a slow writer. The
         * first may wait (the caller has polled, but a record can arrive
         * in pieces). */
        for (;;) {
            rc = pcap_dispatch(p, 1, arena_cb, (u_char *)&a);
            if (rc <= 0 || a.failed)
                break;
            n++;
            if ((maxcnt > 0 && n >= maxcnt) || !stream_ready(fp)) {
                rc = n;
                break;
            }
        }
        if (rc == 0)
            rc = n;  /* end of file after n packets: the next call returns 0 */
    }
    nomem = a.failed;   /* the packets copied before stay */
    gil = PyGILState_Ensure();
    for (off = 0; off < a.used;) {
        struct arena_rec *r = (struct arena_rec *)(a.buf + off);
        PyObject *hdr, *data;
        int err;

        hdr = pkthdr_alloc(pkthdr_type, r->sec, r->frac, r->caplen, r->len, precision);
        data = hdr ? PyBytes_FromStringAndSize((const char *)(r + 1), r->caplen) : NULL;
        if (data == NULL) {
            Py_XDECREF(hdr);
            nomem = 1;
            break;
        }
        if (out_b == NULL) {
            PyObject *pair = PyTuple_New(2);

            if (pair == NULL) {
                Py_DECREF(hdr);
                Py_DECREF(data);
                nomem = 1;
                break;
            }
            PyTuple_SET_ITEM(pair, 0, hdr);
            PyTuple_SET_ITEM(pair, 1, data);
            PyObject_GC_UnTrack(pair);
            err = PyList_Append(out_a, pair);
            Py_DECREF(pair);
        } else {
            err = PyList_Append(out_a, hdr);
            if (err == 0)
                err = PyList_Append(out_b, data);
            Py_DECREF(hdr);
            Py_DECREF(data);
        }
        if (err != 0) {
            nomem = 1;
            break;
        }
        off += (sizeof(struct arena_rec) + (size_t)r->caplen + 7) & ~(size_t)7;
    }
    if (nomem) {
        /* The Python side raises MemoryError; what was collected stays. */
        PyErr_Clear();
        rc = WIREPY_PCAP_NOMEM;
    }
    PyGILState_Release(gil);
    free(a.buf);
    return rc;
}

int
wirepy_pcap_collect(pcap_t *p, int maxcnt, int precision, void *out_a, void *out_b)
{
    struct collect_ctx ctx;
    PyGILState_STATE gil;
    FILE *fp;
    int rc;

    if (pkthdr_type == NULL)
        return WIREPY_PCAP_NOMEM;
    fp = pcap_file(p);
    if (fp != NULL)
        return collect_savefile(p, fp, maxcnt, precision, (PyObject *)out_a,
                                (PyObject *)out_b);
    /* A live capture, in non-blocking mode: pcap_dispatch returns at once,
     * and the objects are built in its callback, without a copy. */
    ctx.p = p;
    ctx.precision = precision;
    ctx.out_a = (PyObject *)out_a;
    ctx.out_b = (PyObject *)out_b;
    ctx.failed = 0;
    gil = PyGILState_Ensure();
    rc = pcap_dispatch(p, maxcnt, collect_cb, (u_char *)&ctx);
    if (ctx.failed) {
        /* The Python side raises MemoryError; what was collected stays. */
        PyErr_Clear();
        rc = WIREPY_PCAP_NOMEM;
    }
    PyGILState_Release(gil);
    return rc;
}

/* fread_unlocked of n bytes (the count read), served straight from stdio's
 * buffer when it holds them all (glibc's FILE fields, as gnulib's freadptr/freadseek
 * use them): most records of a capture are in the buffer, and a call into
 * fread per header and per packet was a fifth of a packet's cost. */
static inline size_t
take(FILE *fp, void *dst, size_t n)
{
#ifdef __GLIBC__
    if ((size_t)(fp->_IO_read_end - fp->_IO_read_ptr) >= n) {
        memcpy(dst, fp->_IO_read_ptr, n);
        fp->_IO_read_ptr += n;
        return n;
    }
#endif
    return fread_unlocked(dst, 1, n, fp);
}

/* Fast reader of classic pcap files (format 2.4), used instead of
 * pcap_dispatch on the FILE libpcap opened (positioned after the file
 * header): no per-packet callback, unlocked stdio, data read straight into
 * the bytes object. Anything unusual (a short read, a caplen libpcap would
 * cut or refuse) rewinds to the start of that record and returns
 * WIREPY_PCAP_FALLBACK: libpcap then reads on from there, with its own
 * checks and messages, so the two readers cannot disagree. */
int
wirepy_pcap_collect_file(pcap_t *p, int maxcnt, int file_nano, const struct bpf_program *prog,
                         void *out_a, void *out_b)
{
    FILE *fp = pcap_file(p);
    int swapped = pcap_is_swapped(p);
    int precision = pcap_get_tstamp_precision(p);
    unsigned int snapshot = (unsigned int)pcap_snapshot(p);
    PyObject *list_a = (PyObject *)out_a, *list_b = (PyObject *)out_b;
    PyGILState_STATE gil;
    unsigned char *scratch = NULL;
    int n = 0, rc = 0;
    long offset;
    int seconds_unsigned = libpcap_seconds_unsigned();

    if (fp == NULL || pkthdr_type == NULL)
        return WIREPY_PCAP_FALLBACK;
    offset = ftell(fp);
    if (offset < 0)
        return WIREPY_PCAP_FALLBACK;
    if (prog != NULL) {
        scratch = malloc(snapshot ? snapshot : 1);
        if (scratch == NULL)
            return WIREPY_PCAP_NOMEM;
    }
    gil = PyGILState_Ensure();
    while (n < maxcnt) {
        uint32_t hdr[4];
        long start = offset;
        size_t got;
        PyObject *h, *data;
        long long frac;
        uint32_t caplen, len;

        got = take(fp, hdr, sizeof(hdr));
        if (got == 0 && feof_unlocked(fp) && !ferror_unlocked(fp)) {
            rc = 0;
            break;
        }
        if (got != sizeof(hdr)) {
            fseek(fp, start, SEEK_SET);
            rc = WIREPY_PCAP_FALLBACK;
            break;
        }
        if (swapped) {
            int i;
            for (i = 0; i < 4; i++)
                hdr[i] = __builtin_bswap32(hdr[i]);
        }
        caplen = hdr[2];
        len = hdr[3];
        if (caplen > snapshot || caplen > 262144) {
            fseek(fp, start, SEEK_SET);
            rc = WIREPY_PCAP_FALLBACK;
            break;
        }
        offset += (long)sizeof(hdr) + (long)caplen;
        /* the fraction as libpcap reads it (signed 32-bit) */
        frac = (int32_t)hdr[1];
        if (file_nano && precision == 0)
            frac /= 1000;
        else if (!file_nano && precision == 1)
            frac *= 1000;
        if (prog != NULL) {
            if (take(fp, scratch, caplen) != caplen) {
                fseek(fp, start, SEEK_SET);
                rc = WIREPY_PCAP_FALLBACK;
                break;
            }
            if (bpf_filter(prog->bf_insns, scratch, len, caplen) == 0)
                continue;
            data = PyBytes_FromStringAndSize((const char *)scratch, caplen);
            if (data == NULL) {
                rc = WIREPY_PCAP_NOMEM;
                break;
            }
        } else {
            data = PyBytes_FromStringAndSize(NULL, caplen);
            if (data == NULL) {
                rc = WIREPY_PCAP_NOMEM;
                break;
            }
            if (take(fp, PyBytes_AS_STRING(data), caplen) != caplen) {
                Py_DECREF(data);
                fseek(fp, start, SEEK_SET);
                rc = WIREPY_PCAP_FALLBACK;
                break;
            }
        }
        h = pkthdr_alloc(pkthdr_type,
                         seconds_unsigned ? (long long)hdr[0] : (long long)(int32_t)hdr[0],
                         frac, caplen, len, precision);
        if (h == NULL) {
            Py_DECREF(data);
            rc = WIREPY_PCAP_NOMEM;
            break;
        }
        if (list_b == NULL) {
            PyObject *pair = PyTuple_New(2);

            if (pair == NULL) {
                Py_DECREF(h);
                Py_DECREF(data);
                rc = WIREPY_PCAP_NOMEM;
                break;
            }
            PyTuple_SET_ITEM(pair, 0, h);
            PyTuple_SET_ITEM(pair, 1, data);
            PyObject_GC_UnTrack(pair);
            rc = PyList_Append(list_a, pair);
            Py_DECREF(pair);
        } else {
            rc = PyList_Append(list_a, h);
            if (rc == 0)
                rc = PyList_Append(list_b, data);
            Py_DECREF(h);
            Py_DECREF(data);
        }
        if (rc != 0) {
            rc = WIREPY_PCAP_NOMEM;
            break;
        }
        n++;
    }
    if (rc == WIREPY_PCAP_NOMEM)
        PyErr_Clear();
    PyGILState_Release(gil);
    free(scratch);
    if (rc == 0 || (rc == WIREPY_PCAP_FALLBACK && n > 0))
        return n;  /* a fallback with packets in hand shows at the next call */
    return rc;
}

int
wirepy_pcap_wait(int fd, int wakefd, int timeout_ms)
{
    struct pollfd fds[2];
    int n = 1, rc;

    fds[0].fd = fd;
    fds[0].events = POLLIN;
    fds[0].revents = 0;
    if (wakefd >= 0) {
        fds[1].fd = wakefd;
        fds[1].events = POLLIN;
        fds[1].revents = 0;
        n = 2;
    }
    rc = poll(fds, n, timeout_ms);
    if (rc < 0)
        return errno == EINTR ? 0 : -errno;
    if (rc == 0)
        return 0;
    rc = 0;
    if (fds[0].revents & (POLLIN | POLLERR | POLLHUP))
        rc |= 1;
    if (n == 2 && (fds[1].revents & (POLLIN | POLLERR | POLLHUP)))
        rc |= 2;
    if (fds[0].revents & POLLNVAL)
        return -EBADF;
    return rc;
}

int
wirepy_pcap_savefile_fd(pcap_t *p)
{
    FILE *fp = pcap_file(p);

    return fp != NULL ? fileno(fp) : -1;
}

int
wirepy_pcap_file_wait(pcap_t *p, int wakefd, int timeout_ms)
{
    FILE *fp = pcap_file(p);

    if (fp == NULL)
        return -EINVAL;
    if (stream_ready(fp))
        return 1;
    return wirepy_pcap_wait(fileno(fp), wakefd, timeout_ms);
}

void
wirepy_pcap_drain(int fd)
{
    char buf[64];

    while (read(fd, buf, sizeof(buf)) > 0)
        ;
}

void
wirepy_pcap_dump1(pcap_dumper_t *d, int64_t sec, int64_t frac, uint32_t caplen,
                  uint32_t len, const unsigned char *data)
{
    struct pcap_pkthdr h;

    h.ts.tv_sec = (time_t)sec;
    h.ts.tv_usec = (suseconds_t)frac;
    h.caplen = caplen;
    h.len = len;
    pcap_dump((u_char *)d, &h, data);
}

int
wirepy_pcap_filter1(const struct bpf_program *prog, uint32_t caplen, uint32_t len,
                    const unsigned char *data)
{
    struct pcap_pkthdr h;

    memset(&h, 0, sizeof(h));
    h.caplen = caplen;
    h.len = len;
    return pcap_offline_filter(prog, &h, data);
}

pcap_t *
wirepy_pcap_fdopen_offline(int fd, unsigned int precision, char *errbuf)
{
    int dupfd = dup(fd);
    FILE *fp;
    pcap_t *p;

    if (dupfd < 0) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "dup: %s", strerror(errno));
        return NULL;
    }
    fp = fdopen(dupfd, "rb");
    if (fp == NULL) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "fdopen: %s", strerror(errno));
        close(dupfd);
        return NULL;
    }
    /* pcap_close closes fp (and so dupfd); on failure it is ours. */
    p = pcap_fopen_offline_with_tstamp_precision(fp, precision, errbuf);
    if (p == NULL)
        fclose(fp);
    return p;
}

pcap_t *
wirepy_pcap_open_offline_buffered(const char *path, unsigned int precision, size_t bufsize,
                                  char *errbuf)
{
    FILE *fp = fopen(path, "rb");
    pcap_t *p;

    if (fp == NULL) {
        snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
        return NULL;
    }
    /* stdio's default buffer (st_blksize, 4 KiB) means a read(2) every few
     * dozen small packets; libpcap freads header and data separately. */
    if (bufsize > 0)
        setvbuf(fp, NULL, _IOFBF, bufsize);
    p = pcap_fopen_offline_with_tstamp_precision(fp, precision, errbuf);
    if (p == NULL)
        fclose(fp);
    return p;
}

pcap_dumper_t *
wirepy_pcap_dump_fdopen(pcap_t *p, int fd)
{
    int dupfd = dup(fd);
    FILE *fp;
    pcap_dumper_t *d;

    if (dupfd < 0)
        return NULL;
    fp = fdopen(dupfd, "wb");
    if (fp == NULL) {
        close(dupfd);
        return NULL;
    }
    d = pcap_dump_fopen(p, fp);
    if (d == NULL)
        fclose(fp);
    return d;
}

int
wirepy_pcap_sockaddr(const struct sockaddr *sa, unsigned char *out, int outlen)
{
    int size;

    if (sa == NULL)
        return 0;
    switch (sa->sa_family) {
    case AF_INET:
        size = 16;
        break;
    case AF_INET6:
        size = 28;
        break;
    default:
        size = 20; /* sockaddr_ll; others are read only as far as this */
        break;
    }
    if (size > outlen)
        size = outlen;
    memcpy(out, sa, size);
    return size;
}
