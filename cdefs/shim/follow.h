/* follow.h -- following a stream (follow.c): Wireshark's follow machinery
 * (epan/follow.h) as a tap listener of the shim's.
 *
 * A follower (TCP, UDP, TLS, HTTP, HTTP/2, QUIC, ...: whatever registered
 * with register_follow_stream) gives a tap, a display filter for stream N
 * (and sub-stream M for HTTP/2 and QUIC) and a packet callback that
 * collects the stream's payload in a follow_info_t. A wirepy_follow owns
 * that follow_info_t (its first member: the listener's tapdata) and hands
 * the chunks out in order after the read; Python copies them.
 */
#ifndef WIREPY_FOLLOW_H
#define WIREPY_FOLLOW_H

#include <glib.h>
#include <epan/tap.h>

typedef struct wirepy_follow wirepy_follow;

/* One chunk of the stream, oldest first: its data points into the
 * follower's buffers (valid until the next reset or the free). */
typedef struct wirepy_follow_chunk {
    guint32 packet;           /* frame number */
    int is_server;            /* 0: from the client (node 0), 1: from the server */
    guint32 len;
    const guint8 *data;
    gint64 secs;              /* the frame's absolute time stamp */
    int nsecs;
} wirepy_follow_chunk;

/* TRUE if a follower's protocol has this filter name ("tcp", "http2"). */
gboolean wirepy_follow_known(const char *proto);
/* The filter names of the followers, comma-separated (g_free it). */
gchar *wirepy_follow_names(void);
/* The follower of `proto` for stream `stream` (and `sub_stream`, used by
 * HTTP/2 and QUIC only): NULL for an unknown protocol or a stream the
 * follower makes no filter for. */
wirepy_follow *wirepy_follow_new(const char *proto, guint stream, guint sub_stream);
void wirepy_follow_free(wirepy_follow *f);

const char *wirepy_follow_tap(wirepy_follow *f);
const char *wirepy_follow_filter(wirepy_follow *f);
const char *wirepy_follow_protocol(wirepy_follow *f);
void *wirepy_follow_tapdata(wirepy_follow *f);
tap_packet_cb wirepy_follow_packet_cb(wirepy_follow *f);
void wirepy_follow_reset(void *tapdata);

guint wirepy_follow_count(wirepy_follow *f);
void wirepy_follow_chunks(wirepy_follow *f, wirepy_follow_chunk *out);
guint wirepy_follow_bytes(wirepy_follow *f, int server);
/* Node 0 (server 0) or 1: its address as text (as tshark prints it) into
 * buf, its port; returns TRUE for an IPv6 address. */
gboolean wirepy_follow_node(wirepy_follow *f, int server, char *buf, gulong buflen,
                            guint *port);

#endif /* WIREPY_FOLLOW_H */
