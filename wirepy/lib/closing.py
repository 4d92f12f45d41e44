"""The close protocol of wirepy's objects that own a C resource.

:class:`Closing` gives a class with a ``close()`` method the context manager
(``with`` closes) and closes what garbage collection finds still open.
``close()`` must be idempotent and must not touch libwireshark after it was
cleaned up at interpreter exit (:func:`wirepy.lib.wireshark.is_finalized`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["Closing"]


class Closing:
    """Mixin: ``with obj:`` closes it on the way out; so does collection."""

    __slots__ = ()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - nothing to report to at collection time
            pass
