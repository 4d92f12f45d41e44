"""wirepy.plot and ``wirepy stats --plot``: the lines and bars drawn are
the statistics' own numbers; the PNG is written, valid and of a plausible
size; the text printed with it is still tshark's."""

from __future__ import annotations

import struct
import subprocess
import sys

import pytest
from api_fixtures import SAMPLE

pytest.importorskip("matplotlib", reason="wirepy.plot needs matplotlib (wirepy[plot])")

from wirepy import plot, stats  # noqa: E402

WIREPY = [sys.executable, "-m", "wirepy"]
IO_SPEC = "io,stat,0.01,tcp,udp,COUNT(tcp.analysis.ack_rtt)tcp.analysis.ack_rtt"


@pytest.fixture(scope="module")
def results():
    return stats.compute(SAMPLE, [IO_SPEC, "conv,tcp", "endpoints,ip"])


def png_size(path) -> tuple:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert data[-8:-4] == b"IEND"
    return struct.unpack(">II", data[16:24])


def test_io_graph_lines_are_the_statistics(results):
    stat = results[IO_SPEC]
    frame = stat.to_dataframe()
    assert len(frame) > 5
    ax = plot.io_graph(stat)
    lines = {line.get_label(): line for line in ax.lines}
    assert set(lines) == {"tcp frames", "udp frames",
                          "COUNT(tcp.analysis.ack_rtt)tcp.analysis.ack_rtt"}
    for name, line in lines.items():
        assert list(line.get_xdata()) == list(frame["start"])
        assert list(line.get_ydata()) == list(frame[name])
    assert sum(lines["tcp frames"].get_ydata()) == sum(r["tcp frames"] for r in stat.rows()) > 0
    assert ax.get_title() == IO_SPEC
    # asked by name: the bytes
    ax = plot.io_graph(stat, columns=["udp bytes"])
    assert list(ax.lines[0].get_ydata()) == list(frame["udp bytes"])
    with pytest.raises(plot.PlotError, match="no column 'nosuch'"):
        plot.io_graph(stat, columns=["nosuch"])


def test_conversation_bars_are_the_table(results):
    conv = results["conv,tcp"].to_dataframe()
    ax = plot.conversations(results["conv,tcp"], top=3)
    a_to_b = [p.get_width() for p in ax.containers[0]]
    b_to_a = [p.get_width() for p in ax.containers[1]]
    top = conv.sort_values("bytes", ascending=False, kind="stable").head(3)
    assert a_to_b == list(top["bytes_a_to_b"]) and b_to_a == list(top["bytes_b_to_a"])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    first = top.iloc[0]
    assert labels[0] == (f"{first['address_a']}:{first['port_a']} <-> "
                         f"{first['address_b']}:{first['port_b']}")
    ax = plot.conversations(results["endpoints,ip"], by="frames")
    widths = [p.get_width() for p in ax.containers[0]]
    assert widths == sorted(results["endpoints,ip"].to_dataframe()["packets"],
                            reverse=True)[:10]
    with pytest.raises(plot.PlotError):
        plot.conversations(results["conv,tcp"], by="nothing")


def test_save_writes_a_png(results, tmp_path):
    path = plot.save(plot.io_graph(results[IO_SPEC]), tmp_path / "io.png")
    assert png_size(tmp_path / "io.png") == (1000, 450) and path.endswith("io.png")
    assert 10000 < (tmp_path / "io.png").stat().st_size < 1000000


def test_cli_plot(tmp_path):
    png = tmp_path / "io.png"
    specs = ["-z", IO_SPEC, "-z", "io,stat,0.05", "-z", "conv,ip"]
    ours = subprocess.run([*WIREPY, "stats", "-n", str(SAMPLE), *specs, "--plot", str(png)],
                          capture_output=True, timeout=300)
    theirs = subprocess.run(["tshark", "-n", "-q", "-r", str(SAMPLE), *specs],
                            capture_output=True, timeout=300)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout          # the text is unchanged
    width, height = png_size(png)
    assert (width, height) == (1000, 900)        # one graph per io,stat spec
    assert 20000 < png.stat().st_size < 2000000


def test_cli_plot_needs_an_io_stat(tmp_path):
    ours = subprocess.run([*WIREPY, "stats", str(SAMPLE), "-z", "conv,ip", "--plot",
                           str(tmp_path / "x.png")], capture_output=True, text=True, timeout=120)
    assert ours.returncode == 1 and "give an io,stat spec" in ours.stderr
    assert ours.stdout == "" and not (tmp_path / "x.png").exists()
