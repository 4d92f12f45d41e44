"""Capture files for the epan tests, written by our own pcap writer.

Every packet is built here byte by byte (loopback-range addresses only):
Ethernet, ARP, IPv4, IPv6, ICMP, ICMPv6, UDP, DNS, DHCP, TCP with an HTTP
request and a response split over three segments (reassembly), a TCP
session on port 8888 (decode-as), and a malformed packet. The same
packets are written as pcap and (via editcap) as pcapng.
"""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path
from typing import List, Tuple

import pytest
from pcap_fixtures import checksum

MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")
IP_A = bytes([127, 0, 0, 1])
IP_B = bytes([127, 0, 0, 2])
IP6_A = bytes(15) + b"\x01"
IP6_B = bytes.fromhex("fe800000000000000000000000000002")


def eth(dst: bytes, src: bytes, etype: int, payload: bytes) -> bytes:
    return dst + src + struct.pack("!H", etype) + payload


def ipv4(src: bytes, dst: bytes, proto: int, payload: bytes, ident: int = 1) -> bytes:
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64,
                      proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(src: bytes, dst: bytes, nh: int, payload: bytes) -> bytes:
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, 64, src, dst) + payload


def udp(sport: int, dport: int, payload: bytes) -> bytes:
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport: int, dport: int, seq: int, ack: int, flags: int, payload: bytes = b"") -> bytes:
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0,
                       0) + payload


def dns_query(name: str, qid: int = 0x1234) -> bytes:
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", 1, 1)


def dns_response(name: str, addr: bytes, qid: int = 0x1234) -> bytes:
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + addr
    return struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + q + struct.pack("!HH", 1, 1) + ans


def dhcp_discover() -> bytes:
    body = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, 0xDEADBEEF, 0, 0x8000,
                       bytes(4), bytes(4), bytes(4), bytes(4), MAC_A + bytes(10), bytes(64),
                       bytes(128))
    opts = (b"\x63\x82\x53\x63" + b"\x35\x01\x01" + b"\x0c\x04test"
            + b"\x37\x03\x01\x03\x06" + b"\xff")
    return body + opts


def arp(op: int, sha: bytes, spa: bytes, tha: bytes, tpa: bytes) -> bytes:
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha, spa, tha, tpa)


def icmp_echo(typ: int, ident: int, seq: int, data: bytes) -> bytes:
    hdr = struct.pack("!BBHHH", typ, 0, 0, ident, seq) + data
    return hdr[:2] + struct.pack("!H", checksum(hdr)) + hdr[4:]


def packets() -> List[Tuple[float, bytes]]:
    """The fixture packets with their time stamps."""
    out: List[bytes] = []
    out.append(eth(b"\xff" * 6, MAC_A, 0x0806, arp(1, MAC_A, IP_A, bytes(6), IP_B)))
    out.append(eth(MAC_A, MAC_B, 0x0806, arp(2, MAC_B, IP_B, MAC_A, IP_A)))
    out.append(eth(MAC_B, MAC_A, 0x0800,
                   ipv4(IP_A, IP_B, 1, icmp_echo(8, 7, 1, b"abcdefgh" * 4), ident=10)))
    out.append(eth(MAC_A, MAC_B, 0x0800,
                   ipv4(IP_B, IP_A, 1, icmp_echo(0, 7, 1, b"abcdefgh" * 4), ident=11)))
    out.append(eth(MAC_B, MAC_A, 0x0800,
                   ipv4(IP_A, IP_B, 17, udp(40000, 53, dns_query("www.example.com")), 12)))
    out.append(eth(MAC_A, MAC_B, 0x0800, ipv4(IP_B, IP_A, 17, udp(
        53, 40000, dns_response("www.example.com", bytes([127, 0, 0, 9]))), 13)))
    out.append(eth(b"\xff" * 6, MAC_A, 0x0800,
                   ipv4(IP_A, bytes([127, 255, 255, 255]), 17, udp(68, 67, dhcp_discover()), 14)))
    out.append(eth(MAC_B, MAC_A, 0x86DD, ipv6(IP6_A, IP6_B, 17, udp(5555, 5353 + 1, b"hello6"))))
    icmp6 = struct.pack("!BBHHH", 128, 0, 0, 1, 1) + b"ping6"
    out.append(eth(MAC_B, MAC_A, 0x86DD, ipv6(IP6_A, IP6_B, 58, icmp6)))
    # TCP + HTTP with a response in three segments
    c, s = 51000, 80
    cs, ss = 1000, 5000
    body = (b"<html>" + b"x" * 2500 + b"</html>")
    resp = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)
    req = b"GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: wirepy\r\n\r\n"

    def t(src, dst, sp, dp, seq, ack, fl, pl=b"", ident=20):
        return eth(MAC_B if src == IP_A else MAC_A, MAC_A if src == IP_A else MAC_B, 0x0800,
                   ipv4(src, dst, 6, tcp(sp, dp, seq, ack, fl, pl), ident))
    out.append(t(IP_A, IP_B, c, s, cs, 0, 0x02))
    out.append(t(IP_B, IP_A, s, c, ss, cs + 1, 0x12))
    out.append(t(IP_A, IP_B, c, s, cs + 1, ss + 1, 0x10))
    out.append(t(IP_A, IP_B, c, s, cs + 1, ss + 1, 0x18, req))
    seq = ss + 1
    for i in range(0, len(resp), 1000):
        seg = resp[i:i + 1000]
        out.append(t(IP_B, IP_A, s, c, seq, cs + 1 + len(req), 0x18 if i + 1000 >= len(resp)
                     else 0x10, seg))
        seq += len(seg)
    out.append(t(IP_A, IP_B, c, s, cs + 1 + len(req), seq, 0x11))
    # port 8888 carrying HTTP (decode-as)
    out.append(t(IP_A, IP_B, 52000, 8888, 1, 1, 0x18,
                 b"GET /alt HTTP/1.1\r\nHost: alt.example\r\n\r\n"))
    # malformed: a DNS packet cut short
    out.append(eth(MAC_B, MAC_A, 0x0800,
                   ipv4(IP_A, IP_B, 17, udp(40001, 53, dns_query("short.example")[:15]), 30)))
    base = 1700000000.0
    return [(base + i * 0.125, p) for i, p in enumerate(out)]


def write_pcap(path: Path, pkts: List[Tuple[float, bytes]]) -> None:
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for ts, data in pkts:
            sec = int(ts)
            usec = int(round((ts - sec) * 1e6))
            f.write(struct.pack("<IIII", sec, usec, len(data), len(data)))
            f.write(data)


@pytest.fixture(scope="session")
def capture_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("epan_captures")
    pcap = d / "mix.pcap"
    write_pcap(pcap, packets())
    subprocess.run(["editcap", "-F", "pcapng", str(pcap), str(d / "mix.pcapng")], check=True)
    return d


@pytest.fixture(scope="session")
def mix_pcap(capture_dir) -> Path:
    return capture_dir / "mix.pcap"


@pytest.fixture(scope="session")
def mix_pcapng(capture_dir) -> Path:
    return capture_dir / "mix.pcapng"


@pytest.fixture(scope="session", params=["mix.pcap", "mix.pcapng"])
def any_capture(request, capture_dir) -> Path:
    return capture_dir / request.param


def tshark(*args: str) -> str:
    return subprocess.run(["tshark", "-n", *args], check=True, capture_output=True,
                          text=True).stdout


# -- a TLS capture made here: Python ssl over 127.0.0.1, dumpcap on lo ------

def _serve_tls(ctx, sock, n_conns):
    import ssl
    for _ in range(n_conns):
        conn, _ = sock.accept()
        try:
            with ctx.wrap_socket(conn, server_side=True) as tls:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                body = b"secret body " + data.split(b" ")[1]
                tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                            + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n"
                            + body)
                try:
                    tls.unwrap()
                except (ssl.SSLError, OSError):
                    pass
        except (ssl.SSLError, OSError):
            pass


def make_tls_capture(directory: Path) -> Tuple[Path, Path, int]:
    """Two HTTPS exchanges (TLS 1.2, then TLS 1.3) on 127.0.0.1, captured
    with dumpcap on lo; returns (capture, keylog file, server port)."""
    import signal
    import socket
    import ssl
    import threading
    import time

    key, cert = directory / "key.pem", directory / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost"],
                   check=True, capture_output=True)
    keylog = directory / "keylog.txt"
    pcap = directory / "tls.pcapng"
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    port = srv.getsockname()[1]
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(str(cert), str(key))
    dump = subprocess.Popen(["dumpcap", "-q", "-i", "lo", "-f", f"tcp port {port}", "-w",
                             str(pcap), "-a", "duration:30"],
                            stderr=subprocess.PIPE, text=True)
    try:
        # dumpcap says "Capturing on ..." on stderr once the filter is set
        line = dump.stderr.readline()
        if "Capturing on" not in line:
            dump.kill()
            pytest.skip(f"dumpcap cannot capture on lo: {line.strip()} {dump.stderr.read()}")
        time.sleep(0.3)
        server = threading.Thread(target=_serve_tls, args=(sctx, srv, 2))
        server.start()
        for version, path in ((ssl.TLSVersion.TLSv1_2, "/tls12"),
                              (ssl.TLSVersion.TLSv1_3, "/tls13")):
            cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            cctx.check_hostname = False
            cctx.verify_mode = ssl.CERT_NONE
            cctx.minimum_version = cctx.maximum_version = version
            cctx.keylog_filename = str(keylog)
            with socket.create_connection(("127.0.0.1", port)) as raw, \
                    cctx.wrap_socket(raw, server_hostname="localhost") as tls:
                tls.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
                reply = b""
                while True:
                    try:
                        chunk = tls.recv(4096)
                    except (ssl.SSLError, OSError):
                        break
                    if not chunk:
                        break
                    reply += chunk
                assert b"secret body" in reply
        server.join(10)
        time.sleep(0.5)
    finally:
        srv.close()
        if dump.poll() is None:
            dump.send_signal(signal.SIGTERM)
        dump.wait(10)
    return pcap, keylog, port


@pytest.fixture(scope="session")
def tls_capture(tmp_path_factory) -> Tuple[Path, Path, int]:
    return make_tls_capture(tmp_path_factory.mktemp("epan_tls"))
