"""What differs between the Wireshark series the tests run against, in one place.

The tests take the installed series' tshark as their oracle; where Wireshark
itself differs between series (column types, timestamp precisions, display
filter messages, ...), the expectation a test needs is written here, keyed by
the series, with the reason. docs/wireshark-versions.rst lists what users see.
"""

import re

from wirepy.lib import wireshark

VERSION = wireshark.version().wireshark
SERIES = tuple(int(x) for x in VERSION.split(".")[:2])

#: Number of column types (NUM_COL_FMTS): 4.2 removed COL_8021Q_VLAN_ID,
#: COL_VSAN, COL_DCE_CALL and COL_TEI; 4.6 added COL_NUMBER_DIS.
NUM_COL_FMTS = {(4, 0): 50, (4, 4): 46, (4, 6): 47}[SERIES]
#: The column types the series does not have.
ABSENT_COLUMNS = {
    (4, 0): {"NUMBER_DIS"},
    (4, 4): {"8021Q_VLAN_ID", "VSAN", "DCE_CALL", "TEI", "NUMBER_DIS"},
    (4, 6): {"8021Q_VLAN_ID", "VSAN", "DCE_CALL", "TEI"},
}[SERIES]
#: Timestamp precisions new in 4.4 (four, five, seven and eight decimals).
ABSENT_PRECISIONS = ({"FIXED_100_USEC", "FIXED_10_USEC", "FIXED_100_NSEC", "FIXED_10_NSEC"}
                     if SERIES < (4, 4) else set())

#: The display-filter grammar has ``xor`` from 4.2 on.
HAS_XOR = SERIES >= (4, 2)
#: frame.time_epoch is a relative time since the epoch in 4.0 (so a
#: timedelta), an absolute time shown as seconds from 4.2 on (a datetime).
TIME_EPOCH_IS_ABSOLUTE = SERIES >= (4, 2)
#: Fields of 4.4 and later that number conversations (eth.stream, like
#: tcp.stream): they depend on the packets dissected before.
STREAM_FIELDS = ("udp.stream", "tcp.stream") + (("eth.stream", "ip.stream")
                                                 if SERIES >= (4, 4) else ())
#: tshark -T fields dissects into an invisible tree from 4.2 on: a protocol
#: whose dissector labels its item only in a visible tree (eth) reads as its
#: filter name there, and as its label in a visible tree of wirepy's.
TSHARK_FIELDS_TREE_INVISIBLE = SERIES >= (4, 2)
#: A TCP conversation that starts again (a new SYN after FIN) is a new
#: tcp.stream in 4.4 and 4.6 (tshark of each series); 4.0 continues the one.
REPEATED_TCP_CONVERSATION_IS_NEW_STREAM = SERIES >= (4, 4)
#: How tshark shows frame.time of a frame in year 17972: 4.6 shows absolute
#: times in ISO 8601.
YEAR_17972_SHOWN = "17972-10-24T09:46:40" if SERIES >= (4, 6) else "Oct 24, 17972"
#: The name of a frame's data source: 4.6 names it after the record type
#: ("Packet (74 bytes)"), as its frame label ("Frame 1: Packet, ...").
FRAME_DATA_SOURCE = "Packet (" if SERIES >= (4, 6) else "Frame ("
#: wiretap writers whose files wiretap's readers reject (editcap -F writes
#: the same file): Observer fixed by 4.4; 4.6's Nokia pcap is read back as
#: cut short.
BROKEN_WRITERS = {(4, 0): {"commview-ncfx", "observer"}, (4, 4): {"commview-ncfx"},
                  (4, 6): {"commview-ncfx", "nokiapcap"}}[SERIES]
#: Writes that fail in the series (editcap fails alike): 4.6's BLF writer
#: finds no interface mapping for a file without interface blocks.
WRITE_FAILS_IN_SERIES = {("blf", None)} if SERIES >= (4, 6) else set()
#: dumpcap gzips each ring-buffer file once it switches away (4.0, 4.4);
#: 4.6's dumpcap leaves them uncompressed (its help lists no --compress-type).
RING_BUFFER_COMPRESSES = SERIES < (4, 6)
#: An invisible tree (proto_tree_visible=False) holds its primed items as
#: nodes up to 4.4; 4.6 links none into the tree (the fields are still
#: extracted), so such a tree has no nodes to walk.
INVISIBLE_TREE_HAS_NODES = SERIES < (4, 6)

#: Texts that differ from run to run, tshark's own included: Wireshark 4.4's
#: HTTP/3 dissector shows a memory address ("HTTP3 encoded headers - bytes
#: 0x56473c097ee0 pos 0 len 7"). Compared with the address masked.
_RUN_DEPENDENT = re.compile(r"(HTTP3 encoded headers - bytes )0x[0-9a-f]+")
_RUN_DEPENDENT_B = re.compile(rb"(HTTP3 encoded headers - bytes )0x[0-9a-f]+")


def mask_run_dependent(value):
    """*value* (text, bytes, or lists and tuples of them) with the
    run-dependent parts masked."""
    if isinstance(value, str):
        return _RUN_DEPENDENT.sub(r"\g<1>0x?", value)
    if isinstance(value, bytes):
        return _RUN_DEPENDENT_B.sub(rb"\g<1>0x?", value)
    if isinstance(value, (list, tuple)):
        return type(value)(mask_run_dependent(v) for v in value)
    return value

#: The protocol hierarchy counts only protocols from 4.6 on: before, a full
#: tree's top-level items that are not protocols (the columns' ``_ws.col``
#: from 4.4, ``tcp.segments``) are counted too, so a full-tree read's
#: hierarchy differs from ``tshark -z io,phs``'s.
PHS_ONLY_PROTOCOLS = SERIES >= (4, 6)
#: tshark's exit status for a file it cannot read to the end: 2 before 4.6,
#: WS_EXIT_READ_ERROR (14) from 4.6. ``wirepy`` exits 2 on every series.
TSHARK_READ_ERROR_STATUS = 14 if SERIES >= (4, 6) else 2
#: tshark 4.6 aborts ("free(): invalid size", SIGABRT) exporting the TFTP
#: objects of a capture in one pass: its export-object list frees a payload
#: the TFTP dissector did not allocate with g_malloc. With -2 it exports.
TSHARK_TFTP_EXPORT_ABORTS = SERIES >= (4, 6)
#: The title of a packet's own bytes among its data sources (tshark -x):
#: "Frame" before 4.6, "Packet" from 4.6.
FRAME_SOURCE_TITLE = "Packet" if SERIES >= (4, 6) else "Frame"
