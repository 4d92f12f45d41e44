"""libwiretap: opening, reading and writing capture files of every format.

Mirrors: wiretap/wtap.h, wiretap/wtap_opttypes.h, wiretap/file_wrappers.h
(4.0). File-type numbers are assigned at run time, so none is declared
here: look them up by name (``wtap_name_to_file_type_subtype``).

``wtap_rec.rec_header`` is an anonymous union, which CFFI cannot express;
``wirepy_rec_packet_header()`` in the shim returns its packet member.
"""

INCLUDES = """
#include <wiretap/wtap.h>
#include <wiretap/wtap_opttypes.h>
"""

TYPES = """
typedef struct wtap wtap;
typedef struct wtap_dumper wtap_dumper;
typedef struct wtap_block *wtap_block_t;

#define WTAP_TYPE_AUTO ...
#define WTAP_ENCAP_PER_PACKET ...
#define WTAP_ENCAP_UNKNOWN ...
#define WTAP_ENCAP_ETHERNET ...
#define WTAP_FILE_TYPE_SUBTYPE_UNKNOWN ...
#define WTAP_MAX_PACKET_SIZE_STANDARD ...

#define WTAP_TSPREC_UNKNOWN ...
#define WTAP_TSPREC_PER_PACKET ...
#define WTAP_TSPREC_SEC ...
#define WTAP_TSPREC_DSEC ...
#define WTAP_TSPREC_CSEC ...
#define WTAP_TSPREC_MSEC ...
#define WTAP_TSPREC_USEC ...
#define WTAP_TSPREC_NSEC ...

#define REC_TYPE_PACKET ...
#define REC_TYPE_FT_SPECIFIC_EVENT ...
#define REC_TYPE_FT_SPECIFIC_REPORT ...
#define REC_TYPE_SYSCALL ...
#define REC_TYPE_SYSTEMD_JOURNAL_EXPORT ...
#define REC_TYPE_CUSTOM_BLOCK ...

#define WTAP_HAS_TS ...
#define WTAP_HAS_CAP_LEN ...
#define WTAP_HAS_INTERFACE_ID ...

#define WTAP_ERR_NOT_REGULAR_FILE ...
#define WTAP_ERR_RANDOM_OPEN_PIPE ...
#define WTAP_ERR_FILE_UNKNOWN_FORMAT ...
#define WTAP_ERR_UNSUPPORTED ...
#define WTAP_ERR_CANT_WRITE_TO_PIPE ...
#define WTAP_ERR_CANT_OPEN ...
#define WTAP_ERR_UNWRITABLE_FILE_TYPE ...
#define WTAP_ERR_UNWRITABLE_ENCAP ...
#define WTAP_ERR_ENCAP_PER_PACKET_UNSUPPORTED ...
#define WTAP_ERR_CANT_WRITE ...
#define WTAP_ERR_CANT_CLOSE ...
#define WTAP_ERR_SHORT_READ ...
#define WTAP_ERR_BAD_FILE ...
#define WTAP_ERR_SHORT_WRITE ...
#define WTAP_ERR_UNC_OVERFLOW ...
#define WTAP_ERR_RANDOM_OPEN_STDIN ...
#define WTAP_ERR_COMPRESSION_NOT_SUPPORTED ...
#define WTAP_ERR_CANT_SEEK ...
#define WTAP_ERR_CANT_SEEK_COMPRESSED ...
#define WTAP_ERR_DECOMPRESS ...
#define WTAP_ERR_INTERNAL ...
#define WTAP_ERR_PACKET_TOO_LARGE ...
#define WTAP_ERR_CHECK_WSLUA ...
#define WTAP_ERR_UNWRITABLE_REC_TYPE ...
#define WTAP_ERR_UNWRITABLE_REC_DATA ...
#define WTAP_ERR_DECOMPRESSION_NOT_SUPPORTED ...

typedef enum {
    WTAP_UNCOMPRESSED,
    WTAP_GZIP_COMPRESSED,
    WTAP_ZSTD_COMPRESSED,
    WTAP_LZ4_COMPRESSED,
    ...
} wtap_compression_type;

typedef enum {
    FT_SORT_BY_NAME,
    FT_SORT_BY_DESCRIPTION,
    ...
} ft_sort_order;

typedef struct {
    guint32 caplen;
    guint32 len;
    int pkt_encap;
    guint32 interface_id;
    ...;
} wtap_packet_header;

typedef struct {
    guint rec_type;
    guint32 presence_flags;
    guint section_number;
    nstime_t ts;
    int tsprec;
    wtap_block_t block;
    Buffer options_buf;
    ...;
} wtap_rec;

typedef struct {
    GArray *interface_data;
} wtapng_iface_descriptions_t;

typedef struct wtap_dump_params {
    int encap;
    int snaplen;
    int tsprec;
    GArray *shb_hdrs;
    wtapng_iface_descriptions_t *idb_inf;
    GArray *dsbs_initial;
    const GArray *dsbs_growing;
    /* dont_copy_idbs not declared: gboolean in 4.0, bool from 4.4, and only
     * the shim sets it */
    ...;
} wtap_dump_params;

struct open_info {
    const char *name;
    ...;
};

typedef enum {
    WTAP_BLOCK_SECTION,
    WTAP_BLOCK_IF_ID_AND_INFO,
    WTAP_BLOCK_NAME_RESOLUTION,
    WTAP_BLOCK_IF_STATISTICS,
    WTAP_BLOCK_DECRYPTION_SECRETS,
    WTAP_BLOCK_PACKET,
    WTAP_BLOCK_FT_SPECIFIC_REPORT,
    WTAP_BLOCK_FT_SPECIFIC_EVENT,
    WTAP_BLOCK_SYSDIG_EVENT,
    WTAP_BLOCK_SYSTEMD_JOURNAL_EXPORT,
    WTAP_BLOCK_CUSTOM,
    ...
} wtap_block_type_t;

typedef enum {
    BLOCK_NOT_SUPPORTED,
    ONE_BLOCK_SUPPORTED,
    MULTIPLE_BLOCKS_SUPPORTED,
    ...
} block_support_t;

typedef enum {
    OPTION_NOT_SUPPORTED,
    ONE_OPTION_SUPPORTED,
    MULTIPLE_OPTIONS_SUPPORTED,
    ...
} option_support_t;

typedef enum {
    WTAP_OPTTYPE_SUCCESS,
    WTAP_OPTTYPE_NO_SUCH_OPTION,
    WTAP_OPTTYPE_NOT_FOUND,
    WTAP_OPTTYPE_TYPE_MISMATCH,
    WTAP_OPTTYPE_NUMBER_MISMATCH,
    WTAP_OPTTYPE_ALREADY_EXISTS,
    WTAP_OPTTYPE_BAD_BLOCK,
    ...
} wtap_opttype_return_val;

#define OPT_COMMENT ...
#define OPT_SHB_HARDWARE ...
#define OPT_SHB_OS ...
#define OPT_SHB_USERAPPL ...
#define OPT_IDB_NAME ...
#define OPT_IDB_DESCRIPTION ...
#define OPT_IDB_SPEED ...
#define OPT_IDB_TSRESOL ...
#define OPT_IDB_OS ...
#define OPT_IDB_FCSLEN ...
#define OPT_IDB_HARDWARE ...
#define OPT_PKT_FLAGS ...
#define OPT_PKT_DROPCOUNT ...
#define OPT_NS_DNSNAME ...

typedef struct wtapng_if_descr_mandatory_s {
    int wtap_encap;
    guint64 time_units_per_second;
    int tsprecision;
    guint32 snap_len;
    guint8 num_stat_entries;
    GArray *interface_statistics;
} wtapng_if_descr_mandatory_t;

typedef struct wtapng_dsb_mandatory_s {
    guint32 secrets_type;
    guint32 secrets_len;
    guint8 *secrets_data;
} wtapng_dsb_mandatory_t;

typedef struct wtapng_section_mandatory_s {
    guint64 section_length;
} wtapng_section_mandatory_t;
"""

FUNCTIONS = """
void wtap_init(gboolean load_wiretap_plugins);
void wtap_cleanup(void);

/* reading */
wtap *wtap_open_offline(const char *filename, unsigned int type, int *err,
                        gchar **err_info, gboolean do_random);
void wtap_cleareof(wtap *wth);
void wtap_rec_reset(wtap_rec *rec);
void wtap_rec_cleanup(wtap_rec *rec);
void wtap_fdclose(wtap *wth);
void wtap_sequential_close(wtap *wth);
void wtap_close(wtap *wth);

/* file properties */
wtap_compression_type wtap_get_compression_type(wtap *wth);
const char *wtap_compression_type_description(wtap_compression_type ct);
const char *wtap_compression_type_extension(wtap_compression_type ct);
gint64 wtap_read_so_far(wtap *wth);
gint64 wtap_file_size(wtap *wth, int *err);
guint wtap_snapshot_length(wtap *wth);
int wtap_file_type_subtype(wtap *wth);
int wtap_file_encap(wtap *wth);
int wtap_file_tsprec(wtap *wth);
guint wtap_file_get_num_shbs(wtap *wth);
wtap_block_t wtap_file_get_shb(wtap *wth, guint shb_num);
wtapng_iface_descriptions_t *wtap_file_get_idb_info(wtap *wth);
wtap_block_t wtap_get_next_interface_description(wtap *wth);
wtap_block_t wtap_file_get_nrb(wtap *wth);

/* file types, encapsulations, errors */
const char *wtap_file_type_subtype_description(int file_type_subtype);
const char *wtap_file_type_subtype_name(int file_type_subtype);
int wtap_name_to_file_type_subtype(const char *name);
int wtap_pcap_file_type_subtype(void);
int wtap_pcap_nsec_file_type_subtype(void);
int wtap_pcapng_file_type_subtype(void);
GArray *wtap_get_writable_file_types_subtypes(ft_sort_order sort_order);
const char *wtap_default_file_extension(int file_type_subtype);
GSList *wtap_get_file_extensions_list(int file_type_subtype, gboolean include_compressed);
void wtap_free_extensions_list(GSList *extensions);
int wtap_get_num_encap_types(void);
const char *wtap_encap_name(int encap);
const char *wtap_encap_description(int encap);
int wtap_name_to_encap(const char *short_name);
const char *wtap_tsprec_string(int tsprec);
const char *wtap_strerror(int err);
unsigned int open_info_name_to_type(const char *name);
extern struct open_info *open_routines;

/* writing */
gboolean wtap_dump_can_open(int file_type_subtype);
gboolean wtap_dump_can_write_encap(int file_type_subtype, int encap);
gboolean wtap_dump_can_compress(int file_type_subtype);
void wtap_dump_params_init(wtap_dump_params *params, wtap *wth);
void wtap_dump_params_init_no_idbs(wtap_dump_params *params, wtap *wth);
void wtap_dump_params_cleanup(wtap_dump_params *params);
wtap_dumper *wtap_dump_open(const char *filename, int file_type_subtype,
                            wtap_compression_type compression_type,
                            const wtap_dump_params *params, int *err,
                            gchar **err_info);
gboolean wtap_dump_add_idb(wtap_dumper *wdh, wtap_block_t idb, int *err,
                           gchar **err_info);
gboolean wtap_dump_flush(wtap_dumper *wdh, int *err);
gint64 wtap_get_bytes_dumped(wtap_dumper *wdh);

int wtap_dump_file_type_subtype(wtap_dumper *wdh);
block_support_t wtap_file_type_subtype_supports_block(int filetype, wtap_block_type_t type);
option_support_t wtap_file_type_subtype_supports_option(int filetype, wtap_block_type_t type,
                                                        guint opttype);
void wtap_dump_params_discard_decryption_secrets(wtap_dump_params *params);
gboolean wtap_dump_can_write(const GArray *file_encaps, guint32 required_comment_types);

/* blocks (wtap_opttypes.h) */
wtap_block_t wtap_block_create(wtap_block_type_t block_type);
wtap_block_t wtap_block_ref(wtap_block_t block);
void wtap_block_unref(wtap_block_t block);
wtap_block_type_t wtap_block_get_type(wtap_block_t block);
void *wtap_block_get_mandatory_data(wtap_block_t block);
guint wtap_block_count_option(wtap_block_t block, guint option_id);
wtap_block_t wtap_block_make_copy(wtap_block_t block);
void wtap_block_array_free(GArray *block_array);
wtap_opttype_return_val wtap_block_add_uint8_option(wtap_block_t block, guint option_id,
                                                    guint8 value);
wtap_opttype_return_val wtap_block_set_uint8_option_value(wtap_block_t block, guint option_id,
                                                          guint8 value);
wtap_opttype_return_val wtap_block_get_uint8_option_value(wtap_block_t block, guint option_id,
                                                          guint8 *value);
wtap_opttype_return_val wtap_block_add_uint32_option(wtap_block_t block, guint option_id,
                                                     guint32 value);
wtap_opttype_return_val wtap_block_set_uint32_option_value(wtap_block_t block, guint option_id,
                                                           guint32 value);
wtap_opttype_return_val wtap_block_get_uint32_option_value(wtap_block_t block, guint option_id,
                                                           guint32 *value);
wtap_opttype_return_val wtap_block_add_uint64_option(wtap_block_t block, guint option_id,
                                                     guint64 value);
wtap_opttype_return_val wtap_block_set_uint64_option_value(wtap_block_t block, guint option_id,
                                                           guint64 value);
wtap_opttype_return_val wtap_block_get_uint64_option_value(wtap_block_t block, guint option_id,
                                                           guint64 *value);
wtap_opttype_return_val wtap_block_add_int64_option(wtap_block_t block, guint option_id,
                                                    gint64 value);
wtap_opttype_return_val wtap_block_get_int64_option_value(wtap_block_t block, guint option_id,
                                                          gint64 *value);
wtap_opttype_return_val wtap_block_add_string_option(wtap_block_t block, guint option_id,
                                                     const char *value, gsize value_length);
wtap_opttype_return_val wtap_block_set_string_option_value(wtap_block_t block,
                                                           guint option_id, const char *value,
                                                           gsize value_length);
wtap_opttype_return_val wtap_block_set_nth_string_option_value(wtap_block_t block,
                                                               guint option_id, guint idx,
                                                               const char *value,
                                                               gsize value_length);
wtap_opttype_return_val wtap_block_get_string_option_value(wtap_block_t block,
                                                           guint option_id, char **value);
wtap_opttype_return_val wtap_block_get_nth_string_option_value(wtap_block_t block,
                                                               guint option_id, guint idx,
                                                               char **value);
wtap_opttype_return_val wtap_block_remove_option(wtap_block_t block, guint option_id);
wtap_opttype_return_val wtap_block_remove_nth_option_instance(wtap_block_t block,
                                                              guint option_id, guint idx);
"""

CUSTOMIZATIONS = ""

SOURCES = []
