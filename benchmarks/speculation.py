"""`python -m benchmarks speculation`: what speculative parallel BIOPS would gain inside one run,
simulated on the trials of real runs (the design is docs/scaling.md, "Inside one run").

Each built-in task runs once at its default lifetime, seed 0, with every technique trial of
its proof searcher timed (wall seconds, clock steps, BIOPS phase, and how it ended: a switch,
exhausted, waiting, or nothing); the run's log is the one `godelmachine run` writes. Then the
searcher's wall time is simulated with W workers: the trials of one round of a phase (each
technique once, against the state at the round's start) start in their serial order as workers
come free; a round ends when its last trial ends, or when a trial that switches ends (the
trials after it were speculation and are thrown away); rounds follow one another. What is not
the searcher (the solver's instances, the start) is unchanged. The figures are upper bounds: a
speculative trial that read the clock would have to run again once its true start is known,
and merging is taken as free.
"""

from __future__ import annotations

import heapq
import time
from typing import Any

from godelmachine.machine.machine import Machine
from godelmachine.machine.task import builtin_tasks, load_task
from godelmachine.search.searcher import Searcher

WORKERS = (2, 4, 8)
QUICK_TASKS = ("sum-to-n",)


def record(task: str, lifetime: int | None = None) -> dict[str, Any]:
    """One real run with each trial timed: rounds of trials, the run's wall time."""
    trials: list[dict[str, Any]] = []
    real = Searcher.trial

    def timed(searcher: Searcher) -> Any:
        index_before, clock_before, started = searcher.index, searcher.clock.now, time.perf_counter()
        event = real(searcher)
        new_round = not trials or trials[-1]["ended"] == "switch" or searcher.index <= index_before
        ended = ("switch" if event is not None else "exhausted" if searcher.technique in searcher.exhausted
                 else "wait" if searcher.technique in searcher.waiting else "nothing")
        trials.append({"round": (trials[-1]["round"] + new_round) if trials else 0, "phase": searcher.phase,
                       "technique": searcher.technique, "steps": searcher.clock.now - clock_before,
                       "seconds": time.perf_counter() - started, "ended": ended})
        return event

    Searcher.trial = timed  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        result = Machine(load_task(task), seed=0, lifetime=lifetime).run()
        wall = time.perf_counter() - started
    finally:
        Searcher.trial = real  # type: ignore[method-assign]
    return {"task": task, "lifetime": result.lifetime, "wall": wall, "switches": len(result.switches), "trials": trials}


def rounds(trials: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {}
    for t in trials:
        grouped.setdefault(t["round"], []).append(t)
    return list(grouped.values())


def round_wall(trials: list[dict[str, Any]], workers: int) -> float:
    """One round on `workers` workers, started in order, ending at its last trial or its switch."""
    free = [0.0] * workers
    end = 0.0
    for t in trials:
        start = heapq.heappop(free)
        finish = start + t["seconds"]
        heapq.heappush(free, finish)
        end = max(end, finish)
        if t["ended"] == "switch":
            return finish  # committed at its end; what started after it is thrown away
    return end


def measure(quick: bool = False) -> list[dict[str, Any]]:
    rows = []
    for task in (QUICK_TASKS if quick else builtin_tasks()):
        run = record(task, lifetime=1_000_000 if quick else None)
        trials, groups = run["trials"], rounds(run["trials"])
        search = sum(t["seconds"] for t in trials)
        row = {"task": task, "lifetime": run["lifetime"], "wall_seconds": round(run["wall"], 2),
               "search_seconds": round(search, 2), "trials": len(trials), "rounds": len(groups),
               "trials_per_round": round(len(trials) / len(groups), 2) if groups else 0.0,
               "longest_trial_seconds": round(max((t["seconds"] for t in trials), default=0.0), 3),
               "switches": run["switches"], "speedup": {}}
        for w in WORKERS:
            parallel = sum(round_wall(g, w) for g in groups)
            row["speedup"][str(w)] = {"search": round(search / parallel, 2) if parallel else 1.0,
                                      "run": round(run["wall"] / (run["wall"] - search + parallel), 3)}
        rows.append(row)
    return rows


def report(rows: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    table = Table(title="Speculative parallel BIOPS, simulated on timed trials of real runs (upper bounds)")
    for column in ("task", "run wall", "searcher", "trials", "per round", "longest trial",
                   *(f"W={w}: searcher / run" for w in WORKERS)):
        table.add_column(column, justify="left" if column == "task" else "right")
    for r in rows:
        table.add_row(r["task"], f"{r['wall_seconds']:.1f} s", f"{r['search_seconds']:.1f} s", f"{r['trials']:,}",
                      f"{r['trials_per_round']:.2f}", f"{r['longest_trial_seconds']:.2f} s",
                      *(f"{r['speedup'][str(w)]['search']:.2f}x / {r['speedup'][str(w)]['run']:.2f}x" for w in WORKERS))
    return table
