"""The kernel fuzzer of tests/test_kernel_fuzz.py, run longer: `python -m benchmarks kernel_fuzz`.

Batches of BATCH examples, each batch with a fresh random seed (not derandomized), until
KERNEL_FUZZ_SECONDS (default 300) have passed; `--quick` runs one batch of 20. Every example
applies up to STEPS random kernel rules to a pool of theorems and then checks that Z3 does
not prove `false` from the pool and that the pool's certificate replays. The figures: the
examples and rule applications run, the theorems each rule made and the refusals, and the
findings (each a failing example: a derivation of `false`, a rule raising something other
than `Refused`, or a certificate that does not replay cleanly). Findings must be zero.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

BATCH = 200


def measure(quick: bool = False) -> list[dict[str, Any]]:
    from hypothesis import HealthCheck, settings
    from hypothesis.stateful import run_state_machine_as_test

    import test_kernel_fuzz as fuzz

    seconds = 0 if quick else float(os.environ.get("KERNEL_FUZZ_SECONDS", "300"))
    batch = 20 if quick else BATCH
    fuzz.STATS.clear()
    findings: list[str] = []
    started = time.perf_counter()
    batches = 0
    while batches == 0 or time.perf_counter() - started < seconds:
        batches += 1
        try:
            run_state_machine_as_test(fuzz.KernelFuzz, settings=settings(
                max_examples=batch, stateful_step_count=fuzz.STEPS, deadline=None, derandomize=False, database=None,
                suppress_health_check=list(HealthCheck), report_multiple_bugs=False, print_blob=True))
        except Exception as exc:  # noqa: BLE001 - a finding, reported with its message
            findings.append(f"{type(exc).__name__}: {exc}"[:4000])
    stats = dict(sorted(fuzz.STATS.items()))
    made = sum(v for k, v in stats.items() if k.endswith(" made"))
    refused = sum(v for k, v in stats.items() if k.endswith(" refused") and k != "replay refused")
    return [{
        "seconds": round(time.perf_counter() - started, 1),
        "batches": batches,
        "examples": stats.get("examples", 0),
        "steps_per_example": fuzz.STEPS,
        "rule_applications": made + refused,
        "theorems_made": made,
        "refusals": refused,
        "pools_replayed": stats.get("replayed", 0),
        "replays_refused": stats.get("replay refused", 0),
        "certificates_not_writable": stats.get("certificate not writable", 0),
        "findings": len(findings),
        "finding_messages": findings,
        "by_rule": stats,
    }]


def report(rows: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    table = Table(title="Kernel fuzzer: random rule applications, looking for a derivation of false")
    columns = ["seconds", "examples", "rule_applications", "theorems_made", "refusals", "pools_replayed",
               "replays_refused", "findings"]
    for column in columns:
        table.add_column(column.replace("_", " "), justify="right")
    for row in rows:
        table.add_row(*(str(row[c]) for c in columns))
    return table
