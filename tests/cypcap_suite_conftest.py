"""conftest.py for cypcap's own test suite run against wirepy.lib.pcap.

tests/test_cypcap_suite.py copies this file, as ``conftest.py``, next to
``test_cypcap.py`` taken from cypcap's sdist. It makes ``import cypcap``
give :mod:`wirepy.lib.pcap` and provides the two fixtures the suite expects
from cypcap's own conftest (``interface``, ``interface_addresses``), the
interface being named by ``WIREPY_CYPCAP_INTERFACE``: the veth the test
made in its own network namespace.
"""

import os
import sys

import netifaces
import pytest

import wirepy.lib.pcap

# Before the suite's module is imported: its "import cypcap" finds this.
sys.modules["cypcap"] = wirepy.lib.pcap


@pytest.fixture(scope="session")
def interface():
    return os.environ["WIREPY_CYPCAP_INTERFACE"]


@pytest.fixture(scope="session")
def interface_addresses(interface):
    return netifaces.ifaddresses(interface)
