"""C declarations for wirepy's one compiled CFFI module.

Each module in this directory mirrors one group of C headers and defines
the same five names, which ``wirepy/lib/_build.py`` assembles in the order
of :data:`MODULES`:

``INCLUDES``
    ``#include`` lines (C source) for the generated extension.
``TYPES``
    cdef text: types, structs (partial, with ``...;``), open enums and
    ``#define`` constants whose values the compiler supplies.
``FUNCTIONS``
    cdef text: function prototypes and exported variables.
``CUSTOMIZATIONS``
    C source pasted verbatim into the extension after the includes.
``SOURCES``
    C files (relative to this directory) compiled into the extension; the
    shim in ``shim/`` that CFFI cannot express (va_list, callbacks, accessors
    for anonymous unions, hot-path loops).

Later modules may use types of earlier ones, so the order matters: GLib
first, the shim last.
"""

MODULES = [
    "glib",
    "wsutil",
    "wiretap",
    "epan",
    "epan_proto",
    "epan_dfilter",
    "epan_column",
    "epan_prefs",
    "pcap",
    "shim",
    "shim_epan",
    "shim_wtap",
    "shim_pcap",
    "shim_api",
    "shim_taps",
    "shim_follow",
]
