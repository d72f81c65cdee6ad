"""The benchmark suite's quick mode runs end to end (a smoke test, not a timing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cli_helpers import REPO

# hackers_delight and adversarial are run in quick mode, serially and on Ray, by
# tests/test_jobs.py (benchmarks scaling --quick); speculation and scaling run only when named.
NAMES = ("interpreter", "tasks", "adversarial_doors", "kernel_fuzz", "synthesis", "sygus", "startup", "batch", "lifetimes")


def test_quick_benchmarks_run_and_write_results(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--results", str(tmp_path), *NAMES],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "interpreter-quick.json").read_text())
    assert data["machine"]["cores"] >= 1 and data["machine"]["python"]
    programs = {row["program"]: row for row in data["rows"]}
    assert set(programs) == {"summing loop", "recursive fib", "list processing", "bit-twiddling loop"}
    assert programs["summing loop"]["steps"] == 1 + 1 + 2 * 50_001  # sum-to 50,000: i from 0
    runs = {(row["task"], row["lifetime"]): row for row in json.loads((tmp_path / "tasks-quick.json").read_text())["rows"]}
    assert set(runs) == {("fib", 100_000), ("fib", 2_000_000), ("bandit", 100_000)}
    fib = runs["fib", 2_000_000]
    assert fib["switches"] >= 1 and fib["machine"] > fib["unimproved"] and fib["oracle"] > fib["machine"]
    assert fib["z3_wall"] > 0 and fib["solver_wall"] > 0 and fib["first_switch_steps"] == 1_050_316
    assert fib["switched_by"][0] == [1_050_316, "iterate"]  # which technique found each switch
    synthesis = {row["problem"]: row for row in json.loads((tmp_path / "synthesis-quick.json").read_text())["rows"]}
    assert set(synthesis) == {"P1", "P4"} and all(row["outcome"] == "found" for row in synthesis.values())
    assert synthesis["P1"]["found"] == "(define (solve x) (wand x (w+ x #xffffffff)))"
    assert synthesis["P1"]["steps"] < synthesis["P1"]["before"]["steps"]  # the enumeration is deterministic
    lifetimes = {row["task"]: row for row in json.loads((tmp_path / "lifetimes-quick.json").read_text())["rows"]}
    assert set(lifetimes) == {"(imports only)", "bandit"} and lifetimes["bandit"]["lifetime"] == 1_000_000
    assert lifetimes["bandit"]["median_wall"] > lifetimes["(imports only)"]["median_wall"] > 0
    sygus = {row["problem"]: row for row in json.loads((tmp_path / "sygus-quick.json").read_text())["rows"]}
    machine = sygus["p01"]["machine"]  # proved within 10 s, in the grammar, at the best-known size
    assert machine["solved"] and machine["in_grammar"] and machine["size"] == sygus["p01"]["best_known"] == 2
    assert machine["steps"] == 422_922 and "bvand x (bvadd x #xffffffff)" in machine["answer"]
