"""Start-up: building a Machine, and `axioms check` with the worked example's lemma, in a
fresh process with an empty axiom cache (cold) and again with the entry the first wrote
(warm): godelmachine/logic/axiom_cache.py.

Each start is a new Python process (`python -c ...`), timed from inside it after the imports
(the imports are the same both ways and are reported apart), so that nothing of the first
start is left in memory for the second. Wall times on shared machines are noisy: the figure to
read is the ratio cold / warm, taken in the same run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
LEMMA = REPO / "proofs" / "examples" / "cubes-lemma.axioms"
CUBES = REPO / "proofs" / "examples" / "sum-of-cubes.task"

BUILD = """
import json, sys, time
t0 = time.perf_counter()
from godelmachine.machine.machine import Machine
from godelmachine.machine.task import load_task
t1 = time.perf_counter()
Machine(load_task(sys.argv[1]), log_path=None)
print(json.dumps({"imports": t1 - t0, "start": time.perf_counter() - t1}))
"""

CHECK = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from godelmachine.machine.axiom_set import task_axioms
from godelmachine.machine.task import load_task
t1 = time.perf_counter()
task_axioms(load_task(sys.argv[1]), (Path(sys.argv[2]),))
print(json.dumps({"imports": t1 - t0, "start": time.perf_counter() - t1}))
"""


def timed(code: str, args: list[str], cache: Path) -> dict[str, float]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "GODELMACHINE_AXIOMS": str(cache / "no-installed-axioms")}
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True,
                         cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_one(what: str, code: str, args: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="godelmachine-startup-") as directory:
        cache = Path(directory)
        cold = timed(code, args, cache)
        warm = timed(code, args, cache)
    return {"what": what, "imports": round(cold["imports"], 3), "cold": round(cold["start"], 3),
            "warm": round(warm["start"], 3), "ratio": round(cold["start"] / warm["start"], 1)}


def measure(quick: bool = False) -> list[dict[str, Any]]:
    from godelmachine.machine.task import builtin_tasks

    names = ["sum-to-n"] if quick else sorted(builtin_tasks())
    rows = [measure_one(f"Machine({name})", BUILD, [name]) for name in names]
    if not quick:
        rows.append(measure_one("axioms check: cubes-lemma", CHECK, [str(CUBES), str(LEMMA)]))
    return rows


def report(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="Start-up in a fresh process: the axiom checks decided (cold) and read from the cache (warm)")
    for column in ("start", "imports s", "cold s", "warm s", "cold / warm"):
        table.add_column(column, justify="left" if column == "start" else "right")
    for row in rows:
        table.add_row(row["what"], f"{row['imports']:.2f}", f"{row['cold']:.2f}", f"{row['warm']:.2f}",
                      f"{row['ratio']:.1f}x")
    return table


__all__ = ["measure", "report"]
