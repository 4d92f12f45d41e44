"""Compile every C file of the CFFI module separately and list all diagnostics.

A porting aid (issue #13): where ``make build`` stops at the first C file
that fails, this compiles the generated module source and each shim file in
``cdefs/shim`` on its own, with the flags of the real build plus ``-Wall``,
and prints every error and warning, then a count per file.

Usage: python .ci/compile-check.py [--log FILE] [--keep DIR]
Needs cffi (the build's own dependency) and a wirepy-build.conf, or a
configure that accepts the installed Wireshark (``WIREPY_ANY_WIRESHARK=1``
lets it go on with any series). Exit status: 0 when nothing failed to compile.
"""

import argparse
import importlib.util
import os
import re
import shlex
import subprocess
import sys
import sysconfig
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_build():
    spec = importlib.util.spec_from_file_location(
        "_wirepy_build", os.path.join(ROOT, "wirepy", "lib", "_build.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", help="also write the diagnostics to this file")
    ap.add_argument("--keep", help="write the generated C source here")
    args = ap.parse_args(argv)
    os.chdir(ROOT)
    build = load_build()
    ffi = build.make_builder(absolute_sources=True)
    _, _, _, kwds = ffi._assigned_source
    work = args.keep or tempfile.mkdtemp(prefix="wirepy-compile-check-")
    os.makedirs(work, exist_ok=True)
    generated = os.path.join(work, "_wireshark.c")
    ffi.emit_c_code(generated)
    cc = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    flags = (["-c", "-fPIC", "-O2", "-Wall", "-fdiagnostics-color=never",
              "-I" + sysconfig.get_paths()["include"]]
             + ["-I" + d for d in kwds.get("include_dirs", [])]
             + kwds.get("extra_compile_args", []))
    files = [generated] + list(kwds.get("sources", []))
    out_lines, summary, failed = [], [], 0
    for path in files:
        obj = os.path.join(work, os.path.basename(path) + ".o")
        proc = subprocess.run(cc + flags + [path, "-o", obj], capture_output=True, text=True)
        text = proc.stderr
        errors = len(re.findall(r": (?:fatal )?error: ", text))
        warnings = len(re.findall(r": warning: ", text))
        name = os.path.relpath(path, ROOT) if path != generated else "(cffi module) _wireshark.c"
        summary.append(f"{name}: {'FAILED' if proc.returncode else 'ok'}, "
                       f"{errors} errors, {warnings} warnings")
        failed += proc.returncode != 0
        if text.strip():
            out_lines.append(f"===== {name}\n{text}")
    report = "\n".join(out_lines + ["===== summary"] + summary) + "\n"
    sys.stdout.write(report)
    if args.log:
        with open(args.log, "w") as f:
            f.write(report)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
