"""The short fuzzing run of ``make test`` (issue #12: never crash on a real
capture): a fixed seed and a fixed range of cases from tests/fuzzing.py, and
the cases of long runs that found a bug (``REGRESSIONS``), each case a test
that fails with its mode, the finding and the reproducer folder.

The campaign runs once for the module, in worker processes (a crash fails
the case's test, not this process), for the cases that were selected
(``-k c17`` runs case 17 alone). ``WIREPY_FUZZ_TEST_CASES`` changes how
many cases there are; the long run is ``make fuzz``.
"""

from __future__ import annotations

import os
import random
import sys

import fuzz_mutations as mut
import fuzzing
import pytest

SEED = 12
CASES = int(os.environ.get("WIREPY_FUZZ_TEST_CASES", "80"))
TIMEOUT = float(os.environ.get("WIREPY_FUZZ_TIMEOUT", "30"))

#: Cases of long runs (``make fuzz``) that found a bug, one per bug: they
#: fail until it is fixed, then keep it fixed. (seed, case number).
REGRESSIONS = [
    (1, 1441),   # FT_RELATIVE_TIME past timedelta's range (frame.time_epoch): OverflowError
    (1, 669),    # wirepy json: TimestampRangeError out of main() (pkt.time.isoformat())
    (1, 237),    # wirepy json: a pcapng comment that is not UTF-8 -> UnicodeEncodeError
    (1, 1593),   # wirepy read -V: the same in a tree label
    (2, 1609),   # WTAP.compression of a damaged lz4 file: SIGABRT in libwiretap 4.0
]


def _selected(request, test_name: str) -> list:
    """The parameters of the *test_name* tests this session runs."""
    params = set()
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if (item.module is sys.modules[__name__] and item.originalname == test_name
                and callspec):
            params.add(callspec.params["case"])
    return sorted(params)


def _campaign(seed: int, cases) -> fuzzing.Results:
    harness = fuzzing.Harness(seed, timeout=TIMEOUT, rss_limit_mib=1000,
                              failures=fuzzing.failures_root() / f"make-test-seed{seed}")
    results = harness.run_cases(cases)
    results.requested = len(cases)
    print("\n" + results.summary())
    return results


@pytest.fixture(scope="module")
def campaign(request):
    return _campaign(SEED, _selected(request, "test_case"))


@pytest.fixture(scope="module")
def regressions(request):
    by_seed: dict = {}
    for seed, case in _selected(request, "test_regression"):
        by_seed.setdefault(seed, []).append(case)
    return {seed: _campaign(seed, cases) for seed, cases in by_seed.items()}


def _fail_on(findings) -> None:
    if findings:
        pytest.fail("\n".join(f.describe() for f in findings), pytrace=False)


@pytest.mark.parametrize("case", range(CASES), ids=lambda n: fuzzing.case_id(SEED, n))
def test_case(campaign, case):
    _fail_on(campaign.findings_for(case))


@pytest.mark.parametrize("case", REGRESSIONS, ids=lambda c: fuzzing.case_id(*c))
def test_regression(regressions, case):
    seed, number = case
    _fail_on(regressions[seed].findings_for(number))


def test_workers_derive_the_same_cases(campaign):
    """A case is the same bytes in the worker and in the harness (which
    writes the reproducers)."""
    assert campaign.cases == campaign.requested
    assert not campaign.mismatched


def test_cases_are_reproducible():
    corpus = fuzzing.Corpus(fuzzing.ensure_corpus())
    for n in range(40):
        a = fuzzing.make_case(corpus, SEED, n)
        b = fuzzing.make_case(corpus, SEED, n)
        assert (a.sha256(), a.modes, a.how) == (b.sha256(), b.modes, b.how)
    assert fuzzing.make_case(corpus, SEED, 0).sha256() != fuzzing.make_case(
        corpus, SEED + 1, 0).sha256()


@pytest.mark.parametrize("kind, table", [("pcap", mut.PCAP), ("pcapng", mut.PCAPNG)])
def test_structure_aware_mutators_change_the_file(kind, table):
    corpus = fuzzing.Corpus(fuzzing.ensure_corpus())
    seeds = [s for s in corpus.by_group[kind] if s["records"] >= 3][:5]
    assert seeds
    for seed in seeds:
        data = corpus.data(seed)
        for fn, _ in table:
            changed = 0
            for i in range(5):
                out, what = fn(random.Random(f"{seed['file']}/{fn.__name__}/{i}"), data)
                changed += out != data
            # (a few draws may write back the value that was there)
            assert changed >= 3, (seed["file"], fn.__name__)


def test_harness_catches_crash_hang_and_exception(tmp_path):
    """The oracle itself: a SIGSEGV, a hang and a bare IndexError in a mode
    are each found, confirmed alone and saved as a reproducer."""
    harness = fuzzing.Harness(0, timeout=3, failures=tmp_path)
    results = harness.run([(1, ["selftest-segv"]), (2, ["selftest-hang"]),
                           (3, ["selftest-raise"])])
    kinds = {f.case: f for f in results.findings}
    assert kinds[1].kind == "crash" and "SIGSEGV" in kinds[1].detail
    assert kinds[2].kind == "hang"
    assert kinds[3].kind == "unexpected" and "IndexError" in kinds[3].detail
    for f in results.findings:
        assert f.confirmed.startswith("reproduced alone"), f.describe()
        assert (tmp_path / f"{f.id}-{f.mode}" / "repro.sh").exists()
        assert f.reproducer in f.describe()
    # the worker's faulthandler names where the crash happened
    assert "mode_selftest" in kinds[1].stderr
