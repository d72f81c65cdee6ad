"""Lifetime reward on the built-in tasks: the machine against its two anchors.

For each built-in task at its default lifetime and at 10^7, 10^8 and 10^9 steps (`--quick`:
three short runs), three runs with seed 0 on the same instance stream:

    machine     the Gödel machine as `godelmachine run` runs it (proof search, proven switches)
    unimproved  the task's initial solver for the whole lifetime, no proof search
    oracle      the best solver we know for the task (ORACLES below), from step 0, no search

and the ratios machine/oracle (the one to push towards 1) and machine/unimproved. For the
machine it also records which technique found each switch and when (`switched_by`), the time
to the first switch in clock steps and wall seconds, and how
its wall time divides between Z3 (every `z3.Solver.check`), the solver's instances (the batch
and scalar paths answering them) and everything else (technique programs, tactics, the
kernel's bookkeeping, the log). Every oracle of an exact task is checked to earn reward 1 on
every instance of its runs.

Long lifetimes are affordable because instances run on the batch path (godelmachine/lang/batch.py)
wherever the solver allows it. Left out, with the reason in the results (LEFT_OUT): 10^9 steps
of fib and induce, whose initial solvers (recursion; symbols) run on the scalar path only, so
that their unimproved runs alone would take about 15 and 30 minutes.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any, Iterator

import z3
from rich.table import Table

from godelmachine.cli.sweep import run_with_bar
from godelmachine.jobs import Job, values
from godelmachine.lang.program import Program
from godelmachine.machine.machine import Machine
from godelmachine.machine.task import builtin_tasks, load_task

QUICK = (("fib", 100_000), ("fib", 2_000_000), ("bandit", 100_000))
LIFETIMES = (10**7, 10**8, 10**9)
LEFT_OUT = {
    ("fib", 10**9): "the initial solver recurses: its unimproved run is scalar only (about 15 minutes at 10^9)",
    ("induce", 10**9): "the initial solver enumerates symbols: its unimproved run is scalar only (about 30 minutes at 10^9)",
}

# The best solver we know for each task. sum-to-n, induce and bandit are written by hand (for
# induce that is the rule the inducer is looking for, which no search of ours reaches); fib,
# bits, rare and sort4 are the final solvers of the machine's own runs at their default
# lifetimes: we know none better for these instance laws.
ORACLES = {
    "sum-to-n": "(define (solve n) (div (* (+ n 1) n) 2))",
    "fib": """(define (solve n)
  (if (< n 2) n
    (car (cdr (for (i 2 n) (st (list 0 1)) (list (car (cdr st)) (+ (car (cdr st)) (car st))))))))""",
    "induce": "(define (solve a b) (+ (* 10 a) b))",
    "bandit": "(define (solve t) 2)",
}


class Stopwatch:
    """Wall time spent inside a set of wrapped functions."""

    def __init__(self) -> None:
        self.seconds = 0.0

    @contextmanager
    def around(self, owner: Any, name: str) -> Iterator[None]:
        original = getattr(owner, name)
        watch = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                watch.seconds += time.perf_counter() - started

        setattr(owner, name, timed)
        try:
            yield
        finally:
            setattr(owner, name, original)


def oracle_program(task: str) -> Program:
    if task in ORACLES:
        return Program.from_source(ORACLES[task], f"<oracle {task}>")
    return Program.from_source(FINAL_SOLVERS[task], f"<oracle {task}>")


def run_machine(task: str, lifetime: int) -> dict[str, Any]:
    machine = Machine(load_task(task), lifetime=lifetime)
    z3_time, solver_time = Stopwatch(), Stopwatch()
    first: dict[str, float] = {}
    started = time.perf_counter()

    def progress(m: Machine, result: Any) -> None:
        if result.switches and "wall" not in first:
            first["wall"] = time.perf_counter() - started

    with z3_time.around(z3.Solver, "check"), solver_time.around(machine, "run_instances"):
        result = machine.run(progress)
    wall = time.perf_counter() - started
    return {"reward": result.reward, "switches": len(result.switches), "first_switch_steps": result.first_switch,
            "switched_by": [[s.clock, s.technique] for s in result.switches],  # which technique found each switch
            "first_switch_wall": round(first["wall"], 2) if "wall" in first else None, "wall": round(wall, 2),
            "z3_wall": round(z3_time.seconds, 2), "solver_wall": round(solver_time.seconds, 2),
            "other_wall": round(wall - z3_time.seconds - solver_time.seconds, 2)}


def run_fixed(task: str, lifetime: int, program: Program | None) -> dict[str, Any]:
    """The given solver (the task's own when None) for the whole lifetime, no proof search."""
    machine = Machine(load_task(task), lifetime=lifetime, search=False)
    if program is not None:
        machine.solver = program
    started = time.perf_counter()
    result = machine.run()
    return {"reward": result.reward, "instances": result.instances, "wall": round(time.perf_counter() - started, 2)}


def measure(quick: bool, ray: str | None = None) -> list[dict[str, Any]]:
    """Each (task, lifetime) a job (godelmachine/jobs.py): here one after another, or as Ray
    tasks (`ray`), the longest lifetimes first; the rewards are the same either way, the wall
    times are each job's own."""
    runs = QUICK if quick else [(t, lifetime) for t in builtin_tasks()
                                 for lifetime in sorted({load_task(t).lifetime, *LIFETIMES})]
    jobs = [Job(f"{task} at {lifetime:,}", measure_row, (task, lifetime), cost=float(lifetime))
            for task, lifetime in runs if (task, lifetime) not in LEFT_OUT]
    rows = dict(zip((job.args for job in jobs), values(run_with_bar(jobs, ray, "runs"), "runs")))
    return [{"task": task, "lifetime": lifetime, "left_out": LEFT_OUT[task, lifetime]} if (task, lifetime) in LEFT_OUT
            else rows[task, lifetime] for task, lifetime in runs]


def measure_row(task: str, lifetime: int) -> dict[str, Any]:
    """The machine, the unimproved solver and the oracle on one task for one lifetime."""
    machine = run_machine(task, lifetime)
    unimproved = run_fixed(task, lifetime, None)
    oracle = run_fixed(task, lifetime, oracle_program(task))
    if task != "bandit" and oracle["reward"] != oracle["instances"]:  # exact tasks: right on every instance
        raise RuntimeError(f"the oracle for {task} is wrong on some instance")
    return {
        "task": task, "lifetime": lifetime, "machine": machine["reward"], "unimproved": unimproved["reward"],
        "oracle": oracle["reward"],
        "machine_over_oracle": round(machine["reward"] / oracle["reward"], 4) if oracle["reward"] else None,
        "machine_over_unimproved": round(machine["reward"] / unimproved["reward"], 2) if unimproved["reward"] else None,
        **{k: v for k, v in machine.items() if k != "reward"},
    }


def report(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="Lifetime reward: the machine, the unimproved solver and the oracle (seed 0)")
    for column in ("task", "lifetime", "machine", "unimproved", "oracle", "m/oracle", "m/unimpr.",
                   "sw.", "1st switch", "1st (s)", "wall s", "Z3/solver/other s"):
        table.add_column(column, justify="left" if column == "task" else "right")
    for r in rows:
        if "left_out" in r:
            table.add_row(r["task"], f"{r['lifetime']:,}", "-", "-", "-", "-", "-", "-", "-", "-", "-", r["left_out"])
            continue
        ratio = "inf" if r["machine_over_unimproved"] is None and r["machine"] else str(r["machine_over_unimproved"])
        table.add_row(r["task"], f"{r['lifetime']:,}", f"{r['machine']:,}", f"{r['unimproved']:,}", f"{r['oracle']:,}",
                      f"{r['machine_over_oracle']:.3f}", ratio, str(r["switches"]),
                      f"{r['first_switch_steps']:,}" if r["first_switch_steps"] else "-",
                      str(r["first_switch_wall"] or "-"), str(r["wall"]),
                      f"{r['z3_wall']} / {r['solver_wall']} / {r['other_wall']}")
    return table


# The final solvers of `godelmachine run bits|rare|sort4` (seed 0, default lifetimes).
FINAL_SOLVERS: dict[str, str] = {
    "bits": """(define (solve op x)
  (cond
    ((= op 0) (popcount x))
    ((= op 1) (isolate-lowest x))
    ((= op 2) (clear-lowest x))
    (else (power-of-two x))))

(define (popcount x)
  (let ((a (w- x (wand (wshr x 1) #x55555555))) (b (w+ (wand a #x33333333) (wand (wshr a 2) #x33333333))) (c (wand (w+ b (wshr b 4)) #x0f0f0f0f)))
    (wshr (w* c #x01010101) 24)))

(define (isolate-lowest x) (wand x (wneg x)))

(define (clear-lowest x) (wand x (w- x #x00000001)))

(define (power-of-two x)
  (if (wult (w- x #x00000001) (wand x (wneg x))) #x00000001 #x00000000))""",
    "rare": """(define (solve x m) (power-of-two (wand x m)))

(define (power-of-two y)
  (if (wult (w- y #x00000001) (wand y (wneg y))) #x00000001 #x00000000))

(define (popcount y)
  (word (for (i 0 31) (c 0) (+ c (word->int (wand (wshr y i) #x00000001))))))""",
    "sort4": """(define (solve a b c d)
  (let ((l0 (min a b)) (h0 (max a b)) (l1 (min c d)) (h1 (max c d)) (l2 (min l0 l1)) (h2 (max l0 l1)) (l3 (min h0 h1)) (h3 (max h0 h1)) (l4 (min l3 h2)) (h4 (max l3 h2)))
    (list l2 l4 h4 h3)))""",
}
