"""Looking at packets (the "at home for pyshark and tshark users" issue):
``print(pkt)``, ``print(pkt.tree)``, ``print(layer)`` and ``print(node)``
show what ``tshark -V`` shows for them; ``tree.visible()`` walks exactly
those items; the reprs say what the objects are."""

import re
import subprocess

import pytest
from api_fixtures import SAMPLE

import wirepy


def _tshark_v(path, *args):
    proc = subprocess.run(["tshark", "-n", "-r", str(path), "-V", *args], capture_output=True,
                          text=True, check=True)
    return proc.stdout


def _blocks(text):
    """tshark -V's output split into packets (each starts with its Frame
    line; a hex dump inside one follows an empty line)."""
    return re.split(r"\n\n(?=Frame \d+: |Packet comments\n)", text.rstrip("\n"))


@pytest.fixture(params=["sample", "mix.pcapng"])
def path(request, capture_dir):
    return SAMPLE if request.param == "sample" else capture_dir / request.param


def test_print_packet_and_tree_as_tshark_v(path):
    packets = list(wirepy.FileCapture(path))
    want = _tshark_v(path)
    assert "".join(str(p) + "\n\n" for p in packets) == want
    assert all(str(p.tree) == str(p) for p in packets)


def test_print_layer_and_item_as_their_part_of_tshark_v(path):
    packets = list(wirepy.FileCapture(path))
    seen = 0
    for pkt, block in zip(packets, _blocks(_tshark_v(path))):
        for layer in pkt.layers:
            text = str(layer)
            # a whole part of the packet's block, starting at the top level
            assert not text.startswith(" ")
            assert f"\n{text}\n" in f"\n{block}\n", (pkt.number, layer.layer_name)
            seen += 1
        last = pkt.tree.children[-1]
        assert f"\n{last}\n" in f"\n{block}\n"
    assert seen > 30


def test_visible_walks_the_items_tshark_shows():
    pkt = list(wirepy.FileCapture(SAMPLE))[17]
    shown = list(pkt.tree.visible())
    everything = list(pkt.tree)
    assert len(shown) < len(everything)               # the hidden ones are left out
    assert not any(node.hidden for _, node in shown)
    assert [("    " * level + (f"[{n.label}]" if n.generated else n.label))
            for level, n in shown] == str(pkt).split("\n")
    assert repr(pkt.tree) == f"<PacketTree: {len(shown)} items shown, {len(everything)} in all>"
    assert repr(pkt.tree.children[2]).startswith("<TreeNode eth: 'Ethernet II, Src: ")
    assert repr(pkt) == "<Packet 18: eth:ethertype:ip:tcp:http:data-text-lines 395 bytes>"
    assert repr(pkt.http) == "<HTTP Layer>"


def test_print_field_packet_lists_what_was_extracted():
    pkt = next(iter(wirepy.FileCapture(SAMPLE, display_filter="dns",
                                       fields=["ip.src", "dns.qry.name", "dns.a"])))
    text = str(pkt)
    lines = text.split("\n")
    assert lines[0] == repr(pkt)
    assert f"    ip.src: {pkt.field_strings('ip.src')[0]}" in lines
    assert f"    dns.qry.name: {pkt['dns.qry.name']}" in lines
    assert str(pkt.dns).startswith("Layer DNS:\n    dns.qry.name: ")
