"""`python -m benchmarks [--quick] [NAME ...]`: run benchmarks, print tables, write results.

Results go to benchmarks/results/NAME.json with the machine's description. `--quick` runs
small inputs in a few seconds (it is part of the test suite as a smoke test).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console

from benchmarks import (
    adversarial,
    adversarial_doors,
    batch,
    hackers_delight,
    interpreter,
    kernel_fuzz,
    lifetimes,
    startup,
    sygus_bench,
    synthesis,
    tasks,
)
from benchmarks.machine import describe

SUITES = {"interpreter": interpreter, "tasks": tasks, "hackers_delight": hackers_delight, "adversarial": adversarial,
          "adversarial_doors": adversarial_doors, "kernel_fuzz": kernel_fuzz,
          "synthesis": synthesis, "sygus": sygus_bench, "startup": startup, "batch": batch,
          "lifetimes": lifetimes}
RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", choices=[*SUITES, []], help="which benchmarks (default: all)")
    parser.add_argument("--quick", action="store_true", help="small inputs, a smoke test")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the JSON results")
    args = parser.parse_args(argv)
    console = Console(width=160)
    machine = describe()
    console.print(f"machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}, z3 {machine['z3']}")
    args.results.mkdir(parents=True, exist_ok=True)
    for name in args.names or list(SUITES):
        suite = SUITES[name]
        rows = suite.measure(quick=args.quick)
        console.print(suite.report(rows))
        suffix = "-quick" if args.quick else ""
        path = args.results / f"{name}{suffix}.json"
        path.write_text(json.dumps({"machine": machine, "quick": args.quick, "rows": rows}, indent=2) + "\n")
        console.print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
