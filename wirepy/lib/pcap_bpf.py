"""Compiled BPF programs: dump, load, run against a packet.

A :class:`BpfProgram` owns its instructions (a copy of what
``pcap_compile`` produced, freed with ``pcap_freecode`` at once), so its
life does not depend on the :class:`~wirepy.lib.pcap.Pcap` that compiled it.
"""

from __future__ import annotations

from typing import Iterable, Iterator, List, Tuple

from .pcap_constants import BpfDumpType
from .wireshark import ffi, lib

__all__ = ["BpfProgram"]

Instruction = Tuple[int, int, int, int]


class BpfProgram:
    """A BPF filter program for :meth:`~wirepy.lib.pcap.Pcap.setfilter`.

    Made by :meth:`~wirepy.lib.pcap.Pcap.compile`, :func:`~wirepy.lib.pcap.compile`,
    :meth:`loads`, or from a list of ``(code, jt, jf, k)`` tuples.
    """

    __slots__ = ("_insns", "_prog", "__weakref__")

    def __init__(self, insns: Iterable[Instruction]) -> None:
        insns = [tuple(i) for i in insns]
        array = ffi.new("struct bpf_insn[]", max(len(insns), 1))
        for i, ins in enumerate(insns):
            if len(ins) != 4:
                raise ValueError(f"instruction {i}: expected (code, jt, jf, k), got {ins!r}")
            code, jt, jf, k = ins
            try:
                array[i].code = code
                array[i].jt = jt
                array[i].jf = jf
                array[i].k = k
            except OverflowError as exc:
                raise ValueError(f"instruction {i}: {ins!r} out of range") from exc
        self._insns = array
        self._prog = ffi.new("struct bpf_program *")
        self._prog.bf_len = len(insns)
        self._prog.bf_insns = array

    @classmethod
    def _take(cls, prog) -> BpfProgram:
        """Copy a program ``pcap_compile`` filled in, then free libpcap's copy."""
        try:
            insns = [(i.code, i.jt, i.jf, i.k)
                     for i in (prog.bf_insns[n] for n in range(prog.bf_len))]
        finally:
            lib.pcap_freecode(prog)
        return cls(insns)

    @property
    def instructions(self) -> List[Instruction]:
        """The program as ``(code, jt, jf, k)`` tuples."""
        return list(self)

    def __len__(self) -> int:
        return self._prog.bf_len

    def __iter__(self) -> Iterator[Instruction]:
        array = self._insns
        for n in range(self._prog.bf_len):
            i = array[n]
            yield (i.code, i.jt, i.jf, i.k)

    def __getitem__(self, index: int) -> Instruction:
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("instruction index out of range")
        i = self._insns[index]
        return (i.code, i.jt, i.jf, i.k)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BpfProgram):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<BpfProgram of {len(self)} instructions>"

    def dumps(self, type_: BpfDumpType = BpfDumpType.DEFAULT) -> str:
        """The program as text, in the format *type_* names.

        ``MULTILINE``, ``C_ARRAY`` and ``DISASSEMBLY`` are the lines
        ``bpf_dump`` prints for options 3, 2 and 1 (``tcpdump -ddd``, ``-dd``,
        ``-d``), joined by newlines without a last one, as cypcap returns
        them; ``DEFAULT`` is the one-line ``"n,code jt jf k,..."`` form of
        iptables' and tc's ``bytecode``.
        """
        type_ = BpfDumpType(type_)
        if type_ == BpfDumpType.DEFAULT:
            return ",".join([str(len(self))] + [f"{c} {t} {f} {k}" for c, t, f, k in self])
        if type_ == BpfDumpType.MULTILINE:
            return "\n".join([str(len(self))] + [f"{c} {t} {f} {k}" for c, t, f, k in self])
        if type_ == BpfDumpType.C_ARRAY:
            return "\n".join(f"{{ 0x{c:x}, {t}, {f}, 0x{k:08x} }}," for c, t, f, k in self)
        lines = []
        for n in range(len(self)):
            # bpf_image returns a static buffer: copy before the next call.
            lines.append(ffi.string(lib.bpf_image(self._insns + n, n)).decode())
        return "\n".join(lines)

    @staticmethod
    def loads(s: str) -> BpfProgram:
        """Load a program from the ``DEFAULT`` (or ``MULTILINE``) text of :meth:`dumps`."""
        parts = [p.strip() for p in s.replace("\n", ",").split(",")]
        parts = [p for p in parts if p]
        if not parts:
            raise ValueError("empty BPF program text")
        try:
            count = int(parts[0])
            insns = [tuple(int(x) for x in p.split()) for p in parts[1:]]
        except ValueError as exc:
            raise ValueError(f"malformed BPF program text: {exc}") from None
        if count != len(insns):
            raise ValueError(f"BPF program text announces {count} instructions, has {len(insns)}")
        return BpfProgram(insns)

    def validate(self) -> bool:
        """Whether the kernel-style checker ``bpf_validate`` accepts the program."""
        return bool(lib.bpf_validate(self._insns, len(self)))

    def offline_filter(self, pkt_header, pkt_data) -> bool:
        """Whether the program accepts a packet (``pcap_offline_filter``).

        *pkt_header* needs ``caplen`` and ``len``; a ``caplen`` larger than
        *pkt_data* is cut to it, so the filter never reads past the data.
        """
        data = ffi.from_buffer(pkt_data)
        caplen = min(int(pkt_header.caplen), len(data))
        return lib.wirepy_pcap_filter1(self._prog, caplen, int(pkt_header.len), data) != 0

    def filter(self, pkt_data, wirelen: int | None = None) -> int:
        """Run the program on *pkt_data*; the number of bytes to keep (0: rejected)."""
        data = ffi.from_buffer(pkt_data)
        wire = len(data) if wirelen is None else wirelen
        return lib.bpf_filter(self._insns, data, wire, len(data))
