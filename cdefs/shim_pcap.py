"""Hot paths of the libpcap layer (wirepy.lib.pcap).

Mirrors: cdefs/shim/pcap_batch.h (source: cdefs/shim/pcap_batch.c). Batch
collection of packets into Python objects, the poll-based wait of a live
capture, per-packet dump and filter without a header struct, FILE entry
points opened on a file descriptor.
"""

INCLUDES = """
#include "pcap_batch.h"
"""

TYPES = """
#define WIREPY_PCAP_NOMEM ...
#define WIREPY_PCAP_FALLBACK ...
"""

FUNCTIONS = """
int wirepy_pcap_types_init(void *out);
int wirepy_pcap_collect(pcap_t *p, int maxcnt, int precision, void *out_a, void *out_b);
int wirepy_pcap_collect_file(pcap_t *p, int maxcnt, int file_nano,
                             const struct bpf_program *prog, void *out_a, void *out_b);
int wirepy_pcap_wait(int fd, int wakefd, int timeout_ms);
void wirepy_pcap_drain(int fd);
void wirepy_pcap_dump1(pcap_dumper_t *d, int64_t sec, int64_t frac, uint32_t caplen,
                       uint32_t len, const unsigned char *data);
int wirepy_pcap_filter1(const struct bpf_program *prog, uint32_t caplen, uint32_t len,
                        const unsigned char *data);
pcap_t *wirepy_pcap_fdopen_offline(int fd, unsigned int precision, char *errbuf);
pcap_dumper_t *wirepy_pcap_dump_fdopen(pcap_t *p, int fd);
pcap_t *wirepy_pcap_open_offline_buffered(const char *path, unsigned int precision,
                                          size_t bufsize, char *errbuf);
int wirepy_pcap_sockaddr(const struct sockaddr *sa, unsigned char *out, int outlen);
"""

CUSTOMIZATIONS = ""

SOURCES = ["shim/pcap_batch.c"]
