"""The C shim: what CFFI cannot express, compiled into the same module.

Mirrors: cdefs/shim/wirepy_shim.h (sources: cdefs/shim/*.c). Log writers
and report routines (va_list), the packet provider (callbacks that run
inside dissection stay in C), accessors for anonymous unions.
"""

INCLUDES = """
#include "wirepy_shim.h"
"""

TYPES = """
struct packet_provider_data {
    wtap *wth;
    const frame_data *ref;
    frame_data *prev_dis;
    frame_data *prev_cap;
    nstime_t elapsed;
    guint32 cum_bytes;
    ...;
};
typedef struct packet_provider_data wirepy_provider;
"""

FUNCTIONS = """
void wirepy_log_init(const char *progname);
void wirepy_report_init(const char *friendly_name);
int wirepy_log_pop(int *level, char **domain, char **message);
void wirepy_log_entry_free(char *domain, char *message);
guint wirepy_log_pending(void);
guint64 wirepy_log_dropped(void);

wirepy_provider *wirepy_provider_new(wtap *wth);
void wirepy_provider_free(wirepy_provider *prov);
epan_t *wirepy_epan_new(wirepy_provider *prov);
void wirepy_provider_before_dissect(wirepy_provider *prov, frame_data *fd);
void wirepy_provider_after_dissect(wirepy_provider *prov, frame_data *fd,
                                   gboolean displayed);

wtap_packet_header *wirepy_rec_packet_header(wtap_rec *rec);
"""

CUSTOMIZATIONS = ""

SOURCES = ["shim/log.c", "shim/provider.c", "shim/access.c"]
