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
machine, i.e. loading and checking the axioms, is not counted), beside the same figures
before the synthesizer was made cheaper (`BASELINE`, measured with this file on the code as
issue 14 first left it). The enumeration is deterministic: the same steps every run; wall
seconds vary with the machine's load (2 cores shared).

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
QUICK_CAP = 3_000_000  # P4 needs 2,044,817 (Z3 checking its answer against the looping specification)
RUN_BUDGET = 1_000_000  # interpreter steps of one run of a definition or candidate
BASELINE = {  # problem: (outcome, steps, wall seconds) before the changes that follow it (commit 2855593, cap 20M)
    "P1": ("found", 221_728, 0.24),
    "P2": ("found", 277_824, 0.31),
    "P3": ("found", 49_612, 0.1),
    "P4": ("found", 4_204_754, 0.45),
    "P5": ("found", 275_696, 0.32),
    "P6": ("found", 201_230, 0.25),
    "P7": ("found", 998_736, 1.14),
    "P8": ("found", 282_866, 0.28),
    "P9": ("found", 2_115_621, 1.58),
    "P10": ("cap", 20_000_001, 25.41),
    "P11": ("found", 5_887_990, 6.84),
    "P12": ("found", 3_332_654, 3.69),
    "P13": ("cap", 20_000_001, 32.54),
    "P14": ("cap", 20_000_001, 59.61),
    "P15": ("cap", 20_000_001, 56.74),
    "P16": ("cap", 20_000_001, 55.58),
    "P17": ("cap", 20_000_001, 48.88),
    "P18": ("cap", 20_000_001, 43.82),
    "P19": ("cap", 20_000_001, 48.99),
    "P20": ("cap", 20_000_001, 54.94),
    "P21": ("none", 0, 0.0),
    "P22": ("cap", 20_000_001, 58.16),
    "P23": ("cap", 20_000_001, 47.75),
    "P24": ("cap", 20_000_001, 39.22),
    "P25": ("cap", 20_000_001, 42.68),
}


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
        "before": dict(zip(("outcome", "steps", "wall_seconds"), BASELINE[f"P{number}"])),
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
    for column in ("problem", "outcome (before)", "operations (best known)", "steps", "before", "wall (before)",
                   "found"):
        table.add_column(column, justify="left" if column in ("problem", "outcome (before)", "found") else "right")
    for r in rows:
        ops = "-" if r["operations"] is None else str(r["operations"])
        before = r["before"]
        table.add_row(r["problem"], f"{r['outcome']} ({before['outcome']})", f"{ops} ({r['best_known']})",
                      f"{r['steps']:,}", f"{before['steps']:,}",
                      f"{r['wall_seconds']:.1f} s ({before['wall_seconds']:.1f} s)", (r["found"] or "")[:80])
    found = sum(r["outcome"] == "found" for r in rows)
    within = sum(r["outcome"] == "found" and r["steps"] <= 5_000_000 for r in rows)
    steps = sum(r["steps"] for r in rows)
    wall = sum(r["wall_seconds"] for r in rows)
    before = [r["before"] for r in rows]
    summary = Text(f"Found {found} of {len(rows)} ({within} within a task's lifetime of 5,000,000 steps); "
                   f"{steps:,} steps and {wall:.0f} s in all (a capped problem counts its cap). Before: found "
                   f"{sum(b['outcome'] == 'found' for b in before)} "
                   f"({sum(b['outcome'] == 'found' and b['steps'] <= 5_000_000 for b in before)} within the lifetime), "
                   f"{sum(b['steps'] for b in before):,} steps, {sum(b['wall_seconds'] for b in before):.0f} s.")
    return Group(table, summary)
