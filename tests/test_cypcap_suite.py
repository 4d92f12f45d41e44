"""cypcap's own test suite, run against wirepy.lib.pcap imported as ``cypcap``.

wirepy.lib.pcap claims to be a drop-in for cypcap; this runs the 59 tests of
cypcap 0.6.3 (``tests/test_cypcap.py`` of its sdist, fetched with ``pip
download`` into a cache outside the repository and checked against its
SHA-256) and requires every one to pass. Nothing of cypcap is kept in the
repository. ``tests/cypcap_suite_conftest.py`` stands in for cypcap's own
conftest: it maps ``cypcap`` to wirepy.lib.pcap and names the interface.

The suite captures and injects on a live interface. It gets a veth pair in
a network namespace this test creates and deletes (IPv6 off, so the kernel
sends nothing of its own into the captures; one address, 127.0.13.1/32, in
the namespace only). The suite's ICMP echo frame is addressed to 8.8.8.8;
the copy run here addresses it to 127.0.0.1 instead (it only goes through
the veth pair, and the test compares bytes, so nothing else changes).
Root is needed for the namespace and for capturing; without it, or where
namespaces cannot be made, the test is skipped.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import fetch_wireshark_captures
import pytest

VERSION = "0.6.3"
SDIST = f"cypcap-{VERSION}.tar.gz"
SHA256 = "2940eab714ac8a11df547f7bbe24fcebedced0571620038e6b0825d33ef5a02f"
MEMBER = f"cypcap-{VERSION}/tests/test_cypcap.py"
TESTS = 59
ECHO_DST = (b'dst=b"\\x08\\x08\\x08\\x08"', b'dst=b"\\x7f\\x00\\x00\\x01"')
INTERFACE, PEER, ADDRESS = "wpc0", "wpc1", "127.0.13.1/32"
HERE = Path(__file__).resolve().parent


def cache_dir() -> Path:
    """The test suite's cache ($WIREPY_CACHE, default ~/.cache/wirepy)."""
    return fetch_wireshark_captures.cache_root()


def sdist() -> Path:
    """cypcap's sdist from the cache, downloaded by pip the first time."""
    path = cache_dir() / SDIST
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # --no-binary for cypcap alone (":all:" would build its build
        # dependency Cython from source, minutes of CPU) and no build
        # isolation: preparing its metadata needs nothing but setuptools.
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q",
             "--no-deps", "--no-build-isolation", "--no-binary", "cypcap",
             f"cypcap=={VERSION}", "-d", str(path.parent)],
            capture_output=True, text=True, timeout=600)
        if proc.returncode != 0 or not path.exists():
            pytest.fail(f"pip download of cypcap {VERSION} failed:\n{proc.stdout}{proc.stderr}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == SHA256, f"{path}: SHA-256 {digest}, expected {SHA256} (remove it to refetch)"
    return path


def suite_dir(tmp: Path) -> Path:
    """A directory with cypcap's test module, our conftest and an empty ini."""
    with tarfile.open(sdist()) as tar:
        source = tar.extractfile(MEMBER).read()
    assert source.count(ECHO_DST[0]) == 1, "the echo packet's address is not where expected"
    (tmp / "test_cypcap.py").write_bytes(source.replace(*ECHO_DST))
    shutil.copy(HERE / "cypcap_suite_conftest.py", tmp / "conftest.py")
    # Its own rootdir: wirepy's pytest options do not apply to cypcap's suite.
    (tmp / "pytest.ini").write_text("[pytest]\n")
    return tmp


@pytest.fixture
def netns():
    if os.geteuid() != 0:
        pytest.skip("cypcap's suite needs root: a network namespace and live capture")
    ip = shutil.which("ip")
    if ip is None:
        pytest.skip("iproute2 (ip) not installed")
    name = f"wpcyp{os.getpid()}"

    def run(*args):
        return subprocess.run([ip, *args], capture_output=True, text=True, check=True)

    try:
        run("netns", "add", name)
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"cannot create a network namespace here: {exc.stderr.strip()}")
    try:
        try:
            # IPv6 off before the veths exist, so they never send a router
            # solicitation or DAD probe into the suite's captures.
            subprocess.run([ip, "netns", "exec", name, sys.executable, "-c",
                            "import os\n"
                            "for k in ('all', 'default'):\n"
                            "    p = f'/proc/sys/net/ipv6/conf/{k}/disable_ipv6'\n"
                            "    if os.path.exists(p): open(p, 'w').write('1')\n"],
                           check=True, capture_output=True, text=True)
            run("-n", name, "link", "add", INTERFACE, "type", "veth", "peer", "name", PEER)
            run("-n", name, "addr", "add", ADDRESS, "dev", INTERFACE)
            for dev in (INTERFACE, PEER, "lo"):
                run("-n", name, "link", "set", dev, "up")
        except subprocess.CalledProcessError as exc:
            pytest.skip(f"cannot set up a veth pair in a namespace here: {exc.stderr.strip()}")
        yield name
    finally:
        subprocess.run([ip, "netns", "del", name], capture_output=True)


def results(junit: Path) -> dict:
    """{test id: (outcome, message)} from pytest's JUnit XML."""
    out = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = "failed" if child.tag == "failure" else child.tag
                message = (child.get("message") or "").splitlines()[0:1]
                message = message[0] if message else ""
                break
        out[case.get("name")] = (outcome, message)
    return out


def test_cypcap_suite(netns, tmp_path):
    for module in ("dpkt", "netifaces"):
        try:
            __import__(module)
        except ImportError:
            pytest.fail(f"cypcap's suite needs {module}: pip install dpkt netifaces "
                        "(make test installs them)")
    suite = suite_dir(tmp_path)
    junit = tmp_path / "junit.xml"
    env = dict(os.environ, WIREPY_CYPCAP_INTERFACE=INTERFACE,
               PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    cmd = ["ip", "netns", "exec", netns, sys.executable, "-m", "pytest", "-q",
           "-p", "no:cacheprovider", "-o", "faulthandler_timeout=60", f"--junitxml={junit}",
           "--rootdir", str(suite), str(suite / "test_cypcap.py")]
    try:
        # About 20 s; a read that never returns ends here instead of hanging.
        proc = subprocess.run(cmd, cwd=suite, env=env, capture_output=True, text=True,
                              timeout=300)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"cypcap's suite did not finish in 300 s:\n{exc.stdout}")
    assert junit.exists(), f"cypcap's suite did not run:\n{proc.stdout}{proc.stderr}"
    got = results(junit)
    table = "\n".join(f"{outcome:8} {name}" + (f": {msg}" if msg else "")
                      for name, (outcome, msg) in got.items())
    print(table)
    passed = sum(outcome == "passed" for outcome, _ in got.values())
    assert (passed, len(got)) == (TESTS, TESTS), (
        f"cypcap's suite: {passed} of {len(got)} passed (expected {TESTS})\n{table}\n"
        f"{proc.stdout[-6000:]}")
