"""A 500-candidate slice of the adversarial rewrite campaign (benchmarks/adversarial.py).

Mutated rewrites of sum-to-n, fib and sort4 (every kind, the first candidates of each seeded
stream), and rare's rewrites with its cheap idiom that is wrong at 0, are submitted as switches
in proof mode and in the empirical mode, then judged by running them against the original
solver. Proof mode must accept no wrong rewrite; the checks around that figure make sure it
could have failed: the slice holds wrong rewrites of every kind, the ground truth finds each
planted divergence at its planted instance, the empirical mode does accept rare wrong ones,
and proof mode does accept correct faster ones.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from cli_helpers import REPO

sys.path.insert(0, str(REPO))

from benchmarks.adversarial import (  # noqa: E402
    KINDS,
    NATURAL,
    PLAN,
    Candidate,
    Oracle,
    Result,
    Settings,
    Stage,
    campaign,
    generate,
    stable_hash,
)
from godelmachine.machine.task import load_task  # noqa: E402

pytestmark = pytest.mark.xdist_group("ray")  # one worker runs the module's slice, once, on the session's local Ray

SLICE = {"sum-to-n": 29, "fib": 29, "sort4": 29}  # candidates per stream of each kind
SETTINGS = Settings(sample=2_000, empirical_truth=2_000, screen=500, check_axioms=False)


def slice_candidates() -> list[Candidate]:
    found = [c for task, n in SLICE.items() for c in generate(per_stream=n, tasks=(task,))]
    rare = [c for c in generate(per_stream=0, tasks=("rare",)) if c.kind == "original"]
    natural = generate(per_stream=1, tasks=("rare",))
    rare += [c for c in natural if c.kind == "divergence" and c.code in NATURAL["rare"]]
    return [Candidate(i, c.task, c.kind, c.base, c.code, c.probes) for i, c in enumerate(found + rare)]


@pytest.fixture(scope="session")  # once, even when xdist interleaves other modules
def results(local_ray: str) -> list[Result]:
    """The slice's epochs as Ray tasks on two CPUs (tests/test_jobs.py shows that a campaign's
    results are the same run serially)."""
    return campaign(slice_candidates(), SETTINGS, ray=local_ray)


def test_the_slice_has_500_candidates_of_every_kind(results: list[Result]) -> None:
    assert 490 <= len(results) <= 520
    assert {r.candidate.kind for r in results} == set(KINDS)
    assert len({(r.candidate.task, r.candidate.code) for r in results}) == len(results)


def test_proof_mode_accepts_no_wrong_rewrite(results: list[Result]) -> None:
    wrong = [(r.candidate.code, r.verdict.witness) for r in results if r.proof and r.verdict.wrong]
    assert wrong == []
    # what proof mode accepted was run on the whole ground-truth sample (or every instance)
    assert all(r.verdict.checked >= SETTINGS.sample or r.verdict.exhaustive for r in results if r.proof)
    # and it accepted nothing that is not faster
    assert [r.candidate.code for r in results if r.proof and r.verdict.label == "not-better"] == []


def test_the_slice_holds_wrong_rewrites_of_every_kind_and_the_ground_truth_finds_them(results: list[Result]) -> None:
    by_kind = {kind: [r for r in results if r.candidate.kind == kind] for kind in KINDS}
    for kind in ("constant", "off-by-one", "swap", "divergence", "trap"):
        assert sum(r.verdict.wrong for r in by_kind[kind]) >= 10, kind
    assert all(r.verdict.wrong for r in by_kind["trap"])  # a trap the original never has
    assert not any(r.verdict.wrong for r in by_kind["cost"] + by_kind["original"])  # the same answers, slower
    # a divergence planted on one instance is found there, before the random sample
    for r in by_kind["divergence"]:
        if r.candidate.task in SLICE:
            planted = " ".join(str(v) for v in r.candidate.probes[0])
            assert r.verdict.wrong and r.verdict.witness.startswith(f"({planted}):"), r.candidate.code


def test_the_empirical_mode_accepts_wrong_rewrites_that_proof_mode_refuses(results: list[Result]) -> None:
    rare_wrong = [r for r in results if r.empirical and r.verdict.wrong and r.candidate.kind == "divergence"]
    assert len(rare_wrong) >= 10  # one wrong answer in 21 (fib) or in a million (sum-to-n) instances
    assert not any(r.proof for r in rare_wrong)
    # rare's cheapest idiom is wrong when the mask is 0, one instance in 64: proof mode refutes
    # it; the empirical mode takes it exactly when its 16-instance sample has no zero mask
    (natural,) = [r for r in results if r.candidate.code in NATURAL["rare"]]
    assert natural.verdict.wrong and natural.verdict.witness.startswith("(#x00000000 ")
    assert natural.proof_answer == "refuted"
    sample = load_task("rare").draw(np.random.default_rng([SETTINGS.seed, 2, stable_hash(natural.candidate.code)]), 16)
    assert natural.empirical == all(m.bits != 0 for _, m in sample)


def test_proof_mode_accepts_correct_faster_rewrites(results: list[Result]) -> None:
    originals = [r for r in results if r.candidate.kind == "original"]
    assert all(r.proof and r.verdict.label == "better" for r in originals)
    better = [r for r in results if r.proof and r.candidate.kind != "original"]
    assert {r.candidate.kind for r in better} >= {"cost", "swap"}
    assert len(better) >= 30


def test_the_empirical_decision_is_the_searchers_own() -> None:
    """The campaign decides the empirical mode from kept outcomes of the current solver; on
    these candidates `check-empirically` itself, in an `--accept empirical` machine, agrees."""
    task = "fib"
    stage = Stage(PLAN[task], 0, Oracle(load_task(task), 500), SETTINGS)
    from godelmachine.search.candidates import datum, replace_definitions

    checked = 0
    for c in generate(per_stream=3, tasks=(task,)):
        if c.base != 0:
            continue
        program = replace_definitions(stage.machine.solver, {"definitions": [datum(c.code)]})
        assert stage.empirical(c.code, program) == stage.empirical_by_searcher(c.code).accepted, c.code
        checked += 1
    assert checked >= 10


def test_the_campaign_is_deterministic_and_a_slice_is_a_prefix() -> None:
    small, large = generate(per_stream=3, tasks=("sum-to-n",)), generate(per_stream=6, tasks=("sum-to-n",))
    assert small == generate(per_stream=3, tasks=("sum-to-n",))
    for kind in KINDS[1:]:
        assert [c.code for c in small if c.kind == kind] == [c.code for c in large if c.kind == kind][:3], kind
