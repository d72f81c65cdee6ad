"""Each built-in task's default lifetime as a user runs it: `godelmachine run TASK`, wall time.

Each run is a new process (`python -m godelmachine run TASK --log ...`), timed from outside,
so the figure holds everything a user waits for: the imports, building the Machine (with the
axiom cache warm: a first, untimed run of each task fills it), the lifetime, the log. Each
task runs `repeat` times and the median is kept with the spread, since the machines are shared
and one run can be a third slower than the next. The reference in the same run is a process
that only imports the package and exits (what no run can go below).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.table import Table

from godelmachine.machine.task import builtin_tasks, load_task

QUICK = ("bandit",)


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(quick: bool = False) -> list[dict[str, Any]]:
    repeat = 1 if quick else 3
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        imports = statistics.median(timed(["-c", "import godelmachine.cli.main"]) for _ in range(repeat))
        rows.append({"task": "(imports only)", "lifetime": 0, "median_wall": imports, "walls": []})
        for task in (QUICK if quick else builtin_tasks()):
            command = ["-m", "godelmachine", "run", task, "--log", str(Path(folder) / f"{task}.jsonl"), "--force"]
            if not quick:
                timed(command)  # fills the axiom cache, as any earlier run of the task would have
            walls = [timed(command) for _ in range(repeat)]
            rows.append({"task": task, "lifetime": load_task(task).lifetime, "median_wall": statistics.median(walls),
                         "walls": walls})
    return rows


def report(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="godelmachine run TASK at the default lifetime (wall seconds, a new process each run)")
    for column in ("task", "lifetime", "median", "runs"):
        table.add_column(column, justify="left" if column == "task" else "right")
    for r in rows:
        table.add_row(r["task"], f"{r['lifetime']:,}", f"{r['median_wall']:.2f} s",
                      " ".join(f"{w:.2f}" for w in r["walls"]))
    return table
