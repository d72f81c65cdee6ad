"""`python -m benchmarks scaling [--ray [ADDRESS]]`: independent jobs, serially and as Ray tasks,
side by side in one process.

Two workloads, each run twice: serially in this process, then as Ray tasks (on a local Ray
with one CPU per core, started for the purpose and counted in its time, or on the cluster at
ADDRESS): the Hacker's Delight suite (one job per problem) and a slice of the adversarial
campaign (a job per stage, of at most five epochs of the proof searcher). Recorded for each: the jobs, both wall
times and their ratio, and whether the results are identical, every field compared but the
wall times a job measures of itself. The target (issue: campaigns and sweeps on Ray) is a
ratio of at most 0.6 on a local Ray with two workers.

The slice: every kind of mutated rewrite of every task of the campaign, PER_STREAM candidates
per seeded stream, with the campaign's full ground truth (100,000 instances), in epochs of
CHUNK candidates so that there are enough jobs for two workers. The full campaign (about
10,000 candidates) is `python -m benchmarks adversarial --ray`.
"""

from __future__ import annotations

import time
from dataclasses import asdict, replace
from typing import Any, Callable

from benchmarks import adversarial, hackers_delight

PER_STREAM = 12
CHUNK = 20
QUICK_PER_STREAM = 1


def workloads(quick: bool) -> dict[str, Callable[[str | None], Any]]:
    """name -> run(ray): what it returns is compared between the serial run and the Ray run."""
    if quick:
        settings = adversarial.Settings(sample=2_000, empirical_truth=2_000, screen=500, check_axioms=False, chunk=5)
        candidates = adversarial.generate(per_stream=QUICK_PER_STREAM, tasks=("sum-to-n", "sort4"))
    else:
        settings = adversarial.Settings(chunk=CHUNK)
        candidates = adversarial.generate(per_stream=PER_STREAM)
    return {
        "Hacker's Delight": lambda ray: [without_walls(row) for row in hackers_delight.measure(quick=quick, ray=ray)],
        f"adversarial slice ({len(candidates)} candidates)":
            lambda ray: [comparable(r) for r in adversarial.campaign(candidates, settings, ray=ray)],
    }


def without_walls(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("wall_seconds", "setup_seconds")}


def comparable(result: Any) -> dict[str, Any]:
    return asdict(replace(result, seconds={}))


def measure(quick: bool = False, ray: str | None = None) -> list[dict[str, Any]]:
    address = ray or "local"
    rows = []
    for name, run in workloads(quick).items():
        started = time.perf_counter()
        serial = run(None)
        serial_seconds = time.perf_counter() - started
        started = time.perf_counter()
        parallel = run(address)
        ray_seconds = time.perf_counter() - started
        rows.append({"workload": name, "jobs_results": len(serial), "ray": address,
                     "serial_seconds": round(serial_seconds, 1), "ray_seconds": round(ray_seconds, 1),
                     "ratio": round(ray_seconds / serial_seconds, 3), "identical": serial == parallel})
    return rows


def report(rows: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    table = Table(title="Jobs serially and as Ray tasks (Ray's start counted), the same results required")
    for column in ("workload", "results", "Ray", "serial", "Ray time", "Ray / serial", "identical"):
        table.add_column(column, justify="left" if column in ("workload", "Ray") else "right")
    for r in rows:
        table.add_row(r["workload"], f"{r['jobs_results']:,}", r["ray"], f"{r['serial_seconds']:.1f} s",
                      f"{r['ray_seconds']:.1f} s", f"{r['ratio']:.2f}", "yes" if r["identical"] else "NO")
    return table
