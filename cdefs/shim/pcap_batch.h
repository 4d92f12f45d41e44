/* Hot paths of the libpcap layer (wirepy.lib.pcap): batch reading, waiting
 * on the selectable fd, dumping and filtering without a struct per call. */
#ifndef WIREPY_PCAP_BATCH_H
#define WIREPY_PCAP_BATCH_H

#include <stdint.h>
#include <pcap/pcap.h>

/* Status of wirepy_pcap_collect beyond pcap_dispatch's own values. */
#define WIREPY_PCAP_NOMEM (-100)
#define WIREPY_PCAP_FALLBACK (-101)

int wirepy_pcap_types_init(void *out);
int wirepy_pcap_collect(pcap_t *p, int maxcnt, int precision, void *out_a, void *out_b);
int wirepy_pcap_collect_file(pcap_t *p, int maxcnt, int file_nano,
                             const struct bpf_program *prog, void *out_a, void *out_b);
int wirepy_pcap_wait(int fd, int wakefd, int timeout_ms);
/* The descriptor a savefile is read from (pcap_fileno gives none), or -1. */
int wirepy_pcap_savefile_fd(pcap_t *p);
/* Wait (poll, up to timeout_ms) until a savefile on a pipe or FIFO can be
 * read without waiting: 1 it can (data or end of file), 2 woken by wakefd,
 * 0 timed out, -errno on error. */
int wirepy_pcap_file_wait(pcap_t *p, int wakefd, int timeout_ms);
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

#endif
