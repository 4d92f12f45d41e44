"""Build script of ``wirepy.lib._wireshark``, the one compiled CFFI module.

Assembles the declarations of every module in ``cdefs/`` (in the order of
``cdefs.MODULES``) into one out-of-line (API mode) extension linked against
libwireshark, libwiretap, libwsutil, GLib and libpcap. setuptools runs it
through ``cffi_modules``; ``python wirepy/lib/_build.py`` builds in place.

Compiler and linker flags come from ``wirepy-build.conf``, written by
``./configure``. When that file does not exist (``pip install .`` on a
fresh tree) the build runs ``configure`` itself, so both ways detect the
libraries identically; a missing library stops the build with configure's
message, which names the Debian packages to install.
"""

import importlib.util
import os
import shlex
import subprocess
import sys
import tempfile

import cffi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CDEFS = os.path.join(ROOT, "cdefs")
CONF = os.environ.get("WIREPY_BUILD_CONF", os.path.join(ROOT, "wirepy-build.conf"))
SECTIONS = ("INCLUDES", "TYPES", "FUNCTIONS", "CUSTOMIZATIONS")


def _run_configure():
    fd, path = tempfile.mkstemp(prefix="wirepy-build-", suffix=".conf")
    os.close(fd)
    try:
        proc = subprocess.run(
            ["sh", os.path.join(ROOT, "configure"), "--quiet", "--output", path],
            cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout + proc.stderr)
            raise SystemExit("wirepy: ./configure failed; see the message above")
        with open(path) as f:
            return f.read()
    finally:
        os.unlink(path)


def read_config():
    """Return the build configuration as a dict (CFLAGS, LIBS, ...)."""
    if os.path.exists(CONF):
        with open(CONF) as f:
            text = f.read()
    else:
        text = _run_configure()
    config = {}
    for line in text.splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        config[key.strip()] = value.strip()
    return config


def load_cdefs():
    """Import cdefs/ and return its modules in build order."""
    spec = importlib.util.spec_from_file_location(
        "_wirepy_cdefs", os.path.join(CDEFS, "__init__.py"),
        submodule_search_locations=[CDEFS])
    package = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = package
    spec.loader.exec_module(package)
    modules = []
    for name in package.MODULES:
        modules.append(importlib.import_module(f"{spec.name}.{name}"))
    return modules


def _source_path(relative, absolute):
    """A shim source as setuptools wants it: relative to the project root
    when building from there (setup.py), absolute otherwise."""
    path = os.path.join(CDEFS, relative)
    if not absolute and os.path.abspath(os.getcwd()) == ROOT:
        return os.path.relpath(path, ROOT)
    return path


def make_builder(absolute_sources=False):
    config = read_config()
    modules = load_cdefs()
    ffi = cffi.FFI()
    cdef = []
    for module in modules:
        cdef.append(module.TYPES)
    for module in modules:
        cdef.append(module.FUNCTIONS)
    ffi.cdef("\n".join(cdef))
    source = []
    for module in modules:
        source.append(module.INCLUDES)
    for module in modules:
        source.append(module.CUSTOMIZATIONS)
    sources = [_source_path(s, absolute_sources)
               for module in modules for s in getattr(module, "SOURCES", [])]
    ffi.set_source(
        "wirepy.lib._wireshark",
        "\n".join(source),
        sources=sources,
        include_dirs=[os.path.join(CDEFS, "shim")],
        extra_compile_args=shlex.split(config.get("CFLAGS", ""))
        + ["-Wno-deprecated-declarations"],
        extra_link_args=shlex.split(config.get("LIBS", "")),
    )
    return ffi


ffibuilder = make_builder()

if __name__ == "__main__":
    os.chdir(ROOT)
    ffibuilder = make_builder(absolute_sources=True)
    ffibuilder.compile(tmpdir=os.path.join(ROOT, "build", "cffi"), verbose=True)
