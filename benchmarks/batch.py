"""Instances per second: the batch path (numpy, godelmachine/lang/batch.py) against the scalar path.

For each built-in task and each Hacker's Delight problem, the machine runs a fixed solver with
no proof search (`Machine(..., search=False)`, the solver set by hand) twice in the same
process: on the scalar path (`batch=False`, one instance at a time through the compiled fast
path, as every run did before) and on the batch path. Each run's lifetime is raised fourfold
until it takes a second of wall time; the figure is instances per second, and the ratio
batch / scalar is the one to read (these machines are shared and noisy; both sides of a ratio
come from the same minute).

Solvers measured: a task's initial solver (`initial`) and the final solver of the machine's own
run at the default lifetime (`final`: benchmarks/tasks.py, FINAL_SOLVERS and ORACLES; for a
Hacker's Delight problem, its `; loop-free:` solution). Both paths must end with the same
reward and instance count, or the benchmark fails. A solver the batch path cannot take (fib's
and induce's recursion and symbols) shows its reason and no ratio.
"""

from __future__ import annotations

import time
from typing import Any

from rich.table import Table

from benchmarks import hackers_delight
from benchmarks.tasks import oracle_program
from godelmachine.lang.program import Program
from godelmachine.machine.machine import Machine
from godelmachine.machine.task import Task, builtin_tasks, load_task

MIN_WALL = 1.0  # seconds: each run's lifetime grows until it takes this long
QUICK = (("bandit", "final"), ("sum-to-n", "final"))


def timed_run(task: Task, program: Program, lifetime: int, batch: bool) -> dict[str, Any]:
    machine = Machine(task, lifetime=lifetime, search=False, batch=batch)
    machine.solver = program
    started = time.perf_counter()
    result = machine.run()
    wall = time.perf_counter() - started
    return {"lifetime": lifetime, "instances": result.instances, "reward": result.reward, "wall": wall,
            "per_second": result.instances / wall if wall else 0.0, "execution": result.execution}


def throughput(task: Task, program: Program, batch: bool, min_wall: float) -> dict[str, Any]:
    lifetime = 20_000
    while True:
        run = timed_run(task, program, lifetime, batch)
        if run["wall"] >= min_wall or lifetime >= 10**10:
            return run
        lifetime *= 4


def same_instances(task: Task, program: Program, lifetime: int) -> bool:
    """Both paths at one lifetime: the same instances answered and the same reward."""
    a, b = (timed_run(task, program, lifetime, batch) for batch in (True, False))
    return (a["instances"], a["reward"]) == (b["instances"], b["reward"])


def solvers(quick: bool = False) -> list[tuple[str, str, Task, Program]]:
    rows = []
    if quick:  # only the QUICK rows: loading every Hacker's Delight task costs more than measuring them
        return [(name, which, task, task.solver if which == "initial" else oracle_program(name))
                for name, which in QUICK for task in [load_task(name)]]
    for name in builtin_tasks():
        task = load_task(name)
        rows.append((name, "initial", task, task.solver))
        rows.append((name, "final", task, oracle_program(name)))
    for number in hackers_delight.problems():
        task = load_task(str(hackers_delight.task_path(number)))
        loop_free = hackers_delight.header(number)["loop_free"]
        params = " ".join(n for n, _ in task.variables)
        rows.append((f"hd-p{number:02d}", "initial", task, task.solver))
        rows.append((f"hd-p{number:02d}", "final", task, Program.from_source(f"(define (solve {params}) {loop_free})")))
    return rows


def measure(quick: bool = False) -> list[dict[str, Any]]:
    rows = []
    min_wall = 0.2 if quick else MIN_WALL
    for name, which, task, program in solvers(quick):
        batch = throughput(task, program, True, min_wall)
        reasons = batch["execution"]["scalar_solvers"]
        row: dict[str, Any] = {"task": name, "solver": which, "batch_per_second": round(batch["per_second"]),
                               "scalar_reason": reasons[0]["reason"] if reasons else None}
        if reasons:
            rows.append(row)
            continue
        scalar = throughput(task, program, False, min_wall)
        if not same_instances(task, program, min(batch["lifetime"], scalar["lifetime"])):
            raise RuntimeError(f"{name} ({which}): the batch and scalar paths answered differently")
        row.update(scalar_per_second=round(scalar["per_second"]), ratio=round(batch["per_second"] / scalar["per_second"], 1),
                   steps_per_instance=round(batch["lifetime"] / batch["instances"], 1) if batch["instances"] else None)
        rows.append(row)
    return rows


def report(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="Instances per second, no proof search: batch path / scalar path (same process)")
    for column in ("task", "solver", "steps/inst.", "scalar /s", "batch /s", "batch / scalar"):
        table.add_column(column, justify="left" if column in ("task", "solver") else "right")
    for r in rows:
        if r["scalar_reason"]:
            table.add_row(r["task"], r["solver"], "-", "-", "-", f"scalar only: {r['scalar_reason']}")
            continue
        table.add_row(r["task"], r["solver"], str(r["steps_per_instance"]), f"{r['scalar_per_second']:,}",
                      f"{r['batch_per_second']:,}", f"{r['ratio']}x")
    return table
