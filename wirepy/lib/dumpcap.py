"""Live capture through ``dumpcap`` (work in progress)."""

from .dumpcap_syncpipe import BadFilterError, BrokenPipe, ChildError, DumpcapError, NoEvents

__all__ = ["DumpcapError", "ChildError", "BadFilterError", "BrokenPipe", "NoEvents"]
