/* export_objects.h -- export objects (export_objects.c): the objects a
 * protocol carried (HTTP bodies, SMB files, IMF messages, TFTP transfers,
 * DICOM objects), collected by Wireshark's export-object tap listeners
 * (epan/export_object.h) into a list of the shim's.
 *
 * The protocol's packet callback (get_eo_packet_func) makes an
 * export_object_entry_t per object and hands it to the list's add_entry
 * callback, in C: the list keeps it (SMB fills its entries over several
 * packets) until the read ends, when the listener's finish callback copies
 * them into the shim's memory (some point into the capture file's wmem
 * scope) and frees them. Python copies the objects out after the read.
 */
#ifndef WIREPY_EXPORT_OBJECTS_H
#define WIREPY_EXPORT_OBJECTS_H

#include <glib.h>
#include <epan/tap.h>

typedef struct wirepy_eo wirepy_eo;

/* One object as handed out: pointers into the list's entry (valid until
 * the next reset or the free); NULL for a field the protocol left unset. */
typedef struct wirepy_eo_object {
    guint32 packet;
    const char *hostname;
    const char *content_type;
    const char *filename;
    gsize len;
    const guint8 *data;
} wirepy_eo_object;

gboolean wirepy_eo_known(const char *proto);
/* The protocols with export objects, comma-separated (g_free it). */
gchar *wirepy_eo_names(void);
/* The list of `proto`'s objects: NULL for an unknown protocol. */
wirepy_eo *wirepy_eo_new(const char *proto);
void wirepy_eo_free(wirepy_eo *eo);

const char *wirepy_eo_tap(wirepy_eo *eo);
void *wirepy_eo_tapdata(wirepy_eo *eo);
tap_packet_cb wirepy_eo_packet_cb(wirepy_eo *eo);
void wirepy_eo_reset(void *tapdata);
void wirepy_eo_finish(void *tapdata);
/* Whether the protocol keeps a list of its own (SMB, FTP-DATA): then only
 * one of its lists takes objects in a read (export_objects.c, eo_owners). */
gboolean wirepy_eo_has_protocol_state(wirepy_eo *eo);

guint wirepy_eo_count(wirepy_eo *eo);
void wirepy_eo_objects(wirepy_eo *eo, wirepy_eo_object *out);

/* The file name tshark --export-objects saves an object under, before the
 * directory: eo_massage_str of its filename (or of "object<packet>.<type>"
 * without one) for the dup-th try (0 first). g_free it. */
gchar *wirepy_eo_file_name(const char *filename, guint32 packet, const char *content_type,
                           int dup);
/* prefs.gui_max_export_objects: how many names tshark tries for one object. */
guint wirepy_eo_max_tries(void);

#endif /* WIREPY_EXPORT_OBJECTS_H */
