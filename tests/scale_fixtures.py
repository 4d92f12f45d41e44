"""Captures of several link types for the Parquet and Dask tests
(``tests/test_parquet.py``, ``tests/test_dask.py``), made by the suite's own
writers and Wireshark's tools: Ethernet (the bundled sample), raw IP
(``editcap -T rawip`` of it), Linux cooked capture (our pcap writer) and
802.11 (Wireshark's ``wpa-Induction.pcap.gz``); a capture of a few
thousand packets (``mergecap`` of the sample) and a truncated one."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path
from typing import Dict

import pytest
from api_fixtures import SAMPLE
from fetch_wireshark_captures import fetched_captures_dir
from wtap_fixtures import Pkt, make_packets, write_pcap

#: Linux cooked capture (SLL) link type.
LINKTYPE_LINUX_SLL = 113
#: Copies of the sample in the big capture (26 packets each).
BIG_COPIES = 100


def write_sll(path: Path) -> None:
    """The wtap tests' Ethernet/IPv4/UDP frames as Linux cooked captures:
    the Ethernet header replaced by an SLL header (sent by us, ARPHRD_ETHER,
    the source MAC, the EtherType)."""
    pkts = []
    for p in make_packets(30, seed=5):
        sll = struct.pack("!HHH8sH", 4, 1, 6, p.data[6:12] + b"\0\0", 0x0800) + p.data[14:]
        pkts.append(Pkt(p.ts_ns, sll, len(sll)))
    write_pcap(path, pkts, linktype=LINKTYPE_LINUX_SLL)


@pytest.fixture(scope="session")
def link_captures(tmp_path_factory) -> Dict[str, Path]:
    """Captures of four link types, by name: ``ether``, ``rawip``, ``sll``,
    ``wlan``."""
    tmp = tmp_path_factory.mktemp("links")
    rawip = tmp / "rawip.pcapng"
    subprocess.run(["editcap", "-C", "14", "-T", "rawip", str(SAMPLE), str(rawip)],
                   check=True, capture_output=True)
    sll = tmp / "sll.pcap"
    write_sll(sll)
    wlan = tmp / "wlan.pcap.gz"
    shutil.copy(fetched_captures_dir() / "wpa-Induction.pcap.gz", wlan)
    return {"ether": SAMPLE, "rawip": rawip, "sll": sll, "wlan": wlan}


@pytest.fixture(scope="session")
def big_capture(tmp_path_factory) -> Path:
    """The sample merged end to end BIG_COPIES times (2600 packets)."""
    out = tmp_path_factory.mktemp("big") / "big.pcapng"
    subprocess.run(["mergecap", "-a", "-w", str(out), *[str(SAMPLE)] * BIG_COPIES],
                   check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def truncated_capture(tmp_path_factory) -> Path:
    """The sample cut in the middle of a packet: wiretap reads the packets
    before the cut, then fails with a short read."""
    out = tmp_path_factory.mktemp("bad") / "truncated.pcapng"
    data = SAMPLE.read_bytes()
    out.write_bytes(data[:len(data) * 2 // 3 + 7])
    return out
