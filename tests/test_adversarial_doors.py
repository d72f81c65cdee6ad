"""A slice of the adversarial campaign's doors (benchmarks/adversarial_doors.py): shares and user axioms.

Switchprogs that set a share in and out of [0, 1) (with the correct rewrite of sum-to-n, a
mutated one, no code and slower code), and user axiom files (false facts about the initial
solver of sum-to-n and rare, a false fact about the hardware semantics, a contradictory file
added after a nonlinear lemma, and a true lemma as a control) are submitted through the proof
path and judged by the ground truth. Proof mode must accept no wrong switch through either
door; the checks around that figure make sure it could have failed: the slice holds
out-of-range shares with code the proof path does accept with a share in range, false files
whose rewrites the ground truth finds wrong, and a control that must load and still let the
correct rewrite through.
"""

from __future__ import annotations

import sys

import pytest

from cli_helpers import REPO

sys.path.insert(0, str(REPO))

from benchmarks.adversarial import PLAN, Result, Settings, campaign  # noqa: E402
from benchmarks.adversarial_doors import axiom_candidates, in_range, share_candidates  # noqa: E402

pytestmark = pytest.mark.xdist_group("adversarial-doors")  # one worker runs the module's slice, once

SHARES = ((0, 1), (1, 2), (99, 100), (-1, 1), (-1000, 1), (1, -2), (1, 0), (1, 1), (3, 2), (10**30, 7))
AXIOM_SETS = {
    "sum-to-n": ("false-value", "hw-value", "nonlinear-then-contradiction", "true-int"),
    "rare": ("false-value",),
}
SETTINGS = Settings(sample=2_000, empirical_truth=2_000, screen=500, check_axioms=False)


def slice_candidates() -> list:
    from dataclasses import replace

    found = share_candidates(tasks=("sum-to-n",), bases=1, mutated=1, slower=1, shares=SHARES)
    for task, names in AXIOM_SETS.items():
        found += axiom_candidates(tasks=(task,), mutated=1, names=names)
    return [replace(c, index=i) for i, c in enumerate(found)]


@pytest.fixture(scope="session")  # once, even when xdist interleaves other modules
def results() -> list[Result]:
    return campaign(slice_candidates(), SETTINGS)


def of(results: list[Result], kind: str) -> list[Result]:
    return [r for r in results if r.candidate.kind == kind]


def test_proof_mode_accepts_no_wrong_switch_through_the_doors(results: list[Result]) -> None:
    wrong = [(r.candidate.label, r.candidate.share, r.candidate.code, r.verdict.witness)
             for r in results if r.proof and r.verdict.wrong]
    assert wrong == []
    assert [r.candidate.code for r in results if r.proof and r.verdict.label == "not-better"] == []


def test_an_out_of_range_share_is_never_accepted(results: list[Result]) -> None:
    out = [r for r in of(results, "share") if not in_range(r.candidate.share)]
    assert len(out) == 7 * 4
    assert [(r.candidate.label, r.candidate.share) for r in out if r.proof] == []


def test_a_share_never_crashes_the_switch_path(results: list[Result]) -> None:
    """A refusal the technique sees ((invalid ...) and the like), not a Python exception (on
    main, `(share 1 0)` raises ZeroDivisionError out of set-switchprog)."""
    assert [(r.candidate.share, r.proof_answer) for r in of(results, "share") if r.proof_answer == "crash"] == []


def test_the_share_slice_could_fail(results: list[Result]) -> None:
    shares = of(results, "share")
    # the ground truth calls every out-of-range share wrong, whatever the code
    assert all(r.verdict.wrong for r in shares if not in_range(r.candidate.share))
    # the proof path does prove switchprogs that set a share: the correct rewrite with share 1/2,
    # and the share technique's own switchprog (no code, the searcher exhausted) to share 0; a
    # lower share with new code is refused by the switch rule (docs/machine.md)
    accepted = {(r.candidate.label.split(",")[0], r.candidate.share) for r in shares if r.proof}
    assert {("correct code", (1, 2)), ("same code", (0, 1))} <= accepted
    assert ("correct code", (0, 1)) not in accepted
    # raising the share with the same code lowers the reward: wrong, and refused
    (raised,) = [r for r in shares if r.candidate.code == "" and r.candidate.share == (99, 100)]
    assert raised.verdict.wrong and not raised.proof
    # the mutated and slower code is there, wrong and slower
    assert any(r.verdict.wrong for r in shares if r.candidate.label.startswith("mutated") and in_range(r.candidate.share))
    assert any(r.candidate.label.startswith("slower") for r in shares)


def test_the_axiom_slice_holds_false_files_with_wrong_rewrites_and_a_true_control(results: list[Result]) -> None:
    axioms = of(results, "axioms")
    by_set: dict[tuple[str, str], list[Result]] = {}
    for r in axioms:
        by_set.setdefault((r.candidate.task, r.candidate.label), []).append(r)
    assert len(by_set) == sum(len(names) for names in AXIOM_SETS.values())
    for (task, label), rs in by_set.items():
        base = [r for r in rs if r.candidate.code == PLAN[task].bases[0]]
        assert len(base) == 1 and not base[0].verdict.wrong, label
        if label.startswith("control"):
            # a true lemma loads, and the correct rewrite is still proved with it
            assert rs[0].proof_answer != "refused-at-load", rs[0].load
            assert base[0].proof, (label, base[0].proof_answer)
        else:
            assert sum(r.verdict.wrong for r in rs) >= 1, label  # the ground truth has something to catch
    # rare's natural wrong idiom (wrong at mask 0) is among the rewrites tried with the false fact
    assert any(r.candidate.task == "rare" and r.verdict.wrong and r.verdict.witness.startswith("(")
               and "power-of-two" in r.candidate.code for r in axioms)


def test_files_about_the_kernels_symbols_are_refused_and_so_is_a_contradiction_added_later(results: list[Result]) -> None:
    """The reserved namespace (issue 12 item 2) and `axioms add` checking the installed set
    (item 3): a file that names the solver's semantics or the hardware is refused when loaded;
    a contradictory file added after a nonlinear lemma is refused by `axioms add`."""
    axioms = of(results, "axioms")
    for r in axioms:
        if r.candidate.label.split(": ")[0] in ("solver-fact", "reserved"):
            assert r.proof_answer == "refused-at-load", (r.candidate.task, r.candidate.label, r.load)
    pair = [r for r in axioms if r.candidate.label == "inconsistent: nonlinear-then-contradiction"]
    assert pair and "b-contradiction.axioms: refused" in pair[0].load, pair[0].load


def test_the_doors_are_deterministic_from_the_seed() -> None:
    first = share_candidates(tasks=("sum-to-n",), bases=1, mutated=1, slower=1) + axiom_candidates(tasks=("rare",), mutated=1)
    again = share_candidates(tasks=("sum-to-n",), bases=1, mutated=1, slower=1) + axiom_candidates(tasks=("rare",), mutated=1)
    assert first == again
    assert len({c.axioms for c in first if c.kind == "axioms"}) >= 20  # every group of files, for one task
