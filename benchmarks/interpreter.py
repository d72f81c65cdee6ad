"""Interpreter speed: each program in the machine language against the same computation in CPython.

For each of four programs (a summing loop, naive recursive Fibonacci, list processing, a 32-bit
bit-twiddling loop) it runs the compiled fast path, the reference evaluator (on a smaller
input, scaled) and plain CPython in the same process, and prints the exact step count, steps
per second and the ratio of wall times to CPython. Each timing is the best of 7 runs, the
fast path's and CPython's interleaved.
The CPython versions follow the same algorithm (the same loops and recursions; lists as
(head, tail) tuples), so the ratio measures the interpreter, not a different algorithm.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any, Callable

from godelmachine.lang.compiler import compiled
from godelmachine.lang.execute import run
from godelmachine.lang.program import Program
from godelmachine.lang.values import Word

SOURCE = """
(define (sum-to n) (for (i 0 n) (acc 0) (+ acc i)))

(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))

(define (range-list n) (for (i 1 n) (acc '()) (cons (- (+ n 1) i) acc)))
(define (square-evens xs)
  (if (null? xs) '()
      (let ((x (car xs)) (rest (square-evens (cdr xs))))
        (if (= (mod x 2) 0) (cons (* x x) rest) rest))))
(define (sum-list xs) (if (null? xs) 0 (+ (car xs) (sum-list (cdr xs)))))
(define (lists n reps) (for (r 1 reps) (acc 0) (+ acc (sum-list (square-evens (range-list n))))))

(define (xorshift x n)
  (for (i 1 n) (y x)
    (let ((a (wxor y (wshl y 13))) (b (wxor a (wshr a 17)))) (wxor b (wshl b 5)))))
"""


def py_sum_to(n: int) -> int:
    acc = 0
    for i in range(n + 1):
        acc += i
    return acc


def py_fib(n: int) -> int:
    return n if n < 2 else py_fib(n - 1) + py_fib(n - 2)


sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))  # the CPython versions recurse 3,000 deep


def py_lists(n: int, reps: int) -> int:
    """The same algorithm in Python: cons cells as (head, tail) tuples, the same recursions."""

    def range_list(n: int) -> tuple | None:
        acc = None
        for i in range(1, n + 1):
            acc = (n + 1 - i, acc)
        return acc

    def square_evens(xs: tuple | None) -> tuple | None:
        if xs is None:
            return None
        x, rest = xs[0], square_evens(xs[1])
        return (x * x, rest) if x % 2 == 0 else rest

    def sum_list(xs: tuple | None) -> int:
        return 0 if xs is None else xs[0] + sum_list(xs[1])

    total = 0
    for _ in range(reps):
        total += sum_list(square_evens(range_list(n)))
    return total


def py_xorshift(x: int, n: int) -> int:
    for _ in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
    return x


@dataclass(frozen=True)
class Case:
    name: str
    entry: str
    args: tuple[Any, ...]
    small_args: tuple[Any, ...]  # for the reference evaluator, which is much slower
    python: Callable[..., Any]
    python_args: tuple[Any, ...]
    python_small_args: tuple[Any, ...]


CASES = [
    Case("summing loop", "sum-to", (2_000_000,), (50_000,), py_sum_to, (2_000_000,), (50_000,)),
    Case("recursive fib", "fib", (25,), (17,), py_fib, (25,), (17,)),
    Case("list processing", "lists", (3000, 60), (3000, 2), py_lists, (3000, 60), (3000, 2)),
    Case("bit-twiddling loop", "xorshift", (Word(2463534242), 1_000_000), (Word(2463534242), 20_000),
         py_xorshift, (2463534242, 1_000_000), (2463534242, 20_000)),
]


def best_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def measure(quick: bool = False) -> list[dict[str, Any]]:
    program = Program.from_source(SOURCE, "<benchmark>")
    compiled(program)  # compile once, outside the timings
    repeat = 1 if quick else 7
    rows = []
    for case in CASES:
        args = case.small_args if quick else case.args
        py_args = case.python_small_args if quick else case.python_args
        fast_time = py_time = float("inf")
        for _ in range(repeat):  # interleaved, so that a busy moment of the shared machine hits both
            seconds, outcome = best_time(lambda: run(program, case.entry, args, budget=10**12), 1)
            fast_time = min(fast_time, seconds)
            seconds, expected = best_time(lambda: case.python(*py_args), 1)
            py_time = min(py_time, seconds)
        value = outcome.value.bits if type(outcome.value) is Word else outcome.value
        if outcome.kind != "value" or value != expected:
            raise AssertionError(f"{case.name}: the interpreter gave {outcome}, CPython {expected}")
        ref_time, ref_outcome = best_time(lambda: run(program, case.entry, case.small_args, budget=10**12, fast=False), 1)
        py_small_time, _ = best_time(lambda: case.python(*case.python_small_args), repeat)
        rows.append({
            "program": case.name,
            "steps": outcome.steps,
            "fast_seconds": fast_time,
            "cpython_seconds": py_time,
            "fast_ratio": fast_time / py_time,
            "steps_per_second": outcome.steps / fast_time,
            "reference_ratio": ref_time / py_small_time,
            "reference_steps_per_second": ref_outcome.steps / ref_time,
        })
    return rows


def report(rows: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    table = Table(title="Interpreter against CPython (wall time ratio, lower is better)")
    for column in ("program", "steps", "fast path", "CPython", "fast / CPython", "steps/s", "reference / CPython"):
        table.add_column(column, justify="left" if column == "program" else "right")
    for r in rows:
        table.add_row(
            r["program"], f"{r['steps']:,}", f"{r['fast_seconds']:.3f} s", f"{r['cpython_seconds']:.3f} s",
            f"{r['fast_ratio']:.2f}x", f"{r['steps_per_second'] / 1e6:.1f} M", f"{r['reference_ratio']:.0f}x",
        )
    return table
