"""Process policies and credentials."""

import grp
import os
import pwd

from wirepy.lib import wsutil


def test_user_and_group_names_match_the_os():
    wsutil.init_process_policies()
    assert wsutil.get_cur_username() == pwd.getpwuid(os.getuid()).pw_name
    assert wsutil.get_cur_groupname() == grp.getgrgid(os.getgid()).gr_name


def test_special_privileges_follow_the_uid():
    wsutil.init_process_policies()
    # libwsutil counts root (uid 0) as special privileges, like set-uid.
    expected = os.getuid() == 0 or os.geteuid() != os.getuid()
    assert wsutil.started_with_special_privs() is expected
    assert wsutil.running_with_special_privs() is (os.geteuid() == 0
                                                   or os.geteuid() != os.getuid())


def test_relinquish_is_harmless_when_not_setuid():
    uid, euid = os.getuid(), os.geteuid()
    wsutil.relinquish_special_privs_perm()
    assert (os.getuid(), os.geteuid()) == (uid, euid)
