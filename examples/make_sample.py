"""Write examples/sample.pcapng: a small multi-protocol capture for the demo,
the documentation and the tests.

Every packet is built here byte by byte (with valid checksums) and written
as pcapng (section header with comment and application, one Ethernet
interface with nanosecond time stamps, one packet comment). Nothing is sent
on any network. The conversation, in order: ARP, DHCP (DORA), DNS over
IPv4, ICMP echo, a TCP handshake with an HTTP GET whose response spans
three TCP segments (so Wireshark must reassemble it), TCP teardown, then
IPv6: ICMPv6 echo and DNS over IPv6 (AAAA).

Usage: python examples/make_sample.py [OUTPUT]   (default: next to this script)
"""

import itertools
import struct
import sys
from pathlib import Path

CLIENT_MAC = bytes.fromhex("020000000001")
ROUTER_MAC = bytes.fromhex("020000000002")
BROADCAST = b"\xff" * 6
CLIENT_IP = bytes([192, 0, 2, 10])
ROUTER_IP = bytes([192, 0, 2, 1])
SERVER_IP = bytes([198, 51, 100, 80])
DNS_IP = bytes([192, 0, 2, 53])
CLIENT_IP6 = bytes.fromhex("20010db8000000000000000000000010")
SERVER_IP6 = bytes.fromhex("20010db8000000000000000000000080")

START_NS = 1_700_000_000_123_456_789   # 2023-11-14T22:13:20.123456789Z


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ether(dst: bytes, src: bytes, ethertype: int, payload: bytes) -> bytes:
    return dst + src + struct.pack("!H", ethertype) + payload


def ipv4(src: bytes, dst: bytes, proto: int, payload: bytes, ident: int) -> bytes:
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64,
                         proto, 0, src, dst)
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def ipv6(src: bytes, dst: bytes, next_header: int, payload: bytes) -> bytes:
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), next_header, 64,
                       src, dst) + payload


def pseudo4(src, dst, proto, length):
    return src + dst + struct.pack("!BBH", 0, proto, length)


def pseudo6(src, dst, proto, length):
    return src + dst + struct.pack("!IxxxB", length, proto)


def udp(src_port, dst_port, payload, pseudo):
    length = 8 + len(payload)
    header = struct.pack("!HHHH", src_port, dst_port, length, 0)
    csum = checksum(pseudo(17, length) + header + payload) or 0xFFFF
    return struct.pack("!HHHH", src_port, dst_port, length, csum) + payload


def tcp(src_port, dst_port, seq, ack, flags, payload, pseudo, window=64240):
    header = struct.pack("!HHIIBBHHH", src_port, dst_port, seq, ack, 5 << 4, flags,
                         window, 0, 0)
    csum = checksum(pseudo(6, len(header) + len(payload)) + header + payload)
    return header[:16] + struct.pack("!H", csum) + header[18:] + payload


def icmp_echo(kind, ident, seq, data):
    msg = struct.pack("!BBHHH", kind, 0, 0, ident, seq) + data
    return msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]


def icmp6_echo(kind, ident, seq, data, src, dst):
    msg = struct.pack("!BBHHH", kind, 0, 0, ident, seq) + data
    csum = checksum(pseudo6(src, dst, 58, len(msg)) + msg)
    return msg[:2] + struct.pack("!H", csum) + msg[4:]


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha, spa, tha, tpa)


def dns_name(name: str) -> bytes:
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"


def dns(ident, response, qname, qtype, answers=()):
    flags = 0x8180 if response else 0x0100
    msg = struct.pack("!HHHHHH", ident, flags, 1, len(answers), 0, 0)
    msg += dns_name(qname) + struct.pack("!HH", qtype, 1)
    for rdata in answers:
        msg += b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 300, len(rdata)) + rdata
    return msg


def dhcp(op, xid, msg_type, yiaddr=b"\0" * 4, extra=b""):
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", op, 1, 6, 0, xid, 0, 0x8000,
                        b"\0" * 4, yiaddr, b"\0" * 4, b"\0" * 4,
                        CLIENT_MAC + b"\0" * 10, b"", b"")
    options = b"\x63\x82\x53\x63" + bytes([53, 1, msg_type]) + extra + b"\xff"
    return bootp + options


def udp4(src_mac, dst_mac, src_ip, dst_ip, sport, dport, payload, ident):
    seg = udp(sport, dport, payload, lambda p, n: pseudo4(src_ip, dst_ip, p, n))
    return ether(dst_mac, src_mac, 0x0800, ipv4(src_ip, dst_ip, 17, seg, ident))


def packets():
    """Yield (offset in ns from the start, frame, comment or None)."""
    t = 0
    def step(ms):
        nonlocal t
        t += int(ms * 1_000_000)
        return t

    yield step(0), ether(BROADCAST, CLIENT_MAC, 0x0806,
                         arp(1, CLIENT_MAC, CLIENT_IP, b"\0" * 6, ROUTER_IP)), \
        "who has the router?"
    yield step(0.2), ether(CLIENT_MAC, ROUTER_MAC, 0x0806,
                           arp(2, ROUTER_MAC, ROUTER_IP, CLIENT_MAC, CLIENT_IP)), None

    # DHCP: discover, offer, request, ack
    zero, bcast = b"\0" * 4, b"\xff" * 4
    server_id = bytes([54, 4]) + ROUTER_IP
    lease = bytes([51, 4]) + struct.pack("!I", 3600)
    mask = bytes([1, 4, 255, 255, 255, 0])
    yield step(10), udp4(CLIENT_MAC, BROADCAST, zero, bcast, 68, 67,
                         dhcp(1, 0x3903F326, 1, extra=bytes([55, 3, 1, 3, 6])), 1), None
    yield step(1), udp4(ROUTER_MAC, BROADCAST, ROUTER_IP, bcast, 67, 68,
                        dhcp(2, 0x3903F326, 2, CLIENT_IP, server_id + lease + mask), 2), None
    yield step(1), udp4(CLIENT_MAC, BROADCAST, zero, bcast, 68, 67,
                        dhcp(1, 0x3903F326, 3, extra=bytes([50, 4]) + CLIENT_IP + server_id),
                        3), None
    yield step(1), udp4(ROUTER_MAC, BROADCAST, ROUTER_IP, bcast, 67, 68,
                        dhcp(2, 0x3903F326, 5, CLIENT_IP, server_id + lease + mask), 4), None

    # DNS over IPv4
    yield step(20), udp4(CLIENT_MAC, ROUTER_MAC, CLIENT_IP, DNS_IP, 53001, 53,
                         dns(0x1234, False, "www.example.com", 1), 0x100), None
    yield step(3), udp4(ROUTER_MAC, CLIENT_MAC, DNS_IP, CLIENT_IP, 53, 53001,
                        dns(0x1234, True, "www.example.com", 1, [SERVER_IP]), 0x200), None

    # ICMP echo
    data = bytes(range(32))
    yield step(5), ether(ROUTER_MAC, CLIENT_MAC, 0x0800, ipv4(
        CLIENT_IP, SERVER_IP, 1, icmp_echo(8, 0x42, 1, data), 0x101)), None
    yield step(12), ether(CLIENT_MAC, ROUTER_MAC, 0x0800, ipv4(
        SERVER_IP, CLIENT_IP, 1, icmp_echo(0, 0x42, 1, data), 0x201)), None

    # TCP + HTTP with a response in three segments
    c2s = lambda p, n: pseudo4(CLIENT_IP, SERVER_IP, p, n)   # noqa: E731
    s2c = lambda p, n: pseudo4(SERVER_IP, CLIENT_IP, p, n)   # noqa: E731
    cseq, sseq = 1000, 5000
    SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01

    server_ids, client_ids = itertools.count(0x111), itertools.count(0x211)

    def to_server(flags, payload=b""):
        return ether(ROUTER_MAC, CLIENT_MAC, 0x0800, ipv4(
            CLIENT_IP, SERVER_IP, 6, tcp(50000, 80, cseq, sseq if flags & ACK else 0, flags,
                                         payload, c2s), next(server_ids)))

    def to_client(flags, payload=b""):
        return ether(CLIENT_MAC, ROUTER_MAC, 0x0800, ipv4(
            SERVER_IP, CLIENT_IP, 6, tcp(80, 50000, sseq, cseq, flags, payload, s2c),
            next(client_ids)))

    yield step(20), to_server(SYN), None
    cseq += 1
    yield step(15), to_client(SYN | ACK), None
    sseq += 1
    yield step(0.1), to_server(ACK), None
    request = (b"GET /index.html HTTP/1.1\r\nHost: www.example.com\r\n"
               b"User-Agent: wirepy-sample/1.0\r\nAccept: */*\r\n\r\n")
    yield step(0.2), to_server(PSH | ACK, request), None
    cseq += len(request)
    body = b"<html><head><title>wirepy sample</title></head><body>" + \
        b"<p>" + b"Wireshark from Python, at C speed. " * 40 + b"</p></body></html>\n"
    response = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    chunks = [response[:600], response[600:1200], response[1200:]]
    yield step(16), to_client(ACK), None
    for i, chunk in enumerate(chunks):
        yield step(0.5), to_client((PSH | ACK) if i == len(chunks) - 1 else ACK, chunk), \
            ("last segment of the HTTP response" if i == len(chunks) - 1 else None)
        sseq += len(chunk)
    yield step(0.3), to_server(ACK), None
    yield step(5), to_server(FIN | ACK), None
    cseq += 1
    yield step(15), to_client(FIN | ACK), None
    sseq += 1
    yield step(0.1), to_server(ACK), None

    # IPv6: ICMPv6 echo and DNS AAAA
    data6 = b"wirepy-ipv6-echo"
    yield step(30), ether(ROUTER_MAC, CLIENT_MAC, 0x86DD, ipv6(
        CLIENT_IP6, SERVER_IP6, 58, icmp6_echo(128, 7, 1, data6, CLIENT_IP6, SERVER_IP6))), None
    yield step(11), ether(CLIENT_MAC, ROUTER_MAC, 0x86DD, ipv6(
        SERVER_IP6, CLIENT_IP6, 58, icmp6_echo(129, 7, 1, data6, SERVER_IP6, CLIENT_IP6))), None
    q = dns(0x5678, False, "www.example.com", 28)
    r = dns(0x5678, True, "www.example.com", 28, [SERVER_IP6])
    yield step(5), ether(ROUTER_MAC, CLIENT_MAC, 0x86DD, ipv6(
        CLIENT_IP6, SERVER_IP6, 17,
        udp(53002, 53, q, lambda p, n: pseudo6(CLIENT_IP6, SERVER_IP6, p, n)))), None
    yield step(4), ether(CLIENT_MAC, ROUTER_MAC, 0x86DD, ipv6(
        SERVER_IP6, CLIENT_IP6, 17,
        udp(53, 53002, r, lambda p, n: pseudo6(SERVER_IP6, CLIENT_IP6, p, n)))), None


# -- pcapng ------------------------------------------------------------------

def option(code: int, value: bytes) -> bytes:
    pad = (-len(value)) % 4
    return struct.pack("<HH", code, len(value)) + value + b"\0" * pad


def block(block_type: int, body: bytes) -> bytes:
    length = 12 + len(body)
    return struct.pack("<II", block_type, length) + body + struct.pack("<I", length)


def section_header() -> bytes:
    opts = (option(1, b"wirepy sample capture: ARP, DHCP, DNS, ICMP, TCP/HTTP, IPv6")
            + option(2, b"synthetic") + option(3, b"Linux")
            + option(4, b"wirepy examples/make_sample.py") + option(0, b""))
    return block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + opts)


def interface_description() -> bytes:
    opts = (option(2, b"eth0") + option(3, b"sample Ethernet interface")
            + option(9, b"\x09") + option(0, b""))
    return block(1, struct.pack("<HHI", 1, 0, 262144) + opts)


def enhanced_packet(ts_ns: int, frame: bytes, comment) -> bytes:
    pad = (-len(frame)) % 4
    opts = (option(1, comment.encode()) + option(0, b"")) if comment else b""
    body = struct.pack("<IIIII", 0, ts_ns >> 32, ts_ns & 0xFFFFFFFF, len(frame), len(frame))
    return block(6, body + frame + b"\0" * pad + opts)


def main(argv):
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).with_name("sample.pcapng")
    data = section_header() + interface_description()
    count = 0
    for offset, frame, comment in packets():
        data += enhanced_packet(START_NS + offset, frame, comment)
        count += 1
    out.write_bytes(data)
    print(f"wrote {count} packets to {out}")


if __name__ == "__main__":
    main(sys.argv)
