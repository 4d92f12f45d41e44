"""Fetch Wireshark's own test captures (``test/captures`` of its source) into a cache.

The captures nobody here wrote: the test suite reads every one of them in
every mode and compares with tshark. They come from the source package of the
Wireshark that is installed (``apt-get source``, download only), so they match
the dissectors under test. Nothing is written to the system's apt
configuration: a deb-src list made from the system's own deb sources lives in
the cache, with its own package lists.

Usage: python tests/fetch_wireshark_captures.py [--print-dir]
The captures end up in ``$WIREPY_CACHE/wireshark-<version>/captures``
(``WIREPY_CACHE`` defaults to ``~/.cache/wirepy``); a second run finds them
there and downloads nothing. ``--print-dir`` prints that folder.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import List


def cache_root() -> Path:
    return Path(os.environ.get("WIREPY_CACHE") or Path.home() / ".cache" / "wirepy")


def installed_version() -> str:
    """The Debian version of the installed libwireshark (its tshark's source)."""
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "tshark"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def upstream_version(debian_version: str) -> str:
    return re.sub(r"^\d+:", "", debian_version).split("-")[0]


def captures_dir(version: str | None = None) -> Path:
    version = version or upstream_version(installed_version())
    return cache_root() / f"wireshark-{version}" / "captures"


def deb_src_lines() -> List[str]:
    """deb-src lines for every deb source the system has (one-line and deb822)."""
    lines = []
    for path in ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*.list"))]:
        if os.path.exists(path):
            for line in Path(path).read_text().splitlines():
                line = line.split("#", 1)[0].strip()
                if line.startswith("deb "):
                    lines.append("deb-src" + line[3:])
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        for stanza in re.split(r"\n\s*\n", Path(path).read_text()):
            fields = {}
            for line in stanza.splitlines():
                if line.startswith("#") or ":" not in line or line[0].isspace():
                    continue
                key, value = line.split(":", 1)
                fields[key.strip().lower()] = value.strip()
            if "deb" not in fields.get("types", "").split():
                continue
            if fields.get("enabled", "yes").lower() == "no":
                continue
            opts = f"[signed-by={fields['signed-by']}] " if "signed-by" in fields else ""
            for uri in fields.get("uris", "").split():
                for suite in fields.get("suites", "").split():
                    lines.append(f"deb-src {opts}{uri} {suite} {fields.get('components', '')}")
    return lines


def fetch(dest: Path, debian_version: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="wirepy-src-", dir=dest.parent))
    try:
        (work / "lists" / "partial").mkdir(parents=True)
        (work / "archives" / "partial").mkdir(parents=True)
        sources = work / "sources.list"
        sources.write_text("\n".join(deb_src_lines()) + "\n")
        apt_opts = [f"-oDir::Etc::SourceList={sources}", "-oDir::Etc::SourceParts=-",
                    f"-oDir::State::Lists={work / 'lists'}",
                    f"-oDir::Cache::Archives={work / 'archives'}",
                    "-oDebug::NoLocking=1", "-oAPT::Sandbox::User=root",
                    "-oAcquire::Check-Valid-Until=false", "-q"]
        subprocess.run(["apt-get", *apt_opts, "update"], check=True, cwd=work,
                       stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", *apt_opts, "source", "--download-only",
                        f"wireshark={debian_version}"], check=True, cwd=work,
                       stdout=subprocess.DEVNULL)
        tarballs = sorted(work.glob("wireshark_*.orig.tar.*"))
        if not tarballs:
            raise SystemExit(f"apt-get source wireshark={debian_version}: no orig tarball")
        tmp = work / "captures"
        tmp.mkdir()
        with tarfile.open(tarballs[0]) as tar:
            for member in tar:
                parts = member.name.split("/")
                if len(parts) == 4 and parts[1:3] == ["test", "captures"] and member.isfile():
                    member.name = parts[3]
                    tar.extract(member, tmp, filter="data") if hasattr(tarfile, "data_filter") \
                        else tar.extract(member, tmp)
        if not any(tmp.iterdir()):
            raise SystemExit(f"{tarballs[0].name} has no test/captures")
        tmp.rename(dest)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: List[str]) -> int:
    debian_version = installed_version()
    dest = captures_dir(upstream_version(debian_version))
    if not dest.is_dir():
        dest.parent.mkdir(parents=True, exist_ok=True)
        print(f"fetching Wireshark {debian_version}'s test/captures into {dest}",
              file=sys.stderr)
        fetch(dest, debian_version)
    if "--print-dir" in argv:
        print(dest)
    else:
        print(f"{len(list(dest.iterdir()))} Wireshark test captures in {dest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
