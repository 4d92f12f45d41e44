/* taps.c -- registering the shim's tap listeners (see taps.h). */
#include <epan/exceptions.h>
#include <epan/frame_data.h>
#include "taps.h"

gchar *
wirepy_tap_register(const char *tapname, void *tapdata, const char *filter,
                    guint flags, tap_packet_cb packet, tap_reset_cb reset,
                    tap_finish_cb finish)
{
    GString *volatile error = NULL;
    gchar *volatile thrown = NULL;
    /* register_tap_listener compiles the filter: dfilter_compile reports
     * errors in its result, but the semantic checks format values, which
     * may THROW (as everything that renders an fvalue): caught here */
    TRY {
        error = register_tap_listener(tapname, tapdata, filter, flags, reset, packet,
                                      NULL, finish);
    }
    CATCH_ALL {
        const char *msg = except_message(exc);
        thrown = g_strdup_printf("registering a listener on tap \"%s\" threw: %s", tapname,
                                 msg ? msg : "an exception");
    }
    ENDTRY;
    if (thrown != NULL)
        return thrown;
    if (error == NULL)
        return NULL;
    return g_string_free(error, FALSE);
}

/* remove_tap_listener frees the listener's filter and calls its finish
 * callback (the shim's free nothing Wireshark owns): no THROW. */
void
wirepy_tap_remove(void *tapdata)
{
    remove_tap_listener(tapdata);
}

gboolean
wirepy_tap_exists(const char *tapname)
{
    return find_tap_id(tapname) != 0;
}

/* As tshark decides how to dissect: a tree when a listener asks for one or
 * has a filter, columns when one asks for them. */
int
wirepy_tap_needs(void)
{
    guint flags = union_of_tap_listener_flags();
    int needs = 0;
    if ((flags & TL_REQUIRES_PROTO_TREE) || have_filtering_tap_listeners())
        needs |= WIREPY_TAP_NEEDS_TREE;
    if (flags & WIREPY_TL_REQUIRES_PROTOCOLS)
        needs |= WIREPY_TAP_NEEDS_PROTOCOLS;
    if (flags & TL_REQUIRES_COLUMNS)
        needs |= WIREPY_TAP_NEEDS_COLUMNS;
    return needs;
}

wirepy_tap_counter *
wirepy_tap_counter_new(void)
{
    return g_new0(wirepy_tap_counter, 1);
}

void
wirepy_tap_counter_free(wirepy_tap_counter *c)
{
    g_free(c);
}

void
wirepy_tap_counter_reset(void *tapdata)
{
    wirepy_tap_counter *c = tapdata;
    c->packets = 0;
    c->bytes = 0;
}

tap_packet_status
wirepy_tap_counter_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                          const void *data _U_, tap_flags_t flags _U_)
{
    wirepy_tap_counter *c = tapdata;
    c->packets++;
    c->bytes += pinfo->fd->pkt_len;
    return TAP_PACKET_DONT_REDRAW;
}
