"""Region mode's charges and checks (godelmachine/lang/compiler.py): a function in tail position
charges each path once, and only a region that calls checks the budget and the call depth
(before its calls, for the callee). These tests hold the edges: the depth limit exactly, a
wide recursion stopped by the budget, and integer bounds that drop overflow checks only where
no overflow can happen.
"""

from __future__ import annotations

import time

import pytest

from godelmachine.lang.compiler import run_fast
from godelmachine.lang.execute import deep_recursion, run
from godelmachine.lang.program import Program
from godelmachine.lang.values import INT_MAX, INT_MIN, MAX_CALL_DEPTH

DEEP = Program.from_source("""
(define (down n) (if (= n 0) 0 (+ 1 (down (- n 1)))))
(define (via-let n) (let ((y (down n))) y))
(define (in-test n) (if (< (down n) 0) 1 2))
(define (closure n) (if (= n 0) (lambda (x) x) (closure (- n 1))))
""")


@pytest.mark.parametrize("name", ["down", "via-let", "in-test", "closure"])
@pytest.mark.parametrize("n", [MAX_CALL_DEPTH - 3, MAX_CALL_DEPTH - 2, MAX_CALL_DEPTH - 1, MAX_CALL_DEPTH,
                               MAX_CALL_DEPTH + 1])
def test_call_depth_limit_is_exact(name: str, n: int) -> None:
    reference = run(DEEP, name, (n,), budget=10**6, fast=False)
    with deep_recursion():
        fast = run_fast(DEEP, name, (n,), 10**6)
    if reference.kind == "trap":
        assert reference.reason == "depth-exceeded" and fast is None  # the fast path never completes it
    else:
        assert fast is not None and (fast.kind, fast.steps) == (reference.kind, reference.steps)


def test_wide_recursion_is_stopped_by_the_budget() -> None:
    """fib 60 would take ~10^13 steps: the checks in the calling regions stop it at the budget."""
    fib = Program.from_source("(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))")
    started = time.perf_counter()
    outcome = run(fib, "fib", (60,), budget=200_000)
    assert (outcome.kind, outcome.steps) == ("out-of-steps", 200_000)
    assert time.perf_counter() - started < 30


@pytest.mark.parametrize("body, args", [
    ("(if (< x 2) x (- x 2))", [INT_MIN, 1, 2, INT_MAX]),  # bounded by the test: no check needed
    ("(if (> x 0) (+ x 1) 0)", [INT_MAX, INT_MAX - 1, 5]),  # one side bounded: the check stays
    ("(if (>= x -5) (- x 9223372036854775800) 0)", [-5, 7, INT_MAX]),
    ("(for (i 0 x) (acc 9223372036854775800) (+ acc i))", [0, 3, 4, 10]),
    ("(for (i -3 x) (acc -9223372036854775800) (+ acc i))", [-3, 0, 5]),
    ("(if (and (> x 0) (< x 10)) (* (+ x x) 3) (- 0 x))", [INT_MIN, 0, 9, 10]),
    ("(if (not (< x 100)) (+ x 9223372036854775000) x)", [100, 807, 808, 5]),
])
def test_bounds_drop_only_checks_that_cannot_fail(body: str, args: list[int]) -> None:
    program = Program.from_source(f"(define (main x) {body})")
    for x in args:
        reference = run(program, "main", (x,), budget=10**6, fast=False)
        fast = run(program, "main", (x,), budget=10**6)
        assert (fast.kind, fast.steps, fast.value, fast.reason) == \
            (reference.kind, reference.steps, reference.value, reference.reason), x
