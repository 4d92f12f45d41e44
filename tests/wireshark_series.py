"""What differs between the Wireshark series the tests run against, in one place.

The tests take the installed series' tshark as their oracle; where Wireshark
itself differs between series (column types, timestamp precisions, display
filter messages, ...), the expectation a test needs is written here, keyed by
the series, with the reason. docs/wireshark-versions.rst lists what users see.
"""

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
