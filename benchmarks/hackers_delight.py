"""The Hacker's Delight suite: P1 to P25 of Gulwani, Jha, Tiwari and Venkatesan, "Synthesis of
loop-free programs" (PLDI 2011), each started from a straightforward specification.

Each problem is a task file, `benchmarks/hackers_delight/pNN.task`: the problem statement as the
paper gives it, a machine-readable line `; best-known: N` (the number of instructions of the
paper's loop-free solution, as its tool Brahma synthesized it), that solution in the machine
language on a `; loop-free:` line (for reference and for the tests; the machine is not told it),
and notes where the language or the task format made us state the problem differently. The
initial solver is the specification itself: loops over the bits, or branches, as the statement
reads. The reward rule compares the answer with the same specification.

Budget: every problem runs for LIFETIME = 5,000,000 clock steps (seed 0), the whole of which
is the machine's: the solver's steps, the proof searcher's and the prover's (Z3's work at one
step per rlimit unit). Recorded for each problem:

- found: whether the machine proved and made a rewrite of the solver (a proven cut of the proof
  searcher's own share is listed with the switches but does not count);
- the clock at the first solver rewrite, and the rewrite itself;
- steps per instance of the specification and of the final solver (the mean over 256 instances
  drawn from the task), and the instruction count of the final solver when it is loop-free
  (primitive operations and branches; let-bound values once), beside the best-known count;
- wall seconds of the run and of its setup (loading and checking the axioms, among them the
  reward rule's semantics), and the run's reward against the specification alone for the same
  lifetime (`search=False`).

The full suite takes about a quarter of an hour on 2 cores, most of it spent answering
instances after a switch (the reward rule runs the looping specification on every answer) and
setting up (checking the axioms takes 3 to 15 seconds a task). `godelmachine run
benchmarks/hackers_delight/pNN.task --lifetime 5000000` repeats one run with its log.

Two choices in how the tasks are stated, measured while building the suite: a search share of
1/2 (the proof searcher's share of the steps until it proves that it should stop) rather than the
built-in tasks' 1/5, which brings the first switch forward about twice (P1: at 213,531 steps
rather than 449,151); and
specifications whose loops scan all 32 bits and choose between values computed beforehand, so
that their cost hardly depends on the instance. An early-exit loop costs a different number of
steps on each word, and the prover then spends most of its time bounding the old solver's cost:
on P7 the cost bounds took 25 million steps for an early-exit specification and 3,500 for the
scanning one.

What the machine can reach here is set by its two generators: `superopt`
(godelmachine/search/candidates.py: helpers of one or two words, expressions of at most 3
operations or a comparison of smaller ones, and a short list of known idioms) and `synthesis`
(godelmachine/search/cegis.py: terms of the primitive table's grammar for any definition of one
to three arguments, in Levin order, up to about 8 nodes or the size at which no term can be
cheaper than the definition). Each switch records which of them found it. A best-known solution
longer than that, or a definition of four inputs (P21), is out of reach by construction; where
the specification is loop-free already (P9, P13 to P16, P21) nothing cheaper of that size may
exist. Within reach, a rewrite can still miss the budget when its proof is costly: Z3's work
is charged to the clock.

Published figures, quoted beside ours: Brahma synthesized all 25 problems (PLDI 2011); STOKE's
synthesis (Schkufza, Sharma and Aiken, "Stochastic superoptimization", ASPLOS 2013) timed out on
p19, p20 and p24.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import numpy as np

from godelmachine.cli.sweep import run_with_bar
from godelmachine.jobs import Job, values

SUITE = Path(__file__).resolve().parent / "hackers_delight"
LIFETIME = 5_000_000  # clock steps per problem
QUICK_PROBLEMS = (9, 13)  # loop-free specifications: their reward axioms load fastest
QUICK_LIFETIME = 20_000
SAMPLE = 256  # instances on which steps per instance are measured
STOKE_TIMEOUTS = (19, 20, 24)
PUBLISHED = "Brahma (PLDI 2011): all 25 synthesized. STOKE (ASPLOS 2013): synthesis timed out on p19, p20 and p24."


def task_path(number: int) -> Path:
    return SUITE / f"p{number:02d}.task"


def problems() -> list[int]:
    return sorted(int(p.stem[1:]) for p in SUITE.glob("p*.task"))


def header(number: int) -> dict[str, Any]:
    """The machine-readable comment lines of a task file: problem, best-known, loop-free."""
    text = task_path(number).read_text(encoding="utf-8")
    fields = {}
    for key in ("problem", "best-known", "loop-free"):
        lines = re.findall(rf"^; {key}: (.*)$", text, re.M)
        if len(lines) != 1:
            raise ValueError(f"{task_path(number)}: expected one '; {key}:' line")
        fields[key] = lines[0].strip()
    problem = re.search(r"^; problem: (.*?)\n(?:; best-known)", text, re.M | re.S)
    statement = " ".join(line.lstrip("; ").strip() for line in problem.group(1).splitlines()) if problem else ""
    best = re.match(r"\d+", fields["best-known"])
    if best is None:
        raise ValueError(f"{task_path(number)}: '; best-known:' must start with a number")
    return {"statement": statement, "best_known": int(best.group()), "loop_free": fields["loop-free"]}


BEST_KNOWN = {n: header(n)["best_known"] for n in problems()}


# --- measuring programs --------------------------------------------------------------------


def helper_name(program: Any) -> str:
    """The definition solve calls: the specification, and what a rewrite replaces."""
    body = list(program.lookup("solve").code)[2]
    return body.head


def instructions(expr: Any) -> int | None:
    """Primitive operations and branches in a loop-free expression (an if, each cond test and
    each and/or operand but the last count one, as they cost a step); None if it loops or calls."""
    from godelmachine.lang.primitives import BASE
    from godelmachine.lang.values import Pair

    if type(expr) is not Pair:
        return 0
    items = list(expr)
    head, args = items[0], items[1:]
    if head == "quote":
        return 0
    if head == "let":
        parts = [list(binding)[1] for binding in args[0]] + [args[1]]
        own = 0
    elif head == "cond":
        parts = [x for clause in args for x in list(clause) if x != "else"]
        own = sum(1 for clause in args if list(clause)[0] != "else")
    elif head in ("and", "or"):
        parts, own = args, len(args) - 1
    elif head == "if" or (type(head) is str and head in BASE):
        parts, own = args, 1
    else:
        return None  # a loop, a lambda or a call of a definition
    counts = [instructions(p) for p in parts]
    return None if None in counts else own + sum(counts)  # type: ignore[operator]


def program_instructions(program: Any) -> int | None:
    """The instructions of the definition solve calls or, once a rewrite replaced solve's own
    body (synthesis rewrites any definition), of solve itself."""
    name = helper_name(program)
    code = list(program.lookup(name if name in program else "solve").code)[2]
    return instructions(code)


def mean_steps(program: Any, sample: list[tuple]) -> float:
    from godelmachine.lang.execute import run

    return sum(run(program, "solve", args, budget=10**7).steps for args in sample) / len(sample)


# --- the suite -----------------------------------------------------------------------------


def measure_problem(number: int, lifetime: int) -> dict[str, Any]:
    from godelmachine import Machine, load_task

    task = load_task(str(task_path(number)))
    info = header(number)
    started = time.perf_counter()
    machine = Machine(task, seed=0, lifetime=lifetime)  # loads and checks the axioms, the task's among them
    setup = time.perf_counter() - started
    result = machine.run()
    wall = time.perf_counter() - started - setup
    baseline = Machine(task, seed=0, lifetime=lifetime, search=False).run()
    rewrites = [s for s in result.switches if s.technique != "share"]
    shares = [s for s in result.switches if s.technique == "share"]
    final = result.switches[-1].after if result.switches else task.solver
    sample = task.draw(np.random.default_rng([0, 9]), SAMPLE)
    return {
        "problem": f"P{number}",
        "task": f"benchmarks/hackers_delight/{task_path(number).name}",
        "statement": info["statement"],
        "best_known": info["best_known"],
        "lifetime": lifetime,
        "found": bool(rewrites),
        "first_switch": rewrites[0].clock if rewrites else None,
        "rewrite": rewrites[-1].summary if rewrites else None,
        "share_cut": shares[0].clock if shares else None,
        "switches": [[s.clock, s.technique, s.summary] for s in result.switches],
        "spec_steps": mean_steps(task.solver, sample),
        "final_steps": mean_steps(final, sample),
        "spec_instructions": program_instructions(task.solver),
        "final_instructions": program_instructions(final),
        "wall_seconds": wall,
        "setup_seconds": setup,
        "reward": result.reward,
        "instances": result.instances,
        "reward_no_search": baseline.reward,
        "solver_steps": result.solver_steps,
        "search_steps": result.search_steps,
        "refusals": dict(sorted(result.refusals.items())),
        "brahma": "synthesized",
        "stoke": "timed out" if number in STOKE_TIMEOUTS else "synthesized",
    }


def measure(quick: bool = False, ray: str | None = None) -> list[dict[str, Any]]:
    """Each problem a job (godelmachine/jobs.py): run here one after another, or as Ray tasks
    (`ray`: "local" or a cluster's address), the longest first; the rows in problem order."""
    numbers = QUICK_PROBLEMS if quick else problems()
    lifetime = QUICK_LIFETIME if quick else LIFETIME
    jobs = [Job(f"P{n}", measure_problem, (n, lifetime), cost=RECORDED_SECONDS.get(f"P{n}", 1.0)) for n in numbers]
    return values(run_with_bar(jobs, ray, "problems"), "problems")


def recorded_seconds() -> dict[str, float]:
    """Each problem's wall time in the last recorded results (only to start the long ones first)."""
    try:
        rows = json.loads((Path(__file__).parent / "results" / "hackers_delight.json").read_text())["rows"]
        return {r["problem"]: r["wall_seconds"] + r["setup_seconds"] for r in rows}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


RECORDED_SECONDS = recorded_seconds()


def report(rows: list[dict[str, Any]]) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    lifetime = rows[0]["lifetime"] if rows else LIFETIME
    table = Table(title=f"Hacker's Delight P1-P25: a proven rewrite of the specification within {lifetime:,} clock steps "
                        "(seed 0)")
    for column in ("problem", "found", "first rewrite at", "steps/instance: spec → final", "instructions (best known)",
                   "wall", "reward (no search)", "Brahma", "STOKE"):
        table.add_column(column, justify="left" if column in ("problem", "found", "Brahma", "STOKE") else "right")
    for r in rows:
        ours = "loops" if r["final_instructions"] is None else str(r["final_instructions"])
        table.add_row(
            r["problem"], "yes" if r["found"] else "no",
            f"{r['first_switch']:,}" if r["first_switch"] is not None else "-",
            f"{r['spec_steps']:.1f} → {r['final_steps']:.1f}",
            f"{ours} ({r['best_known']})",
            f"{r['wall_seconds']:.1f} s",
            f"{r['reward']:,} ({r['reward_no_search']:,})",
            r["brahma"], r["stoke"],
        )
    found = sum(r["found"] for r in rows)
    total = sum(r["wall_seconds"] for r in rows)
    setup = sum(r["setup_seconds"] for r in rows)
    summary = Text(f"Found a proven rewrite on {found} of {len(rows)}; {total:.0f} s of machine runs and {setup:.0f} s "
                   "of setup. "
                   f"Published: {PUBLISHED}")
    rewrites = Text("\n".join(f"{r['problem']}: {r['rewrite']}" for r in rows if r["rewrite"]))
    return Group(table, summary, rewrites)
