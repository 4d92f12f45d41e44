/* init.c -- libwireshark's initialisation, step by step, counted in C.
 *
 * Python runs signal handlers between bytecodes; an exception one raises
 * (KeyboardInterrupt, a timeout) between two initialisation calls made from
 * Python could leave a step done but not recorded, and running it again
 * crashes. Here the whole sequence is one C call that records each step it
 * completes, so a later call goes on where the last one stopped.
 */
#include "wirepy_shim.h"

#include <epan/prefs.h>
#include <epan/timestamp.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>

static int steps_done;
static e_prefs *loaded_prefs;

int
wirepy_init_steps(const char *progname, const char *argv0, char **message)
{
    *message = NULL;
    while (steps_done < WIREPY_INIT_STEPS) {
        switch (steps_done) {
        case 0:
            wirepy_log_init(progname);
            break;
        case 1:
            init_process_policies();
            break;
        case 2:
#if WIREPY_WS_AT_LEAST(4, 6)
            /* 4.6 has no configuration namespace argument (always Wireshark's) */
            *message = configuration_init(argv0);
#else
            *message = configuration_init(argv0, NULL);
#endif
            if (*message != NULL)
                return -1 - steps_done;
            break;
        case 3:
            wirepy_report_init(progname);
            break;
        case 4:
            timestamp_set_type(TS_RELATIVE);
            timestamp_set_precision(TS_PREC_AUTO);
            timestamp_set_seconds_type(TS_SECONDS_DEFAULT);
            break;
        case 5:
            wtap_init(TRUE);
            break;
        case 6:
            if (!epan_init(NULL, NULL, TRUE))
                return -1 - steps_done;
            break;
        case 7:
            loaded_prefs = epan_load_settings();
            break;
        case 8:
            prefs_apply_all();
            break;
        }
        steps_done++;
    }
    return steps_done;
}

e_prefs *
wirepy_init_prefs(void)
{
    return loaded_prefs;
}
