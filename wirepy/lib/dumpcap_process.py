"""Starting, watching and reaping ``dumpcap`` child processes.

Helpers shared by :mod:`wirepy.lib.dumpcap`: locating the executable, running
the one-shot commands (``-D``, ``-L``, ``-k``) and a :class:`Child` that
owns a running ``dumpcap``, reads its sync pipe (and optionally its standard
output) in a daemon thread and makes sure the process is reaped whatever
happens to its owner.
"""

from __future__ import annotations

import os
import queue
import selectors
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence

from .dumpcap_syncpipe import (
    SP_ERROR_MSG,
    SP_SUCCESS,
    BrokenPipe,
    ChildError,
    DumpcapError,
    Message,
    SyncPipeParser,
)

DEBIAN_PACKAGE = "wireshark-common"
#: Seconds a one-shot command (interface list, capabilities) may take.
COMMAND_TIMEOUT = 30.0
#: Seconds ``dumpcap`` gets to finish its files after SIGTERM before SIGKILL.
TERMINATE_GRACE = 5.0


class DumpcapNotFound(DumpcapError, FileNotFoundError):
    """The ``dumpcap`` executable could not be found."""

    __module__ = "wirepy.lib.dumpcap"


def resolve(dumpcap_bin: Sequence[str]) -> list[str]:
    """The argument list that starts ``dumpcap`` in capture-child mode."""
    if isinstance(dumpcap_bin, (str, bytes, os.PathLike)):
        dumpcap_bin = (dumpcap_bin,)
    if not dumpcap_bin:
        raise DumpcapNotFound("DUMPCAP_BIN is empty")
    exe = os.fspath(dumpcap_bin[0])
    found = shutil.which(exe)
    if found is None:
        raise DumpcapNotFound(
            f"dumpcap executable {exe!r} not found; on Debian/Ubuntu install the package "
            f"{DEBIAN_PACKAGE} (apt-get install {DEBIAN_PACKAGE})")
    # -Z first: every later complaint (even about arguments) is then framed.
    return [found, *(os.fspath(a) for a in dumpcap_bin[1:]), "-Z", "none"]


def popen(argv: list, stdout: int) -> subprocess.Popen:
    try:
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stdout,
                                stderr=subprocess.PIPE, close_fds=True)
    except FileNotFoundError as exc:
        raise DumpcapNotFound(
            f"dumpcap could not be started ({exc}); on Debian/Ubuntu install the package "
            f"{DEBIAN_PACKAGE}") from exc
    except PermissionError as exc:
        raise ChildError(f"dumpcap could not be started: {exc}") from exc


def describe_status(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        return f"dumpcap was killed by signal {name}"
    return f"dumpcap exited with status {returncode}"


def _stderr_text(data: bytes) -> str:
    return data.decode("utf-8", "replace").strip()


def run_command(argv: list) -> bytes:
    """Run a one-shot ``dumpcap`` command; returns its standard output.

    ``dumpcap`` answers ``SP_SUCCESS`` and then writes its data, or
    ``SP_ERROR_MSG`` and exits non-zero.

    :raises: :py:exc:`ChildError` with ``dumpcap``'s message.
    """
    proc = popen(argv, subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=COMMAND_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise ChildError(f"dumpcap did not answer within {COMMAND_TIMEOUT} seconds") from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    try:
        messages = SyncPipeParser().parse_all(err)
    except BrokenPipe:
        # Some libraries dumpcap links write plain text to stderr; show it all.
        raise ChildError(f"{describe_status(proc.returncode)}: {_stderr_text(err)}") from None
    for msg in messages:
        if msg.indicator == SP_ERROR_MSG:
            raise ChildError(str(msg.payload))
    if not messages or messages[0].indicator != SP_SUCCESS:
        raise ChildError(f"{describe_status(proc.returncode)} without reporting success")
    if proc.returncode != 0:
        raise ChildError(describe_status(proc.returncode))
    return out


# Items the reader thread puts on the queue.
EVENT = "event"
END = "end"
BROKEN = "broken"


class Child:
    """A running ``dumpcap``, its reader thread and its event queue.

    Holds no reference to the object that owns it, so that the owner can be
    garbage-collected (and its finalizer reap the child) while the thread runs.
    """

    def __init__(self, argv: list, on_message: Callable[[Message], None] | None = None,
                 on_stdout: Callable[[bytes], None] | None = None) -> None:
        self.queue: queue.Queue = queue.Queue()
        self.on_message = on_message
        self.on_stdout = on_stdout
        self.requested_stop = False
        self.returncode: int | None = None
        self.broken: BrokenPipe | None = None
        self.stderr_excess = b""
        self.proc = popen(argv, subprocess.PIPE if on_stdout is not None else
                          subprocess.DEVNULL)
        self.pid = self.proc.pid
        self.thread = threading.Thread(target=self._run, name=f"dumpcap-{self.pid}",
                                       daemon=True)
        self.thread.start()

    # -- reader thread ---------------------------------------------------
    def _run(self) -> None:
        parser = SyncPipeParser()
        sel = selectors.DefaultSelector()
        streams = {self.proc.stderr.fileno(): "err"}
        if self.on_stdout is not None:
            streams[self.proc.stdout.fileno()] = "out"
        for fd in streams:
            sel.register(fd, selectors.EVENT_READ)
        try:
            while streams:
                for key, _ in sel.select(timeout=1.0):
                    fd = key.fd
                    data = os.read(fd, 65536)
                    if not data:
                        sel.unregister(fd)
                        if streams.pop(fd) == "err":
                            parser.close()
                        continue
                    if streams[fd] == "out":
                        self.on_stdout(data)
                        continue
                    for msg in parser.feed(data):
                        if self.on_message is not None:
                            self.on_message(msg)
                        self.queue.put((EVENT, msg))
        except BrokenPipe as exc:
            self.broken = exc
            self.queue.put((BROKEN, exc))
            # The framing is lost; the child would only block on a full pipe.
            self.kill()
        except Exception as exc:  # pragma: no cover - a bug, but never hang the caller
            self.broken = BrokenPipe(f"The thread reading from dumpcap died: {exc!r}")
            self.queue.put((BROKEN, self.broken))
            self.kill()
        finally:
            sel.close()
            self.returncode = self._reap()
            self.proc.stderr.close()
            if self.proc.stdout is not None:
                self.proc.stdout.close()
            self.queue.put((END, self.returncode))

    def _reap(self) -> int:
        # After EOF dumpcap is exiting; do not trust it to, though.
        try:
            return self.proc.wait(timeout=TERMINATE_GRACE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    # -- control ---------------------------------------------------------
    def running(self) -> bool:
        return self.proc.poll() is None

    def send_signal(self, signum: int) -> None:
        # Popen.send_signal does nothing once the child has been reaped, so a
        # recycled pid is never hit.
        self.proc.send_signal(signum)

    def kill(self) -> None:
        self.proc.kill()

    def shutdown(self, grace: float = TERMINATE_GRACE) -> int:
        """SIGTERM (``dumpcap`` finishes its file), SIGKILL after *grace*; reap."""
        self.requested_stop = True
        if self.proc.poll() is None:
            self.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.thread is not threading.current_thread():
            self.thread.join(timeout=grace)
        return self.proc.returncode

    def join(self, timeout: float | None) -> bool:
        """Wait for the reader thread (and so the child) to finish."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.thread.is_alive():
            remaining = 1.0 if deadline is None else min(1.0, deadline - time.monotonic())
            if remaining <= 0:
                return False
            self.thread.join(remaining)
        return True

    def failure(self) -> str | None:
        """Why the child's exit counts as failure, or None."""
        rc = self.returncode
        if rc is None or rc == 0:
            return None
        if self.requested_stop and rc in (-signal.SIGTERM, -signal.SIGKILL, -signal.SIGINT):
            return None
        return describe_status(rc)
