"""Executing programs: the one entry point, `run`, with the compiled fast path and the interpreter.

`run(program, name, args, budget)` calls a definition and returns an `Outcome` with the exact
step count. It runs the compiled fast path when the program can be compiled and hands over to
the reference evaluator whenever the fast path traps or runs out of steps, so the outcome is
always the reference evaluator's: same value, same steps, same trap and position.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from godelmachine.errors import UserError
from godelmachine.lang.compiler import run_fast
from godelmachine.lang.interpreter import Evaluator, Outcome
from godelmachine.lang.program import Program
from godelmachine.lang.values import DEFAULT_BUDGET, MAX_CALL_DEPTH, MAX_NESTING

# Language recursion is Python recursion in both evaluators: at most MAX_CALL_DEPTH calls, each
# at most MAX_NESTING syntax nodes deep, each node a few Python frames. Python's own limit is
# raised above that for the duration of a run, so that only the language's limit ever fires.
PYTHON_FRAMES_NEEDED = MAX_CALL_DEPTH * (4 * MAX_NESTING + 16) + 10_000


@contextmanager
def deep_recursion() -> Iterator[None]:
    old = sys.getrecursionlimit()
    if old < PYTHON_FRAMES_NEEDED:
        sys.setrecursionlimit(PYTHON_FRAMES_NEEDED)
    try:
        yield
    finally:
        if sys.getrecursionlimit() != old:
            sys.setrecursionlimit(old)


def run(
    program: Program,
    name: str,
    args: Sequence[Any] = (),
    budget: int = DEFAULT_BUDGET,
    fast: bool = True,
) -> Outcome:
    definition = program.lookup(name)
    if len(args) != len(definition.params):
        raise UserError(f"{name} takes {len(definition.params)} argument(s), given {len(args)}", definition.pos)
    with deep_recursion():
        if fast:
            outcome = run_fast(program, name, tuple(args), budget)
            if outcome is not None:
                return outcome
        return Evaluator(program, budget).run(name, tuple(args))
