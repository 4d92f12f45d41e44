"""Hot paths of the libpcap layer (wirepy.lib.pcap).

Mirrors: cdefs/shim/pcap_batch.h (source: cdefs/shim/pcap_batch.c). Batch
collection of packets into Python objects, the poll-based wait of a live
capture, per-packet dump and filter without a header struct, FILE entry
points opened on a file descriptor.
"""

from ._header import constants, functions

INCLUDES = """
#include "pcap_batch.h"
"""

TYPES = constants("pcap_batch.h")

FUNCTIONS = functions("pcap_batch.h")

CUSTOMIZATIONS = ""

SOURCES = ["shim/pcap_batch.c"]
