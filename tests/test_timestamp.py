"""Timestamp type, precision and seconds type."""

import pytest
import wireshark_series

from wirepy.lib import timestamp, wireshark


@pytest.fixture
def restore():
    wireshark.initialize()
    saved = (timestamp.get_type(), timestamp.get_precision(), timestamp.get_seconds_type())
    yield
    timestamp.set_type(saved[0])
    timestamp.set_precision(saved[1])
    timestamp.set_seconds_type(saved[2])


def test_defaults_after_initialisation(restore):
    assert timestamp.get_type() == timestamp.RELATIVE
    assert timestamp.get_precision() == timestamp.PREC_AUTO
    assert timestamp.get_seconds_type() == timestamp.SECONDS_DEFAULT
    assert timestamp.is_initialized()


@pytest.mark.parametrize("ts_type", [t for t in timestamp.Type if t != timestamp.NOT_SET])
def test_every_type_round_trips(restore, ts_type):
    timestamp.set_type(ts_type)
    assert timestamp.get_type() == ts_type


@pytest.mark.parametrize("prec", [p for p in timestamp.Precision
                                  if p.name not in wireshark_series.ABSENT_PRECISIONS])
def test_every_precision_round_trips(restore, prec):
    timestamp.set_precision(prec)
    assert timestamp.get_precision() == prec


def test_precision_names_of_every_series(restore):
    """DSEC/CSEC are 4.4's 100_MSEC/10_MSEC; the precisions new in 4.4 exist
    everywhere and raise, naming the version, where the series lacks them."""
    assert timestamp.PREC_FIXED_DSEC == timestamp.PREC_FIXED_100_MSEC
    assert timestamp.PREC_FIXED_CSEC == timestamp.PREC_FIXED_10_MSEC
    for name in ("FIXED_100_USEC", "FIXED_10_USEC", "FIXED_100_NSEC", "FIXED_10_NSEC"):
        prec = getattr(timestamp.Precision, name)
        if name in wireshark_series.ABSENT_PRECISIONS:
            message = f"PREC_{name} does not exist in Wireshark {wireshark_series.VERSION}"
            with pytest.raises(timestamp.InvalidTimestampValue, match=message):
                timestamp.set_precision(prec)
        else:
            timestamp.set_precision(prec)
            assert timestamp.get_precision() == prec


def test_seconds_type_and_is_initialized(restore):
    timestamp.set_seconds_type(timestamp.SECONDS_HOUR_MIN_SEC)
    assert timestamp.get_seconds_type() == timestamp.SECONDS_HOUR_MIN_SEC
    assert timestamp.is_initialized()


def test_not_set_markers_are_refused(restore):
    """NOT_SET and SECONDS_NOT_SET mark "not chosen yet"; the time columns
    assert (abort the process) on them, so they are not settable."""
    timestamp.set_type(timestamp.UTC)
    with pytest.raises(timestamp.InvalidTimestampValue, match="NOT_SET"):
        timestamp.set_type(timestamp.NOT_SET)
    with pytest.raises(timestamp.InvalidTimestampValue, match="SECONDS_NOT_SET"):
        timestamp.set_seconds_type(timestamp.SECONDS_NOT_SET)
    assert timestamp.get_type() == timestamp.UTC and timestamp.is_initialized()


def test_seed_names_are_aliases():
    assert timestamp.ABSOLUTE_WITH_DATE == timestamp.ABSOLUTE_WITH_YMD
    assert timestamp.UTC_WITH_DATE == timestamp.UTC_WITH_YMD
    for name in ("ABSOLUTE", "DELTA", "DELTA_DIS", "EPOCH", "NOT_SET", "RELATIVE", "UTC",
                 "PREC_AUTO", "PREC_FIXED_SEC", "SECONDS_DEFAULT", "SECONDS_HOUR_MIN_SEC",
                 "SECONDS_NOT_SET"):
        assert isinstance(getattr(timestamp, name), int)


@pytest.mark.parametrize("setter,value", [
    (timestamp.set_type, 99),
    (timestamp.set_type, -1),
    (timestamp.set_type, "utc"),
    (timestamp.set_type, None),
    (timestamp.set_type, True),
    (timestamp.set_precision, 42),
    (timestamp.set_precision, 3.0),
    (timestamp.set_seconds_type, 3),
])
def test_bad_values_raise(restore, setter, value):
    before = (timestamp.get_type(), timestamp.get_precision(), timestamp.get_seconds_type())
    with pytest.raises(timestamp.InvalidTimestampValue):
        setter(value)
    assert issubclass(timestamp.InvalidTimestampValue, timestamp.TimestampError)
    after = (timestamp.get_type(), timestamp.get_precision(), timestamp.get_seconds_type())
    assert before == after
