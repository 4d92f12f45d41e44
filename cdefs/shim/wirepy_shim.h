/* wirepy_shim.h -- what CFFI cannot express directly.
 *
 * Declarations of the C shim compiled into wirepy.lib._wireshark: log and
 * report writers (they take a va_list), the packet provider whose
 * callbacks libwireshark calls during dissection (callbacks stay in C so a
 * Wireshark exception can never longjmp over Python frames), and accessors
 * for anonymous unions. Mirrored for CFFI by cdefs/shim.py.
 */
#ifndef WIREPY_SHIM_H
#define WIREPY_SHIM_H

#include <glib.h>
#include "wirepy_version.h"
#include <epan/epan.h>
#include <epan/prefs.h>
#include <epan/frame_data.h>
#include <epan/frame_data_sequence.h>
#include <wiretap/wtap.h>
#include <wsutil/wslog.h>

/* log.c: Wireshark's log writer and report routines queue their messages;
 * Python drains the queue into the `logging` module. */
void wirepy_log_init(const char *progname);
void wirepy_report_init(const char *friendly_name);
int wirepy_log_pop(int *level, char **domain, char **message);
void wirepy_log_entry_free(char *domain, char *message);
guint wirepy_log_pending(void);
guint64 wirepy_log_dropped(void);

/* init.c: the initialisation sequence (log, policies, configuration,
 * reports, time stamps, wiretap, epan, settings, preferences), each step
 * counted once done; returns the steps done, or -1 - the failing step
 * (*message: configuration_init's error, to g_free). */
#define WIREPY_INIT_STEPS 9
int wirepy_init_steps(const char *progname, const char *argv0, char **message);
e_prefs *wirepy_init_prefs(void);

/* provider.c: the packet provider of an epan session. */
struct packet_provider_data {
    wtap *wth;                   /* interface names and descriptions; may be NULL */
    const frame_data *ref;       /* time reference frame */
    frame_data *prev_dis;        /* previous displayed frame */
    frame_data *prev_cap;        /* previous captured frame */
    frame_data ref_frame;        /* copies, because the caller's frame_data is reused */
    frame_data prev_dis_frame;
    frame_data prev_cap_frame;
    nstime_t elapsed;            /* time since the first frame */
    guint32 cum_bytes;
    frame_data_sequence *frames; /* every frame, in a two-pass read; else NULL */
};
typedef struct packet_provider_data wirepy_provider;

wirepy_provider *wirepy_provider_new(wtap *wth);
void wirepy_provider_free(wirepy_provider *prov);
epan_t *wirepy_epan_new(wirepy_provider *prov);
void wirepy_epan_free(epan_t *epan);
gboolean wirepy_epan_free_orphan(void);
gboolean wirepy_epan_is_live(void);
guint64 wirepy_names_reclaimed(void);
void wirepy_provider_before_dissect(wirepy_provider *prov, frame_data *fd);
void wirepy_provider_after_dissect(wirepy_provider *prov, frame_data *fd,
                                   gboolean displayed);

/* access.c: members CFFI cannot reach. */
wtap_packet_header *wirepy_rec_packet_header(wtap_rec *rec);

#endif /* WIREPY_SHIM_H */
