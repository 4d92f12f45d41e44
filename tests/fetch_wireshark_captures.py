"""Fetch Wireshark's own test captures (``test/captures`` of its source) into a cache.

With them comes ``test/keys`` (the key logs and key files Wireshark's own
decryption tests use with those captures), in a ``keys`` folder beside
``captures``.

The captures nobody here wrote: the test suite reads every one of them in
every mode and compares with tshark. They come from the source package of the
Wireshark that is installed (``apt-get source``, download only), so they match
the dissectors under test. Nothing is written to the system's apt
configuration: a deb-src list made from the system's own deb sources lives in
the cache, with its own package lists.

When the installed version's source package cannot be downloaded (a mirror
that lacks it: the Debian mirror of the CI host answers 404 for trixie's and
testing's Wireshark sources), the script falls back to the newest Wireshark
source package it can download from the system's mirrors, looking in the
releases named in FALLBACK_RELEASES as well (in its private apt state), and
says on stderr whose captures it uses and why. The oracle stays the installed
tshark: the captures are only the input.

Usage: python tests/fetch_wireshark_captures.py [--print-dir]
The captures end up in ``$WIREPY_CACHE/wireshark-<version>/captures``, or,
from another version's source package,
``$WIREPY_CACHE/wireshark-<version>-captures-from-<source version>/captures``
(``WIREPY_CACHE`` defaults to ``~/.cache/wirepy``); a second run finds them
there and downloads nothing (delete a ``-captures-from-`` folder to try the
installed version's own package again). ``--print-dir`` prints that folder.
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
from functools import cmp_to_key
from pathlib import Path
from typing import List, Optional

#: Debian releases whose Wireshark source packages may stand in for the
#: installed version's (newest first is tried first, whatever the order here).
FALLBACK_RELEASES = ["trixie", "bookworm"]


def cache_root() -> Path:
    return Path(os.environ.get("WIREPY_CACHE") or Path.home() / ".cache" / "wirepy")


def installed_version() -> str:
    """The Debian version of the source package of the installed tshark
    (a binary-only rebuild such as testing's 4.6.9-1+b1 comes from 4.6.9-1)."""
    out = subprocess.run(["dpkg-query", "-W", "-f=${source:Version}", "tshark"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def upstream_version(debian_version: str) -> str:
    return re.sub(r"^\d+:", "", debian_version).split("-")[0]


def own_captures_dir(version: str) -> Path:
    """Where the captures of *version*'s own source package go."""
    return cache_root() / f"wireshark-{version}" / "captures"


def fallback_captures_dir(version: str, source_version: str) -> Path:
    """Where another version's captures go, used for *version*."""
    return cache_root() / f"wireshark-{version}-captures-from-{source_version}" / "captures"


def captures_dir(version: str | None = None) -> Path:
    """The captures for the installed (or given) version: its own source
    package's if fetched, else those of the fallback fetched for it, else
    the own folder's path (not there yet)."""
    version = version or upstream_version(installed_version())
    own = own_captures_dir(version)
    if own.is_dir():
        return own
    found = sorted(cache_root().glob(f"wireshark-{version}-captures-from-*/captures"))
    return found[-1] if found else own


def fetched_captures_dir() -> Path:
    """The captures for the installed version, fetched first (with the keys)
    if the cache lacks them: what the tests call."""
    path = captures_dir()
    if not path.is_dir() or not (path.parent / "keys").is_dir():
        subprocess.run([sys.executable, str(Path(__file__).resolve())], check=True)
        # the installed version's own, or another version's (the script says which)
        path = captures_dir()
    return path


def keys_dir(version: str | None = None) -> Path:
    """Wireshark's ``test/keys``, fetched with the captures (beside them)."""
    return captures_dir(version).parent / "keys"


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


def fallback_src_lines(lines: List[str]) -> List[str]:
    """deb-src lines of FALLBACK_RELEASES on the mirrors of *lines*."""
    out = []
    for line in lines:
        m = re.match(r"deb-src\s+(\[[^]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)", line)
        if not m:
            continue
        opts, uri, components = m.group(1) or "", m.group(2), m.group(4)
        security = "security" in uri
        for release in FALLBACK_RELEASES:
            for suite in ([f"{release}-security"] if security
                          else [release, f"{release}-updates"]):
                out.append(f"deb-src {opts}{uri} {suite} {components}")
    return sorted(set(out) - set(lines))


def _compare_debian_versions(a: str, b: str) -> int:
    if a == b:
        return 0
    lt = subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0
    return -1 if lt else 1


class _SourceTree:
    """A private apt state (lists, archives, sources) under *work*."""

    def __init__(self, work: Path, lines: List[str]) -> None:
        self.work = work
        (work / "lists" / "partial").mkdir(parents=True)
        (work / "archives" / "partial").mkdir(parents=True)
        sources = work / "sources.list"
        sources.write_text("\n".join(lines) + "\n")
        self.opts = [f"-oDir::Etc::SourceList={sources}", "-oDir::Etc::SourceParts=-",
                     f"-oDir::State::Lists={work / 'lists'}",
                     f"-oDir::Cache::Archives={work / 'archives'}",
                     "-oDebug::NoLocking=1", "-oAPT::Sandbox::User=root",
                     "-oAcquire::Check-Valid-Until=false", "-q"]

    def update(self, check: bool) -> None:
        # a suite the mirror does not carry fails the update: not fatal for
        # the fallback releases
        subprocess.run(["apt-get", *self.opts, "update"], check=check, cwd=self.work,
                       stdout=subprocess.DEVNULL,
                       stderr=None if check else subprocess.DEVNULL)

    def versions(self) -> List[str]:
        """Every version of the wireshark source package the lists know, newest first."""
        out = subprocess.run(["apt-cache", *self.opts, "showsrc", "wireshark"],
                             capture_output=True, text=True, cwd=self.work).stdout
        found = set(re.findall(r"^Version:\s*(\S+)", out, re.M))
        return sorted(found, key=cmp_to_key(_compare_debian_versions), reverse=True)

    def download(self, debian_version: str) -> Optional[Path]:
        """The orig tarball of *debian_version*, or None if it cannot be downloaded."""
        proc = subprocess.run(["apt-get", *self.opts, "source", "--download-only",
                               f"wireshark={debian_version}"], cwd=self.work,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        tarballs = sorted(self.work.glob(f"wireshark_{upstream_version(debian_version)}"
                                         ".orig.tar.*"))
        if proc.returncode != 0 or not tarballs:
            lines = proc.stderr.strip().splitlines()
            self.last_error = ([x for x in lines if "404" in x][:1] or lines[-1:]
                               or ["no orig tarball"])
            return None
        return tarballs[0]


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, name: str, folder: Path) -> None:
    member.name = name
    if hasattr(tarfile, "data_filter"):
        tar.extract(member, folder, filter="data")
    else:
        tar.extract(member, folder)


def _replace(folder: Path, dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    folder.rename(dest)


def extract_captures(tarball: Path, dest: Path, work: Path) -> None:
    """test/captures of the source *tarball* into *dest*, and test/keys
    into the ``keys`` folder beside it."""
    folders = {"captures": work / "captures", "keys": work / "keys"}
    for folder in folders.values():
        folder.mkdir()
    with tarfile.open(tarball) as tar:
        for member in tar:
            parts = member.name.split("/")
            if len(parts) == 4 and parts[1] == "test" and parts[2] in folders \
                    and member.isfile():
                _extract(tar, member, parts[3], folders[parts[2]])
    if not any(folders["captures"].iterdir()):
        raise SystemExit(f"{tarball.name} has no test/captures")
    _replace(folders["keys"], dest.parent / "keys")
    _replace(folders["captures"], dest)


def fetch(debian_version: str) -> Path:
    """Fetch the captures for the installed *debian_version*; return their folder."""
    version = upstream_version(debian_version)
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="wirepy-src-", dir=root))
    try:
        lines = deb_src_lines()
        own = _SourceTree(work / "own", lines)
        own.update(check=True)
        tarball = own.download(debian_version)
        if tarball is not None:
            dest = own_captures_dir(version)
            extract_captures(tarball, dest, work)
            return dest
        why = " ".join(own.last_error)
        other = _SourceTree(work / "fallback", lines + fallback_src_lines(lines))
        other.update(check=False)
        for candidate in other.versions():
            if candidate == debian_version:
                continue
            tarball = other.download(candidate)
            if tarball is None:
                continue
            source = upstream_version(candidate)
            print(f"fetch_wireshark_captures: captures of Wireshark {source}'s source "
                  f"package: {version}'s ({debian_version}) is not on the mirror "
                  f"({why}); the oracle is still the installed tshark {version}",
                  file=sys.stderr)
            dest = fallback_captures_dir(version, source)
            extract_captures(tarball, dest, work)
            return dest
        raise SystemExit(f"fetch_wireshark_captures: no Wireshark source package can be "
                         f"downloaded (wireshark={debian_version}: {why}; tried "
                         f"{', '.join(other.versions()) or 'no other version'})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: List[str]) -> int:
    debian_version = installed_version()
    version = upstream_version(debian_version)
    dest = captures_dir(version)
    # (a cache made before the keys were kept has captures only)
    if not dest.is_dir() or not (dest.parent / "keys").is_dir():
        print(f"fetching Wireshark {debian_version}'s test/captures and test/keys into "
              f"{cache_root()}", file=sys.stderr)
        dest = fetch(debian_version)
    if "--print-dir" in argv:
        print(dest)
    else:
        if dest != own_captures_dir(version):
            source = dest.parent.name.rsplit("-captures-from-", 1)[-1]
            print(f"using the captures of Wireshark {source}'s source package for "
                  f"Wireshark {version} (its own was not downloadable; delete "
                  f"{dest.parent} to try again)", file=sys.stderr)
        print(f"{len(list(dest.iterdir()))} Wireshark test captures in {dest}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
