"""Enumerations and constants of libpcap 1.10, as cypcap names them.

Values come from the compiled headers (``lib.PCAP_*``, ``lib.DLT_*``), not
from literals, so they are what the libpcap wirepy is built against uses.
"""

from __future__ import annotations

import enum

from .wireshark import ffi, lib

__all__ = [
    "NETMASK_UNKNOWN", "PcapIfFlags", "PcapType", "DatalinkType", "Direction", "TstampType",
    "TstampPrecision", "ErrorCode", "BpfDumpType",
]

#: The netmask to give :func:`~wirepy.lib.pcap.compile` when it is not known.
NETMASK_UNKNOWN = lib.PCAP_NETMASK_UNKNOWN


def _string(ptr) -> str | None:
    if ptr == ffi.NULL:
        return None
    return ffi.string(ptr).decode("utf-8", "replace")


class PcapIfFlags(enum.IntFlag):
    """Interface flags (``PCAP_IF_*``) of a :class:`~wirepy.lib.pcap.PcapIf`."""

    LOOPBACK = lib.PCAP_IF_LOOPBACK
    UP = lib.PCAP_IF_UP
    RUNNING = lib.PCAP_IF_RUNNING
    WIRELESS = lib.PCAP_IF_WIRELESS
    CONNECTION_STATUS_UNKNOWN = lib.PCAP_IF_CONNECTION_STATUS_UNKNOWN
    CONNECTION_STATUS_CONNECTED = lib.PCAP_IF_CONNECTION_STATUS_CONNECTED
    CONNECTION_STATUS_DISCONNECTED = lib.PCAP_IF_CONNECTION_STATUS_DISCONNECTED
    CONNECTION_STATUS_NOT_APPLICABLE = lib.PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE


class PcapType(enum.IntEnum):
    """What a :class:`~wirepy.lib.pcap.Pcap` reads from."""

    LIVE = 1
    DEAD = 2
    OFFLINE = 3


class DatalinkType(enum.IntEnum):
    """Link-layer header types (``DLT_*`` of pcap/dlt.h 1.10; ``NULL_`` is DLT_NULL)."""

    NULL_ = lib.DLT_NULL
    EN10MB = lib.DLT_EN10MB
    EN3MB = lib.DLT_EN3MB
    AX25 = lib.DLT_AX25
    PRONET = lib.DLT_PRONET
    CHAOS = lib.DLT_CHAOS
    IEEE802 = lib.DLT_IEEE802
    ARCNET = lib.DLT_ARCNET
    SLIP = lib.DLT_SLIP
    PPP = lib.DLT_PPP
    FDDI = lib.DLT_FDDI
    ATM_RFC1483 = lib.DLT_ATM_RFC1483
    RAW = lib.DLT_RAW
    SLIP_BSDOS = lib.DLT_SLIP_BSDOS
    PPP_BSDOS = lib.DLT_PPP_BSDOS
    PFSYNC = lib.DLT_PFSYNC
    ATM_CLIP = lib.DLT_ATM_CLIP
    REDBACK_SMARTEDGE = lib.DLT_REDBACK_SMARTEDGE
    PPP_SERIAL = lib.DLT_PPP_SERIAL
    PPP_ETHER = lib.DLT_PPP_ETHER
    SYMANTEC_FIREWALL = lib.DLT_SYMANTEC_FIREWALL
    C_HDLC = lib.DLT_C_HDLC
    CHDLC = lib.DLT_CHDLC
    IEEE802_11 = lib.DLT_IEEE802_11
    FRELAY = lib.DLT_FRELAY
    LOOP = lib.DLT_LOOP
    ENC = lib.DLT_ENC
    HDLC = lib.DLT_HDLC
    LINUX_SLL = lib.DLT_LINUX_SLL
    LTALK = lib.DLT_LTALK
    ECONET = lib.DLT_ECONET
    IPFILTER = lib.DLT_IPFILTER
    PFLOG = lib.DLT_PFLOG
    CISCO_IOS = lib.DLT_CISCO_IOS
    PRISM_HEADER = lib.DLT_PRISM_HEADER
    AIRONET_HEADER = lib.DLT_AIRONET_HEADER
    HHDLC = lib.DLT_HHDLC
    IP_OVER_FC = lib.DLT_IP_OVER_FC
    SUNATM = lib.DLT_SUNATM
    RIO = lib.DLT_RIO
    PCI_EXP = lib.DLT_PCI_EXP
    AURORA = lib.DLT_AURORA
    IEEE802_11_RADIO = lib.DLT_IEEE802_11_RADIO
    TZSP = lib.DLT_TZSP
    ARCNET_LINUX = lib.DLT_ARCNET_LINUX
    JUNIPER_MLPPP = lib.DLT_JUNIPER_MLPPP
    JUNIPER_MLFR = lib.DLT_JUNIPER_MLFR
    JUNIPER_ES = lib.DLT_JUNIPER_ES
    JUNIPER_GGSN = lib.DLT_JUNIPER_GGSN
    JUNIPER_MFR = lib.DLT_JUNIPER_MFR
    JUNIPER_ATM2 = lib.DLT_JUNIPER_ATM2
    JUNIPER_SERVICES = lib.DLT_JUNIPER_SERVICES
    JUNIPER_ATM1 = lib.DLT_JUNIPER_ATM1
    APPLE_IP_OVER_IEEE1394 = lib.DLT_APPLE_IP_OVER_IEEE1394
    MTP2_WITH_PHDR = lib.DLT_MTP2_WITH_PHDR
    MTP2 = lib.DLT_MTP2
    MTP3 = lib.DLT_MTP3
    SCCP = lib.DLT_SCCP
    DOCSIS = lib.DLT_DOCSIS
    LINUX_IRDA = lib.DLT_LINUX_IRDA
    IBM_SP = lib.DLT_IBM_SP
    IBM_SN = lib.DLT_IBM_SN
    USER0 = lib.DLT_USER0
    USER1 = lib.DLT_USER1
    USER2 = lib.DLT_USER2
    USER3 = lib.DLT_USER3
    USER4 = lib.DLT_USER4
    USER5 = lib.DLT_USER5
    USER6 = lib.DLT_USER6
    USER7 = lib.DLT_USER7
    USER8 = lib.DLT_USER8
    USER9 = lib.DLT_USER9
    USER10 = lib.DLT_USER10
    USER11 = lib.DLT_USER11
    USER12 = lib.DLT_USER12
    USER13 = lib.DLT_USER13
    USER14 = lib.DLT_USER14
    USER15 = lib.DLT_USER15
    IEEE802_11_RADIO_AVS = lib.DLT_IEEE802_11_RADIO_AVS
    JUNIPER_MONITOR = lib.DLT_JUNIPER_MONITOR
    BACNET_MS_TP = lib.DLT_BACNET_MS_TP
    PPP_PPPD = lib.DLT_PPP_PPPD
    PPP_WITH_DIRECTION = lib.DLT_PPP_WITH_DIRECTION
    LINUX_PPP_WITHDIRECTION = lib.DLT_LINUX_PPP_WITHDIRECTION
    JUNIPER_PPPOE = lib.DLT_JUNIPER_PPPOE
    JUNIPER_PPPOE_ATM = lib.DLT_JUNIPER_PPPOE_ATM
    GPRS_LLC = lib.DLT_GPRS_LLC
    GPF_T = lib.DLT_GPF_T
    GPF_F = lib.DLT_GPF_F
    GCOM_T1E1 = lib.DLT_GCOM_T1E1
    GCOM_SERIAL = lib.DLT_GCOM_SERIAL
    JUNIPER_PIC_PEER = lib.DLT_JUNIPER_PIC_PEER
    ERF_ETH = lib.DLT_ERF_ETH
    ERF_POS = lib.DLT_ERF_POS
    LINUX_LAPD = lib.DLT_LINUX_LAPD
    JUNIPER_ETHER = lib.DLT_JUNIPER_ETHER
    JUNIPER_PPP = lib.DLT_JUNIPER_PPP
    JUNIPER_FRELAY = lib.DLT_JUNIPER_FRELAY
    JUNIPER_CHDLC = lib.DLT_JUNIPER_CHDLC
    MFR = lib.DLT_MFR
    JUNIPER_VP = lib.DLT_JUNIPER_VP
    A429 = lib.DLT_A429
    A653_ICM = lib.DLT_A653_ICM
    USB_FREEBSD = lib.DLT_USB_FREEBSD
    USB = lib.DLT_USB
    BLUETOOTH_HCI_H4 = lib.DLT_BLUETOOTH_HCI_H4
    IEEE802_16_MAC_CPS = lib.DLT_IEEE802_16_MAC_CPS
    USB_LINUX = lib.DLT_USB_LINUX
    CAN20B = lib.DLT_CAN20B
    IEEE802_15_4_LINUX = lib.DLT_IEEE802_15_4_LINUX
    PPI = lib.DLT_PPI
    IEEE802_16_MAC_CPS_RADIO = lib.DLT_IEEE802_16_MAC_CPS_RADIO
    JUNIPER_ISM = lib.DLT_JUNIPER_ISM
    IEEE802_15_4_WITHFCS = lib.DLT_IEEE802_15_4_WITHFCS
    IEEE802_15_4 = lib.DLT_IEEE802_15_4
    SITA = lib.DLT_SITA
    ERF = lib.DLT_ERF
    RAIF1 = lib.DLT_RAIF1
    IPMB_KONTRON = lib.DLT_IPMB_KONTRON
    JUNIPER_ST = lib.DLT_JUNIPER_ST
    BLUETOOTH_HCI_H4_WITH_PHDR = lib.DLT_BLUETOOTH_HCI_H4_WITH_PHDR
    AX25_KISS = lib.DLT_AX25_KISS
    LAPD = lib.DLT_LAPD
    PPP_WITH_DIR = lib.DLT_PPP_WITH_DIR
    C_HDLC_WITH_DIR = lib.DLT_C_HDLC_WITH_DIR
    FRELAY_WITH_DIR = lib.DLT_FRELAY_WITH_DIR
    LAPB_WITH_DIR = lib.DLT_LAPB_WITH_DIR
    IPMB_LINUX = lib.DLT_IPMB_LINUX
    FLEXRAY = lib.DLT_FLEXRAY
    MOST = lib.DLT_MOST
    LIN = lib.DLT_LIN
    X2E_SERIAL = lib.DLT_X2E_SERIAL
    X2E_XORAYA = lib.DLT_X2E_XORAYA
    IEEE802_15_4_NONASK_PHY = lib.DLT_IEEE802_15_4_NONASK_PHY
    LINUX_EVDEV = lib.DLT_LINUX_EVDEV
    GSMTAP_UM = lib.DLT_GSMTAP_UM
    GSMTAP_ABIS = lib.DLT_GSMTAP_ABIS
    MPLS = lib.DLT_MPLS
    USB_LINUX_MMAPPED = lib.DLT_USB_LINUX_MMAPPED
    DECT = lib.DLT_DECT
    AOS = lib.DLT_AOS
    WIHART = lib.DLT_WIHART
    FC_2 = lib.DLT_FC_2
    FC_2_WITH_FRAME_DELIMS = lib.DLT_FC_2_WITH_FRAME_DELIMS
    IPNET = lib.DLT_IPNET
    CAN_SOCKETCAN = lib.DLT_CAN_SOCKETCAN
    IPV4 = lib.DLT_IPV4
    IPV6 = lib.DLT_IPV6
    IEEE802_15_4_NOFCS = lib.DLT_IEEE802_15_4_NOFCS
    DBUS = lib.DLT_DBUS
    JUNIPER_VS = lib.DLT_JUNIPER_VS
    JUNIPER_SRX_E2E = lib.DLT_JUNIPER_SRX_E2E
    JUNIPER_FIBRECHANNEL = lib.DLT_JUNIPER_FIBRECHANNEL
    DVB_CI = lib.DLT_DVB_CI
    MUX27010 = lib.DLT_MUX27010
    STANAG_5066_D_PDU = lib.DLT_STANAG_5066_D_PDU
    JUNIPER_ATM_CEMIC = lib.DLT_JUNIPER_ATM_CEMIC
    NFLOG = lib.DLT_NFLOG
    NETANALYZER = lib.DLT_NETANALYZER
    NETANALYZER_TRANSPARENT = lib.DLT_NETANALYZER_TRANSPARENT
    IPOIB = lib.DLT_IPOIB
    MPEG_2_TS = lib.DLT_MPEG_2_TS
    NG40 = lib.DLT_NG40
    NFC_LLCP = lib.DLT_NFC_LLCP
    INFINIBAND = lib.DLT_INFINIBAND
    SCTP = lib.DLT_SCTP
    USBPCAP = lib.DLT_USBPCAP
    RTAC_SERIAL = lib.DLT_RTAC_SERIAL
    BLUETOOTH_LE_LL = lib.DLT_BLUETOOTH_LE_LL
    WIRESHARK_UPPER_PDU = lib.DLT_WIRESHARK_UPPER_PDU
    NETLINK = lib.DLT_NETLINK
    BLUETOOTH_LINUX_MONITOR = lib.DLT_BLUETOOTH_LINUX_MONITOR
    BLUETOOTH_BREDR_BB = lib.DLT_BLUETOOTH_BREDR_BB
    BLUETOOTH_LE_LL_WITH_PHDR = lib.DLT_BLUETOOTH_LE_LL_WITH_PHDR
    PROFIBUS_DL = lib.DLT_PROFIBUS_DL
    PKTAP = lib.DLT_PKTAP
    EPON = lib.DLT_EPON
    IPMI_HPM_2 = lib.DLT_IPMI_HPM_2
    ZWAVE_R1_R2 = lib.DLT_ZWAVE_R1_R2
    ZWAVE_R3 = lib.DLT_ZWAVE_R3
    WATTSTOPPER_DLM = lib.DLT_WATTSTOPPER_DLM
    ISO_14443 = lib.DLT_ISO_14443
    RDS = lib.DLT_RDS
    USB_DARWIN = lib.DLT_USB_DARWIN
    OPENFLOW = lib.DLT_OPENFLOW
    SDLC = lib.DLT_SDLC
    TI_LLN_SNIFFER = lib.DLT_TI_LLN_SNIFFER
    LORATAP = lib.DLT_LORATAP
    VSOCK = lib.DLT_VSOCK
    NORDIC_BLE = lib.DLT_NORDIC_BLE
    DOCSIS31_XRA31 = lib.DLT_DOCSIS31_XRA31
    ETHERNET_MPACKET = lib.DLT_ETHERNET_MPACKET
    DISPLAYPORT_AUX = lib.DLT_DISPLAYPORT_AUX
    LINUX_SLL2 = lib.DLT_LINUX_SLL2
    SERCOS_MONITOR = lib.DLT_SERCOS_MONITOR
    OPENVIZSLA = lib.DLT_OPENVIZSLA
    EBHSCR = lib.DLT_EBHSCR
    VPP_DISPATCH = lib.DLT_VPP_DISPATCH
    DSA_TAG_BRCM = lib.DLT_DSA_TAG_BRCM
    DSA_TAG_BRCM_PREPEND = lib.DLT_DSA_TAG_BRCM_PREPEND
    IEEE802_15_4_TAP = lib.DLT_IEEE802_15_4_TAP
    DSA_TAG_DSA = lib.DLT_DSA_TAG_DSA
    DSA_TAG_EDSA = lib.DLT_DSA_TAG_EDSA
    ELEE = lib.DLT_ELEE
    Z_WAVE_SERIAL = lib.DLT_Z_WAVE_SERIAL
    USB_2_0 = lib.DLT_USB_2_0
    ATSC_ALP = lib.DLT_ATSC_ALP

    @property
    def description(self) -> str:
        """libpcap's description of the type, e.g. ``"Ethernet"``."""
        return _string(lib.pcap_datalink_val_to_description_or_dlt(self.value))

    @property
    def pcap_name(self) -> str | None:
        """libpcap's name of the type (``pcap_datalink_val_to_name``)."""
        return _string(lib.pcap_datalink_val_to_name(self.value))

    @classmethod
    def from_name(cls, name: str) -> DatalinkType:
        """The type libpcap calls *name* (``"EN10MB"``, case-insensitive)."""
        value = lib.pcap_datalink_name_to_val(name.encode())
        if value < 0:
            raise ValueError(f"unknown link-layer header type {name!r}")
        return cls(value)


class Direction(enum.IntEnum):
    """Direction for :meth:`~wirepy.lib.pcap.Pcap.setdirection`."""

    INOUT = lib.PCAP_D_INOUT
    IN = lib.PCAP_D_IN
    OUT = lib.PCAP_D_OUT


class TstampType(enum.IntEnum):
    """Time stamp types (``PCAP_TSTAMP_*``).

    As in cypcap, :attr:`name` is libpcap's name (``TstampType.HOST.name``
    is ``"host"``, what ``tcpdump -j`` takes); the members are still
    ``TstampType.HOST``, ``TstampType["HOST"]``... and their repr shows it.
    """

    HOST = lib.PCAP_TSTAMP_HOST
    HOST_LOWPREC = lib.PCAP_TSTAMP_HOST_LOWPREC
    HOST_HIPREC = lib.PCAP_TSTAMP_HOST_HIPREC
    ADAPTER = lib.PCAP_TSTAMP_ADAPTER
    ADAPTER_UNSYNCED = lib.PCAP_TSTAMP_ADAPTER_UNSYNCED
    HOST_HIPREC_UNSYNCED = lib.PCAP_TSTAMP_HOST_HIPREC_UNSYNCED

    @property
    def description(self) -> str | None:
        """libpcap's description of the time stamp type."""
        return _string(lib.pcap_tstamp_type_val_to_description(self.value))

    @property
    def name(self) -> str:
        """libpcap's name of the time stamp type, e.g. ``"host_hiprec"``."""
        return _string(lib.pcap_tstamp_type_val_to_name(self.value)) or self._name_

    @property
    def pcap_name(self) -> str:
        """The same as :attr:`name` (the name wirepy gave it first)."""
        return self.name

    @classmethod
    def from_name(cls, name: str) -> TstampType:
        """The time stamp type libpcap calls *name*."""
        value = lib.pcap_tstamp_type_name_to_val(name.encode())
        if value < 0:
            raise ValueError(f"unknown time stamp type {name!r}")
        return cls(value)


class TstampPrecision(enum.IntEnum):
    """Time stamp precision of a capture (``PCAP_TSTAMP_PRECISION_*``)."""

    MICRO = lib.PCAP_TSTAMP_PRECISION_MICRO
    NANO = lib.PCAP_TSTAMP_PRECISION_NANO


class ErrorCode(enum.IntEnum):
    """libpcap status codes (``PCAP_ERROR_*``, ``PCAP_WARNING_*``)."""

    ERROR = lib.PCAP_ERROR
    BREAK = lib.PCAP_ERROR_BREAK
    NOT_ACTIVATED = lib.PCAP_ERROR_NOT_ACTIVATED
    ACTIVATED = lib.PCAP_ERROR_ACTIVATED
    NO_SUCH_DEVICE = lib.PCAP_ERROR_NO_SUCH_DEVICE
    RFMON_NOTSUP = lib.PCAP_ERROR_RFMON_NOTSUP
    NOT_RFMON = lib.PCAP_ERROR_NOT_RFMON
    PERM_DENIED = lib.PCAP_ERROR_PERM_DENIED
    IFACE_NOT_UP = lib.PCAP_ERROR_IFACE_NOT_UP
    CANTSET_TSTAMP_TYPE = lib.PCAP_ERROR_CANTSET_TSTAMP_TYPE
    PROMISC_PERM_DENIED = lib.PCAP_ERROR_PROMISC_PERM_DENIED
    TSTAMP_PRECISION_NOTSUP = lib.PCAP_ERROR_TSTAMP_PRECISION_NOTSUP
    WARNING = lib.PCAP_WARNING
    WARNING_PROMISC_NOTSUP = lib.PCAP_WARNING_PROMISC_NOTSUP
    WARNING_TSTAMP_TYPE_NOTSUP = lib.PCAP_WARNING_TSTAMP_TYPE_NOTSUP

    @property
    def description(self) -> str:
        """libpcap's text for the code (``pcap_statustostr``)."""
        return _string(lib.pcap_statustostr(self.value))


class BpfDumpType(enum.IntEnum):
    """Formats of :meth:`~wirepy.lib.pcap.BpfProgram.dumps`.

    ``DEFAULT``: ``"count,code jt jf k,..."`` as iptables/tc-bpf take it;
    ``MULTILINE``: the same one instruction a line (``tcpdump -ddd``);
    ``C_ARRAY``: C initialisers (``tcpdump -dd``); ``DISASSEMBLY``:
    ``bpf_image`` text (``tcpdump -d``).
    """

    DEFAULT = 0
    MULTILINE = 1
    C_ARRAY = 2
    DISASSEMBLY = 3
