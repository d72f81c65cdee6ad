"""`python -m benchmarks [--quick] [--ray [ADDRESS]] [NAME ...]`: run benchmarks, print tables,
write results.

Results go to benchmarks/results/NAME.json with the machine's description. `--quick` runs
small inputs in a few seconds (it is part of the test suite as a smoke test). `--ray` runs the
jobs of the benchmarks made of independent jobs (tasks, hackers_delight, adversarial, scaling) as Ray
tasks: on a local Ray started for the purpose, or on the cluster at ADDRESS (docs/scaling.md);
their results are the same either way.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from pathlib import Path

from rich.console import Console

from benchmarks import (
    adversarial,
    adversarial_doors,
    batch,
    hackers_delight,
    interpreter,
    kernel_fuzz,
    library,
    lifetimes,
    scaling,
    speculation,
    startup,
    sygus_bench,
    synthesis,
    tasks,
)
from benchmarks.machine import describe
from godelmachine.jobs import ray_address_given

SUITES = {"interpreter": interpreter, "tasks": tasks, "hackers_delight": hackers_delight, "adversarial": adversarial,
          "adversarial_doors": adversarial_doors, "kernel_fuzz": kernel_fuzz,
          "synthesis": synthesis, "sygus": sygus_bench, "startup": startup, "batch": batch,
          "lifetimes": lifetimes, "scaling": scaling, "speculation": speculation, "library": library}
# not run without being named: scaling runs its workloads twice and starts Ray; speculation
# runs every built-in task at its default lifetime for a design that is not built
NAMED_ONLY = ("scaling", "speculation")
RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", choices=[*SUITES, []], help="which benchmarks (default: all)")
    parser.add_argument("--quick", action="store_true", help="small inputs, a smoke test")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the JSON results")
    parser.add_argument("--ray", metavar="ADDRESS", help="run the jobs as Ray tasks: --ray alone for a local Ray, "
                        "or a cluster's address (auto, HOST:PORT)")
    args = parser.parse_args(ray_address_given(sys.argv[1:] if argv is None else argv))
    names = args.names or [n for n in SUITES if n not in NAMED_ONLY]
    takes_ray = [n for n in SUITES if "ray" in inspect.signature(SUITES[n].measure).parameters]
    if args.ray and not set(names) <= set(takes_ray):
        parser.error(f"--ray: only {', '.join(takes_ray)} run jobs; name them")
    console = Console(width=160)
    machine = describe()
    console.print(f"machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}, z3 {machine['z3']}")
    args.results.mkdir(parents=True, exist_ok=True)
    for name in names:
        suite = SUITES[name]
        rows = suite.measure(quick=args.quick, ray=args.ray) if args.ray else suite.measure(quick=args.quick)
        console.print(suite.report(rows))
        suffix = "-quick" if args.quick else ""
        path = args.results / f"{name}{suffix}.json"
        path.write_text(json.dumps({"machine": machine, "quick": args.quick, "rows": rows}, indent=2) + "\n")
        console.print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
