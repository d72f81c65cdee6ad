"""`godelmachine sweep`: one run of the machine per seed (and lifetime), each an independent
job (godelmachine/jobs.py), every log kept, and what the runs have in common summed up.

A run is deterministic, so its job returns the same figures and the same log bytes wherever
it ran: in this process, on a local Ray or on a cluster. The job writes its log in a temporary
file of the worker and returns its text; the caller writes it where the user asked, so a
cluster's nodes need no shared disk.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from godelmachine.errors import UserError
from godelmachine.jobs import Done, Job


@dataclass(frozen=True)
class Plan:
    task: str  # a built-in task's name or a task file's path, as `run` takes it
    seeds: tuple[int, ...]
    lifetimes: tuple[int | None, ...] = (None,)  # None: the task's own
    axioms: tuple[str, ...] = ()  # every run's extra axiom files (installed ones first)
    accept: str = "proof"
    search: bool = True
    trust: str = "assumed"
    # the library of proven rewrites every run reuses: its path and its entries' files' names and
    # texts (a job carries them, so that a cluster needs no shared disk); None: no library
    library: tuple[str, tuple[tuple[str, str], ...]] | None = None

    def jobs(self) -> list[Job]:
        return [Job(f"seed {seed}" + (f", lifetime {lifetime:,}" if lifetime else ""), run_one,
                    (self.task, seed, lifetime, self.axioms, self.accept, self.search, self.trust, self.library),
                    cost=float(lifetime or 1))
                for lifetime in self.lifetimes for seed in self.seeds]


SEEDS = re.compile(r"\s*(-?\d+)\s*(?:\.\.\s*(-?\d+)\s*)?")
MAX_RUNS = 100_000


def parse_seeds(text: str) -> tuple[int, ...]:
    """`0..99` (both ends included), `1,5,9`, or both mixed (`0..9,20`): the seeds, in the
    order given, each once. A UserError names the part that is not a seed or a range."""
    seeds: dict[int, None] = {}
    column = 1
    for part in text.split(","):
        match = SEEDS.fullmatch(part)
        if match is None:
            raise UserError(f"--seeds: {part.strip()!r} (column {column}) is not a seed or a range such as 0..99")
        lo, hi = int(match.group(1)), int(match.group(2) if match.group(2) is not None else match.group(1))
        if hi < lo:
            raise UserError(f"--seeds: the range {part.strip()} (column {column}) is empty: {lo} is above {hi}")
        if len(seeds) + hi - lo + 1 > MAX_RUNS:
            raise UserError(f"--seeds: more than {MAX_RUNS:,} seeds")
        seeds.update(dict.fromkeys(range(lo, hi + 1)))
        column += len(part) + 1
    return tuple(seeds)


def run_one(task: str, seed: int, lifetime: int | None, axioms: tuple[str, ...], accept: str, search: bool,
            trust: str, library: tuple[str, tuple[tuple[str, str], ...]] | None = None) -> dict[str, Any]:
    """One run, as a job: its figures and its log's text (a worker's process may run many)."""
    from godelmachine.machine.library import parse
    from godelmachine.machine.machine import Machine
    from godelmachine.machine.task import load_task

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="godelmachine-sweep-") as directory:
        log = Path(directory) / "run.jsonl"
        machine = Machine(load_task(task), seed=seed, lifetime=lifetime, axiom_files=tuple(map(Path, axioms)),
                          log_path=log, mode=accept, search=search, trust=trust,
                          library=parse(Path(library[0]), [(Path(n), t) for n, t in library[1]]) if library else None)
        result = machine.run()
        text = log.read_text(encoding="utf-8")
    return {
        "seed": seed, "lifetime": result.lifetime, "reward": result.reward, "instances": result.instances,
        "solver_steps": result.solver_steps, "search_steps": result.search_steps, "first_switch": result.first_switch,
        "switches": [{"n": s.number, "clock": s.clock, "technique": s.technique, "summary": s.summary,
                      "proved": s.theorem is not None} for s in result.switches],
        "refusals": dict(sorted(result.refusals.items())), "trapped": result.trapped,
        "log": text, "wall_seconds": round(time.perf_counter() - started, 3),
    }


def summary(plan: Plan, ends: list[Done]) -> dict[str, Any]:
    """Per lifetime: how many runs ended and failed, the reward's mean, spread and range, each
    switch found (by what it changed) with the number of runs that made it, and the clock at
    the first switch. Failed runs are counted and listed, never left out silently."""
    groups = []
    for lifetime in plan.lifetimes:
        mine = [d for d in ends if d.job.args[2] == lifetime]
        runs = [d.value for d in mine if d.ok]
        rewards = [r["reward"] for r in runs]
        firsts = [r["first_switch"] for r in runs if r["first_switch"] is not None]
        found: dict[str, dict[str, Any]] = {}
        for r in runs:
            for s in dict((s["summary"], s) for s in r["switches"]).values():  # a run counts once per change
                entry = found.setdefault(s["summary"], {"summary": s["summary"], "technique": s["technique"], "runs": 0})
                entry["runs"] += 1
        groups.append({
            "lifetime": runs[0]["lifetime"] if runs else lifetime,
            "jobs": len(mine), "ended": len(runs), "failed": [failure(d) for d in mine if not d.ok],
            "retried": [{"job": d.job.name, "lost": d.attempts} for d in mine if d.attempts],
            "reward": figures(rewards),
            "switches": sorted(found.values(), key=lambda e: (-e["runs"], e["summary"])),
            "runs_without_switch": len(runs) - len(firsts),
            "first_switch": figures(firsts),
        })
    return {"task": plan.task, "seeds": len(plan.seeds), "jobs": len(ends), "groups": groups}


def figures(values: list[int]) -> dict[str, Any] | None:
    if not values:
        return None
    median = statistics.median(values)
    return {"mean": round(statistics.fmean(values), 3), "stdev": round(statistics.stdev(values), 3) if len(values) > 1 else 0.0,
            "min": min(values), "median": int(median) if float(median).is_integer() else median, "max": max(values)}


def failure(done: Done) -> dict[str, Any]:
    return {"job": done.job.name, "error": done.error, "lost": done.attempts}


__all__ = ["Plan", "parse_seeds", "run_one", "summary"]
