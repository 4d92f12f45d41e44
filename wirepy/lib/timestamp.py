"""Functions to get/set the timestamp-type behaviour of Wireshark.

The type decides how the time column and relative/delta times are shown,
the precision how many decimals are printed, the seconds-type whether
seconds are printed plain or as hours/minutes/seconds. Values are the
module's constants (members of :class:`Type`, :class:`Precision` and
:class:`SecondsType`); anything else raises :class:`InvalidTimestampValue`.
"""

from __future__ import annotations

import datetime
import enum

from . import wireshark
from .wireshark import lib

__all__ = [
    "TimestampError", "InvalidTimestampValue", "Type", "Precision", "SecondsType",
    "get_type", "set_type", "get_precision", "set_precision", "get_seconds_type",
    "set_seconds_type", "is_initialized", "TimestampRangeError", "UNIX_EPOCH", "utc_datetime",
    "far_time_ns", "far_delta_ns",
]


class TimestampError(Exception):
    """Base-class for all timestamp-related errors."""


class InvalidTimestampValue(TimestampError, ValueError):
    """An invalid timestamp-type was used."""


class TimestampRangeError(TimestampError, OverflowError):
    """A time stamp outside the years a :class:`datetime.datetime` holds
    (1 to 9999). Captures have them (tshark shows year 17988 for some);
    the integer forms of the same time (``time_ns``, seconds and
    nanoseconds) hold any of them."""


#: The Unix epoch in UTC: absolute times count from it (:data:`EPOCH` is
#: the original wirepy API's time-stamp type of that name).
UNIX_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_SECONDS_PER_YEAR = 31556952   # the Gregorian calendar's mean year


def utc_datetime(secs: int, nsecs: int = 0) -> datetime.datetime:
    """*secs* and *nsecs* since the epoch as an aware UTC datetime
    (microsecond precision).

    :raises TimestampRangeError: for a time outside the years 1 to 9999.
    """
    try:
        return UNIX_EPOCH + datetime.timedelta(seconds=secs, microseconds=nsecs // 1000)
    except OverflowError:
        year = 1970 + secs // _SECONDS_PER_YEAR
        raise TimestampRangeError(
            f"time stamp {secs}.{nsecs:09d} s since the epoch (about year {year}) is outside "
            "the years a datetime holds (1 to 9999); use the integer form of the time "
            "(time_ns, or seconds and nanoseconds)") from None


def far_time_ns(secs: int, nsecs: int = 0):
    """:func:`utc_datetime`, or for a time no datetime holds the integer
    nanoseconds since the epoch: the value of an absolute-time field."""
    try:
        return UNIX_EPOCH + datetime.timedelta(seconds=secs, microseconds=nsecs // 1000)
    except OverflowError:
        return secs * 1_000_000_000 + nsecs


def far_delta_ns(secs: int, nsecs: int = 0):
    """A duration as a :class:`datetime.timedelta`, or for one no timedelta
    holds (beyond 999,999,999 days) the integer nanoseconds: the value of a
    relative-time field."""
    try:
        return datetime.timedelta(seconds=secs, microseconds=nsecs // 1000)
    except OverflowError:
        return secs * 1_000_000_000 + nsecs


class Type(enum.IntEnum):
    """How Wireshark shows a packet's time (``ts_type``)."""

    RELATIVE = lib.TS_RELATIVE                    #: Since start of capture
    ABSOLUTE = lib.TS_ABSOLUTE                    #: Local absolute time, without date
    ABSOLUTE_WITH_YMD = lib.TS_ABSOLUTE_WITH_YMD  #: Local time, date as YYYY-MM-DD
    ABSOLUTE_WITH_YDOY = lib.TS_ABSOLUTE_WITH_YDOY  #: Local time, date as YYYY/DOY
    DELTA = lib.TS_DELTA                          #: Since previous captured packet
    DELTA_DIS = lib.TS_DELTA_DIS                  #: Since previous displayed packet
    EPOCH = lib.TS_EPOCH                          #: Seconds (and fractions) since epoch
    UTC = lib.TS_UTC                              #: UTC time, without date
    UTC_WITH_YMD = lib.TS_UTC_WITH_YMD            #: UTC time, date as YYYY-MM-DD
    UTC_WITH_YDOY = lib.TS_UTC_WITH_YDOY          #: UTC time, date as YYYY/DOY
    NOT_SET = lib.TS_NOT_SET                      #: Special value, type not set
    # The original wirepy API's (Wireshark 1.10) names for the YMD forms.
    ABSOLUTE_WITH_DATE = lib.TS_ABSOLUTE_WITH_YMD
    UTC_WITH_DATE = lib.TS_UTC_WITH_YMD


class Precision(enum.IntEnum):
    """How many decimals of a time are shown (``ts_precision``).

    The numbers differ between Wireshark series (4.4 renumbered them): store
    a precision by name. The four precisions new in Wireshark 4.4
    (``FIXED_100_USEC`` ...) exist on 4.0 too; setting one there raises
    :class:`InvalidTimestampValue` naming the Wireshark version.
    """

    AUTO = lib.TS_PREC_AUTO                #: Special value, automatic precision
    FIXED_SEC = lib.TS_PREC_FIXED_SEC      #: Fixed to-seconds precision
    FIXED_DSEC = lib.TS_PREC_FIXED_DSEC    #: Fixed to-deciseconds precision
    FIXED_CSEC = lib.TS_PREC_FIXED_CSEC    #: Fixed to-centiseconds precision
    FIXED_MSEC = lib.TS_PREC_FIXED_MSEC    #: Fixed to-milliseconds precision
    FIXED_100_USEC = lib.TS_PREC_FIXED_100_USEC  #: Four decimals (Wireshark 4.4 and later)
    FIXED_10_USEC = lib.TS_PREC_FIXED_10_USEC    #: Five decimals (Wireshark 4.4 and later)
    FIXED_USEC = lib.TS_PREC_FIXED_USEC    #: Fixed to-microseconds precision
    FIXED_100_NSEC = lib.TS_PREC_FIXED_100_NSEC  #: Seven decimals (Wireshark 4.4 and later)
    FIXED_10_NSEC = lib.TS_PREC_FIXED_10_NSEC    #: Eight decimals (Wireshark 4.4 and later)
    FIXED_NSEC = lib.TS_PREC_FIXED_NSEC    #: Fixed to-nanoseconds precision
    # Wireshark 4.4's names for deci- and centiseconds
    FIXED_100_MSEC = lib.TS_PREC_FIXED_100_MSEC
    FIXED_10_MSEC = lib.TS_PREC_FIXED_10_MSEC


class SecondsType(enum.IntEnum):
    """How seconds are shown (``ts_seconds_type``)."""

    DEFAULT = lib.TS_SECONDS_DEFAULT                #: Plain seconds
    HOUR_MIN_SEC = lib.TS_SECONDS_HOUR_MIN_SEC      #: Hours, minutes and seconds
    NOT_SET = lib.TS_SECONDS_NOT_SET                #: Special value, not set


RELATIVE = Type.RELATIVE
ABSOLUTE = Type.ABSOLUTE
ABSOLUTE_WITH_DATE = Type.ABSOLUTE_WITH_DATE
ABSOLUTE_WITH_YMD = Type.ABSOLUTE_WITH_YMD
ABSOLUTE_WITH_YDOY = Type.ABSOLUTE_WITH_YDOY
DELTA = Type.DELTA
DELTA_DIS = Type.DELTA_DIS
EPOCH = Type.EPOCH
UTC = Type.UTC
UTC_WITH_DATE = Type.UTC_WITH_DATE
UTC_WITH_YMD = Type.UTC_WITH_YMD
UTC_WITH_YDOY = Type.UTC_WITH_YDOY
NOT_SET = Type.NOT_SET

PREC_AUTO = Precision.AUTO
PREC_FIXED_SEC = Precision.FIXED_SEC
PREC_FIXED_DSEC = Precision.FIXED_DSEC
PREC_FIXED_CSEC = Precision.FIXED_CSEC
PREC_FIXED_MSEC = Precision.FIXED_MSEC
PREC_FIXED_USEC = Precision.FIXED_USEC
PREC_FIXED_NSEC = Precision.FIXED_NSEC
PREC_FIXED_100_MSEC = Precision.FIXED_100_MSEC
PREC_FIXED_10_MSEC = Precision.FIXED_10_MSEC
PREC_FIXED_100_USEC = Precision.FIXED_100_USEC
PREC_FIXED_10_USEC = Precision.FIXED_10_USEC
PREC_FIXED_100_NSEC = Precision.FIXED_100_NSEC
PREC_FIXED_10_NSEC = Precision.FIXED_10_NSEC

SECONDS_DEFAULT = SecondsType.DEFAULT
SECONDS_HOUR_MIN_SEC = SecondsType.HOUR_MIN_SEC
SECONDS_NOT_SET = SecondsType.NOT_SET


def _check(value, enum_class, what):
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidTimestampValue(f"{what} must be one of {enum_class.__name__}, "
                                    f"not {value!r}")
    try:
        return enum_class(value)
    except ValueError:
        raise InvalidTimestampValue(f"invalid {what}: {value!r}") from None


def get_type() -> Type:
    """Get the currently set timestamp-type, e.g. :data:`RELATIVE`."""
    return Type(lib.timestamp_get_type())


def set_type(ts_type: int) -> None:
    """Set the globally used timestamp-type.

    :param ts_type: A timestamp-type from this module, e.g. :data:`RELATIVE`.
    :raises InvalidTimestampValue: for anything else.
    """
    value = _check(ts_type, Type, "timestamp type")
    if value == Type.NOT_SET:
        # a marker for "not given on the command line": the time columns
        # assert (abort the process) on it
        raise InvalidTimestampValue("NOT_SET is not a timestamp type to show")
    wireshark.initialize()   # initialisation sets the defaults: do it first
    lib.timestamp_set_type(value)


def get_precision() -> Precision:
    """Get the currently set timestamp-precision, e.g. :data:`PREC_FIXED_SEC`."""
    return Precision(lib.timestamp_get_precision())


def set_precision(tsp: int) -> None:
    """Set the globally used timestamp-precision.

    :param tsp: A timestamp-precision constant like :data:`PREC_FIXED_SEC`.
    :raises InvalidTimestampValue: for anything else.
    """
    value = _check(tsp, Precision, "timestamp precision")
    if wireshark.is_absent(value):
        raise InvalidTimestampValue(wireshark.absent_message(f"PREC_{value.name}"))
    wireshark.initialize()
    lib.timestamp_set_precision(value)


def get_seconds_type() -> SecondsType:
    """Get the currently set seconds-type, e.g. :data:`SECONDS_DEFAULT`."""
    return SecondsType(lib.timestamp_get_seconds_type())


def set_seconds_type(ts_seconds_type: int) -> None:
    """Set the globally used timestamp-second-type.

    :param ts_seconds_type: A seconds-type, e.g. :data:`SECONDS_DEFAULT`.
    :raises InvalidTimestampValue: for anything else.
    """
    value = _check(ts_seconds_type, SecondsType, "seconds type")
    if value == SecondsType.NOT_SET:
        raise InvalidTimestampValue("SECONDS_NOT_SET is not a seconds type to show")
    wireshark.initialize()
    lib.timestamp_set_seconds_type(value)


def is_initialized() -> bool:
    """Check if the globally used timestamp settings have been set.

    :returns: True if the timestamp-type and seconds-type are set.
    """
    return (lib.timestamp_get_type() != lib.TS_NOT_SET
            and lib.timestamp_get_seconds_type() != lib.TS_SECONDS_NOT_SET)
