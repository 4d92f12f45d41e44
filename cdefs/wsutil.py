"""libwsutil: privileges, paths, logging, report routines, buffers, times, wmem.

Mirrors: wsutil/privileges.h, wsutil/filesystem.h, ws_log_defs.h,
wsutil/wslog.h, wsutil/report_message.h, wsutil/buffer.h, wsutil/nstime.h,
wsutil/wmem/wmem_core.h, wsutil/wmem/wmem_scopes.h.
"""

INCLUDES = """
#include "wirepy_version.h"
#include <wsutil/privileges.h>
#include <wsutil/filesystem.h>
#include <wsutil/wslog.h>
#include <wsutil/report_message.h>
#include <wsutil/buffer.h>
#include <wsutil/nstime.h>
#include <wsutil/wmem/wmem.h>
"""

TYPES = """
/* wirepy_version.h: a constant the installed series does not have */
#define WIREPY_ABSENT ...

enum ws_log_level {
    LOG_LEVEL_NONE,
    LOG_LEVEL_NOISY,
    LOG_LEVEL_DEBUG,
    LOG_LEVEL_INFO,
    LOG_LEVEL_MESSAGE,
    LOG_LEVEL_WARNING,
    LOG_LEVEL_CRITICAL,
    LOG_LEVEL_ERROR,
    LOG_LEVEL_ECHO,
    _LOG_LEVEL_LAST
};

/* Its members take va_lists: only the shim (log.c) fills one in. */
struct report_message_routines;

typedef struct Buffer {
    guint8 *data;
    gsize allocated;
    gsize start;
    gsize first_free;
} Buffer;

typedef struct {
    time_t secs;
    int nsecs;
} nstime_t;

typedef struct _wmem_allocator_t wmem_allocator_t;
"""

FUNCTIONS = """
/* privileges.h */
void init_process_policies(void);
gboolean started_with_special_privs(void);
gboolean running_with_special_privs(void);
void relinquish_special_privs_perm(void);
gchar *get_cur_username(void);
gchar *get_cur_groupname(void);

/* filesystem.h */
const char *get_progfile_dir(void);
const char *get_plugins_dir(void);
const char *get_plugins_dir_with_version(void);
const char *get_datafile_dir(void);
char *get_persconffile_path(const char *filename, gboolean from_profile);
void free_progdirs(void);

/* wslog.h (the writers take a va_list, so they live in the shim) */
void ws_log(const char *domain, enum ws_log_level level, const char *format, ...);
enum ws_log_level ws_log_get_level(void);
enum ws_log_level ws_log_set_level(enum ws_log_level level);
const char *ws_log_level_to_string(enum ws_log_level level);
_Bool ws_log_msg_is_active(const char *domain, enum ws_log_level level);

/* report_message.h */
void init_report_message(const char *friendly_program_name,
                         const struct report_message_routines *routines);
void report_failure(const char *msg_format, ...);
void report_warning(const char *msg_format, ...);
void report_open_failure(const char *filename, int err, gboolean for_writing);
void report_read_failure(const char *filename, int err);
const char *get_friendly_program_name(void);

/* buffer.h (ws_buffer_start_ptr is a macro; API mode accepts it as a function) */
void ws_buffer_init(Buffer *buffer, gsize space);
void ws_buffer_free(Buffer *buffer);
void ws_buffer_assure_space(Buffer *buffer, gsize space);
void ws_buffer_append(Buffer *buffer, guint8 *from, gsize bytes);
guint8 *ws_buffer_start_ptr(Buffer *buffer);

/* nstime.h */
void nstime_set_zero(nstime_t *nstime);
gboolean nstime_is_zero(const nstime_t *nstime);
void nstime_set_unset(nstime_t *nstime);
gboolean nstime_is_unset(const nstime_t *nstime);
double nstime_to_sec(const nstime_t *nstime);

/* wmem */
void wmem_free(wmem_allocator_t *allocator, void *ptr);
void wmem_free_all(wmem_allocator_t *allocator);
wmem_allocator_t *wmem_epan_scope(void);
wmem_allocator_t *wmem_file_scope(void);
"""

CUSTOMIZATIONS = ""

SOURCES = []
