/* wirepy_version.h -- which Wireshark series the build is against.
 *
 * wirepy builds against the series 4.0, 4.4 and 4.6 (./configure checks).
 * The version comes from Wireshark's own ws_version.h (the same path in
 * every series); C code in cdefs/ and cdefs/shim/ tells the series apart
 * with WIREPY_WS_AT_LEAST only, so each difference is one #if next to what
 * it affects.
 */
#ifndef WIREPY_VERSION_H
#define WIREPY_VERSION_H

#include <ws_version.h>

#define WIREPY_WS_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) \
     || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* How the series' tshark -T fields works, which wirepy's field output
 * follows. VISIBLE_TREE: 1 where it dissects into a visible tree (4.0), 0
 * where it uses an invisible tree with real, not faked, protocol items
 * (from 4.2). ESCAPE_SEPARATOR: 1 where a separator inside an unquoted
 * field's text gets a backslash before it (from 4.2). */
#if WIREPY_WS_AT_LEAST(4, 2)
#define WIREPY_TSHARK_FIELDS_VISIBLE_TREE 0
#define WIREPY_TSHARK_FIELDS_ESCAPE_SEPARATOR 1
#else
#define WIREPY_TSHARK_FIELDS_VISIBLE_TREE 1
#define WIREPY_TSHARK_FIELDS_ESCAPE_SEPARATOR 0
#endif

/* The value of a constant (COL_VSAN, TS_PREC_FIXED_100_USEC, ...) that the
 * installed series does not have: WIREPY_ABSENT or below, each absent name
 * its own number (CUSTOMIZATIONS of the cdefs module that declares it).
 * Python asks `value <= lib.WIREPY_ABSENT` and raises an error naming the
 * Wireshark version when such a name is used. */
#define WIREPY_ABSENT (-1000)

#endif
