"""Display filters for the Pythonic API."""

from __future__ import annotations

from .errors import DisplayFilterError
from .lib import dfilter as _dfilter

__all__ = ["DisplayFilter", "DisplayFilterError"]


class DisplayFilter(_dfilter.DisplayFilter):
    """A display filter, compiled by Wireshark (macros expanded).

    >>> DisplayFilter("tcp.port == 80 && http").text
    'tcp.port == 80 && http'

    :raises DisplayFilterError: with Wireshark's message and the location
        of the error when the text does not compile.

    Deprecated tokens (``~=``, protocol aliases like ``ssl``) give a
    :class:`DeprecationWarning` and are listed in :attr:`deprecated`.
    """

    def __init__(self, expr: str) -> None:
        if not isinstance(expr, str):
            raise TypeError(f"a display filter is a str, not {type(expr).__name__}")
        try:
            super().__init__(expr)
        except _dfilter.DisplayFilterError as exc:
            raise DisplayFilterError(exc.message, exc.location, expr) from None
