/* registry.c -- see registry.h. Nothing here throws: the walk is over a
 * wmem tree, the names come from proto_get_protocol_filter_name. */
#include <string.h>
#include <epan/proto.h>
#include "wirepy_version.h"
#include "registry.h"

/* What a wmem_foreach_func returns: gboolean in 4.0, bool from 4.2. */
#if WIREPY_WS_AT_LEAST(4, 2)
#define WIREPY_FOREACH_RESULT bool
#else
#define WIREPY_FOREACH_RESULT gboolean
#endif

typedef struct {
    wirepy_registry_proto proto_of;
    const char *name;             /* looked for, or NULL to list */
    void *found;
    GString *names;
} registry_walk;

static WIREPY_FOREACH_RESULT
registry_visit(const void *key _U_, void *value, void *userdata)
{
    registry_walk *walk = userdata;
    const char *name = proto_get_protocol_filter_name(walk->proto_of(value));
    if (walk->name == NULL) {
        if (walk->names->len)
            g_string_append(walk->names, ", ");
        g_string_append(walk->names, name);
        return FALSE;
    }
    if (strcmp(name, walk->name) == 0) {
        walk->found = value;
        return TRUE;
    }
    return FALSE;
}

void *
wirepy_registry_find(wirepy_registry_iterate iterate, wirepy_registry_proto proto_of,
                     const char *name)
{
    registry_walk walk = { proto_of, name, NULL, NULL };
    iterate(registry_visit, &walk);
    return walk.found;
}

gchar *
wirepy_registry_names(wirepy_registry_iterate iterate, wirepy_registry_proto proto_of)
{
    registry_walk walk = { proto_of, NULL, NULL, g_string_new("") };
    iterate(registry_visit, &walk);
    return g_string_free(walk.names, FALSE);
}
