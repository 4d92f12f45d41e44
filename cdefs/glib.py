"""GLib 2: the basic types and containers libwireshark's API uses.

Mirrors: glib-2.0/glib/gtypes.h, gmem.h, gslist.h, glist.h, gstring.h,
garray.h, ghash.h, gversion.h.
"""

INCLUDES = """
#include <glib.h>
"""

TYPES = """
typedef int gboolean;
typedef char gchar;
typedef unsigned char guchar;
typedef int gint;
typedef unsigned int guint;
typedef short gshort;
typedef unsigned short gushort;
typedef long glong;
typedef unsigned long gulong;
typedef int8_t gint8;
typedef uint8_t guint8;
typedef int16_t gint16;
typedef uint16_t guint16;
typedef int32_t gint32;
typedef uint32_t guint32;
typedef int64_t gint64;
typedef uint64_t guint64;
typedef float gfloat;
typedef double gdouble;
typedef size_t gsize;
typedef ssize_t gssize;
typedef void *gpointer;
typedef const void *gconstpointer;
typedef int... time_t;

#define TRUE ...
#define FALSE ...
#define G_MAXINT ...

typedef struct _GSList {
    gpointer data;
    struct _GSList *next;
} GSList;

typedef struct _GList {
    gpointer data;
    struct _GList *next;
    struct _GList *prev;
} GList;

typedef struct _GString {
    gchar *str;
    gsize len;
    gsize allocated_len;
} GString;

typedef struct _GArray {
    gchar *data;
    guint len;
} GArray;

typedef struct _GPtrArray {
    gpointer *pdata;
    guint len;
} GPtrArray;

typedef struct _GByteArray {
    guint8 *data;
    guint len;
} GByteArray;

typedef struct _GHashTable GHashTable;
typedef struct _GTree GTree;
typedef void (*GDestroyNotify)(gpointer data);
typedef void (*GFunc)(gpointer data, gpointer user_data);
"""

FUNCTIONS = """
void g_free(gpointer mem);
gpointer g_malloc(gsize n_bytes);
gpointer g_malloc0(gsize n_bytes);
gchar *g_strdup(const gchar *str);

GSList *g_slist_append(GSList *list, gpointer data);
GSList *g_slist_prepend(GSList *list, gpointer data);
void g_slist_free(GSList *list);
guint g_slist_length(GSList *list);

GList *g_list_append(GList *list, gpointer data);
void g_list_free(GList *list);
guint g_list_length(GList *list);

GString *g_string_new(const gchar *init);
GString *g_string_new_len(const gchar *init, gssize len);
GString *g_string_sized_new(gsize dfl_size);
gchar *g_string_free(GString *string, gboolean free_segment);
GString *g_string_append(GString *string, const gchar *val);
GString *g_string_append_len(GString *string, const gchar *val, gssize len);
GString *g_string_truncate(GString *string, gsize len);

GArray *g_array_new(gboolean zero_terminated, gboolean clear_, guint element_size);
GArray *g_array_sized_new(gboolean zero_terminated, gboolean clear_,
                          guint element_size, guint reserved_size);
GArray *g_array_append_vals(GArray *array, gconstpointer data, guint len);
GArray *g_array_set_size(GArray *array, guint length);
gchar *g_array_free(GArray *array, gboolean free_segment);

GPtrArray *g_ptr_array_new(void);
void g_ptr_array_add(GPtrArray *array, gpointer data);
gpointer *g_ptr_array_free(GPtrArray *array, gboolean free_seg);

GByteArray *g_byte_array_new(void);
guint8 *g_byte_array_free(GByteArray *array, gboolean free_segment);
GByteArray *g_byte_array_set_size(GByteArray *array, guint length);

guint g_hash_table_size(GHashTable *hash_table);

extern const guint glib_major_version;
extern const guint glib_minor_version;
extern const guint glib_micro_version;
"""

CUSTOMIZATIONS = ""

SOURCES = []
