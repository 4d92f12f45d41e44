"""Process policies and credentials from libwsutil (privileges.h)."""

from __future__ import annotations

from . import glib2
from .wireshark import lib

__all__ = [
    "init_process_policies", "started_with_special_privs", "running_with_special_privs",
    "relinquish_special_privs_perm", "get_cur_username", "get_cur_groupname",
]


def init_process_policies() -> None:
    """Called when the program starts, to enable security features and save
    whatever credential information we'll need later.

    :func:`wirepy.lib.wireshark.initialize` calls it; calling it again is
    harmless.
    """
    lib.init_process_policies()


def started_with_special_privs() -> bool:
    """Return True if this program started with special privileges.

    :func:`init_process_policies` must have been called before calling
    this (Wireshark asserts it, so this function makes sure it was).
    """
    lib.init_process_policies()
    return bool(lib.started_with_special_privs())


def running_with_special_privs() -> bool:
    """Return True if this program is running with special privileges.

    :func:`init_process_policies` must have been called before calling this.
    """
    lib.init_process_policies()
    return bool(lib.running_with_special_privs())


def relinquish_special_privs_perm() -> None:
    """Permanently relinquish special privileges.

    Only meaningful for set-uid/set-gid programs: it resets the effective
    ids to the real ones. :func:`init_process_policies` must have been
    called before calling this.
    """
    lib.init_process_policies()
    lib.relinquish_special_privs_perm()


def get_cur_username() -> str:
    """Get the current username or "UNKNOWN" on failure."""
    return glib2.from_gchar(lib.get_cur_username())


def get_cur_groupname() -> str:
    """Get the current group or "UNKNOWN" on failure."""
    return glib2.from_gchar(lib.get_cur_groupname())
