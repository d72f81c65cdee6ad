"""The numpy batch back end (godelmachine/lang/batch.py) against the interpreter, lane by lane.

The interpreter is the definition: every lane the batch path does not defer has the
interpreter's value and step count, and every lane that traps or runs out of steps on the
interpreter is deferred (the batch path never decides a trap). Programs it cannot take say why.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from godelmachine.lang.batch import LANE_TRIP_LIMIT, BatchProgram, batched, lane_value
from godelmachine.lang.execute import run
from godelmachine.lang.program import Program
from godelmachine.lang.values import Word
from godelmachine.machine.task import builtin_tasks, draw_instances, load_task
from strategies import main_arguments, programs


def lanes_agree(program: Program, name: str, rows: list[tuple], types: tuple, budget: int) -> np.ndarray:
    """Run `name` on every row both ways; assert the batch lanes agree; the deferred mask."""
    batch = batched(program, name, types)
    assert isinstance(batch, BatchProgram), batch
    columns = tuple(np.array([r[i].bits if t == "word" else r[i] for r in rows],
                             dtype={"int": np.int64, "word": np.uint32, "bool": np.bool_}[t]) for i, t in enumerate(types))
    out = batch.call(columns, len(rows), budget)
    for i, row in enumerate(rows):
        reference = run(program, name, row, budget=budget)
        if reference.kind != "value":
            assert out.deferred[i], (row, reference)
        elif not out.deferred[i]:
            assert (lane_value(out.value, out.type, i), int(out.steps[i])) == (reference.value, reference.steps), row
    return out.deferred


@settings(max_examples=400)
@given(programs(lambdas=False), st.lists(main_arguments(), min_size=1, max_size=12), st.sampled_from([60, 400, 100_000]))
def test_batch_lanes_agree_with_the_interpreter(source: str, arguments: list, budget: int) -> None:
    program = Program.from_source(source)
    batch = batched(program, "main", ("int", "word"))
    if isinstance(batch, str):
        event(f"scalar: {batch.split(' (')[0]}")
        return
    event("batch")
    deferred = lanes_agree(program, "main", [(x, Word(w)) for x, w in arguments], ("int", "word"), budget)
    event(f"deferred lanes: {'none' if not deferred.any() else 'all' if deferred.all() else 'some'}")


EDGE_CASES = [
    # (a body over x:int and w:word, rows of x), each with lanes that trap and lanes that do not
    ("(+ x 9223372036854775000)", [0, 807, 808, -5]),
    ("(- x 9223372036854775000)", [0, -808, -809, 5]),
    ("(* x 4611686018427387904)", [0, 1, -1, 2, -2, 3]),
    ("(* x x)", [3037000499, 3037000500, -3037000499, 7]),
    ("(div x -1)", [-9223372036854775808, -9223372036854775807, 5, -5]),
    ("(div x 0)", [1, 0]),
    ("(div 7 x)", [2, -2, 0, 9223372036854775807, -9223372036854775808]),
    ("(div -7 x)", [2, -2, 3, -3, -9223372036854775808]),
    ("(mod -7 x)", [2, -2, 3, -3, 0, -9223372036854775808]),
    ("(mod x -9223372036854775808)", [-1, 1, -9223372036854775808, 9223372036854775807]),
    ("(+ x (word->int w))", [9223372036854775797, 9223372032559808512, 0, -9223372036854775808]),
    ("(- x (word->int w))", [-9223372036854775798, -9223372032559808513, 0, 9223372036854775807]),
    ("(+ (word->sint w) x)", [9223372036854775807, -9223372036854775808, 0]),
    ("(neg x)", [-9223372036854775808, 5]),
    ("(abs x)", [-9223372036854775808, -5]),
    ("(word->int (wshl w x))", [0, 31, 32, -1, 5]),
    ("(word->int (wsar (wnot w) x))", [0, 31, 32, -1, 5]),
    ("(word->sint (wshr (w* w w) x))", [0, 1, 31]),
    ("(if (> x 0) (div 100 x) (- 0 x))", [5, 0, -3]),  # no lane divides by zero: none is deferred
    ("(for (i 1 x) (acc 0) (+ acc i))", [0, 1, 10, -4, LANE_TRIP_LIMIT + 5]),
    ("(for (i 0 x) (acc (list 0 #f)) (if (car (cdr acc)) acc (if (> (* i i) 20) (list i #t) acc)))", [3, 9, 0]),
    ("(car (cdr (reverse (append (list x 1) (cons 2 '())))))", [4, -4]),
    ("(if (wslt w #x00000000) (wudiv #xffffffff w) (wurem w (word x)))", [0, 1, 7]),
    ("(length (if (= x 0) (list 1 2) (list x x)))", [0, 1]),
]


@pytest.mark.parametrize("body, xs", EDGE_CASES)
def test_batch_edge_cases(body: str, xs: list[int]) -> None:
    program = Program.from_source(f"(define (main x w) {body})")
    words = [0, 1, 0x80000000, 0xFFFFFFFF, 0x12345678]
    rows = [(x, Word(w)) for x in xs for w in words]
    deferred = lanes_agree(program, "main", rows, ("int", "word"), 1_000_000)
    if body.startswith("(if (> x 0)"):
        assert not deferred.any()  # the arm that would divide by zero runs under a mask of no lane
    if body.startswith("(for (i 1 x)"):  # only the loop too long for a batch is deferred
        assert [bool(d) for d in deferred[::len(words)]] == [False, False, False, False, True]


def test_budget_and_steps_exact() -> None:
    """A lane that passes the budget is deferred, one within it is not: steps counted exactly."""
    program = Program.from_source("(define (main x w) (for (i 1 x) (acc 0) (+ acc (if (> i 2) i 0))))")
    rows = [(x, Word(0)) for x in range(0, 30)]
    steps = [run(program, "main", row, budget=10**6).steps for row in rows]
    budget = steps[15]
    deferred = lanes_agree(program, "main", rows, ("int", "word"), budget)
    assert [bool(d) for d in deferred] == [s > budget for s in steps]


@pytest.mark.parametrize("source, reason", [
    ("(define (main x w) (if (< x 1) 0 (main (- x 1) w)))", "recursive"),
    ("(define (main x w) ((lambda (y) y) x))", "procedure values"),
    ("(define (main x w) (let ((f (lambda (y) y))) 3))", "procedure values (lambda)"),
    ("(define (main x w) (symbol? 'a))", "literal"),
    ("(define (main x w) (if (< x 0) 1 #t))", "arms differ"),
    ("(define (main x w) (for (i 1 x) (acc '()) (cons i acc)))", "accumulator changes type"),
    ("(define (main x w) (eval-bounded '(+ 1 2) 100))", "primitive eval-bounded"),
])
def test_what_the_batch_path_cannot_take_is_named(source: str, reason: str) -> None:
    batch = batched(Program.from_source(source), "main", ("int", "word"))
    assert isinstance(batch, str) and reason in batch


@pytest.mark.parametrize("name", sorted(builtin_tasks()))
def test_builtin_solvers_and_reward_rules(name: str) -> None:
    """Each built-in task's initial solver, where it has a batch form, and its reward rule on
    the solver's answers, agree with the interpreter on drawn instances."""
    task = load_task(name)
    rows = draw_instances(task.distribution, np.random.default_rng(7), 64)
    if isinstance(batched(task.solver, "solve", task.types), str):
        assert name in ("fib", "induce")  # recursion, symbols
        return
    lanes_agree(task.solver, "solve", rows, task.types, 10**7)
    answers = [run(task.solver, "solve", row, budget=10**7).value for row in rows]
    outputs = [tuple(a) if not isinstance(a, (int, Word, bool)) else (a,) for a in answers]
    out_types = tuple("word" if type(o) is Word else "bool" if type(o) is bool else "int" for o in outputs[0])
    lanes_agree(task.reward_program, task.reward_entry, [r + o for r, o in zip(rows, outputs)],
                (*task.types, *out_types), 10**6)
