"""Captures the follow and export-objects tests make themselves: HTTP
objects served by Python's http.server, an e-mail over SMTP and a TFTP
transfer, each on its own random 127.x.y.z address at the protocol's
standard port (so Wireshark dissects it without decode-as, and parallel
runs do not see each other), captured with dumpcap on lo (as root)."""

from __future__ import annotations

import contextlib
import functools
import http.client
import http.server
import os
import random
import signal
import socket
import struct
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Dict, Iterator

import pytest

#: The files the HTTP capture serves: names with characters Windows
#: refuses (tshark writes them %xx), a name served twice (numbered), an
#: object bigger than a TCP segment, binary data.
HTTP_FILES: Dict[str, bytes] = {
    "index.html": b"<html><body>hello from wirepy</body></html>\n",
    "big.bin": bytes(random.Random(15).randrange(256) for _ in range(150000)),
    "notes.txt": b"first line\r\nsecond line\r\n",
    "data.json": b'{"a": 1, "b": [1, 2, 3]}',
}
#: The requests: paths (with a query for the %xx names) in order.
HTTP_REQUESTS = ["/index.html", "/big.bin", "/notes.txt?x=1&y=<2>", "/data.json",
                 "/index.html", "/notes.txt"]
MAIL = (b"From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\n"
        b"Subject: wirepy export objects\r\n\r\nHello Bob,\r\n\r\nan e-mail for the IMF "
        b"exporter.\r\n" + b"line of text\r\n" * 200)
TFTP_FILE = bytes(random.Random(69).randrange(256) for _ in range(1800))


def _address() -> str:
    r = random.SystemRandom()
    return f"127.{r.randrange(1, 255)}.{r.randrange(1, 255)}.{r.randrange(2, 255)}"


@contextlib.contextmanager
def captured(path: Path, bpf: str) -> Iterator[None]:
    """dumpcap on lo with filter *bpf* into *path* for the block (skips the
    test if dumpcap cannot capture here)."""
    dump = subprocess.Popen(["dumpcap", "-q", "-i", "lo", "-f", bpf, "-w", str(path),
                             "-a", "duration:60"], stderr=subprocess.PIPE, text=True)
    try:
        line = dump.stderr.readline()
        if "Capturing on" not in line:
            dump.kill()
            dump.wait(10)
            pytest.skip(f"dumpcap cannot capture on lo: {line.strip()}")
        time.sleep(0.3)
        yield
        time.sleep(0.5)
    finally:
        if dump.poll() is None:
            dump.send_signal(signal.SIGTERM)
        dump.wait(10)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def make_http_capture(directory: Path) -> Path:
    """HTTP/1.1 GETs of :data:`HTTP_REQUESTS` (one keep-alive connection
    for the first two, then one connection each) from http.server on
    port 80."""
    root = directory / "www"
    root.mkdir()
    for name, data in HTTP_FILES.items():
        (root / name).write_bytes(data)
    host = _address()
    try:
        server = http.server.ThreadingHTTPServer(
            (host, 80), functools.partial(_Handler, directory=str(root)))
    except OSError as exc:
        pytest.skip(f"cannot serve HTTP on {host}:80: {exc}")
    server.protocol_version = "HTTP/1.1"
    _Handler.protocol_version = "HTTP/1.1"
    pcap = directory / "http.pcapng"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with captured(pcap, f"host {host} and tcp port 80"):
            conn = http.client.HTTPConnection(host, 80, timeout=10)
            for path in HTTP_REQUESTS[:2]:
                conn.request("GET", path)
                assert conn.getresponse().read()
            conn.close()
            for path in HTTP_REQUESTS[2:]:
                url = f"http://{host}{path.replace('<', '%3C').replace('>', '%3E')}"
                with urllib.request.urlopen(url, timeout=10) as reply:
                    assert reply.read()
    finally:
        server.shutdown()
        server.server_close()
    return pcap


def _serve_smtp(sock: socket.socket) -> None:
    conn, _ = sock.accept()
    with conn:
        f = conn.makefile("rb")
        conn.sendall(b"220 wirepy.test ESMTP\r\n")
        while True:
            line = f.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"HELO", b"EHLO"):
                conn.sendall(b"250 wirepy.test\r\n")
            elif verb == b"DATA":
                conn.sendall(b"354 go ahead\r\n")
                while f.readline() not in (b".\r\n", b""):
                    pass
                conn.sendall(b"250 queued\r\n")
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"250 ok\r\n")


def make_smtp_capture(directory: Path, n_mails: int = 2) -> Path:
    """*n_mails* e-mails (:data:`MAIL`) sent with smtplib to a small SMTP
    server on port 25, one connection each."""
    import smtplib
    host = _address()
    pcap = directory / "smtp.pcapng"
    with captured(pcap, f"host {host} and tcp port 25"):
        for _ in range(n_mails):
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, 25))
            sock.listen(1)
            thread = threading.Thread(target=_serve_smtp, args=(sock,))
            thread.start()
            with smtplib.SMTP(host, 25, timeout=10) as smtp:
                smtp.sendmail("alice@example.org", ["bob@example.org"], MAIL)
            thread.join(10)
            sock.close()
    return pcap


def _serve_tftp(sock: socket.socket, host: str) -> None:
    request, client = sock.recvfrom(600)
    data = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    data.bind((host, 0))
    data.settimeout(5)
    with data:
        for block in range(len(TFTP_FILE) // 512 + 1):
            chunk = TFTP_FILE[block * 512:(block + 1) * 512]
            data.sendto(struct.pack("!HH", 3, block + 1) + chunk, client)
            data.recvfrom(16)      # the ACK


def make_tftp_capture(directory: Path) -> Path:
    """A TFTP read (RRQ, octet) of :data:`TFTP_FILE` as ``firmware.bin``
    from a small server on port 69."""
    host = _address()
    pcap = directory / "tftp.pcapng"
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((host, 69))
    with captured(pcap, f"host {host} and udp"), sock:
        thread = threading.Thread(target=_serve_tftp, args=(sock, host))
        thread.start()
        client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        client.bind((host, 0))
        client.settimeout(5)
        with client:
            client.sendto(b"\x00\x01firmware.bin\x00octet\x00", (host, 69))
            received = b""
            while True:
                packet, server = client.recvfrom(600)
                received += packet[4:]
                client.sendto(struct.pack("!HH", 4, struct.unpack("!H", packet[2:4])[0]), server)
                if len(packet) - 4 < 512:
                    break
        thread.join(10)
    assert received == TFTP_FILE
    return pcap


@pytest.fixture(scope="session")
def http_capture(tmp_path_factory) -> Path:
    return make_http_capture(tmp_path_factory.mktemp("follow_http"))


@pytest.fixture(scope="session")
def smtp_capture(tmp_path_factory) -> Path:
    return make_smtp_capture(tmp_path_factory.mktemp("follow_smtp"))


@pytest.fixture(scope="session")
def tftp_capture(tmp_path_factory) -> Path:
    return make_tftp_capture(tmp_path_factory.mktemp("follow_tftp"))


def tshark_export(path: Path, protocol: str, folder: Path, *extra: str) -> None:
    subprocess.run(["tshark", "-n", "-r", str(path), "--export-objects",
                    f"{protocol},{folder}", *extra], check=True, capture_output=True,
                   timeout=600, env={**os.environ, "LC_ALL": "C.UTF-8"})
