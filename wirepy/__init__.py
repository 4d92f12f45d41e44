"""wirepy: Wireshark from Python, at C speed.

The Pythonic API lives here; the C-level layers are in :mod:`wirepy.lib`.
"""

__version__ = "0.1.0"
