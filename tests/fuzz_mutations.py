"""Mutations of capture files and frames for the fuzzing harness (tests/fuzzing.py).

Pure Python, no wirepy: each mutator takes a ``random.Random`` and the bytes
and returns the new bytes plus a short description of what it did (kept in
the reproducer). Everything is derived from the ``Random`` it is given, so a
case is the same bytes on every run.

Three families:

* generic byte-level: bit flips, overwritten runs, truncation, inserted,
  deleted and duplicated ranges (any format, text formats included);
* pcap-aware: the record headers are parsed and one of them is changed
  (inflated ``caplen``/``len``, zero lengths, bad time stamps), records are
  duplicated, removed or swapped, the link type or snap length changed, or
  the bytes of one record's packet are mutated (dissector fuzzing);
* pcapng-aware: the blocks are parsed and block total lengths inflated or
  made inconsistent, blocks duplicated, removed or swapped, interface ids,
  link types, captured lengths and options changed, synthetic blocks and
  options inserted with consistent lengths, packet data mutated.
"""

from __future__ import annotations

import random
import struct
from typing import Callable, List, Optional, Tuple

Mutator = Callable[[random.Random, bytes], Tuple[bytes, str]]

#: Values that break length and offset arithmetic.
INTERESTING32 = [0, 1, 2, 3, 4, 7, 8, 12, 16, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000,
                 0x3FFFF, 0x40000, 0x40001, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF0,
                 0xFFFFFFFC, 0xFFFFFFFF]
INTERESTING8 = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF]

#: pcap/pcapng link types (LINKTYPE_*) to swap in: real data under another
#: link type reaches other dissectors.
LINKTYPES = [0, 1, 6, 7, 8, 9, 10, 12, 50, 51, 100, 101, 104, 105, 106, 107, 113, 114,
             117, 118, 119, 122, 127, 138, 139, 140, 141, 143, 147, 148, 160, 161, 163, 165,
             166, 169, 177, 187, 189, 192, 195, 196, 197, 201, 202, 204, 209, 215, 220, 223,
             226, 227, 228, 229, 230, 235, 237, 239, 240, 241, 244, 246, 249, 250, 251, 252,
             253, 254, 255, 256, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 270,
             271, 272, 273, 274, 275, 276, 277, 278, 279, 280, 281, 282, 283, 284, 285, 286,
             287, 288, 289, 290, 291, 292]

PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",     # microseconds
    b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">",     # nanoseconds
}
PCAPNG_SHB = 0x0A0D0D0A
BYTE_ORDER_MAGIC = 0x1A2B3C4D


def _pick_pos(rng: random.Random, n: int) -> int:
    return rng.randrange(n) if n else 0


def _interesting_or_random32(rng: random.Random, around: Optional[int] = None) -> int:
    r = rng.random()
    if around is not None and r < 0.35:
        return max(0, min(0xFFFFFFFF, around + rng.choice([-4, -1, 1, 2, 4, 16, 64, 1000])))
    if r < 0.8:
        return rng.choice(INTERESTING32)
    return rng.getrandbits(32)


# -- generic ------------------------------------------------------------------
def bit_flips(rng: random.Random, data: bytes) -> Tuple[bytes, str]:
    if not data:
        return data, "bitflip(empty)"
    b = bytearray(data)
    n = rng.choice([1, 1, 2, 3, 4, 8, 16])
    where = []
    for _ in range(n):
        i = _pick_pos(rng, len(b))
        b[i] ^= 1 << rng.randrange(8)
        where.append(i)
    return bytes(b), f"bitflip x{n} at {where[:4]}"


def set_bytes(rng: random.Random, data: bytes) -> Tuple[bytes, str]:
    if not data:
        return data, "setbytes(empty)"
    b = bytearray(data)
    i = _pick_pos(rng, len(b))
    width = rng.choice([1, 2, 4])
    value = rng.choice(INTERESTING32) & ((1 << (8 * width)) - 1)
    chunk = value.to_bytes(width, rng.choice(["little", "big"]))
    b[i:i + width] = chunk
    return bytes(b[:max(len(data), i + width)]), f"set {chunk.hex()} at {i}"


def overwrite_run(rng: random.Random, data: bytes) -> Tuple[bytes, str]:
    if not data:
        return data, "overwrite(empty)"
    b = bytearray(data)
    i = _pick_pos(rng, len(b))
    n = rng.choice([2, 4, 8, 16, 64, 256])
    kind = rng.choice(["random", "zero", "ff", "text"])
    if kind == "random":
        run = bytes(rng.getrandbits(8) for _ in range(n))
    elif kind == "zero":
        run = bytes(n)
    elif kind == "ff":
        run = b"\xff" * n
    else:
        run = bytes(rng.choice(b"0123456789abcdef :.\n-") for _ in range(n))
    b[i:i + n] = run[:len(b) - i]
    return bytes(b), f"overwrite {min(n, len(data) - i)} {kind} bytes at {i}"


def truncate(rng: random.Random, data: bytes) -> Tuple[bytes, str]:
    if not data:
        return data, "truncate(empty)"
    r = rng.random()
    if r < 0.15:
        n = rng.randrange(min(len(data), 40) + 1)       # inside the file header
    elif r < 0.3:
        n = max(0, len(data) - rng.randint(1, 8))        # inside the last record
    else:
        n = rng.randrange(len(data))
    return data[:n], f"truncate to {n} of {len(data)}"


def insert_bytes(rng: random.Random, data: bytes) -> Tuple[bytes, str]:
    i = _pick_pos(rng, len(data) + 1)
    n = rng.choice([1, 2, 3, 4, 16, 100])
    run = bytes(rng.getrandbits(8) for _ in range(n))
    return data[:i] + run + data[i:], f"insert {n} random bytes at {i}"


def delete_range(rng: random.Random, data: bytes) -> Tuple[bytes, str]:
    if not data:
        return data, "delete(empty)"
    i = _pick_pos(rng, len(data))
    n = rng.choice([1, 2, 4, 8, 16, 64, 512])
    return data[:i] + data[i + n:], f"delete {min(n, len(data) - i)} bytes at {i}"


def duplicate_range(rng: random.Random, data: bytes) -> Tuple[bytes, str]:
    if not data:
        return data, "dup(empty)"
    i = _pick_pos(rng, len(data))
    n = rng.choice([4, 16, 64, 256, 1024])
    chunk = data[i:i + n]
    j = _pick_pos(rng, len(data) + 1)
    return data[:j] + chunk + data[j:], f"copy {len(chunk)} bytes from {i} to {j}"


GENERIC: List[Tuple[Mutator, int]] = [
    (bit_flips, 4), (set_bytes, 3), (overwrite_run, 3), (truncate, 2), (insert_bytes, 1),
    (delete_range, 1), (duplicate_range, 1),
]


# -- pcap -----------------------------------------------------------------------
def pcap_records(data: bytes) -> Optional[Tuple[str, List[Tuple[int, int]]]]:
    """(byte order, [(offset, end)] of each record header + data) of a standard
    pcap file, or None if *data* is not one; stops at the first record that
    does not fit."""
    order = PCAP_MAGICS.get(data[:4])
    if order is None or len(data) < 24:
        return None
    recs = []
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack_from(order + "I", data, off + 8)[0]
        end = off + 16 + caplen
        if end > len(data):
            break
        recs.append((off, end))
        off = end
    return order, recs


def _pcap_mutator(fn):
    def mutate(rng: random.Random, data: bytes) -> Tuple[bytes, str]:
        parsed = pcap_records(data)
        if parsed is None:
            return bit_flips(rng, data)
        return fn(rng, bytearray(data), *parsed)
    mutate.__name__ = fn.__name__
    return mutate


@_pcap_mutator
def pcap_caplen(rng, b, order, recs):
    if not recs:
        return _pcap_header(rng, b, order, recs)
    k = rng.randrange(len(recs))
    off = recs[k][0]
    caplen, length = struct.unpack_from(order + "II", b, off + 8)
    choice = rng.choice(["len+1", "around", "interesting", "rest+", "snaplen+1"])
    if choice == "len+1":
        new = length + 1
    elif choice == "rest+":
        new = len(b) - off - 16 + rng.choice([1, 4, 100])
    elif choice == "snaplen+1":
        new = struct.unpack_from(order + "I", b, 16)[0] + 1
    else:
        new = _interesting_or_random32(rng, caplen if choice == "around" else None)
    new &= 0xFFFFFFFF
    struct.pack_into(order + "I", b, off + 8, new)
    return bytes(b), f"pcap record {k}: caplen {caplen} -> {new}"


@_pcap_mutator
def pcap_len(rng, b, order, recs):
    if not recs:
        return _pcap_header(rng, b, order, recs)
    k = rng.randrange(len(recs))
    off = recs[k][0]
    caplen, length = struct.unpack_from(order + "II", b, off + 8)
    new = rng.choice([0, max(caplen - 1, 0), 0xFFFFFFFF, 0x7FFFFFFF, 0x40001,
                      _interesting_or_random32(rng, length)])
    struct.pack_into(order + "I", b, off + 12, new)
    return bytes(b), f"pcap record {k}: len {length} -> {new}"


@_pcap_mutator
def pcap_time(rng, b, order, recs):
    if not recs:
        return _pcap_header(rng, b, order, recs)
    k = rng.randrange(len(recs))
    off = recs[k][0]
    which = rng.randrange(2)
    new = rng.choice([0, 999999, 1000000, 999999999, 1000000000, 0x7FFFFFFF, 0x80000000,
                      0xFFFFFFFF])
    struct.pack_into(order + "I", b, off + 4 * which, new)
    return bytes(b), f"pcap record {k}: ts {'sec' if which == 0 else 'frac'} = {new:#x}"


def _pcap_header(rng, b, order, recs):
    what = rng.choice(["linktype", "linktype", "linktype", "snaplen", "version"])
    if what == "linktype":
        old = struct.unpack_from(order + "I", b, 20)[0]
        new = rng.choice(LINKTYPES) if rng.random() < 0.85 else rng.getrandbits(32)
        struct.pack_into(order + "I", b, 20, new)
        return bytes(b), f"pcap linktype {old} -> {new}"
    if what == "snaplen":
        new = rng.choice([0, 1, 14, 16, 64, 65535, 262144, 262145, 0x7FFFFFFF, 0xFFFFFFFF])
        struct.pack_into(order + "I", b, 16, new)
        return bytes(b), f"pcap snaplen -> {new}"
    major, minor = rng.choice([(2, 3), (2, 4), (1, 0), (2, 1), (3, 0), (0, 0)])
    struct.pack_into(order + "HH", b, 4, major, minor)
    return bytes(b), f"pcap version -> {major}.{minor}"


pcap_header = _pcap_mutator(_pcap_header)


@_pcap_mutator
def pcap_records_shuffle(rng, b, order, recs):
    if not recs:
        return _pcap_header(rng, b, order, recs)
    blobs = [bytes(b[s:e]) for s, e in recs]
    tail = bytes(b[recs[-1][1]:])
    op = rng.choice(["dup", "dup", "remove", "swap", "dup-many"])
    k = rng.randrange(len(blobs))
    if op == "dup":
        blobs.insert(rng.randrange(len(blobs) + 1), blobs[k])
        what = f"duplicate record {k}"
    elif op == "dup-many":
        n = rng.choice([5, 20, 100])
        blobs[k:k + 1] = [blobs[k]] * n
        what = f"record {k} x{n}"
    elif op == "remove":
        del blobs[k]
        what = f"remove record {k}"
    else:
        j = rng.randrange(len(blobs))
        blobs[k], blobs[j] = blobs[j], blobs[k]
        what = f"swap records {k} and {j}"
    return bytes(b[:24]) + b"".join(blobs) + tail, f"pcap: {what}"


@_pcap_mutator
def pcap_payload(rng, b, order, recs):
    if not recs:
        return _pcap_header(rng, b, order, recs)
    k = rng.randrange(len(recs))
    s, e = recs[k]
    payload = bytes(b[s + 16:e])
    new, what = mutate_frame(rng, payload, keep_length=True)
    b[s + 16:e] = new
    return bytes(b), f"pcap record {k} data: {what}"


PCAP: List[Tuple[Mutator, int]] = [
    (pcap_caplen, 3), (pcap_len, 2), (pcap_time, 1), (pcap_header, 2),
    (pcap_records_shuffle, 2), (pcap_payload, 5),
]


# -- pcapng -----------------------------------------------------------------------
class Block:
    __slots__ = ("offset", "end", "type", "order")

    def __init__(self, offset: int, end: int, btype: int, order: str) -> None:
        self.offset, self.end, self.type, self.order = offset, end, btype, order


def pcapng_blocks(data: bytes) -> Optional[List[Block]]:
    """The blocks of a pcapng file (stops at the first that does not parse),
    or None if *data* does not start with a section header block."""
    if len(data) < 28 or struct.unpack_from("<I", data, 0)[0] != PCAPNG_SHB:
        return None
    blocks: List[Block] = []
    off = 0
    order = "<"
    while off + 12 <= len(data):
        btype = struct.unpack_from("<I", data, off)[0]
        if btype == PCAPNG_SHB:
            magic = data[off + 8:off + 12]
            if magic == struct.pack("<I", BYTE_ORDER_MAGIC):
                order = "<"
            elif magic == struct.pack(">I", BYTE_ORDER_MAGIC):
                order = ">"
            else:
                break
        btype = struct.unpack_from(order + "I", data, off)[0]
        length = struct.unpack_from(order + "I", data, off + 4)[0]
        if length < 12 or length % 4 or off + length > len(data):
            break
        blocks.append(Block(off, off + length, btype, order))
        off += length
    return blocks


def _block(order: str, btype: int, body: bytes) -> bytes:
    body += bytes(-len(body) % 4)
    n = len(body) + 12
    return struct.pack(order + "II", btype, n) + body + struct.pack(order + "I", n)


def _option(order: str, code: int, value: bytes) -> bytes:
    return struct.pack(order + "HH", code, len(value)) + value + bytes(-len(value) % 4)


def _pcapng_mutator(fn):
    def mutate(rng: random.Random, data: bytes) -> Tuple[bytes, str]:
        blocks = pcapng_blocks(data)
        if not blocks:
            return bit_flips(rng, data)
        return fn(rng, bytearray(data), blocks)
    mutate.__name__ = fn.__name__
    mutate.__wrapped_fn__ = fn      # for the fallbacks between block mutators
    return mutate


def _of_type(blocks, *types):
    return [k for k, blk in enumerate(blocks) if blk.type in types]


@_pcapng_mutator
def pcapng_block_length(rng, b, blocks):
    k = rng.randrange(len(blocks))
    blk = blocks[k]
    o = blk.order
    old = blk.end - blk.offset
    new = rng.choice([old + 4, old + 8, old + 1, old - 4, 8, 12, 0, 0xFFFFFFFC, 0x7FFFFFFC,
                      16 * 1024 * 1024 + 4, len(b) - blk.offset + 4,
                      _interesting_or_random32(rng, old)]) & 0xFFFFFFFF
    where = rng.choice(["head", "tail", "both"])
    if where in ("head", "both"):
        struct.pack_into(o + "I", b, blk.offset + 4, new)
    if where in ("tail", "both"):
        struct.pack_into(o + "I", b, blk.end - 4, new)
    return bytes(b), f"pcapng block {k} (type {blk.type:#x}) length {old} -> {new} ({where})"


@_pcapng_mutator
def pcapng_blocks_shuffle(rng, b, blocks):
    blobs = [bytes(b[blk.offset:blk.end]) for blk in blocks]
    tail = bytes(b[blocks[-1].end:])
    op = rng.choice(["dup", "dup", "remove", "remove-idb", "swap", "dup-many", "dup-shb"])
    k = rng.randrange(len(blobs))
    if op == "remove-idb" and _of_type(blocks, 1):
        k = rng.choice(_of_type(blocks, 1))
        op = "remove"
    if op == "dup-shb":
        k = 0
        op = "dup"
    if op == "dup":
        blobs.insert(rng.randrange(1, len(blobs) + 1), blobs[k])
        what = f"duplicate block {k}"
    elif op == "dup-many":
        n = rng.choice([5, 20, 100])
        blobs[k:k + 1] = [blobs[k]] * n
        what = f"block {k} x{n}"
    elif op in ("remove", "remove-idb"):
        del blobs[k]
        what = f"remove block {k}"
    else:
        j = rng.randrange(len(blobs))
        blobs[k], blobs[j] = blobs[j], blobs[k]
        what = f"swap blocks {k} and {j}"
    return b"".join(blobs) + tail, f"pcapng: {what} (type {blocks[k].type:#x})"


@_pcapng_mutator
def pcapng_epb(rng, b, blocks):
    epbs = _of_type(blocks, 6)
    if not epbs:
        return pcapng_block_length.__wrapped_fn__(rng, b, blocks)
    k = rng.choice(epbs)
    blk = blocks[k]
    o = blk.order
    field = rng.choice(["interface", "caplen", "caplen", "len", "ts"])
    off = {"interface": 8, "caplen": 20, "len": 24, "ts": 12}[field]
    old = struct.unpack_from(o + "I", b, blk.offset + off)[0]
    if field == "interface":
        new = rng.choice([1, 2, 7, 0xFFFF, 0xFFFFFFFF, old + 1])
    elif field == "caplen":
        body = blk.end - blk.offset - 32
        new = rng.choice([body + 1, body + 4, body + 100, 0, 0xFFFFFFFF, 0x40001,
                          _interesting_or_random32(rng, old)])
    elif field == "len":
        new = rng.choice([0, max(old - 1, 0), 0xFFFFFFFF, _interesting_or_random32(rng, old)])
    else:
        new = rng.getrandbits(32)
    new &= 0xFFFFFFFF
    struct.pack_into(o + "I", b, blk.offset + off, new)
    return bytes(b), f"pcapng EPB block {k}: {field} {old} -> {new}"


@_pcapng_mutator
def pcapng_idb(rng, b, blocks):
    idbs = _of_type(blocks, 1)
    if not idbs:
        return pcapng_block_length.__wrapped_fn__(rng, b, blocks)
    k = rng.choice(idbs)
    blk = blocks[k]
    o = blk.order
    what = rng.choice(["linktype", "linktype", "snaplen", "option"])
    if what == "linktype":
        old = struct.unpack_from(o + "H", b, blk.offset + 8)[0]
        new = rng.choice(LINKTYPES) if rng.random() < 0.85 else rng.getrandbits(16)
        struct.pack_into(o + "H", b, blk.offset + 8, new)
        return bytes(b), f"pcapng IDB block {k}: linktype {old} -> {new}"
    if what == "snaplen":
        new = rng.choice([0, 1, 14, 0xFFFFFFFF, 0x40001])
        struct.pack_into(o + "I", b, blk.offset + 12, new)
        return bytes(b), f"pcapng IDB block {k}: snaplen -> {new}"
    # a new option with consistent lengths: if_tsresol, if_fcslen, if_tsoffset,
    # if_filter, if_name...
    code, value = rng.choice([
        (9, bytes([rng.choice([0, 1, 6, 9, 19, 20, 63, 64, 0x7F, 0x80, 0x8A, 0xBF, 0xFF])])),
        (13, bytes([rng.choice([0, 4, 0x7F, 0xFF])])),
        (14, struct.pack(o + "q", rng.choice([-(1 << 62), -1, 1 << 62]))),
        (11, bytes([rng.randrange(3)]) + bytes(rng.getrandbits(8)
                                               for _ in range(rng.randrange(8)))),
        (2, bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 40)))),
        (1, b"\xff\xfe comment \xc3"),
        (8, struct.pack(o + "Q", rng.getrandbits(64))),
        (rng.getrandbits(16), bytes(rng.getrandbits(8) for _ in range(rng.randrange(12)))),
    ])
    return _with_option(b, blocks, k, 16, code, value, rng)


def _with_option(b, blocks, k, fixed, code, value, rng):
    """Block *k* with option (*code*, *value*) added before its options
    (the block's first *fixed* body bytes are its fixed part), lengths fixed up."""
    blk = blocks[k]
    o = blk.order
    body = bytes(b[blk.offset + 8:blk.end - 4])
    fixed = min(fixed, len(body))
    opt = _option(o, code, value)
    if rng.random() < 0.25:
        # an option whose length runs past the block
        opt = struct.pack(o + "HH", code, rng.choice([0xFFFF, len(body) + 64, 3])) + value
        opt += bytes(-len(opt) % 4)
    new = _block(o, blk.type, body[:fixed] + opt + body[fixed:])
    return (bytes(b[:blk.offset]) + new + bytes(b[blk.end:]),
            f"block {k} (type {blk.type:#x}): option {code} = {value[:16].hex()}")


@_pcapng_mutator
def pcapng_option(rng, b, blocks):
    """An option added to an SHB, IDB or EPB, or an existing option's length
    changed."""
    k = rng.randrange(len(blocks))
    blk = blocks[k]
    fixed = {PCAPNG_SHB: 16, 1: 8, 5: 12}.get(blk.type)
    if blk.type == 6:
        o = blk.order
        caplen = struct.unpack_from(o + "I", b, blk.offset + 20)[0]
        fixed = 20 + caplen + (-caplen % 4)
    if fixed is None:
        return pcapng_block_length.__wrapped_fn__(rng, b, blocks)
    code = rng.choice([0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 2988, 2989, 19372, 19373,
                       rng.getrandbits(16)])
    n = rng.choice([0, 1, 2, 3, 4, 8, 16, 33])
    value = bytes(rng.getrandbits(8) for _ in range(n))
    if code in (2988, 19372) and n >= 4:
        value = struct.pack("<I", 32473) + value[4:]     # a PEN, as custom options have
    return _with_option(b, blocks, k, fixed, code, value, rng)


@_pcapng_mutator
def pcapng_insert_block(rng, b, blocks):
    """A block of another type inserted, with consistent lengths and a random
    or half-valid body."""
    o = blocks[0].order
    btype = rng.choice([2, 3, 3, 4, 4, 5, 5, 6, 9, 0xA, 0xA, 0xBAD, 0x40000BAD, 0x80000001,
                        rng.getrandbits(32)])
    n = rng.choice([0, 4, 8, 12, 20, 28, 64])
    body = bytearray(rng.getrandbits(8) for _ in range(n))
    if btype == 4 and rng.random() < 0.6:      # NRB records: type, length, value
        body = bytearray()
        for _ in range(rng.randint(1, 4)):
            rtype = rng.choice([0, 1, 2, 3, 0xFFFF])
            value = bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 3, 4, 5, 16, 20])))
            body += struct.pack(o + "HH", rtype, rng.choice([len(value), len(value),
                                                             0xFFFF, len(value) + 9]))
            body += value + bytes(-len(value) % 4)
    elif btype == 0xA and n >= 8:               # DSB: type, length
        struct.pack_into(o + "II", body, 0, rng.choice([0x544C534B, 0x57474B4C, 0x5353484B,
                                                         rng.getrandbits(32)]),
                         rng.choice([n - 8, n, 0xFFFFFFFF]))
    elif btype in (5, 6) and n >= 4:           # ISB / EPB: interface id 0
        struct.pack_into(o + "I", body, 0, rng.choice([0, 0, 1, 0xFFFFFFFF]))
    elif btype == 3 and n >= 4:                # SPB: original length
        struct.pack_into(o + "I", body, 0, rng.choice([0, n, 0xFFFFFFFF]))
    blob = _block(o, btype, bytes(body))
    k = rng.randrange(1, len(blocks) + 1)
    at = blocks[k].offset if k < len(blocks) else blocks[-1].end
    return bytes(b[:at]) + blob + bytes(b[at:]), f"pcapng: insert block type {btype:#x} " \
                                                  f"({len(blob)} bytes) at block {k}"


@_pcapng_mutator
def pcapng_shb(rng, b, blocks):
    shbs = _of_type(blocks, PCAPNG_SHB)
    k = rng.choice(shbs)
    blk = blocks[k]
    o = blk.order
    what = rng.choice(["version", "section_length", "magic"])
    if what == "version":
        major, minor = rng.choice([(1, 2), (1, 0), (2, 0), (0, 0), (1, 0xFFFF)])
        struct.pack_into(o + "HH", b, blk.offset + 12, major, minor)
        return bytes(b), f"pcapng SHB block {k}: version {major}.{minor}"
    if what == "section_length":
        new = rng.choice([0, 8, 16, len(b), (1 << 63) - 1])
        struct.pack_into(o + "q", b, blk.offset + 16, new)
        return bytes(b), f"pcapng SHB block {k}: section length {new}"
    struct.pack_into("<I", b, blk.offset + 8, rng.getrandbits(32))
    return bytes(b), f"pcapng SHB block {k}: byte-order magic garbled"


@_pcapng_mutator
def pcapng_payload(rng, b, blocks):
    epbs = _of_type(blocks, 6)
    if not epbs:
        return pcapng_block_length.__wrapped_fn__(rng, b, blocks)
    k = rng.choice(epbs)
    blk = blocks[k]
    caplen = struct.unpack_from(blk.order + "I", b, blk.offset + 20)[0]
    s = blk.offset + 28
    e = min(s + caplen, blk.end - 4)
    new, what = mutate_frame(rng, bytes(b[s:e]), keep_length=True)
    b[s:e] = new
    return bytes(b), f"pcapng EPB block {k} data: {what}"


PCAPNG: List[Tuple[Mutator, int]] = [
    (pcapng_block_length, 3), (pcapng_blocks_shuffle, 2), (pcapng_epb, 3), (pcapng_idb, 2),
    (pcapng_option, 3), (pcapng_insert_block, 2), (pcapng_shb, 1), (pcapng_payload, 5),
]


# -- frames -------------------------------------------------------------------
def mutate_frame(rng: random.Random, frame: bytes, keep_length: bool = False
                 ) -> Tuple[bytes, str]:
    """One mutation of a frame's bytes (lengths kept with *keep_length*: the
    bytes of a record inside a file)."""
    if not frame:
        return frame, "empty"
    ops = ["flip", "flip", "set", "overwrite", "overwrite"]
    if not keep_length:
        ops += ["truncate", "extend", "insert", "delete"]
    op = rng.choice(ops)
    b = bytearray(frame)
    if op == "flip":
        n = rng.choice([1, 2, 4, 8])
        for _ in range(n):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        return bytes(b), f"flip {n} bits"
    if op == "set":
        i = rng.randrange(len(b))
        width = min(rng.choice([1, 2, 4]), len(b) - i)
        value = rng.choice(INTERESTING32) & ((1 << (8 * width)) - 1)
        b[i:i + width] = value.to_bytes(width, rng.choice(["big", "little"]))
        return bytes(b), f"set {width} bytes at {i} to {value:#x}"
    if op == "overwrite":
        i = rng.randrange(len(b))
        n = min(rng.choice([2, 4, 8, 32]), len(b) - i)
        b[i:i + n] = bytes(rng.getrandbits(8) for _ in range(n))
        return bytes(b), f"overwrite {n} bytes at {i}"
    if op == "truncate":
        n = rng.randrange(len(b))
        return bytes(b[:n]), f"truncate to {n}"
    if op == "extend":
        n = rng.choice([1, 4, 64, 1000])
        return bytes(b) + bytes(rng.getrandbits(8) for _ in range(n)), f"extend by {n}"
    if op == "insert":
        i = rng.randrange(len(b) + 1)
        n = rng.choice([1, 2, 4, 8])
        return bytes(b[:i]) + bytes(rng.getrandbits(8) for _ in range(n)) + bytes(b[i:]), \
            f"insert {n} at {i}"
    i = rng.randrange(len(b))
    n = rng.choice([1, 2, 4, 8])
    return bytes(b[:i]) + bytes(b[i + n:]), f"delete {n} at {i}"


def random_frame(rng: random.Random) -> bytes:
    n = rng.choice([0, 1, 2, 4, 8, 14, 20, 24, 40, 60, 64, 100, 200, 576, 1500,
                    rng.randrange(2000)])
    return bytes(rng.getrandbits(8) for _ in range(n))


# -- choosing ---------------------------------------------------------------------
def weighted(rng: random.Random, table: List[Tuple[Mutator, int]]) -> Mutator:
    fns = [fn for fn, _ in table]
    weights = [w for _, w in table]
    return rng.choices(fns, weights)[0]


def mutators_for(kind: str) -> List[Tuple[Mutator, int]]:
    """The mutators for a seed of *kind* (``pcap``, ``pcapng`` or other)."""
    if kind == "pcap":
        return PCAP + [(m, 1) for m, _ in GENERIC]
    if kind == "pcapng":
        return PCAPNG + [(m, 1) for m, _ in GENERIC]
    return GENERIC


def mutate_file(rng: random.Random, data: bytes, kind: str) -> Tuple[bytes, List[str]]:
    """1-4 mutations of a capture file's bytes: the new bytes and what was done."""
    table = mutators_for(kind)
    n = 1
    while n < 4 and rng.random() < 0.4:
        n += 1
    done = []
    for _ in range(n):
        fn = weighted(rng, table)
        data, what = fn(rng, data)
        done.append(f"{fn.__name__}: {what}")
    return data, done
