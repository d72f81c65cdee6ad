"""benchmarks/sygus/: the Hacker's Delight problems P1 to P25 as SyGuS-IF 2.1 files. Each file
is what benchmarks/sygus/make.py writes, and its reference function `spec`, evaluated by Z3,
equals the P-task's naive specification, run by the interpreter, on 300 inputs per problem;
a reference with one constant changed is caught by the same comparison."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import z3

from benchmarks import hackers_delight as suite
from benchmarks.sygus import make
from godelmachine import load_task
from godelmachine.lang.execute import run
from godelmachine.lang.values import Word

NUMBERS = list(range(1, 26))
INPUTS = 300
EDGES = [0, 1, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, *(1 << j for j in range(32))]
USES_INT = {14, 15}  # the sum of two words needs 33 bits: bv2nat and (_ int2bv 32), logic ALL


@cache
def task(number: int) -> Any:
    return load_task(str(suite.task_path(number)))


@cache
def inputs(number: int) -> tuple[tuple[int, ...], ...]:
    """300 inputs as the .sl file's 32-bit values: edge values, the task's own instances, and
    seeded random words, with some arguments equal to others (x = y, x = a, ...)."""
    names = [name for name, _ in task(number).variables]
    kinds = [kind for _, kind in task(number).variables]
    rng = np.random.default_rng([number, 2024])
    rows: list[tuple[int, ...]] = []
    for i, edge in enumerate(EDGES):  # each edge value in each position, the others varied
        rows.append(tuple(edge if j == i % len(names) else EDGES[(i + 7 * j) % len(EDGES)] for j in range(len(names))))
    for instance in task(number).draw(np.random.default_rng([number, 3]), 50):
        rows.append(tuple(v.bits if isinstance(v, Word) else v for v in instance))

    def draw(kind: str) -> int:
        roll = rng.random()
        if kind == "int" and roll < 0.5:
            return int(rng.integers(0, 40))  # a shift amount, mostly in range
        if roll < 0.25:
            return EDGES[int(rng.integers(len(EDGES)))]
        return int(rng.integers(0, 2**32))

    while len(rows) < INPUTS:
        row = [draw(kind) for kind in kinds]
        if len(row) > 1 and rng.random() < 0.25:
            i, j = rng.choice(len(row), 2, replace=False)
            row[i] = row[j]
        rows.append(tuple(row))
    assert all(0 <= v < 2**32 for row in rows for v in row)
    return tuple(rows[:INPUTS])


@cache
def expected(number: int) -> tuple[Any, ...]:
    """The P-task's `spec` (its reward section's), run by the interpreter, on each input."""
    t = task(number)
    answers = []
    for row in inputs(number):
        args = tuple(Word(v) if kind == "word" else v for v, (_, kind) in zip(row, t.variables))
        outcome = run(t.reward_program, "spec", args, budget=1_000_000)
        assert outcome.kind == "value", (row, outcome)
        answers.append(outcome.value.bits if isinstance(outcome.value, Word) else outcome.value)
    return tuple(answers)


def reference_values(number: int, text: str) -> list[Any]:
    """Z3's value of the file's `spec` on each input (define-funs parsed, arguments substituted)."""
    params = [name for name, _ in task(number).variables]
    definitions = text[text.index("(define-fun"):text.index("(synth-fun")]
    sort = "Bool" if re.search(r"\(define-fun spec \([^\n]*\) Bool\n", text) else "(_ BitVec 32)"
    declarations = "".join(f"(declare-const {p} (_ BitVec 32))" for p in params)
    (assertion,) = z3.parse_smt2_string(
        f"{definitions}{declarations}(declare-const out {sort})(assert (= out (spec {' '.join(params)})))")
    term = assertion.arg(1)
    variables = [z3.BitVec(p, 32) for p in params]
    values = []
    for row in inputs(number):
        value = z3.simplify(z3.substitute(term, *[(v, z3.BitVecVal(x, 32)) for v, x in zip(variables, row)]))
        if z3.is_bv_value(value):
            values.append(value.as_long())
        elif z3.is_true(value) or z3.is_false(value):
            values.append(z3.is_true(value))
        else:
            raise AssertionError(f"Z3 did not evaluate the reference to a constant: {value}")
    return values


def mismatches(number: int, text: str) -> list[tuple[tuple[int, ...], Any, Any]]:
    return [(row, want, got) for row, want, got in zip(inputs(number), expected(number), reference_values(number, text))
            if want != got]


@pytest.mark.parametrize("number", NUMBERS)
def test_the_file_is_what_make_writes(number: int) -> None:
    assert make.sl_path(number).read_text(encoding="utf-8") == make.render(number)


def test_make_check_finds_the_files_up_to_date() -> None:
    assert make.main(["--check"]) == 0


@pytest.mark.parametrize("number", NUMBERS)
def test_the_file_has_the_documented_layout(number: int) -> None:
    text = make.sl_path(number).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith(f"; Hacker's Delight P{number:02d} (Gulwani et al., PLDI 2011): ")
    assert lines[1] == f"; best-known: {suite.BEST_KNOWN[number]}"
    assert f"(set-logic {'ALL' if number in USES_INT else 'BV'})" in lines
    assert ("bv2nat" in text) == (number in USES_INT)
    params = " ".join(name for name, _ in task(number).variables)
    assert f"(constraint (= (f {params}) (spec {params})))" in lines and lines[-1] == "(check-synth)"
    assert (") Bool\n  ((Start Bool) (StartBv (_ BitVec 32)))" in text) == (number in (10, 11, 12))


@pytest.mark.parametrize("number", NUMBERS)
def test_the_reference_equals_the_task_specification_on_300_inputs(number: int) -> None:
    text = make.sl_path(number).read_text(encoding="utf-8")
    assert len(inputs(number)) == INPUTS
    assert mismatches(number, text) == []


@pytest.mark.parametrize("number", NUMBERS)
def test_the_file_runs_as_a_task_whose_solver_answers_as_the_specification(number: int) -> None:
    """`godelmachine run pNN.sl` reads each file (P17's and P20's chains of lets nest deeper
    than the machine language allows, and are split into helpers) and its solver, the
    translated reference, answers as the P-task's spec on the 300 inputs."""
    solver = load_task(str(make.sl_path(number))).solver
    answers = []
    for row in inputs(number):
        outcome = run(solver, "solve", tuple(Word(v) for v in row), budget=1_000_000)
        assert outcome.kind == "value", (row, outcome)
        answers.append(outcome.value.bits if isinstance(outcome.value, Word) else outcome.value)
    assert answers == list(expected(number))


@pytest.mark.parametrize(("number", "old", "new"), [
    (1, "(bvxor x #x00000004)", "(bvxor x #x00000006)"),  # P1 at x = 4: 2, not 0
    (20, "(bvslt #x00000001 (bvsub", "(bvsle #x00000001 (bvsub"),  # P20 at x = 3: 7, not 5
    (19, "(bvule k #x0000001b)", "(bvule k #x0000001c)"),  # P19: one field bit too many may be swapped
])
def test_a_reference_with_one_constant_or_operation_changed_is_caught(number: int, old: str, new: str) -> None:
    text = make.sl_path(number).read_text(encoding="utf-8")
    assert text.count(old) == 1
    assert mismatches(number, text) == []
    assert mismatches(number, text.replace(old, new)) != []


def test_the_generated_files_are_the_only_sl_files() -> None:
    files = sorted(p.name for p in Path(make.HERE).glob("*.sl"))
    assert files == [f"p{n:02d}.sl" for n in NUMBERS]
