/* access.c -- members CFFI cannot reach through its struct declarations. */
#include "wirepy_shim.h"

/* wtap_rec.rec_header is an anonymous union. */
wtap_packet_header *
wirepy_rec_packet_header(wtap_rec *rec)
{
    return &rec->rec_header.packet_header;
}
