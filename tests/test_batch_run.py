"""The machine's batch path (godelmachine/machine/batch_run.py): the same run as the scalar loop.

The walk over a batch's step counts must make the scalar loop's decisions (where a sample is
due, where the searcher is owed steps, the idle charges, the lifetime's end), and a whole run
must write the same log byte for byte with the batch path on and off. The golden logs
(tests/test_golden_logs.py), recorded on the scalar path, are checked on the batch path too.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from godelmachine.logic.axioms import Distribution, Marginal
from godelmachine.logic.terms import int_
from godelmachine.machine.batch_run import InstanceStream, WalkState, walk, walk_reference
from godelmachine.machine.machine import Machine
from godelmachine.machine.task import draw_columns, draw_instances, load_task


@st.composite
def walks(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, WalkState]:
    n = draw(st.integers(1, 40))
    steps = np.array(draw(st.lists(st.integers(1, 60), min_size=n, max_size=n)), np.int64)
    ok = np.array(draw(st.lists(st.sampled_from([True] * 6 + [False]), min_size=n, max_size=n)))
    share = draw(st.sampled_from([Fraction(0), Fraction(1, 5), Fraction(1, 10), Fraction(2, 3), Fraction(1, 2), Fraction(7, 9)]))
    carry = draw(st.sampled_from([0, Fraction(1, 3), Fraction(-5, 7), Fraction(3), Fraction(-2)]))
    base_solver, base_search = draw(st.integers(0, 300)), draw(st.integers(0, 300))
    solver = base_solver + draw(st.integers(0, 500))
    lifetime = solver + draw(st.integers(1, 3000))
    state = WalkState(solver, 0, lifetime, 0, share, base_solver, base_search, carry if share else 0,
                      draw(st.booleans()))
    # the searcher is owed nothing before the next instance: its steps are at least what it is owed
    search = base_search
    while state.owed(solver, search) > 0:
        search += 1
    search += draw(st.integers(0, 50))
    lifetime = max(lifetime, solver + search + 1)
    next_sample = solver + search + draw(st.integers(1, 2000))
    state = WalkState(solver, search, lifetime, next_sample, share, base_solver, base_search, state.carry, state.idle)
    return steps, ok, state


@settings(max_examples=1500)
@given(walks())
def test_walk_makes_the_main_loops_decisions(case: tuple[np.ndarray, np.ndarray, WalkState]) -> None:
    steps, ok, state = case
    assert walk(steps, ok, state) == walk_reference(steps, ok, state)


def test_stream_draws_as_the_scalar_loop_did() -> None:
    """Instances come out in the order, and with the values, of draws of 256 from one generator,
    whether taken one by one or as columns."""
    task = load_task("bits")
    rng = np.random.default_rng([3, 0])
    expected = [x for _ in range(3) for x in draw_instances(task.distribution, rng, 256)]
    stream = InstanceStream(task, task.distribution, np.random.default_rng([3, 0]))
    got = [stream.next() for _ in range(5)]
    columns = stream.lanes(600)
    stream.advance(600)
    got += [tuple(w) for w in zip(columns[0].tolist(), columns[1].tolist())]
    got += [stream.next() for _ in range(768 - 605)]
    assert [(op, x.bits if i < 5 or i >= 605 else x) for i, (op, x) in enumerate(got)] == \
        [(op, x.bits) for op, x in expected]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 10**6), min_size=1, max_size=9), st.integers(0, 2**32), st.integers(1, 700))
def test_finite_draws_are_rng_choice(weights: list[int], seed: int, count: int) -> None:
    """draw_columns draws a finite marginal as rng.choice with its chances does (the instances
    of every run recorded so far), leaving the generator in the same state."""
    table = tuple((Fraction(w, sum(weights)), int_(i)) for i, w in enumerate(weights))
    marginal = Marginal("finite", table=table)
    mine, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    (column,) = draw_columns(Distribution("d", (("v", "int"),), (marginal,)), mine, count)
    chances = np.array([float(w) for w, _ in table])
    expected = theirs.choice(len(table), size=count, p=chances / chances.sum())
    assert column.tolist() == expected.tolist()
    assert mine.integers(2**62) == theirs.integers(2**62)


# Each built-in task past its first switch (bandit, sum-to-n and fib past both), short enough
# for the suite; rare as the empirical baseline (its proof-mode run is a golden log).
BOTH_WAYS = [("bandit", 250_000, "proof"), ("sum-to-n", 2_500_000, "proof"), ("fib", 2_200_000, "proof"),
             ("sort4", 1_800_000, "proof"), ("bits", 1_500_000, "proof"), ("rare", 600_000, "empirical"),
             ("induce", 7_300_000, "proof")]


@pytest.mark.parametrize("task, lifetime, mode", BOTH_WAYS)
def test_batch_and_scalar_runs_write_the_same_log(tmp_path: Path, task: str, lifetime: int, mode: str) -> None:
    logs, executions = [], []
    for batch in (True, False):
        path = tmp_path / f"{task}-{batch}.jsonl"
        result = Machine(load_task(task), lifetime=lifetime, log_path=path, mode=mode, batch=batch).run()
        assert result.switches, "the run must reach a switch"
        logs.append(path.read_bytes())
        executions.append(result.execution)
    assert logs[0] == logs[1]
    batch_run, scalar_run = executions
    assert scalar_run["instances"]["batch"] == 0
    assert batch_run["instances"]["batch"] > 0  # the solver after the switch, at least, ran as a batch
    end = json.loads(logs[0].splitlines()[-1])
    assert sum(batch_run["instances"].values()) == sum(scalar_run["instances"].values()) >= end["instances"]
