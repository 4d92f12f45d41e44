"""./configure: detection, overrides and clear messages when something is missing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(tmp_path, env_extra=None, env_drop=()):
    env = {k: v for k, v in os.environ.items() if k not in env_drop}
    env.update(env_extra or {})
    out = tmp_path / "out.conf"
    proc = subprocess.run(["sh", str(ROOT / "configure"), "--output", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    return proc, out


def parse(path):
    return dict(line.split("=", 1) for line in path.read_text().splitlines()
                if "=" in line and not line.startswith("#"))


def test_finds_libraries_and_writes_config(tmp_path):
    proc, out = configure(tmp_path, env_drop=("DEPS_CFLAGS", "DEPS_LIBS"))
    assert proc.returncode == 0, proc.stderr
    conf = parse(out)
    series = conf["WIRESHARK_SERIES"]
    assert series in ("4.0", "4.4", "4.6")
    assert conf["WIRESHARK_VERSION"].startswith(series + ".")
    assert f"checking Wireshark series... {series} (supported: 4.0 4.4 4.6)" in proc.stdout
    assert "-I/usr/include/wireshark" in conf["CFLAGS"]
    for lib in ("-lwireshark", "-lwiretap", "-lwsutil", "-lglib-2.0", "-lpcap"):
        assert lib in conf["LIBS"]


def test_deps_overrides_are_used_verbatim(tmp_path):
    cflags = subprocess.run(["pkg-config", "--cflags", "wireshark", "libpcap"],
                            capture_output=True, text=True).stdout.strip()
    libs = "-lwireshark -lwiretap -lwsutil -lglib-2.0 -lpcap"
    proc, out = configure(tmp_path, {"DEPS_CFLAGS": cflags, "DEPS_LIBS": libs})
    assert proc.returncode == 0, proc.stderr
    assert "using DEPS_CFLAGS" in proc.stdout
    assert parse(out)["LIBS"] == libs


def test_missing_libraries_name_the_debian_packages(tmp_path):
    empty = tmp_path / "pc"
    empty.mkdir()
    proc, out = configure(tmp_path, {"PKG_CONFIG_PATH": str(empty),
                                     "PKG_CONFIG_LIBDIR": str(empty)},
                          env_drop=("DEPS_CFLAGS", "DEPS_LIBS"))
    assert proc.returncode == 1
    assert "apt-get install libwireshark-dev libwiretap-dev libwsutil-dev " \
           "libglib2.0-dev libpcap-dev" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_headers_of_another_series_than_the_library_are_refused(tmp_path):
    # A ws_version.h of 4.2 found before the installed one: the headers and
    # the library disagree, and configure says both versions.
    fake = tmp_path / "inc"
    fake.mkdir()
    (fake / "ws_version.h").write_text(
        "#define WIRESHARK_VERSION_MAJOR 4\n#define WIRESHARK_VERSION_MINOR 2\n"
        "#define WIRESHARK_VERSION_MICRO 0\n")
    cflags = subprocess.run(["pkg-config", "--cflags", "wireshark", "libpcap"],
                            capture_output=True, text=True).stdout.strip()
    libs = subprocess.run(["pkg-config", "--libs", "wireshark", "libpcap"],
                          capture_output=True, text=True).stdout.strip() + " -lwiretap"
    proc, out = configure(tmp_path, {"DEPS_CFLAGS": f"-I{fake} {cflags}", "DEPS_LIBS": libs})
    assert proc.returncode == 1
    assert "the Wireshark headers are 4.2.0 but the library is 4." in proc.stderr
    assert not out.exists()


def test_missing_pkg_config_is_named(tmp_path):
    proc, _ = configure(tmp_path, {"PKG_CONFIG": "/nonexistent/pkg-config"},
                        env_drop=("DEPS_CFLAGS", "DEPS_LIBS"))
    assert proc.returncode == 1
    assert "pkg-config not found" in proc.stderr
    assert "apt-get install pkg-config" in proc.stderr


def test_headers_that_do_not_compile_are_reported(tmp_path):
    proc, _ = configure(tmp_path, {"DEPS_CFLAGS": "-I/nonexistent", "DEPS_LIBS": "-lwireshark"})
    assert proc.returncode == 1
    assert "the headers do not compile" in proc.stderr
    assert "apt-get install" in proc.stderr and "libwireshark-dev" in proc.stderr


def test_missing_compiler_is_named(tmp_path):
    proc, _ = configure(tmp_path, {"CC": "/nonexistent/cc"})
    assert proc.returncode == 1
    assert "apt-get install gcc" in proc.stderr


def test_build_script_reports_configure_failure(tmp_path):
    # The build (what `pip install .` runs) detects the same way and stops
    # with configure's message, not a compiler traceback.
    empty = tmp_path / "pc"
    empty.mkdir()
    env = dict(os.environ, PKG_CONFIG_PATH=str(empty), PKG_CONFIG_LIBDIR=str(empty),
               WIREPY_BUILD_CONF=str(tmp_path / "absent.conf"))
    env.pop("DEPS_CFLAGS", None)
    env.pop("DEPS_LIBS", None)
    proc = subprocess.run([sys.executable, "-c", "import runpy; runpy.run_path("
                           f"{str(ROOT / 'wirepy' / 'lib' / '_build.py')!r})"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "apt-get install libwireshark-dev" in proc.stderr
    assert "./configure failed" in proc.stderr
