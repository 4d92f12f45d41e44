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

from typing import Any  # noqa: E402

from .capture import FileCapture  # noqa: E402
from .errors import (  # noqa: E402
    CaptureFileError,
    CaptureFileNotFoundError,
    DisplayFilterError,
    KeyLogFileNotFoundError,
    PreferenceError,
    SessionBusyError,
    SessionResetWarning,
    UnknownFieldError,
    WirepyError,
)
from .filters import DisplayFilter  # noqa: E402
from .frames import Dissector, dissect  # noqa: E402
from .packet import Columns, Layer, Packet  # noqa: E402

__all__ = [
    "FileCapture", "LiveCapture", "LiveCaptureError", "dissect", "Dissector", "Packet",
    "Columns", "Layer", "DisplayFilter", "DisplayFilterError", "fields", "to_dataframe",
    "to_arrow", "to_parquet", "dask", "WirepyError", "CaptureFileError",
    "CaptureFileNotFoundError", "UnknownFieldError", "PreferenceError", "SessionBusyError",
    "SessionResetWarning", "KeyLogFileNotFoundError", "stats", "follow", "export_objects",
    "plot", "__version__",
]

# Imported on first use: a script that reads a file does not pay for
# dumpcap's machinery, the exporters or the field search (about 25 ms of
# start-up, which counts for short captures).
_LAZY = {
    "LiveCapture": ("live", "LiveCapture"),
    "LiveCaptureError": ("live", "LiveCaptureError"),
    "to_dataframe": ("export", "to_dataframe"),
    "to_arrow": ("export", "to_arrow"),
    "to_parquet": ("parquet", "to_parquet"),
    "dask": ("dask", None),
    "fields": ("fields", None),
    "stats": ("stats", None),
    "follow": ("follow", None),
    "export_objects": ("export_objects", None),
    "plot": ("plot", None),
}


def __getattr__(name: str) -> Any:
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'wirepy' has no attribute {name!r}") from None
    import importlib

    loaded = importlib.import_module(f".{module}", __name__)
    value = loaded if attr is None else getattr(loaded, attr)
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(__all__))
