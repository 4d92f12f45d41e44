"""Fuzzing wirepy with mutated real captures and random frames (issue #12,
"Never crash on a real capture").

What runs
    A *case* is derived from ``(seed, case number)`` alone, so it is the same
    bytes on every run and every machine with the same seed corpus:

    * a **file case**: one seed capture (Wireshark's test captures, wirepy's
      sample and test fixtures, and copies of some in snoop, erf, netmon,
      k12text... made by ``editcap``), mutated 1-4 times by
      :mod:`fuzz_mutations` (bit flips, overwritten runs, truncation, inflated
      pcap record and pcapng block lengths, duplicated/removed records,
      changed link types, options, packet bytes), sometimes compressed
      afterwards (gzip, zstd, lz4; sometimes the compressed stream is
      damaged too). It is read in every mode: ``wtap`` (every record, then
      every record again by random access), ``tree`` (full trees, every
      node's label/show/value/field_text touched), ``fields``, ``filter``,
      ``two-pass``, and on every third case one of the CLI commands
      (``cli-read`` = ``wirepy read -V``, ``cli-json``, ``cli-fields``; run
      in the worker process through ``wirepy.cli.main.main``);
    * a **frames case**: 4-24 frames for one encapsulation (ether, raw IP,
      802.11 with and without radiotap, Linux SLL/SLL2, null/loopback,
      PPP...), random bytes or real frames of the seeds, mutated, dissected
      in one :class:`wirepy.Dissector` with full trees (``frames-tree``)
      and with fields and a display filter (``frames-fields``).

The oracle
    No signal death, no hang (``--timeout`` seconds per mode), and no
    exception out of the reading but wirepy's own (a class of a ``wirepy``
    module: :class:`wirepy.errors.WirepyError`, wiretap's ``FileError``...),
    whose message must name the file (else an "unnamed" finding). Reading an
    attribute of a packet, tree node or record header may raise wirepy's own
    exception about that value (``TimestampRangeError``): counted, and the
    loop goes on. The CLI must not let any exception out of ``main()`` and
    must name the file when it fails; a Dissector must not raise at all.

How it runs
    Worker processes (``fuzzing.py worker``) run chunks of cases and report
    the start and end of each (case, mode) over a pipe; a worker recycles
    itself when its memory grows (libwireshark keeps ~10 MB per epan
    session). When a worker dies or hangs, the harness knows the (case,
    mode), reruns it alone in a fresh worker to confirm, and saves a
    reproducer -- the mutated input, ``case.json`` and ``repro.sh`` with the
    command (also for gdb) -- under ``--failures`` (default
    ``$WIREPY_CACHE/fuzz-failures``). The harness itself never loads
    libwireshark.

Usage (from the repository root)::

    .venv/bin/python tests/fuzzing.py run --cases 3000 --seed 1     # make fuzz
    .venv/bin/python tests/fuzzing.py exec tree FILE                # one mode, in-process
    .venv/bin/python tests/fuzzing.py make-case --seed 1 --case 17 --out DIR
    .venv/bin/python tests/fuzzing.py prepare                       # build the seed corpus
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import io
import json
import os
import random
import selectors
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import fuzz_mutations as mut  # noqa: E402
from fetch_wireshark_captures import cache_root, captures_dir  # noqa: E402

#: Bump when the corpus recipe changes (a new corpus folder is made).
CORPUS_VERSION = 1
#: Seed files are cut to this many records, and kept only under this size.
SEED_RECORDS = 40
SEED_MAX_BYTES = 64 * 1024

FILE_MODES = ("wtap", "tree", "fields", "filter", "two-pass")
CLI_MODES = ("cli-read", "cli-json", "cli-fields")
FRAME_MODES = ("frames-tree", "frames-fields")
#: Modes that only exist to test the harness itself.
SELFTEST_MODES = ("selftest-segv", "selftest-abort", "selftest-hang", "selftest-raise",
                  "selftest-unnamed")

FIELDS = ["frame.number", "frame.time", "frame.time_epoch", "frame.time_delta",
          "frame.time_relative", "frame.len", "frame.protocols", "eth.src",
          "ip.src", "ip.dst", "ipv6.src", "tcp.srcport", "tcp.flags", "tcp.payload",
          "udp.dstport", "dns.qry.name", "dns.a", "http.request.uri", "tls.handshake.type",
          "wlan.sa", "radiotap.dbm_antsignal", "sll.pkttype", "_ws.col.Info",
          "_ws.col.Protocol"]
FILTERS = ["tcp || udp || dns", "tcp || udp || dns", "frame.len > 100 && !ip",
           'dns.qry.name contains "a" || http.request || tls.handshake',
           "tcp.analysis.flags || _ws.malformed || _ws.expert",
           "wlan || sll || ipv6 || eth.type == 0x0806"]
CLI_FIELDS = ["frame.number", "ip.src", "tcp.srcport", "dns.qry.name", "_ws.col.Info",
              "wlan.sa"]

#: (encapsulation name, where its frames come from): "ether" etc. take real
#: frames of that link type from the seeds; the others are made from them.
FRAME_ENCAPS = ["ether", "ether", "rawip", "rawip4", "rawip6", "ieee-802-11",
                "ieee-802-11-radiotap", "ieee-802-11-radiotap", "ieee-802-11-prism",
                "linux-sll", "linux-sll2", "null", "loop", "ppp", "usb-linux",
                "bluetooth-h4", "frelay", "fddi-swapped", "tr"]
#: Other formats made from a few seeds (editcap -F; erf through wirepy's
#: writer, as editcap 4.0 cannot write ERF).
OTHER_FORMATS = ["snoop", "erf", "5views", "commview-ncf", "k12text", "lanalyzer",
                 "modpcap", "netmon1", "netmon2", "nettl", "ngsniffer", "ngwsniffer_1_1",
                 "ngwsniffer_2_0", "nokiapcap", "nsecpcap", "rh6_1pcap", "suse6_3pcap",
                 "visual"]
OTHER_FORMAT_SEEDS = ["dhcp.pcap", "dns+icmp.pcapng.gz", "http.pcap", "tls12-aes128ccm.pcap",
                      "ikev1-certs.pcap", "sample_control4_2012-03-24.pcap",
                      "wpa-test-decode-mgmt.pcap.gz", "dmgr.pcapng", "http-ooo.pcap",
                      "protobuf_tcp_addressbook.pcapng.gz", "sip.pcapng",
                      "snakeoil-dtls.pcap"]


def failures_root() -> Path:
    return Path(os.environ.get("WIREPY_FUZZ_FAILURES") or cache_root() / "fuzz-failures")


def wireshark_version() -> str:
    return captures_dir().parent.name.split("-", 1)[-1]


def corpus_dir() -> Path:
    return cache_root() / f"fuzz-corpus-{wireshark_version()}-v{CORPUS_VERSION}"


# =============================================================================
# The seed corpus (built by a child process: it needs libwiretap)
# =============================================================================
def _file_kind(data: bytes) -> str:
    if data[:4] in mut.PCAP_MAGICS:
        return "pcap"
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        return "pcapng"
    return "other"


def _editcap(args: Sequence[str]) -> bool:
    return subprocess.run(["editcap", *args], capture_output=True, timeout=120).returncode == 0


def prepare_corpus(dest: Path) -> Dict[str, Any]:
    """Build the seed corpus in *dest* (runs with wirepy loaded)."""
    from wirepy.lib import wtap

    def survey(path: Path) -> Optional[Dict[str, Any]]:
        try:
            with wtap.WTAP.open_offline(path) as f:
                encaps: List[str] = []
                frames = []
                for hdr, data in f:
                    e = hdr.pkt_encap.name
                    if e not in encaps:
                        encaps.append(e)
                    frames.append((e, data))
                return {"format": f.file_type.name, "records": len(frames),
                        "encaps": encaps, "compressed": f.is_compressed, "frames": frames}
        except Exception:
            return None

    seeds_dir = dest / "seeds"
    seeds_dir.mkdir(parents=True)
    seeds: List[Dict[str, Any]] = []
    frames: Dict[str, List[bytes]] = {}

    def add(path: Path, origin: str, info: Dict[str, Any]) -> None:
        data = path.read_bytes()
        seeds.append({"file": str(path.relative_to(dest)), "origin": origin,
                      "kind": _file_kind(data), "format": info["format"],
                      "records": info["records"], "encaps": info["encaps"],
                      "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        for encap, frame in info["frames"]:
            pool = frames.setdefault(encap, [])
            if len(pool) < 400 and len(frame) <= 2000:
                pool.append(frame)

    def reduce(src: Path, name: str, origin: str) -> Optional[Path]:
        """A small uncompressed copy of *src* in its own format, or None."""
        info = survey(src)
        if info is None or info["format"] not in ("pcap", "nsecpcap", "pcapng"):
            return None
        out = seeds_dir / name
        for n in (SEED_RECORDS, 10, 3):
            if (not info["compressed"] and info["records"] <= n
                    and src.stat().st_size <= SEED_MAX_BYTES):
                shutil.copyfile(src, out)
            elif not _editcap(["-F", info["format"], "-r", str(src), str(out), f"1-{n}"]):
                return None
            if out.stat().st_size <= SEED_MAX_BYTES:
                break
        else:
            out.unlink()
            return None
        info = survey(out)
        if info is None:
            out.unlink()
            return None
        add(out, origin, info)
        return out

    # 1. Wireshark's test captures
    base: Dict[str, Path] = {}
    for src in sorted(captures_dir().iterdir()):
        name = src.name[:-3] if src.name.endswith(".gz") else src.name
        out = reduce(src, "ws-" + name, f"wireshark test capture {src.name}")
        if out is not None:
            base[src.name] = out

    # 2. wirepy's own sample and the test suite's writers
    reduce(ROOT / "examples" / "sample.pcapng", "wirepy-sample.pcapng", "examples/sample.pcapng")
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        try:
            import epan_fixtures
            import pcap_fixtures
            import wtap_fixtures
            epan_fixtures.write_pcap(t / "mix.pcap", epan_fixtures.packets())
            _editcap(["-F", "pcapng", str(t / "mix.pcap"), str(t / "mix.pcapng")])
            pkts = wtap_fixtures.make_packets(30)
            wtap_fixtures.write_pcapng(t / "comments.pcapng", pkts,
                                       comments={0: "first", 3: "\u00e9t\u00e9"})
            wtap_fixtures.write_pcap(t / "nsec.pcap", pkts, nsec=True)
            recs = pcap_fixtures.sample_records(20)
            pcap_fixtures.write_pcap(t / "be.pcap", recs, nano=True, big_endian=True)
            pcap_fixtures.write_pcapng(t / "tsresol.pcapng", recs, tsresol=9)
        except Exception as exc:           # fixtures changed: the corpus goes on without
            print(f"fuzz corpus: test fixtures skipped ({exc!r})", file=sys.stderr)
        for p in sorted(t.iterdir()):
            reduce(p, "fixture-" + p.name, f"tests' writers: {p.name}")

    # 3. other formats, from a few seeds
    for name in OTHER_FORMAT_SEEDS:
        src = base.get(name)
        if src is None:
            continue
        n_src = survey(src)["records"]
        for fmt in OTHER_FORMATS:
            out = seeds_dir / f"{src.name}.{fmt}"
            ok = _editcap(["-F", fmt, str(src), str(out)])
            if not ok:
                out.unlink(missing_ok=True)
                try:
                    wtap.convert(src, out, fmt)
                    ok = True
                except Exception:
                    out.unlink(missing_ok=True)
            info = survey(out) if ok else None
            if info is None or info["records"] < n_src:     # (erf adds a metadata record)
                out.unlink(missing_ok=True)
                continue
            add(out, f"{src.name} written as {fmt}", info)

    frames_dir = dest / "frames"
    frames_dir.mkdir()
    for encap, pool in sorted(frames.items()):
        with open(frames_dir / f"{encap}.bin", "wb") as fh:
            for frame in pool:
                fh.write(struct.pack(">I", len(frame)) + frame)
    manifest = {"version": CORPUS_VERSION, "wireshark": wireshark_version(), "seeds": seeds,
                "frames": sorted(frames)}
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def ensure_corpus(python: str = sys.executable) -> Path:
    """The seed corpus folder, built first if missing (in a child process)."""
    dest = corpus_dir()
    if (dest / "manifest.json").exists():
        return dest
    if not captures_dir().is_dir():
        subprocess.run([python, str(HERE / "fetch_wireshark_captures.py")], check=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=dest.name + ".", dir=dest.parent))
    try:
        subprocess.run([python, str(Path(__file__)), "prepare", "--into", str(tmp)],
                       check=True, timeout=1800)
        try:
            tmp.rename(dest)
        except OSError:
            if not (dest / "manifest.json").exists():     # not a concurrent builder
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


class Corpus:
    """The seed corpus as the case generator sees it (pure Python)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.manifest = json.loads((path / "manifest.json").read_text())
        self.seeds = self.manifest["seeds"]
        self.by_group: Dict[str, List[Dict[str, Any]]] = {"pcap": [], "pcapng": [],
                                                           "other": []}
        for s in self.seeds:
            group = s["kind"] if s["format"] in ("pcap", "nsecpcap", "pcapng") else "other"
            self.by_group[group].append(s)
        self._data: Dict[str, bytes] = {}
        self._frames: Dict[str, List[bytes]] = {}

    def data(self, seed: Dict[str, Any]) -> bytes:
        blob = self._data.get(seed["file"])
        if blob is None:
            blob = self._data[seed["file"]] = (self.path / seed["file"]).read_bytes()
        return blob

    def frames(self, encap: str) -> List[bytes]:
        pool = self._frames.get(encap)
        if pool is None:
            pool = []
            p = self.path / "frames" / f"{encap}.bin"
            if p.exists():
                blob = p.read_bytes()
                off = 0
                while off < len(blob):
                    n = struct.unpack_from(">I", blob, off)[0]
                    pool.append(blob[off + 4:off + 4 + n])
                    off += 4 + n
            self._frames[encap] = pool
        return pool


# =============================================================================
# Cases
# =============================================================================
@dataclasses.dataclass
class Case:
    seed: int
    number: int
    kind: str                         # "file" or "frames"
    modes: List[str]
    how: List[str]                    # what was done, for the reproducer
    base: str = ""                    # the seed file (file cases)
    suffix: str = ""                  # file name suffix (file cases)
    data: bytes = b""                 # the file (file cases)
    encap: str = ""                   # frames cases
    frames: List[bytes] = dataclasses.field(default_factory=list)

    @property
    def id(self) -> str:
        return case_id(self.seed, self.number)

    def input_bytes(self) -> bytes:
        if self.kind == "file":
            return self.data
        return b"".join(struct.pack(">I", len(f)) + f for f in self.frames)

    @property
    def file_name(self) -> str:
        if self.kind == "file":
            return f"{self.id}{self.suffix}"
        return f"{self.id}.{self.encap}.frames"

    def sha256(self) -> str:
        return hashlib.sha256(self.input_bytes()).hexdigest()


def case_id(seed: int, number: int) -> str:
    return f"s{seed}-c{number}"


def case_rng(seed: int, number: int) -> random.Random:
    # str seeds are hashed with SHA-512: the same on every run and platform
    return random.Random(f"wirepy-fuzz/{seed}/{number}")


def cli_mode(number: int) -> Optional[str]:
    """The CLI command a case runs (every third case, in turn)."""
    if number % 3:
        return None
    return CLI_MODES[(number // 3) % len(CLI_MODES)]


def _compress(rng: random.Random, data: bytes, kind: str) -> Tuple[bytes, str, str]:
    r = rng.random()
    share = 0.35 if kind == "pcapng" else 0.1
    if r >= share:
        return data, "", ""
    what = rng.choices(["gzip", "zstd", "lz4"], [6, 2, 2])[0]
    if what != "gzip" and shutil.which(what) is None:
        what = "gzip"
    if what == "gzip":
        out, suffix = gzip.compress(data, compresslevel=6, mtime=0), ".gz"
    elif what == "zstd":
        out = subprocess.run(["zstd", "-q", "-c", "-3"], input=data, capture_output=True,
                             check=True).stdout
        suffix = ".zst"
    else:
        out = subprocess.run(["lz4", "-q", "-c", "-1"], input=data, capture_output=True,
                             check=True).stdout
        suffix = ".lz4"
    how = f"compressed with {what}"
    if rng.random() < 0.25 and len(out) > 20:
        # damage the compressed stream itself (decompression error paths)
        fn = rng.choice([mut.truncate, mut.bit_flips, mut.overwrite_run])
        out, more = fn(rng, out)
        how += f", then {fn.__name__}: {more}"
    return out, suffix, how


def _frames_for(corpus: Corpus, rng: random.Random, encap: str) -> List[bytes]:
    """Real frames of the seeds for *encap*, or made from them."""
    if encap in ("ether", "linux-sll", "null", "ieee-802-11-radiotap", "frelay",
                 "fddi-swapped", "tr"):
        return corpus.frames(encap)
    ether = corpus.frames("ether")
    ip = [f[14:] for f in ether if len(f) > 34 and f[12:14] in (b"\x08\x00", b"\x86\xdd")]
    ip += corpus.frames("rawip") + corpus.frames("rawip4")
    if encap == "rawip":
        return ip
    if encap == "rawip4":
        return [p for p in ip if p[:1] and p[0] >> 4 == 4]
    if encap == "rawip6":
        return [p for p in ip if p[:1] and p[0] >> 4 == 6]
    if encap == "ieee-802-11":
        out = []
        for f in corpus.frames("ieee-802-11-radiotap"):
            if len(f) >= 4:
                n = struct.unpack_from("<H", f, 2)[0]
                if 8 <= n < len(f):
                    out.append(f[n:])
        return out

    def af(p: bytes) -> int:
        return 2 if p[0] >> 4 == 4 else 10

    ip = [p for p in ip if p]
    if encap == "null":
        return [struct.pack("<I", af(p)) + p for p in ip]
    if encap == "loop":
        return [struct.pack(">I", af(p)) + p for p in ip]
    if encap == "linux-sll":
        return [struct.pack(">HHH8sH", 0, 1, 6, bytes(8), 0x0800 if af(p) == 2 else 0x86DD) + p
                for p in ip]
    if encap == "linux-sll2":
        return [struct.pack(">HHIHBB8s", 0x0800 if af(p) == 2 else 0x86DD, 0, 1, 1, 0, 6,
                            bytes(8)) + p for p in ip]
    if encap == "ppp":
        return [b"\xff\x03" + (b"\x00\x21" if af(p) == 2 else b"\x00\x57") + p for p in ip]
    return []


def make_case(corpus: Corpus, seed: int, number: int) -> Case:
    """Case *number* of *seed*: the same bytes every time."""
    rng = case_rng(seed, number)
    if rng.random() < 0.2:
        encap = rng.choice(FRAME_ENCAPS)
        pool = _frames_for(corpus, rng, encap)
        frames, how = [], []
        for i in range(rng.randint(4, 24)):
            if pool and rng.random() < 0.75:
                k = rng.randrange(len(pool))
                frame = pool[k]
                desc = f"frame {i}: seed frame {k}"
                for _ in range(rng.choice([0, 1, 1, 2, 3])):
                    frame, what = mut.mutate_frame(rng, frame)
                    desc += f", {what}"
            elif pool and rng.random() < 0.5:
                k = rng.randrange(len(pool))
                cut = rng.randrange(len(pool[k]) + 1)
                frame = pool[k][:cut] + mut.random_frame(rng)
                desc = f"frame {i}: {cut} bytes of seed frame {k} + random tail"
            else:
                frame = mut.random_frame(rng)
                desc = f"frame {i}: {len(frame)} random bytes"
            frames.append(frame)
            how.append(desc)
        return Case(seed, number, "frames", list(FRAME_MODES), how, encap=encap, frames=frames)

    group = rng.choices(["pcap", "pcapng", "other"], [40, 35, 25])[0]
    choices = corpus.by_group[group] or corpus.seeds
    base = rng.choice(choices)
    data, how = mut.mutate_file(rng, corpus.data(base), base["kind"])
    ext = os.path.splitext(base["file"])[1] if base["kind"] == "other" else f".{base['kind']}"
    data, csuffix, chow = _compress(rng, data, base["kind"])
    if chow:
        how.append(chow)
    modes = list(FILE_MODES)
    cli = cli_mode(number)
    if cli:
        modes.append(cli)
    return Case(seed, number, "file", modes, how, base=base["file"], suffix=ext + csuffix,
                data=data)


def selftest_case(number: int, mode: str) -> Case:
    return Case(0, number, "file", [mode], [f"harness self-test ({mode})"],
                base="(none)", suffix=".pcap", data=b"\xd4\xc3\xb2\xa1")


def write_input(case: Case, directory: Path) -> Path:
    path = directory / case.file_name
    path.write_bytes(case.input_bytes())
    return path


def read_frames(path: Path) -> List[bytes]:
    blob = path.read_bytes()
    frames, off = [], 0
    while off + 4 <= len(blob):
        n = struct.unpack_from(">I", blob, off)[0]
        frames.append(blob[off + 4:off + 4 + n])
        off += 4 + n
    return frames


# =============================================================================
# The modes (worker side: these load wirepy)
# =============================================================================
# Every attribute is read as a user's loop would, and the value kept. Reading
# one may raise one of wirepy's own exceptions about that value (a time stamp
# past the year 9999 has no datetime: TimestampRangeError): that is counted,
# and the loop goes on with the next attribute. Any other exception is a
# finding. An exception out of the reading itself (open, iteration) must be
# wirepy's and name the file.
_VALUE_ERRORS: Dict[str, int] = {}


def _own(exc: BaseException) -> bool:
    """Whether *exc* is one of wirepy's own exception classes."""
    return type(exc).__module__.split(".")[0] == "wirepy"


def _value_error(exc: Exception) -> None:
    if not _own(exc):
        raise exc
    name = type(exc).__name__
    _VALUE_ERRORS[name] = _VALUE_ERRORS.get(name, 0) + 1


def _get(seen: list, obj: Any, names: Sequence[str]) -> None:
    for name in names:
        try:
            seen.append(getattr(obj, name))
        except Exception as exc:
            _value_error(exc)


def _call(seen: list, fn: Callable, *args: Any) -> None:
    try:
        seen.append(fn(*args))
    except Exception as exc:
        _value_error(exc)


NODE_ATTRS = ("label", "show", "value", "field_text", "abbrev", "name", "data_source",
              "error", "hidden", "generated")
PACKET_ATTRS = ("number", "time", "time_ns", "timestamp", "length", "captured_length",
                "protocols", "raw", "comments", "interface", "render_errors", "matches")
HEADER_ATTRS = ("caplen", "len", "ts_ns", "ts", "datetime", "pkt_encap", "comments",
                "drop_count", "pack_flags", "interface_id", "rec_type", "has_ts")
FILE_ATTRS = ("file_type", "file_encap", "tsprecision", "snapshot_length", "compression",
              "section_header", "sections", "interfaces", "decryption_secrets",
              "name_resolution", "name_resolution_comments")


def _touch_packet(pkt, full: bool = True) -> None:
    seen: list = []
    _get(seen, pkt, PACKET_ATTRS)
    _call(seen, lambda: pkt.columns.as_dict())
    for node in pkt.tree:
        _get(seen, node, NODE_ATTRS if full else ("label", "value"))
    if full:
        _get(seen, pkt, ("highest_layer", "layers"))
        for name in ("ip.src", "tcp.srcport", "dns.qry.name", "wlan.sa", "frame.time"):
            _call(seen, pkt.get, name)
            _call(seen, pkt.field_strings, name)
            _call(seen, pkt.__contains__, name)


def _touch_fields(pkt) -> None:
    seen: list = []
    _get(seen, pkt, ("number", "time", "protocols", "comments", "matches"))
    for name in FIELDS:
        _call(seen, pkt.get_all, name)
        _call(seen, pkt.field_strings, name)
        _call(seen, pkt.get, name)


def mode_wtap(path: str) -> None:
    from wirepy.lib import wtap
    offsets = []
    seen: list = []
    with wtap.WTAP.open_offline(path, random=True) as f:
        _get(seen, f, FILE_ATTRS)
        for hdr, _data in f:
            _get(seen, hdr, HEADER_ATTRS)
            offsets.append(hdr.offset)
        _get(seen, f, ("interfaces", "sections", "records_read"))
        for off in offsets[:200]:
            hdr, _data = f.seek_read(off)
            _get(seen, hdr, HEADER_ATTRS)


def mode_tree(path: str) -> None:
    import wirepy
    for pkt in wirepy.FileCapture(path):
        _touch_packet(pkt)


def mode_fields(path: str) -> None:
    import wirepy
    for pkt in wirepy.FileCapture(path, fields=FIELDS):
        _touch_fields(pkt)


def mode_filter(path: str, display_filter: str) -> None:
    import wirepy
    for pkt in wirepy.FileCapture(path, display_filter=display_filter):
        _touch_packet(pkt, full=False)


def mode_two_pass(path: str) -> None:
    import wirepy
    for pkt in wirepy.FileCapture(path, two_pass=True):
        _touch_packet(pkt, full=False)
        _ = pkt.get("dns.response_in"), pkt.get("tcp.reassembled_in")


def cli_argv(mode: str, path: str) -> List[str]:
    if mode == "cli-read":
        return ["read", "-V", path]
    if mode == "cli-json":
        return ["json", path]
    argv = ["fields", "-E", "occurrence=a", "-E", "header=y"]
    for name in CLI_FIELDS:
        argv += ["-e", name]
    return argv + [path]


class CliFailure(Exception):
    """The CLI failed without naming the file (message: its stderr)."""


def mode_cli(mode: str, path: str) -> None:
    from wirepy.cli.main import main
    out, err = sys.stdout, sys.stderr
    sink = open(os.devnull, "w", encoding="utf-8")
    sys.stdout, sys.stderr = sink, io.StringIO()
    try:
        rc = main(cli_argv(mode, path))
        text = sys.stderr.getvalue()
    finally:
        sys.stdout, sys.stderr = out, err
        sink.close()
    if rc and path not in text and os.path.basename(path) not in text:
        raise CliFailure(f"exit status {rc} without naming the file: {text.strip()[-500:]!r}")


def mode_frames(mode: str, frames: List[bytes], encap: str) -> None:
    import wirepy
    base = 1_600_000_000 * 10**9
    if mode == "frames-tree":
        with wirepy.Dissector(encap=encap) as d:
            for i, frame in enumerate(frames):
                _touch_packet(d.dissect(frame, time_ns=base + i * 1000))
    else:
        with wirepy.Dissector(encap=encap, fields=FIELDS,
                              display_filter="tcp || udp || dns || wlan") as d:
            for i, frame in enumerate(frames):
                _touch_fields(d.dissect(frame, time_ns=base + i * 1000))


def mode_selftest(mode: str) -> None:
    if mode == "selftest-segv":
        import ctypes
        ctypes.string_at(1, 1)
    elif mode == "selftest-abort":
        os.abort()
    elif mode == "selftest-hang":
        time.sleep(3600)
    elif mode == "selftest-raise":
        raise IndexError("list index out of range (self-test)")
    elif mode == "selftest-unnamed":
        from wirepy.errors import CaptureFileError
        raise CaptureFileError("no name here")


def run_mode(mode: str, path: str, encap: str = "", filter_index: int = 0
             ) -> Tuple[str, str, Dict[str, int]]:
    """Run one mode on the input at *path*: (status, detail, value errors).
    Status is "ok", "error" (wirepy's own error, naming the file),
    "unnamed" (wirepy's error, not naming it) or "unexpected" (anything
    else, or any exception out of a Dissector; detail: the traceback). Value
    errors: wirepy's exceptions from reading a packet's attributes, by class."""
    _VALUE_ERRORS.clear()
    status, detail = _run_mode(mode, path, encap, filter_index)
    return status, detail, dict(_VALUE_ERRORS)


def _run_mode(mode: str, path: str, encap: str, filter_index: int) -> Tuple[str, str]:
    try:
        if mode == "wtap":
            mode_wtap(path)
        elif mode == "tree":
            mode_tree(path)
        elif mode == "fields":
            mode_fields(path)
        elif mode == "filter":
            mode_filter(path, FILTERS[filter_index % len(FILTERS)])
        elif mode == "two-pass":
            mode_two_pass(path)
        elif mode in CLI_MODES:
            mode_cli(mode, path)
        elif mode in FRAME_MODES:
            mode_frames(mode, read_frames(Path(path)), encap)
        elif mode in SELFTEST_MODES:
            mode_selftest(mode)
        else:
            raise ValueError(f"unknown mode {mode!r}")
    except CliFailure as exc:
        return "unnamed", str(exc)
    except Exception as exc:
        tb = traceback.format_exc()
        # out of the CLI's main() any exception is a traceback for the user
        if mode not in FRAME_MODES and mode not in CLI_MODES and _own(exc):
            text = str(exc)
            if path in text or os.path.basename(path) in text:
                return "error", f"{type(exc).__name__}: {text}"[:300]
            return "unnamed", tb
        return "unexpected", tb
    return "ok", ""


# =============================================================================
# The worker process
# =============================================================================
def _rss_mib() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // (1 << 20)


def worker_main(job: Dict[str, Any], report_fd: int) -> int:
    import faulthandler
    import logging
    faulthandler.enable(all_threads=True)
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    # Wireshark's log messages go to Python's logging: keep only real trouble
    logging.getLogger("wirepy").setLevel(logging.ERROR)

    def send(**event: Any) -> None:
        os.write(report_fd, (json.dumps(event) + "\n").encode())

    import wirepy.lib.wireshark as ws
    ws.initialize()
    corpus = Corpus(Path(job["corpus"])) if job.get("corpus") else None
    workdir = Path(job["workdir"])
    seed = job["seed"]
    send(event="ready", pid=os.getpid())
    for number, modes in job["items"]:
        if modes and modes[0] in SELFTEST_MODES:
            case = selftest_case(number, modes[0])
        else:
            case = make_case(corpus, seed, number)
        path = write_input(case, workdir)
        send(event="case", case=number, sha256=case.sha256())
        for mode in modes:
            send(event="start", case=number, mode=mode)
            t0 = time.monotonic()
            status, detail, value_errors = run_mode(mode, str(path), case.encap, number)
            send(event="end", case=number, mode=mode, status=status, detail=detail,
                 value_errors=value_errors, seconds=round(time.monotonic() - t0, 3))
        path.unlink()
        send(event="done", case=number)
        if _rss_mib() > job.get("rss_limit_mib", 1500):
            send(event="recycle", rss=_rss_mib())
            return 0
    send(event="finished")
    return 0


# =============================================================================
# The harness (never loads wirepy)
# =============================================================================
@dataclasses.dataclass
class Finding:
    seed: int
    case: int
    mode: str
    kind: str                 # "crash", "hang", "unexpected", "unnamed", "exit"
    detail: str               # signal / traceback / message
    confirmed: str = ""       # how it reproduced when rerun
    reproducer: str = ""      # the folder, once saved
    stderr: str = ""          # the worker's stderr tail (faulthandler's stacks)
    signature: str = ""

    @property
    def id(self) -> str:
        return case_id(self.seed, self.case)

    def describe(self) -> str:
        lines = [f"{self.kind.upper()} in case {self.id}, mode {self.mode}: "
                 f"{self.detail.strip().splitlines()[-1] if self.detail.strip() else ''}"]
        if self.confirmed:
            lines.append(f"  rerun: {self.confirmed}")
        if self.reproducer:
            lines.append(f"  reproducer: {self.reproducer} (see repro.sh there)")
        if self.kind in ("unexpected", "unnamed") and self.detail.count("\n") > 1:
            lines.append("  " + self.detail.strip().replace("\n", "\n  "))
        return "\n".join(lines)


@dataclasses.dataclass
class Results:
    seed: int
    cases: int = 0
    modes_run: int = 0
    statuses: Dict[str, int] = dataclasses.field(default_factory=dict)
    findings: List[Finding] = dataclasses.field(default_factory=list)
    seconds: float = 0.0
    workers: int = 0
    mismatched: List[int] = dataclasses.field(default_factory=list)
    value_errors: Dict[str, int] = dataclasses.field(default_factory=dict)
    stopped: str = ""         # why the run ended before its last case

    def findings_for(self, number: int) -> List[Finding]:
        return [f for f in self.findings if f.case == number]

    def count(self, kind: str) -> int:
        return sum(1 for f in self.findings if f.kind == kind)

    def summary(self) -> str:
        st = ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items()))
        lines = [
            f"fuzz seed {self.seed}: {self.cases} cases, {self.modes_run} mode runs "
            f"({st}) in {self.seconds:.0f} s, {self.workers} worker processes",
            f"  crashes {self.count('crash') + self.count('exit')}, hangs {self.count('hang')}, "
            f"unexpected exceptions {self.count('unexpected')}, errors not naming the file "
            f"{self.count('unnamed')}",
        ]
        if self.stopped:
            lines.append(f"  STOPPED EARLY: {self.stopped}")
        if self.value_errors:
            lines.append("  wirepy's own exceptions from packet attributes (allowed): "
                         + ", ".join(f"{k} {v}" for k, v in sorted(self.value_errors.items())))
        if self.mismatched:
            lines.append(f"  cases derived differently by worker and harness: {self.mismatched}")
        for f in self.findings:
            lines.append(f.describe())
        return "\n".join(lines)


class _Worker:
    """One worker process and its event pipe."""

    def __init__(self, python: str, job: Dict[str, Any], stderr_path: Path) -> None:
        r, w = os.pipe()
        self.stderr_path = stderr_path
        self._err = open(stderr_path, "wb")
        self.proc = subprocess.Popen(
            [python, str(Path(__file__).resolve()), "worker", "--report-fd", str(w)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._err,
            pass_fds=(w,), cwd=str(ROOT), start_new_session=True)
        os.close(w)
        self.proc.stdin.write(json.dumps(job).encode())
        self.proc.stdin.close()
        self.fd = r
        self.buf = b""
        self.sel = selectors.DefaultSelector()
        self.sel.register(r, selectors.EVENT_READ)

    def events(self, timeout: float) -> Optional[List[Dict[str, Any]]]:
        """Events that arrived within *timeout* ([] at end of stream, None on
        timeout)."""
        if not self.sel.select(timeout):
            return None
        chunk = os.read(self.fd, 65536)
        if not chunk:
            return []
        self.buf += chunk
        *lines, self.buf = self.buf.split(b"\n")
        return [json.loads(line) for line in lines if line.strip()] or [{"event": "noop"}]

    def kill(self, dump: bool = True) -> None:
        if self.proc.poll() is None:
            if dump:
                try:
                    os.kill(self.proc.pid, signal.SIGUSR1)     # faulthandler's stacks
                    time.sleep(0.5)
                except ProcessLookupError:
                    pass
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()

    def close(self) -> str:
        self.sel.close()
        os.close(self.fd)
        self._err.close()
        try:
            tail = self.stderr_path.read_bytes()[-6000:].decode("utf-8", "replace")
        except OSError:
            tail = ""
        return tail


def _status_text(rc: int) -> str:
    if rc < 0:
        try:
            return f"killed by {signal.Signals(-rc).name}"
        except ValueError:
            return f"killed by signal {-rc}"
    return f"exit status {rc}"


class Harness:
    def __init__(self, seed: int, *, timeout: float = 30.0, failures: Optional[Path] = None,
                 python: str = sys.executable, chunk: int = 40, rss_limit_mib: int = 1500,
                 progress: Optional[Callable[[Results, int, int], None]] = None,
                 reproducers_per_signature: int = 3, corpus: Optional[Path] = None) -> None:
        self.seed = seed
        self.timeout = timeout
        self.failures = failures or failures_root()
        self.python = python
        self.chunk = chunk
        self.rss_limit = rss_limit_mib
        self.progress = progress
        self.per_signature = reproducers_per_signature
        self.corpus_path = corpus
        self.corpus: Optional[Corpus] = None
        self.results = Results(seed)
        self.tmp = Path(tempfile.mkdtemp(prefix="wirepy-fuzz-"))
        self.signatures: Dict[str, int] = {}

    # -- running workers -------------------------------------------------------
    def _job(self, items: List[Tuple[int, List[str]]]) -> Dict[str, Any]:
        return {"corpus": str(self.corpus_path) if self.corpus_path else None,
                "seed": self.seed, "items": items, "workdir": str(self.tmp),
                "rss_limit_mib": self.rss_limit}

    def _run_worker(self, items: List[Tuple[int, List[str]]], record: bool = True
                    ) -> Tuple[List[Tuple[int, List[str]]], Optional[Finding],
                               List[Tuple[int, str, str, str]]]:
        """Run *items* in one worker until it finishes, recycles, dies or
        hangs: (items left, the crash or hang if any, the mode results)."""
        self.results.workers += 1
        w = _Worker(self.python, self._job(items), self.tmp / "worker-stderr.txt")
        try:
            return self._follow(w, items, record)
        except BaseException:
            w.kill(dump=False)
            w.close()
            raise

    def _follow(self, w: _Worker, items: List[Tuple[int, List[str]]], record: bool
                ) -> Tuple[List[Tuple[int, List[str]]], Optional[Finding],
                           List[Tuple[int, str, str, str]]]:
        left = [(n, list(modes)) for n, modes in items]
        current: Optional[Tuple[int, str]] = None
        last_done = items[0][0] if items else -1
        deadline = time.monotonic() + max(self.timeout, 60.0)     # start-up
        outcomes: List[Tuple[int, str, str, str]] = []
        problem: Optional[Finding] = None
        ended = False
        while not ended:
            events = w.events(max(0.0, deadline - time.monotonic()))
            if events is None:
                w.kill()
                stderr = w.close()
                n, mode = current if current else (left[0][0] if left else -1, "(between modes)")
                problem = Finding(self.seed, n, mode, "hang",
                                  f"no progress for {self.timeout:.0f} s", stderr=stderr)
                break
            if events == []:
                rc = w.proc.wait()
                stderr = w.close()
                if left or current or rc != 0:
                    if current:
                        n, mode = current
                        kind = "crash"
                    else:
                        n = left[0][0] if left else last_done
                        mode, kind = "(outside any mode)", "exit"
                    problem = Finding(self.seed, n, mode, kind, _status_text(rc), stderr=stderr)
                break
            for ev in events:
                what = ev["event"]
                if what == "start":
                    current = (ev["case"], ev["mode"])
                    deadline = time.monotonic() + self.timeout
                elif what == "end":
                    current = None
                    deadline = time.monotonic() + self.timeout
                    n, mode = ev["case"], ev["mode"]
                    outcomes.append((n, mode, ev["status"], ev["detail"]))
                    if record:
                        st = self.results.statuses
                        st[ev["status"]] = st.get(ev["status"], 0) + 1
                        self.results.modes_run += 1
                        for k, v in ev.get("value_errors", {}).items():
                            ve = self.results.value_errors
                            ve[k] = ve.get(k, 0) + v
                    left[0][1].remove(mode)
                elif what == "case":
                    if (record and self.corpus is not None and ev["case"] >= 0
                            and left and left[0][1] and left[0][1][0] not in SELFTEST_MODES):
                        mine = make_case(self.corpus, self.seed, ev["case"]).sha256()
                        if mine != ev["sha256"]:
                            self.results.mismatched.append(ev["case"])
                elif what == "done":
                    left.pop(0)
                    last_done = ev["case"]
                    if record:
                        self.results.cases += 1
                        if self.progress:
                            self.progress(self.results, ev["case"], len(left))
                elif what in ("recycle", "finished"):
                    # the worker's exit (libwireshark's cleanup) can fail too
                    try:
                        rc = w.proc.wait(timeout=self.timeout)
                        detail = _status_text(rc) if rc else ""
                    except subprocess.TimeoutExpired:
                        w.kill()
                        detail = f"no exit within {self.timeout:.0f} s after its last case"
                    stderr = w.close()
                    if detail:
                        problem = Finding(self.seed, last_done, "(at exit)", "exit",
                                          detail, stderr=stderr)
                    ended = True
                    break
        if problem is not None and left and (current is None or left[0][0] == current[0]):
            # the rest of that case's modes still run (in the next worker);
            # a worker that failed between modes skips the case (no loop)
            if current is not None:
                left[0][1].remove(current[1])
            if current is None or not left[0][1]:
                left.pop(0)
                if record:
                    self.results.cases += 1
        return left, problem, outcomes

    def _record(self, outcomes) -> List[Finding]:
        found = []
        for n, mode, status, detail in outcomes:
            if status in ("unexpected", "unnamed"):
                found.append(Finding(self.seed, n, mode, status, detail))
        return found

    def _modes_of(self, number: int, mode: str) -> List[str]:
        if mode in SELFTEST_MODES:
            return [mode]
        return make_case(self.corpus, self.seed, number).modes

    def _confirm(self, f: Finding) -> None:
        """Rerun a finding's (case, mode) alone in a fresh worker, then with
        the case's earlier modes."""
        if f.kind == "exit" or f.mode.startswith("("):
            f.confirmed = "not rerun (the worker failed outside a mode)"
            return
        modes = self._modes_of(f.case, f.mode)
        tries = [([f.mode], "alone")]
        earlier = modes[:modes.index(f.mode) + 1] if f.mode in modes else [f.mode]
        if len(earlier) > 1:
            tries.append((earlier, "after the case's earlier modes"))
        for run_modes, how in tries:
            _, problem, outcomes = self._run_worker([(f.case, run_modes)], record=False)
            if f.kind in ("crash", "hang"):
                if problem is not None and problem.kind == f.kind and problem.mode == f.mode:
                    f.confirmed = f"reproduced {how} ({problem.detail})"
                    f.stderr = problem.stderr or f.stderr
                    return
            else:
                if any(m == f.mode and s == f.kind for _, m, s, _ in outcomes):
                    f.confirmed = f"reproduced {how}"
                    return
        f.confirmed = "NOT reproduced alone (depends on earlier cases in the same worker?)"

    def _signature(self, f: Finding) -> str:
        if f.kind in ("unexpected", "unnamed"):
            lines = [ln for ln in f.detail.strip().splitlines() if ln.strip()]
            where = [ln.strip() for ln in lines if ln.strip().startswith("File ")]
            exc = lines[-1].split(":")[0] if lines else ""
            return f"{f.kind}|{f.mode}|{exc}|{where[-1] if where else ''}"
        frames = [ln.strip() for ln in f.stderr.splitlines() if ln.strip().startswith("File ")]
        return f"{f.kind}|{f.mode}|{f.detail}|{frames[0] if frames else ''}"

    def _handle(self, f: Finding) -> None:
        f.signature = self._signature(f)
        seen = self.signatures.get(f.signature, 0)
        self.signatures[f.signature] = seen + 1
        if seen < self.per_signature:
            self._confirm(f)
            self.save(f)
        else:
            f.confirmed = f"not rerun: same signature as {seen} earlier findings"
        self.results.findings.append(f)

    def save(self, f: Finding) -> Path:
        """Write *f*'s reproducer folder and return it."""
        if f.mode in SELFTEST_MODES:
            case = selftest_case(f.case, f.mode)
        else:
            case = make_case(self.corpus, self.seed, f.case)
        d = self.failures / f"{f.id}-{f.mode.strip('()').replace(' ', '-')}"
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        path = write_input(case, d)
        py = shlex.quote(self.python)
        me = shlex.quote(str(Path(__file__).resolve()))
        exec_cmd = f"{py} {me} exec {f.mode} {shlex.quote(str(path))}"
        if case.kind == "frames":
            exec_cmd += f" --encap {case.encap}"
        if f.mode == "filter":
            exec_cmd += f" --filter-index {f.case}"
        last = f.detail.strip().splitlines()[-1] if f.detail.strip() else ""
        cmds = ["#!/bin/sh", f"# {f.kind} in case {f.id}, mode {f.mode}: {last}",
                f"cd {shlex.quote(str(ROOT))}", "# the mode alone, in one process:", exec_cmd]
        if f.mode in CLI_MODES:
            wirepy_bin = Path(self.python).with_name("wirepy")
            argv = cli_argv(f.mode, str(path))
            cmds += ["# the command itself:",
                     " ".join(shlex.quote(a) for a in [str(wirepy_bin), *argv]) + " >/dev/null"]
        cmds += ["# with a C backtrace:", f"# gdb -batch -ex run -ex bt --args {exec_cmd}",
                 f"# the case again from the corpus: {py} {me} make-case --seed {f.seed} "
                 f"--case {f.case} --out DIR"]
        (d / "repro.sh").write_text("\n".join(cmds) + "\n")
        (d / "repro.sh").chmod(0o755)
        info = {"case": f.id, "seed": f.seed, "number": f.case, "mode": f.mode, "kind": f.kind,
                "detail": f.detail, "confirmed": f.confirmed, "input": path.name,
                "input_sha256": case.sha256(), "case_kind": case.kind, "base_seed": case.base,
                "encap": case.encap, "modes": case.modes, "mutations": case.how,
                "corpus": str(self.corpus_path), "command": exec_cmd}
        (d / "case.json").write_text(json.dumps(info, indent=1))
        if f.stderr:
            (d / "worker-stderr.txt").write_text(f.stderr)
        f.reproducer = str(d)
        return d

    # -- the campaign -------------------------------------------------------------
    def run(self, items: Iterable[Tuple[int, List[str]]],
            max_seconds: Optional[float] = None) -> Results:
        """Run *items* ``(case number, modes)``; with *max_seconds*, no new
        chunk starts after that long (the summary says where it stopped)."""
        t0 = time.monotonic()
        if self.corpus_path is None:
            self.corpus_path = ensure_corpus(self.python)
        self.corpus = Corpus(self.corpus_path)
        pending = list(items)
        try:
            while pending:
                if max_seconds and time.monotonic() - t0 > max_seconds:
                    self.results.stopped = (f"time budget of {max_seconds / 60:.0f} min used; "
                                            f"cases from {pending[0][0]} on not run")
                    break
                batch, pending = pending[:self.chunk], pending[self.chunk:]
                while batch:
                    left, problem, outcomes = self._run_worker(batch)
                    for f in self._record(outcomes):
                        self._handle(f)
                    if problem is not None:
                        self._handle(problem)
                    batch = left
        except KeyboardInterrupt:
            self.results.stopped = "interrupted"
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.results.seconds = time.monotonic() - t0
        return self.results

    def run_cases(self, numbers: Iterable[int], max_seconds: Optional[float] = None
                  ) -> Results:
        """Run case *numbers* of the seed, each in all its modes."""
        if self.corpus_path is None:
            self.corpus_path = ensure_corpus(self.python)
        corpus = Corpus(self.corpus_path)
        return self.run([(n, make_case(corpus, self.seed, n).modes) for n in numbers],
                        max_seconds)


# =============================================================================
# Command line
# =============================================================================
def _progress_printer(total: int, every: float = 30.0):
    state = {"last": 0.0, "t0": time.monotonic()}

    def show(results: Results, case: int, left: int) -> None:
        now = time.monotonic()
        if now - state["last"] < every and results.cases != total:
            return
        state["last"] = now
        el = now - state["t0"]
        rate = results.cases / el if el else 0
        eta = (total - results.cases) / rate if rate else 0
        print(f"[{results.cases}/{total}] {el / 60:.1f} min, {rate:.2f} cases/s, "
              f"eta {eta / 60:.1f} min; crashes {results.count('crash') + results.count('exit')}"
              f", hangs {results.count('hang')}, unexpected {results.count('unexpected')}, "
              f"unnamed {results.count('unnamed')}", flush=True)
    return show


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="a fuzzing campaign")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--cases", type=int, default=1000)
    r.add_argument("--start", type=int, default=0, help="first case number")
    r.add_argument("--timeout", type=float, default=30.0, help="seconds per mode")
    r.add_argument("--failures", type=Path, default=None,
                   help="where reproducers go (default $WIREPY_CACHE/fuzz-failures)")
    r.add_argument("--chunk", type=int, default=40, help="cases per worker process")
    r.add_argument("--max-minutes", type=float, default=0,
                   help="start no new chunk after this long (0: no limit)")
    r.add_argument("--summary-json", type=Path, default=None)
    e = sub.add_parser("exec", help="run one mode on one input, in this process")
    e.add_argument("mode", choices=FILE_MODES + CLI_MODES + FRAME_MODES + SELFTEST_MODES)
    e.add_argument("path")
    e.add_argument("--encap", default="ether")
    e.add_argument("--filter-index", type=int, default=0)
    m = sub.add_parser("make-case", help="write a case's input file and description")
    m.add_argument("--seed", type=int, required=True)
    m.add_argument("--case", type=int, required=True)
    m.add_argument("--out", type=Path, required=True)
    pr = sub.add_parser("prepare", help="build the seed corpus")
    pr.add_argument("--into", type=Path, default=None)
    w = sub.add_parser("worker", help=argparse.SUPPRESS)
    w.add_argument("--report-fd", type=int, required=True)
    args = p.parse_args(argv)

    if args.cmd == "worker":
        return worker_main(json.load(sys.stdin), args.report_fd)
    if args.cmd == "exec":
        status, detail, value_errors = run_mode(args.mode, args.path, args.encap,
                                                args.filter_index)
        print(f"{args.mode}: {status}" + (f" (value errors: {value_errors})"
                                           if value_errors else ""))
        if detail:
            print(detail)
        return 0 if status in ("ok", "error") else 1
    if args.cmd == "prepare":
        if args.into is None:
            print(ensure_corpus())
            return 0
        manifest = prepare_corpus(args.into)
        groups: Dict[str, int] = {}
        for s in manifest["seeds"]:
            groups[s["format"]] = groups.get(s["format"], 0) + 1
        print(f"{len(manifest['seeds'])} seeds: {groups}; frames for {manifest['frames']}")
        return 0
    if args.cmd == "make-case":
        corpus = Corpus(ensure_corpus())
        case = make_case(corpus, args.seed, args.case)
        args.out.mkdir(parents=True, exist_ok=True)
        path = write_input(case, args.out)
        print(path)
        print(json.dumps({"base": case.base, "modes": case.modes, "encap": case.encap,
                          "mutations": case.how}, indent=1))
        return 0

    print(f"fuzzing: seed {args.seed}, cases {args.start}..{args.start + args.cases - 1}, "
          f"timeout {args.timeout:.0f} s per mode; corpus {ensure_corpus()}", flush=True)
    def terminate(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, terminate)    # the summary of what ran, then exit
    h = Harness(args.seed, timeout=args.timeout, failures=args.failures, chunk=args.chunk,
                progress=_progress_printer(args.cases))
    results = h.run_cases(range(args.start, args.start + args.cases),
                          args.max_minutes * 60 or None)
    print(results.summary())
    if args.summary_json:
        args.summary_json.write_text(json.dumps(dataclasses.asdict(results), indent=1))
    print(f"repeat with: {sys.executable} {Path(__file__)} run --seed {args.seed} "
          f"--start {args.start} --cases {args.cases}")
    return 1 if results.findings else 0


if __name__ == "__main__":
    sys.exit(main())
