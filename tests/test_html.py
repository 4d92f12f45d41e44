"""Packets and captures as HTML (Jupyter's _repr_html_): parsed back with
html.parser, every item Wireshark shows is there with its label, in tree
order and nesting, the hex dumps hold each data source's bytes, and a
capture's table holds tshark's summary columns. Then a real browser
renders it (headless chromium, when it is installed)."""

import shutil
import struct
import subprocess
from html.parser import HTMLParser

import pytest
from api_fixtures import SAMPLE
from source_fixtures import ws_capture

import wirepy
from wirepy import html, show


class Structure(HTMLParser):
    """The tree items ((depth, label) of each <summary> and leaf <div>),
    the data sources (name, hex dump text) and the table cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items, self.sources, self.rows, self.headers = [], [], [], []
        self.depth = 0
        self.stack = []
        self.text = None

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag == "details":
            self.depth += 1
        kind = None
        if tag == "summary":
            kind = "item"
        elif tag == "div" and "wirepy-leaf" in cls.split():
            kind = "leaf"
        elif tag == "div" and cls == "wirepy-source":
            kind = "source"
        elif tag == "pre":
            kind = "pre"
        elif tag in ("td", "th"):
            kind = tag
        elif tag == "tr":
            self.rows.append([])
        self.stack.append(kind)
        if kind:
            self.text = []

    def handle_endtag(self, tag):
        if tag == "details":
            self.depth -= 1
        kind = self.stack.pop() if self.stack else None
        if not kind:
            return
        text = "".join(self.text)
        self.text = None
        if kind == "item":
            self.items.append((self.depth - 1, text))
        elif kind == "leaf":
            self.items.append((self.depth, text))
        elif kind == "source":
            self.sources.append([text, None])
        elif kind == "pre":
            self.sources[-1][1] = text
        elif kind == "th":
            self.headers.append(text)
        elif kind == "td":
            self.rows[-1].append(text)

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)


def parse(markup):
    p = Structure()
    p.feed(markup)
    p.close()
    return p


def _hex_bytes(dump):
    data = bytearray()
    for line in dump.split("\n"):
        if line.startswith("..."):
            continue
        head = line.split("  ", 1)[0]
        data += bytes.fromhex(line[len(head) + 2:len(head) + 2 + 48])
    return bytes(data)


def _expected_items(pkt):
    return [(level, f"[{n.label}]" if n.generated else n.label)
            for level, n in show.visible(pkt.tree.children)]


@pytest.mark.parametrize("name", ["tls12-dsb.pcapng", "grpc_web.pcapng.gz"])
def test_packet_html_has_every_item_and_every_source(name):
    path = ws_capture(name)
    for pkt in wirepy.FileCapture(path):
        doc = parse(pkt._repr_html_())
        assert doc.items == _expected_items(pkt)
        assert [name for name, _ in doc.sources] == [s.name for s in pkt.data_sources]
        for (_, dump), source in zip(doc.sources, pkt.data_sources):
            shown = source.data[:65536]     # packet_html's default max_bytes
            assert _hex_bytes(dump) == shown
            assert dump.split("\n")[:len(shown) // 16] == show.hexdump(shown)[:len(shown) // 16]


def _syslog_frame(payload: bytes) -> bytes:
    """Ethernet, IPv4, UDP to port 514 (syslog, whose labels show the text)."""
    udp = struct.pack("!HHHH", 40000, 514, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2]))
    return b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01\x08\x00" + ip + udp


def test_everything_is_escaped():
    # a frame whose text is markup: labels and the ASCII column carry it
    frame = _syslog_frame(b'<13>Jan  1 00:00:00 host <script>alert("x")</script>&amp;')
    pkt = wirepy.dissect(frame)
    assert any("<script>" in n.label for n in pkt.tree)
    markup = pkt._repr_html_()
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    doc = parse(markup)
    assert doc.items == _expected_items(pkt)
    assert _hex_bytes(doc.sources[0][1]) == frame


def test_field_packet_html_shows_fields_and_frame_bytes():
    pkt = next(iter(wirepy.FileCapture(SAMPLE, fields=["ip.src", "ip.dst"],
                                       display_filter="ip")))
    doc = parse(pkt._repr_html_())
    assert ("ip.src: " + pkt.field_strings("ip.src")[0]) in [t for _, t in doc.items]
    assert _hex_bytes(doc.sources[0][1]) == pkt.raw


def test_open_levels_expand_the_protocols():
    pkt = next(iter(wirepy.FileCapture(SAMPLE)))
    assert "<details open>" not in html.packet_html(pkt)
    assert html.packet_html(pkt, open_levels=1).count("<details open>") == \
        sum(1 for n in pkt.tree.children if not n.hidden and n.children)


def test_big_sources_are_cut():
    path = ws_capture("tls12-dsb.pcapng")
    pkt = next(p for p in wirepy.FileCapture(path) if len(p.raw) > 1000)
    markup = html.packet_html(pkt, max_bytes=64)
    assert f"... {len(pkt.raw) - 64} more bytes" in markup
    assert _hex_bytes(parse(markup).sources[0][1]) == pkt.raw[:64]


@pytest.mark.parametrize("kw, limit", [({}, 20), ({"display_filter": "tcp"}, 5),
                                       ({"fields": ["ip.src"]}, 100)])
def test_capture_html_is_tshark_summaries(kw, limit):
    cap = wirepy.FileCapture(SAMPLE, **kw)
    doc = parse(html.capture_html(cap, limit=limit))
    args = ["-Y", kw["display_filter"]] if "display_filter" in kw else []
    cols = subprocess.run(["tshark", "-n", "-r", str(SAMPLE), *args, "-T", "fields",
                           *[a for c in ("No.", "Time", "Source", "Destination", "Protocol",
                                         "Length", "Info") for a in ("-e", f"_ws.col.{c}")]],
                          capture_output=True, check=True, text=True).stdout
    want = [line.split("\t") for line in cols.splitlines()][:limit]
    assert doc.headers == ["No.", "Time", "Source", "Destination", "Protocol", "Length", "Info"]
    assert doc.rows[1:] == want
    assert ("the first" in html.capture_html(cap, limit=limit)) == (len(cols.splitlines())
                                                                     > limit)
    assert cap._repr_html_()


def test_capture_html_of_standard_input_reads_nothing():
    markup = wirepy.FileCapture("-")._repr_html_()
    assert "standard input" in markup and "<table>" not in markup


def test_capture_html_while_the_session_is_busy_says_so():
    cap = wirepy.FileCapture(SAMPLE)
    with wirepy.Dissector():
        markup = cap._repr_html_()
    assert "wirepy-note" in markup and "<table>" not in markup


def _chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_a_browser_renders_the_packet(tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install chromium): no browser to "
                    "render the HTML")
    pkt = next(p for p in wirepy.FileCapture(ws_capture("tls12-dsb.pcapng"))
               if len(p.data_sources) > 1)
    page = tmp_path / "packet.html"
    page.write_text("<!doctype html><html><head><meta charset='utf-8'></head><body>"
                    + html.packet_html(pkt, open_levels=1) + "</body></html>", encoding="utf-8")
    # the DOM as the browser built it: the markup parsed, every item there
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                          "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120).stdout
    doc = parse(dom)
    assert doc.items == _expected_items(pkt)
    assert [n for n, _ in doc.sources] == [s.name for s in pkt.data_sources]
    shot = tmp_path / "packet.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                    f"--screenshot={shot}", "--window-size=1280,900", page.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10000     # not a blank page
