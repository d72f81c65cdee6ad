"""The Hacker's Delight suite (benchmarks/hackers_delight/): every task file loads, its
specification earns the full reward, the loop-free solution on its `; loop-free:` line agrees
with it, and the quick benchmark gives rows of the documented shape."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import hackers_delight as suite
from godelmachine import load_task
from godelmachine.lang.execute import run
from godelmachine.lang.program import Program
from godelmachine.lang.values import Word

NUMBERS = list(range(1, 26))
INSTANCES = 50


def test_the_suite_has_the_25_problems_and_their_best_known_counts() -> None:
    assert suite.problems() == NUMBERS
    assert set(suite.BEST_KNOWN) == set(NUMBERS)
    assert all(isinstance(n, int) and n >= 2 for n in suite.BEST_KNOWN.values())
    assert [suite.BEST_KNOWN[n] for n in (1, 7, 16, 20, 24, 25)] == [2, 3, 5, 7, 12, 16]


@pytest.mark.parametrize("number", NUMBERS)
def test_each_task_loads_and_its_specification_earns_the_full_reward(number: int) -> None:
    task = load_task(str(suite.task_path(number)))
    assert task.name == f"hd-p{number:02d}" and task.initial_reward == 1
    assert any(name == "superopt" for name, _ in task.techniques)
    instances = task.draw(np.random.default_rng([number, 0]), INSTANCES)
    rng = np.random.default_rng(0)
    for args in instances:
        outcome = run(task.solver, "solve", args, budget=100_000)
        assert outcome.kind == "value", (args, outcome)
        assert task.reward(args, outcome.value, rng) == 1, args


@pytest.mark.parametrize("number", NUMBERS)
def test_the_best_known_loop_free_program_agrees_with_the_specification(number: int) -> None:
    task = load_task(str(suite.task_path(number)))
    info = suite.header(number)
    params = " ".join(name for name, _ in task.variables)
    reference = Program.from_source(f"(define (reference {params}) {info['loop_free']})", "<loop-free>")
    assert suite.instructions(list(reference.lookup("reference").code)[2]) is not None  # it is loop-free
    for args in task.draw(np.random.default_rng([number, 1]), INSTANCES):
        expected = run(task.solver, "solve", args, budget=100_000)
        assert run(reference, "reference", args, budget=10_000).value == expected.value, args


def test_instructions_counts_operations_and_branches_and_refuses_loops() -> None:
    def count(text: str) -> int | None:
        return suite.instructions(list(Program.from_source(f"(define (f x y) {text})").lookup("f").code)[2])

    assert count("(wand x (w- x #x1))") == 2
    assert count("(let ((s (wsar x 31))) (w- (wxor x s) s))") == 3
    assert count("(if (wslt x #x0) (wneg x) x)") == 3
    assert count("(cond ((= x y) #x1) ((wult x y) #x2) (else #x0))") == 4
    assert count("(for (i 0 31) (r x) r)") is None


def test_p20s_loop_free_program_differs_only_where_the_notes_say() -> None:
    # x = 0 (the division traps) and all 1 bits in one block that reaches bit 31 (it wraps)
    task = load_task(str(suite.task_path(20)))
    reference = Program.from_source(f"(define (reference x) {suite.header(20)['loop_free']})")
    assert run(reference, "reference", (Word(0),)).kind == "trap"
    assert run(task.solver, "solve", (Word(0),)).value == Word(0)
    assert run(task.solver, "solve", (Word(0xE0000000),)).value == Word(0)
    assert run(reference, "reference", (Word(0xE0000000),)).value == Word(1)
    assert run(task.solver, "solve", (Word(6),)).value == Word(9)


def test_the_quick_benchmark_gives_rows_of_the_documented_shape() -> None:
    rows = suite.measure(quick=True)
    assert [r["problem"] for r in rows] == [f"P{n}" for n in suite.QUICK_PROBLEMS]
    for r in rows:
        assert r["lifetime"] == suite.QUICK_LIFETIME and r["best_known"] == suite.BEST_KNOWN[int(r["problem"][1:])]
        assert isinstance(r["found"], bool) and r["found"] == (r["first_switch"] is not None)
        assert r["spec_steps"] > 0 and r["final_steps"] > 0 and r["wall_seconds"] > 0
        assert r["reward"] <= r["instances"] and r["reward_no_search"] > 0
        assert r["brahma"] == "synthesized" and r["stoke"] in ("synthesized", "timed out")
    assert rows[0]["spec_instructions"] == 3  # P9's specification is a branch: (if (wslt x 0) (wneg x) x)
    suite.report(rows)  # renders
