"""`python -m benchmarks.fuzz TARGET --seconds N`: coverage-guided fuzzing with atheris (libFuzzer).

Optional: `pip install atheris` (a wheel for CPython 3.11 on Linux x86-64). The targets are
those of tests/test_fuzz.py (tests/fuzz_targets.py); each input either passes its target's
checks or is a finding, which libFuzzer saves as `crash-*` or `timeout-*` in --findings:

| target | the input is | checked |
| --- | --- | --- |
| `reader` | program text (bytes as UTF-8) | only a positioned UserError; print-and-read round trip; compiles |
| `interpreter` | the choices of a random program over the whole primitive table | value, trap or out of steps within the budget; fast path = reference; no audit event while it runs |
| `source` | program text, then run | as `interpreter` |
| `axioms` | axiom-file text | only a positioned UserError; every axiom translates into Z3 |
| `task` | task-file text | only a positioned UserError; the generated axioms read back |

`python -m benchmarks.fuzz all --seconds 600` shares the time among the targets (one process
each, seeded with the shipped programs, axiom and task files; the corpus grows in
$TMPDIR/godelmachine-fuzz-corpus from run to run), prints executions and
findings per target and writes benchmarks/results/fuzz.json. An input slower than
--timeout seconds is a finding too.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

SHARES = {"reader": 2, "interpreter": 3, "source": 1, "axioms": 2, "task": 2}  # of the time of `all`
SEEDS = {"reader": ["examples/*.gm", "godelmachine/search/techniques/*.gm"], "source": ["examples/*.gm"],
         "axioms": ["proofs/*.axioms"], "task": ["godelmachine/tasks/*.task"], "interpreter": []}
BUDGETS = (0, 1, 7, 100, 2_000, 20_000)


def target(name: str):  # type: ignore[no-untyped-def]
    """The function libFuzzer calls with each input (after importing the code instrumented)."""
    import atheris

    with atheris.instrument_imports(include=["godelmachine", "fuzz_targets", "lark"]):
        import fuzz_targets as ft
        from godelmachine.lang.values import Word

    def text(data: bytes) -> str:
        return data.decode("utf-8", "replace")

    def interpreter(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        choices = ft.Choices(lambda options: options[fdp.ConsumeIntInRange(0, len(options) - 1)],
                             lambda lo, hi: fdp.ConsumeIntInRange(lo, hi))
        budget = BUDGETS[fdp.ConsumeIntInRange(0, len(BUDGETS) - 1)]
        x, w = fdp.ConsumeIntInRange(-50, 50), fdp.ConsumeIntInRange(0, 2**32 - 1)
        ft.run_source(ft.random_program(choices, depth=fdp.ConsumeIntInRange(1, 5)), (x, Word(w)), budget)

    return {
        "reader": lambda data: ft.read_program(text(data)),
        "interpreter": interpreter,
        "source": lambda data: ft.run_source(text(data), (3, Word(5)), 20_000),
        "axioms": lambda data: ft.read_axioms(text(data)),
        "task": lambda data: ft.read_task(text(data)),
    }[name]


def fuzz_one(name: str, seconds: int, timeout: int, findings: Path) -> None:
    """Run atheris on one target in this process (libFuzzer exits when the time is up)."""
    import atheris

    findings.mkdir(parents=True, exist_ok=True)
    corpus = Path(tempfile.gettempdir()) / "godelmachine-fuzz-corpus" / name  # kept: later runs start from it
    corpus.mkdir(parents=True, exist_ok=True)
    for pattern in SEEDS[name]:
        for i, path in enumerate(sorted(REPO.glob(pattern))):
            (corpus / f"seed-{i}-{path.name}").write_bytes(path.read_bytes())
    args = [sys.argv[0], str(corpus), f"-max_total_time={seconds}", f"-timeout={timeout}", "-rss_limit_mb=4096",
            f"-artifact_prefix={findings}/{name}-", "-print_final_stats=1", "-max_len=4096"]
    atheris.Setup(args, target(name))
    atheris.Fuzz()


def fuzz_all(seconds: int, timeout: int, findings: Path, results: Path) -> int:
    from rich.console import Console
    from rich.table import Table

    total = sum(SHARES.values())
    rows = []
    for name, share in SHARES.items():
        budget = max(1, seconds * share // total)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "benchmarks.fuzz", name, "--seconds", str(budget),
                               "--timeout", str(timeout), "--findings", str(findings)],
                              capture_output=True, text=True, cwd=REPO)
        log = done.stdout + done.stderr
        executed = re.search(r"stat::number_of_executed_units:\s*(\d+)", log)
        found = sorted(p.name for p in findings.glob(f"{name}-*")) if findings.is_dir() else []
        rows.append({"target": name, "seconds": round(time.perf_counter() - started, 1),
                     "executions": int(executed.group(1)) if executed else None, "exit_code": done.returncode,
                     "findings": found, "last_lines": log.strip().splitlines()[-3:] if done.returncode else []})
    table = Table(title=f"atheris, {seconds} s in all")
    for column in ("target", "seconds", "executions", "findings"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["target"], str(r["seconds"]), f"{r['executions']:,}" if r["executions"] else "?",
                      ", ".join(r["findings"]) or "none")
    Console(width=120).print(table)
    from benchmarks.machine import describe

    results.mkdir(parents=True, exist_ok=True)
    record = {"machine": describe(), "tool": "atheris", "seconds": seconds, "rows": rows}
    (results / "fuzz.json").write_text(json.dumps(record, indent=2) + "\n")
    return 1 if any(r["findings"] for r in rows) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fuzz", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=[*SHARES, "all"])
    parser.add_argument("--seconds", type=int, default=60, help="how long to fuzz (all: in total)")
    parser.add_argument("--timeout", type=int, default=20, help="seconds one input may take before it is a finding")
    parser.add_argument("--findings", type=Path, default=REPO / "benchmarks" / "results" / "fuzz-findings")
    parser.add_argument("--results", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args(argv)
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("atheris is not installed: pip install atheris (or run tests/test_fuzz.py with "
              "GODELMACHINE_FUZZ_EXAMPLES=N)", file=sys.stderr)
        return 2
    if args.target == "all":
        return fuzz_all(args.seconds, args.timeout, args.findings, args.results)
    fuzz_one(args.target, args.seconds, args.timeout, args.findings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
