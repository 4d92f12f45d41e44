"""libpcap 1.10: capture handles, BPF programs, dumpers, devices.

Mirrors: pcap/pcap.h, pcap/bpf.h, pcap/dlt.h. The libpcap layer
(``wirepy.lib.pcap``) declares the rest of pcap.h here.
"""

INCLUDES = """
#include <pcap/pcap.h>
"""

TYPES = """
typedef struct pcap pcap_t;
typedef struct pcap_dumper pcap_dumper_t;

#define PCAP_ERRBUF_SIZE ...
#define PCAP_NETMASK_UNKNOWN ...

struct timeval {
    long tv_sec;
    long tv_usec;
};

struct pcap_pkthdr {
    struct timeval ts;
    uint32_t caplen;
    uint32_t len;
};
"""

FUNCTIONS = """
const char *pcap_lib_version(void);
"""

CUSTOMIZATIONS = ""

SOURCES = []
