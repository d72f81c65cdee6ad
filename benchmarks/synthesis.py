"""The `synthesis` technique's generator alone on the Hacker's Delight problems P1 to P25.

For each task (`benchmarks/hackers_delight/pNN.task`) the generator
(`godelmachine/search/cegis.py`, `synthesize`) is called on the task's initial solver, as the
technique would call it on the machine's first solver, with the kernel of a `Machine` built
for the task. Every step it charges is counted exactly as a run would charge it: the runs of the
definition and of the candidates (their interpreter steps), one step per node and test input of
the enumeration, and Z3's rlimit units for the kernel's checks. A problem whose count passes
`CAP` steps is stopped there and recorded as "cap" (the charge raises), so that the suite's time
stays bounded; the task's own lifetime is 5,000,000 steps, which is what a generator has to fit
in to be of use to the machine.

Recorded per problem: the first proposal's code (a proposal is a term the kernel's check did
not refute; the technique proves it again), its operation count beside the file's
`; best-known:` count, the steps charged and the wall seconds of the generator (setting up the
machine, i.e. loading and checking the axioms, is not counted). The enumeration is
deterministic: the same steps every run.

`python -m benchmarks synthesis` (about ten minutes on 2 cores); `--quick` runs P1 and P4 with a
small cap.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from benchmarks.hackers_delight import BEST_KNOWN, instructions, problems, task_path

CAP = 20_000_000  # steps charged per problem before the generator is stopped
QUICK_PROBLEMS = (1, 4)
QUICK_CAP = 2_000_000
RUN_BUDGET = 1_000_000  # interpreter steps of one run of a definition or candidate


class CapReached(Exception):
    """The generator charged more than the cap."""


def measure_problem(number: int, cap: int) -> dict[str, Any]:
    from godelmachine.lang.execute import run
    from godelmachine.lang.values import show
    from godelmachine.machine.machine import Machine
    from godelmachine.machine.task import load_task
    from godelmachine.search import cegis

    task = load_task(Path(task_path(number)))
    machine = Machine(task, lifetime=1000)
    steps = [0]

    def charge(n: int) -> None:
        steps[0] += n
        if steps[0] > cap:
            raise CapReached

    def runner(program: Any, name: str, args: tuple[Any, ...], fast: bool = True) -> Any:
        outcome = run(program, name, args, budget=RUN_BUDGET, fast=fast)
        charge(outcome.steps)
        return outcome

    started = time.perf_counter()
    try:
        found = cegis.synthesize(task.solver, machine.kernel.instance(task.types), task.types, machine.kernel,
                                 runner, charge)
        outcome = "found" if found else "none"
    except CapReached:
        found, outcome = [], "cap"
    wall = time.perf_counter() - started
    first = found[0] if found else None
    body = list(first["definitions"][0])[2] if first else None
    return {
        "problem": f"P{number}",
        "task": f"benchmarks/hackers_delight/{task_path(number).name}",
        "cap": cap,
        "outcome": outcome,
        "found": show(first["definitions"][0]) if first else None,
        "operations": instructions(body) if first else None,
        "best_known": BEST_KNOWN[number],
        "steps": min(steps[0], cap + 1) if outcome == "cap" else steps[0],
        "wall_seconds": round(wall, 2),
    }


def measure(quick: bool = False) -> list[dict[str, Any]]:
    numbers = QUICK_PROBLEMS if quick else problems()
    cap = QUICK_CAP if quick else CAP
    return [measure_problem(n, cap) for n in numbers]


def report(rows: list[dict[str, Any]]) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    cap = rows[0]["cap"] if rows else CAP
    table = Table(title=f"The synthesis generator on Hacker's Delight P1-P25 (cap {cap:,} steps a problem)")
    for column in ("problem", "outcome", "operations (best known)", "steps", "wall", "found"):
        table.add_column(column, justify="left" if column in ("problem", "outcome", "found") else "right")
    for r in rows:
        ops = "-" if r["operations"] is None else str(r["operations"])
        table.add_row(r["problem"], r["outcome"], f"{ops} ({r['best_known']})", f"{r['steps']:,}",
                      f"{r['wall_seconds']:.1f} s", (r["found"] or "")[:90])
    found = sum(r["outcome"] == "found" for r in rows)
    within = sum(r["outcome"] == "found" and r["steps"] <= 5_000_000 for r in rows)
    steps = sum(r["steps"] for r in rows)
    wall = sum(r["wall_seconds"] for r in rows)
    summary = Text(f"Found {found} of {len(rows)} ({within} within a task's lifetime of 5,000,000 steps); "
                   f"{steps:,} steps and {wall:.0f} s in all (a capped problem counts its cap).")
    return Group(table, summary)
