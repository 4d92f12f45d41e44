"""Process-wide initialisation, versions and log redirection."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from wirepy.lib import wireshark
from wirepy.lib.wireshark import ffi, lib

EXPECTED_ORDER = [
    "ws_log_init", "init_process_policies", "configuration_init", "init_report_message",
    "timestamp", "wtap_init", "epan_init", "epan_load_settings", "prefs_apply_all",
]


def run_python(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)


def test_version_reports_runtime_libraries():
    v = wireshark.version()
    assert v.wireshark.split(".")[:2] in (["4", "0"], ["4", "4"], ["4", "6"])
    assert v.libpcap.startswith(("libpcap version 1.10", "libpcap version 1.11"))
    assert v.glib.startswith("2.")
    tshark = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout
    assert f"TShark (Wireshark) {v.wireshark}" in tshark


def test_module_exposes_ffi_and_lib():
    assert wireshark.mod.ffi is ffi and wireshark.mod.lib is lib


def test_import_does_not_initialize_and_first_use_does():
    proc = run_python(
        "from wirepy.lib import wireshark as w, timestamp as t\n"
        "print(w.is_initialized(), w.init_steps(), t.is_initialized())\n"
        "t.set_type(t.UTC)\n"
        "print(w.is_initialized(), ','.join(w.init_steps()), t.get_type().name)\n")
    assert proc.returncode == 0, proc.stderr
    before, after = proc.stdout.splitlines()
    assert before == "False [] False"
    assert after == f"True {','.join(EXPECTED_ORDER)} UTC"
    assert proc.stderr == ""


def test_initialize_order_and_idempotence():
    wireshark.initialize()
    assert wireshark.init_steps() == EXPECTED_ORDER
    wireshark.initialize()
    wireshark.initialize()
    assert wireshark.init_steps() == EXPECTED_ORDER
    assert wireshark.is_initialized()
    assert wireshark.prefs != ffi.NULL and wireshark.prefs.num_cols >= 7


def test_initialized_library_works():
    wireshark.initialize()
    # dissector registration ran: field registry answers
    assert lib.proto_registrar_get_id_byname(b"ip.src") > 0
    assert lib.proto_registrar_get_id_byname(b"no.such.field") == -1
    # wiretap ran: pcapng is registered at run time
    assert lib.wtap_pcapng_file_type_subtype() >= 0


def test_configuration_namespace_is_wireshark():
    wireshark.initialize()
    path = lib.get_persconffile_path(b"preferences", False)
    text = ffi.string(path).decode()
    lib.g_free(path)
    assert "/wireshark/" in text and "logray" not in text


def test_wireshark_log_message_becomes_logging_record(caplog):
    wireshark.initialize()
    with caplog.at_level(logging.DEBUG, logger="wirepy"):
        lib.ws_log(b"Epan", lib.LOG_LEVEL_WARNING, b"%s %d",
                   ffi.new("char[]", b"test warning"), ffi.cast("int", 42))
        delivered = wireshark.flush_log()
    assert delivered == [(logging.WARNING, "Epan", "test warning 42")]
    records = [r for r in caplog.records if r.name == "wirepy"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert records[0].ws_domain == "Epan" and records[0].ws_level == "WARNING"
    assert "test warning 42" in records[0].getMessage()


def test_report_failure_becomes_error_record(caplog):
    wireshark.initialize()
    with caplog.at_level(logging.DEBUG, logger="wirepy"):
        lib.report_failure(b"%s", ffi.new("char[]", b"something broke"))
        lib.report_open_failure(b"/nonexistent/file", 2, False)
        delivered = wireshark.flush_log()
    assert delivered[0] == (logging.ERROR, "Report", "something broke")
    assert delivered[1][0] == logging.ERROR
    assert "/nonexistent/file" in delivered[1][2]
    assert "No such file or directory" in delivered[1][2]


def test_glib_warning_is_routed_too(caplog):
    # ws_log_init installs GLib log handlers: GLib's own warnings arrive too.
    wireshark.initialize()
    with caplog.at_level(logging.DEBUG, logger="wirepy"):
        lib.g_hash_table_size(ffi.NULL)   # GLib: "assertion 'hash_table != NULL' failed"
        delivered = wireshark.flush_log()
    assert any("hash_table != NULL" in text for _, _, text in delivered)


def test_log_level_controls_what_is_queued():
    wireshark.initialize()
    old = wireshark.get_log_level()
    try:
        wireshark.set_log_level(logging.ERROR)
        lib.ws_log(b"Main", lib.LOG_LEVEL_WARNING, b"%s", ffi.new("char[]", b"filtered"))
        assert wireshark.flush_log() == []
        wireshark.set_log_level(logging.DEBUG)
        lib.ws_log(b"Main", lib.LOG_LEVEL_DEBUG, b"%s", ffi.new("char[]", b"shown"))
        assert [t for _, _, t in wireshark.flush_log()] == ["shown"]
    finally:
        wireshark.set_log_level(old)


def test_nothing_written_to_stderr_and_clean_exit():
    proc = run_python(
        "from wirepy.lib import wireshark as w\n"
        "from wirepy.lib.wireshark import lib, ffi\n"
        "w.initialize()\n"
        "lib.ws_log(b'Main', lib.LOG_LEVEL_WARNING, b'%s', ffi.new('char[]', b'quiet'))\n"
        "w.on_exit(lambda: print('hook ran'))\n")
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert proc.stdout == "hook ran\n"


def test_no_second_life_after_cleanup():
    # Wireshark cannot be initialised again once cleaned up (epan_init after
    # epan_cleanup crashes): initialize() must refuse, clearly, for good.
    proc = run_python(
        "from wirepy.lib import wireshark as w\n"
        "w.initialize()\n"
        "w._cleanup_at_exit()\n"
        "print(w.is_finalized(), w.is_initialized())\n"
        "for _ in range(2):\n"
        "    try:\n"
        "        w.initialize()\n"
        "    except w.WiresharkError as e:\n"
        "        print('refused:', e)\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "True False",
        "refused: libwireshark was already cleaned up (interpreter exit)",
        "refused: libwireshark was already cleaned up (interpreter exit)",
    ]


def test_exit_hooks_do_not_keep_objects_alive():
    import gc

    class Resource:
        closed = 0

        def close(self):
            Resource.closed += 1

    kept, dropped = Resource(), Resource()
    wireshark.on_exit(kept.close)
    wireshark.on_exit(dropped.close)
    del dropped
    gc.collect()
    alive = [ref() for ref in wireshark._exit_hooks]
    assert kept.close in alive
    assert sum(1 for hook in alive if getattr(hook, "__self__", None) is not None
               and type(hook.__self__) is Resource) == 1


@pytest.mark.parametrize("module", ["glib2", "wsutil", "timestamp", "cdata", "wireshark"])
def test_modules_import_cleanly(module):
    proc = run_python(f"import wirepy.lib.{module}")
    assert proc.returncode == 0 and proc.stderr == ""


def test_ctrl_c_during_initialisation_is_deferred():
    """A SIGINT that lands while libwireshark initialises is raised once it
    is fully set up (not half set up, failed for good)."""
    script = """
import os, signal, threading
from wirepy.lib import wireshark
# Ctrl-C 20 ms in, while epan_init registers the dissectors (~150 ms)
threading.Timer(0.02, os.kill, (os.getpid(), signal.SIGINT)).start()
try:
    wireshark.initialize()
    print("not interrupted")
except KeyboardInterrupt:
    print("interrupted", wireshark.is_initialized(), wireshark.init_steps()[-1])
import wirepy
print(len(list(wirepy.FileCapture("examples/sample.pcapng", fields=["ip.src"]))))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, cwd=str(Path(__file__).resolve().parent.parent))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["interrupted True prefs_apply_all", "26"]


def test_other_signal_exceptions_during_initialisation_leave_it_resumable():
    """An exception from another signal handler (a timeout's SIGALRM) is not
    held back; libwireshark's side knows how far it got, so the next call
    finishes instead of failing for good or running a step twice."""
    script = """
import signal
from wirepy.lib import wireshark
class Timeout(Exception):
    pass
def ring(signum, frame):
    raise Timeout()
signal.signal(signal.SIGALRM, ring)
outcomes = []
for delay in (0.0005, 0.02):
    signal.setitimer(signal.ITIMER_REAL, delay)
    try:
        wireshark.initialize()
        outcomes.append("done")
    except Timeout:
        outcomes.append("timeout")
    signal.setitimer(signal.ITIMER_REAL, 0)
print(outcomes[0])
wireshark.initialize()
print(wireshark.is_initialized(), ",".join(wireshark.init_steps()))
import wirepy
print(len(list(wirepy.FileCapture("examples/sample.pcapng", fields=["ip.src"]))))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, cwd=str(Path(__file__).resolve().parent.parent))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:3] == ["timeout", f"True {','.join(EXPECTED_ORDER)}", "26"]


def test_local_time_zone_is_pinned_unless_set(tmp_path):
    """TZ names /etc/localtime when unset (glibc then stops stat-ing it per
    localtime() call); a TZ the user set is kept and Wireshark's local
    times follow it, as tshark's do."""
    import os

    from api_fixtures import SAMPLE
    code = ("import os, wirepy\n"
            "pkt = next(iter(wirepy.FileCapture({!r})))\n"
            "print(os.environ.get('TZ'))\n"
            "print([n.label for n in pkt.tree if n.abbrev == 'frame.time'][0])\n")
    env = {k: v for k, v in os.environ.items() if k != "TZ"}
    unset = subprocess.run([sys.executable, "-c", code.format(str(SAMPLE))], env=env,
                           capture_output=True, text=True, timeout=120)
    assert unset.returncode == 0, unset.stderr
    tz, label = unset.stdout.splitlines()
    assert tz == (":/etc/localtime" if os.path.exists("/etc/localtime") else "None")
    expected = subprocess.run(["tshark", "-r", str(SAMPLE), "-c", "1", "-V"], env=env,
                              capture_output=True, text=True).stdout
    assert f"    {label}\n" in expected
    paris = subprocess.run([sys.executable, "-c", code.format(str(SAMPLE))],
                           env={**env, "TZ": "Europe/Paris"}, capture_output=True, text=True,
                           timeout=120)
    tz, label_paris = paris.stdout.splitlines()
    assert tz == "Europe/Paris" and label_paris != label and "CE" in label_paris
    expected = subprocess.run(["tshark", "-r", str(SAMPLE), "-c", "1", "-V"],
                              env={**env, "TZ": "Europe/Paris"}, capture_output=True,
                              text=True).stdout
    assert f"    {label_paris}\n" in expected
