"""Component-based synthesis (godelmachine/search/components.py) and its stage in the
`synthesis` generator (godelmachine/search/cegis.py): real Z3 queries, checked by running the
programs they return."""

from __future__ import annotations

import random

import pytest

from godelmachine.lang.execute import run
from godelmachine.lang.primitives import BASE
from godelmachine.lang.program import Program
from godelmachine.lang.values import Word, show
from godelmachine.machine.machine import Machine
from godelmachine.machine.task import load_task
from godelmachine.search import cegis
from godelmachine.search.components import library, synthesize
from godelmachine.search.synthesis import TRAP, datum, operations
from helpers import synthesize_in_cut_trials

RNG = random.Random(11)
WORDS = [Word(RNG.getrandbits(32) >> RNG.randrange(33)) for _ in range(300)]


def as_program(params: list[str], term: tuple) -> Program:
    return Program.from_source(f"(define (f {' '.join(params)}) {show(datum(term))})")


def cegis_loop(params: list[str], spec: str, lines: int, result: str = "word", rlimit: int = 20_000_000) -> tuple | None:
    """Counterexample-guided: ask for a program of `lines` operations fitting the examples,
    add the first of 300 random inputs it gets wrong, until none is wrong."""
    reference = Program.from_source(f"(define (f {' '.join(params)}) {spec})")
    points = [tuple(WORDS[(i * 7 + k * 13) % len(WORDS)] for k in range(len(params))) for i in range(len(WORDS))]
    examples = [(p, run(reference, "f", p).value) for p in points[:2]]
    top = library(BASE, result="bool") if result == "bool" else []
    for _ in range(20):
        outcome = synthesize(params, examples, library(BASE), lines, top=top, rlimit=rlimit)
        if outcome.term is None:
            return None
        candidate = as_program(params, outcome.term)
        wrong = next((p for p in points if run(candidate, "f", p).value != run(reference, "f", p).value), None)
        if wrong is None:
            return outcome.term
        examples.append((wrong, run(reference, "f", wrong).value))
    raise AssertionError("no fixed point in 20 rounds")


def test_the_library_is_read_from_the_primitive_table():
    names = {c.name for c in library(BASE)}
    assert {"w+", "w-", "wand", "wor", "wxor", "wneg", "wnot", "wshl", "wshr", "wsar"} <= names
    assert not names & {"w*", "wudiv", "wurem"}  # large circuits: only where the definition uses them
    assert "w*" in {c.name for c in library(BASE, uses=frozenset({"w*"}))}
    assert {c.name for c in library(BASE, result="bool")} == {"wult", "wule", "wslt", "wsle", "="}


def test_z3_solves_for_the_components_and_their_wiring():
    assert cegis_loop(["x"], "(wand x (wneg x))", 1) is None  # no single operation isolates the lowest 1
    term = cegis_loop(["x"], "(wand x (wneg x))", 2)
    assert term is not None and operations(term) == 2  # every line is read: n lines, n operations (or constants)
    and_not = cegis_loop(["x", "y"], "(wand x (wnot y))", 2)
    assert and_not is not None and operations(and_not) == 2


def test_shift_amounts_and_constants_are_solved_for():
    assert cegis_loop(["x"], "(wsar x 7)", 1) == ("wsar", ("var", "x"), ("const", 7))
    term = cegis_loop(["x"], "(w+ x #x00003039)", 2)  # x + 12345 (or x - its negation): a constant line
    assert term is not None and operations(term) == 1  # a constant is a line, and a leaf of the term
    assert any(type(leaf) is tuple and leaf[0] == "const" and type(leaf[1]) is Word for leaf in term[1:])


def test_a_boolean_answer_ends_with_a_comparison():
    term = cegis_loop(["x", "y"], "(wslt (wneg x) y)", 2, result="bool")
    assert term is not None and term[0] in ("wult", "wule", "wslt", "wsle", "=") and operations(term) == 2


def test_an_example_where_the_definition_traps_asks_nothing_and_a_small_budget_is_unknown():
    examples = [((Word(5),), Word(6)), ((Word(9),), TRAP)]
    found = synthesize(["x"], examples, library(BASE), 1, rlimit=5_000_000)
    assert found.status == "found"
    hard = [((w,), Word(bin(w.bits).count("1"))) for w in WORDS[:8]]  # a bit count in 6 operations: no
    assert synthesize(["x"], hard, library(BASE), 6, rlimit=1_000).status == "unknown"


LOOP_LOWEST_ONE = """
(task lowest-one
  (lifetime 1000000)
  (instance ((x word)) (uniform-word x))
  (solver
    (define (solve x)
      (for (i 0 31) (r #x00000000)
        (if (= r #x00000000) (wand x (wshl #x00000001 i)) r))))
  (reward exact (define (check x r) (= r (wand x (wneg x)))))
  (outputs word)
  (initial-reward 1)
  (techniques (synthesis 1)))
"""


@pytest.fixture(scope="module")
def lowest_one(tmp_path_factory):
    path = tmp_path_factory.mktemp("lowest") / "lowest-one.task"
    path.write_text(LOOP_LOWEST_ONE, encoding="utf-8")
    return Machine(load_task(path), lifetime=1000)


def test_the_generator_reaches_straight_line_programs_after_its_enumeration(lowest_one, monkeypatch):
    """With the enumeration cut to almost nothing, the component-based stage finds the loop's
    two-operation equivalent; its Z3 work is charged, and a search cut every 30,000 steps
    (a query's outcome kept across the cut) pays it once."""
    monkeypatch.setattr(cegis, "MAX_WEIGHT", 12)
    monkeypatch.setattr(cegis, "MIN_LINES", 1)
    machine = lowest_one
    task, kernel = machine.task, machine.kernel
    dist = kernel.instance(task.types)
    queries: list[int] = []
    original = cegis.components.synthesize

    def counted(*args, **kwargs):
        outcome = original(*args, **kwargs)
        queries.append(outcome.rlimit_used)
        return outcome

    monkeypatch.setattr(cegis.components, "synthesize", counted)
    charged: list[int] = []

    def runner(program, name, args, fast=True):
        outcome = run(program, name, args, budget=1_000_000, fast=fast)
        charged.append(outcome.steps)
        return outcome

    (found,) = cegis.synthesize(task.solver, dist, task.types, kernel, runner, charged.append)
    body = found["definitions"][0]
    candidate = Program.from_source(show(body))
    assert all(run(candidate, "solve", (w,)).value == Word(w.bits & -w.bits & 0xFFFFFFFF) for w in WORDS)
    assert queries and sum(charged) > sum(queries)  # every query's units are on the clock
    whole = sum(charged)

    again, trials, paid = synthesize_in_cut_trials(task, kernel, 30_000)
    assert [show(sp["definitions"][0]) for sp in again] == [show(body)]
    assert trials > 1 and whole <= paid <= 1.3 * whole, (trials, whole, paid)


def test_a_trial_too_short_for_a_query_ends_instead_of_asking_z3(lowest_one, monkeypatch):
    monkeypatch.setattr(cegis, "MAX_WEIGHT", 12)
    monkeypatch.setattr(cegis, "MIN_LINES", 1)
    task, kernel = lowest_one.task, lowest_one.kernel
    asked: list[int] = []
    monkeypatch.setattr(cegis.components, "synthesize", lambda *a, **k: asked.append(1))

    class TrialOver(Exception):
        pass

    remaining = [cegis.LINES_MIN - 1]

    def charge(n: int) -> None:
        remaining[0] -= n
        if remaining[0] < 0:
            raise TrialOver()

    def runner(program, name, args, fast=True):
        outcome = run(program, name, args, budget=1_000_000, fast=fast)
        charge(outcome.steps)
        return outcome

    with pytest.raises(TrialOver):
        cegis.synthesize(task.solver, kernel.instance(task.types), task.types, kernel, runner, charge, {},
                         left=lambda: max(0, remaining[0]))
    assert asked == []


def test_the_component_stage_waits_while_the_enumeration_has_spent_less(lowest_one, monkeypatch):
    """Equal shares: the enumeration finds (wand x (wneg x)) for fewer steps than a first
    query's budget, so no query is asked."""
    monkeypatch.setattr(cegis, "MIN_LINES", 1)
    task, kernel = lowest_one.task, lowest_one.kernel
    dist = kernel.instance(task.types)
    (target,) = cegis.targets(task.solver, dist, task.types)

    def runner(program, name, args, fast=True):
        return run(program, name, args, budget=1_000_000, fast=fast)

    search = cegis.TargetSearch(task.solver, target, dist, kernel, runner, lambda n: None)
    level, found = cegis.LEVEL_STEP, None
    while found is None and not search.done:
        found = search.advance(level)
        level += cegis.LEVEL_STEP
    assert found is not None and search.spent["lines"] == 0 < search.spent["enumeration"] < cegis.LINES_BASE
