"""wirepy: Wireshark from Python, at C speed.

>>> import wirepy
>>> for pkt in wirepy.FileCapture("examples/sample.pcapng", display_filter="dns"):
...     print(pkt.number, pkt["dns.qry.name"])
7 www.example.com
8 www.example.com
25 www.example.com
26 www.example.com

The Pythonic API lives here (:class:`FileCapture`, :class:`Packet`,
:class:`DisplayFilter`, ...); the C-level layers are in :mod:`wirepy.lib`.
"""

__version__ = "0.1.0"

from . import fields  # noqa: E402
from .capture import FileCapture, dissect  # noqa: E402
from .errors import (  # noqa: E402
    CaptureFileError,
    CaptureFileNotFoundError,
    DisplayFilterError,
    PreferenceError,
    SessionBusyError,
    UnknownFieldError,
    WirepyError,
)
from .export import to_arrow, to_dataframe  # noqa: E402
from .filters import DisplayFilter  # noqa: E402
from .live import LiveCapture, LiveCaptureError  # noqa: E402
from .packet import Columns, Layer, Packet  # noqa: E402

__all__ = [
    "FileCapture", "LiveCapture", "LiveCaptureError", "dissect", "Packet", "Columns",
    "Layer", "DisplayFilter", "DisplayFilterError", "fields", "to_dataframe", "to_arrow",
    "WirepyError", "CaptureFileError", "CaptureFileNotFoundError", "UnknownFieldError",
    "PreferenceError", "SessionBusyError", "__version__",
]
