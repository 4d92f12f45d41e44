/* log.c -- route Wireshark's log messages and reports to a queue.
 *
 * libwireshark logs through ws_log (and GLib's g_log, which ws_log_init
 * redirects) and reports failures through the report_message routines. Both
 * hand over a va_list, which only C can consume. The messages are formatted
 * here and queued; wirepy.lib.wireshark drains the queue into Python's
 * `logging`. No Python code runs inside libwireshark this way, so nothing
 * Wireshark does (longjmp-based exceptions included) can cross Python frames.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "wirepy_shim.h"
#include <wsutil/report_message.h>

/* Enough for a burst of warnings from a broken file; beyond it messages are
 * counted, not kept, so a pathological capture cannot exhaust memory. */
#define WIREPY_LOG_MAX 10000

typedef struct {
    int level;
    char *domain;
    char *message;
} log_entry;

static GMutex log_lock;
static GQueue log_queue = G_QUEUE_INIT;
static guint64 log_dropped;

static void
log_push(int level, const char *domain, char *message /* takes ownership */)
{
    g_mutex_lock(&log_lock);
    if (g_queue_get_length(&log_queue) >= WIREPY_LOG_MAX) {
        log_dropped++;
        g_mutex_unlock(&log_lock);
        g_free(message);
        return;
    }
    log_entry *entry = g_new(log_entry, 1);
    entry->level = level;
    entry->domain = g_strdup(domain ? domain : "Main");
    entry->message = message;
    g_queue_push_tail(&log_queue, entry);
    g_mutex_unlock(&log_lock);
}

/* The one writer body; the callback's signature differs per series below.
 * fatal_msg (4.4+) is what ws_log says before it aborts (NULL otherwise). */
static void
log_write(const char *domain, enum ws_log_level level, const char *file, long line,
          const char *func, const char *fatal_msg, const char *user_format,
          va_list user_ap)
{
    char *message = g_strdup_vprintf(user_format, user_ap);
    if ((level >= LOG_LEVEL_ERROR && level != LOG_LEVEL_ECHO) || fatal_msg != NULL) {
        /* ws_log aborts after an error-level message: Python will never get
         * to drain the queue, so this one goes to stderr as well. */
        fprintf(stderr, "wirepy: fatal Wireshark error [%s] %s:%ld %s(): %s%s%s\n",
                domain ? domain : "Main", file ? file : "?", line,
                func ? func : "?", message,
                fatal_msg ? " -- " : "", fatal_msg ? fatal_msg : "");
        fflush(stderr);
    }
    if (fatal_msg != NULL) {
        char *both = g_strdup_printf("%s (%s)", message, fatal_msg);
        g_free(message);
        message = both;
    }
    log_push(level, domain, message);
}

#if WIREPY_WS_AT_LEAST(4, 4)
/* 4.4: no timestamp argument; fatal_msg and a manifest (timestamp, pid) */
static void
log_writer(const char *domain, enum ws_log_level level, const char *file, long line,
           const char *func, const char *fatal_msg, ws_log_manifest_t *mft,
           const char *user_format, va_list user_ap, void *user_data)
{
    (void)mft; (void)user_data;
    log_write(domain, level, file, line, func, fatal_msg, user_format, user_ap);
}
#else
static void
log_writer(const char *domain, enum ws_log_level level,
           struct timespec timestamp, const char *file, long line,
           const char *func, const char *user_format, va_list user_ap,
           void *user_data)
{
    (void)timestamp; (void)user_data;
    log_write(domain, level, file, line, func, NULL, user_format, user_ap);
}
#endif

static void
log_cmdarg_err(const char *format, va_list ap)
{
    log_push(LOG_LEVEL_WARNING, "wslog", g_strdup_vprintf(format, ap));
}

void
wirepy_log_init(const char *progname)
{
#if WIREPY_WS_AT_LEAST(4, 6)
    /* 4.6 takes no program name (it is not in the messages wirepy keeps) */
    (void)progname;
    ws_log_init_with_writer(log_writer, log_cmdarg_err);
#else
    ws_log_init_with_writer(progname, log_writer, log_cmdarg_err);
#endif
}

int
wirepy_log_pop(int *level, char **domain, char **message)
{
    g_mutex_lock(&log_lock);
    log_entry *entry = g_queue_pop_head(&log_queue);
    g_mutex_unlock(&log_lock);
    if (entry == NULL)
        return 0;
    *level = entry->level;
    *domain = entry->domain;
    *message = entry->message;
    g_free(entry);
    return 1;
}

void
wirepy_log_entry_free(char *domain, char *message)
{
    g_free(domain);
    g_free(message);
}

guint
wirepy_log_pending(void)
{
    g_mutex_lock(&log_lock);
    guint n = g_queue_get_length(&log_queue);
    g_mutex_unlock(&log_lock);
    return n;
}

guint64
wirepy_log_dropped(void)
{
    return log_dropped;
}

/* ---- report routines ------------------------------------------------ */

#define REPORT_DOMAIN "Report"

static void
report_failure_v(const char *format, va_list ap)
{
    log_push(LOG_LEVEL_CRITICAL, REPORT_DOMAIN, g_strdup_vprintf(format, ap));
}

static void
report_warning_v(const char *format, va_list ap)
{
    log_push(LOG_LEVEL_WARNING, REPORT_DOMAIN, g_strdup_vprintf(format, ap));
}

/* A wiretap error: negative codes are WTAP_ERR_*, positive ones errno. */
static char *
cfile_error_text(int err, gchar *err_info)
{
    char *text;
    if (err_info != NULL)
        text = g_strdup_printf("%s (%s)", wtap_strerror(err), err_info);
    else
        text = g_strdup(wtap_strerror(err));
    g_free(err_info);           /* the report routines own err_info */
    return text;
}

/* The report callbacks' flag and frame-number types (bool, uint64_t from
 * 4.4 on; gboolean, guint32 in 4.0). */
#if WIREPY_WS_AT_LEAST(4, 4)
typedef bool wirepy_report_bool;
typedef uint64_t wirepy_report_framenum;
#else
typedef gboolean wirepy_report_bool;
typedef guint32 wirepy_report_framenum;
#endif

static void
report_open_failure_cb(const char *filename, int err, wirepy_report_bool for_writing)
{
    log_push(LOG_LEVEL_CRITICAL, REPORT_DOMAIN,
             g_strdup_printf("cannot open \"%s\" for %s: %s", filename,
                             for_writing ? "writing" : "reading",
                             g_strerror(err)));
}

static void
report_read_failure_cb(const char *filename, int err)
{
    log_push(LOG_LEVEL_CRITICAL, REPORT_DOMAIN,
             g_strdup_printf("error reading \"%s\": %s", filename,
                             g_strerror(err)));
}

static void
report_write_failure_cb(const char *filename, int err)
{
    log_push(LOG_LEVEL_CRITICAL, REPORT_DOMAIN,
             g_strdup_printf("error writing \"%s\": %s", filename,
                             g_strerror(err)));
}

static void
report_cfile_open_failure_cb(const char *filename, int err, gchar *err_info)
{
    char *text = cfile_error_text(err, err_info);
    log_push(LOG_LEVEL_CRITICAL, REPORT_DOMAIN,
             g_strdup_printf("cannot open capture file \"%s\": %s", filename, text));
    g_free(text);
}

static void
report_cfile_dump_open_failure_cb(const char *filename, int err,
                                  gchar *err_info, int file_type_subtype)
{
    char *text = cfile_error_text(err, err_info);
    const char *type = wtap_file_type_subtype_name(file_type_subtype);
    log_push(LOG_LEVEL_CRITICAL, REPORT_DOMAIN,
             g_strdup_printf("cannot create %s capture file \"%s\": %s",
                             type ? type : "?", filename, text));
    g_free(text);
}

static void
report_cfile_read_failure_cb(const char *filename, int err, gchar *err_info)
{
    char *text = cfile_error_text(err, err_info);
    log_push(LOG_LEVEL_CRITICAL, REPORT_DOMAIN,
             g_strdup_printf("error reading capture file \"%s\": %s",
                             filename ? filename : "?", text));
    g_free(text);
}

static void
report_cfile_write_failure_cb(const char *in_filename, const char *out_filename,
                              int err, gchar *err_info, wirepy_report_framenum framenum,
                              int file_type_subtype)
{
    char *text = cfile_error_text(err, err_info);
    const char *type = wtap_file_type_subtype_name(file_type_subtype);
    log_push(LOG_LEVEL_CRITICAL, REPORT_DOMAIN,
             g_strdup_printf("error writing frame %" G_GUINT64_FORMAT " of \"%s\" to %s file \"%s\": %s",
                             (guint64)framenum, in_filename ? in_filename : "?",
                             type ? type : "?", out_filename ? out_filename : "?",
                             text));
    g_free(text);
}

static void
report_cfile_close_failure_cb(const char *filename, int err, gchar *err_info)
{
    char *text = cfile_error_text(err, err_info);
    log_push(LOG_LEVEL_CRITICAL, REPORT_DOMAIN,
             g_strdup_printf("error closing capture file \"%s\": %s", filename, text));
    g_free(text);
}

#if WIREPY_WS_AT_LEAST(4, 6)
static void
report_rename_failure_cb(const char *old_filename, const char *new_filename, int err)
{
    log_push(LOG_LEVEL_CRITICAL, REPORT_DOMAIN,
             g_strdup_printf("cannot rename \"%s\" to \"%s\": %s", old_filename,
                             new_filename, g_strerror(err)));
}
#endif

/* Designated: 4.6 inserted report_rename_failure in the middle. */
static const struct report_message_routines report_routines = {
    .vreport_failure = report_failure_v,
    .vreport_warning = report_warning_v,
    .report_open_failure = report_open_failure_cb,
    .report_read_failure = report_read_failure_cb,
    .report_write_failure = report_write_failure_cb,
#if WIREPY_WS_AT_LEAST(4, 6)
    .report_rename_failure = report_rename_failure_cb,
#endif
    .report_cfile_open_failure = report_cfile_open_failure_cb,
    .report_cfile_dump_open_failure = report_cfile_dump_open_failure_cb,
    .report_cfile_read_failure = report_cfile_read_failure_cb,
    .report_cfile_write_failure = report_cfile_write_failure_cb,
    .report_cfile_close_failure = report_cfile_close_failure_cb,
};

void
wirepy_report_init(const char *friendly_name)
{
    init_report_message(friendly_name, &report_routines);
}
