"""Running a program on both evaluators and insisting that they agree."""

from __future__ import annotations

from typing import Any

from godelmachine.lang.execute import run
from godelmachine.lang.interpreter import Outcome
from godelmachine.lang.program import Program
from godelmachine.lang.reader import read, to_value
from godelmachine.lang.values import show


def datum(text: str) -> Any:
    (node,) = read(text)
    return to_value(node)


def run_both(source: str, args: tuple[Any, ...] = (), budget: int = 10_000_000, entry: str = "main") -> Outcome:
    """The outcome of the reference evaluator, after checking the fast path gives the same."""
    program = Program.from_source(source, "<test>")
    reference = run(program, entry, args, budget=budget, fast=False)
    fast = run(program, entry, args, budget=budget, fast=True)
    assert same_outcome(fast, reference), f"fast path {fast} differs from reference {reference}"
    return reference


def same_outcome(a: Outcome, b: Outcome) -> bool:
    """Equal outcomes; procedures (which have no equality) compare by their printed form."""
    return (a.kind, a.steps, show(a.value), a.reason, a.pos) == (b.kind, b.steps, show(b.value), b.reason, b.pos)


def synthesize_in_cut_trials(task: Any, kernel: Any, every: int) -> tuple[list[Any], int, int]:
    """Run the synthesis generator in trials of `every` steps, its search kept across them in
    one memo, as the searcher does: (the proposals, the trials, the steps paid in all)."""
    from godelmachine.search.cegis import synthesize

    class TrialOver(Exception):
        pass

    dist = kernel.instance(task.types)
    memo: dict = {}
    paid, trials = 0, 0
    while True:
        left = [every]
        trials += 1

        def charge(n: int) -> None:
            nonlocal paid
            paid += n
            left[0] -= n
            if left[0] < 0:
                raise TrialOver()

        def cut_runner(program: Any, name: str, args: tuple, fast: bool = True) -> Outcome:
            outcome = run(program, name, args, budget=1_000_000, fast=fast)
            charge(outcome.steps)
            return outcome

        try:
            found = synthesize(task.solver, dist, task.types, kernel, cut_runner, charge, memo)
        except TrialOver:
            continue
        if found:
            return found, trials, paid
