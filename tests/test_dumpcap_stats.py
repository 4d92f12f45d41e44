"""LiveInterfaceStats (``dumpcap -S``) on the loopback interface."""

import gc
import time

import pytest
from dumpcap_fixtures import assert_gone, needs_capture

from wirepy.lib.dumpcap import LiveInterfaceStats, NoEvents

pytestmark = [needs_capture, pytest.mark.usefixtures("no_leftover_dumpcap")]


def test_lo_counters_rise_while_sending(udp_peer):
    with LiveInterfaceStats() as stats:
        stats.wait_for_tick(timeout=10)
        assert "lo" in stats.interfaces
        assert len(stats) == len(stats.interfaces) >= 1
        received, dropped = stats["lo"]
        assert dropped >= 0
        stats.clear_tick()
        udp_peer.send(50)
        seen = [received]
        deadline = time.monotonic() + 10
        for results in stats:
            assert ("lo", stats["lo"]) in results
            seen.append(dict(results)["lo"][0])
            # Each datagram crosses lo once; other traffic only adds.
            if seen[-1] >= received + 50 or time.monotonic() > deadline:
                break
        assert seen[-1] >= received + 50, seen
        assert seen == sorted(seen)
        with pytest.raises(KeyError):
            stats["no-such-interface"]
        pid = stats.pid
    assert_gone(pid)


def test_wait_for_tick_timeout_and_end():
    stats = LiveInterfaceStats()
    stats.wait_for_tick(timeout=10)
    stats.clear_tick()
    start = time.monotonic()
    with pytest.raises(NoEvents):
        stats.wait_for_tick(timeout=0.1)
    assert time.monotonic() - start < 0.9   # dumpcap reports once a second
    stats.terminate()
    assert_gone(stats.pid)
    # The iterator ends once dumpcap has been terminated.
    stats.clear_tick()
    assert list(stats) == []
    with pytest.raises(NoEvents):
        stats.wait_for_tick(timeout=5)
    stats.terminate()


def test_generator_is_reaped_on_garbage_collection():
    pids = []

    def gen():
        with LiveInterfaceStats() as s:
            pids.append(s.pid)
            yield from s

    it = gen()
    first = next(it)
    assert any(name == "lo" for name, _ in first)
    del it
    gc.collect()
    assert_gone(pids[0])


def test_killed_stats_dumpcap_is_childerror():
    import os
    import signal

    from wirepy.lib.dumpcap import ChildError

    with LiveInterfaceStats() as stats:
        stats.wait_for_tick(timeout=10)
        stats.clear_tick()
        os.kill(stats.pid, signal.SIGKILL)
        with pytest.raises(ChildError, match="SIGKILL"):
            for _ in stats:
                pass
        assert_gone(stats.pid)
