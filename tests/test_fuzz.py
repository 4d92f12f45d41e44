"""The short fuzzing run of ``make test`` (issue #12: never crash on a real
capture): a fixed seed and a fixed range of cases from tests/fuzzing.py, each
case a test that fails with its mode, the finding and the reproducer folder.

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
CASES = int(os.environ.get("WIREPY_FUZZ_TEST_CASES", "90"))
TIMEOUT = float(os.environ.get("WIREPY_FUZZ_TIMEOUT", "30"))


def _selected_cases(request) -> list:
    cases = set()
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if item.module is sys.modules[__name__] and callspec and "case" in callspec.params:
            cases.add(callspec.params["case"])
    return sorted(cases)


@pytest.fixture(scope="module")
def campaign(request):
    harness = fuzzing.Harness(SEED, timeout=TIMEOUT, rss_limit_mib=1000,
                              failures=fuzzing.failures_root() / f"make-test-seed{SEED}")
    cases = _selected_cases(request)
    results = harness.run_cases(cases)
    results.requested = len(cases)
    print("\n" + results.summary())
    return results


@pytest.mark.parametrize("case", range(CASES), ids=lambda n: fuzzing.case_id(SEED, n))
def test_case(campaign, case):
    findings = campaign.findings_for(case)
    if findings:
        pytest.fail("\n".join(f.describe() for f in findings), pytrace=False)


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
