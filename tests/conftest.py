"""The fixtures every test file may ask for by name.

They are written in the fixture module of their layer
(``tests/<layer>_fixtures.py``, next to the helpers that make the files they
hand out); naming them here makes them pytest fixtures for all test files,
so no test file has to re-bind them.
"""

import signal

from api_fixtures import capture  # noqa: F401
from dumpcap_fixtures import no_leftover_dumpcap, udp_peer  # noqa: F401
from epan_fixtures import any_capture, capture_dir, mix_pcap, mix_pcapng, tls_capture  # noqa: F401
from follow_fixtures import http_capture, smtp_capture, tftp_capture  # noqa: F401
from scale_fixtures import big_capture, link_captures, truncated_capture  # noqa: F401
from wtap_fixtures import packets, pcap_file, pcapng_file  # noqa: F401

# A test run started in the background by a shell without job control
# (``make test &``, nohup) inherits SIGINT ignored, and Python then leaves it
# ignored: the Ctrl-C tests (here and in the interpreters they start) would
# wait for a KeyboardInterrupt that never comes. Give SIGINT its usual
# handler, as an interactive run has; the children then inherit the default.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
