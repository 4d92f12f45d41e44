/* registry.h -- a registration of Wireshark's found by its protocol's
 * filter name: a follower (epan/follow.h), an export-object table
 * (epan/export_object.h). Both registries are wmem trees walked with a
 * wmem_foreach_func; the shim's C uses this, Python does not see it. */
#ifndef WIREPY_REGISTRY_H
#define WIREPY_REGISTRY_H

#include <glib.h>
#include <epan/wmem_scopes.h>

/* follow_iterate_followers, eo_iterate_tables */
typedef void (*wirepy_registry_iterate)(wmem_foreach_func func, void *user_data);
/* the protocol id of one registration (get_follow_proto_id, get_eo_proto_id) */
typedef int (*wirepy_registry_proto)(const void *registration);

/* The registration of protocol `name`, or NULL. */
void *wirepy_registry_find(wirepy_registry_iterate iterate, wirepy_registry_proto proto_of,
                           const char *name);
/* The protocol names of every registration, ", "-separated (g_free it). */
gchar *wirepy_registry_names(wirepy_registry_iterate iterate, wirepy_registry_proto proto_of);

#endif /* WIREPY_REGISTRY_H */
