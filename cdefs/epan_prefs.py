"""libwireshark (epan): preferences.

Mirrors: epan/prefs.h, epan/prefs-int.h (what a library user may touch).
"""

INCLUDES = """
#include <epan/prefs.h>
#include <epan/prefs-int.h>
"""

TYPES = """
typedef struct pref_module module_t;
typedef struct preference pref_t;
typedef enum { pref_default, pref_stashed, pref_current } pref_source_t;
typedef enum {
    PREFS_SET_OK, PREFS_SET_SYNTAX_ERR, PREFS_SET_NO_SUCH_PREF, PREFS_SET_OBSOLETE
} prefs_set_pref_e;
/* Preference types: bit flags in 4.0 and 4.4, numbers 0..15 in 4.6 (so
 * always compared with ==). PREF_OBSOLETE (gone in 4.6) and
 * PREF_DECODE_AS_UINT (gone in 4.4) are WIREPY_ABSENT - n where missing. */
#define PREF_UINT ...
#define PREF_BOOL ...
#define PREF_ENUM ...
#define PREF_STRING ...
#define PREF_RANGE ...
#define PREF_STATIC_TEXT ...
#define PREF_UAT ...
#define PREF_SAVE_FILENAME ...
#define PREF_COLOR ...
#define PREF_CUSTOM ...
#define PREF_OBSOLETE ...
#define PREF_DIRNAME ...
#define PREF_DECODE_AS_UINT ...
#define PREF_DECODE_AS_RANGE ...
#define PREF_OPEN_FILENAME ...
#define PREF_PASSWORD ...
"""

FUNCTIONS = """
module_t *prefs_find_module(const char *name);
pref_t *prefs_find_preference(module_t *module, const char *pref);
prefs_set_pref_e prefs_set_pref(char *prefarg, char **errmsg);
char *prefs_pref_to_str(pref_t *pref, pref_source_t source);
int prefs_get_type(pref_t *pref);
const char *prefs_get_name(pref_t *pref);
const char *prefs_get_title(pref_t *pref);
int write_prefs(char **pf_path_return);
void prefs_reset(void);
char string_to_name_resolve(const char *string, e_addr_resolve *name_resolve);
"""

CUSTOMIZATIONS = """
#if WIREPY_WS_AT_LEAST(4, 4)
#define PREF_DECODE_AS_UINT (WIREPY_ABSENT - 1)
#endif
#if WIREPY_WS_AT_LEAST(4, 6)
#define PREF_OBSOLETE (WIREPY_ABSENT - 2)
#endif
"""

SOURCES = []
